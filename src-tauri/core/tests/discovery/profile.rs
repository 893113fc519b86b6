//! Profiles made from detected servers, written through the config core.

use switchboard_core::config::{self, ApiKey};
use switchboard_core::discovery::{profile, DiscoveryErrorKind, ServerKind};
use switchboard_fakes::lmstudio::{self, Script};
use switchboard_fakes::local_servers::{self, Model, Server};

use crate::util::{port, probe};

#[tokio::test]
async fn lm_studio_profile_is_written_with_windows_inputs_and_zero_cost() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let server = probe(ServerKind::LmStudio, port(&fake)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("config.json5");
    std::fs::write(
        &file,
        "// mine\n{ gateway: { port: 1 }, models: { providers: { anthropic: {} } } }\n",
    )
    .expect("write");

    let written = profile::write(&file, &server).expect("written");
    assert_eq!(written.provider, "lmstudio");
    assert_eq!(
        written.models,
        ["qwen/qwen3-8b", "google/gemma-3-27b"],
        "no embedding model"
    );

    let loaded = config::load(&file).expect("loads");
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("gateway"), "other keys kept: {text}");
    let cfg = loaded.config;
    assert!(cfg.provider("anthropic").is_some());
    let p = cfg.provider("lmstudio").expect("provider");
    assert_eq!(
        p.base_url.as_deref(),
        Some(format!("{}/v1", fake.url()).as_str())
    );
    assert_eq!(p.api.as_deref(), Some("openai-responses"));
    assert_eq!(p.api_key, None, "no key, no keychain entry");
    assert_eq!(p.auth_header, Some(false));
    let models = p.models.as_ref().expect("models");
    let qwen = &models[0];
    assert_eq!(
        (qwen.context_window, qwen.max_tokens),
        (Some(32_768.0), Some(8_192.0))
    );
    assert_eq!(qwen.reasoning, Some(true));
    assert_eq!(qwen.input(), ["text"]);
    let cost = qwen.cost.as_ref().expect("cost");
    assert_eq!(
        (cost.input, cost.output, cost.cache_read, cost.cache_write),
        (Some(0.0), Some(0.0), Some(0.0), Some(0.0))
    );
    let gemma = &models[1];
    assert_eq!(gemma.context_window, Some(131_072.0), "not loaded: max");
    assert_eq!(gemma.input(), ["text", "image"]);
    assert_eq!(gemma.reasoning, Some(false));
}

#[tokio::test]
async fn refreshing_a_profile_keeps_the_users_key_and_settings() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let server = probe(ServerKind::LmStudio, port(&fake)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("config.json5");
    let seed = "{ models: { providers: { lmstudio: { baseUrl: 'http://127.0.0.1:1234/v1', apiKey: 'lmstudio', timeoutSeconds: 30, models: [{ id: 'old', name: 'Old' }] } } } }\n";
    std::fs::write(&file, seed).expect("write");
    profile::write(&file, &server).expect("written");
    let cfg = config::load(&file)
        .expect("loads")
        .into_config()
        .expect("valid");
    let p = cfg.provider("lmstudio").expect("provider");
    assert_eq!(p.api_key, Some(ApiKey::Plain("lmstudio".into())));
    assert_eq!(p.timeout_seconds, Some(30.0));
    assert_eq!(p.auth_header, None);
    let ids: Vec<&str> = p.models.iter().flatten().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["qwen/qwen3-8b", "google/gemma-3-27b"]);
}

#[tokio::test]
async fn a_server_that_needs_a_key_gets_an_env_reference_and_empty_servers_are_refused() {
    let m = Model::new("Qwen/Qwen3-32B", "32B", "BF16", 40_960).loaded(32_768);
    let fake = local_servers::start(Server::Vllm {
        model: m,
        api_key: None,
    })
    .expect("fake");
    let mut server = probe(ServerKind::Vllm, port(&fake)).await;
    server.needs_key = true;
    let (cfg, _) = profile::add_to(&config::Config::default(), &server).expect("adds");
    let p = cfg.provider("vllm").expect("provider");
    assert_eq!(p.api_key, Some(ApiKey::Template("${VLLM_API_KEY}".into())));
    assert_eq!(
        p.models.as_ref().expect("models")[0].max_tokens,
        Some(8_192.0)
    );

    let litellm = local_servers::start(Server::LiteLlm {
        models: vec!["x".into()],
        master_key: "sk-test-1234".into(),
    })
    .expect("fake");
    let server = probe(ServerKind::LiteLlm, port(&litellm)).await;
    let err = profile::add_to(&config::Config::default(), &server).expect_err("nothing to add");
    assert_eq!(err.kind(), DiscoveryErrorKind::NoChatModels);
}

#[tokio::test]
async fn small_windows_cap_max_tokens() {
    let m = Model::new("tiny.gguf", "1B", "Q8_0", 8_192).loaded(4_096);
    let fake = local_servers::start(Server::LlamaCpp {
        model: m,
        loading: false,
        api_key: None,
    })
    .expect("fake");
    let server = probe(ServerKind::LlamaCpp, port(&fake)).await;
    let (cfg, _) = profile::add_to(&config::Config::default(), &server).expect("adds");
    let def = &cfg
        .provider("llamacpp")
        .and_then(|p| p.models.clone())
        .expect("models")[0];
    assert_eq!(
        (def.context_window, def.max_tokens),
        (Some(4_096.0), Some(4_096.0))
    );
}

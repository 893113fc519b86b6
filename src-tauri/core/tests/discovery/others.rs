//! Ollama, vLLM, llama.cpp, LiteLLM, Jan, user base URLs, and everything at once.

use std::time::{Duration, Instant};

use switchboard_core::discovery::{ModelType, ScanOptions, Scanner, ServerKind, Status};
use switchboard_fakes::foreign::{self, Silent};
use switchboard_fakes::lmstudio;
use switchboard_fakes::local_servers::{self, Model, Server};

use crate::util::{codes, model, port, probe};

fn ollama_fake() -> switchboard_fakes::FakeServer {
    local_servers::start(Server::Ollama {
        version: "0.12.6".into(),
        models: vec![
            Model::new("qwen3:8b", "8.2B", "Q4_K_M", 40_960)
                .loaded(8_192)
                .capabilities(&["completion", "tools", "thinking"]),
            Model::new("llava:13b", "13B", "Q4_0", 4_096).capabilities(&["completion", "vision"]),
            Model::new("nomic-embed-text:latest", "137M", "F16", 2_048)
                .capabilities(&["embedding"]),
        ],
    })
    .expect("fake")
}

#[tokio::test]
async fn ollama_lists_tags_with_loaded_and_trained_context() {
    let fake = ollama_fake();
    let s = probe(ServerKind::Ollama, port(&fake)).await;
    assert_eq!(s.status, Status::Running, "{s:?}");
    assert_eq!(s.version.as_deref(), Some("0.12.6"));
    assert_eq!(s.api.as_deref(), Some("openai-completions"));
    assert_eq!(s.base_url, format!("{}/v1", fake.url()));
    let qwen = model(&s, "qwen3:8b");
    assert_eq!(
        (qwen.loaded, qwen.context_window, qwen.max_context_window),
        (Some(true), Some(8_192), Some(40_960))
    );
    assert_eq!((qwen.tool_use, qwen.reasoning), (Some(true), Some(true)));
    assert_eq!(qwen.quantization.as_deref(), Some("Q4_K_M"));
    assert_eq!(codes(qwen), ["small_context"]);
    let llava = model(&s, "llava:13b");
    assert_eq!(llava.model_type, ModelType::Vlm);
    assert_eq!(codes(llava), ["small_context", "not_loaded", "no_tool_use"]);
    assert_eq!(
        model(&s, "nomic-embed-text:latest").model_type,
        ModelType::Embeddings
    );
}

#[tokio::test]
async fn vllm_reads_max_model_len_and_notices_an_api_key() {
    let model_def = Model::new("Qwen/Qwen3-32B-AWQ", "32B", "AWQ", 40_960).loaded(32_768);
    let fake = local_servers::start(Server::Vllm {
        model: model_def.clone(),
        api_key: None,
    })
    .expect("fake");
    let s = probe(ServerKind::Vllm, port(&fake)).await;
    assert_eq!(
        (s.status, s.version.as_deref()),
        (Status::Running, Some("0.11.0"))
    );
    let m = model(&s, "Qwen/Qwen3-32B-AWQ");
    assert_eq!((m.loaded, m.context_window), (Some(true), Some(32_768)));
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);

    let keyed = local_servers::start(Server::Vllm {
        model: model_def,
        api_key: Some("k".into()),
    })
    .expect("fake");
    let s = probe(ServerKind::Vllm, port(&keyed)).await;
    assert_eq!(s.status, Status::Running);
    assert!(s.needs_key && s.models.is_empty(), "{s:?}");
}

#[tokio::test]
async fn llamacpp_reads_n_ctx_and_the_quantization_from_the_file_name() {
    let m = Model::new("Qwen3-8B-Q4_K_M.gguf", "8B", "Q4_K_M", 40_960).loaded(16_384);
    let fake = local_servers::start(Server::LlamaCpp {
        model: m.clone(),
        loading: false,
        api_key: None,
    })
    .expect("fake");
    let s = probe(ServerKind::LlamaCpp, port(&fake)).await;
    assert_eq!(s.status, Status::Running, "{s:?}");
    assert_eq!(s.version.as_deref(), Some("b6700-3df2244d"));
    let got = model(&s, "Qwen3-8B-Q4_K_M.gguf");
    assert_eq!(
        (got.context_window, got.max_context_window),
        (Some(16_384), Some(40_960))
    );
    assert_eq!(got.quantization.as_deref(), Some("Q4_K_M"));
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);

    assert_eq!(got.params.as_deref(), Some("8.2B"));

    let loading = local_servers::start(Server::LlamaCpp {
        model: m.clone(),
        loading: true,
        api_key: None,
    })
    .expect("fake");
    let s = probe(ServerKind::LlamaCpp, port(&loading)).await;
    assert_eq!(s.status, Status::Running);
    assert_eq!(s.detail.as_deref(), Some("loading a model"));

    let locked = local_servers::start(Server::LlamaCpp {
        model: m,
        loading: false,
        api_key: Some("sk-llama".into()),
    })
    .expect("fake");
    let s = probe(ServerKind::LlamaCpp, port(&locked)).await;
    assert_eq!(
        (s.kind, s.status),
        (ServerKind::LlamaCpp, Status::Running),
        "{s:?}"
    );
    assert!(s.needs_key && s.models.is_empty(), "{s:?}");
}

#[tokio::test]
async fn litellm_is_recognised_and_needs_its_key_for_models() {
    let fake = local_servers::start(Server::LiteLlm {
        models: vec!["gpt-local".into()],
        master_key: "sk-test-1234".into(),
    })
    .expect("fake");
    let s = probe(ServerKind::LiteLlm, port(&fake)).await;
    assert_eq!(s.status, Status::Running, "{s:?}");
    assert_eq!(s.version.as_deref(), Some("1.108.7"));
    assert!(s.needs_key && s.models.is_empty());
    let asked: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(
        !asked.iter().any(|p| p == "/health"),
        "never the expensive /health: {asked:?}"
    );
}

#[tokio::test]
async fn jan_and_user_base_urls_are_openai_compatible_model_lists() {
    let jan = local_servers::start(Server::Jan {
        models: vec!["Jan-v1-4B-Q4_K_M".into()],
    })
    .expect("fake");
    let s = probe(ServerKind::Jan, port(&jan)).await;
    assert_eq!(s.status, Status::Running);
    assert_eq!(codes(model(&s, "Jan-v1-4B-Q4_K_M")), ["small_checkpoint"]);

    let extra = switchboard_fakes::openai::start(
        switchboard_fakes::openai::Script::reply("hi").with_models(["my-local-model"]),
    )
    .expect("fake");
    let options = ScanOptions::ports([]).with_url(&extra.url());
    let report = Scanner::new(options).expect("client").scan().await;
    let s = &report.servers[0];
    assert_eq!(
        (s.kind, s.status),
        (ServerKind::OpenAiCompatible, Status::Running)
    );
    assert_eq!(s.base_url, format!("{}/v1", extra.url()));
    assert_eq!(s.models[0].id, "my-local-model");
}

#[tokio::test]
async fn a_port_where_another_known_server_answers_names_that_server() {
    let lm = lmstudio::start(lmstudio::Script::v1()).expect("fake");
    let ollama = ollama_fake();
    let llama = local_servers::start(Server::LlamaCpp {
        model: Model::new("m.gguf", "8B", "Q4_K_M", 8_192),
        loading: false,
        api_key: None,
    })
    .expect("fake");
    let litellm = local_servers::start(Server::LiteLlm {
        models: vec!["gpt-local".into()],
        master_key: "sk-test-1234".into(),
    })
    .expect("fake");
    let json_ok = foreign::start(foreign::Foreign::JsonOk).expect("fake");
    for (kind, fake, found) in [
        (ServerKind::Ollama, &lm, ServerKind::LmStudio),
        (ServerKind::Vllm, &ollama, ServerKind::Ollama),
        (ServerKind::LiteLlm, &llama, ServerKind::LlamaCpp),
        (ServerKind::LmStudio, &ollama, ServerKind::Ollama),
        (ServerKind::Vllm, &lm, ServerKind::LmStudio),
        (ServerKind::LlamaCpp, &litellm, ServerKind::LiteLlm),
    ] {
        let s = probe(kind, port(fake)).await;
        assert_eq!(
            (s.kind, s.status),
            (found, Status::Running),
            "{kind:?} on {}: {s:?}",
            fake.url()
        );
        assert_eq!(s.base_url, format!("{}/v1", fake.url()));
    }
    let s = probe(ServerKind::LlamaCpp, port(&json_ok)).await;
    assert_eq!(
        (s.kind, s.status),
        (ServerKind::LlamaCpp, Status::OtherService),
        "{s:?}"
    );
    let asked: Vec<String> = litellm.requests().into_iter().map(|r| r.path).collect();
    assert!(
        asked.iter().filter(|p| *p == "/health").count() <= 1,
        "LiteLLM's expensive /health asked only by the llama.cpp probe of its own port: {asked:?}"
    );
}

#[tokio::test]
async fn an_extra_url_is_fingerprinted_with_the_same_facts_as_its_own_port() {
    let llama = local_servers::start(Server::LlamaCpp {
        model: Model::new("Qwen3-8B-Q4_K_M.gguf", "8B", "Q4_K_M", 40_960).loaded(16_384),
        loading: false,
        api_key: None,
    })
    .expect("fake");
    let ollama = ollama_fake();
    let litellm = local_servers::start(Server::LiteLlm {
        models: vec!["gpt-local".into()],
        master_key: "sk-test-1234".into(),
    })
    .expect("fake");
    for (fake, kind) in [
        (&llama, ServerKind::LlamaCpp),
        (&ollama, ServerKind::Ollama),
        (&litellm, ServerKind::LiteLlm),
    ] {
        let at_port = probe(kind, port(fake)).await;
        for url in [fake.url(), format!("{}/v1/", fake.url())] {
            let options = ScanOptions::ports([]).with_url(&url);
            let report = Scanner::new(options).expect("client").scan().await;
            let mut found = report.servers[0].clone();
            found.elapsed_ms = at_port.elapsed_ms;
            assert_eq!(found, at_port, "{url}");
        }
    }
    let asked: Vec<String> = litellm.requests().into_iter().map(|r| r.path).collect();
    assert!(
        !asked.iter().any(|p| p == "/health"),
        "never LiteLLM's expensive /health: {asked:?}"
    );
    // A URL with a path of its own is a proxy route: asked only for its model list.
    let routed = format!("{}/openai/v1", llama.url());
    let report = Scanner::new(ScanOptions::ports([]).with_url(&routed))
        .expect("client")
        .scan()
        .await;
    assert_eq!(report.servers[0].kind, ServerKind::OpenAiCompatible);
}

#[tokio::test]
async fn a_reply_over_one_mib_is_refused_with_a_clear_error() {
    for chunked in [false, true] {
        let big = foreign::start(foreign::Foreign::Oversized { chunked }).expect("fake");
        for kind in [ServerKind::LlamaCpp, ServerKind::Vllm] {
            let s = probe(kind, port(&big)).await;
            assert_eq!(s.status, Status::Error, "chunked={chunked} {kind:?}: {s:?}");
            let detail = s.detail.unwrap_or_default();
            assert!(
                detail.contains("larger than 1 MiB"),
                "chunked={chunked} {kind:?}: {detail}"
            );
        }
        let report = Scanner::new(ScanOptions::ports([]).with_url(&big.url()))
            .expect("client")
            .scan()
            .await;
        let s = &report.servers[0];
        assert_eq!(
            (s.kind, s.status),
            (ServerKind::OpenAiCompatible, Status::Error)
        );
        assert!(
            s.detail
                .as_deref()
                .unwrap_or_default()
                .contains("larger than 1 MiB"),
            "{s:?}"
        );
    }
}

#[tokio::test]
async fn a_full_scan_probes_everything_in_parallel() {
    const DEADLINE: Duration = Duration::from_secs(3);
    let lm = lmstudio::start(lmstudio::Script::v1()).expect("fake");
    let ollama = ollama_fake();
    let silent_a = Silent::start().expect("silent");
    let silent_b = Silent::start().expect("silent");
    let refused = foreign::refused_port().expect("port");
    let options = ScanOptions::ports([
        (ServerKind::LmStudio, port(&lm)),
        (ServerKind::Ollama, port(&ollama)),
        (ServerKind::Vllm, silent_a.port()),
        (ServerKind::LlamaCpp, silent_b.port()),
        (ServerKind::LiteLlm, refused),
        (ServerKind::Jan, refused),
    ])
    .with_timeout(DEADLINE);
    let started = Instant::now();
    let report = Scanner::new(options).expect("client").scan().await;
    let took = started.elapsed();
    let statuses: Vec<(ServerKind, Status)> =
        report.servers.iter().map(|s| (s.kind, s.status)).collect();
    assert_eq!(
        statuses,
        [
            (ServerKind::LmStudio, Status::Running),
            (ServerKind::Ollama, Status::Running),
            (ServerKind::Vllm, Status::Error),
            (ServerKind::LlamaCpp, Status::Error),
            (ServerKind::LiteLlm, Status::NotRunning),
            (ServerKind::Jan, Status::NotRunning),
        ]
    );
    // In series the two silent servers alone would take two deadlines; the deadline is long
    // enough that everything else fits in the second one even on a loaded machine.
    assert!(
        took < 2 * DEADLINE,
        "two silent servers in parallel, not in series: {took:?}"
    );
}

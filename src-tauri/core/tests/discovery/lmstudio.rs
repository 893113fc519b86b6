//! LM Studio: v1, v0 only, nothing loaded, token, foreign servers on its port, silence, refusal,
//! and loading a model.

use std::time::Duration;

use switchboard_core::discovery::{
    load_model, LoadOptions, LoadState, ModelType, ScanOptions, Scanner, ServerKind, Status,
    KEEP_LOADED_ADVICE,
};
use switchboard_fakes::foreign::{self, Foreign, Silent};
use switchboard_fakes::lmstudio::{self, Model, Script};

use crate::util::{codes, model, port, probe};

const LM: ServerKind = ServerKind::LmStudio;

#[tokio::test]
async fn v1_api_gives_the_richest_model_list_and_the_responses_api() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let s = probe(LM, port(&fake)).await;
    assert_eq!(s.status, Status::Running, "{s:?}");
    assert_eq!(s.base_url, format!("{}/v1", fake.url()));
    assert_eq!(s.version.as_deref(), Some("0.4.2"));
    assert_eq!(s.api.as_deref(), Some("openai-responses"));
    assert!(
        s.api_reason
            .as_deref()
            .is_some_and(|r| r.contains("/api/v1")),
        "{s:?}"
    );
    assert_eq!(s.models.len(), 3);

    let qwen = model(&s, "qwen/qwen3-8b");
    assert_eq!(qwen.model_type, ModelType::Llm);
    assert_eq!(qwen.loaded, Some(true));
    assert_eq!(qwen.context_window, Some(32_768));
    assert_eq!(qwen.loaded_context_window, Some(32_768));
    assert_eq!(qwen.max_context_window, Some(131_072));
    assert_eq!(qwen.quantization.as_deref(), Some("Q4_K_M"));
    assert_eq!(qwen.bits_per_weight, Some(4.0));
    assert_eq!(qwen.arch.as_deref(), Some("qwen3"));
    assert_eq!(qwen.format.as_deref(), Some("gguf"));
    assert_eq!((qwen.tool_use, qwen.reasoning), (Some(true), Some(true)));
    assert!(qwen.warnings.is_empty(), "{:?}", qwen.warnings);

    let gemma = model(&s, "google/gemma-3-27b");
    assert_eq!(gemma.model_type, ModelType::Vlm);
    assert_eq!(gemma.loaded, Some(false));
    assert_eq!(gemma.context_window, Some(131_072), "not loaded: the max");
    assert_eq!(codes(gemma), ["not_loaded", "no_tool_use"]);

    let embed = model(&s, "text-embedding-nomic-embed-text-v1.5");
    assert_eq!(embed.model_type, ModelType::Embeddings);
    assert!(embed.warnings.is_empty());

    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths[0], "/lmstudio-greeting", "confirmed first: {paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p == "/api/v0/models" || p == "/v1/responses"),
        "{paths:?}"
    );
}

#[tokio::test]
async fn v0_only_server_is_read_through_api_v0_and_gets_chat_completions() {
    let fake = lmstudio::start(Script::v0()).expect("fake");
    let s = probe(LM, port(&fake)).await;
    assert_eq!(s.status, Status::Running);
    assert_eq!(s.version, None, "0.3.x has no /lms-status");
    assert_eq!(s.api.as_deref(), Some("openai-completions"));
    assert!(
        s.api_reason
            .as_deref()
            .is_some_and(|r| r.contains("unknown endpoint")),
        "{s:?}"
    );
    let qwen = model(&s, "qwen/qwen3-8b");
    assert_eq!(
        (qwen.loaded, qwen.context_window, qwen.max_context_window),
        (Some(true), Some(32_768), Some(131_072))
    );
    assert_eq!(qwen.tool_use, Some(true), "v0 capabilities since 0.3.16");
    assert_eq!(qwen.reasoning, None, "v0 does not say");
    assert_eq!(model(&s, "google/gemma-3-27b").model_type, ModelType::Vlm);
    assert_eq!(
        model(&s, "text-embedding-nomic-embed-text-v1.5").model_type,
        ModelType::Embeddings
    );
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.iter().any(|p| p == "/api/v1/models") && paths.iter().any(|p| p == "/api/v0/models")
    );
}

#[tokio::test]
async fn v0_server_with_responses_endpoint_is_asked_and_gets_responses() {
    let fake = lmstudio::start(Script::v0().version("0.3.31")).expect("fake");
    let s = probe(LM, port(&fake)).await;
    assert_eq!(s.api.as_deref(), Some("openai-responses"), "{s:?}");
    assert!(s
        .api_reason
        .as_deref()
        .is_some_and(|r| r.contains("/v1/responses is served")));
}

#[tokio::test]
async fn oldest_server_falls_back_to_v1_models() {
    let fake = lmstudio::start(Script::v0().version("0.3.5")).expect("fake");
    let s = probe(LM, port(&fake)).await;
    assert_eq!(s.status, Status::Running);
    assert_eq!(s.models.len(), 3);
    assert_eq!(
        model(&s, "qwen/qwen3-8b").loaded,
        None,
        "/v1/models does not say"
    );
    assert_eq!(s.api.as_deref(), Some("openai-completions"));
}

#[tokio::test]
async fn nothing_loaded_warns_about_cold_loads_and_uses_max_context() {
    let fake = lmstudio::start(Script::v1().nothing_loaded()).expect("fake");
    let s = probe(LM, port(&fake)).await;
    assert!(s.loaded_models().is_empty());
    let qwen = model(&s, "qwen/qwen3-8b");
    assert_eq!(
        (qwen.loaded, qwen.context_window),
        (Some(false), Some(131_072))
    );
    assert_eq!(codes(qwen), ["not_loaded"]);
}

#[tokio::test]
async fn seed_warnings_small_context_quantization_and_small_checkpoints() {
    let models = vec![
        Model::llm("qwen/qwen3-32b", "32B", "Q4_K_M", 4.0, 40_960).loaded(8_192),
        Model::llm("qwen/qwen3-32b@q2_k", "32B", "Q2_K", 2.6, 40_960).loaded(32_768),
        Model::llm("qwen/qwen3-4b", "4B", "Q8_0", 8.0, 40_960).loaded(32_768),
        Model::llm("mlx-community/qwen3-14b-3bit", "14B", "3bit", 3.0, 40_960).loaded(32_768),
    ];
    let fake = lmstudio::start(Script::v1().models(models)).expect("fake");
    let s = probe(LM, port(&fake)).await;
    assert_eq!(codes(model(&s, "qwen/qwen3-32b")), ["small_context"]);
    assert_eq!(
        codes(model(&s, "qwen/qwen3-32b@q2_k")),
        ["aggressive_quantization"]
    );
    assert_eq!(codes(model(&s, "qwen/qwen3-4b")), ["small_checkpoint"]);
    assert_eq!(
        codes(model(&s, "mlx-community/qwen3-14b-3bit")),
        ["aggressive_quantization"]
    );
    let text = model(&s, "qwen/qwen3-32b").warnings[0].message();
    assert!(text.contains("8192") && text.contains("16K"), "{text}");
    let text = model(&s, "qwen/qwen3-4b").warnings[0].message();
    assert!(text.contains("prompt-injection"), "{text}");
}

#[tokio::test]
async fn token_protected_server_is_running_and_says_it_needs_the_token() {
    let fake = lmstudio::start(Script::v1().token("sk-lm-secret")).expect("fake");
    let s = probe(LM, port(&fake)).await;
    assert_eq!(s.status, Status::Running);
    assert!(s.needs_key);
    assert!(s
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("LM_API_TOKEN")));
    assert_eq!(s.version.as_deref(), Some("0.4.2"));
    assert_eq!(
        s.api.as_deref(),
        Some("openai-responses"),
        "version gate: {s:?}"
    );
}

#[tokio::test]
async fn a_foreign_server_on_the_lm_studio_port_is_never_lm_studio() {
    for kind in [Foreign::Nginx, Foreign::SpaCatchAll, Foreign::JsonOk] {
        let fake = foreign::start(kind).expect("fake");
        let s = probe(LM, port(&fake)).await;
        assert_eq!(s.status, Status::OtherService, "{kind:?}: {s:?}");
        assert_eq!(s.status.label(), "port in use by another service");
        assert!(s
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("port in use by another service")));
        assert!(s.models.is_empty() && s.api.is_none());
        // The greeting, then only the other servers' fingerprints: nothing is posted.
        let asked = fake.requests();
        assert_eq!(asked[0].path, "/lmstudio-greeting");
        assert!(asked.iter().all(|r| r.method == "GET"), "{asked:?}");
    }
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_is_an_error_within_the_deadline() {
    let silent = Silent::start().expect("silent");
    // The detail names the 400 ms deadline: that deadline ended it (a hang fails the guard).
    let s = tokio::time::timeout(Duration::from_secs(60), probe(LM, silent.port()))
        .await
        .expect("the probe never gave up");
    assert_eq!(s.status, Status::Error, "{s:?}");
    assert!(
        s.detail
            .as_deref()
            .is_some_and(|d| d.contains("did not answer within 400 ms")),
        "{s:?}"
    );
}

#[tokio::test]
async fn a_refused_port_is_not_running() {
    let port = foreign::refused_port().expect("port");
    // With an hour's deadline, an answer at all means the refusal was seen, not waited out.
    let options = ScanOptions::ports([(LM, port)]).with_timeout(Duration::from_secs(3600));
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        Scanner::new(options).expect("client").scan(),
    )
    .await
    .expect("a refused port is known at once, not at the deadline");
    assert_eq!(report.servers[0].status, Status::NotRunning);
}

#[tokio::test]
async fn loading_a_model_reports_loading_then_loaded_and_the_next_scan_sees_it() {
    let script = Script::v1()
        .nothing_loaded()
        .load_delay(Duration::from_millis(150));
    let fake = lmstudio::start(script).expect("fake");
    let mut states = Vec::new();
    let options = LoadOptions {
        context_length: Some(65_536),
        ..LoadOptions::default()
    };
    let loaded = load_model(
        &format!("{}/v1", fake.url()),
        "google/gemma-3-27b",
        &options,
        &mut |s| states.push(s),
    )
    .await
    .expect("loads");
    assert_eq!(loaded.instance_id, "google/gemma-3-27b");
    assert_eq!(loaded.context_length, Some(65_536));
    assert!(
        matches!(&states[0], LoadState::Loading { advice, .. } if *advice == KEEP_LOADED_ADVICE)
    );
    assert!(matches!(&states[1], LoadState::Loaded(l) if l.model == "google/gemma-3-27b"));
    let json = serde_json::to_value(&states[0]).expect("json");
    assert_eq!(json["state"], "loading");

    let s = probe(LM, port(&fake)).await;
    let gemma = model(&s, "google/gemma-3-27b");
    assert_eq!(
        (gemma.loaded, gemma.context_window),
        (Some(true), Some(65_536))
    );
    let load = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/models/load")
        .expect("load request");
    let body: serde_json::Value = serde_json::from_str(&load.body).expect("json body");
    assert_eq!(body["model"], "google/gemma-3-27b");
    assert_eq!(body["context_length"], 65_536);
}

#[tokio::test]
async fn loading_an_unknown_model_fails_visibly() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let mut states = Vec::new();
    let err = load_model(
        &fake.url(),
        "nope/missing",
        &LoadOptions::default(),
        &mut |s| states.push(s),
    )
    .await
    .expect_err("fails");
    assert!(err.to_string().contains("HTTP 404"), "{err}");
    assert!(
        matches!(&states[1], LoadState::Failed { message, .. } if message.contains("not found"))
    );
}

#[tokio::test]
async fn watch_mode_publishes_up_loaded_change_and_down() {
    use switchboard_core::discovery::watch::{Backoff, HealthEvent, Watcher};
    use switchboard_core::discovery::{ScanOptions, Scanner};

    let fake = lmstudio::start(Script::v1().nothing_loaded()).expect("fake");
    let options = ScanOptions::ports([(LM, port(&fake))]).with_timeout(Duration::from_millis(300));
    let scanner = Scanner::new(options).expect("client");
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let backoff = Backoff {
        base: Duration::from_secs(30),
        max: Duration::from_secs(60),
    };
    let watcher = Watcher::spawn(scanner, backoff, tx);
    let first = next(&mut rx).await;
    assert!(matches!(
        first.events[..],
        [HealthEvent::Up {
            kind: ServerKind::LmStudio,
            ..
        }]
    ));

    load_model(
        &fake.url(),
        "qwen/qwen3-8b",
        &LoadOptions::default(),
        &mut |_| {},
    )
    .await
    .expect("loads");
    watcher.rescan();
    let changed = next(&mut rx).await;
    assert!(
        matches!(&changed.events[..], [HealthEvent::LoadedModelsChanged { loaded, .. }] if loaded == &["qwen/qwen3-8b"]),
        "{:?}",
        changed.events
    );

    drop(fake);
    watcher.rescan();
    let down = next(&mut rx).await;
    assert!(
        matches!(
            down.events[..],
            [HealthEvent::Down {
                status: Status::NotRunning,
                ..
            }]
        ),
        "{:?}",
        down.events
    );
}

async fn next(
    rx: &mut tokio::sync::mpsc::Receiver<switchboard_core::discovery::watch::Update>,
) -> switchboard_core::discovery::watch::Update {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("an update in time")
        .expect("channel open")
}

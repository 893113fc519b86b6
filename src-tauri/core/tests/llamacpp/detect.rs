//! Detection of the real `llama-server`: kind, version from `/props`, the per-slot context,
//! the trained context, loaded state, parameter count and the seed's warnings, the same on its
//! own port, on a port scanned for another server and as an extra URL.

use std::time::Duration;

use switchboard_core::discovery::{DetectedServer, ScanOptions, Scanner, ServerKind, Status};

use super::{get_json, start};

async fn scan(options: ScanOptions) -> DetectedServer {
    let options = options.with_timeout(Duration::from_secs(5));
    let report = Scanner::new(options).expect("client").scan().await;
    report.servers.into_iter().next().expect("one server")
}

#[tokio::test]
async fn llama_server_is_recognised_wherever_it_listens() {
    // Two slots share the 4096-token context: each request gets what /props says a slot has.
    let Some((peer, server)) = start("llama.cpp detection", &["-c", "4096", "-np", "2"]) else {
        return;
    };
    let props = get_json(&format!("{}/props", server.url())).await;
    let slot_context = props["default_generation_settings"]["n_ctx"]
        .as_u64()
        .unwrap_or_else(|| panic!("no n_ctx in /props: {props}"));
    let build = props["build_info"].as_str().expect("build_info").to_owned();

    let s = scan(ScanOptions::ports([(ServerKind::LlamaCpp, server.port())])).await;
    assert_eq!(
        (s.kind, s.status),
        (ServerKind::LlamaCpp, Status::Running),
        "{s:?}"
    );
    assert_eq!(s.base_url, format!("{}/v1", server.url()));
    assert_eq!(s.version.as_deref(), Some(build.as_str()));
    assert_eq!(s.api.as_deref(), Some("openai-completions"));
    assert!(!s.needs_key);
    let [model] = s.models.as_slice() else {
        panic!("one model: {:?}", s.models)
    };
    assert_eq!(model.id, peer.model_id());
    assert_eq!(model.loaded, Some(true));
    assert_eq!(model.context_window, Some(slot_context));
    assert_eq!(model.loaded_context_window, Some(slot_context));
    assert_eq!(
        model.max_context_window,
        Some(4096),
        "n_ctx_train of the tiny model"
    );
    assert_eq!(model.params.as_deref(), Some("116K"));
    assert_eq!(model.quantization.as_deref(), Some("F32"));
    assert_eq!(model.format.as_deref(), Some("gguf"));
    let codes: Vec<&str> = model.warnings.iter().map(|w| w.code()).collect();
    assert_eq!(
        codes,
        ["small_context", "small_checkpoint"],
        "{:?}",
        model.warnings
    );

    // The same facts where another server was expected, and from a bare extra URL. (Not on
    // Jan's port: Jan has no endpoint of its own, any model list there is Jan.)
    for options in [
        ScanOptions::ports([(ServerKind::Vllm, server.port())]),
        ScanOptions::ports([]).with_url(&server.url()),
        ScanOptions::ports([]).with_url(&format!("{}/v1", server.url())),
    ] {
        let targets = options.targets.clone();
        let mut found = scan(options).await;
        found.elapsed_ms = s.elapsed_ms;
        assert_eq!(found, s, "{targets:?}");
    }
}

#[tokio::test]
async fn a_sleeping_llama_server_is_running_with_its_model_not_loaded() {
    let Some((peer, server)) = start("llama.cpp sleeping", &["--sleep-idle-seconds", "1"]) else {
        return;
    };
    let props_url = format!("{}/props", server.url());
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while get_json(&props_url).await["is_sleeping"] != true {
        assert!(
            std::time::Instant::now() < deadline,
            "never went to sleep; its log:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let s = scan(ScanOptions::ports([(ServerKind::LlamaCpp, server.port())])).await;
    assert_eq!(s.status, Status::Running, "{s:?}");
    assert!(
        s.detail.as_deref().unwrap_or_default().contains("sleeping"),
        "{s:?}"
    );
    let model = &s.models[0];
    assert_eq!(
        (model.id.as_str(), model.loaded),
        (peer.model_id().as_str(), Some(false))
    );
    assert!(
        model.warnings.iter().any(|w| w.code() == "not_loaded"),
        "{:?}",
        model.warnings
    );
}

use switchboard_core::config::{AgentModel, ApiKey};

use super::load;

#[test]
fn lmstudio_responses_example_loads_with_its_values() {
    let loaded = load("01-seed-lmstudio-responses.json5");
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let cfg = loaded.config;
    let lm = cfg.provider("lmstudio").expect("lmstudio");
    assert_eq!(lm.api.as_deref(), Some("openai-responses"));
    assert_eq!(lm.api_key, Some(ApiKey::Plain("lmstudio".into())));
    let m = &lm.models.as_ref().expect("models")[0];
    assert_eq!(m.id, "minimax-m2.1-gs32");
    assert_eq!(m.context_window, Some(196_608.0));
    assert_eq!(m.effective_max_tokens(lm), 8192.0);
    assert_eq!(m.effective_api(lm), "openai-responses");
    let alias = |r: &str| {
        cfg.models
            .iter()
            .find(|e| e.model_ref == r)
            .and_then(|e| e.alias.clone())
    };
    assert_eq!(
        alias("lmstudio/minimax-m2.1-gs32").as_deref(),
        Some("Minimax")
    );
    assert_eq!(alias("anthropic/claude-opus-4-6").as_deref(), Some("Opus"));
    assert_eq!(
        cfg.model.as_ref().and_then(AgentModel::primary),
        Some("lmstudio/minimax-m2.1-gs32")
    );
}

#[test]
fn hybrid_example_has_a_hosted_primary_and_local_fallback() {
    let loaded = load("02-seed-hybrid.json5");
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    let model = loaded.config.model.expect("routes");
    assert_eq!(model.primary(), Some("anthropic/claude-sonnet-4-5"));
    assert_eq!(
        model.fallbacks(),
        ["lmstudio/minimax-m2.1-gs32", "anthropic/claude-opus-4-5"]
    );
}

#[test]
fn vllm_style_local_provider_loads() {
    let loaded = load("03-seed-vllm-local.json5");
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    let local = loaded.config.provider("local").cloned().expect("local");
    assert_eq!(local.base_url.as_deref(), Some("http://127.0.0.1:8000/v1"));
    let m = &local.models.as_ref().expect("models")[0];
    assert_eq!(m.context_window, Some(120_000.0));
    assert!(!m.reasoning());
    assert_eq!(m.input(), ["text"]);
}

#[test]
fn defaults_are_applied_as_openclaw_does() {
    let loaded = load("17-context-window-zero.json5");
    assert!(!loaded.is_valid());
    let loaded = load("35-json5-features.json5");
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    let lm = loaded
        .config
        .provider("lmstudio")
        .cloned()
        .expect("lmstudio");
    let m = &lm.models.as_ref().expect("models")[0];
    assert_eq!(m.context_window, Some(32768.0));
    assert_eq!(m.max_tokens, Some(4096.0));
    let mut bare = m.clone();
    bare.max_tokens = None;
    bare.context_window = Some(4096.0);
    assert_eq!(
        bare.effective_max_tokens(&lm),
        4096.0,
        "clamped to the context window"
    );
    bare.context_window = None;
    assert_eq!(bare.effective_max_tokens(&lm), 8192.0);
    assert_eq!(bare.effective_api(&lm), "openai-completions");
}

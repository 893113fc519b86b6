//! Tests of the chat commands.

use super::*;
use std::path::Path;
use switchboard_core::config;

#[test]
fn loopback_urls_are_local() {
    assert!(is_loopback("http://127.0.0.1:1234/v1"));
    assert!(is_loopback("http://localhost:11434/v1"));
    assert!(is_loopback("http://[::1]:8000/v1"));
    assert!(!is_loopback("https://api.openai.com/v1"));
    assert!(!is_loopback("https://localhost.example.com/v1"));
}

fn view_of(text: &str) -> view::ConfigView {
    let read = |_: &Path| Err(std::io::ErrorKind::NotFound.into());
    let loaded = config::load_str(text, Path::new("c.json5"), &|_| None, &read);
    view::of(&loaded, None)
}

const CONFIG: &str = r#"{
      agents: { defaults: { model: { primary: "fast", fallbacks: [] },
        models: { "lmstudio/qwen": { alias: "fast" } } } },
      models: { providers: {
        openai: { baseUrl: "https://api.openai.com/v1", models: [{ id: "gpt", name: "GPT",
                  contextWindow: 128000 }] },
        lmstudio: { baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "qwen", name: "Qwen",
                    contextWindow: 32768 }] },
      } },
    }"#;

#[test]
fn models_list_aliases_first_with_local_flags_and_context() {
    let models = models_of(&view_of(CONFIG));
    let rows: Vec<(&str, bool, Option<u64>)> = models
        .models
        .iter()
        .map(|m| (m.id.as_str(), m.local, m.context_window))
        .collect();
    assert_eq!(
        rows,
        [
            ("fast", true, Some(32768)),
            ("openai/gpt", false, Some(128000)),
            ("lmstudio/qwen", true, Some(32768)),
        ]
    );
    assert_eq!(models.models[0].model_ref, "lmstudio/qwen");
    assert_eq!(models.primary.as_deref(), Some("fast"));
}

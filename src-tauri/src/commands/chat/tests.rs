//! Tests of the chat commands.

use super::*;
use std::path::Path;
use switchboard_core::config;

#[test]
fn events_are_tagged_with_camel_case_data() {
    let json = |e: &ChatEvent| serde_json::to_value(e).expect("serializes");
    assert_eq!(
        json(&ChatEvent::Started {
            model: "p/m".into(),
            message_id: Some(3)
        }),
        serde_json::json!({"event": "started", "data": {"model": "p/m", "messageId": 3}})
    );
    assert_eq!(
        json(&ChatEvent::Done {
            stop: StopReason::Cancelled
        }),
        serde_json::json!({"event": "done", "data": {"stop": "cancelled"}})
    );
    let usage = json(&ChatEvent::Usage {
        input: 1,
        output: 2,
        cache_read: 3,
        cache_write: 4,
        reasoning: None,
        cost: 0.5,
    });
    assert_eq!(usage["data"]["cacheRead"], 3);
    assert_eq!(
        json(&ChatEvent::Error {
            kind: "auth",
            message: "no".into(),
            retry_next: false,
        }),
        serde_json::json!({"event": "error",
                               "data": {"kind": "auth", "message": "no", "retryNext": false}})
    );
    assert_eq!(
        json(&ChatEvent::Route {
            attempt: 1,
            model: "a/m".into(),
            outcome: AttemptOutcome::Failed,
            reason: Some("rate_limit".into()),
            status: Some(429),
            elapsed_ms: 12,
        }),
        serde_json::json!({"event": "route", "data": {"attempt": 1, "model": "a/m",
            "outcome": "failed", "reason": "rate_limit", "status": 429, "elapsedMs": 12}})
    );
}

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

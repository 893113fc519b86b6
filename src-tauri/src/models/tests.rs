//! What the generated TypeScript types cannot say about the IPC types: no key ever reaches the
//! page, and what the page sends back parses. (Their fields and kinds are generated from these
//! types by `crate::bindings`, so they cannot drift.)

#[test]
fn the_config_view_carries_no_key() {
    use switchboard_core::config::{self, view};
    let text = r#"{
      agents: { defaults: { model: { primary: "M", fallbacks: [] },
        models: { "p/m": { alias: "M" } } } },
      models: { providers: {
        p: { baseUrl: "http://h/v1", apiKey: "plain-key-do-not-show-1234", headers: { A: "b" },
             maxTokens: 100, timeoutSeconds: 5, auth: "api-key", authHeader: true,
             api: "openai-completions",
             models: [{ id: "m", name: "M", contextWindow: 10, x: 1 }] },
        q: { baseUrl: "http://h/v1", apiKey: "${CONTRACT_KEY}", models: [] },
      } },
    }"#;
    let env = |name: &str| (name == "CONTRACT_KEY").then(|| "env-secret-value-5678".to_owned());
    let read = |_: &std::path::Path| Err(std::io::ErrorKind::NotFound.into());
    let loaded = config::load_str(text, std::path::Path::new("c.json5"), &env, &read);
    let view = view::of(&loaded, Some("rev".into()));
    let json = serde_json::to_value(&view).expect("serializes");
    let text = json.to_string();
    assert!(!text.contains("plain-key-do-not-show-1234"), "{text}");
    assert!(!text.contains("env-secret-value-5678"), "{text}");
    assert_eq!(json["providers"][1]["key"], "env:CONTRACT_KEY");
}

#[test]
fn conversation_parameters_round_trip() {
    use switchboard_core::history::{Conversation, Parameters, Timestamp};
    let conversation = Conversation {
        id: 1,
        title: "t".into(),
        title_is_custom: false,
        pinned: false,
        created_at: Timestamp(0),
        updated_at: Timestamp(0),
        message_count: 0,
        private: false,
        system_prompt: Some("Be brief.".into()),
        parameters: Parameters {
            temperature: Some(0.2),
            top_p: Some(0.9),
            max_tokens: Some(64),
        },
    };
    let json = serde_json::to_value(&conversation).expect("serializes");
    // What the UI sends back parses (unknown fields are refused).
    let sent: Parameters =
        serde_json::from_value(json["parameters"].clone()).expect("deserializes");
    assert_eq!(sent, conversation.parameters);
}

#[test]
fn key_states_and_outcomes_keep_their_wire_names() {
    use super::{KeyState, KeyTestOutcome, KeyTestResult};
    let states = [
        (KeyState::Keychain, "keychain"),
        (KeyState::Env, "env"),
        (KeyState::EnvUnset, "env_unset"),
        (KeyState::ConfigRef, "config_ref"),
        (KeyState::Plaintext, "plaintext"),
        (KeyState::NotNeeded, "not_needed"),
        (KeyState::Missing, "missing"),
    ];
    for (state, name) in states {
        assert_eq!(serde_json::to_value(state).expect("json"), name);
    }
    let tested = KeyTestResult::from(switchboard_core::providers::key_test::Outcome::Rejected {
        status: 401,
    });
    assert_eq!(tested.outcome, KeyTestOutcome::Rejected);
    let json = serde_json::to_value(&tested).expect("json");
    assert_eq!(json["outcome"], "rejected");
    assert_eq!(json["status"], 401);
}

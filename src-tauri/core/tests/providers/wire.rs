//! The three wire APIs against their fakes: streamed and non-streamed replies give the same
//! content, reasoning never leaks into the answer, usage is read (or unknown), keys and
//! headers go where they should.

use serde_json::Value;
use switchboard_core::providers::{
    resolve_target_with, ProviderErrorKind, Secret, StopReason, Usage,
};
use switchboard_core::secrets::MemoryStore;
use switchboard_fakes::openai::{self, Script};
use switchboard_fakes::{anthropic, responses};

use super::{collect, request, run, target};

fn body(fake: &switchboard_fakes::FakeServer) -> Value {
    let requests = fake.requests();
    let last = requests.last().expect("a request");
    serde_json::from_str(&last.body).expect("json body")
}

#[tokio::test]
async fn completions_stream_and_non_stream_agree_with_reasoning_apart() {
    for field in ["reasoning_content", "reasoning"] {
        let script = Script::reply("The answer is 42.")
            .with_reasoning("Let me think about it.")
            .with_reasoning_field(field)
            .with_key("sk-fake-completions-key");
        let fake = openai::start(script).expect("fake");
        let mut t = target("openai-completions", &fake.url());
        t.key = Some(Secret::new("sk-fake-completions-key"));
        let (events, error) = run(&t, &request(true)).await;
        assert!(error.is_none(), "{error:?}");
        let streamed = collect(&events);
        assert_eq!(streamed.text, "The answer is 42.");
        assert_eq!(streamed.reasoning, "Let me think about it.");
        assert_eq!(streamed.stop, Some(StopReason::Stop));
        assert_eq!(
            streamed.usage,
            Some(Usage {
                input: 12,
                output: 7,
                ..Usage::default()
            })
        );
        let sent = body(&fake);
        assert_eq!(sent["stream_options"]["include_usage"], true);
        assert_eq!(sent["max_tokens"], 256);
        assert_eq!(sent["messages"][0]["role"], "system");
        assert_eq!(
            fake.requests()[0].header("authorization"),
            Some("Bearer sk-fake-completions-key")
        );
        let (events, error) = run(&t, &request(false)).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(collect(&events), streamed, "field {field}");
    }
}

#[tokio::test]
async fn inline_think_tags_split_across_chunks_stay_out_of_the_answer() {
    let reply = "<think>private plan</think>\n\nPublic answer with `<think>` in code.";
    for chars in [1, 3, 7] {
        let fake = openai::start(Script::reply(reply).with_chunk_chars(chars)).expect("fake");
        let (events, error) = run(&target("openai-completions", &fake.url()), &request(true)).await;
        assert!(error.is_none(), "{error:?}");
        let c = collect(&events);
        assert_eq!(c.text, "Public answer with `<think>` in code.");
        assert_eq!(c.reasoning, "private plan");
    }
}

#[tokio::test]
async fn no_usage_from_the_server_means_unknown_not_zero() {
    let fake = openai::start(Script::reply("hi").with_usage(None)).expect("fake");
    for stream in [true, false] {
        let (events, error) =
            run(&target("openai-completions", &fake.url()), &request(stream)).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(collect(&events).usage, None);
    }
}

#[tokio::test]
async fn responses_api_keeps_reasoning_items_apart() {
    let fake =
        responses::start(Script::reply("Hello there.").with_reasoning("Greeting.")).expect("fake");
    let t = target("openai-responses", &fake.url());
    let (events, error) = run(&t, &request(true)).await;
    assert!(error.is_none(), "{error:?}");
    let streamed = collect(&events);
    assert_eq!(
        (streamed.text.as_str(), streamed.reasoning.as_str()),
        ("Hello there.", "Greeting.")
    );
    assert_eq!(streamed.usage.map(|u| (u.input, u.output)), Some((12, 7)));
    let sent = body(&fake);
    assert_eq!(sent["max_output_tokens"], 256);
    assert_eq!(sent["input"][1]["content"], "Hello?");
    let (events, error) = run(&t, &request(false)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(collect(&events), streamed);
}

#[tokio::test]
async fn anthropic_messages_with_thinking_and_headers() {
    let fake = anthropic::start(
        Script::reply("Bonjour.")
            .with_reasoning("French, then.")
            .with_key("ant-fake-key-123"),
    )
    .expect("fake");
    let mut t = target("anthropic-messages", &fake.url());
    t.key = Some(Secret::new("ant-fake-key-123"));
    let (events, error) = run(&t, &request(true)).await;
    assert!(error.is_none(), "{error:?}");
    let streamed = collect(&events);
    assert_eq!(
        (streamed.text.as_str(), streamed.reasoning.as_str()),
        ("Bonjour.", "French, then.")
    );
    assert_eq!(streamed.usage.map(|u| (u.input, u.output)), Some((12, 7)));
    let req = &fake.requests()[0];
    assert_eq!(req.header("x-api-key"), Some("ant-fake-key-123"));
    assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(req.header("authorization"), None);
    assert_eq!(body(&fake)["system"], "Be brief.");
    let (events, error) = run(&t, &request(false)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(collect(&events), streamed);

    t.key = Some(Secret::new("wrong-key-value-456"));
    let (_, error) = run(&t, &request(true)).await;
    let error = error.expect("401");
    assert_eq!(
        (error.kind(), error.status()),
        (ProviderErrorKind::Auth, Some(401))
    );
    assert!(!format!("{error} {error:?}").contains("wrong-key-value-456"));
}

#[tokio::test]
async fn config_resolution_headers_and_params_reach_the_wire() {
    let fake = openai::start(Script::reply("ok")).expect("fake");
    let text = format!(
        r#"{{ models: {{ providers: {{ local: {{ baseUrl: "{}/v1", apiKey: "local-secret-key",
             headers: {{ "X-Client": "switchboard-test" }},
             models: [{{ id: "fake-model", name: "Fake", maxTokens: 77 }}] }} }} }},
           agents: {{ defaults: {{ models: {{ "local/fake-model": {{ params: {{ temperature: 0.3, cacheRetention: "long" }} }} }} }} }} }}"#,
        fake.url()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::fs::write(&path, text).expect("write");
    let config = switchboard_core::config::load(&path)
        .expect("load")
        .into_config()
        .expect("valid");
    let t = resolve_target_with(
        &config,
        "local/fake-model",
        &MemoryStore::default(),
        &|_| None,
    )
    .expect("target");
    let (_, error) = run(&t, &request(true)).await;
    assert!(error.is_none(), "{error:?}");
    let req = &fake.requests()[0];
    assert_eq!(req.header("x-client"), Some("switchboard-test"));
    assert_eq!(req.header("authorization"), Some("Bearer local-secret-key"));
    let sent = body(&fake);
    assert_eq!(sent["temperature"], 0.3);
    assert_eq!(sent["max_tokens"], 77);
    assert!(sent.get("cacheRetention").is_none());
}

#[tokio::test]
async fn other_openclaw_apis_are_unsupported_at_send_time() {
    let fake = openai::start(Script::reply("x")).expect("fake");
    let (_, error) = run(&target("google-generative-ai", &fake.url()), &request(true)).await;
    assert_eq!(error.expect("error").kind(), ProviderErrorKind::Unsupported);
    assert!(fake.requests().is_empty());
}

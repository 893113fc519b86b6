//! Chat through the router with the real `llama-server`: Chat Completions streamed and not,
//! usage with cached prompt tokens, a `length` stop at `maxTokens`, the Responses API, and
//! failover when the server is gone before the answer or dies in the middle of it.

use switchboard_core::providers::{CancellationToken, StopReason};
use switchboard_core::router::{AttemptOutcome, RouteError, RouteItem};
use switchboard_fakes::openai::{self, Script};

use super::{ask, config, drain, router, send, start, Outcome};

/// A config with the llama.cpp model as primary (and `fallback`'s `fake-model` after it).
fn config_text(
    url: &str,
    model: &str,
    api: &str,
    max_tokens: u32,
    fallback: Option<&str>,
) -> String {
    let (fallback_provider, fallbacks) = fallback.map_or((String::new(), String::new()), |f| {
        (
            format!(
                r#"fallback: {{ baseUrl: "{f}/v1", apiKey: "test-key",
                     models: [{{ id: "fake-model", name: "Fake" }}] }},"#
            ),
            r#""fallback/fake-model""#.to_owned(),
        )
    });
    // Room for the prompt besides the answer, or the router skips the route as too small.
    let window = max_tokens + 4096;
    format!(
        r#"{{ models: {{ providers: {{
               llamacpp: {{ baseUrl: "{url}/v1", apiKey: "sk-local", api: "{api}",
                 models: [{{ id: "{model}", name: "Tiny", contextWindow: {window}, maxTokens: {max_tokens} }}] }},
               {fallback_provider} }} }},
             agents: {{ defaults: {{ model: {{ primary: "llamacpp/{model}", fallbacks: [{fallbacks}] }} }} }} }}"#
    )
}

fn answered(out: &Outcome) -> Vec<(String, AttemptOutcome)> {
    out.routes
        .iter()
        .map(|r| (r.model.clone(), r.outcome))
        .collect()
}

#[tokio::test]
async fn chat_completions_streamed_and_not_with_usage_cached_tokens_and_a_length_stop() {
    let Some((peer, server)) = start("llama.cpp chat completions", &[]) else {
        return;
    };
    let model = peer.model_id();
    let r = router(config(&config_text(
        &server.url(),
        &model,
        "openai-completions",
        8,
        None,
    )));
    let question = "Tell me about the history of the number zero, in many words.";
    for stream in [false, true] {
        let first = send(&r, ask(question, stream)).await;
        assert!(first.error.is_none(), "stream={stream}: {:?}", first.error);
        assert_eq!(
            answered(&first),
            [(format!("llamacpp/{model}"), AttemptOutcome::Ok)]
        );
        assert!(!first.answer.text.is_empty(), "stream={stream}: no text");
        assert_eq!(
            first.answer.stop,
            Some(StopReason::Length),
            "stream={stream}"
        );
        let usage = first
            .answer
            .usage
            .unwrap_or_else(|| panic!("stream={stream}: no usage"));
        assert_eq!(usage.output, 8, "stream={stream}: {usage:?}");
        // The same prompt again: the slot still holds it, and the server says so.
        let again = send(&r, ask(question, stream)).await;
        let usage = again.answer.usage.expect("usage");
        assert!(usage.cache_read > 0, "stream={stream}: {usage:?}");
        assert!(usage.input < usage.cache_read, "stream={stream}: {usage:?}");
    }
}

#[tokio::test]
async fn the_responses_api_when_the_config_asks_for_it() {
    let Some((peer, server)) = start("llama.cpp responses", &[]) else {
        return;
    };
    let model = peer.model_id();
    let r = router(config(&config_text(
        &server.url(),
        &model,
        "openai-responses",
        6,
        None,
    )));
    for stream in [false, true] {
        let out = send(&r, ask("Hello?", stream)).await;
        assert!(out.error.is_none(), "stream={stream}: {:?}", out.error);
        assert!(!out.answer.text.is_empty(), "stream={stream}: no text");
        let usage = out.answer.usage.expect("usage");
        assert!(
            usage.output > 0 && usage.output <= 6,
            "stream={stream}: {usage:?}"
        );
    }
}

#[tokio::test]
async fn a_stopped_server_fails_over_before_and_during_the_answer() {
    // Generation that outlasts the kill: no cap, and the context shifts instead of filling up.
    let Some((peer, mut server)) = start("llama.cpp failover", &["-n", "-1", "--context-shift"])
    else {
        return;
    };
    let fallback = openai::start(Script::reply("from the fallback")).expect("fake");
    let model = peer.model_id();
    let r = router(config(&config_text(
        &server.url(),
        &model,
        "openai-completions",
        1_000_000,
        Some(&fallback.url()),
    )));
    let primary = format!("llamacpp/{model}");

    // Killed after its first token: the text so far is kept, and the next route is offered.
    let mut stream = r
        .route(
            None,
            ask("Write a long story.", true),
            CancellationToken::new(),
        )
        .expect("route");
    let mut before = String::new();
    use futures_util::StreamExt;
    while let Some(item) = stream.next().await {
        if let Ok(RouteItem::Event(switchboard_core::providers::Event::Text(t))) = item {
            before.push_str(&t);
            break;
        }
    }
    assert!(!before.is_empty(), "no first token");
    server.stop();
    let rest = drain(stream).await;
    let Some(RouteError::Interrupted { retry, model, .. }) = &rest.error else {
        panic!("not interrupted: {:?} after {before:?}", rest.error)
    };
    assert_eq!(model, &primary);
    assert!(
        fallback.requests().is_empty(),
        "no silent failover after a token"
    );
    let retried = drain(
        r.retry_next(
            retry,
            ask("Write a long story.", true),
            Default::default(),
            CancellationToken::new(),
        )
        .expect("next route"),
    )
    .await;
    assert_eq!(retried.answer.text, "from the fallback");
    assert_eq!(
        answered(&retried),
        [("fallback/fake-model".to_owned(), AttemptOutcome::Ok)]
    );

    // Gone before the request: the fallback answers at once.
    r.clear_cooldowns();
    for stream in [false, true] {
        let out = send(&r, ask("Hello?", stream)).await;
        assert!(out.error.is_none(), "stream={stream}: {:?}", out.error);
        assert_eq!(out.answer.text, "from the fallback");
        assert_eq!(
            answered(&out),
            [
                (primary.clone(), AttemptOutcome::Failed),
                ("fallback/fake-model".to_owned(), AttemptOutcome::Ok)
            ],
            "stream={stream}"
        );
        r.clear_cooldowns();
    }
}

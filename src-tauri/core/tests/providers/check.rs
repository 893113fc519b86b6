//! Route tests ("Reply with OK.") against draft targets that are in no config: an answer with
//! its latency and preview, a rejected key, a server that is not there, a model that fails, a
//! cancel and a silent server.

use std::time::Duration;

use switchboard_core::config::Config;
use switchboard_core::providers::check::{check_target, draft_target_with, Draft, TEST_PROMPT};
use switchboard_core::providers::{
    CancellationToken, ProviderErrorKind as Kind, Secret, StopReason,
};
use switchboard_core::secrets::{MemoryStore, Store};
use switchboard_fakes::openai::{self, Script};
use switchboard_fakes::{lmstudio, refused_addr, SilentServer};

use super::client;

const KEY: &str = "sk-route-test-key-4321";

fn draft(provider: &str, base_url: String, model: &str, api: &str) -> Draft {
    Draft {
        provider: provider.to_owned(),
        model: model.to_owned(),
        api: api.to_owned(),
        base_url,
        headers: Vec::new(),
    }
}

fn hosted(url: &str) -> Draft {
    draft(
        "work",
        format!("{url}/v1"),
        "fake-model",
        "openai-completions",
    )
}

async fn check(
    draft: &Draft,
    key: Option<&str>,
    store: &dyn Store,
    limit: Duration,
) -> Result<switchboard_core::providers::RouteCheck, switchboard_core::providers::ProviderError> {
    let target = draft_target_with(
        draft,
        key.map(Secret::new),
        &Config::default(),
        store,
        &|_| None,
    )?;
    check_target(&client(), &target, limit, CancellationToken::new()).await
}

#[tokio::test]
async fn a_typed_key_that_works_gives_the_reply_latency_and_usage() {
    let fake = openai::start(Script::reply("  OK.\n").with_key(KEY)).expect("fake");
    let checked = check(
        &hosted(&fake.url()),
        Some(KEY),
        &MemoryStore::new(),
        Duration::from_secs(10),
    )
    .await
    .expect("answered");
    assert_eq!(checked.preview, "OK.");
    assert_eq!(checked.stop, StopReason::Stop);
    assert!(!checked.reasoned);
    let first = checked.first_token.expect("a first token");
    assert!(first <= checked.elapsed, "{checked:?}");
    let usage = checked.usage.expect("usage");
    assert_eq!((usage.input, usage.output), (12, 7));
    // One small streamed request carrying the test prompt and the key.
    let sent = fake.requests();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body.contains(TEST_PROMPT), "{}", sent[0].body);
    assert!(
        sent[0].body.contains("\"max_tokens\":64"),
        "{}",
        sent[0].body
    );
    assert!(sent[0].body.contains("\"stream\":true"), "{}", sent[0].body);
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn a_stored_key_is_used_when_none_is_typed_but_only_at_its_own_server() {
    let fake = openai::start(Script::reply("OK").with_key(KEY)).expect("fake");
    let store = MemoryStore::new();
    store.set("work", &Secret::new(KEY)).expect("stores");
    let config = Config {
        providers: vec![switchboard_core::config::Provider {
            id: "work".into(),
            base_url: Some(format!("{}/v1", fake.url())),
            ..Default::default()
        }],
        ..Config::default()
    };
    let target = draft_target_with(&hosted(&fake.url()), None, &config, &store, &|_| None)
        .expect("a target");
    let checked = check_target(
        &client(),
        &target,
        Duration::from_secs(10),
        CancellationToken::new(),
    )
    .await
    .expect("answered");
    assert_eq!(checked.preview, "OK");

    // A draft for the same provider pointing at another server gets no stored key.
    let other = openai::start(Script::reply("OK").with_key(KEY)).expect("other fake");
    let target = draft_target_with(&hosted(&other.url()), None, &config, &store, &|_| None)
        .expect("a target");
    let error = check_target(
        &client(),
        &target,
        Duration::from_secs(10),
        CancellationToken::new(),
    )
    .await
    .expect_err("no key, no answer");
    assert_eq!(
        error.kind(),
        switchboard_core::providers::ProviderErrorKind::Auth
    );
    let sent = other.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("authorization"),
        None,
        "the key left for another server"
    );
}

#[tokio::test]
async fn a_wrong_key_is_an_auth_error_without_the_key() {
    let fake = openai::start(Script::reply("OK").with_key(KEY)).expect("fake");
    let wrong = "sk-route-test-wrong-0000";
    let error = check(
        &hosted(&fake.url()),
        Some(wrong),
        &MemoryStore::new(),
        Duration::from_secs(10),
    )
    .await
    .expect_err("rejected");
    assert_eq!(error.kind(), Kind::Auth);
    assert_eq!(error.status(), Some(401));
    let text = format!("{error} {error:?}");
    assert!(!text.contains(wrong) && !text.contains(KEY), "{text}");
    // No key at all: the message says so.
    let error = check(
        &hosted(&fake.url()),
        None,
        &MemoryStore::new(),
        Duration::from_secs(10),
    )
    .await
    .expect_err("rejected");
    assert_eq!(error.kind(), Kind::Auth);
    assert!(error.message().contains("no key was sent"), "{error}");
}

#[tokio::test]
async fn a_server_that_is_not_there_is_a_connection_error() {
    let addr = refused_addr().expect("addr");
    let error = check(
        &draft(
            "lmstudio",
            format!("http://{addr}/v1"),
            "qwen/qwen3-8b",
            "openai-responses",
        ),
        None,
        &MemoryStore::unavailable(),
        Duration::from_secs(10),
    )
    .await
    .expect_err("unreachable");
    assert_eq!(error.kind(), Kind::Connection);
}

#[tokio::test]
async fn lm_studio_answers_its_chat_models_and_reports_a_failing_one() {
    let fake = lmstudio::start(
        lmstudio::Script::v1()
            .answer(Script::reply("OK.").with_reasoning("The user wants OK."))
            .chat_fails("google/gemma-3-27b", 500, "Model crashed"),
    )
    .expect("fake LM Studio");
    let base = format!("{}/v1", fake.url());
    let store = MemoryStore::unavailable();
    let qwen = draft(
        "lmstudio",
        base.clone(),
        "qwen/qwen3-8b",
        "openai-responses",
    );
    let checked = check(&qwen, None, &store, Duration::from_secs(10))
        .await
        .expect("answered");
    assert_eq!(checked.preview, "OK.");
    assert!(checked.reasoned);
    let gemma = draft("lmstudio", base, "google/gemma-3-27b", "openai-responses");
    let error = check(&gemma, None, &store, Duration::from_secs(10))
        .await
        .expect_err("crashed");
    assert_eq!(error.kind(), Kind::Server);
    assert_eq!(error.status(), Some(500));
    assert!(error.message().contains("Model crashed"), "{error}");
    // Nothing asked for a key: no Authorization header went out.
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
}

#[tokio::test]
async fn a_silent_server_times_out_and_a_cancel_ends_the_test() {
    let silent = SilentServer::start().expect("silent");
    let d = hosted(&silent.url());
    let store = MemoryStore::new();
    let error = check(&d, Some(KEY), &store, Duration::from_millis(300))
        .await
        .expect_err("timed out");
    assert_eq!(error.kind(), Kind::Timeout);
    let target = draft_target_with(
        &d,
        Some(Secret::new(KEY)),
        &Config::default(),
        &store,
        &|_| None,
    )
    .expect("target");
    let cancel = CancellationToken::new();
    let cancelling = cancel.clone();
    let test = tokio::spawn(async move {
        check_target(&client(), &target, Duration::from_secs(60), cancel).await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    cancelling.cancel();
    let error = test.await.expect("joined").expect_err("cancelled");
    assert_eq!(error.kind(), Kind::Cancelled);
}

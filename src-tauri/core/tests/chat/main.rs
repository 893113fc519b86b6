//! The one chat engine through its three faces: the desktop's way (the engine with coalesced
//! deltas), `switchboard chat` and `switchboard serve --history` leave the same history rows;
//! "retry on next route" works for an answer that was itself a retry, and skips the server
//! that broke; asking again adds a version to the answer, and the next question sends the
//! version shown.

mod images;
mod parameters;
mod policy;

use std::time::Duration;

use clap::Parser;
use futures_util::StreamExt;
use switchboard_core::chat::{Ask, ChatEvent, Engine, RetryPoints, TurnOptions};
use switchboard_core::cli::{chat_cmd, Cli, Command, Exit};
use switchboard_core::config;
use switchboard_core::gateway;
use switchboard_core::history::{HistoryStore, Message, MessageStatus, Role};
use switchboard_core::paths::Paths;
use switchboard_core::router::Router;
use switchboard_core::secrets::Secret;
use switchboard_fakes::openai::{self, Fault, Script};

const TOKEN: &str = "sb-test-token-0123456789";

/// A config with one provider per fake (`a`, `b`, …, the first the primary, the rest its
/// fallbacks in order), each priced, written to a fresh folder.
fn setup(fakes: &[&switchboard_fakes::FakeServer]) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ids: Vec<String> = (0..fakes.len())
        .map(|i| char::from(b'a' + i as u8).to_string())
        .collect();
    let providers: String = fakes
        .iter()
        .zip(&ids)
        .map(|(fake, id)| {
            format!(
                r#"{id}: {{ baseUrl: "{}/v1", models: [{{ id: "fake-model", name: "M",
                   cost: {{ input: 1, output: 2 }} }}] }},"#,
                fake.url()
            )
        })
        .collect();
    let refs: Vec<String> = ids
        .iter()
        .map(|id| format!("\"{id}/fake-model\""))
        .collect();
    let text = format!(
        r#"{{ models: {{ providers: {{ {providers} }} }},
             agents: {{ defaults: {{ model: {{ primary: {}, fallbacks: [{}] }} }} }} }}"#,
        refs[0],
        refs[1..].join(", ")
    );
    write_config(dir, &text)
}

/// `text` as the config of a fresh data folder in `dir`.
fn write_config(dir: tempfile::TempDir, text: &str) -> (tempfile::TempDir, Paths) {
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    std::fs::write(&paths.config_file, text).expect("writes");
    (dir, paths)
}

fn engine(paths: &Paths) -> Engine {
    let config = config::load(&paths.config_file)
        .and_then(config::Loaded::into_config)
        .expect("config");
    let store = HistoryStore::open(&paths.data_dir).expect("history").store;
    Engine::new(
        Router::new(config).expect("router"),
        Some(store),
        RetryPoints::default(),
    )
}

/// What a row holds, without its ids and clock readings (timing must be there, its values vary).
fn row(m: &Message) -> serde_json::Value {
    let route: Vec<_> = m
        .route
        .iter()
        .map(|a| {
            (
                a.attempt,
                a.model.clone(),
                a.outcome,
                a.reason.clone(),
                a.status,
            )
        })
        .collect();
    serde_json::json!({
        "role": m.role, "content": m.content, "reasoning": m.reasoning, "model": m.model,
        "route": format!("{route:?}"), "usage": m.usage, "cost": m.cost, "status": m.status,
        "error": m.error, "timed": m.timing.is_some(),
    })
}

fn conversations(paths: &Paths) -> Vec<Vec<serde_json::Value>> {
    let store = HistoryStore::open(&paths.data_dir).expect("history").store;
    let mut list = store.list_conversations(10, 0).expect("lists");
    list.sort_by_key(|c| c.id);
    list.iter()
        .map(|c| {
            let messages = store.messages(c.id, None, 50).expect("loads").messages;
            messages.iter().map(row).collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_cli_and_gateway_leave_the_same_history_rows() {
    let fake = openai::start(
        Script::reply("Four.")
            .with_reasoning("2+2")
            .with_chunk_chars(2),
    )
    .expect("fake");
    let (_dir, paths) = setup(&[&fake]);

    // The desktop: the engine with the window's coalescing.
    let desktop = engine(&paths);
    let mut ask = Ask::new("what is 2+2?");
    ask.options = TurnOptions {
        stream: true,
        coalesce: Some(Duration::from_millis(16)),
    };
    let turn = desktop.send(ask, Default::default()).await.expect("starts");
    let events: Vec<ChatEvent> = turn.into_stream().collect().await;
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Text { delta } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Four.", "{events:?}");
    assert!(matches!(events.first(), Some(ChatEvent::Started { .. })));
    let Some(ChatEvent::Done {
        usage,
        cost,
        timing,
        ..
    }) = events.last()
    else {
        panic!("ends with done: {events:?}")
    };
    assert!(usage.is_some() && cost.is_some());
    assert!(timing.first_token_ms.is_some(), "{timing:?}");

    // The CLI.
    let paths_for_cli = paths.clone();
    let cli = tokio::task::spawn_blocking(move || {
        let cli = Cli::try_parse_from(["switchboard", "chat", "what is 2+2?"]).expect("parses");
        let Some(Command::Chat(args)) = cli.command else {
            panic!("not chat")
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = chat_cmd::run(&args, &paths_for_cli, &mut out, &mut err);
        (exit, String::from_utf8(out).expect("utf-8"))
    })
    .await
    .expect("cli");
    assert_eq!(cli, (Exit::Success, "Four.\n".to_owned()));

    // The gateway with --history.
    let listener = gateway::bind(0).await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = gateway::app(engine(&paths), Secret::new(TOKEN));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gateway::serve(listener, app, async {
        let _ignored = stopped.await;
    }));
    let body = reqwest::Client::new()
        .post(format!("{url}/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"stream": true,
            "messages": [{"role": "user", "content": "what is 2+2?"}]}))
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("body");
    assert!(body.contains("data: [DONE]"), "{body}");
    let _stopping = stop.send(());
    server.await.expect("joins").expect("serves");

    let saved = conversations(&paths);
    assert_eq!(saved.len(), 3, "{saved:#?}");
    assert_eq!(saved[0].len(), 2);
    assert_eq!(saved[0][0]["role"], serde_json::json!(Role::User));
    assert_eq!(saved[0][1]["content"], "Four.");
    assert_eq!(saved[0][1]["reasoning"], "2+2");
    assert_eq!(
        saved[0][1]["status"],
        serde_json::json!(MessageStatus::Complete)
    );
    assert_eq!(saved[0][1]["timed"], true);
    assert_eq!(saved[0], saved[1], "desktop and CLI differ");
    assert_eq!(saved[0], saved[2], "desktop and gateway differ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_on_next_route_works_for_an_answer_that_was_itself_a_retry() {
    let cut = || {
        Script::reply("half an answer")
            .with_chunk_chars(4)
            .with_fault(Fault::TruncateStream { after_chunks: 2 })
    };
    let a = openai::start(cut()).expect("fake a");
    let b = openai::start(cut()).expect("fake b");
    let c = openai::start(Script::reply("whole answer")).expect("fake c");
    let (_dir, paths) = setup(&[&a, &b, &c]);
    let engine = engine(&paths);

    let turn = engine
        .send(Ask::new("question"), Default::default())
        .await
        .expect("starts");
    let conversation = turn.conversation_id().expect("saved");
    let first = turn.message_id().expect("saved");
    let events: Vec<ChatEvent> = turn.into_stream().collect().await;
    let Some(ChatEvent::Error { retry_next, .. }) = events.last() else {
        panic!("a cut answer fails: {events:?}")
    };
    assert_eq!(retry_next.as_deref(), Some("b/fake-model"));

    let retried = retry(&engine, conversation, first, "retries").await;
    let second = retried.message_id().expect("saved");
    let events: Vec<ChatEvent> = retried.into_stream().collect().await;
    let Some(ChatEvent::Error { retry_next, .. }) = events.last() else {
        panic!("b cuts too: {events:?}")
    };
    assert_eq!(retry_next.as_deref(), Some("c/fake-model"), "{events:?}");

    // The retry of the retry asks the same question of c.
    let again = retry(&engine, conversation, second, "retries a retry").await;
    let events: Vec<ChatEvent> = again.into_stream().collect().await;
    assert!(
        matches!(events.last(), Some(ChatEvent::Done { model, .. }) if model == "c/fake-model"),
        "{events:?}"
    );
    let asked = c.requests();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].body.contains("question"), "{}", asked[0].body);
    assert!(
        !asked[0].body.contains("half an"),
        "the cut answers are not sent back"
    );

    // After a restart (no retry points in memory) the saved model is where it goes on from.
    let restarted = engine_with_fresh_points(&paths);
    let turn = retry(&restarted, conversation, second, "retries after a restart").await;
    let events: Vec<ChatEvent> = turn.into_stream().collect().await;
    assert!(
        matches!(events.last(), Some(ChatEvent::Done { .. })),
        "{events:?}"
    );
    // Every retry is a version of the one answer, not a message.
    let store = HistoryStore::open(&paths.data_dir).expect("history").store;
    let shown = store
        .messages(conversation, None, 10)
        .expect("loads")
        .messages;
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert_eq!(shown[1].version_ids.len(), 4);
    assert_eq!(shown[1].version_ids[..2], [first, second]);
    assert_eq!(shown[1].content, "whole answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_again_adds_versions_and_the_next_question_sends_the_one_shown() {
    let a = openai::start(
        Script::reply("half an answer")
            .with_chunk_chars(4)
            .with_fault(Fault::TruncateStream { after_chunks: 2 }),
    )
    .expect("fake a");
    let b = openai::start(Script::reply("the answer from b")).expect("fake b");
    let c = openai::start(Script::reply("the answer from c")).expect("fake c");
    let (_dir, paths) = setup(&[&a, &b, &c]);
    let engine = engine(&paths);
    let store = HistoryStore::open(&paths.data_dir).expect("history").store;

    let turn = engine
        .send(Ask::new("question"), Default::default())
        .await
        .expect("starts");
    let conversation = turn.conversation_id().expect("saved");
    let first = turn.message_id().expect("saved");
    let _cut: Vec<ChatEvent> = turn.into_stream().collect().await;
    let turn = retry(&engine, conversation, first, "retries").await;
    let second = turn.message_id().expect("saved");
    let _answered: Vec<ChatEvent> = turn.into_stream().collect().await;
    // "Retry" of the retried answer, on c.
    let turn = engine
        .regenerate(
            conversation,
            second,
            Some("c/fake-model".into()),
            TurnOptions::default(),
            Default::default(),
        )
        .await
        .expect("asks again");
    let third = turn.message_id().expect("saved");
    let events: Vec<ChatEvent> = turn.into_stream().collect().await;
    assert!(
        matches!(events.last(), Some(ChatEvent::Done { model, .. }) if model == "c/fake-model"),
        "{events:?}"
    );
    assert!(c.requests()[0].body.contains("question"));
    assert!(!c.requests()[0].body.contains("the answer from b"));

    let shown = store
        .messages(conversation, None, 10)
        .expect("loads")
        .messages;
    let ids: Vec<_> = shown.iter().map(|m| m.id).collect();
    assert_eq!(ids[1..], [third], "one answer, shown in its newest version");
    assert_eq!(shown[1].version_ids, [first, second, third]);
    assert_eq!(store.all_messages(conversation).expect("reads").len(), 4);

    // The second version shown: the next question sends it, and only it.
    store.select_version(second).expect("selects");
    let mut ask = Ask::new("and then?");
    ask.conversation = Some(conversation);
    ask.model = Some("c/fake-model".into());
    let turn = engine.send(ask, Default::default()).await.expect("starts");
    let _next: Vec<ChatEvent> = turn.into_stream().collect().await;
    let asked = c.requests();
    let body = &asked.last().expect("asked").body;
    assert!(body.contains("the answer from b"), "{body}");
    assert!(!body.contains("the answer from c"), "{body}");
    assert!(!body.contains("half an"), "{body}");
    let shown = store
        .messages(conversation, None, 10)
        .expect("loads")
        .messages;
    assert_eq!(shown.len(), 4);
    assert_eq!(shown[1].id, second);

    // Asking again needs an answer to ask for.
    let err = engine
        .regenerate(
            conversation,
            shown[2].id,
            None,
            TurnOptions::default(),
            Default::default(),
        )
        .await
        .expect_err("a question");
    assert!(err.to_string().contains("no such answer"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_on_next_route_skips_every_model_on_the_server_that_broke() {
    let broken = openai::start(
        Script::reply("half an answer")
            .with_chunk_chars(4)
            .with_fault(Fault::TruncateStream { after_chunks: 2 })
            .with_models(["one", "two", "three"]),
    )
    .expect("broken fake");
    let other =
        openai::start(Script::reply("whole answer").with_models(["four"])).expect("other fake");
    // Two providers (three models) on the broken server, then one elsewhere.
    let text = format!(
        r#"{{ models: {{ providers: {{
             a: {{ baseUrl: "{broken}/v1", models: [{{ id: "one", name: "1" }}, {{ id: "two", name: "2" }}] }},
             same: {{ baseUrl: "{broken}/v1/", models: [{{ id: "three", name: "3" }}] }},
             c: {{ baseUrl: "{other}/v1", models: [{{ id: "four", name: "4" }}] }} }} }},
           agents: {{ defaults: {{ model: {{ primary: "a/one",
             fallbacks: ["a/two", "same/three", "c/four"] }} }} }} }}"#,
        broken = broken.url(),
        other = other.url(),
    );
    let (_dir, paths) = write_config(tempfile::tempdir().expect("tempdir"), &text);
    let engine = engine(&paths);

    let turn = engine
        .send(Ask::new("question"), Default::default())
        .await
        .expect("starts");
    let conversation = turn.conversation_id().expect("saved");
    let first = turn.message_id().expect("saved");
    let events: Vec<ChatEvent> = turn.into_stream().collect().await;
    let Some(ChatEvent::Error { retry_next, .. }) = events.last() else {
        panic!("a cut answer fails: {events:?}")
    };
    assert_eq!(retry_next.as_deref(), Some("c/four"), "{events:?}");

    let retried = retry(&engine, conversation, first, "retries").await;
    let events: Vec<ChatEvent> = retried.into_stream().collect().await;
    assert!(
        matches!(events.last(), Some(ChatEvent::Done { model, .. }) if model == "c/four"),
        "{events:?}"
    );
    assert_eq!(
        broken.requests().len(),
        1,
        "the broken server is asked once"
    );
    assert_eq!(other.requests().len(), 1);
}

/// "Retry on next route" for answer `message`, as the desktop's command asks it.
async fn retry(
    engine: &Engine,
    conversation: i64,
    message: i64,
    why: &str,
) -> switchboard_core::chat::Turn {
    engine
        .retry_next(
            conversation,
            message,
            TurnOptions::default(),
            Default::default(),
        )
        .await
        .expect(why)
}

fn engine_with_fresh_points(paths: &Paths) -> Engine {
    engine(paths)
}

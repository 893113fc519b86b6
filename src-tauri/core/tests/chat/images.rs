//! Images through the engine: each wire API gets them in its own parts (the fakes record the
//! exact bodies), the history keeps them as files and sends them again on later turns, and a
//! route whose models take text only refuses before anything is saved or sent.

use futures_util::StreamExt;
use serde_json::{json, Value};
use switchboard_core::chat::{Ask, ChatError, ChatEvent};
use switchboard_core::history::{HistoryStore, ImageData};
use switchboard_core::router::{RouteError, RouteErrorKind};
use switchboard_fakes::openai::Script;
use switchboard_fakes::{anthropic, openai, responses, FakeServer};

use super::{engine, write_config};

/// A 2×2 red PNG.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==";

fn png() -> ImageData {
    ImageData::from_base64(PNG).expect("a png")
}

/// A config of `(id, api, fake, input)` providers, each with model `m`; the first is the
/// primary, the rest its fallbacks.
fn config(providers: &[(&str, &str, &FakeServer, &str)]) -> String {
    let entries: String = providers
        .iter()
        .map(|(id, api, fake, input)| {
            format!(
                r#"{id}: {{ baseUrl: "{}/v1", apiKey: "k", api: "{api}",
                   models: [{{ id: "fake-model", name: "M", input: {input} }}] }},"#,
                fake.url()
            )
        })
        .collect();
    let refs: Vec<String> = providers
        .iter()
        .map(|(id, ..)| format!("\"{id}/fake-model\""))
        .collect();
    format!(
        r#"{{ models: {{ providers: {{ {entries} }} }},
             agents: {{ defaults: {{ model: {{ primary: {}, fallbacks: [{}] }} }} }} }}"#,
        refs[0],
        refs[1..].join(", ")
    )
}

const IMAGES: &str = r#"["text", "image"]"#;
const TEXT: &str = r#"["text"]"#;

/// The JSON bodies the fake received on `path`, oldest first.
fn bodies(fake: &FakeServer, path: &str) -> Vec<Value> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with(path))
        .map(|r| serde_json::from_str(&r.body).expect("json body"))
        .collect()
}

async fn events(turn: switchboard_core::chat::Turn) -> Vec<ChatEvent> {
    turn.into_stream().collect().await
}

/// Asks `text` with the PNG on `conversation` (a new one without it); returns the conversation.
async fn ask_with_image(
    engine: &switchboard_core::chat::Engine,
    conversation: Option<i64>,
    text: &str,
    images: Vec<ImageData>,
) -> i64 {
    let mut ask = Ask::new(text);
    ask.conversation = conversation;
    ask.images = images;
    let turn = engine.send(ask, Default::default()).await.expect("starts");
    let id = turn.conversation_id().expect("saved");
    let events = events(turn).await;
    assert!(
        matches!(events.last(), Some(ChatEvent::Done { .. })),
        "{events:?}"
    );
    id
}

#[tokio::test]
async fn each_wire_api_gets_its_own_image_parts_and_later_turns_send_them_again() {
    let data_url = format!("data:image/png;base64,{PNG}");
    let cases: [(&str, FakeServer, &str, Value); 3] = [
        (
            "openai-completions",
            openai::start(Script::reply("A red square.")).expect("fake"),
            "/chat/completions",
            json!({"type": "image_url", "image_url": {"url": data_url}}),
        ),
        (
            "openai-responses",
            responses::start(Script::reply("A red square.")).expect("fake"),
            "/responses",
            json!({"type": "input_image", "image_url": data_url}),
        ),
        (
            "anthropic-messages",
            anthropic::start(Script::reply("A red square.")).expect("fake"),
            "/messages",
            json!({"type": "image", "source":
                {"type": "base64", "media_type": "image/png", "data": PNG}}),
        ),
    ];
    for (api, fake, path, part) in &cases {
        let (_dir, paths) = write_config(
            tempfile::tempdir().expect("tempdir"),
            &config(&[("p", api, fake, IMAGES)]),
        );
        let engine = engine(&paths);
        let id = ask_with_image(&engine, None, "What is this?", vec![png()]).await;
        // The next turn, a saved conversation, sends the image again from its file.
        ask_with_image(&engine, Some(id), "And its colour?", Vec::new()).await;
        let sent = bodies(fake, path);
        assert_eq!(sent.len(), 2, "{api}");
        for body in &sent {
            let (messages, key) = match *api {
                "openai-responses" => (&body["input"], "content"),
                _ => (&body["messages"], "content"),
            };
            let first = &messages[0][key];
            let text = match *api {
                "openai-completions" => json!({"type": "text", "text": "What is this?"}),
                "openai-responses" => json!({"type": "input_text", "text": "What is this?"}),
                _ => json!({"type": "text", "text": "What is this?"}),
            };
            assert_eq!(first, &json!([text, part]), "{api}: {body}");
        }
        // The second question has no image of its own.
        let last = match *api {
            "openai-responses" => sent[1]["input"].as_array().expect("items").last().cloned(),
            _ => sent[1]["messages"]
                .as_array()
                .expect("messages")
                .last()
                .cloned(),
        }
        .expect("a last turn");
        assert!(!last.to_string().contains("base64"), "{api}: {last}");
        // Stored once, as a file named by its hash.
        let store = HistoryStore::open(&paths.data_dir).expect("history").store;
        let messages = store.all_messages(id).expect("reads");
        assert_eq!(messages[0].attachments.len(), 1, "{api}");
        let file = store
            .attachments_dir()
            .join(&messages[0].attachments[0].file_name);
        assert_eq!(std::fs::read(file).expect("the file"), png().bytes());
        assert!(messages[2].attachments.is_empty());
    }
}

#[tokio::test]
async fn a_text_only_primary_is_skipped_for_a_fallback_that_reads_images() {
    let blind = openai::start(Script::reply("never")).expect("fake");
    let eyes = openai::start(Script::reply("A red square.")).expect("fake");
    let (_dir, paths) = write_config(
        tempfile::tempdir().expect("tempdir"),
        &config(&[
            ("blind", "openai-completions", &blind, TEXT),
            ("eyes", "openai-completions", &eyes, IMAGES),
        ]),
    );
    let engine = engine(&paths);
    let mut ask = Ask::new("What is this?");
    ask.images = vec![png()];
    let turn = engine.send(ask, Default::default()).await.expect("starts");
    let events = events(turn).await;
    let routes: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Route(r) => Some(format!(
                "{}={}:{}",
                r.model,
                serde_json::to_value(r.outcome).expect("outcome"),
                r.reason.as_deref().unwrap_or("-")
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        routes,
        [
            "blind/fake-model=\"skipped\":no_image_input",
            "eyes/fake-model=\"ok\":-"
        ]
    );
    assert!(
        matches!(events.last(), Some(ChatEvent::Done { model, .. }) if model == "eyes/fake-model")
    );
    assert!(bodies(&blind, "/chat/completions").is_empty());
    assert_eq!(bodies(&eyes, "/chat/completions").len(), 1);
}

#[tokio::test]
async fn text_only_models_refuse_images_by_name_before_anything_is_saved_or_sent() {
    let a = openai::start(Script::reply("never")).expect("fake");
    let b = openai::start(Script::reply("never")).expect("fake");
    let eyes = openai::start(Script::reply("never")).expect("fake");
    let (_dir, paths) = write_config(
        tempfile::tempdir().expect("tempdir"),
        &config(&[
            ("a", "openai-completions", &a, TEXT),
            ("b", "anthropic-messages", &b, TEXT),
            ("eyes", "openai-completions", &eyes, IMAGES),
        ]),
    );
    let engine = engine(&paths);
    // Asked for by name, a text-only model refuses even with a fallback that reads images.
    let mut ask = Ask::new("What is this?");
    ask.model = Some("b/fake-model".into());
    ask.images = vec![png()];
    let Err(ChatError::Route(err)) = engine.send(ask, Default::default()).await else {
        panic!("not refused");
    };
    assert_eq!(err.kind(), RouteErrorKind::NoImageInput);
    assert!(matches!(&err, RouteError::NoImageInput { models } if models == &["b/fake-model"]));
    let message = err.to_string();
    assert!(
        message.starts_with("b/fake-model takes text only") && message.contains("nothing was sent"),
        "{message}"
    );
    // A saved conversation with an image sends it again each turn: a text-only model asked
    // for by name refuses a follow-up without images of its own, and nothing is saved.
    let mut ask = Ask::new("What is this?");
    ask.model = Some("eyes/fake-model".into());
    ask.images = vec![png()];
    let turn = engine.send(ask, Default::default()).await.expect("starts");
    let id = turn.conversation_id().expect("saved");
    events(turn).await;
    let mut ask = Ask::new("And in words?");
    ask.conversation = Some(id);
    ask.model = Some("a/fake-model".into());
    let Err(ChatError::Route(err)) = engine.send(ask, Default::default()).await else {
        panic!("not refused");
    };
    assert!(matches!(&err, RouteError::NoImageInput { models } if models == &["a/fake-model"]));
    let store = HistoryStore::open(&paths.data_dir).expect("history").store;
    assert_eq!(store.all_messages(id).expect("reads").len(), 2);
    store.delete_conversation(id).expect("deletes");
    // A route of text-only models names them all.
    let (_dir2, paths2) = write_config(
        tempfile::tempdir().expect("tempdir"),
        &config(&[
            ("a", "openai-completions", &a, TEXT),
            ("b", "anthropic-messages", &b, TEXT),
        ]),
    );
    let engine2 = super::engine(&paths2);
    let mut ask = Ask::new("");
    ask.images = vec![png()];
    let Err(ChatError::Route(err)) = engine2.send(ask, Default::default()).await else {
        panic!("not refused");
    };
    assert!(
        err.to_string()
            .starts_with("a/fake-model, b/fake-model take text only"),
        "{err}"
    );
    for fake in [&a, &b] {
        assert!(fake
            .requests()
            .iter()
            .all(|r| !r.path.contains("chat") && !r.path.contains("messages")));
    }
    for paths in [&paths, &paths2] {
        let store = HistoryStore::open(&paths.data_dir).expect("history").store;
        assert!(store.list_conversations(10, 0).expect("lists").is_empty());
        let files = std::fs::read_dir(store.attachments_dir()).map_or(0, |d| d.count());
        assert_eq!(files, 0, "no image file left");
    }
}

#[tokio::test]
async fn the_gateway_passes_images_on_and_keeps_them_in_its_history() {
    use switchboard_core::gateway;
    use switchboard_core::secrets::Secret;
    const TOKEN: &str = "sb-test-token-0123456789";
    let fake = anthropic::start(Script::reply("A red square.")).expect("fake");
    let (_dir, paths) = write_config(
        tempfile::tempdir().expect("tempdir"),
        &config(&[("p", "anthropic-messages", &fake, IMAGES)]),
    );
    let listener = gateway::bind(0).await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = gateway::app(engine(&paths), Secret::new(TOKEN));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gateway::serve(listener, app, async {
        let _ignored = stopped.await;
    }));
    // An OpenAI client's image part goes to an Anthropic model as a base64 image block.
    let response = reqwest::Client::new()
        .post(format!("{url}/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"messages": [{"role": "user", "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{PNG}")}}]}]}))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let _stopping = stop.send(());
    server.await.expect("joins").expect("serves");
    let sent = bodies(&fake, "/messages");
    assert_eq!(
        sent[0]["messages"][0]["content"][1],
        json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}})
    );
    let store = HistoryStore::open(&paths.data_dir).expect("history").store;
    let list = store.list_conversations(10, 0).expect("lists");
    let messages = store.all_messages(list[0].id).expect("reads");
    assert_eq!(messages[0].content, "What is this?");
    assert_eq!(messages[0].attachments.len(), 1);
    assert_eq!(
        store.image(&messages[0].attachments[0]).expect("the file"),
        png()
    );
}

#[tokio::test]
async fn an_image_too_large_for_its_server_keeps_the_servers_words() {
    use switchboard_fakes::openai::Fault;
    let fake = openai::start(Script::reply("never").with_fault(Fault::Status {
        status: 413,
        message: "request entity too large".into(),
        retry_after: None,
    }))
    .expect("fake");
    let (_dir, paths) = write_config(
        tempfile::tempdir().expect("tempdir"),
        &config(&[("p", "openai-completions", &fake, IMAGES)]),
    );
    let engine = engine(&paths);
    let mut ask = Ask::new("What is this?");
    ask.images = vec![png()];
    let turn = engine.send(ask, Default::default()).await.expect("starts");
    let events = events(turn).await;
    let Some(ChatEvent::Error { message, .. }) = events.last() else {
        panic!("{events:?}");
    };
    assert!(
        message.contains("413") && !message.contains("fits no route"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switchboard_chat_sends_an_image_file_and_refuses_what_is_not_one() {
    use clap::Parser;
    use switchboard_core::cli::{chat_cmd, Cli, Command, Exit};
    let fake = responses::start(Script::reply("A red square.")).expect("fake");
    let (dir, paths) = write_config(
        tempfile::tempdir().expect("tempdir"),
        &config(&[("p", "openai-responses", &fake, IMAGES)]),
    );
    let picture = dir.path().join("red.png");
    std::fs::write(&picture, png().bytes()).expect("writes");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a picture").expect("writes");
    let run = move |file: std::path::PathBuf| {
        let paths = paths.clone();
        tokio::task::spawn_blocking(move || {
            let file = file.display().to_string();
            let cli =
                Cli::try_parse_from(["switchboard", "chat", "--image", &file, "What is this?"])
                    .expect("parses");
            let Some(Command::Chat(args)) = cli.command else {
                panic!("not chat")
            };
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let exit = chat_cmd::run(&args, &paths, &mut out, &mut err);
            let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8");
            (exit, text(out), text(err))
        })
    };
    let (exit, out, _) = run(picture).await.expect("runs");
    assert_eq!((exit, out.as_str()), (Exit::Success, "A red square.\n"));
    let sent = bodies(&fake, "/responses");
    assert_eq!(
        sent[0]["input"][0]["content"][1],
        json!({"type": "input_image", "image_url": format!("data:image/png;base64,{PNG}")})
    );
    let (exit, _, err) = run(notes).await.expect("runs");
    assert_eq!(exit, Exit::Failure);
    assert!(
        err.contains("notes.txt") && err.contains("PNG, JPEG, WebP or GIF"),
        "{err}"
    );
    assert_eq!(
        bodies(&fake, "/responses").len(),
        1,
        "nothing more was sent"
    );
}

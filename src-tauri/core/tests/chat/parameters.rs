//! A conversation's system prompt and parameters through the engine: saved with a new
//! conversation, sent on each later turn in the wire API's own fields, replaced from a turn on,
//! kept by "retry on next route", refused before anything is saved when out of range.

use futures_util::StreamExt;
use switchboard_core::chat::{Ask, ChatEvent};
use switchboard_core::history::{HistoryStore, Parameters, Role};
use switchboard_fakes::openai::{self, Script};

use super::{engine, setup};

/// The JSON bodies of the chat requests the fake received, oldest first.
fn chat_bodies(fake: &switchboard_fakes::FakeServer) -> Vec<serde_json::Value> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .map(|r| serde_json::from_str(&r.body).expect("json body"))
        .collect()
}

async fn finish(turn: switchboard_core::chat::Turn) -> Vec<ChatEvent> {
    turn.into_stream().collect().await
}

#[tokio::test]
async fn the_prompt_and_parameters_are_saved_and_sent_each_turn() {
    let fake = openai::start(Script::reply("Sure.")).expect("fake");
    let (_dir, paths) = setup(&[&fake]);
    let engine = engine(&paths);

    let mut ask = Ask::new("first");
    ask.system = Some("Be brief.".into());
    ask.parameters = Some(Parameters {
        temperature: Some(0.2),
        top_p: Some(0.9),
        max_tokens: Some(64),
    });
    let turn = engine.send(ask, Default::default()).await.expect("starts");
    let id = turn.conversation_id().expect("saved");
    finish(turn).await;

    // The next turn names neither: the conversation's own are sent.
    let mut ask = Ask::new("second");
    ask.conversation = Some(id);
    finish(engine.send(ask, Default::default()).await.expect("starts")).await;

    // A turn that changes them changes them from then on.
    let mut ask = Ask::new("third");
    ask.conversation = Some(id);
    ask.system = Some("Answer in Korean.".into());
    ask.parameters = Some(Parameters {
        temperature: Some(1.0),
        ..Parameters::default()
    });
    finish(engine.send(ask, Default::default()).await.expect("starts")).await;

    let bodies = chat_bodies(&fake);
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    for body in &bodies[..2] {
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(body["messages"][0]["content"], "Be brief.");
        assert_eq!(body["temperature"], 0.2);
        assert_eq!(body["top_p"], 0.9);
        assert_eq!(body["max_tokens"], 64);
    }
    assert_eq!(bodies[2]["messages"][0]["content"], "Answer in Korean.");
    assert_eq!(bodies[2]["temperature"], 1.0);
    assert!(bodies[2].get("top_p").is_none(), "{}", bodies[2]);

    let store = HistoryStore::open(&paths.data_dir).expect("opens").store;
    let saved = store.conversation(id).expect("reads");
    assert_eq!(saved.system_prompt.as_deref(), Some("Answer in Korean."));
    assert_eq!(saved.parameters.temperature, Some(1.0));
    // One system message, rewritten in place.
    let messages = store.all_messages(id).expect("reads");
    let systems = messages.iter().filter(|m| m.role == Role::System).count();
    assert_eq!(systems, 1);
    // The export shows them.
    let mut md = Vec::new();
    store
        .export(
            id,
            switchboard_core::history::ExportFormat::Markdown,
            &mut md,
        )
        .expect("exports");
    let md = String::from_utf8(md).expect("utf-8");
    assert!(md.contains("_Parameters: temperature 1_"), "{md}");
    assert!(md.contains("Answer in Korean."), "{md}");
}

#[tokio::test]
async fn parameters_out_of_range_are_refused_before_anything_is_saved() {
    let fake = openai::start(Script::reply("never")).expect("fake");
    let (_dir, paths) = setup(&[&fake]);
    let engine = engine(&paths);
    let mut ask = Ask::new("hi");
    ask.parameters = Some(Parameters {
        temperature: Some(9.0),
        ..Parameters::default()
    });
    let Err(err) = engine.send(ask, Default::default()).await else {
        panic!("a temperature of 9 was accepted");
    };
    assert!(err.to_string().contains("temperature"), "{err}");
    let store = HistoryStore::open(&paths.data_dir).expect("opens").store;
    assert!(store.list_conversations(10, 0).expect("lists").is_empty());
    assert!(chat_bodies(&fake).is_empty());
}

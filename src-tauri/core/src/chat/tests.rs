//! Refusals before a turn starts: nothing is saved and nothing is sent.

use super::*;
use crate::config::model::Config;
use crate::router::RouteErrorKind;

fn router() -> Router {
    Router::new(Config::default()).expect("router")
}

#[tokio::test]
async fn empty_messages_and_saved_conversations_without_history_are_refused() {
    let engine = Engine::without_history(router());
    let err = engine
        .send(Ask::new("  "), CancellationToken::new())
        .await
        .expect_err("empty");
    assert!(matches!(err, ChatError::InvalidInput(_)), "{err}");
    let mut ask = Ask::new("hi");
    ask.conversation = Some(1);
    let err = engine
        .send(ask, CancellationToken::new())
        .await
        .expect_err("no history");
    assert!(err.to_string().contains("history"), "{err}");
}

#[tokio::test]
async fn an_unknown_model_is_refused_before_the_question_is_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = HistoryStore::open(dir.path()).expect("opens").store;
    let engine = Engine::new(router(), Some(store.clone()), RetryPoints::default());
    let mut ask = Ask::new("hi");
    ask.model = Some("no-such/model".into());
    let err = engine
        .send(ask, CancellationToken::new())
        .await
        .expect_err("unknown");
    let ChatError::Route(route) = &err else {
        panic!("{err}")
    };
    assert_eq!(route.kind(), RouteErrorKind::ModelNotFound);
    assert_eq!(Reason::of(route).as_str(), "model_not_found");
    assert!(store.list_conversations(10, 0).expect("lists").is_empty());
    let err = engine
        .retry_next(1, 1, TurnOptions::default(), CancellationToken::new())
        .await
        .expect_err("no such answer");
    assert!(err.to_string().contains("no such answer"), "{err}");
}

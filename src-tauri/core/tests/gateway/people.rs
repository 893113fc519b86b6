//! Per-person tokens at the gate: a person's token is accepted like the owner's, counted in the
//! state store, and refused with `429 over_budget` once their daily budget is spent (nothing is
//! sent upstream); a foreign `Host` is answered only when the gateway listens beyond loopback.

use std::sync::Arc;

use switchboard_core::gateway::people::{LivePeople, People};
use switchboard_core::gateway::{self, Gate};
use switchboard_core::secrets::Secret;
use switchboard_core::state::StateStore;
use switchboard_fakes::openai::{self, Script};
use tower::ServiceExt;

use super::{router_from, TOKEN};

fn request(token: &str, host: &str) -> axum::http::Request<axum::body::Body> {
    let body = r#"{"model": "", "messages": [{"role": "user", "content": "hi"}]}"#;
    axum::http::Request::post("/v1/chat/completions")
        .header("host", host)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .expect("request")
}

async fn status_and_body(app: &axum::Router, token: &str, host: &str) -> (u16, String) {
    let response = app
        .clone()
        .oneshot(request(token, host))
        .await
        .expect("answered");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_person_is_counted_and_stopped_at_their_daily_budget() {
    let fake = openai::start(Script::reply("hello")).expect("fake");
    // 12 tokens in and 7 out at these rates: $0.26 an answer.
    let text = format!(
        r#"{{ models: {{ providers: {{ a: {{ baseUrl: "{}/v1", apiKey: "k",
             models: [{{ id: "fake-model", name: "F", cost: {{ input: 10000, output: 20000 }} }}] }} }} }},
             agents: {{ defaults: {{ model: "a/fake-model" }} }} }}"#,
        fake.url()
    );
    let router = router_from(&text);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = StateStore::open("local", dir.path()).expect("store");
    router.set_state(store.clone());
    let mut people = People::default();
    let ann = people.add("ann", Some(0.5)).expect("ann");
    let bob = people.add("bob", None).expect("bob");
    let gate = |any_host| Gate {
        owner: Secret::new(TOKEN),
        people: Arc::new(LivePeople::fixed(people.clone())),
        any_host,
    };
    let engine = || switchboard_core::chat::Engine::without_history(router.clone());
    let loopback = gateway::app_with(engine(), gate(false));

    assert_eq!(
        status_and_body(&loopback, ann.expose(), "localhost")
            .await
            .0,
        200
    );
    assert_eq!(
        status_and_body(&loopback, ann.expose(), "localhost")
            .await
            .0,
        200
    );
    // $0.52 spent of $0.50: refused before anything is sent.
    let sent = fake.requests().len();
    let (status, body) = status_and_body(&loopback, ann.expose(), "localhost").await;
    assert_eq!(status, 429, "{body}");
    assert!(
        body.contains("over_budget") && body.contains("ann's daily budget"),
        "{body}"
    );
    assert_eq!(fake.requests().len(), sent);
    // Others are not held back by ann's budget.
    assert_eq!(
        status_and_body(&loopback, bob.expose(), "localhost")
            .await
            .0,
        200
    );
    assert_eq!(status_and_body(&loopback, TOKEN, "localhost").await.0, 200);
    let tally = store.today("token:ann").await;
    assert_eq!(tally.requests, 2);
    assert!((tally.usd - 0.52).abs() < 1e-9, "{}", tally.usd);
    assert_eq!(store.today("token:bob").await.requests, 1);
    assert_eq!(store.today("owner").await.requests, 1);

    // A wrong person token is refused; a foreign Host only on loopback.
    let (status, _) = status_and_body(&loopback, "sbp-0123", "localhost").await;
    assert_eq!(status, 401);
    let (status, _) = status_and_body(&loopback, bob.expose(), "llm.example.com").await;
    assert_eq!(status, 403);
    let team = gateway::app_with(engine(), gate(true));
    let (status, _) = status_and_body(&team, bob.expose(), "llm.example.com").await;
    assert_eq!(status, 200);
}

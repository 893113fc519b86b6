//! A key changed elsewhere (another process writing the keychain) after the router resolved it:
//! the 401 makes it look the key up once more and, when it changed, send once more with it.

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::config::model::Config;
use switchboard_core::providers::{resolve_target_with, Client};
use switchboard_core::router::Router;
use switchboard_core::secrets::{MemoryStore, Secret, Store};
use switchboard_fakes::openai::{self, Script};

use super::{advance, ask, config, failed, ok, send};

#[tokio::test]
async fn a_key_changed_elsewhere_is_read_again_after_a_401_and_used() {
    let fake = openai::start(Script::reply("hello").with_key("new-key")).expect("fake");
    let text = format!(
        r#"{{ models: {{ providers: {{ cloud: {{ baseUrl: "{}/v1", models: [{{ id: "fake-model", name: "F" }}] }} }} }},
             agents: {{ defaults: {{ model: "cloud/fake-model" }} }} }}"#,
        fake.url()
    );
    let keychain = Arc::new(MemoryStore::new());
    keychain
        .set("cloud", &Secret::new("old-key"))
        .expect("stored");
    let store = keychain.clone();
    let router = Router::with_parts(
        config(&text),
        Client::new(Duration::from_secs(5)).expect("client"),
        Arc::new(move |c: &Config, r: &str| resolve_target_with(c, r, &*store, &|_| None)),
    );

    // The key is wrong and stays wrong: one request, no second try with the same key.
    let first = send(&router, None, ask("hi", false)).await;
    assert_eq!(first.trail(), [failed("cloud/fake-model", "auth")]);
    assert_eq!(fake.requests().len(), 1);

    // `switchboard keys set cloud` in another process: the cached key is stale now.
    keychain
        .set("cloud", &Secret::new("new-key"))
        .expect("stored");
    // Past the auth cooldown the first 401 started.
    advance(Duration::from_secs(24 * 3600)).await;
    let second = send(&router, None, ask("hi", false)).await;
    assert!(second.error.is_none(), "{:?}", second.error);
    assert_eq!(second.trail(), [ok("cloud/fake-model")]);
    assert_eq!(second.answer.text, "hello");
    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "the stale key, then the new one");
    assert_eq!(requests[2].header("authorization"), Some("Bearer new-key"));
    // From now on the new key is the cached one: no 401 first.
    let third = send(&router, None, ask("hi", false)).await;
    assert_eq!(third.trail(), [ok("cloud/fake-model")]);
    assert_eq!(fake.requests().len(), 4);
}

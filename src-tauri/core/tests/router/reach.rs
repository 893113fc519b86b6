//! Reachability: a local primary whose server stops is reported down after the next probe (the
//! route health goes to the fallback), comes back when a server answers on its port again, and
//! is cleared by a successful answer without a probe; hosted providers are never probed.

use std::time::Duration;

use switchboard_core::router::{Overall, Probe, ProviderState, Router};
use switchboard_fakes::openai::{self, Script};

use super::{ask, config, config_text, ok, send, up};

fn state_of(router: &Router, id: &str) -> (ProviderState, Option<String>, Option<bool>) {
    let health = router.health().borrow().clone();
    let p = health
        .providers
        .iter()
        .find(|p| p.provider == id)
        .unwrap_or_else(|| panic!("no {id} in {health:?}"));
    (p.state, p.reason.clone(), p.reachable)
}

fn overall(router: &Router) -> (Overall, Option<String>) {
    let health = router.health().borrow().clone();
    (health.overall, health.current)
}

const PROBE: Duration = Duration::from_millis(500);

#[tokio::test]
async fn a_stopped_local_server_is_down_until_it_answers_again() {
    let primary = openai::start(Script::reply("from primary")).expect("primary");
    let fallback = openai::start(Script::reply("from fallback")).expect("fallback");
    let port = primary.addr().port();
    // A hosted provider at an address nothing could answer: it must never be probed.
    let text = config_text(&[up("primary", primary.url()), up("fallback", fallback.url())])
        .replacen(
            "providers: { ",
            r#"providers: { hosted: { baseUrl: "https://api.example.com/v1", apiKey: "k",
                 models: [{ id: "m", name: "M" }] }, "#,
            1,
        );
    let router = super::router_for(config(&text));
    assert_eq!(state_of(&router, "hosted").2, None, "nothing known yet");

    let probes = router.probe_local(PROBE).await;
    let probed = |reachable: bool| {
        vec![
            Probe {
                provider: "primary".into(),
                reachable,
            },
            Probe {
                provider: "fallback".into(),
                reachable: true,
            },
        ]
    };
    assert_eq!(probes, probed(true), "hosted is not probed");
    assert_eq!(
        overall(&router),
        (Overall::OnPrimary, Some("primary/fake-model".into()))
    );
    assert_eq!(
        state_of(&router, "primary"),
        (ProviderState::Ok, None, Some(true))
    );
    assert_eq!(state_of(&router, "hosted"), (ProviderState::Ok, None, None));
    assert!(primary.requests().iter().all(|r| r.method == "GET"));

    drop(primary);
    assert_eq!(router.probe_local(PROBE).await, probed(false));
    assert_eq!(
        overall(&router),
        (Overall::OnFallback, Some("fallback/fake-model".into()))
    );
    assert_eq!(
        state_of(&router, "primary"),
        (ProviderState::Down, Some("unreachable".into()), Some(false))
    );

    let primary = openai::start_on(Script::reply("back again"), port).expect("same port");
    assert_eq!(router.probe_local(PROBE).await, probed(true));
    assert_eq!(overall(&router).0, Overall::OnPrimary);

    // Down again; then the server returns and answers a request before any probe: the answer
    // clears it. Being reported unreachable did not stop the router from trying it first.
    drop(primary);
    router.probe_local(PROBE).await;
    assert_eq!(overall(&router).0, Overall::OnFallback);
    let _primary = openai::start_on(Script::reply("answered"), port).expect("same port");
    let out = send(&router, None, ask("hi", true)).await;
    assert_eq!(out.trail(), [ok("primary/fake-model")]);
    assert_eq!(out.answer.text, "answered");
    assert_eq!(
        state_of(&router, "primary"),
        (ProviderState::Ok, None, Some(true))
    );
    assert_eq!(overall(&router).0, Overall::OnPrimary);
}

//! Cooldown growth and expiry on a paused clock, return to the primary, all-in-cooldown, and
//! the health summary following along.

use std::time::Duration;

use switchboard_core::router::{Overall, ProviderState, RouteErrorKind};
use switchboard_fakes::openai::{self, Fault, Script};

use super::{advance, ask, failed, ok, router, send, skipped, up};

fn down(status: u16, retry_after: Option<u64>) -> Fault {
    Fault::Status {
        status,
        message: "down".into(),
        retry_after,
    }
}

#[tokio::test]
async fn cooldown_grows_expires_and_the_primary_comes_back() {
    let (a, switch) = openai::start_switchable(Script::reply("from a")).expect("fake");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", a.url()), up("b", b.url())]);
    let mut health = r.health();
    assert_eq!(health.borrow_and_update().overall, Overall::OnPrimary);

    switch.set(down(503, None));
    let mut periods = Vec::new();
    for round in 0..4 {
        let out = send(&r, None, ask("hi", true)).await;
        assert_eq!(
            out.trail(),
            [failed("a/fake-model", "overloaded"), ok("b/fake-model")],
            "round {round}"
        );
        let left = r.cooldown("a/fake-model").expect("cooling");
        periods.push(left.as_secs_f64().round() as u64);
        // While cooling, the primary is skipped without a request.
        let before = a.requests().len();
        let out = send(&r, None, ask("hi", true)).await;
        assert_eq!(
            out.trail(),
            [skipped("a/fake-model", "cooldown"), ok("b/fake-model")]
        );
        assert_eq!(a.requests().len(), before);
        let h = health.borrow_and_update().clone();
        assert_eq!(h.overall, Overall::OnFallback);
        assert_eq!(h.current.as_deref(), Some("b/fake-model"));
        assert_eq!(h.providers[0].state, ProviderState::Cooldown);
        assert!(h.providers[0].until_ms.is_some());
        advance(left + Duration::from_millis(10)).await;
    }
    assert_eq!(periods, [30, 60, 300, 300]);

    // After the cooldown the primary is tried again, and answers.
    switch.set(Fault::None);
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(out.trail(), [ok("a/fake-model")]);
    assert_eq!(out.answer.text, "from a");
    assert_eq!(r.cooldown("a/fake-model"), None);
    assert_eq!(health.borrow_and_update().overall, Overall::OnPrimary);

    // A new failure starts again at 30 s.
    switch.set(down(500, None));
    send(&r, None, ask("hi", true)).await;
    let left = r.cooldown("a/fake-model").expect("cooling");
    assert_eq!(left.as_secs_f64().round() as u64, 30);
}

#[tokio::test]
async fn all_in_cooldown_tries_the_one_ending_first() {
    let (a, switch_a) = openai::start_switchable(Script::reply("from a")).expect("fake");
    let (b, switch_b) = openai::start_switchable(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", a.url()), up("b", b.url())]);
    switch_a.set(down(500, None));
    switch_b.set(down(429, Some(5)));
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(
        out.error.as_ref().expect("no route").kind(),
        RouteErrorKind::NoRoute
    );
    assert_eq!(r.health().borrow().overall, Overall::NoRoute);

    // Both cooling: b's 5 s ends before a's 30 s, so b is tried (and now answers).
    switch_b.set(Fault::None);
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(
        out.trail(),
        [
            skipped("a/fake-model", "cooldown"),
            skipped("b/fake-model", "cooldown"),
            ok("b/fake-model")
        ]
    );
    assert_eq!(out.answer.text, "from b");
    assert_eq!(r.cooldown("b/fake-model"), None);

    // Both cooling and the soonest fails again: one attempt, then a clear error.
    switch_b.set(down(429, Some(5)));
    send(&r, Some("b"), ask("hi", true)).await;
    let before = (a.requests().len(), b.requests().len());
    let out = send(&r, None, ask("hi", true)).await;
    let error = out.error.as_ref().expect("no route");
    assert_eq!(error.kind(), RouteErrorKind::NoRoute);
    assert_eq!(error.reason(), "rate_limit");
    assert_eq!(
        (a.requests().len(), b.requests().len()),
        (before.0, before.1 + 1)
    );

    // Once a's cooldown is over it is tried first again.
    switch_a.set(Fault::None);
    advance(Duration::from_secs(31)).await;
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(out.trail(), [ok("a/fake-model")]);
}

#[tokio::test]
async fn a_down_provider_shows_as_down() {
    let addr = switchboard_fakes::refused_addr().expect("addr");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", format!("http://{addr}")), up("b", b.url())]);
    let mut events = r.subscribe();
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(out.answered_by(), Some("b/fake-model"));
    let h = r.health().borrow().clone();
    assert_eq!(h.providers[0].state, ProviderState::Down);
    assert_eq!(h.providers[0].reason.as_deref(), Some("connection"));
    assert_eq!(h.providers[1].state, ProviderState::Ok);
    // The broadcast carries the same route events.
    let first = events.recv().await.expect("event");
    assert_eq!(first, out.routes[0]);
}

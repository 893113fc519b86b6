//! Two routers over one state file stand for two processes on one machine: a cooldown one of
//! them counted is skipped by the other (and shows in its health), clearing them clears them
//! for every process, and a router without a store keeps to itself.

use switchboard_core::router::{Overall, Router};
use switchboard_core::state::StateStore;
use switchboard_fakes::openai::{self, Fault, Script};

use super::{ask, failed, ok, router, send, skipped, up};

fn shared(r: &Router, dir: &std::path::Path) {
    r.set_state(StateStore::open("local", dir).expect("state file"));
}

#[tokio::test]
async fn a_cooldown_one_process_counted_is_skipped_by_the_other_and_cleared_for_all() {
    let (a, switch) = openai::start_switchable(Script::reply("from a")).expect("fake");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let dir = tempfile::tempdir().expect("tempdir");
    let ups = || [up("a", a.url()), up("b", b.url())];
    let (first, second, alone) = (router(&ups()), router(&ups()), router(&ups()));
    shared(&first, dir.path());
    shared(&second, dir.path());

    switch.set(Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: Some(120),
    });
    let out = send(&first, None, ask("hi", false)).await;
    assert_eq!(
        out.trail(),
        [failed("a/fake-model", "rate_limit"), ok("b/fake-model")]
    );
    let sent = a.requests().len();

    let out = send(&second, None, ask("hi", false)).await;
    assert_eq!(
        out.trail(),
        [skipped("a/fake-model", "cooldown"), ok("b/fake-model")]
    );
    assert_eq!(a.requests().len(), sent, "nothing went to the primary");
    let left = second.cooldown("a/fake-model").expect("adopted");
    assert!(left.as_secs() > 100 && left.as_secs() <= 120, "{left:?}");
    assert_eq!(second.health().borrow().overall, Overall::OnFallback);

    // A router that shares nothing still tries the primary.
    let out = send(&alone, None, ask("hi", false)).await;
    assert_eq!(out.trail()[0], failed("a/fake-model", "rate_limit"));

    // "Retry everything" in one process clears the shared cooldowns too: a new process (a
    // fresh router over the same file) tries the recovered primary again.
    switch.set(Fault::None);
    second.clear_shared_cooldowns().await;
    assert_eq!(second.cooldown("a/fake-model"), None);
    let fresh = router(&ups());
    shared(&fresh, dir.path());
    let out = send(&fresh, None, ask("hi", false)).await;
    assert_eq!(out.trail(), [ok("a/fake-model")]);
}

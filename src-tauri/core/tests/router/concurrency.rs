//! 50 concurrent requests while the primary flaps: every request is answered, each by the
//! primary or (after a failed or skipped primary) the fallback, and the shared cooldown state
//! counts one failure per outage, not one per request.

use std::time::Duration;

use futures_util::future::join_all;
use switchboard_core::router::AttemptOutcome;
use switchboard_core::router::Overall;
use switchboard_fakes::openai::{self, Fault, Script};

use super::{advance, ask, failed, ok, router, send, skipped, up};

#[tokio::test]
async fn fifty_concurrent_requests_while_the_primary_flaps() {
    let (a, switch) = openai::start_switchable(Script::reply("from a")).expect("fake");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", a.url()), up("b", b.url())]);
    let flapping = tokio::sync::watch::Sender::new(true);
    let mut stop = flapping.subscribe();
    let flapper = {
        let switch = switch.clone();
        std::thread::spawn(move || {
            let mut down = false;
            while !*stop.borrow_and_update() {
                down = !down;
                switch.set(if down {
                    Fault::Status {
                        status: 503,
                        message: "flap".into(),
                        retry_after: None,
                    }
                } else {
                    Fault::None
                });
                std::thread::sleep(Duration::from_millis(3));
            }
        })
    };
    let waves = 4;
    let mut failing_waves = 0;
    let mut last_failures = 0;
    for wave in 0..waves {
        let outs = join_all((0..50).map(|_| send(&r, None, ask("hi", true)))).await;
        let mut saw_failure = false;
        for out in &outs {
            assert!(out.error.is_none(), "wave {wave}: {:?}", out.error);
            let trail = out.trail();
            let valid = trail == [ok("a/fake-model")]
                || trail == [failed("a/fake-model", "overloaded"), ok("b/fake-model")]
                || trail == [skipped("a/fake-model", "cooldown"), ok("b/fake-model")];
            assert!(valid, "wave {wave}: {trail:?}");
            let expected = if out.answered_by() == Some("a/fake-model") {
                "from a"
            } else {
                "from b"
            };
            assert_eq!(out.answer.text, expected);
            saw_failure |= out.routes[0].outcome == AttemptOutcome::Failed;
        }
        let table = r.cooldowns().snapshot();
        let state = table
            .iter()
            .find(|(m, _)| m == "a/fake-model")
            .map(|(_, s)| *s);
        if saw_failure {
            failing_waves += 1;
            let s = state.expect("a has state after a failure");
            // One outage, one counted failure: the count grows by at most one per wave.
            assert!(s.failures <= last_failures + 1, "wave {wave}: {s:?}");
            assert!(s.failures >= 1);
            last_failures = s.failures;
            assert_eq!(r.health().borrow().overall, Overall::OnFallback);
            let left = r.cooldown("a/fake-model").expect("cooling");
            assert!(left <= Duration::from_secs(300));
            advance(left + Duration::from_millis(10)).await;
        }
        assert!(
            last_failures <= failing_waves,
            "{last_failures} > {failing_waves}"
        );
    }
    flapping.send_replace(false);
    flapper.join().expect("the flapper thread");
    switch.set(Fault::None);
    advance(Duration::from_secs(301)).await;
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(out.trail(), [ok("a/fake-model")]);
    assert_eq!(r.health().borrow().overall, Overall::OnPrimary);
}

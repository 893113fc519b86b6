//! Every error class against a fake primary with a healthy fallback: the documented action,
//! route events and cooldown.

use std::time::Duration;

use switchboard_core::router::RouteErrorKind;
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_fakes::{refused_addr, SilentServer};

use super::{ask, failed, ok, router, send, up, Up};

fn status(status: u16, retry_after: Option<u64>) -> Fault {
    Fault::Status {
        status,
        message: format!("fault {status}"),
        retry_after,
    }
}

/// Primary at `primary`, fallback `b` healthy: the answer comes from `b` after one failed
/// attempt with `reason`, and `a` is cooling down.
async fn fails_over(primary: Up<'_>, reason: &str, status: Option<u16>) {
    let good = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[primary, up("b", good.url())]);
    for stream in [true, false] {
        r.clear_cooldowns();
        let out = send(&r, None, ask("hi", stream)).await;
        assert!(out.error.is_none(), "{reason}: {:?}", out.error);
        assert_eq!(out.answer.text, "from b", "{reason}");
        assert_eq!(
            out.trail(),
            [failed("a/fake-model", reason), ok("b/fake-model")],
            "{reason} stream={stream}"
        );
        assert_eq!(out.routes[0].status, status, "{reason}");
        assert_eq!((out.routes[0].attempt, out.routes[1].attempt), (1, 2));
        let cooling = r.cooldown("a/fake-model").expect("a cools down");
        assert!(cooling > Duration::from_secs(25), "{reason}: {cooling:?}");
        assert_eq!(r.cooldown("b/fake-model"), None);
    }
}

#[tokio::test]
async fn http_error_classes_fail_over_with_cooldown() {
    for (code, reason) in [
        (401, "auth"),
        (402, "billing"),
        (403, "forbidden"),
        (429, "rate_limit"),
        (503, "overloaded"),
        (529, "overloaded"),
        (500, "server"),
        (502, "server"),
        (504, "server"),
        (408, "timeout"),
    ] {
        let bad =
            openai::start(Script::reply("never").with_fault(status(code, None))).expect("fake");
        fails_over(up("a", bad.url()), reason, Some(code)).await;
    }
    // 404: the upstream does not have the model.
    let other = openai::start(Script::reply("x").with_models(["other"])).expect("fake");
    fails_over(up("a", other.url()), "not_found", Some(404)).await;
}

#[tokio::test]
async fn transport_failures_fail_over() {
    let addr = refused_addr().expect("addr");
    fails_over(up("a", format!("http://{addr}")), "connection", None).await;

    let silent = SilentServer::start().expect("silent");
    let mut primary = up("a", silent.url());
    primary.timeout = Some(1.0);
    fails_over(primary, "timeout", None).await;

    // Reset after the role frame, before any token.
    let reset = openai::start(Script::reply("never").with_fault(Fault::ResetAfter { chunks: 1 }))
        .expect("fake");
    let good = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", reset.url()), up("b", good.url())]);
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(out.answer.text, "from b");
    assert_eq!(out.trail()[0].0, "a/fake-model");
    assert_eq!(out.answered_by(), Some("b/fake-model"));
    assert!(r.cooldown("a/fake-model").is_some());
}

#[tokio::test]
async fn retry_after_sets_the_cooldown() {
    let limited =
        openai::start(Script::reply("x").with_fault(status(429, Some(90)))).expect("fake");
    let good = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", limited.url()), up("b", good.url())]);
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(out.answered_by(), Some("b/fake-model"));
    assert_eq!(out.routes[0].cooldown_ms, Some(90_000));
    let left = r.cooldown("a/fake-model").expect("cooling");
    assert!(
        left > Duration::from_secs(85) && left <= Duration::from_secs(90),
        "{left:?}"
    );
}

#[tokio::test]
async fn bad_request_does_not_fail_over() {
    let bad = openai::start(Script::reply("x").with_fault(status(400, None))).expect("fake");
    let good = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", bad.url()), up("b", good.url())]);
    let out = send(&r, None, ask("hi", true)).await;
    let error = out.error.as_ref().expect("rejected");
    assert_eq!(error.kind(), RouteErrorKind::BadRequest);
    assert_eq!(out.trail(), [failed("a/fake-model", "bad_request")]);
    assert!(good.requests().is_empty(), "the fallback was asked");
    assert_eq!(r.cooldown("a/fake-model"), None);
}

#[tokio::test]
async fn every_candidate_failing_names_the_last_error() {
    let a = openai::start(Script::reply("x").with_fault(status(500, None))).expect("fake");
    let b = openai::start(Script::reply("x").with_fault(status(429, None))).expect("fake");
    let r = router(&[up("a", a.url()), up("b", b.url())]);
    let out = send(&r, None, ask("hi", false)).await;
    let error = out.error.as_ref().expect("no route");
    assert_eq!(error.kind(), RouteErrorKind::NoRoute);
    assert_eq!((error.reason(), error.status()), ("rate_limit", Some(429)));
    assert!(error.to_string().contains("b/fake-model"), "{error}");
}

#[tokio::test]
async fn unknown_refs_and_aliases() {
    let good = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", good.url()), up("b", good.url())]);
    let out = send(&r, Some("fast"), ask("hi", true)).await;
    let error = out.error.as_ref().expect("unknown");
    assert_eq!(error.kind(), RouteErrorKind::ModelNotFound);
    assert!(error.to_string().contains("\"fast\""), "{error}");
    assert!(error.to_string().contains("a, b"), "{error}");
    // An alias: requested b, then the fallbacks (b again, dropped), then the primary a.
    let plan: Vec<String> = r
        .candidates(Some("b"))
        .expect("plan")
        .into_iter()
        .map(|c| c.model_ref)
        .collect();
    assert_eq!(plan, ["b/fake-model", "a/fake-model"]);
    let out = send(&r, Some("b"), ask("hi", true)).await;
    assert_eq!(out.trail(), [ok("b/fake-model")]);
}

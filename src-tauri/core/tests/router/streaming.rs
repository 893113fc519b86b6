//! Failures after the first token, "retry on next route", cancel, and context-window skipping.

use std::time::Duration;

use switchboard_core::providers::{CancellationToken, StopReason};
use switchboard_core::router::AttemptOutcome;
use switchboard_core::router::{RouteError, RouteErrorKind};
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_fakes::SilentServer;

use super::{ask, failed, ok, router, send, send_with, skipped, up, Outcome};

#[tokio::test]
async fn failure_after_the_first_token_keeps_the_text_and_offers_the_next_route() {
    for (fault, reason) in [
        (Fault::Garbage { after_chunks: 2 }, "protocol"),
        (Fault::TruncateStream { after_chunks: 2 }, "truncated"),
    ] {
        let a = openai::start(
            Script::reply("one two three four")
                .with_chunk_chars(4)
                .with_fault(fault),
        )
        .expect("fake");
        let b = openai::start(Script::reply("from b")).expect("fake");
        let r = router(&[up("a", a.url()), up("b", b.url())]);
        let out = send(&r, None, ask("hi", true)).await;
        assert_eq!(out.answer.text, "one two ", "{reason}");
        assert_eq!(
            out.trail(),
            [ok("a/fake-model"), failed("a/fake-model", reason)]
        );
        assert!(b.requests().is_empty(), "silent failover after a token");
        let Some(RouteError::Interrupted { retry, model, .. }) = &out.error else {
            panic!("{reason}: not interrupted: {:?}", out.error)
        };
        assert_eq!(model.as_str(), "a/fake-model");
        assert!(r.cooldown("a/fake-model").is_some());

        let mut next = r
            .retry_next(
                retry,
                ask("hi", true),
                Default::default(),
                CancellationToken::new(),
            )
            .expect("next route");
        let mut retried = Outcome {
            routes: Vec::new(),
            answer: Default::default(),
            error: None,
        };
        use futures_util::StreamExt;
        while let Some(item) = next.next().await {
            match item.expect("ok") {
                switchboard_core::router::RouteItem::Route(e) => retried.routes.push(e),
                switchboard_core::router::RouteItem::Event(e) => retried.answer.add(e),
            }
        }
        assert_eq!(retried.trail(), [ok("b/fake-model")]);
        assert_eq!(retried.answer.text, "from b");
    }
}

#[tokio::test]
async fn cancel_never_fails_over() {
    // Cancelled while waiting for the headers.
    let silent = SilentServer::start().expect("silent");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let r = router(&[up("a", silent.url()), up("b", b.url())]);
    let cancel = CancellationToken::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fire.cancel();
    });
    let out = send_with(&r, None, ask("hi", true), cancel).await;
    assert_eq!(
        out.error.as_ref().expect("cancelled").kind(),
        RouteErrorKind::Cancelled
    );
    assert_eq!(out.routes.len(), 1);
    assert_eq!(out.routes[0].outcome, AttemptOutcome::Cancelled);
    assert!(b.requests().is_empty());
    assert_eq!(r.cooldown("a/fake-model"), None);

    // Cancelled after the headers, before the first byte of the body.
    let slow =
        openai::start(Script::reply("late").with_fault(Fault::SlowFirstByte { delay_ms: 3000 }))
            .expect("fake");
    let r = router(&[up("a", slow.url()), up("b", b.url())]);
    let cancel = CancellationToken::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fire.cancel();
    });
    let out = send_with(&r, None, ask("hi", true), cancel.clone()).await;
    assert_eq!(out.answer.stop, Some(StopReason::Cancelled));
    assert_eq!(out.routes[0].outcome, AttemptOutcome::Cancelled);
    assert!(b.requests().is_empty());
    // Already cancelled: nothing is sent.
    let out = send_with(&r, None, ask("hi", true), cancel).await;
    assert_eq!(
        out.error.as_ref().expect("cancelled").kind(),
        RouteErrorKind::Cancelled
    );
    assert!(out.routes.is_empty());
}

#[tokio::test]
async fn context_windows_skip_to_a_fitting_candidate_or_fail_naming_sizes() {
    let fake = openai::start(Script::reply("fits")).expect("fake");
    let mut small = up("a", fake.url());
    small.window = Some((1000, 200));
    let mut large = up("b", fake.url());
    large.window = Some((100_000, 1000));
    let r = router(&[small, large]);
    let out = send(&r, None, ask(&"x".repeat(4000), true)).await;
    assert_eq!(
        out.trail(),
        [
            skipped("a/fake-model", "context_overflow"),
            ok("b/fake-model")
        ]
    );
    assert_eq!(fake.requests().len(), 1);

    let out = send(&r, None, ask(&"x".repeat(1_000_000), true)).await;
    let error = out.error.as_ref().expect("too large");
    assert_eq!(error.kind(), RouteErrorKind::ContextOverflow);
    let text = error.to_string();
    assert!(text.contains("about 250008 tokens"), "{text}");
    assert!(
        text.contains("a/fake-model has a 1000-token window with 200"),
        "{text}"
    );
    assert!(
        text.contains("b/fake-model has a 100000-token window"),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 1, "nothing sent");
}

#[tokio::test]
async fn a_provider_overflow_skips_windows_no_larger() {
    let overflow = Fault::Status {
        status: 400,
        message: "This model's maximum context length is 8192 tokens.".into(),
        retry_after: None,
    };
    let a = openai::start(Script::reply("x").with_fault(overflow.clone())).expect("fake");
    let good = openai::start(Script::reply("from c")).expect("fake");
    let (mut pa, mut pb, mut pc) = (up("a", a.url()), up("b", good.url()), up("c", good.url()));
    pa.window = Some((8192, 1024));
    pb.window = Some((4096, 1024));
    pc.window = Some((32768, 1024));
    let r = router(&[pa, pb, pc]);
    let out = send(&r, None, ask("hi", true)).await;
    assert_eq!(
        out.trail(),
        [
            failed("a/fake-model", "context_overflow"),
            skipped("b/fake-model", "context_overflow"),
            ok("c/fake-model")
        ]
    );
    assert_eq!(
        r.cooldown("a/fake-model"),
        None,
        "no cooldown for a long prompt"
    );

    // Nothing larger: a clear error with the sizes.
    let only = openai::start(Script::reply("x").with_fault(overflow)).expect("fake");
    let mut p = up("a", only.url());
    p.window = Some((8192, 1024));
    let r = router(&[p]);
    let out = send(&r, None, ask("hi", true)).await;
    let error = out.error.as_ref().expect("overflow");
    assert_eq!(error.kind(), RouteErrorKind::ContextOverflow);
    assert!(error.to_string().contains("8192-token window"), "{error}");
}

//! Every injected fault becomes the right typed error (or a correct answer), on every API.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use switchboard_core::providers::{
    CancellationToken, Event, ProviderErrorKind as Kind, Secret, StopReason,
};
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_fakes::{anthropic, refused_addr, responses, FakeServer, SilentServer};

use super::{client, collect, request, run, target};

type Start = fn(Script) -> std::io::Result<FakeServer>;
/// A guard against hangs only, far above anything these tests wait for on a loaded machine.
const HANG: Duration = Duration::from_secs(60);
const APIS: [(&str, Start); 3] = [
    ("openai-completions", openai::start),
    ("openai-responses", responses::start),
    ("anthropic-messages", anthropic::start),
];

async fn error_for(fault: Fault) -> Vec<(Vec<Event>, switchboard_core::providers::ProviderError)> {
    let mut out = Vec::new();
    for (api, start) in APIS {
        let fake = start(Script::reply("one two three four five six").with_fault(fault.clone()))
            .expect("fake");
        let (events, error) = run(&target(api, &fake.url()), &request(true)).await;
        out.push((
            events,
            error.unwrap_or_else(|| panic!("{api}: no error for {fault:?}")),
        ));
    }
    out
}

#[tokio::test]
async fn refused_connection() {
    let addr = refused_addr().expect("addr");
    let (_, error) = run(
        &target("openai-completions", &format!("http://{addr}")),
        &request(true),
    )
    .await;
    let error = error.expect("refused");
    assert_eq!(error.kind(), Kind::Connection);
    assert!(error.is_connect(), "{error:?}");
    assert!(
        !error.to_string().contains("127.0.0.1"),
        "no URL in messages: {error}"
    );
}

#[tokio::test]
async fn accept_then_silence_times_out_on_first_byte() {
    let silent = SilentServer::start().expect("silent");
    let mut t = target("openai-completions", &silent.url());
    t.timeouts.first_byte = Duration::from_millis(300);
    // The message names the 0.3 s limit: that limit ended it (a hang fails the guard).
    let (_, error) = tokio::time::timeout(HANG, run(&t, &request(true)))
        .await
        .expect("the first-byte timeout never fired");
    let error = error.expect("timeout");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.to_string().contains("0.3 s"), "{error}");
}

#[tokio::test]
async fn slow_first_byte_and_idle_timeouts() {
    let fake =
        openai::start(Script::reply("abc").with_fault(Fault::SlowFirstByte { delay_ms: 1500 }))
            .expect("fake");
    let mut t = target("openai-completions", &fake.url());
    t.timeouts.first_byte = Duration::from_millis(300);
    let (_, error) = run(&t, &request(true)).await;
    assert_eq!(error.expect("timeout").kind(), Kind::Timeout);
    t.timeouts.first_byte = Duration::from_secs(10);
    let (events, error) = run(&t, &request(true)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(collect(&events).text, "abc");

    let slow = openai::start(
        Script::reply("abcdefgh")
            .with_chunk_chars(1)
            .with_fault(Fault::SlowChunks { delay_ms: 800 }),
    )
    .expect("fake");
    let mut t = target("openai-completions", &slow.url());
    t.timeouts.idle = Duration::from_millis(200);
    let (events, error) = run(&t, &request(true)).await;
    assert_eq!(error.expect("idle").kind(), Kind::Timeout);
    assert!(events.len() < 3, "stopped early: {events:?}");
}

#[tokio::test]
async fn reset_after_some_tokens_is_a_connection_error() {
    for (events, error) in error_for(Fault::ResetAfter { chunks: 4 }).await {
        assert_eq!(error.kind(), Kind::Connection, "{error:?}");
        assert!(events.iter().all(|e| !matches!(e, Event::Done(_))));
    }
}

#[tokio::test]
async fn rate_limit_with_retry_after() {
    let fault = Fault::Status {
        status: 429,
        message: "Rate limit reached".into(),
        retry_after: Some(7),
    };
    for (_, error) in error_for(fault).await {
        assert_eq!((error.kind(), error.status()), (Kind::RateLimit, Some(429)));
        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
        assert!(error.message().contains("Rate limit reached"), "{error}");
    }
}

#[tokio::test]
async fn statuses_are_classified_on_every_api() {
    for (status, kind) in [
        (401, Kind::Auth),
        (402, Kind::Billing),
        (403, Kind::Forbidden),
        (404, Kind::NotFound),
        (400, Kind::BadRequest),
        (503, Kind::Overloaded),
        (529, Kind::Overloaded),
        (502, Kind::Server),
    ] {
        let fault = Fault::Status {
            status,
            message: "nope".into(),
            retry_after: None,
        };
        for (_, error) in error_for(fault).await {
            assert_eq!(
                (error.kind(), error.status()),
                (kind, Some(status)),
                "{error:?}"
            );
        }
    }
    let fault = Fault::Status {
        status: 400,
        message: "This model's maximum context length is 4096 tokens. However, your messages resulted in 9000 tokens.".into(),
        retry_after: None,
    };
    for (_, error) in error_for(fault).await {
        assert_eq!(error.kind(), Kind::ContextOverflow);
    }
}

#[tokio::test]
async fn html_500_is_a_server_error_with_readable_text() {
    let page = "<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>";
    for (_, error) in error_for(Fault::Html {
        status: 500,
        body: page.into(),
    })
    .await
    {
        assert_eq!((error.kind(), error.status()), (Kind::Server, Some(500)));
        assert!(!error.message().contains('<'), "{error}");
        assert!(error.message().contains("Internal Server Error"));
    }
}

#[tokio::test]
async fn garbage_line_is_a_protocol_error() {
    for (_, error) in error_for(Fault::Garbage { after_chunks: 2 }).await {
        assert_eq!(error.kind(), Kind::Protocol, "{error:?}");
    }
}

#[tokio::test]
async fn stream_without_its_end_is_truncated_not_success() {
    for (events, error) in error_for(Fault::TruncateStream { after_chunks: 2 }).await {
        assert_eq!(error.kind(), Kind::Truncated, "{error:?}");
        assert!(!events.is_empty());
        assert!(events.iter().all(|e| !matches!(e, Event::Done(_))));
    }
}

#[tokio::test]
async fn a_ten_megabyte_chunk_arrives_whole() {
    for (api, start) in APIS {
        let fake = start(Script::reply("ab").with_fault(Fault::HugeChunk { bytes: 10 << 20 }))
            .expect("fake");
        let (events, error) = run(&target(api, &fake.url()), &request(true)).await;
        assert!(error.is_none(), "{api}: {error:?}");
        assert_eq!(collect(&events).text.len(), (10 << 20) + 2, "{api}");
    }
}

#[tokio::test]
async fn cancel_and_drop_close_the_connection_promptly() {
    // Long enough (20,000 frames, 20 ms apart) that the fake seeing the client leave mid-reply
    // means the cancel closed the connection, not the reply's end.
    let script = Script::reply("x".repeat(20_000))
        .with_chunk_chars(1)
        .with_fault(Fault::SlowChunks { delay_ms: 20 });
    for (api, start) in APIS {
        let fake = start(script.clone()).expect("fake");
        let cancel = CancellationToken::new();
        let t = target(api, &fake.url());
        let mut stream = client()
            .send(&t, &request(true), cancel.clone())
            .await
            .expect("stream");
        let mut texts = 0;
        while texts < 3 {
            if let Some(Ok(Event::Text(_))) = stream.next().await {
                texts += 1;
            }
        }
        cancel.cancel();
        let next = stream.next().await.expect("an event").expect("ok");
        assert_eq!(next, Event::Done(StopReason::Cancelled), "{api}");
        assert!(stream.next().await.is_none());
        wait_for_disconnects(&fake, 1).await;

        let mut stream = client()
            .send(&t, &request(true), CancellationToken::new())
            .await
            .expect("stream");
        let _first = stream.next().await;
        drop(stream);
        wait_for_disconnects(&fake, 2).await;
    }
}

async fn wait_for_disconnects(fake: &FakeServer, n: usize) {
    let deadline = Instant::now() + HANG;
    while fake.disconnects() < n {
        assert!(
            Instant::now() < deadline,
            "the fake never saw the client go away"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn keys_never_follow_a_redirect_to_another_origin() {
    let elsewhere = openai::start(Script::reply("stolen")).expect("fake");
    for (api, start) in APIS {
        let location = format!("{}/v1/collect", elsewhere.url());
        let fake =
            start(Script::reply("x").with_fault(Fault::Redirect { location })).expect("fake");
        let mut t = target(api, &fake.url());
        t.key = Some(Secret::new("sk-redirect-secret-0123456789"));
        let (_, error) = run(&t, &request(true)).await;
        let error = error.expect("not followed");
        assert_eq!(
            (error.kind(), error.status()),
            (Kind::Protocol, Some(307)),
            "{api}"
        );
    }
    assert!(
        elsewhere.requests().is_empty(),
        "the other origin got a request"
    );
}

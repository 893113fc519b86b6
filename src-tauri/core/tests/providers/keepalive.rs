//! The idle and total deadlines on tokio's paused clock: a stream server written here runs on
//! the test's own runtime, so its waits and the client's timers share one virtual clock and no
//! assertion depends on how fast the machine is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use switchboard_core::providers::{Event, ProviderError, ProviderErrorKind as Kind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{collect, request, run, target};

const COMMENT: &[u8] = b": keep-alive\n\n";
const TEXT: &[u8] =
    b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n";
const DONE: &[u8] =
    b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

/// What the stream server sends after its headers: `frame` every `every`, `count` times (`None`:
/// forever), then `tail`, then it closes.
struct Stream {
    frame: &'static [u8],
    every: Duration,
    count: Option<usize>,
    tail: &'static [u8],
}

/// Serves one streamed reply on 127.0.0.1; the counter tells how many frames went out.
async fn serve(stream: Stream) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        read_request(&mut socket).await;
        let head =
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
        socket.write_all(head).await.expect("head");
        let mut n = 0;
        while stream.count.is_none_or(|c| n < c) {
            if socket.write_all(stream.frame).await.is_err() {
                return; // the client gave up
            }
            n += 1;
            counter.store(n, Ordering::SeqCst);
            tokio::time::sleep(stream.every).await;
        }
        let _ignored = socket.write_all(stream.tail).await;
    });
    (url, sent)
}

/// Reads the request's head and its `content-length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.expect("read");
        assert!(n > 0, "the client closed before sending its request");
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().expect("length"));
        if buf.len() >= end + 4 + length {
            return;
        }
    }
}

/// Runs one streamed request with `idle` and `total`, guarded so a client that never gives up
/// fails the test instead of hanging it.
async fn stream_with(
    url: &str,
    idle: Duration,
    total: Option<Duration>,
) -> (Vec<Event>, Option<ProviderError>) {
    let mut t = target("openai-completions", url);
    t.base_url = url.to_owned();
    t.timeouts.idle = idle;
    t.timeouts.total = total;
    tokio::time::timeout(Duration::from_secs(3600), run(&t, &request(true)))
        .await
        .expect("the client never gave up on the stream")
}

#[tokio::test(start_paused = true)]
async fn keep_alive_comments_alone_do_not_hold_a_stalled_stream_open() {
    let (url, sent) = serve(Stream {
        frame: COMMENT,
        every: Duration::from_secs(1),
        count: None,
        tail: b"",
    })
    .await;
    let (events, error) = stream_with(&url, Duration::from_secs(10), None).await;
    let error = error.expect("a stall");
    assert_eq!(error.kind(), Kind::Timeout, "{error}");
    assert!(error.to_string().contains("stalled"), "{error}");
    assert!(events.is_empty(), "{events:?}");
    // The comments kept coming the whole time: they were seen and not counted as data.
    assert!(
        sent.load(Ordering::SeqCst) >= 9,
        "{}",
        sent.load(Ordering::SeqCst)
    );
}

#[tokio::test(start_paused = true)]
async fn data_keeps_a_slow_stream_alive_past_the_idle_limit() {
    let (url, _sent) = serve(Stream {
        frame: TEXT,
        every: Duration::from_secs(5),
        count: Some(6),
        tail: DONE,
    })
    .await;
    // 30 s in all, but never 10 s without data.
    let (events, error) = stream_with(&url, Duration::from_secs(10), None).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(collect(&events).text, "aaaaaa");
}

#[tokio::test(start_paused = true)]
async fn the_total_limit_ends_a_stream_that_keeps_sending_data() {
    let (url, sent) = serve(Stream {
        frame: TEXT,
        every: Duration::from_secs(1),
        count: None,
        tail: b"",
    })
    .await;
    let (events, error) =
        stream_with(&url, Duration::from_secs(10), Some(Duration::from_secs(30))).await;
    let error = error.expect("the total limit");
    assert_eq!(error.kind(), Kind::Timeout, "{error}");
    assert!(error.to_string().contains("limit of 30 s"), "{error}");
    let texts = events
        .iter()
        .filter(|e| matches!(e, Event::Text(_)))
        .count();
    assert!(texts >= 20, "data flowed until the limit: {texts}");
    assert!(sent.load(Ordering::SeqCst) >= texts);
}

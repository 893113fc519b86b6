//! The gateway's time limits on tokio's paused clock (the gateway runs on the test's runtime, so
//! its timers and the clients' waits share one virtual clock): a client that sends nothing, one
//! byte a second, or half a body is cut, an idle keep-alive connection is closed, and the next
//! good request is answered; a shutdown lets a running stream finish and ends when it does.

use std::time::Duration;

use switchboard_core::gateway::{BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, SHUTDOWN_GRACE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{router, Gateway, TOKEN};

/// Longer than any of the gateway's limits: a client still connected after it was never cut.
const NEVER: Duration = Duration::from_secs(3600);

async fn connect(gw: &Gateway) -> TcpStream {
    TcpStream::connect(gw.url.trim_start_matches("http://"))
        .await
        .expect("connect")
}

fn head(gw: &Gateway, method: &str, path: &str, extra: &str) -> String {
    let host = gw.url.trim_start_matches("http://");
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n{extra}\r\n"
    )
}

/// Reads one response: its status and body, or `None` if the server closed first.
async fn response(socket: &mut TcpStream) -> Option<(u16, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().expect("length"));
            if buf.len() >= end + 4 + length {
                let status = head[9..12].parse().expect("status");
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).into_owned();
                return Some((status, body));
            }
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) if buf.is_empty() => return None,
            Ok(0) | Err(_) => panic!("the response broke off: {buf:?}"),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Waits until the server closes `socket` (reading and dropping whatever it sends first).
async fn closed_by_server(socket: &mut TcpStream) {
    let mut chunk = [0u8; 1024];
    let wait = async {
        while let Ok(n) = socket.read(&mut chunk).await {
            if n == 0 {
                break;
            }
        }
    };
    tokio::time::timeout(NEVER, wait)
        .await
        .expect("the gateway never closed the connection");
}

/// A fresh connection's `GET /v1/models` is answered.
async fn answers(gw: &Gateway) {
    let mut socket = connect(gw).await;
    let request = head(gw, "GET", "/v1/models", "");
    socket.write_all(request.as_bytes()).await.expect("write");
    let (status, body) = response(&mut socket).await.expect("an answer");
    assert_eq!(status, 200, "{body}");
}

async fn gateway() -> Gateway {
    Gateway::start(router(&[("a", "http://127.0.0.1:9".to_owned())])).await
}

#[tokio::test(start_paused = true)]
async fn a_client_that_never_finishes_its_head_is_cut() {
    let gw = gateway().await;
    let mut socket = connect(&gw).await;
    socket
        .write_all(b"GET /v1/models HTTP/1.1\r\nHost: 127")
        .await
        .expect("write");
    let started = tokio::time::Instant::now();
    closed_by_server(&mut socket).await;
    assert!(
        started.elapsed() >= HEADER_READ_TIMEOUT,
        "not before its time"
    );
    answers(&gw).await;
}

#[tokio::test(start_paused = true)]
async fn a_client_sending_one_byte_a_second_is_cut() {
    let gw = gateway().await;
    let socket = connect(&gw).await;
    let (mut read, mut write) = socket.into_split();
    let trickle = tokio::spawn(async move {
        let mut sent = 0usize;
        let start = b"GET /v1/models HTTP/1.1\r\nX-Slow: ";
        for byte in start.iter().chain(std::iter::repeat(&b'a')) {
            if write.write_all(std::slice::from_ref(byte)).await.is_err() {
                break;
            }
            sent += 1;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        sent
    });
    let mut chunk = [0u8; 1024];
    let cut = tokio::time::timeout(NEVER, async {
        while let Ok(n) = read.read(&mut chunk).await {
            if n == 0 {
                break;
            }
        }
    });
    cut.await
        .expect("the gateway never cut the trickling client");
    drop(read);
    let sent = trickle.await.expect("join");
    assert!(
        sent < 3 * HEADER_READ_TIMEOUT.as_secs() as usize,
        "{sent} bytes"
    );
    answers(&gw).await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_keep_alive_connection_is_closed() {
    let gw = gateway().await;
    let mut socket = connect(&gw).await;
    let request = head(&gw, "GET", "/v1/models", "");
    socket.write_all(request.as_bytes()).await.expect("write");
    assert_eq!(response(&mut socket).await.expect("answer").0, 200);
    // Kept alive after the answer, then closed when nothing more comes.
    closed_by_server(&mut socket).await;
    answers(&gw).await;
}

#[tokio::test(start_paused = true)]
async fn a_body_that_stops_half_way_gets_a_408() {
    let gw = gateway().await;
    let mut socket = connect(&gw).await;
    let request = head(
        &gw,
        "POST",
        "/v1/chat/completions",
        "Content-Type: application/json\r\nContent-Length: 1000\r\n",
    );
    socket.write_all(request.as_bytes()).await.expect("write");
    socket
        .write_all(b"{\"model\": \"a\",")
        .await
        .expect("write");
    let started = tokio::time::Instant::now();
    let (status, body) = tokio::time::timeout(NEVER, response(&mut socket))
        .await
        .expect("the gateway waited for the body forever")
        .expect("an answer");
    assert_eq!(status, 408, "{body}");
    assert!(body.contains("\"invalid_request_error\""), "{body}");
    assert!(
        started.elapsed() >= BODY_READ_TIMEOUT,
        "not before its time"
    );
    answers(&gw).await;
}

/// An upstream on the test's runtime (so on the paused clock too): answers one chat request
/// with `words` stream frames `every` apart, then the end of the stream.
async fn slow_upstream(words: usize, every: Duration) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut request = Vec::new();
        let mut chunk = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut chunk).await.expect("read");
            assert!(n > 0, "the gateway closed before its request");
            request.extend_from_slice(&chunk[..n]);
        }
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
        socket.write_all(head.as_bytes()).await.expect("head");
        for _ in 0..words {
            let frame = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w \"},\"finish_reason\":null}]}\n\n";
            socket.write_all(frame.as_bytes()).await.expect("frame");
            tokio::time::sleep(every).await;
        }
        let end = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        socket.write_all(end.as_bytes()).await.expect("end");
    });
    url
}

#[tokio::test(start_paused = true)]
async fn shutdown_lets_a_running_stream_finish_and_ends_when_it_does() {
    // Three seconds of stream, under the five-second grace.
    let every = Duration::from_millis(500);
    let upstream = slow_upstream(6, every).await;
    let gw = Gateway::start(router(&[("a", upstream)])).await;
    let mut socket = connect(&gw).await;
    let body = r#"{"model": "a", "stream": true, "messages": [{"role": "user", "content": "hi"}]}"#;
    let request = head(
        &gw,
        "POST",
        "/v1/chat/completions",
        &format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ),
    );
    socket.write_all(request.as_bytes()).await.expect("write");
    socket.write_all(body.as_bytes()).await.expect("write");
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("\"w \"") {
        let n = socket.read(&mut chunk).await.expect("read");
        assert!(n > 0, "closed before the first word");
        seen.extend_from_slice(&chunk[..n]);
    }
    assert!(
        seen.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&seen)
    );
    let started = tokio::time::Instant::now();
    let stopping = tokio::spawn(gw.shutdown());
    loop {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&seen);
    assert!(text.contains("data: [DONE]"), "the stream was cut: {text}");
    stopping.await.expect("join").expect("clean shutdown");
    // On the paused clock: the shutdown ended with the stream, not when the grace ran out.
    let took = started.elapsed();
    assert!(took < SHUTDOWN_GRACE, "{took:?}");
    assert!(took >= every * 4, "it did wait for the stream: {took:?}");
}

/// Sends `request` on a fresh connection (writing `body_bytes` of filler after it, if any, as
/// long as the gateway reads) and returns the status, or `None` if the gateway closed.
async fn abuse(gw: &Gateway, request: String, body_bytes: usize) -> Option<u16> {
    let socket = connect(gw).await;
    let (mut read, mut write) = socket.into_split();
    let writer = tokio::spawn(async move {
        if write.write_all(request.as_bytes()).await.is_err() {
            return;
        }
        let filler = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        while sent < body_bytes {
            if write.write_all(&filler).await.is_err() {
                return;
            }
            sent += filler.len();
        }
    });
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let read_status = async {
        loop {
            if buf.len() >= 12 {
                return std::str::from_utf8(&buf[9..12]).ok()?.parse().ok();
            }
            match read.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    let status = tokio::time::timeout(NEVER, read_status)
        .await
        .expect("neither answered nor cut");
    writer.abort();
    status
}

#[tokio::test(start_paused = true)]
async fn the_abuse_list_is_refused_or_cut_and_the_next_request_answered() {
    let gw = gateway().await;
    let host = gw.url.trim_start_matches("http://").to_owned();
    let plain =
        |path: &str, headers: &str| format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n");
    let many_headers: String = (0..10_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let big = 100 * 1024 * 1024;
    let post_big = |auth: &str| {
        format!(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\nContent-Length: {big}\r\n\r\n"
        )
    };
    let bearer = format!("Authorization: Bearer {TOKEN}\r\n");
    let cases: Vec<(&str, String, usize, Option<u16>)> = vec![
        ("no token", plain("/v1/models", ""), 0, Some(401)),
        (
            "wrong token",
            plain("/v1/models", "Authorization: Bearer sb-wrong\r\n"),
            0,
            Some(401),
        ),
        (
            "token in the query string",
            plain(&format!("/v1/models?api_key={TOKEN}&token={TOKEN}"), ""),
            0,
            Some(401),
        ),
        (
            "foreign Host",
            format!("GET /v1/models HTTP/1.1\r\nHost: evil.example:4141\r\n{bearer}\r\n"),
            0,
            Some(403),
        ),
        (
            "Origin from a web page",
            plain(
                "/v1/models",
                &format!("{bearer}Origin: https://evil.example\r\n"),
            ),
            0,
            Some(403),
        ),
        ("100 MB body without a token", post_big(""), big, Some(401)),
        ("100 MB body", post_big(&bearer), big, Some(413)),
        (
            "10,000 headers",
            plain("/v1/models", &format!("{bearer}{many_headers}")),
            0,
            Some(431),
        ),
    ];
    let mut refused = 0;
    for (name, request, body, want) in &cases {
        let got = abuse(&gw, request.clone(), *body).await;
        eprintln!("abuse: {name}: {got:?}");
        // A server may also just close on a request it will not read (10,000 headers).
        assert!(
            got == *want || (got.is_none() && *name == "10,000 headers"),
            "{name}: {got:?}, want {want:?}"
        );
        refused += 1;
        answers(&gw).await;
    }
    // And the client that sends one byte a second, cut by the header-read timeout.
    let mut socket = connect(&gw).await;
    let trickle = async {
        for byte in b"GET /v1/models HTTP/1.1\r\nX-Slow: "
            .iter()
            .chain(std::iter::repeat(&b'a'))
        {
            if socket.write_all(std::slice::from_ref(byte)).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    };
    tokio::time::timeout(NEVER, trickle)
        .await
        .expect("never cut");
    refused += 1;
    answers(&gw).await;
    eprintln!(
        "FIGURE abuse list: {refused}/{} refused or cut, the next good request answered after each",
        cases.len() + 1
    );
}

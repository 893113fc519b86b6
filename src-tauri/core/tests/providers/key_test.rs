//! The key test through the provider client: the headers each API gets, the outcome per
//! status, and a redirect to another origin that is never followed with the key.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;

use switchboard_core::providers::key_test::{test_key, Outcome};
use switchboard_core::providers::Secret;

/// Serves one connection with `reply`; the handle yields the request head, lowercased.
fn serve_once(reply: String) -> (String, TcpListener, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let served = listener.try_clone().expect("clone");
    let handle = std::thread::spawn(move || {
        let (stream, _) = served.accept().expect("accept");
        let mut reader = BufReader::new(&stream);
        let (mut head, mut line) = (String::new(), String::new());
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            head.push_str(&line);
            line.clear();
        }
        let _sent = (&stream).write_all(reply.as_bytes());
        head.to_ascii_lowercase()
    });
    (url, listener, handle)
}

fn reply(status: &str, extra: &str) -> String {
    format!("HTTP/1.1 {status}\r\n{extra}content-length: 2\r\nconnection: close\r\n\r\n{{}}")
}

fn run(base: &str, api: &str, key: &Secret) -> Outcome {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(test_key(base, api, key))
}

#[test]
fn anthropic_gets_x_api_key_and_the_others_a_bearer() {
    let key = Secret::new("kt-canary-0001");
    let (url, _l, seen) = serve_once(reply("200 OK", ""));
    assert_eq!(
        run(&format!("{url}/v1"), "anthropic-messages", &key),
        Outcome::Ok
    );
    let head = seen.join().expect("served");
    assert!(head.starts_with("get /v1/models "), "{head}");
    assert!(head.contains("x-api-key: kt-canary-0001"), "{head}");
    assert!(head.contains("anthropic-version:"), "{head}");
    assert!(!head.contains("authorization:"), "{head}");

    let (url, _l, seen) = serve_once(reply("401 Unauthorized", ""));
    assert_eq!(
        run(&format!("{url}/v1/"), "openai-completions", &key),
        Outcome::Rejected { status: 401 }
    );
    let head = seen.join().expect("served");
    assert!(
        head.contains("authorization: bearer kt-canary-0001"),
        "{head}"
    );
    assert!(!head.contains("x-api-key:"), "{head}");
}

#[test]
fn a_redirect_to_another_origin_is_not_followed_with_the_key() {
    let elsewhere = TcpListener::bind("127.0.0.1:0").expect("bind");
    elsewhere.set_nonblocking(true).expect("nonblocking");
    let target = format!("http://{}/landed", elsewhere.local_addr().expect("addr"));
    let (url, _l, seen) = serve_once(reply("302 Found", &format!("location: {target}\r\n")));
    let key = Secret::new("kt-canary-0002");
    let outcome = run(&format!("{url}/v1"), "openai-completions", &key);
    match &outcome {
        Outcome::Unexpected { reason } => {
            assert!(reason.contains("not followed"), "{reason}");
            assert!(!reason.contains(key.expose()), "{reason}");
        }
        other => panic!("expected unexpected, got {other:?}"),
    }
    assert!(seen
        .join()
        .expect("served")
        .contains("authorization: bearer"));
    assert!(
        elsewhere.accept().is_err(),
        "the other origin was contacted"
    );
}

#[test]
fn nothing_listening_is_unreachable() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let outcome = run(
        &format!("http://127.0.0.1:{port}/v1"),
        "openai-completions",
        &Secret::new("kt-canary-0003"),
    );
    assert!(
        matches!(outcome, Outcome::Unreachable { .. }),
        "{outcome:?}"
    );
}

//! Fuzzing with proptest: the JSON5 config loader, the SSE parser, the three stream decoders
//! and the gateway's three request parsers (through its real router) get generated inputs (structured pieces mixed with random bytes, cut into random network
//! chunks) and must never panic. The normal run gives each a few thousand inputs; the ignored
//! `a_million_inputs_each` gives each 1,000,000 and prints the counts:
//! `cargo test -p switchboard-core --test fuzz -- --ignored --nocapture`.
//! A hang shows as a run that never ends; a panic fails with the smallest input found.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};
use switchboard_core::config;
use switchboard_core::providers::sse::SseParser;
use switchboard_core::providers::{replay, Api};

/// Runs `test` on `cases` inputs from `strategy`; panics (with the smallest failing input) if any
/// input panics. Returns how many inputs ran.
fn fuzz<S: Strategy>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value)) -> u32
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    });
    let ran = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&strategy, |input| {
        ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        test(input);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    ran.into_inner()
}

fn from_pieces(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(|p| p.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..6),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|p| p.concat())
}

const JSON5_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "'",
    " ",
    "\n",
    "// c\n",
    "/* c */",
    "models",
    "providers",
    "agents",
    "defaults",
    "model",
    "primary",
    "fallbacks",
    "baseUrl",
    "apiKey",
    "api",
    "id",
    "name",
    "contextWindow",
    "maxTokens",
    "mode",
    "merge",
    "$include",
    "\"${OPENAI_API_KEY}\"",
    "\"$${X}\"",
    "{source:\"env\",provider:\"default\",id:\"X\"}",
    "secrets",
    "headers",
    "1",
    "-0",
    "1e400",
    "0x1F",
    "Infinity",
    "-NaN",
    "true",
    "null",
    "\"\\u0041\\n\"",
    "'a\\\n b'",
    "\"http://127.0.0.1:1234/v1\"",
    "\"openai-completions\"",
    "\"a/b\"",
    "\u{2028}",
    "é",
];

const SSE_PIECES: &[&str] = &[
    "data: ",
    "data:",
    "event: x",
    "id: 1",
    "retry: 5",
    ": c",
    "\n",
    "\r\n",
    "\r",
    "\u{feff}",
    "é✓",
    "[DONE]",
    "{\"a\":1}",
];

/// JSON values built from the words the three wire formats use.
fn wire_json() -> impl Strategy<Value = Value> {
    json_of(WIRE_KEYS, WIRE_WORDS)
}

const WIRE_KEYS: &[&str] = &[
    "type",
    "choices",
    "delta",
    "content",
    "index",
    "finish_reason",
    "usage",
    "text",
    "message",
    "error",
    "response",
    "output",
    "output_text",
    "item_id",
    "content_block",
    "reasoning",
    "reasoning_content",
    "role",
    "stop_reason",
    "prompt_tokens",
    "completion_tokens",
    "input_tokens",
    "output_tokens",
    "status",
    "tool_calls",
    "id",
];

const WIRE_WORDS: &[&str] = &[
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "text_delta",
    "thinking_delta",
    "ping",
    "error",
    "response.created",
    "response.output_text.delta",
    "response.reasoning_text.delta",
    "response.completed",
    "response.incomplete",
    "response.failed",
    "stop",
    "length",
    "end_turn",
    "max_tokens",
    "assistant",
    "completed",
    "<think>",
    "</think>",
    "x",
];

/// JSON values of objects with keys from `keys` and strings often from `words`.
fn json_of(
    keys: &'static [&'static str],
    words: &'static [&'static str],
) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(words).prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(keys), inner), 0..6).prop_map(
                |members| {
                    Value::Object(
                        members
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect::<Map<_, _>>(),
                    )
                }
            ),
        ]
    })
}

/// A stream of SSE frames carrying wire-like JSON (sometimes cut short), with an `event:` line
/// now and then, and maybe `[DONE]`.
fn wire_stream() -> impl Strategy<Value = (Vec<u8>, usize)> {
    let frame = (
        proptest::option::of(proptest::sample::select(
            &[
                "message_start",
                "content_block_delta",
                "message_stop",
                "response.output_text.delta",
                "response.completed",
                "error",
            ][..],
        )),
        wire_json(),
        any::<u8>(),
    )
        .prop_map(|(event, json, cut)| {
            let mut text = serde_json::to_string(&json).unwrap_or_default();
            if cut % 16 == 0 {
                let mut at = usize::from(cut) % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.truncate(at);
            }
            let event = event.map(|e| format!("event: {e}\n")).unwrap_or_default();
            format!("{event}data: {text}\n\n").into_bytes()
        });
    (
        proptest::collection::vec(frame, 0..12),
        any::<bool>(),
        1usize..64,
    )
        .prop_map(|(frames, done, chunk)| {
            let mut bytes = frames.concat();
            if done {
                bytes.extend_from_slice(b"data: [DONE]\n\n");
            }
            (bytes, chunk)
        })
}

fn json5_loader(cases: u32) -> u32 {
    fuzz(
        "JSON5 loader",
        cases,
        from_pieces(JSON5_PIECES, 60),
        |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            let loaded = config::load_str(
                &text,
                Path::new("/fuzz/config.json5"),
                &|name| (name == "OPENAI_API_KEY").then(|| "sk-fuzz".to_owned()),
                &|_| Err(std::io::Error::other("no includes while fuzzing")),
            );
            let _valid = loaded.is_valid();
        },
    )
}

fn sse_parser(cases: u32) -> u32 {
    let input = (
        from_pieces(SSE_PIECES, 40),
        proptest::collection::vec(any::<usize>(), 0..8),
    );
    fuzz("SSE parser", cases, input, |(bytes, cuts)| {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut parser = SseParser::new();
        let mut out = Vec::new();
        let mut from = 0;
        for cut in cuts {
            parser.push(&bytes[from..cut], &mut out);
            from = cut;
        }
        parser.push(&bytes[from..], &mut out);
        parser.finish(&mut out);
    })
}

fn decoder(api: Api, cases: u32) -> u32 {
    fuzz(api.name(), cases, wire_stream(), |(bytes, chunk)| {
        let _events = replay(api, &bytes, chunk);
    })
}

/// Keys and words of the three request bodies the gateway parses.
const REQUEST_KEYS: &[&str] = &[
    "model",
    "messages",
    "input",
    "instructions",
    "system",
    "role",
    "content",
    "type",
    "text",
    "image_url",
    "url",
    "source",
    "data",
    "media_type",
    "tools",
    "tool_choice",
    "function",
    "name",
    "parameters",
    "input_schema",
    "arguments",
    "tool_calls",
    "tool_call_id",
    "id",
    "tool_use_id",
    "stream",
    "stream_options",
    "include_usage",
    "max_tokens",
    "max_completion_tokens",
    "max_output_tokens",
    "temperature",
    "top_p",
    "stop",
    "stop_sequences",
    "seed",
    "n",
    "response_format",
    "json_schema",
    "schema",
    "format",
    "call_id",
    "output",
];
const REQUEST_WORDS: &[&str] = &[
    "user",
    "assistant",
    "system",
    "developer",
    "tool",
    "function",
    "text",
    "image_url",
    "input_text",
    "input_image",
    "image",
    "base64",
    "tool_use",
    "tool_result",
    "function_call",
    "function_call_output",
    "message",
    "auto",
    "none",
    "required",
    "any",
    "json_object",
    "json_schema",
    "x/y",
    "m",
    "default",
];

/// One request to one of the gateway's three chat endpoints: a body of request-like JSON (or
/// raw bytes), sent through the real router with a token, as a client would.
fn gateway_requests(cases: u32) -> u32 {
    use tower::ServiceExt;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // No providers: every parsed request ends at the router (no primary, unknown model), so
    // nothing leaves the process.
    let router = switchboard_core::router::Router::new(Default::default()).expect("router");
    let engine = switchboard_core::chat::Engine::without_history(router);
    let app = switchboard_core::gateway::app(
        engine,
        switchboard_core::secrets::Secret::new("fuzz-token-0123456789"),
    );
    let body = prop_oneof![
        json_of(REQUEST_KEYS, REQUEST_WORDS)
            .prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ];
    let path =
        proptest::sample::select(&["/v1/chat/completions", "/v1/responses", "/v1/messages"][..]);
    // Past the gate: parsed (or refused by the parser), never turned away for the token.
    let parsed = std::sync::atomic::AtomicU32::new(0);
    let ran = fuzz("gateway requests", cases, (path, body), |(path, body)| {
        let request = axum::http::Request::post(path)
            .header("host", "127.0.0.1:4141")
            .header("authorization", "Bearer fuzz-token-0123456789")
            .header("x-api-key", "fuzz-token-0123456789")
            .header("anthropic-version", "2023-06-01")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body))
            .expect("request");
        let status = runtime
            .block_on(app.clone().oneshot(request))
            .expect("infallible")
            .status();
        assert!(!status.is_server_error() || status == 503, "{status}");
        assert!(
            status != 401 && status != 403,
            "the gate refused the fuzz request"
        );
        parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(parsed.into_inner(), ran);
    ran
}

const APIS: [Api; 3] = [
    Api::OpenAiCompletions,
    Api::OpenAiResponses,
    Api::AnthropicMessages,
];

#[test]
fn a_few_thousand_inputs_each() {
    assert_eq!(json5_loader(2_000), 2_000);
    assert_eq!(sse_parser(2_000), 2_000);
    for api in APIS {
        assert_eq!(decoder(api, 2_000), 2_000);
    }
    assert_eq!(gateway_requests(2_000), 2_000);
}

#[test]
#[ignore = "long: 1,000,000 inputs for each target; run with --ignored for the figures"]
fn a_million_inputs_each() {
    const MILLION: u32 = 1_000_000;
    let started = std::time::Instant::now();
    let mut line = vec![("JSON5 loader".to_owned(), json5_loader(MILLION))];
    line.push(("SSE parser".to_owned(), sse_parser(MILLION)));
    for api in APIS {
        line.push((format!("{} decoder", api.name()), decoder(api, MILLION)));
    }
    for (name, ran) in &line {
        eprintln!("FIGURE fuzz {name}: {ran} inputs, 0 panics");
        assert_eq!(*ran, MILLION);
    }
    eprintln!("FIGURE fuzz total time {:?}", started.elapsed());
}

#[test]
#[ignore = "long: 1,000,000 gateway requests; run with --ignored for the figure"]
fn a_million_gateway_requests() {
    let started = std::time::Instant::now();
    let ran = gateway_requests(1_000_000);
    eprintln!(
        "FIGURE fuzz gateway requests: {ran} inputs, 0 panics, {:?}",
        started.elapsed()
    );
    assert_eq!(ran, 1_000_000);
}

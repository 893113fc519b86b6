//! Provider client benchmark (issue 6), on a recorded 100k-token chat-completions stream in
//! LM Studio's chunk format (10k reasoning deltas, then 90k content deltas):
//!
//! 1. SSE parse + event normalization throughput, in memory, fed in 16 KiB network chunks
//!    (MB/s and events/s).
//! 2. Per-token overhead of the client versus reading the raw bytes of the same reply from
//!    the same fake server in the same run (median of alternating runs).
//! 3. Time from the first body byte to the first text event (small replies, p50/p99).
//!
//! Run: `cargo bench -p switchboard-core --bench providers`.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use switchboard_core::providers::{
    replay, Api, CancellationToken, ChatRequest, Client, Event, Target, Timeouts, Turn,
};
use switchboard_fakes::openai::{self, Script};

const TOKENS: usize = 100_000;
const REASONING_TOKENS: usize = 10_000;

fn recorded_stream() -> Vec<u8> {
    let mut out = String::with_capacity(TOKENS * 230);
    let head = r#"{"id":"chatcmpl-k3v8q2m1x9z7w4y6t5r0p","object":"chat.completion.chunk","created":1764000000,"model":"qwen3-8b","system_fingerprint":"qwen3-8b","choices":[{"index":0,"delta":"#;
    let tail = r#","logprobs":null,"finish_reason":null}]}"#;
    for i in 0..TOKENS {
        let word = [
            "the", " model", " answers", ",", " and", " then", "\n", " it",
        ][i % 8];
        let field = if i < REASONING_TOKENS {
            "reasoning_content"
        } else {
            "content"
        };
        let delta = serde_json::json!({ field: word });
        out.push_str("data: ");
        out.push_str(head);
        out.push_str(&delta.to_string());
        out.push_str(tail);
        out.push_str("\n\n");
    }
    out.push_str("data: {\"id\":\"chatcmpl-k3v8q2m1x9z7w4y6t5r0p\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":100000,\"total_tokens\":100020}}\n\n");
    out.push_str("data: [DONE]\n\n");
    out.into_bytes()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    let at = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[at]
}

fn target(url: &str) -> Target {
    Target {
        provider: "bench".into(),
        model: "fake-model".into(),
        api: "openai-completions".into(),
        base_url: format!("{url}/v1"),
        key: None,
        headers: Vec::new(),
        auth_header: None,
        max_tokens: Some(1000),
        params: Default::default(),
        cost: None,
        max_tokens_field: "max_tokens",
        usage_in_streaming: true,
        timeouts: Timeouts::default(),
    }
}

fn request() -> ChatRequest {
    ChatRequest {
        system: None,
        turns: vec![Turn::user("go")],
        stream: true,
        ..ChatRequest::default()
    }
}

async fn raw_read(http: &reqwest::Client, url: &str) -> usize {
    let body = serde_json::json!({"model": "fake-model", "stream": true, "messages": [{"role": "user", "content": "go"}]});
    let response = http
        .post(format!("{url}/v1/chat/completions"))
        .json(&body)
        .send()
        .await
        .expect("raw send");
    let mut bytes = response.bytes_stream();
    let mut n = 0;
    while let Some(chunk) = bytes.next().await {
        n += chunk.expect("raw chunk").len();
    }
    n
}

async fn client_read(client: &Client, target: &Target) -> (usize, Option<Duration>) {
    let mut stream = client
        .send(target, &request(), CancellationToken::new())
        .await
        .expect("send");
    let (mut n, mut first_text) = (0, None);
    while let Some(event) = stream.next().await {
        if let Event::Text(_) = event.expect("event") {
            if first_text.is_none() {
                first_text = stream.first_byte_at().map(|at| at.elapsed());
            }
            n += 1;
        }
    }
    (n, first_text)
}

fn main() {
    let bytes = recorded_stream();
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "recorded stream: {TOKENS} tokens, {:.1} MB, {} SSE events",
        mb,
        TOKENS + 2
    );

    // 1. In-memory parse + normalization.
    let mut times = Vec::new();
    let mut events = 0;
    for _ in 0..7 {
        let start = Instant::now();
        let out = replay(Api::OpenAiCompletions, &bytes, 16 * 1024).expect("replay");
        times.push(start.elapsed());
        events = out.len();
    }
    let t = median(times).as_secs_f64();
    println!(
        "parse+normalize (16 KiB chunks): median {:.1} ms, {:.0} MB/s, {:.2} M events/s ({events} events out)",
        t * 1e3,
        mb / t,
        (TOKENS + 2) as f64 / t / 1e6
    );
    let start = Instant::now();
    let out = replay(Api::OpenAiCompletions, &bytes, 1).expect("replay");
    let t1 = start.elapsed().as_secs_f64();
    println!(
        "parse+normalize (1-byte chunks, worst case): {:.1} ms, {:.0} MB/s ({} events)",
        t1 * 1e3,
        mb / t1,
        out.len()
    );

    // 2 and 3 over loopback HTTP.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let fake = openai::start(Script::reply("").with_raw_stream(bytes.clone())).expect("fake");
    let url = fake.url();
    let http = reqwest::Client::new();
    let client = Client::new(Duration::from_secs(5)).expect("client");
    let t = target(&url);
    runtime.block_on(async {
        raw_read(&http, &url).await;
        client_read(&client, &t).await;
        let (mut raw, mut ours) = (Vec::new(), Vec::new());
        for _ in 0..9 {
            let start = Instant::now();
            assert_eq!(raw_read(&http, &url).await, bytes.len());
            raw.push(start.elapsed());
            let start = Instant::now();
            let (texts, _) = client_read(&client, &t).await;
            ours.push(start.elapsed());
            assert_eq!(texts, TOKENS - REASONING_TOKENS);
        }
        let (raw, ours) = (median(raw), median(ours));
        let per_token = (ours.as_secs_f64() - raw.as_secs_f64()) / TOKENS as f64;
        println!(
            "100k-token reply over loopback: raw bytes {:.1} ms, client {:.1} ms (x{:.2}); overhead {:.0} ns/token",
            raw.as_secs_f64() * 1e3,
            ours.as_secs_f64() * 1e3,
            ours.as_secs_f64() / raw.as_secs_f64(),
            per_token * 1e9
        );
    });
    drop(fake);

    let small = openai::start(Script::reply("Hello there, how are you?")).expect("fake");
    let t = target(&small.url());
    runtime.block_on(async {
        let mut firsts = Vec::new();
        for _ in 0..300 {
            let (_, first) = client_read(&client, &t).await;
            firsts.push(first.expect("first text"));
        }
        println!(
            "first byte -> first text event: p50 {:.1} us, p99 {:.1} us (300 requests)",
            percentile(firsts.clone(), 0.5).as_secs_f64() * 1e6,
            percentile(firsts, 0.99).as_secs_f64() * 1e6
        );
    });
}

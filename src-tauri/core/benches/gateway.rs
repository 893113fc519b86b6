//! The gateway's added latency per endpoint (issue 20), all in one run:
//!
//! 1. For each API (`/v1/chat/completions`, `/v1/responses`, `/v1/messages`), a request with a
//!    tools payload (eight function tools; the fake answers with a tool call), streamed and
//!    not: p50/p99 of (a) direct calls to the fake that speaks that API, (b) the same calls
//!    through `switchboard serve`'s gateway routed to that fake, (c) through a LiteLLM proxy
//!    with the same fake (when `SWITCHBOARD_LITELLM_BIN` is set). Reported as (b)−(a), (c)−(a).
//! 2. An open-loop rate sweep on chat completions (non-streamed, tools payload): requests are
//!    sent on schedule whatever came back, and latency counts from the scheduled time, so
//!    queueing shows. Added p50/p99 = through the gateway − direct at the same rate, and the
//!    highest rate whose added p99 stays ≤ 1 ms. The gateway runs on one worker thread (one
//!    core); the load generator shares the machine.
//!
//! Run: `cargo bench -p switchboard-core --bench gateway`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use switchboard_core::router::Router;
use switchboard_fakes::litellm::LitellmProxy;
use switchboard_fakes::openai::{self, Script};
use switchboard_fakes::{anthropic, responses, FakeServer};

mod common;

use common::{ms, pct, router_over, start_gateway, TOKEN};

const LITELLM_KEY: &str = "sk-test-1234";

fn script() -> Script {
    Script::reply("ok").with_tool_call("call_1", "tool_0", r#"{"city":"Oslo"}"#)
}

fn router(chat: &FakeServer, resp: &FakeServer, msgs: &FakeServer) -> Router {
    let provider = |id: &str, api: &str, url: String| {
        format!(
            r#"{id}: {{ baseUrl: "{url}/v1", apiKey: "k", api: "{api}",
                models: [{{ id: "fake-model", name: "F" }}] }}"#
        )
    };
    let text = format!(
        r#"{{ models: {{ providers: {{ {}, {}, {} }} }},
             agents: {{ defaults: {{ model: {{ primary: "chat/fake-model" }} }} }} }}"#,
        provider("chat", "openai-completions", chat.url()),
        provider("resp", "openai-responses", resp.url()),
        provider("msgs", "anthropic-messages", msgs.url()),
    );
    router_over(&text)
}

fn start_litellm(
    bin: &str,
    chat: &FakeServer,
    resp: &FakeServer,
    msgs: &FakeServer,
) -> LitellmProxy {
    let yaml = format!(
        "model_list:\n\
         \x20 - model_name: chat\n    litellm_params: {{model: openai/fake-model, api_base: \"{}/v1\", api_key: fake}}\n\
         \x20 - model_name: resp\n    litellm_params: {{model: openai/fake-model, api_base: \"{}/v1\", api_key: fake}}\n\
         \x20 - model_name: msgs\n    litellm_params: {{model: anthropic/fake-model, api_base: \"{}\", api_key: fake}}\n\
         general_settings:\n  master_key: {LITELLM_KEY}\nrouter_settings:\n  num_retries: 0\n  disable_cooldowns: true\n",
        chat.url(),
        resp.url(),
        msgs.url()
    );
    LitellmProxy::start(bin, &yaml).expect("litellm starts")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Chat,
    Responses,
    Messages,
}

/// Eight function tools, in the API's own shape.
fn tools(api: Api) -> Value {
    let tools: Vec<Value> = (0..8)
        .map(|i| {
            let name = format!("tool_{i}");
            let schema = json!({"type": "object", "properties": {
                "city": {"type": "string", "description": "Where"},
                "units": {"type": "string", "enum": ["metric", "imperial"]}}, "required": ["city"]});
            match api {
                Api::Chat => json!({"type": "function", "function": {"name": name,
                    "description": "Looks something up", "parameters": schema}}),
                Api::Responses => json!({"type": "function", "name": name,
                    "description": "Looks something up", "parameters": schema}),
                Api::Messages => json!({"name": name, "description": "Looks something up",
                    "input_schema": schema}),
            }
        })
        .collect();
    json!(tools)
}

#[derive(Clone)]
struct Target {
    name: &'static str,
    url: String,
    key: Option<&'static str>,
    model: String,
}

fn body(api: Api, model: &str, stream: bool) -> (&'static str, Value) {
    match api {
        Api::Chat => (
            "/v1/chat/completions",
            json!({"model": model, "stream": stream,
            "messages": [{"role": "user", "content": "Weather in Oslo?"}], "tools": tools(api)}),
        ),
        Api::Responses => (
            "/v1/responses",
            json!({"model": model, "stream": stream,
            "input": "Weather in Oslo?", "tools": tools(api)}),
        ),
        Api::Messages => (
            "/v1/messages",
            json!({"model": model, "stream": stream,
            "max_tokens": 100, "messages": [{"role": "user", "content": "Weather in Oslo?"}],
            "tools": tools(api)}),
        ),
    }
}

/// One prepared request: its URL and body bytes, built once (the load generator shares the
/// machine with what it measures).
#[derive(Clone)]
struct Prepared {
    url: String,
    body: bytes::Bytes,
}

fn prepare(t: &Target, api: Api, stream: bool) -> Prepared {
    let (path, body) = body(api, &t.model, stream);
    Prepared {
        url: format!("{}{path}", t.url),
        body: body.to_string().into(),
    }
}

async fn send(http: &reqwest::Client, t: &Target, p: &Prepared) -> Duration {
    let path = &p.url;
    let started = Instant::now();
    let mut req = http
        .post(&p.url)
        .header("anthropic-version", "2023-06-01")
        .header("content-type", "application/json")
        .body(p.body.clone());
    if let Some(k) = t.key {
        req = req.bearer_auth(k).header("x-api-key", k);
    }
    let r = req.send().await.expect("response");
    let status = r.status();
    let bytes = r.bytes().await.expect("body");
    assert!(
        status.is_success(),
        "{} {path}: {status} {}",
        t.name,
        String::from_utf8_lossy(&bytes)
    );
    started.elapsed()
}

/// Interleaved rounds of sequential requests, so drift hits every target alike.
async fn compare(targets: &[Target], api: Api, stream: bool) -> Vec<Vec<Duration>> {
    let http = reqwest::Client::new();
    let prepared: Vec<Prepared> = targets.iter().map(|t| prepare(t, api, stream)).collect();
    for (t, p) in targets.iter().zip(&prepared) {
        for _ in 0..20 {
            send(&http, t, p).await;
        }
    }
    let mut all = vec![Vec::new(); targets.len()];
    for _ in 0..10 {
        for (i, (t, p)) in targets.iter().zip(&prepared).enumerate() {
            let n = if t.name.contains("LiteLLM") { 20 } else { 100 };
            for _ in 0..n {
                all[i].push(send(&http, t, p).await);
            }
        }
    }
    all
}

/// Open loop at `rate` requests/s for `seconds`: latencies from each scheduled send time.
async fn open_loop(t: &Target, rate: u32, seconds: f64) -> Vec<Duration> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(4096)
        .build()
        .expect("http");
    let n = (f64::from(rate) * seconds) as u32;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = tokio::time::Instant::now() + Duration::from_millis(20);
    let prepared = prepare(t, Api::Chat, false);
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (http, t, p) = (http.clone(), t.clone(), prepared.clone());
            let at = start + interval * i;
            tokio::spawn(async move {
                tokio::time::sleep_until(at).await;
                send(&http, &t, &p).await;
                at.elapsed()
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n as usize);
    for task in tasks {
        out.push(task.await.expect("join"));
    }
    out
}

async fn sweep(direct: &Target, serve: &Target) {
    println!("\nopen-loop rate sweep, chat completions with 8 tools, not streamed (ms):");
    println!("  rate/s   direct p50/p99     serve p50/p99     added p50/p99");
    let mut best = None;
    for rate in [500u32, 1000, 2000, 5000] {
        open_loop(direct, rate, 0.2).await; // warm-up: connections
        open_loop(serve, rate, 0.2).await;
        let (mut d, mut s) = (
            open_loop(direct, rate, 1.0).await,
            open_loop(serve, rate, 1.0).await,
        );
        let (d50, d99, s50, s99) = (
            pct(&mut d, 0.5),
            pct(&mut d, 0.99),
            pct(&mut s, 0.5),
            pct(&mut s, 0.99),
        );
        let (a50, a99) = (ms(s50) - ms(d50), ms(s99) - ms(d99));
        println!(
            "  {rate:>6}   {:7.3} {:8.3}   {:7.3} {:8.3}   {a50:7.3} {a99:8.3}",
            ms(d50),
            ms(d99),
            ms(s50),
            ms(s99)
        );
        if a99 <= 1.0 {
            best = Some(rate);
        }
    }
    match best {
        Some(rate) => {
            println!("  highest rate with added p99 ≤ 1 ms: {rate}/s on one gateway core")
        }
        None => println!("  no rate kept the added p99 ≤ 1 ms"),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let chat = openai::start(script()).expect("fake");
        let resp = responses::start(script()).expect("fake");
        let msgs = anthropic::start(script()).expect("fake");
        let gw = start_gateway(router(&chat, &resp, &msgs));
        let litellm = std::env::var("SWITCHBOARD_LITELLM_BIN")
            .ok()
            .filter(|b| !b.is_empty())
            .map(|bin| start_litellm(&bin, &chat, &resp, &msgs));
        if litellm.is_none() {
            println!("SWITCHBOARD_LITELLM_BIN not set: no LiteLLM column");
        }
        println!("latency per request, 8 tools in the request, a tool call in the answer (ms):");
        for (api, fake, id) in [
            (Api::Chat, &chat, "chat"),
            (Api::Responses, &resp, "resp"),
            (Api::Messages, &msgs, "msgs"),
        ] {
            let mut targets = vec![
                Target {
                    name: "(a) direct",
                    url: fake.url(),
                    key: None,
                    model: "fake-model".into(),
                },
                Target {
                    name: "(b) serve",
                    url: gw.clone(),
                    key: Some(TOKEN),
                    model: format!("{id}/fake-model"),
                },
            ];
            if let Some(proxy) = &litellm {
                targets.push(Target {
                    name: "(c) LiteLLM",
                    url: proxy.url().to_owned(),
                    key: Some(LITELLM_KEY),
                    model: id.into(),
                });
            }
            for stream in [false, true] {
                let mut samples = compare(&targets, api, stream).await;
                let rows: Vec<(Duration, Duration)> = samples
                    .iter_mut()
                    .map(|v| (pct(v, 0.5), pct(v, 0.99)))
                    .collect();
                let (path, _) = body(api, "", stream);
                let mode = if stream { "streamed" } else { "whole" };
                let (a50, a99) = (ms(rows[0].0), ms(rows[0].1));
                let mut line = format!(
                    "  {path:<22} {mode:<8} direct {a50:6.3}/{a99:6.3}  serve +{:6.3}/+{:6.3}",
                    ms(rows[1].0) - a50,
                    ms(rows[1].1) - a99
                );
                if let Some(c) = rows.get(2) {
                    line.push_str(&format!(
                        "  LiteLLM +{:7.3}/+{:7.3}",
                        ms(c.0) - a50,
                        ms(c.1) - a99
                    ));
                }
                println!("{line}");
            }
        }
        drop(litellm);
        let direct = Target {
            name: "(a) direct",
            url: chat.url(),
            key: None,
            model: "fake-model".into(),
        };
        let serve = Target {
            name: "(b) serve",
            url: gw.clone(),
            key: Some(TOKEN),
            model: "chat/fake-model".into(),
        };
        sweep(&direct, &serve).await;
    });
}

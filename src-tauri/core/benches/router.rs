//! Router and gateway overhead (issue 8), all in one run against one fast fake upstream that
//! answers at once:
//!
//! 1. Latency p50/p99 of (a) direct requests to the upstream, (b) the same requests through
//!    `switchboard serve`'s gateway, (c) through a LiteLLM proxy with the same upstream (when
//!    `SWITCHBOARD_LITELLM_BIN` is set), sequential and with 8 concurrent clients, streamed and
//!    not; reported as (b)−(a) and (c)−(a).
//! 2. Failover latency: the primary answers 429 at once → time to the fallback's first token
//!    through the router, minus the direct time to that first token.
//! 3. The policies' cost (issue 21): time to first token through the router with no policy,
//!    and with a private request plus budgets where a hosted primary is refused before the
//!    local fallback answers (two policy checks and one extra route event), interleaved in the
//!    same run; and one policy check on its own (host, place, budget), per call.
//!
//! Run: `cargo bench -p switchboard-core --bench router`.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;
use switchboard_core::policy::{Budget, Ledger, Policy};
use switchboard_core::providers::{CancellationToken, ChatRequest, Client, Event, Turn};
use switchboard_core::router::{reach, RouteItem, RouteOptions, Router};
use switchboard_fakes::litellm::LitellmProxy;
use switchboard_fakes::openai::{self, Fault, Script};

mod common;

use common::{ms, pct, router_over, start_gateway, TOKEN};

const LITELLM_KEY: &str = "sk-test-1234";

fn router(providers: &[(&str, String)]) -> Router {
    let mut text = String::new();
    for (id, url) in providers {
        text.push_str(&format!(
            r#"{id}: {{ baseUrl: "{url}/v1", apiKey: "k", models: [{{ id: "fake-model", name: "F" }}] }},"#
        ));
    }
    let refs: Vec<String> = providers
        .iter()
        .map(|(id, _)| format!("\"{id}/fake-model\""))
        .collect();
    let text = format!(
        r#"{{ models: {{ providers: {{ {text} }} }},
             agents: {{ defaults: {{ model: {{ primary: {}, fallbacks: [{}] }} }} }} }}"#,
        refs[0],
        refs[1..].join(", ")
    );
    router_over(&text)
}

async fn start_litellm(bin: &str, upstream: &str) -> (LitellmProxy, String) {
    let yaml = format!(
        "model_list:\n  - model_name: fake-model\n    litellm_params: {{model: openai/fake-model, api_base: \"{upstream}/v1\", api_key: fake}}\n\
         general_settings:\n  master_key: {LITELLM_KEY}\nrouter_settings:\n  num_retries: 0\n  disable_cooldowns: true\n"
    );
    let proxy = LitellmProxy::start(bin, &yaml).expect("litellm starts");
    let url = proxy.url().to_owned();
    (proxy, url)
}

#[derive(Clone)]
struct Endpoint {
    name: &'static str,
    url: String,
    key: Option<&'static str>,
    model: String,
}

async fn one(http: &reqwest::Client, e: &Endpoint, stream: bool) -> Duration {
    let body = json!({"model": e.model, "stream": stream,
                      "messages": [{"role": "user", "content": "Say ok."}]});
    let started = Instant::now();
    let mut req = http
        .post(format!("{}/v1/chat/completions", e.url))
        .json(&body);
    if let Some(k) = e.key {
        req = req.bearer_auth(k);
    }
    let r = req.send().await.expect("response");
    assert!(r.status().is_success(), "{}: {}", e.name, r.status());
    let bytes = r.bytes().await.expect("body");
    assert!(!bytes.is_empty());
    started.elapsed()
}

async fn measure(e: &Endpoint, stream: bool, n: usize, clients: usize) -> Vec<Duration> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("http");
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (http, e) = (http.clone(), e.clone());
            tokio::spawn(async move {
                let mut out = Vec::with_capacity(n / clients);
                for _ in 0..n / clients {
                    out.push(one(&http, &e, stream).await);
                }
                out
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("join"));
    }
    all
}

/// Measures every endpoint in interleaved rounds (so drift and other load hit all alike).
async fn compare(endpoints: &[Endpoint], stream: bool, clients: usize) -> Vec<Vec<Duration>> {
    let mut all = vec![Vec::new(); endpoints.len()];
    for e in endpoints {
        measure(e, stream, 8 * clients, clients).await; // warm-up
        eprintln!(
            "  warmed up {} (stream={stream}, {clients} clients)",
            e.name
        );
    }
    const ROUNDS: usize = 10;
    for _ in 0..ROUNDS {
        for (i, e) in endpoints.iter().enumerate() {
            let n = if e.name.contains("LiteLLM") { 40 } else { 200 };
            all[i].extend(measure(e, stream, n, clients).await);
        }
    }
    all
}

async fn first_token(
    started: Instant,
    mut stream: impl futures_util::Stream<Item = Option<Event>> + Unpin,
) -> Duration {
    while let Some(e) = stream.next().await {
        if matches!(e, Some(Event::Text(_))) {
            return started.elapsed();
        }
    }
    panic!("no text")
}

async fn failover(fast: &str) {
    let limited = openai::start(Script::reply("x").with_fault(Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: None,
    }))
    .expect("fake");
    let r = router(&[("limited", limited.url()), ("fast", fast.to_owned())]);
    let client = Client::new(Duration::from_secs(5)).expect("client");
    let target = r.target("fast/fake-model").expect("target");
    let request = ChatRequest {
        system: None,
        turns: vec![Turn::user("Say ok.")],
        stream: true,
        ..ChatRequest::default()
    };
    let (mut direct, mut routed) = (Vec::new(), Vec::new());
    for i in 0..520 {
        let started = Instant::now();
        let mut s = client
            .send(&target, &request, CancellationToken::new())
            .await
            .expect("direct");
        while let Some(e) = s.next().await {
            if matches!(e, Ok(Event::Text(_))) {
                break;
            }
        }
        let d = started.elapsed();
        r.clear_cooldowns();
        let started = Instant::now();
        let s = r
            .route(None, request.clone(), CancellationToken::new())
            .expect("route");
        let t = first_token(
            started,
            s.map(|i| match i {
                Ok(RouteItem::Event(e)) => Some(e),
                _ => None,
            }),
        )
        .await;
        if i >= 20 {
            direct.push(d);
            routed.push(t);
        }
    }
    let (d50, d99) = (pct(&mut direct, 0.5), pct(&mut direct, 0.99));
    let (r50, r99) = (pct(&mut routed, 0.5), pct(&mut routed, 0.99));
    println!("\nfailover (primary 429 at once → fallback's first token), 500 runs:");
    println!(
        "  direct to the fallback   p50 {:7.3} ms  p99 {:7.3} ms",
        ms(d50),
        ms(d99)
    );
    println!(
        "  through the router       p50 {:7.3} ms  p99 {:7.3} ms",
        ms(r50),
        ms(r99)
    );
    println!(
        "  added by failover        p50 {:7.3} ms  p99 {:7.3} ms   (goal ≤ 5 ms)",
        ms(r50) - ms(d50),
        ms(r99) - ms(d99)
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let fake = openai::start(Script::reply("ok")).expect("fake");
        let gw = start_gateway(router(&[("fast", fake.url())]));
        let mut endpoints = vec![
            Endpoint {
                name: "(a) direct",
                url: fake.url(),
                key: None,
                model: "fake-model".into(),
            },
            Endpoint {
                name: "(b) serve",
                url: gw,
                key: Some(TOKEN),
                model: "fast/fake-model".into(),
            },
        ];
        let litellm = match std::env::var("SWITCHBOARD_LITELLM_BIN")
            .ok()
            .filter(|b| !b.is_empty())
        {
            Some(bin) => {
                let (proxy, url) = start_litellm(&bin, &fake.url()).await;
                endpoints.push(Endpoint {
                    name: "(c) LiteLLM",
                    url,
                    key: Some(LITELLM_KEY),
                    model: "fake-model".into(),
                });
                Some(proxy)
            }
            None => {
                println!("SWITCHBOARD_LITELLM_BIN not set: no LiteLLM column");
                None
            }
        };
        println!("latency per request, one fast fake upstream (ms):");
        for stream in [false, true] {
            for clients in [1usize, 8] {
                let mut samples = compare(&endpoints, stream, clients).await;
                let rows: Vec<(&str, Duration, Duration)> = endpoints
                    .iter()
                    .zip(samples.iter_mut())
                    .map(|(e, v)| (e.name, pct(v, 0.5), pct(v, 0.99)))
                    .collect();
                let mode = if stream { "streamed" } else { "non-streamed" };
                println!(
                    "\n{mode}, {clients} client(s), {} / {} requests:",
                    samples[0].len(),
                    samples.get(2).map_or(0, Vec::len)
                );
                for (name, p50, p99) in &rows {
                    println!("  {name:<12} p50 {:8.3}  p99 {:8.3}", ms(*p50), ms(*p99));
                }
                let (a50, a99) = (ms(rows[0].1), ms(rows[0].2));
                let added = |row: &(&str, Duration, Duration)| (ms(row.1) - a50, ms(row.2) - a99);
                let (b50, b99) = added(&rows[1]);
                println!("  (b)-(a)      p50 {b50:8.3}  p99 {b99:8.3}   (goal ≤ 0.5 / ≤ 2)");
                if let Some(c) = rows.get(2) {
                    let (c50, c99) = added(c);
                    let ratio = |c: f64, b: f64| {
                        if b > 0.001 {
                            format!("{:.0}×", c / b)
                        } else {
                            "n/a (b−a ≤ 0)".to_owned()
                        }
                    };
                    println!(
                        "  (c)-(a)      p50 {c50:8.3}  p99 {c99:8.3}   (c−a)/(b−a): p50 {}  p99 {}",
                        ratio(c50, b50),
                        ratio(c99, b99)
                    );
                }
            }
        }
        drop(litellm);
        failover(&fake.url()).await;
        policies(&fake.url()).await;
    });
}

/// Time to first token through `router` for one request.
async fn routed_first_token(router: &Router, private: bool) -> Duration {
    let request = ChatRequest {
        system: None,
        turns: vec![Turn::user("Say ok.")],
        stream: true,
        ..ChatRequest::default()
    };
    let options = RouteOptions { private };
    let started = Instant::now();
    let s = router
        .route_with(None, request, options, CancellationToken::new())
        .expect("route");
    first_token(
        started,
        s.map(|i| match i {
            Ok(RouteItem::Event(e)) => Some(e),
            _ => None,
        }),
    )
    .await
}

async fn policies(local: &str) {
    let plain = router(&[("lmstudio", local.to_owned())]);
    // A hosted primary the private request refuses (never contacted), then the local server.
    let guarded = router(&[
        ("openai", "https://api.openai.com".to_owned()),
        ("lmstudio", local.to_owned()),
    ]);
    let mut policy = Policy::default();
    let budget = Budget {
        daily_usd: Some(5.0),
        monthly_usd: Some(50.0),
    };
    policy.budgets.overall = budget;
    policy.budgets.providers.insert("lmstudio".into(), budget);
    policy.budgets.providers.insert("openai".into(), budget);
    guarded.set_policy(policy.clone());
    let (mut off, mut on) = (Vec::new(), Vec::new());
    for i in 0..2020 {
        let a = routed_first_token(&plain, false).await;
        let b = routed_first_token(&guarded, true).await;
        if i >= 20 {
            off.push(a);
            on.push(b);
        }
    }
    let (o50, o99) = (pct(&mut off, 0.5), pct(&mut off, 0.99));
    let (p50, p99) = (pct(&mut on, 0.5), pct(&mut on, 0.99));
    println!("\npolicies (first token through the router), 2000 interleaved runs each:");
    println!(
        "  no policy                       p50 {:7.3} ms  p99 {:7.3} ms",
        ms(o50),
        ms(o99)
    );
    println!(
        "  private + budgets, 1 refused    p50 {:7.3} ms  p99 {:7.3} ms",
        ms(p50),
        ms(p99)
    );
    println!(
        "  added                           p50 {:7.1} µs  p99 {:7.1} µs   (goal ≤ 10 µs)",
        (p50.as_secs_f64() - o50.as_secs_f64()) * 1e6,
        (p99.as_secs_f64() - o99.as_secs_f64()) * 1e6
    );
    // One check on its own, as the router makes it per candidate.
    let config = guarded.config();
    let ledger = Ledger::new(chrono_today());
    let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let n = 200_000;
    let started = Instant::now();
    let mut refused = 0usize;
    for i in 0..n {
        let (provider, model) = if i % 2 == 0 {
            ("openai", "openai/fake-model")
        } else {
            ("lmstudio", "lmstudio/fake-model")
        };
        let url = reach::base_url_of(&config, provider, &lookup);
        refused += usize::from(
            policy
                .refuses(true, model, provider, url.as_deref(), &ledger)
                .is_some(),
        );
    }
    let per = started.elapsed().as_secs_f64() * 1e9 / n as f64;
    assert_eq!(refused, n / 2);
    println!("  one check (host, place, budget)  {per:7.0} ns per candidate");
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

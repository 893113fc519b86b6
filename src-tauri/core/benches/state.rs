//! What sharing the router state costs per request (issue 22), in one run against one fast
//! fake upstream: the same chat through three `serve` gateways whose routers keep their state
//! (a) in memory only, (b) in the local SQLite store, (c) in Redis (a real `redis-server` on
//! loopback, when installed), interleaved request by request so drift hits all three alike.
//! Each gateway request reads the plan's cooldowns and counts the request in its store (the
//! in-memory one does neither). Reported: p50/p99 of each, and (b)−(a), (c)−(a), (c)−(b) of
//! the p50s; plus each store's calls on their own.
//!
//! Run: `cargo bench -p switchboard-core --bench state`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use switchboard_core::state::StateStore;
use switchboard_fakes::openai::{self, Script};

mod common;

use common::{ms, pct, router_over, start_gateway, TOKEN};

const ROUNDS: usize = 400;
const WARMUP: usize = 30;

struct RedisServer(Child, u16);

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _gone = self.0.kill();
        let _reaped = self.0.wait();
    }
}

fn redis_server(dir: &std::path::Path) -> Option<RedisServer> {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
        ])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = RedisServer(child, port);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(server);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn config(url: &str) -> String {
    format!(
        r#"{{ models: {{ providers: {{ p: {{ baseUrl: "{url}/v1", apiKey: "k",
             models: [{{ id: "fake-model", name: "F" }}] }}, q: {{ baseUrl: "{url}/v1",
             apiKey: "k", models: [{{ id: "fake-model", name: "F" }}] }} }} }},
             agents: {{ defaults: {{ model: {{ primary: "p/fake-model",
             fallbacks: ["q/fake-model"] }} }} }} }}"#
    )
}

fn report(name: &str, v: &mut [Duration]) -> f64 {
    let p50 = ms(pct(v, 0.5));
    println!(
        "{name:<28} p50 {p50:8.3} ms   p99 {:8.3} ms",
        ms(pct(v, 0.99))
    );
    p50
}

fn main() {
    let upstream = openai::start(Script::reply("ok")).expect("fake upstream");
    let text = config(&upstream.url());
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");

    let memory = router_over(&text);
    let local = router_over(&text);
    let local_store = StateStore::open("local", &dir.path().join("local")).expect("local store");
    local.set_state(local_store.clone());
    let redis = redis_server(dir.path());
    let redis_store = redis.as_ref().map(|r| {
        let store = StateStore::open(
            &format!("redis://127.0.0.1:{}", r.1),
            &dir.path().join("fallback"),
        )
        .expect("redis store");
        if let StateStore::Redis(r) = &store {
            assert!(runtime.block_on(r.connect()), "redis answers");
        }
        store
    });
    if redis_store.is_none() {
        println!("redis-server not installed: the Redis column is left out");
    }
    let mut urls = vec![
        ("in memory", start_gateway(memory)),
        ("local SQLite store", start_gateway(local)),
    ];
    if let Some(store) = &redis_store {
        let router = router_over(&text);
        router.set_state(store.clone());
        urls.push(("Redis store", start_gateway(router)));
    }

    let client = reqwest::Client::new();
    let body = serde_json::json!({"model": "", "messages": [{"role": "user", "content": "hi"}]});
    let send = |url: String| {
        let (client, body) = (client.clone(), body.clone());
        async move {
            let started = Instant::now();
            let response = client
                .post(format!("{url}/v1/chat/completions"))
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .expect("answered");
            assert_eq!(response.status().as_u16(), 200);
            let _body = response.bytes().await.expect("body");
            started.elapsed()
        }
    };
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); urls.len()];
    runtime.block_on(async {
        for round in 0..WARMUP + ROUNDS {
            for (i, (_, url)) in urls.iter().enumerate() {
                let took = send(url.clone()).await;
                if round >= WARMUP {
                    times[i].push(took);
                }
            }
        }
    });
    println!("\none chat through the gateway, {ROUNDS} rounds interleaved:");
    let p50s: Vec<f64> = urls
        .iter()
        .zip(&mut times)
        .map(|((name, _), v)| report(name, v))
        .collect();
    println!(
        "added by the local store: {:+.3} ms per request",
        p50s[1] - p50s[0]
    );
    if let Some(redis) = p50s.get(2) {
        println!(
            "added by Redis:           {:+.3} ms per request",
            redis - p50s[0]
        );
        println!(
            "Redis vs the local store: {:+.3} ms per request",
            redis - p50s[1]
        );
    }

    println!("\neach store's calls on their own ({ROUNDS} each):");
    let plan = vec!["p/fake-model".to_owned(), "q/fake-model".to_owned()];
    let mut stores = vec![("local SQLite store", local_store)];
    stores.extend(redis_store.map(|s| ("Redis store", s)));
    for (name, store) in stores {
        let mut reads = Vec::new();
        let mut counts = Vec::new();
        runtime.block_on(async {
            for _ in 0..ROUNDS {
                let t = Instant::now();
                store.cooldowns(Some(&plan)).await;
                reads.push(t.elapsed());
                let t = Instant::now();
                store.tally("bench", 0.0).await;
                counts.push(t.elapsed());
            }
        });
        report(&format!("{name}: read cooldowns"), &mut reads);
        report(&format!("{name}: count a request"), &mut counts);
    }
}

//! Gateway soak (issue 17): the real `switchboard serve` binary under 8 clients for a while
//! against a fast fake, then as long again with a primary that flaps every 2 s (a 500 for 2 s,
//! then answers for 2 s) and a fallback that always answers. Reports the requests, the client
//! errors (every one is a failure: a primary's 500 before the first token fails over), the
//! gateway's resident memory after warm-up and at the end, and its open file descriptors.
//!
//! Run: `cargo build -p switchboard && cargo bench -p switchboard-tests --bench soak`.
//! `SOAK_SECONDS` sets each phase's length (default 60).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_tests::serve::serve;

const CLIENTS: usize = 8;

/// `VmRSS` of `pid` in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Open file descriptors of `pid`.
fn fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

#[derive(Default)]
struct Counts {
    ok: AtomicU64,
    errors: AtomicU64,
}

/// `CLIENTS` clients asking `url` until `stop`, counting answers and errors.
async fn load(url: &str, token: &str, stop: Arc<AtomicBool>, counts: Arc<Counts>) {
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let (url, token, stop, counts) = (
            url.to_owned(),
            token.to_owned(),
            stop.clone(),
            counts.clone(),
        );
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let stream = i % 2 == 0;
            while !stop.load(Ordering::Relaxed) {
                let body = serde_json::json!({
                    "model": "p/fake-model", "stream": stream,
                    "messages": [{"role": "user", "content": "Say ok."}],
                });
                let sent = http
                    .post(format!("{url}/chat/completions"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                let good = match sent {
                    Ok(reply) if reply.status().is_success() => {
                        reply.bytes().await.is_ok_and(|b| !b.is_empty())
                    }
                    _ => false,
                };
                let counter = if good { &counts.ok } else { &counts.errors };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for client in clients {
        client.await.expect("client");
    }
}

fn main() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (primary, flap) = openai::start_switchable(Script::reply("ok")).expect("primary");
    let fallback = openai::start(Script::reply("ok")).expect("fallback");
    let home = tempfile::tempdir().expect("tempdir");
    let config = format!(
        r#"{{ models: {{ providers: {{
             p: {{ baseUrl: "{}/v1", apiKey: "k", models: [{{ id: "fake-model", name: "P" }}] }},
             f: {{ baseUrl: "{}/v1", apiKey: "k", models: [{{ id: "fake-model", name: "F" }}] }} }} }},
           agents: {{ defaults: {{ model: {{ primary: "p/fake-model", fallbacks: ["f/fake-model"] }} }} }} }}"#,
        primary.url(),
        fallback.url()
    );
    let (serving, url, token) = serve(home.path(), &config, &[]);
    let pid = serving.pid();
    runtime.block_on(async {
        // One request first: a gateway that refuses everything is a setup error, not a figure.
        let first = reqwest::Client::new()
            .post(format!("{url}/chat/completions"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"model": "p/fake-model",
                "messages": [{"role": "user", "content": "Say ok."}]}))
            .send()
            .await
            .expect("the gateway answers");
        let status = first.status();
        assert!(status.is_success(), "{status}: {}", first.text().await.unwrap_or_default());
        // Warm-up: 10 s of load, then the baseline.
        let warm = Arc::new(Counts::default());
        let stop = Arc::new(AtomicBool::new(false));
        let run = tokio::spawn({
            let (url, token, stop, warm) = (url.clone(), token.clone(), stop.clone(), warm.clone());
            async move { load(&url, &token, stop, warm).await }
        });
        tokio::time::sleep(Duration::from_secs(10.min(seconds))).await;
        stop.store(true, Ordering::Relaxed);
        run.await.expect("warm-up");
        let (rss_warm, fds_warm) = (rss_kib(pid), fds(pid));

        let mut report = Vec::new();
        for (phase, flapping) in [("steady", false), ("primary flapping every 2 s", true)] {
            let counts = Arc::new(Counts::default());
            let stop = Arc::new(AtomicBool::new(false));
            let started = Instant::now();
            let run = tokio::spawn({
                let (url, token, stop, counts) =
                    (url.clone(), token.clone(), stop.clone(), counts.clone());
                async move { load(&url, &token, stop, counts).await }
            });
            while started.elapsed() < Duration::from_secs(seconds) {
                if flapping {
                    let down = (started.elapsed().as_secs() / 2) % 2 == 0;
                    flap.set(if down {
                        Fault::Status {
                            status: 500,
                            message: "flapping".into(),
                            retry_after: None,
                        }
                    } else {
                        Fault::None
                    });
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            stop.store(true, Ordering::Relaxed);
            run.await.expect("load");
            flap.set(Fault::None);
            report.push((
                phase,
                counts.ok.load(Ordering::Relaxed),
                counts.errors.load(Ordering::Relaxed),
                rss_kib(pid),
                fds(pid),
            ));
        }
        println!("gateway soak, {CLIENTS} clients, {seconds} s per phase (half streamed):");
        println!("  after warm-up: RSS {rss_warm} KiB, {fds_warm} fds");
        for (phase, ok, errors, rss, fd) in &report {
            let change = (*rss as f64 - rss_warm as f64) / rss_warm.max(1) as f64 * 100.0;
            println!(
                "  {phase:<28} {ok:>7} answered  {errors:>3} client errors  RSS {rss} KiB ({change:+.1} %)  {fd} fds"
            );
        }
        println!(
            "  requests the primary got: {}, the fallback: {}",
            primary.requests().len(),
            fallback.requests().len()
        );
    });
    drop(serving);
}

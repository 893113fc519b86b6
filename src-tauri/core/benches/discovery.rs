//! Discovery benchmark: full scan wall time with nothing listening and with a fake LM Studio up,
//! median of 20, against a single `GET /v1/models` to the same fake in the same run.
//!
//! Goals (issue 7): ≤ 300 ms with nothing listening, ≤ 100 ms with LM Studio up.
//! Ports are random loopback ports (bound, then released), so a real server on this machine
//! never skews the numbers. "cold" builds a new scanner (HTTP client, fresh connections) per
//! run, as `switchboard detect` does; "warm" reuses one, as the app's watch mode does.

use std::time::{Duration, Instant};

use switchboard_core::discovery::{ScanOptions, Scanner, ServerKind};
use switchboard_fakes::foreign::refused_port;
use switchboard_fakes::lmstudio::{self, Script};

const RUNS: usize = 20;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn options(lmstudio_port: u16) -> std::io::Result<ScanOptions> {
    let mut ports = vec![(ServerKind::LmStudio, lmstudio_port)];
    for kind in &ServerKind::KNOWN[1..] {
        ports.push((*kind, refused_port()?));
    }
    Ok(ScanOptions::ports(ports))
}

async fn time_scans(options: &ScanOptions, cold: bool) -> Duration {
    let warm = Scanner::new(options.clone()).expect("client");
    let _first = warm.scan().await;
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let report = if cold {
            Scanner::new(options.clone()).expect("client").scan().await
        } else {
            warm.scan().await
        };
        samples.push(started.elapsed());
        assert_eq!(report.servers.len(), 6);
    }
    median(samples)
}

async fn time_models_get(url: &str, cold: bool) -> Duration {
    let shared = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..=RUNS {
        let started = Instant::now();
        let client = if cold {
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client")
        } else {
            shared.clone()
        };
        let body = client
            .get(url)
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        samples.push(started.elapsed());
        assert!(body.contains("organization_owner"));
    }
    samples.remove(0);
    median(samples)
}

fn main() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fake = lmstudio::start(Script::v1())?;
    let nothing = options(refused_port()?)?;
    let with_lm = options(fake.addr().port())?;
    let models_url = format!("{}/v1/models", fake.url());
    runtime.block_on(async {
        let rows = [
            (
                "scan, nothing listening (cold)",
                time_scans(&nothing, true).await,
                300.0,
            ),
            (
                "scan, nothing listening (warm)",
                time_scans(&nothing, false).await,
                300.0,
            ),
            (
                "scan, LM Studio up (cold)",
                time_scans(&with_lm, true).await,
                100.0,
            ),
            (
                "scan, LM Studio up (warm)",
                time_scans(&with_lm, false).await,
                100.0,
            ),
        ];
        let baseline_cold = time_models_get(&models_url, true).await;
        let baseline_warm = time_models_get(&models_url, false).await;
        println!("discovery bench: median of {RUNS} runs");
        println!(
            "{:<34} {:>9} {:>8} {:>10}",
            "case", "ms", "goal ms", "x GET"
        );
        for (name, took, goal) in rows {
            let base = if name.ends_with("(cold)") {
                baseline_cold
            } else {
                baseline_warm
            };
            println!(
                "{name:<34} {:>9.3} {goal:>8.0} {:>10.1}",
                ms(took),
                ms(took) / ms(base).max(0.001)
            );
        }
        println!(
            "{:<34} {:>9.3}",
            "GET /v1/models (cold client)",
            ms(baseline_cold)
        );
        println!(
            "{:<34} {:>9.3}",
            "GET /v1/models (warm client)",
            ms(baseline_warm)
        );
    });
    Ok(())
}

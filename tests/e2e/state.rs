//! Router state shared between processes: two `switchboard chat` runs on one machine (the
//! second skips the silent primary the first waited for), the desktop app starting after such
//! a run (its route health is on the fallback), and two `switchboard serve` instances sharing
//! cooldowns and spend through a real `redis-server`, surviving its outage.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_tests::app::App;
use switchboard_tests::desktop::DesktopOptions;
use switchboard_tests::process::wait_until;
use switchboard_tests::redis::{self, Redis};
use switchboard_tests::serve::{serve, switchboard};

/// A primary and a fallback, both OpenAI-compatible fakes; the primary's first byte may take
/// `timeout` seconds at most. Each answer costs $0.26 at these rates (12 in, 7 out).
fn config(primary: &str, fallback: &str, timeout: u64) -> String {
    let cost = "cost: { input: 10000, output: 20000 }";
    format!(
        r#"{{
          models: {{ providers: {{
            p: {{ baseUrl: "{primary}/v1", apiKey: "sk-p", api: "openai-completions",
                  timeoutSeconds: {timeout}, models: [{{ id: "fake-model", name: "Fake", {cost} }}] }},
            f: {{ baseUrl: "{fallback}/v1", apiKey: "sk-f", api: "openai-completions",
                  models: [{{ id: "fake-model", name: "Fake", {cost} }}] }} }} }},
          agents: {{ defaults: {{ model: {{ primary: "p/fake-model", fallbacks: ["f/fake-model"] }} }} }},
        }}"#
    )
}

fn chat_requests(fake: &switchboard_fakes::FakeServer) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .count()
}

/// `switchboard chat --json`'s route events (`model`, `outcome`, `reason`).
fn chat_routes(home: &Path) -> Vec<(String, String, String)> {
    let out = switchboard(home)
        .args(["chat", "--json", "--no-history", "hello"])
        .output()
        .expect("runs chat");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "chat failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["type"] == "route")
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (s("model"), s("outcome"), s("reason"))
        })
        .collect()
}

#[test]
fn a_second_chat_run_skips_the_silent_primary_the_first_waited_for() {
    let silent = Script::reply("never").with_fault(Fault::SlowFirstByte { delay_ms: 120_000 });
    let primary = openai::start(silent).expect("primary");
    let fallback = openai::start(Script::reply("from the fallback")).expect("fallback");
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        home.path().join("config.json5"),
        config(&primary.url(), &fallback.url(), 2),
    )
    .expect("config");

    let first = chat_routes(home.path());
    assert_eq!(first[0].0, "p/fake-model");
    assert_eq!(
        (first[0].1.as_str(), first[0].2.as_str()),
        ("failed", "timeout"),
        "{first:?}"
    );
    assert_eq!(first.last().map(|r| r.1.as_str()), Some("ok"));
    assert_eq!(chat_requests(&primary), 1);

    // Another process: it knows the primary timed out only through the shared state file.
    let second = chat_routes(home.path());
    assert_eq!(
        (
            second[0].0.as_str(),
            second[0].1.as_str(),
            second[0].2.as_str()
        ),
        ("p/fake-model", "skipped", "cooldown"),
        "{second:?}"
    );
    assert_eq!(second.last().map(|r| r.1.as_str()), Some("ok"));
    assert_eq!(
        chat_requests(&primary),
        1,
        "the second run sent nothing to the primary"
    );
    assert_eq!(chat_requests(&fallback), 2);
}

#[tokio::test]
async fn the_app_shows_the_fallback_after_a_cli_run_found_the_primary_silent() {
    let silent = Script::reply("never")
        .with_models(["m"])
        .with_fault(Fault::SlowFirstByte { delay_ms: 120_000 });
    let primary = openai::start(silent).expect("primary");
    let fallback = openai::start(Script::reply("fallback").with_models(["n"])).expect("fallback");
    let (primary_url, fallback_url) = (primary.url(), fallback.url());
    let app = App::launch_with(DesktopOptions::default(), |d| {
        let config = d.config_file();
        d.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
        std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
        let text = format!(
            r#"{{ agents: {{ defaults: {{ model: {{ primary: "studio/m", fallbacks: ["backup/n"] }} }} }},
              models: {{ providers: {{
                studio: {{ baseUrl: "{primary_url}/v1", api: "openai-completions", apiKey: "k",
                  timeoutSeconds: 2, models: [{{ id: "m", name: "M" }}] }},
                backup: {{ baseUrl: "{fallback_url}/v1", api: "openai-completions", apiKey: "k",
                  models: [{{ id: "n", name: "N" }}] }} }} }} }}"#
        );
        std::fs::write(&config, text).expect("config");
        // A terminal on the same desktop, before the app starts: it waits out the silent
        // primary's first-byte timeout and answers from the fallback.
        let out = d
            .command(switchboard_tests::app_binary())
            .args(["chat", "--json", "--no-history", "hello"])
            .output()
            .expect("runs chat");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains(r#""reason":"timeout""#), "{stdout}");
    })
    .await;
    // The app never sent anything to the primary, yet its route health knows it is cooling.
    let route = "[data-testid=route-status]";
    let moved = app
        .wait_text(route, "On fallback", Duration::from_secs(30))
        .await;
    assert!(
        moved.contains("On fallback") && moved.contains("backup/n"),
        "{moved}"
    );
    assert_eq!(chat_requests(&primary), 1, "only the CLI's request");
    app.screenshot("route-health-cooldown-from-cli").await;
    app.close().await;
}

struct Gateway {
    _serving: switchboard_tests::serve::Serving,
    url: String,
    token: String,
    home: tempfile::TempDir,
}

fn gateway(cfg: &str, redis: &Redis, people: Option<&Path>) -> Gateway {
    let home = tempfile::tempdir().expect("tempdir");
    if let Some(file) = people {
        let data = home.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        std::fs::copy(file, data.join("gateway-people.json")).expect("copies the people file");
    }
    let (serving, url, token) = serve(home.path(), cfg, &["--state", &redis.url()]);
    Gateway {
        _serving: serving,
        url,
        token,
        home,
    }
}

/// Sends one chat through `gw` with `token`; the status, the route header and the body.
async fn ask(gw: &Gateway, token: &str) -> (u16, String, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", gw.url))
        .bearer_auth(token)
        .timeout(Duration::from_secs(60))
        .json(&serde_json::json!({"model": "", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .expect("answered");
    let status = response.status().as_u16();
    let route = response
        .headers()
        .get("x-switchboard-route")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, route, response.json().await.unwrap_or(Value::Null))
}

/// Makes a person token in a throw-away home; the token and the people file.
fn person(dir: &Path, name: &str, budget: &str) -> (String, std::path::PathBuf) {
    let out = switchboard(dir)
        .args(["serve", "token", "add", name, "--budget-daily", budget])
        .output()
        .expect("token add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let token = stdout.lines().next().expect("the token").trim().to_owned();
    (token, dir.join("data").join("gateway-people.json"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_share_cooldowns_and_spend_through_redis() {
    if !redis::available("state::redis") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let redis = Redis::start(dir.path());
    let limited = Script::reply("no").with_fault(Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: None,
    });
    let primary = openai::start(limited).expect("primary");
    let fallback = openai::start(Script::reply("Hi from f.")).expect("fallback");
    let cfg = config(&primary.url(), &fallback.url(), 30);
    let (ann, people) = person(dir.path(), "ann", "0.4");
    let a = gateway(&cfg, &redis, Some(&people));
    let b = gateway(&cfg, &redis, Some(&people));

    // A 429 seen through A…
    let (status, route, _) = ask(&a, &ann).await;
    assert_eq!(status, 200);
    assert!(
        route.starts_with("p/fake-model=failed:rate_limit"),
        "{route}"
    );
    assert_eq!(chat_requests(&primary), 1);
    // …makes B skip that route.
    let (status, route, _) = ask(&b, &ann).await;
    assert_eq!(status, 200);
    assert!(
        route.starts_with("p/fake-model=skipped:cooldown"),
        "{route}"
    );
    assert_eq!(chat_requests(&primary), 1, "B sent nothing to the primary");

    // Spend through both adds up: $0.26 + $0.26 is over ann's $0.40, though neither gateway
    // alone saw more than $0.26.
    let (status, _, body) = ask(&a, &ann).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "over_budget", "{body}");
    assert_eq!(
        chat_requests(&fallback),
        2,
        "the refused request went nowhere"
    );
    // The owner's token has no budget.
    let (status, _, _) = ask(&b, &b.token).await;
    assert_eq!(status, 200);

    let list = switchboard(dir.path())
        .args(["serve", "--state", &redis.url(), "token", "list"])
        .output()
        .expect("token list");
    let list = String::from_utf8_lossy(&list.stdout).into_owned();
    let row = list
        .lines()
        .find(|l| l.starts_with("ann"))
        .expect("ann's row");
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols, ["ann", "$0.40", "$0.5200", "2"], "{list}");
    assert!(!list.contains(&ann), "the token is never shown again");

    // Removing ann's token in A's data dir applies at A's next request, without a restart; B
    // (with its own copy of the file) still knows her.
    let removed = switchboard(a.home.path())
        .args(["serve", "token", "remove", "ann"])
        .output()
        .expect("token remove");
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    let (status, _, body) = ask(&a, &ann).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "invalid_api_key", "{body}");
    let (status, _, body) = ask(&b, &ann).await;
    assert_eq!(status, 429, "B still has ann (over her budget): {body}");
    assert_eq!(
        ask(&a, &a.token).await.0,
        200,
        "the owner's token still works"
    );
}

fn warnings(home: &Path) -> usize {
    let logs = home.join("state").join("switchboard").join("logs");
    std::fs::read_dir(&logs)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .map(|text| text.matches("is unreachable").count())
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_costs_no_client_an_error_and_sharing_resumes() {
    if !redis::available("state::redis_outage") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut redis = Redis::start(dir.path());
    let (primary, fault) = openai::start_switchable(Script::reply("Hi from p.")).expect("primary");
    let fallback = openai::start(Script::reply("Hi from f.")).expect("fallback");
    let cfg = config(&primary.url(), &fallback.url(), 30);
    let a = gateway(&cfg, &redis, None);
    let b = gateway(&cfg, &redis, None);
    assert_eq!(ask(&a, &a.token).await.0, 200);
    assert!(!redis
        .cli(&["KEYS", "switchboard:requests:*"])
        .trim()
        .is_empty());

    redis.stop();
    for _ in 0..3 {
        for gw in [&a, &b] {
            let (status, _, body) = ask(gw, &gw.token).await;
            assert_eq!(status, 200, "no client error while redis is down: {body}");
        }
    }
    for gw in [&a, &b] {
        // The log is written off the request path: wait for the line, then count.
        wait_until(Duration::from_secs(10), || warnings(gw.home.path()) >= 1);
        assert_eq!(warnings(gw.home.path()), 1, "one warning per outage");
    }

    redis.restart();
    // Sharing resumes once each gateway's backoff has passed: then a request through each
    // adds 2 to the owner's count in the new (empty) redis.
    let key = format!("switchboard:requests:{}:owner", today());
    let count = || redis.cli(&["GET", &key]).trim().parse::<u64>().unwrap_or(0);
    let mut resumed = false;
    for _ in 0..120 {
        let before = count();
        assert_eq!(ask(&a, &a.token).await.0, 200);
        assert_eq!(ask(&b, &b.token).await.0, 200);
        if count() == before + 2 {
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(resumed, "both gateways write to redis again");
    // Shared again: a 429 through A is skipped by B.
    fault.set(Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: None,
    });
    let before = chat_requests(&primary);
    let (status, route, _) = ask(&a, &a.token).await;
    assert_eq!(status, 200);
    assert!(
        route.starts_with("p/fake-model=failed:rate_limit"),
        "{route}"
    );
    let (status, route, _) = ask(&b, &b.token).await;
    assert_eq!(status, 200);
    assert!(
        route.starts_with("p/fake-model=skipped:cooldown"),
        "{route}"
    );
    assert_eq!(chat_requests(&primary), before + 1);
}

/// The local calendar day, as the gateways key their counters.
fn today() -> String {
    let out = std::process::Command::new("date")
        .arg("+%F")
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

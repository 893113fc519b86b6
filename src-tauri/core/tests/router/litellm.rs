//! The router against the real LiteLLM proxy (PyPI `litellm[proxy]`, see
//! `reference/litellm-proxy.md`): primary = a mock model answering 429, fallback = a mock model
//! answering normally → the fallback's answer with a `rate_limit` route event. Skipped (loudly)
//! without `SWITCHBOARD_LITELLM_BIN`, which `.ci/test-all` exports.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{ask, config, failed, ok, router_for, send};

const BIN_ENV: &str = "SWITCHBOARD_LITELLM_BIN";

const YAML: &str = r#"
model_list:
  - model_name: mock
    litellm_params: {model: openai/anything, api_key: fake, mock_response: "Hello from LiteLLM"}
  - model_name: rate-limited
    litellm_params: {model: openai/anything, api_key: fake, mock_response: "litellm.RateLimitError"}
general_settings:
  master_key: sk-test-1234
router_settings:
  num_retries: 0
  disable_cooldowns: true
"#;

/// The proxy process; killed (and reaped) when dropped.
pub(crate) struct Proxy {
    child: Child,
    pub(crate) url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ignored = self.child.kill();
        let _ignored = self.child.wait();
    }
}

/// Starts `bin` with `yaml` on a free port and waits until it is ready.
pub(crate) async fn start(bin: &str, yaml: &str) -> Proxy {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("litellm.yaml");
    std::fs::write(&file, yaml).expect("write config");
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(bin)
        .args(["--config", &file.to_string_lossy(), "--host", "127.0.0.1"])
        .args(["--port", &port.to_string()])
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .env("LITELLM_LOG", "ERROR")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{BIN_ENV} is set but {bin} does not start: {e}"));
    let proxy = Proxy {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health = http
            .get(format!("{}/health/liveliness", proxy.url))
            .send()
            .await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return proxy;
        }
        assert!(
            Instant::now() < deadline,
            "LiteLLM did not become ready in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn litellm_rate_limited_primary_fails_over_to_the_fallback() {
    let Some(bin) = std::env::var(BIN_ENV).ok().filter(|b| !b.is_empty()) else {
        eprintln!(
            "\n\n*** SKIPPED: router test against LiteLLM: {BIN_ENV} is not set. Run .ci/test-all \
             (or `source .ci/lib.sh && install_litellm`). ***\n"
        );
        return;
    };
    let proxy = start(&bin, YAML).await;
    let text = format!(
        r#"{{ models: {{ providers: {{ litellm: {{ baseUrl: "{}/v1", apiKey: "sk-test-1234",
             models: [{{ id: "rate-limited", name: "429" }}, {{ id: "mock", name: "Mock" }}] }} }} }},
             agents: {{ defaults: {{ model: {{ primary: "litellm/rate-limited",
                                               fallbacks: ["litellm/mock"] }} }} }} }}"#,
        proxy.url
    );
    let r = router_for(config(&text));
    for stream in [true, false] {
        r.clear_cooldowns();
        let out = send(&r, None, ask("hi", stream)).await;
        assert!(out.error.is_none(), "stream={stream}: {:?}", out.error);
        assert_eq!(out.answer.text, "Hello from LiteLLM");
        assert_eq!(
            out.trail(),
            [
                failed("litellm/rate-limited", "rate_limit"),
                ok("litellm/mock")
            ]
        );
        assert_eq!(out.routes[0].status, Some(429));
        assert!(r.cooldown("litellm/rate-limited").is_some());
    }
}

//! The router against the real LiteLLM proxy (PyPI `litellm[proxy]`, see
//! `reference/litellm-proxy.md`): primary = a mock model answering 429, fallback = a mock model
//! answering normally → the fallback's answer with a `rate_limit` route event. Skipped (loudly)
//! without `SWITCHBOARD_LITELLM_BIN`, which `.ci/test-all` exports.

use switchboard_fakes::litellm::{self, LitellmProxy};

use super::{ask, config, failed, ok, router_for, send};

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

#[tokio::test]
async fn litellm_rate_limited_primary_fails_over_to_the_fallback() {
    let Some(bin) = litellm::binary("router test against LiteLLM") else {
        return;
    };
    let proxy = LitellmProxy::start(&bin, YAML)
        .unwrap_or_else(|e| panic!("{} is set but LiteLLM did not start: {e}", litellm::BIN_ENV));
    let text = format!(
        r#"{{ models: {{ providers: {{ litellm: {{ baseUrl: "{}/v1", apiKey: "sk-test-1234",
             models: [{{ id: "rate-limited", name: "429" }}, {{ id: "mock", name: "Mock" }}] }} }} }},
             agents: {{ defaults: {{ model: {{ primary: "litellm/rate-limited",
                                               fallbacks: ["litellm/mock"] }} }} }} }}"#,
        proxy.url()
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

//! The clients against a real third-party OpenAI-compatible server: the LiteLLM proxy from
//! PyPI with mock models (see `reference/litellm-proxy.md`), started here on a free loopback
//! port. `install_litellm` in `.ci/lib.sh` installs it and exports `SWITCHBOARD_LITELLM_BIN`;
//! without that variable this test is skipped (loudly); with it, any misbehaviour fails it.

use switchboard_core::providers::{ProviderErrorKind as Kind, Secret, StopReason};
use switchboard_fakes::litellm::{self, LitellmProxy};

use super::{collect, request, run, target};

const MASTER_KEY: &str = "sk-test-1234";

const CONFIG: &str = r#"
model_list:
  - model_name: mock
    litellm_params: {model: openai/anything, api_key: fake, mock_response: "Hello from LiteLLM"}
  - model_name: rate-limited
    litellm_params: {model: openai/anything, api_key: fake, mock_response: "litellm.RateLimitError"}
  - model_name: broken
    litellm_params: {model: openai/anything, api_key: fake, mock_response: "litellm.InternalServerError"}
  - model_name: too-long
    litellm_params: {model: openai/anything, api_key: fake, mock_response: "litellm.ContextWindowExceededError"}
  - model_name: slow
    litellm_params: {model: openai/anything, api_key: fake, mock_response: "late", mock_timeout: true, timeout: 1}
general_settings:
  master_key: sk-test-1234
router_settings:
  num_retries: 0
  disable_cooldowns: true
"#;

#[tokio::test]
async fn litellm_proxy_completions_streaming_and_errors() {
    let Some(bin) = litellm::binary("LiteLLM integration test") else {
        return;
    };
    let proxy = LitellmProxy::start(&bin, CONFIG)
        .unwrap_or_else(|e| panic!("{} is set but LiteLLM did not start: {e}", litellm::BIN_ENV));
    let model = |name: &str, api: &str| {
        let mut t = target(api, proxy.url());
        t.model = name.to_owned();
        t.key = Some(Secret::new(MASTER_KEY));
        t
    };

    for stream in [false, true] {
        let (events, error) = run(&model("mock", "openai-completions"), &request(stream)).await;
        assert!(error.is_none(), "stream={stream}: {error:?}");
        let c = collect(&events);
        assert_eq!(c.text, "Hello from LiteLLM", "stream={stream}");
        assert_eq!(c.stop, Some(StopReason::Stop));
        let usage = c
            .usage
            .unwrap_or_else(|| panic!("stream={stream}: no usage"));
        assert!(usage.output > 0, "{usage:?}");
    }

    let (events, error) = run(&model("mock", "openai-responses"), &request(false)).await;
    assert!(error.is_none(), "responses: {error:?}");
    assert_eq!(collect(&events).text, "Hello from LiteLLM");

    let mut anonymous = model("mock", "openai-completions");
    anonymous.key = None;
    for (t, status, kind) in [
        (anonymous, 401, Kind::Auth),
        (
            model("rate-limited", "openai-completions"),
            429,
            Kind::RateLimit,
        ),
        (model("broken", "openai-completions"), 500, Kind::Server),
        (
            model("too-long", "openai-completions"),
            400,
            Kind::ContextOverflow,
        ),
        (model("slow", "openai-completions"), 408, Kind::Timeout),
    ] {
        for stream in [false, true] {
            let (_, error) = run(&t, &request(stream)).await;
            let error = error.unwrap_or_else(|| panic!("{}: no error", t.model));
            assert_eq!(
                (error.kind(), error.status()),
                (kind, Some(status)),
                "{} stream={stream}: {error}",
                t.model
            );
            assert!(!error.to_string().contains(MASTER_KEY));
        }
    }
}

//! Getting an LM Studio model into memory the way LM Studio wants it used.
//!
//! **Just-in-time loading with an idle TTL** is the default: LM Studio loads a downloaded model
//! when a request names it, and unloads it after `ttl` seconds without requests (the `ttl` field
//! of the request body, honoured by its OpenAI-compatible and REST endpoints since 0.3.9; its
//! docs, "Idle TTL and Auto-Evict"). Every chat request Switchboard sends to the `lmstudio`
//! provider carries [`IDLE_TTL_SECONDS`] ([`idle_ttl_for`]), and the wizard's "Load" is
//! [`warm_up`]: a one-token request, so LM Studio loads the model itself and may unload it
//! again when it sits idle (and Auto-Evict may swap it for the next JIT-loaded model). The
//! warm-up goes to LM Studio's own `POST /api/v1/chat` (≥ 0.4.0), the one inference endpoint
//! that takes a `context_length`, so a just-in-time load gets a usable context rather than
//! LM Studio's default (often 4K, under the seed's 16K); an older LM Studio gets the
//! OpenAI-compatible request, and its own default context.
//!
//! **Keep loaded** is [`load_model`]: `POST /api/v1/models/load`. LM Studio counts such a model
//! as manually loaded: no idle TTL, never auto-evicted, until someone unloads it. OpenClaw moved
//! away from this after its users ran out of memory (openclaw/openclaw#75921), so only an
//! explicit "Keep loaded" calls it, and the chat's "Load the model" when just-in-time loading
//! is off (then it is the only way). The REST load endpoint starts a new instance even when one
//! is loaded, so "Keep loaded" is offered for models that are not loaded.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};

use super::http::{self, Reply};
use super::DiscoveryError;

/// The seed's advice shown beside "Keep loaded": cold loads add latency.
pub const KEEP_LOADED_ADVICE: &str =
    "Keep the model loaded in LM Studio: a cold load adds startup latency to the first answer.";

/// The idle TTL sent with every request to LM Studio: an hour, LM Studio's own default for
/// just-in-time loaded models, sent explicitly so a model Switchboard's request loaded is
/// unloaded after an idle hour whatever the app-wide default says.
pub const IDLE_TTL_SECONDS: u64 = 3600;

/// The catalog id of LM Studio's provider (the id discovery writes its profile under).
const LMSTUDIO: &str = "lmstudio";

/// The idle TTL to send to provider `provider_id`: [`IDLE_TTL_SECONDS`] for LM Studio, `None`
/// for every other provider (OpenAI and others refuse unknown body fields).
pub fn idle_ttl_for(provider_id: &str) -> Option<u64> {
    (provider_id == LMSTUDIO).then_some(IDLE_TTL_SECONDS)
}

/// LM Studio's origin (`http://127.0.0.1:1234`) from a base URL with or without `/v1`.
pub(crate) fn origin(base_url: &str) -> &str {
    base_url.trim_end_matches('/').trim_end_matches("/v1")
}

/// Options for [`load_model`] and [`warm_up`].
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Context length to load with (LM Studio's default when `None`; an LM Studio before
    /// 0.4.0 ignores it for a just-in-time load).
    pub context_length: Option<u64>,
    /// How long to wait for the load (large models take minutes).
    pub timeout: Duration,
    /// Bearer token, when LM Studio requires one.
    pub token: Option<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            context_length: None,
            timeout: Duration::from_secs(600),
            token: None,
        }
    }
}

/// The state of a load, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum LoadState {
    /// The request is out; LM Studio is loading.
    #[serde(rename_all = "camelCase")]
    Loading {
        /// The model key.
        model: String,
        /// The seed's advice ([`KEEP_LOADED_ADVICE`]).
        advice: &'static str,
    },
    /// Loaded.
    Loaded(LoadedModel),
    /// The load failed.
    #[serde(rename_all = "camelCase")]
    Failed {
        /// The model key.
        model: String,
        /// Why.
        message: String,
    },
}

/// A finished load.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LoadedModel {
    /// The model key asked for.
    pub model: String,
    /// The instance id to send as `model`.
    pub instance_id: String,
    /// The context length it was loaded with, when LM Studio echoes it.
    pub context_length: Option<u64>,
    /// Seconds LM Studio took (for a just-in-time load: until the first byte of the reply).
    pub load_time_seconds: Option<f64>,
    /// Kept loaded (`POST /api/v1/models/load`): no idle TTL. `false`: loaded just in time,
    /// unloaded after [`LoadedModel::idle_ttl_seconds`] idle.
    pub pinned: bool,
    /// The idle TTL sent with the request, for a just-in-time load.
    pub idle_ttl_seconds: Option<u64>,
}

/// Keeps `model` loaded in LM Studio at `origin` with `POST /api/v1/models/load` (pinned: no
/// idle TTL; see the module docs), reporting [`LoadState::Loading`] first and then the outcome
/// through `on_state`.
pub async fn load_model(
    origin: &str,
    model: &str,
    options: &LoadOptions,
    on_state: &mut (dyn FnMut(LoadState) + Send),
) -> Result<LoadedModel, DiscoveryError> {
    let url = format!("{}/api/v1/models/load", self::origin(origin));
    let mut body = json!({"model": model, "echo_load_config": true});
    if let Some(ctx) = options.context_length {
        body["context_length"] = json!(ctx);
    }
    reporting(model, on_state, async {
        let reply = http::call(
            Method::POST,
            &url,
            Some(&body),
            options.token.as_deref(),
            options.timeout,
        )
        .await?;
        let value = reply.json().unwrap_or(Value::Null);
        let error = http::error_text(&value);
        if !reply.ok() || error.is_some() || value["status"] != "loaded" {
            return Err(server_error(&url, &reply, error));
        }
        Ok(LoadedModel {
            model: model.to_owned(),
            instance_id: value["instance_id"]
                .as_str()
                .filter(|s| !s.is_empty())
                .unwrap_or(model)
                .to_owned(),
            context_length: value["load_config"]["context_length"].as_u64(),
            load_time_seconds: value["load_time_seconds"].as_f64(),
            pinned: true,
            idle_ttl_seconds: None,
        })
    })
    .await
}

/// Loads `model` just in time: a one-token request to LM Studio at `origin` with
/// [`IDLE_TTL_SECONDS`] (and `options.context_length`), so LM Studio loads it as it would for a
/// chat and unloads it after an idle hour. `api` (the profile's, `openai-responses` or
/// `openai-completions`) picks the fallback request for an LM Studio before 0.4.0. Reports
/// [`LoadState::Loading`] until the reply, then the outcome. With just-in-time loading off in
/// LM Studio the request is refused, and the error says to turn it on or use "Keep loaded".
pub async fn warm_up(
    origin: &str,
    model: &str,
    api: &str,
    options: &LoadOptions,
    on_state: &mut (dyn FnMut(LoadState) + Send),
) -> Result<LoadedModel, DiscoveryError> {
    let origin = self::origin(origin);
    let mut native = json!({"model": model, "input": "Hi", "max_output_tokens": 1,
        "store": false, "ttl": IDLE_TTL_SECONDS});
    if let Some(ctx) = options.context_length {
        native["context_length"] = json!(ctx);
    }
    let fallback = if api == "openai-completions" {
        (
            format!("{origin}/v1/chat/completions"),
            json!({"model": model, "messages": [{"role": "user", "content": "Hi"}],
                "max_tokens": 1, "stream": false, "ttl": IDLE_TTL_SECONDS}),
        )
    } else {
        (
            format!("{origin}/v1/responses"),
            json!({"model": model, "input": "Hi", "max_output_tokens": 1, "stream": false,
                "ttl": IDLE_TTL_SECONDS}),
        )
    };
    reporting(model, on_state, async {
        let started = Instant::now();
        let send = |url: String, body: Value| async move {
            let reply = http::call(
                Method::POST,
                &url,
                Some(&body),
                options.token.as_deref(),
                options.timeout,
            )
            .await?;
            Ok::<_, DiscoveryError>((url, reply))
        };
        let (mut url, mut reply) = send(format!("{origin}/api/v1/chat"), native).await?;
        let mut native_api = true;
        if http::error_text(&reply.json().unwrap_or(Value::Null))
            .is_some_and(|e| e.starts_with("Unexpected endpoint or method"))
        {
            (url, reply) = send(fallback.0, fallback.1).await?;
            native_api = false;
        }
        let value = reply.json().unwrap_or(Value::Null);
        let error = http::error_text(&value);
        if let Some(text) = error.as_deref().filter(|t| t.starts_with("No models loaded")) {
            return Err(DiscoveryError::Server {
                url: url.clone(),
                status: reply.status,
                message: format!(
                    "{text} (LM Studio's just-in-time loading is off: turn it on in Developer › Server Settings, or use Keep loaded)"
                ),
            });
        }
        if !reply.ok() || error.is_some() {
            return Err(server_error(&url, &reply, error));
        }
        let instance = if native_api {
            &value["model_instance_id"]
        } else {
            &value["model"]
        };
        Ok(LoadedModel {
            model: model.to_owned(),
            instance_id: instance
                .as_str()
                .filter(|s| !s.is_empty())
                .unwrap_or(model)
                .to_owned(),
            context_length: options.context_length.filter(|_| native_api),
            load_time_seconds: value["stats"]["model_load_time_seconds"]
                .as_f64()
                .or(Some(started.elapsed().as_secs_f64())),
            pinned: false,
            idle_ttl_seconds: Some(IDLE_TTL_SECONDS),
        })
    })
    .await
}

fn server_error(url: &str, reply: &Reply, error: Option<String>) -> DiscoveryError {
    DiscoveryError::Server {
        url: url.to_owned(),
        status: reply.status,
        message: error
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| reply.summary()),
    }
}

/// Runs `load`, reporting [`LoadState::Loading`] before and the outcome after.
async fn reporting(
    model: &str,
    on_state: &mut (dyn FnMut(LoadState) + Send),
    load: impl std::future::Future<Output = Result<LoadedModel, DiscoveryError>>,
) -> Result<LoadedModel, DiscoveryError> {
    let started = Instant::now();
    on_state(LoadState::Loading {
        model: model.to_owned(),
        advice: KEEP_LOADED_ADVICE,
    });
    let result = load.await;
    tracing::debug!(
        model,
        elapsed_ms = started.elapsed().as_millis() as u64,
        ok = result.is_ok(),
        "LM Studio load"
    );
    on_state(match &result {
        Ok(loaded) => LoadState::Loaded(loaded.clone()),
        Err(e) => LoadState::Failed {
            model: model.to_owned(),
            message: e.to_string(),
        },
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lmstudio_gets_a_ttl() {
        assert_eq!(idle_ttl_for("lmstudio"), Some(IDLE_TTL_SECONDS));
        assert_eq!(idle_ttl_for("openai"), None);
        assert_eq!(idle_ttl_for("ollama"), None);
    }

    #[test]
    fn origins_drop_the_v1_suffix() {
        assert_eq!(origin("http://127.0.0.1:1234/v1/"), "http://127.0.0.1:1234");
        assert_eq!(origin("http://127.0.0.1:1234"), "http://127.0.0.1:1234");
    }
}

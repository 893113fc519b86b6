//! LM Studio: the greeting, the richest model list it offers, the Responses-API decision, and
//! loading a model.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

use super::http::{self, Http, ProbeError, Reply};
use super::types::{DetectedModel, DetectedServer, ModelType, ServerKind, Status};
use super::{warnings, DiscoveryError};

/// The seed's advice shown beside loading: cold loads add latency.
pub const KEEP_LOADED_ADVICE: &str =
    "Keep the model loaded in LM Studio: a cold load adds startup latency to the first answer.";

const RESPONSES: &str = "openai-responses";
const COMPLETIONS: &str = "openai-completions";

/// Probes LM Studio at `origin` (`http://127.0.0.1:1234`).
pub(crate) async fn probe(http: &Http, origin: &str) -> DetectedServer {
    let base = format!("{origin}/v1");
    let greeting = match http.get(format!("{origin}/lmstudio-greeting")).await {
        Ok(reply) => reply,
        Err(ProbeError::Refused) => {
            return DetectedServer::new(ServerKind::LmStudio, base, Status::NotRunning)
        }
        Err(e) => {
            return DetectedServer::new(ServerKind::LmStudio, base, Status::Error)
                .with_detail(e.describe(http.timeout))
        }
    };
    let is_lmstudio = greeting.status == 200
        && greeting
            .json()
            .is_some_and(|v| v["lmstudio"] == json!(true));
    if !is_lmstudio {
        return DetectedServer::new(ServerKind::LmStudio, base, Status::OtherService).with_detail(
            format!(
                "port in use by another service (GET /lmstudio-greeting: {})",
                greeting.summary()
            ),
        );
    }
    let mut server = DetectedServer::new(ServerKind::LmStudio, base, Status::Running);
    let (status, v1) = tokio::join!(
        http.get(format!("{origin}/lms-status")),
        http.get(format!("{origin}/api/v1/models")),
    );
    server.version = status.ok().as_ref().and_then(Reply::json).and_then(|v| {
        (v["package"] == "lmstudio")
            .then(|| v["version"].as_str().map(str::to_owned))
            .flatten()
    });
    let v1_models = v1.as_ref().ok().and_then(|r| list(r, "models"));
    if v1.as_ref().is_ok_and(|r| r.status == 401) {
        server.needs_key = true;
        server.detail = Some(
            "authentication is on: set the LM Studio API token (LM_API_TOKEN) to list models"
                .to_owned(),
        );
    }
    if let Some(models) = v1_models {
        server.models = models.iter().map(from_v1).collect();
        set_api(
            &mut server,
            RESPONSES,
            "LM Studio ≥ 0.4.0 (it serves /api/v1); /v1/responses exists since 0.3.29",
        );
    } else {
        if !server.needs_key {
            server.models = older_list(http, origin).await;
        }
        decide_api(http, origin, &mut server).await;
    }
    for model in &mut server.models {
        warnings::attach(model);
    }
    server
}

/// `/api/v0/models` (0.3.6+), else the bare `/v1/models`.
async fn older_list(http: &Http, origin: &str) -> Vec<DetectedModel> {
    if let Some(models) = get_list(http, &format!("{origin}/api/v0/models"), "data").await {
        return models.iter().map(from_v0).collect();
    }
    get_list(http, &format!("{origin}/v1/models"), "data")
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .map(DetectedModel::bare)
        .collect()
}

fn set_api(server: &mut DetectedServer, api: &str, reason: &str) {
    server.api = Some(api.to_owned());
    server.api_reason = Some(reason.to_owned());
}

/// Version gate first; without a version, ask `/v1/responses` itself.
async fn decide_api(http: &Http, origin: &str, server: &mut DetectedServer) {
    if let Some(version) = server.version.as_deref().and_then(parse_version) {
        if version >= (0, 3, 29) {
            set_api(
                server,
                RESPONSES,
                "LM Studio version ≥ 0.3.29 serves /v1/responses",
            );
        } else {
            set_api(
                server,
                COMPLETIONS,
                "LM Studio before 0.3.29 has no /v1/responses",
            );
        }
        return;
    }
    // An empty model id is refused before any model is loaded or run.
    let body = json!({"model": "", "input": "", "max_output_tokens": 1});
    match http
        .post(&format!("{origin}/v1/responses"), &body, http.timeout)
        .await
    {
        Ok(reply) if is_unknown_endpoint(&reply) => set_api(
            server,
            COMPLETIONS,
            "POST /v1/responses is an unknown endpoint here (LM Studio before 0.3.29)",
        ),
        Ok(_) => set_api(
            server,
            RESPONSES,
            "POST /v1/responses is served (an empty request was refused, not called unknown)",
        ),
        Err(_) => set_api(
            server,
            COMPLETIONS,
            "could not confirm /v1/responses; chat completions work on every version",
        ),
    }
}

/// LM Studio's reply to an unknown route: 200 (or 404) `{"error":"Unexpected endpoint or method. …"}`.
fn is_unknown_endpoint(reply: &Reply) -> bool {
    reply.json().is_some_and(|v| {
        v["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("Unexpected endpoint or method"))
    })
}

fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim_start_matches('v').split(['.', '-', '+']);
    let mut next = || parts.next().and_then(|p| p.parse().ok());
    Some((next()?, next()?, next().unwrap_or(0)))
}

fn list(reply: &Reply, key: &str) -> Option<Vec<Value>> {
    if !reply.ok() {
        return None;
    }
    reply.json()?.get(key)?.as_array().cloned()
}

async fn get_list(http: &Http, url: &str, key: &str) -> Option<Vec<Value>> {
    list(&http.get(url).await.ok()?, key)
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// One entry of `GET /api/v1/models`.
fn from_v1(m: &Value) -> DetectedModel {
    let id = text(&m["key"]).unwrap_or_default();
    let mut model = DetectedModel::bare(id.clone());
    let caps = &m["capabilities"];
    model.name = text(&m["display_name"]).unwrap_or(id);
    model.model_type = match m["type"].as_str() {
        Some("embedding" | "embeddings") => ModelType::Embeddings,
        _ if caps["vision"] == json!(true) => ModelType::Vlm,
        _ => ModelType::Llm,
    };
    let instances = m["loaded_instances"].as_array();
    model.loaded = Some(instances.is_some_and(|i| !i.is_empty()));
    model.loaded_context_window = instances
        .and_then(|i| i.first())
        .and_then(|i| i["config"]["context_length"].as_u64());
    model.max_context_window = m["max_context_length"].as_u64();
    model.context_window = model.loaded_context_window.or(model.max_context_window);
    model.quantization = text(&m["quantization"]["name"]);
    model.bits_per_weight = m["quantization"]["bits_per_weight"].as_f64();
    model.params = text(&m["params_string"]);
    model.arch = text(&m["architecture"]);
    model.format = text(&m["format"]);
    if model.is_chat() && caps.is_object() {
        model.tool_use = Some(caps["trained_for_tool_use"] == json!(true));
        model.reasoning = Some(caps["reasoning"].is_object());
    }
    model
}

/// One entry of `GET /api/v0/models`.
fn from_v0(m: &Value) -> DetectedModel {
    let mut model = DetectedModel::bare(text(&m["id"]).unwrap_or_default());
    model.model_type = match m["type"].as_str() {
        Some("embeddings" | "embedding") => ModelType::Embeddings,
        Some("vlm") => ModelType::Vlm,
        _ => ModelType::Llm,
    };
    model.loaded = m["state"].as_str().map(|s| s == "loaded");
    model.loaded_context_window = m["loaded_context_length"].as_u64();
    model.max_context_window = m["max_context_length"].as_u64();
    model.context_window = model.loaded_context_window.or(model.max_context_window);
    model.quantization = text(&m["quantization"]);
    model.arch = text(&m["arch"]);
    model.format = text(&m["compatibility_type"]);
    if let (true, Some(caps)) = (model.is_chat(), m["capabilities"].as_array()) {
        model.tool_use = Some(caps.iter().any(|c| c == "tool_use"));
    }
    model
}

/// Options for [`load_model`].
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Context length to load with (LM Studio's default when `None`).
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
    /// Seconds LM Studio took.
    pub load_time_seconds: Option<f64>,
}

/// Loads `model` in LM Studio at `origin` with `POST /api/v1/models/load`, reporting
/// [`LoadState::Loading`] first and then the outcome through `on_state`.
pub async fn load_model(
    origin: &str,
    model: &str,
    options: &LoadOptions,
    on_state: &mut (dyn FnMut(LoadState) + Send),
) -> Result<LoadedModel, DiscoveryError> {
    let origin = origin.trim_end_matches('/').trim_end_matches("/v1");
    let url = format!("{origin}/api/v1/models/load");
    let started = Instant::now();
    on_state(LoadState::Loading {
        model: model.to_owned(),
        advice: KEEP_LOADED_ADVICE,
    });
    let result = send_load(&url, model, options).await;
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

async fn send_load(
    url: &str,
    model: &str,
    options: &LoadOptions,
) -> Result<LoadedModel, DiscoveryError> {
    let mut body = json!({"model": model, "echo_load_config": true});
    if let Some(ctx) = options.context_length {
        body["context_length"] = json!(ctx);
    }
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| DiscoveryError::Client(e.to_string()))?;
    let mut request = client.post(url).json(&body).timeout(options.timeout);
    if let Some(token) = &options.token {
        request = request.bearer_auth(token);
    }
    let unreachable = |e: reqwest::Error| DiscoveryError::Unreachable {
        url: url.to_owned(),
        message: e.without_url().to_string(),
    };
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    let body = http::read_body(response).await.map_err(|e| match e {
        http::BodyError::Read(e) => unreachable(e),
        too_large => DiscoveryError::Server {
            url: url.to_owned(),
            status,
            message: too_large.describe(),
        },
    })?;
    let reply = Reply { status, body };
    let value = reply.json().unwrap_or(Value::Null);
    let error = match &value["error"] {
        Value::String(s) => Some(s.clone()),
        Value::Object(_) => Some(text(&value["error"]["message"]).unwrap_or_default()),
        _ => None,
    };
    if !reply.ok() || error.is_some() || value["status"] != "loaded" {
        return Err(DiscoveryError::Server {
            url: url.to_owned(),
            status,
            message: error.unwrap_or_else(|| reply.summary()),
        });
    }
    Ok(LoadedModel {
        model: model.to_owned(),
        instance_id: text(&value["instance_id"]).unwrap_or_else(|| model.to_owned()),
        context_length: value["load_config"]["context_length"].as_u64(),
        load_time_seconds: value["load_time_seconds"].as_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse_version("0.3.29"), Some((0, 3, 29)));
        assert!(parse_version("0.3.9") < parse_version("0.3.29"));
        assert_eq!(parse_version("0.4.0-beta"), Some((0, 4, 0)));
        assert_eq!(parse_version("x"), None);
    }
}

//! LM Studio: the greeting, the richest model list it offers and the Responses-API decision.
//! Loading a model is [`super::jit`]; downloading one is [`super::download`].

use serde_json::{json, Value};

use super::http::{Http, ProbeError, Reply};
use super::types::{DetectedModel, DetectedServer, ModelType, ServerKind, Status};
use super::warnings;

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

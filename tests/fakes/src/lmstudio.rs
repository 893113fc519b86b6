//! A fake LM Studio server, wire-exact to `shared/reference/lmstudio-api.md`: the greeting,
//! `/lms-status`, REST v1 (≥ 0.4.0) and v0 (≥ 0.3.6) model lists, `POST /api/v1/models/load`,
//! `/v1/models`, `/v1/responses` (≥ 0.3.29: the scripted answer from any downloaded chat model,
//! loaded or not, as LM Studio loads on demand; its refusal for other model ids), API tokens,
//! Express's headers and the "Unexpected endpoint or method" reply for every unknown route.
//!
//! `POST /api/v1/chat` (≥ 0.4.0) answers "OK." in its documented non-streaming shape.
//!
//! Just-in-time loading: a request to a downloaded model that is not loaded waits
//! [`Script::jit_delay`], then the model is loaded (with `/api/v1/chat`'s `context_length`, else
//! LM Studio's default 4096) with the request's `ttl`; `POST /api/v1/models/load` marks a model pinned. [`start_with_state`] gives a
//! [`Models`] handle to read both. Downloads (≥ 0.4.0) are in `lmstudio_jobs.rs`.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};

pub use crate::lmstudio_jobs::Downloads;
use crate::lmstudio_jobs::Jobs;
pub use crate::lmstudio_script::{Kind, Model, Script};
use crate::server::{record, FakeServer, RequestLog};

struct Shared {
    script: Script,
    version: (u32, u32, u32),
    models: Mutex<Vec<Model>>,
    jobs: Mutex<Jobs>,
    log: RequestLog,
}

/// The fake's model state, for tests to read (pinned, TTL, loaded).
#[derive(Clone)]
pub struct Models(Arc<Shared>);

impl Models {
    /// Model `key` as the fake holds it now.
    pub fn model(&self, key: &str) -> Option<Model> {
        let models = self.0.models.lock().ok()?;
        models.iter().find(|m| m.key == key).cloned()
    }
}

fn version(text: &str) -> (u32, u32, u32) {
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// Starts the fake on a free loopback port; clients use `url()` (`/v1` for OpenAI routes).
pub fn start(script: Script) -> std::io::Result<FakeServer> {
    start_with_state(script).map(|(server, _)| server)
}

/// [`start`], with a handle on the fake's model state.
pub fn start_with_state(script: Script) -> std::io::Result<(FakeServer, Models)> {
    let log = RequestLog::default();
    let shared = Arc::new(Shared {
        version: version(&script.version),
        models: Mutex::new(script.models.clone()),
        jobs: Mutex::new(Jobs::default()),
        script,
        log: log.clone(),
    });
    let server = FakeServer::spawn(
        Router::new().fallback(handle).with_state(shared.clone()),
        log,
    )?;
    Ok((server, Models(shared)))
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = record(&shared.log, &method, &uri, &headers, &body);
    // Express: case-insensitive routes, one trailing slash ignored, HEAD works for GET routes.
    let path = uri.path().to_ascii_lowercase();
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(&path);
    let get = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    let v = shared.version;
    if get && path == "/lmstudio-greeting" {
        return reply(200, &json!({"lmstudio": true}));
    }
    if get && path == "/lms-status" && v >= (0, 4, 0) {
        return reply(
            200,
            &json!({"package": "lmstudio", "version": shared.script.version}),
        );
    }
    let known = match path {
        "/v1/models" => get,
        "/api/v0/models" => get && v >= (0, 3, 6),
        "/v1/responses" => post && v >= (0, 3, 29),
        "/api/v1/chat" => post && v >= (0, 4, 0),
        "/api/v1/models" => get && v >= (0, 4, 0),
        "/api/v1/models/load" | "/api/v1/models/download" => post && v >= (0, 4, 0),
        "/api/v1/models/download/status" => get && v >= (0, 4, 0),
        p if p.starts_with("/api/v1/models/download/status/") => get && v >= (0, 4, 0),
        _ => false,
    };
    if !known {
        let message = format!("Unexpected endpoint or method. ({} {})", method, uri.path());
        return reply(200, &json!({"error": message}));
    }
    if let Some(token) = &shared.script.token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if sent != Some(format!("Bearer {token}").as_str()) {
            return reply(
                401,
                &json!({"error": {"type": "invalid_request", "message": "An LM Studio API token is required to make requests to this server, but none was provided using the Authorization header using the 'Bearer' scheme (i.e., 'Authorization: Bearer $LM_API_TOKEN'). Learn more at: https://lmstudio.ai/docs/developer/core/authentication.", "code": "invalid_api_key"}}),
            );
        }
    }
    let models = shared.models.lock().map(|m| m.clone()).unwrap_or_default();
    match path {
        "/v1/models" => {
            let data: Vec<Value> = models
                .iter()
                .map(|m| json!({"id": m.key, "object": "model", "owned_by": "organization_owner"}))
                .collect();
            reply(200, &json!({"data": data, "object": "list"}))
        }
        "/api/v0/models" => {
            let data: Vec<Value> = models.iter().map(|m| v0_model(m, v)).collect();
            reply(200, &json!({"object": "list", "data": data}))
        }
        "/api/v1/models" => {
            let list: Vec<Value> = models.iter().map(v1_model).collect();
            reply(200, &json!({"models": list}))
        }
        "/v1/responses" | "/api/v1/chat" => {
            let request: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let model = request["model"].as_str().unwrap_or_default();
            let chat_model = models
                .iter()
                .find(|m| m.key == model && m.kind != Kind::Embedding);
            if let Some(found) = chat_model {
                if !shared.script.jit && found.loaded_context.is_none() {
                    // As LM Studio ≥ 0.4 words it (shared/reference/lmstudio-api.md).
                    return reply(
                        400,
                        &json!({"error": {"message": "No models loaded. Please load a model in the developer page or use the 'lms load' command.", "type": "invalid_request_error", "param": "model", "code": null}}),
                    );
                }
                // Loaded first: a model that crashes while generating was loaded to do so.
                if found.loaded_context.is_none() {
                    let context = request["context_length"].as_u64();
                    jit_load(&shared, model, request["ttl"].as_u64(), context).await;
                }
                if let Some((status, message)) = &found.chat_error {
                    return reply(
                        *status,
                        &json!({"error": {"message": message, "type": "server_error"}}),
                    );
                }
                if path == "/api/v1/chat" {
                    // The documented non-streaming reply (`developer/rest/chat`), one short
                    // message; `store: false` leaves out `thread_id`.
                    let mut body = json!({"model_instance_id": model,
                        "output": [{"type": "message", "content": "OK."}],
                        "stats": {"input_tokens": 9, "total_output_tokens": 1,
                            "reasoning_output_tokens": 0, "tokens_per_second": 20.0,
                            "time_to_first_token_seconds": 0.05}});
                    if request["store"] != json!(false) {
                        body["thread_id"] = json!("thread_0f1e2d3c4b5a69788796a5b4c3d2e1f0");
                    }
                    return reply(200, &body);
                }
                let disconnects = Arc::new(std::sync::atomic::AtomicUsize::new(0));
                return crate::responses::answer(
                    &shared.script.answer,
                    model,
                    &request,
                    disconnects,
                );
            }
            let message = format!(
                "Invalid model identifier \"{model}\". Please specify a valid downloaded model."
            );
            reply(
                400,
                &json!({"error": {"message": message, "type": "invalid_request_error", "param": "model", "code": "model_not_found"}}),
            )
        }
        "/api/v1/models/load" => load(&shared, &text).await,
        _ => {
            let request: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let job_id = path.strip_prefix("/api/v1/models/download/status/");
            let downloads = &shared.script.downloads;
            let (Ok(mut jobs), Ok(mut models)) = (shared.jobs.lock(), shared.models.lock()) else {
                return reply(500, &json!({"error": "poisoned"}));
            };
            // The job id as sent (the path was lower-cased for matching).
            let job_id = job_id.map(|_| &uri.path()["/api/v1/models/download/status/".len()..]);
            let (status, body) = if path == "/api/v1/models/download" {
                jobs.start(downloads, &mut models, &request)
            } else {
                jobs.status(downloads, &mut models, job_id)
            };
            reply(status, &body)
        }
    }
}

/// A just-in-time load: takes [`Script::jit_delay`], then `key` is loaded with `ttl` and
/// `context` (from `/api/v1/chat`'s `context_length`; else LM Studio's default 4096).
async fn jit_load(shared: &Shared, key: &str, ttl: Option<u64>, context: Option<u64>) {
    tokio::time::sleep(shared.script.jit_delay).await;
    if let Ok(mut models) = shared.models.lock() {
        if let Some(m) = models.iter_mut().find(|m| m.key == key) {
            m.loaded_context = Some(context.unwrap_or(4096).min(m.max_context));
            m.ttl = ttl;
        }
    }
}

async fn load(shared: &Shared, text: &str) -> Response {
    let request: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let key = request["model"].as_str().unwrap_or_default().to_owned();
    let known = shared
        .models
        .lock()
        .map(|m| m.iter().any(|m| m.key == key))
        .unwrap_or(false);
    if !known {
        return reply(
            404,
            &json!({"error": {"type": "model_not_found", "message": format!("Model \"{key}\" not found")}}),
        );
    }
    tokio::time::sleep(shared.script.load_delay).await;
    let context = request["context_length"].as_u64().unwrap_or(4096);
    let mut kind = "llm";
    if let Ok(mut models) = shared.models.lock() {
        if let Some(m) = models.iter_mut().find(|m| m.key == key) {
            m.loaded_context = Some(context.min(m.max_context));
            m.pinned = true;
            if m.kind == Kind::Embedding {
                kind = "embedding";
            }
        }
    }
    let mut body = json!({"type": kind, "instance_id": key, "load_time_seconds": shared.script.load_delay.as_secs_f64(), "status": "loaded"});
    if request["echo_load_config"] == json!(true) {
        body["load_config"] = json!({"context_length": context, "eval_batch_size": 512, "flash_attention": true, "offload_kv_cache_to_gpu": true});
    }
    reply(200, &body)
}

fn v1_model(m: &Model) -> Value {
    let instances: Vec<Value> = m
        .loaded_context
        .map(|ctx| json!({"id": m.key, "config": {"context_length": ctx, "eval_batch_size": 512, "flash_attention": true, "offload_kv_cache_to_gpu": true}}))
        .into_iter()
        .collect();
    let publisher = m.key.split('/').next().unwrap_or_default();
    let mut v = json!({
        "type": if m.kind == Kind::Embedding { "embedding" } else { "llm" },
        "publisher": publisher, "key": m.key, "display_name": m.display_name,
        "quantization": {"name": m.quant, "bits_per_weight": m.bits},
        "size_bytes": 5_030_000_000_u64, "params_string": if m.params.is_empty() { Value::Null } else { json!(m.params) },
        "loaded_instances": instances, "max_context_length": m.max_context, "format": m.format,
    });
    if m.kind != Kind::Embedding {
        v["architecture"] = json!(m.arch);
        v["description"] = Value::Null;
        let mut caps = json!({"vision": m.kind == Kind::Vlm, "trained_for_tool_use": m.tool_use});
        if m.reasoning {
            caps["reasoning"] = json!({"allowed_options": ["off", "on"], "default": "on"});
        }
        v["capabilities"] = caps;
    }
    v
}

fn v0_model(m: &Model, v: (u32, u32, u32)) -> Value {
    let kind = match m.kind {
        Kind::Llm => "llm",
        Kind::Vlm => "vlm",
        Kind::Embedding => "embeddings",
    };
    let mut out = json!({
        "id": m.key, "object": "model", "type": kind,
        "publisher": m.key.split('/').next().unwrap_or_default(), "arch": m.arch,
        "compatibility_type": m.format, "quantization": m.quant,
        "state": if m.loaded_context.is_some() { "loaded" } else { "not-loaded" },
        "max_context_length": m.max_context,
    });
    if let Some(ctx) = m.loaded_context {
        out["loaded_context_length"] = json!(ctx);
    }
    if v >= (0, 3, 16) && m.kind != Kind::Embedding {
        let caps: Vec<&str> = if m.tool_use { vec!["tool_use"] } else { vec![] };
        out["capabilities"] = json!(caps);
    }
    out
}

fn reply(status: u16, body: &Value) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header("x-powered-by", "Express")
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .header(header::CONNECTION, "keep-alive")
        .header("keep-alive", "timeout=5")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

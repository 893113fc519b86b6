//! A fake LM Studio server, wire-exact to `shared/reference/lmstudio-api.md`: the greeting,
//! `/lms-status`, REST v1 (≥ 0.4.0) and v0 (≥ 0.3.6) model lists, `POST /api/v1/models/load`,
//! `/v1/models`, `/v1/responses` (≥ 0.3.29: the scripted answer from any downloaded chat model,
//! loaded or not, as LM Studio loads on demand; its refusal for other model ids), API tokens,
//! Express's headers and the "Unexpected endpoint or method" reply for every unknown route.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};

use crate::openai;
use crate::server::{record, FakeServer, RequestLog};

/// What a model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text chat.
    Llm,
    /// Chat with vision.
    Vlm,
    /// Embeddings.
    Embedding,
}

/// One downloaded model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The model key (`qwen/qwen3-8b`).
    pub key: String,
    /// Display name.
    pub display_name: String,
    /// What it is.
    pub kind: Kind,
    /// Architecture.
    pub arch: String,
    /// Quantization name (`Q4_K_M`, `4bit`).
    pub quant: String,
    /// Bits per weight.
    pub bits: f64,
    /// Parameter count text (`8B`).
    pub params: String,
    /// Max context length.
    pub max_context: u64,
    /// Loaded with this context length; `None` when not loaded.
    pub loaded_context: Option<u64>,
    /// `gguf` or `mlx`.
    pub format: String,
    /// Trained for tool use.
    pub tool_use: bool,
    /// A reasoning model.
    pub reasoning: bool,
    /// When set, chat requests to this model fail with this status and message (a model that
    /// crashed or cannot be loaded).
    pub chat_error: Option<(u16, String)>,
}

impl Model {
    /// A GGUF text model, not loaded.
    pub fn llm(key: &str, params: &str, quant: &str, bits: f64, max_context: u64) -> Self {
        Model {
            key: key.to_owned(),
            display_name: key.rsplit('/').next().unwrap_or(key).to_owned(),
            kind: Kind::Llm,
            arch: "qwen3".to_owned(),
            quant: quant.to_owned(),
            bits,
            params: params.to_owned(),
            max_context,
            loaded_context: None,
            format: "gguf".to_owned(),
            tool_use: true,
            reasoning: false,
            chat_error: None,
        }
    }

    /// Loaded with `context` tokens.
    pub fn loaded(mut self, context: u64) -> Self {
        self.loaded_context = Some(context);
        self
    }

    /// With this kind.
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// Without tool-use training.
    pub fn no_tools(mut self) -> Self {
        self.tool_use = false;
        self
    }

    /// A reasoning model.
    pub fn reasoning(mut self) -> Self {
        self.reasoning = true;
        self
    }

    /// Chat requests to it fail with `status` and `message`.
    pub fn chat_fails(mut self, status: u16, message: &str) -> Self {
        self.chat_error = Some((status, message.to_owned()));
        self
    }
}

/// What the fake serves.
#[derive(Debug, Clone)]
pub struct Script {
    /// LM Studio version; gates the endpoints as the API changelog says.
    pub version: String,
    /// Downloaded models.
    pub models: Vec<Model>,
    /// When set, every route but the greeting and `/lms-status` needs `Bearer <token>`.
    pub token: Option<String>,
    /// How long `POST /api/v1/models/load` takes.
    pub load_delay: Duration,
    /// How chat models answer `/v1/responses` (its `models` list is not used: the downloaded
    /// models are); the default answers "OK.".
    pub answer: openai::Script,
    /// Just-in-time loading (on by default): a chat request loads its model. Off, a request
    /// for a model that is not loaded gets LM Studio's "No models loaded" 400.
    pub jit: bool,
}

impl Script {
    /// LM Studio 0.4.2 with a loaded Qwen3 8B (32K of 128K, tools, reasoning), a not-loaded
    /// vision model and an embedding model.
    pub fn v1() -> Self {
        Script {
            version: "0.4.2".to_owned(),
            models: vec![
                Model::llm("qwen/qwen3-8b", "8B", "Q4_K_M", 4.0, 131_072)
                    .loaded(32_768)
                    .reasoning(),
                Model::llm("google/gemma-3-27b", "27B", "Q4_K_M", 4.0, 131_072)
                    .kind(Kind::Vlm)
                    .no_tools(),
                Model::llm(
                    "text-embedding-nomic-embed-text-v1.5",
                    "",
                    "Q4_K_M",
                    4.0,
                    2048,
                )
                .kind(Kind::Embedding),
            ],
            token: None,
            load_delay: Duration::ZERO,
            answer: openai::Script::reply("OK."),
            jit: true,
        }
    }

    /// LM Studio 0.3.20: v0 REST API only, no `/v1/responses`, no `/lms-status`.
    pub fn v0() -> Self {
        Script {
            version: "0.3.20".to_owned(),
            ..Script::v1()
        }
    }

    /// With this version.
    pub fn version(mut self, version: &str) -> Self {
        self.version = version.to_owned();
        self
    }

    /// With these models.
    pub fn models(mut self, models: Vec<Model>) -> Self {
        self.models = models;
        self
    }

    /// Every model unloaded.
    pub fn nothing_loaded(mut self) -> Self {
        for m in &mut self.models {
            m.loaded_context = None;
        }
        self
    }

    /// Requires an API token.
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Loads take `delay`.
    pub fn load_delay(mut self, delay: Duration) -> Self {
        self.load_delay = delay;
        self
    }

    /// Just-in-time loading off: chat requests need their model loaded first.
    pub fn jit_off(mut self) -> Self {
        self.jit = false;
        self
    }

    /// Chat models answer as `answer` says (its reply, chunking, usage, reasoning, fault).
    pub fn answer(mut self, answer: openai::Script) -> Self {
        self.answer = answer;
        self
    }

    /// Makes `key` fail its chat requests with `status` and `message`.
    pub fn chat_fails(mut self, key: &str, status: u16, message: &str) -> Self {
        for m in &mut self.models {
            if m.key == key {
                *m = m.clone().chat_fails(status, message);
            }
        }
        self
    }
}

struct Shared {
    script: Script,
    version: (u32, u32, u32),
    models: Mutex<Vec<Model>>,
    log: RequestLog,
}

fn version(text: &str) -> (u32, u32, u32) {
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// Starts the fake on a free loopback port; clients use `url()` (`/v1` for OpenAI routes).
pub fn start(script: Script) -> std::io::Result<FakeServer> {
    let log = RequestLog::default();
    let shared = Arc::new(Shared {
        version: version(&script.version),
        models: Mutex::new(script.models.clone()),
        script,
        log: log.clone(),
    });
    FakeServer::spawn(Router::new().fallback(handle).with_state(shared), log)
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
        "/api/v1/models" => get && v >= (0, 4, 0),
        "/api/v1/models/load" => post && v >= (0, 4, 0),
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
        "/v1/responses" => {
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
                if let Some((status, message)) = &found.chat_error {
                    return reply(
                        *status,
                        &json!({"error": {"message": message, "type": "server_error"}}),
                    );
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
        _ => load(&shared, &text).await,
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

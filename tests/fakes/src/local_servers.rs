//! Fakes of the other local servers, each with its own fingerprint routes and error bodies:
//! Ollama (`/api/version`, `/api/tags`, `/api/ps`, `POST /api/show`), vLLM (`/version`,
//! `/v1/models` with `owned_by: "vllm"` and `max_model_len`), llama.cpp's `llama-server`
//! (`/health`, `/props`, `/v1/models` with `meta`), the LiteLLM proxy (`/health/liveliness`,
//! `/health/readiness`, key-protected `/v1/models`) and Jan (`/v1/models`).
//!
//! The llama.cpp fake was checked against the real `llama-server` (b11434, see
//! [`crate::llama`]), and these differences were fixed: while loading, the real server answers
//! 503 "Loading model" on every route, `/props` included; with `--api-key` every route but
//! `/health` answers 401 `authentication_error`; `/props`' `default_generation_settings` holds
//! only `params` and the per-slot `n_ctx`, beside `model_alias`, `model_ftype` and
//! `is_sleeping`; `/v1/models` entries carry `aliases`, `tags`, `architecture` and `meta.n_ctx`
//! / `meta.ftype`; replies are `application/json; charset=utf-8`. Kept on purpose: the fake
//! lists its model under a bare file name, as the real server does when started with
//! `--alias` (without it the id is the model path as given), and reports a git build
//! (`b6700-…`) where a build from the PyPI source package says `b0-unknown`.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};

use crate::server::{record, FakeServer, RequestLog};

/// One model of a local server.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Its id / tag (`qwen3:8b`, `Qwen/Qwen3-8B`).
    pub id: String,
    /// Architecture / family.
    pub family: String,
    /// Parameter count text (`8.2B`).
    pub params: String,
    /// Quantization (`Q4_K_M`).
    pub quant: String,
    /// Trained context length.
    pub max_context: u64,
    /// Loaded with this context (Ollama `/api/ps`; vLLM and llama.cpp always load).
    pub loaded_context: Option<u64>,
    /// Ollama capabilities (`completion`, `tools`, `vision`, `thinking`, `embedding`).
    pub capabilities: Vec<String>,
}

impl Model {
    /// A text model with tools.
    pub fn new(id: &str, params: &str, quant: &str, max_context: u64) -> Self {
        Model {
            id: id.to_owned(),
            family: "qwen3".to_owned(),
            params: params.to_owned(),
            quant: quant.to_owned(),
            max_context,
            loaded_context: None,
            capabilities: vec!["completion".to_owned(), "tools".to_owned()],
        }
    }

    /// Loaded with `context` tokens.
    pub fn loaded(mut self, context: u64) -> Self {
        self.loaded_context = Some(context);
        self
    }

    /// With these Ollama capabilities.
    pub fn capabilities(mut self, caps: &[&str]) -> Self {
        self.capabilities = caps.iter().map(|c| (*c).to_owned()).collect();
        self
    }
}

/// Which server to fake, with its settings.
#[derive(Debug, Clone)]
pub enum Server {
    /// Ollama at `version`.
    Ollama {
        /// `/api/version`.
        version: String,
        /// Pulled models.
        models: Vec<Model>,
    },
    /// vLLM serving one model with `max_model_len`.
    Vllm {
        /// The served model.
        model: Model,
        /// `--api-key`, when set.
        api_key: Option<String>,
    },
    /// `llama-server` with one model loaded at `n_ctx` (or still loading).
    LlamaCpp {
        /// The model (`loaded_context` is `n_ctx`).
        model: Model,
        /// Every route answers 503 "Loading model".
        loading: bool,
        /// `--api-key`: every route but `/health` wants it.
        api_key: Option<String>,
    },
    /// The LiteLLM proxy with a master key.
    LiteLlm {
        /// Model names.
        models: Vec<String>,
        /// `general_settings.master_key`.
        master_key: String,
    },
    /// Jan's local API server.
    Jan {
        /// Model ids.
        models: Vec<String>,
    },
}

struct Shared {
    server: Server,
    log: RequestLog,
}

/// Starts the fake on a free loopback port.
pub fn start(server: Server) -> std::io::Result<FakeServer> {
    let log = RequestLog::default();
    let shared = Arc::new(Shared {
        server,
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
    let path = uri.path();
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match &shared.server {
        Server::Ollama { version, models } => ollama(&method, path, &text, version, models),
        Server::Vllm { model, api_key } => vllm(path, model, api_key.as_deref(), auth.as_deref()),
        Server::LlamaCpp {
            model,
            loading,
            api_key,
        } => llamacpp(path, model, *loading, api_key.as_deref(), auth.as_deref()),
        Server::LiteLlm { models, master_key } => litellm(path, models, master_key, auth.as_deref()),
        Server::Jan { models } => match path {
            "/v1/models" => json_reply(200, &openai_list(models.iter().map(|m| json!({"id": m, "object": "model", "created": 1_754_000_000, "owned_by": "user"})))),
            _ => json_reply(404, &json!({"error": "Not Found"})),
        },
    }
}

fn openai_list(items: impl Iterator<Item = Value>) -> Value {
    json!({"object": "list", "data": items.collect::<Vec<_>>()})
}

fn ollama_details(m: &Model) -> Value {
    json!({"parent_model": "", "format": "gguf", "family": m.family, "families": [m.family], "parameter_size": m.params, "quantization_level": m.quant})
}

fn ollama(method: &Method, path: &str, text: &str, version: &str, models: &[Model]) -> Response {
    let entry = |m: &Model| json!({"name": m.id, "model": m.id, "modified_at": "2026-10-01T10:00:00.000000000Z", "size": 5_225_376_047_u64, "digest": "500a1f067a9f782620b40bee6f7b0c89e17ae61f686b92c24933e4ca4b2b8b41", "details": ollama_details(m)});
    match (method.as_str(), path) {
        ("GET", "/") => text_reply(200, "Ollama is running"),
        ("GET", "/api/version") => json_reply(200, &json!({"version": version})),
        ("GET", "/api/tags") => json_reply(200, &json!({"models": models.iter().map(entry).collect::<Vec<_>>()})),
        ("GET", "/api/ps") => {
            let running: Vec<Value> = models
                .iter()
                .filter_map(|m| {
                    let mut e = entry(m);
                    e["expires_at"] = json!("2026-10-01T10:05:00Z");
                    e["size_vram"] = json!(5_225_376_047_u64);
                    e["context_length"] = json!(m.loaded_context?);
                    Some(e)
                })
                .collect();
            json_reply(200, &json!({"models": running}))
        }
        ("POST", "/api/show") => {
            let request: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            let name = request["model"].as_str().or(request["name"].as_str()).unwrap_or_default();
            let Some(m) = models.iter().find(|m| m.id == name) else {
                return json_reply(404, &json!({"error": format!("model '{name}' not found")}));
            };
            let mut info = serde_json::Map::new();
            info.insert("general.architecture".into(), json!(m.family));
            info.insert("general.parameter_count".into(), json!(8_190_735_360_u64));
            info.insert(format!("{}.context_length", m.family), json!(m.max_context));
            info.insert(format!("{}.embedding_length", m.family), json!(4096));
            json_reply(200, &json!({"modelfile": "# Modelfile", "parameters": "temperature 0.6", "template": "{{ .Prompt }}", "details": ollama_details(m), "model_info": info, "capabilities": m.capabilities, "modified_at": "2026-10-01T10:00:00Z"}))
        }
        ("GET", "/v1/models") => json_reply(200, &openai_list(models.iter().map(|m| json!({"id": m.id, "object": "model", "created": 1_759_000_000, "owned_by": "library"})))),
        _ => text_reply(404, "404 page not found"),
    }
}

fn vllm(path: &str, model: &Model, api_key: Option<&str>, auth: Option<&str>) -> Response {
    match path {
        "/version" => json_reply(200, &json!({"version": "0.11.0"})),
        "/health" => text_reply(200, ""),
        "/v1/models" => {
            if let Some(key) = api_key {
                if auth != Some(format!("Bearer {key}").as_str()) {
                    return json_reply(401, &json!({"error": "Unauthorized"}));
                }
            }
            let entry = json!({"id": model.id, "object": "model", "created": 1_759_000_000, "owned_by": "vllm", "root": model.id, "parent": null, "max_model_len": model.loaded_context.unwrap_or(model.max_context), "permission": [{"id": "modelperm-0f3c5e", "object": "model_permission", "created": 1_759_000_000, "allow_create_engine": false, "allow_sampling": true, "allow_logprobs": true, "allow_search_indices": false, "allow_view": true, "allow_fine_tuning": false, "organization": "*", "group": null, "is_blocking": false}]});
            json_reply(200, &openai_list(std::iter::once(entry)))
        }
        _ => json_reply(404, &json!({"detail": "Not Found"})),
    }
}

fn llamacpp(
    path: &str,
    model: &Model,
    loading: bool,
    api_key: Option<&str>,
    auth: Option<&str>,
) -> Response {
    let json = "application/json; charset=utf-8";
    if loading {
        return reply(
            503,
            json,
            json!({"error": {"message": "Loading model", "type": "unavailable_error", "code": 503}}).to_string(),
        );
    }
    if let Some(key) = api_key {
        let public = matches!(path, "/health" | "/v1/health");
        if !public && auth != Some(format!("Bearer {key}").as_str()) {
            return reply(
                401,
                json,
                json!({"error": {"message": "Invalid API Key", "type": "authentication_error", "code": 401}}).to_string(),
            );
        }
    }
    let n_ctx = model.loaded_context.unwrap_or(4096);
    match path {
        "/health" | "/v1/health" => reply(200, json, json!({"status": "ok"}).to_string()),
        "/props" => reply(
            200,
            json,
            json!({"default_generation_settings": {"params": {"seed": 4_294_967_295_u32, "temperature": 0.8, "n_predict": -1}, "n_ctx": n_ctx}, "total_slots": 1, "model_alias": model.id, "model_ftype": "Q4_K - Medium", "model_path": format!("/models/{}", model.id), "modalities": {"vision": false, "video": false, "audio": false}, "media_marker": "<__media__>", "endpoint_slots": true, "endpoint_props": false, "endpoint_metrics": false, "ui": false, "chat_template": "{% for message in messages %}…{% endfor %}", "bos_token": "<|endoftext|>", "eos_token": "<|im_end|>", "build_info": "b6700-3df2244d", "is_sleeping": false, "cors_proxy_enabled": false}).to_string(),
        ),
        "/v1/models" | "/models" => {
            let entry = json!({"id": model.id, "aliases": [model.id], "tags": [], "object": "model", "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]}, "created": 1_759_000_000, "owned_by": "llamacpp", "meta": {"vocab_type": 2, "n_vocab": 151_936, "n_ctx": n_ctx, "n_ctx_train": model.max_context, "n_embd": 4096, "n_params": 8_190_735_360_u64, "size": 5_027_783_488_u64, "ftype": "Q4_K - Medium"}});
            let mut list = json!({"models": [{"name": model.id, "model": model.id, "modified_at": "", "size": "", "digest": "", "type": "model", "description": "", "tags": [""], "capabilities": ["completion"], "parameters": "", "details": {"parent_model": "", "format": "gguf", "family": "", "families": [""], "parameter_size": "", "quantization_level": ""}}]});
            list["object"] = json!("list");
            list["data"] = json!([entry]);
            reply(200, json, list.to_string())
        }
        _ => reply(
            404,
            json,
            json!({"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}}).to_string(),
        ),
    }
}

fn litellm(path: &str, models: &[String], key: &str, auth: Option<&str>) -> Response {
    match path {
        "/health/liveliness" => json_reply(200, &json!("I'm alive!")),
        "/health/readiness" => json_reply(
            200,
            &json!({"status": "healthy", "db": "Not connected", "cache": null, "litellm_version": "1.108.7", "success_callbacks": [], "use_aiohttp_transport": true}),
        ),
        "/v1/models" | "/models" => {
            if auth != Some(format!("Bearer {key}").as_str()) {
                return json_reply(
                    401,
                    &json!({"error": {"message": "Authentication Error, No api key passed in.", "type": "auth_error", "param": "None", "code": "401"}}),
                );
            }
            json_reply(
                200,
                &json!({"data": models.iter().map(|m| json!({"id": m, "object": "model", "created": 1_677_610_602, "owned_by": "openai"})).collect::<Vec<_>>(), "object": "list"}),
            )
        }
        _ => json_reply(404, &json!({"detail": "Not Found"})),
    }
}

pub(crate) fn json_reply(status: u16, body: &Value) -> Response {
    reply(status, "application/json", body.to_string())
}

pub(crate) fn text_reply(status: u16, body: &str) -> Response {
    reply(status, "text/plain; charset=utf-8", body.to_owned())
}

pub(crate) fn reply(status: u16, content_type: &str, body: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

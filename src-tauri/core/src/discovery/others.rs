//! Fingerprints of the other local servers: Ollama, vLLM, llama.cpp, LiteLLM, Jan, and generic
//! OpenAI-compatible base URLs the user adds.

use serde_json::{json, Value};

use super::http::{Http, ProbeError, Reply};
use super::types::{DetectedModel, DetectedServer, ModelType, ServerKind, Status};
use super::warnings;

const COMPLETIONS: &str = "openai-completions";

/// The first reply of a probe, or the server entry that ends it.
fn first(
    kind: ServerKind,
    base: &str,
    reply: Result<Reply, ProbeError>,
    http: &Http,
) -> Result<Reply, Box<DetectedServer>> {
    match reply {
        Ok(reply) => Ok(reply),
        Err(ProbeError::Refused) => Err(Box::new(DetectedServer::new(
            kind,
            base,
            Status::NotRunning,
        ))),
        Err(e) => Err(Box::new(
            DetectedServer::new(kind, base, Status::Error).with_detail(e.describe(http.timeout)),
        )),
    }
}

fn other(kind: ServerKind, base: &str, what: &str, reply: &Reply) -> DetectedServer {
    DetectedServer::new(kind, base, Status::OtherService).with_detail(format!(
        "port in use by another service ({what}: {})",
        reply.summary()
    ))
}

fn running(kind: ServerKind, base: &str, reason: &str) -> DetectedServer {
    let mut server = DetectedServer::new(kind, base, Status::Running);
    server.api = Some(COMPLETIONS.to_owned());
    server.api_reason = Some(reason.to_owned());
    server
}

fn finish(mut server: DetectedServer) -> DetectedServer {
    for model in &mut server.models {
        warnings::attach(model);
    }
    server
}

fn data(reply: &Reply) -> Option<Vec<Value>> {
    if !reply.ok() {
        return None;
    }
    reply.json()?.get("data")?.as_array().cloned()
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

fn needs_key(server: &mut DetectedServer, hint: &str) {
    server.needs_key = true;
    server.detail = Some(format!("needs an API key to list models ({hint})"));
}

/// The first probe of a server that answers `GET {origin}{path}` with `{"version": …}`: its
/// base URL and version, or the result to report (not running, another service, …).
async fn version_probe(
    http: &Http,
    kind: ServerKind,
    origin: &str,
    path: &str,
) -> Result<(String, String), Box<DetectedServer>> {
    let base = format!("{origin}/v1");
    let reply = first(kind, &base, http.get(format!("{origin}{path}")).await, http)?;
    match reply
        .json()
        .filter(|_| reply.ok())
        .and_then(|v| text(&v["version"]))
    {
        Some(version) => Ok((base, version)),
        None => Err(Box::new(other(kind, &base, &format!("GET {path}"), &reply))),
    }
}

/// Ollama: `GET /api/version`, models from `/api/tags`, loaded ones from `/api/ps`, context and
/// capabilities from `POST /api/show`.
pub(crate) async fn ollama(http: &Http, origin: &str) -> DetectedServer {
    let kind = ServerKind::Ollama;
    let (base, version) = match version_probe(http, kind, origin, "/api/version").await {
        Ok(found) => found,
        Err(result) => return *result,
    };
    let mut server = running(
        kind,
        &base,
        "Ollama serves OpenAI chat completions under /v1",
    );
    server.version = Some(version);
    let (tags, ps) = tokio::join!(
        http.get(format!("{origin}/api/tags")),
        http.get(format!("{origin}/api/ps")),
    );
    let array = |r: &Result<Reply, ProbeError>| {
        r.as_ref()
            .ok()
            .and_then(Reply::json)
            .and_then(|v| v["models"].as_array().cloned())
            .unwrap_or_default()
    };
    let loaded = array(&ps);
    let show_url = format!("{origin}/api/show");
    let shows = futures_util::future::join_all(array(&tags).into_iter().map(|tag| {
        let show_url = show_url.clone();
        async move {
            let name = text(&tag["name"])
                .or_else(|| text(&tag["model"]))
                .unwrap_or_default();
            let show = http
                .post(&show_url, &json!({"model": name}), http.timeout)
                .await
                .ok()
                .filter(Reply::ok)
                .and_then(|r| r.json())
                .unwrap_or(Value::Null);
            (tag, show)
        }
    }))
    .await;
    server.models = shows
        .iter()
        .map(|(tag, show)| ollama_model(tag, show, &loaded))
        .collect();
    finish(server)
}

fn ollama_model(tag: &Value, show: &Value, loaded: &[Value]) -> DetectedModel {
    let id = text(&tag["name"])
        .or_else(|| text(&tag["model"]))
        .unwrap_or_default();
    let mut model = DetectedModel::bare(id.clone());
    let details = &tag["details"];
    model.quantization = text(&details["quantization_level"]);
    model.params = text(&details["parameter_size"]);
    model.format = text(&details["format"]);
    model.arch =
        text(&show["model_info"]["general.architecture"]).or_else(|| text(&details["family"]));
    model.max_context_window = show["model_info"].as_object().and_then(|info| {
        info.iter()
            .find(|(k, _)| k.ends_with(".context_length"))
            .and_then(|(_, v)| v.as_u64())
    });
    let running = loaded
        .iter()
        .find(|m| text(&m["name"]).as_deref() == Some(id.as_str()));
    model.loaded = Some(running.is_some());
    model.loaded_context_window = running.and_then(|m| m["context_length"].as_u64());
    model.context_window = model.loaded_context_window.or(model.max_context_window);
    if let Some(caps) = show["capabilities"].as_array() {
        let has = |c: &str| caps.iter().any(|x| x == c);
        model.model_type = if has("embedding") && !has("completion") {
            ModelType::Embeddings
        } else if has("vision") {
            ModelType::Vlm
        } else {
            ModelType::Llm
        };
        if model.is_chat() {
            model.tool_use = Some(has("tools"));
            model.reasoning = Some(has("thinking"));
        }
    }
    model
}

/// vLLM: `GET /version`, then `/v1/models` entries `owned_by: "vllm"` with `max_model_len`.
pub(crate) async fn vllm(http: &Http, origin: &str) -> DetectedServer {
    let kind = ServerKind::Vllm;
    let (base, version) = match version_probe(http, kind, origin, "/version").await {
        Ok(found) => found,
        Err(result) => return *result,
    };
    let models = match http.get(format!("{base}/models")).await {
        Ok(r) if r.status == 401 => None,
        Ok(r) => match data(&r) {
            Some(d) if d.iter().all(|m| m["owned_by"] == "vllm") => Some(d),
            _ => return other(kind, &base, "GET /v1/models", &r),
        },
        Err(e) => {
            return DetectedServer::new(kind, &base, Status::Error)
                .with_detail(e.describe(http.timeout))
        }
    };
    let mut server = running(
        kind,
        &base,
        "vLLM's OpenAI-compatible server: chat completions",
    );
    server.version = Some(version);
    match models {
        None => needs_key(&mut server, "the --api-key vLLM was started with"),
        Some(models) => {
            server.models = models
                .iter()
                .filter_map(|m| {
                    let mut model = DetectedModel::bare(text(&m["id"])?);
                    model.loaded = Some(true);
                    model.max_context_window = m["max_model_len"].as_u64();
                    model.loaded_context_window = model.max_context_window;
                    model.context_window = model.max_context_window;
                    Some(model)
                })
                .collect();
        }
    }
    finish(server)
}

/// llama.cpp's `llama-server`: `GET /health`, `GET /props` (the per-slot `n_ctx`, the build,
/// `is_sleeping`: the model unloaded after `--sleep-idle-seconds`), `/v1/models` (`meta`).
pub(crate) async fn llamacpp(http: &Http, origin: &str) -> DetectedServer {
    let kind = ServerKind::LlamaCpp;
    let base = format!("{origin}/v1");
    let health = match first(
        kind,
        &base,
        http.get(format!("{origin}/health")).await,
        http,
    ) {
        Ok(r) => r,
        Err(s) => return *s,
    };
    let health_json = health.json().unwrap_or(Value::Null);
    let loading = health.status == 503 && health_json["error"]["type"] == "unavailable_error";
    if !(loading || health.ok() && health_json["status"] == "ok") {
        return other(kind, &base, "GET /health", &health);
    }
    let (props, models) = tokio::join!(
        http.get(format!("{origin}/props")),
        http.get(format!("{base}/models")),
    );
    let props_reply = props.ok();
    // `--api-key` guards everything but /health, with llama.cpp's own error type.
    let locked = props_reply.as_ref().is_some_and(|r| {
        r.status == 401
            && r.json()
                .is_some_and(|v| v["error"]["type"] == "authentication_error")
    });
    if locked && !loading {
        let mut server = running(kind, &base, "llama-server serves OpenAI chat completions");
        needs_key(&mut server, "the --api-key llama-server was started with");
        return server;
    }
    let props = props_reply
        .as_ref()
        .filter(|r| r.ok())
        .and_then(Reply::json)
        .unwrap_or(Value::Null);
    let settings = &props["default_generation_settings"];
    if !loading && !settings.is_object() {
        let shown = props_reply.unwrap_or(Reply {
            status: 0,
            body: String::new(),
        });
        return other(kind, &base, "GET /props", &shown);
    }
    let mut server = running(kind, &base, "llama-server serves OpenAI chat completions");
    server.version = text(&props["build_info"]);
    let sleeping = props["is_sleeping"] == true;
    if loading {
        server.detail = Some("loading a model".to_owned());
    } else if sleeping {
        server.detail = Some("sleeping: the model is unloaded until the next request".to_owned());
    }
    let n_ctx = settings["n_ctx"]
        .as_u64()
        .or_else(|| props["n_ctx"].as_u64());
    let listed = models.ok().as_ref().and_then(data).unwrap_or_default();
    server.models = listed
        .iter()
        .filter_map(|m| {
            let mut model = DetectedModel::bare(text(&m["id"])?);
            model.loaded = Some(!loading && !sleeping);
            let n_ctx = n_ctx.or_else(|| m["meta"]["n_ctx"].as_u64());
            model.loaded_context_window = n_ctx;
            model.max_context_window = m["meta"]["n_ctx_train"].as_u64();
            model.context_window = n_ctx.or(model.max_context_window);
            model.params = m["meta"]["n_params"].as_u64().map(warnings::params_label);
            model.quantization = model_quant(&model.id)
                .or_else(|| text(&props["model_path"]).and_then(|p| model_quant(&p)));
            model.format = Some("gguf".to_owned());
            Some(model)
        })
        .collect();
    finish(server)
}

/// The `Q4_K_M`-style token of a GGUF file name.
fn model_quant(name: &str) -> Option<String> {
    let stem = name.rsplit('/').next()?.trim_end_matches(".gguf");
    stem.split(['-', '.'])
        .rev()
        .find(|t| warnings::bits_from_name(t).is_some())
        .map(str::to_owned)
}

/// LiteLLM proxy: `GET /health/liveliness` answers `"I'm alive!"`; the version is in
/// `/health/readiness`; `/v1/models` needs the master key.
pub(crate) async fn litellm(http: &Http, origin: &str) -> DetectedServer {
    let kind = ServerKind::LiteLlm;
    let base = format!("{origin}/v1");
    let live = match first(
        kind,
        &base,
        http.get(format!("{origin}/health/liveliness")).await,
        http,
    ) {
        Ok(r) => r,
        Err(s) => return *s,
    };
    let alive = live.ok()
        && live
            .json()
            .and_then(|v| v.as_str().map(str::to_owned))
            .is_some_and(|s| s.contains("alive"));
    if !alive {
        return other(kind, &base, "GET /health/liveliness", &live);
    }
    let mut server = running(kind, &base, "the LiteLLM proxy's OpenAI chat completions");
    let (ready, models) = tokio::join!(
        http.get(format!("{origin}/health/readiness")),
        http.get(format!("{base}/models")),
    );
    server.version = ready
        .ok()
        .and_then(|r| r.json())
        .and_then(|v| text(&v["litellm_version"]));
    match models {
        Ok(r) if matches!(r.status, 401 | 403) || (r.status == 400 && r.body.contains("auth")) => {
            needs_key(&mut server, "the proxy's master key or a virtual key")
        }
        Ok(r) => server.models = ids(&r),
        Err(e) => server.detail = Some(e.describe(http.timeout)),
    }
    finish(server)
}

fn ids(reply: &Reply) -> Vec<DetectedModel> {
    data(reply)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let mut model = DetectedModel::bare(text(&m["id"])?);
            model.max_context_window = m["max_model_len"].as_u64();
            model.context_window = model.max_context_window;
            Some(model)
        })
        .collect()
}

/// Jan (1337), and any user-added base URL: an OpenAI-compatible `GET <base>/models`.
pub(crate) async fn openai_compatible(http: &Http, kind: ServerKind, base: &str) -> DetectedServer {
    let reply = match first(kind, base, http.get(format!("{base}/models")).await, http) {
        Ok(r) => r,
        Err(s) => return *s,
    };
    if matches!(reply.status, 401 | 403) {
        let mut server = running(kind, base, "OpenAI-compatible chat completions");
        needs_key(&mut server, "the server's API key");
        return server;
    }
    if data(&reply).is_none() {
        return other(kind, base, "GET /v1/models", &reply);
    }
    let mut server = running(kind, base, "OpenAI-compatible chat completions");
    server.models = ids(&reply);
    finish(server)
}

//! A fake OpenAI-compatible server: `GET /v1/models` and `POST /v1/chat/completions`, streaming
//! (SSE, with `stream_options.include_usage`) and not, as OpenAI's API reference defines them.
//! Reasoning comes first as `reasoning_content` deltas (LM Studio, DeepSeek, vLLM) or
//! `reasoning` (gpt-oss on LM Studio). The faults are shared with the Responses and Anthropic
//! fakes.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::server::{record, FakeServer, RequestLog};
use crate::stream::{self, frame, pieces};
use crate::tools::check_tool_messages;
pub use crate::tools::ToolCall;

/// Token counts the fake reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// `usage.prompt_tokens`.
    pub prompt_tokens: u64,
    /// `usage.completion_tokens`.
    pub completion_tokens: u64,
}

/// A fault to inject instead of (or in the middle of) a good answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// Reply with this status and an OpenAI-style error body, with an optional `Retry-After`.
    Status {
        /// HTTP status, e.g. 429.
        status: u16,
        /// The `error.message` text.
        message: String,
        /// Seconds for a `Retry-After` header.
        retry_after: Option<u64>,
    },
    /// Stream this many content chunks, then end the body without `finish_reason` or `[DONE]`.
    TruncateStream {
        /// Content chunks sent before the stream ends.
        after_chunks: usize,
    },
    /// Send the headers, then wait this long before the first body byte.
    SlowFirstByte {
        /// The wait, in milliseconds.
        delay_ms: u64,
    },
    /// Wait this long before each stream frame after the first.
    SlowChunks {
        /// The wait, in milliseconds.
        delay_ms: u64,
    },
    /// Send this many stream frames, then break the connection (no chunked-body end).
    ResetAfter {
        /// Frames sent before the reset.
        chunks: usize,
    },
    /// Reply with this status and an HTML page, as a proxy in front of a server does.
    Html {
        /// HTTP status, e.g. 500.
        status: u16,
        /// The HTML.
        body: String,
    },
    /// Put a line that is not JSON (`data: {"choices": [garb`) after this many content frames.
    Garbage {
        /// Content frames before the garbage.
        after_chunks: usize,
    },
    /// Add one content delta of this many bytes (`x` repeated) in a single frame.
    HugeChunk {
        /// The delta's size in bytes.
        bytes: usize,
    },
    /// Answer every POST with a 307 to this URL.
    Redirect {
        /// Where to (another fake, another origin).
        location: String,
    },
}

/// What the fake answers.
#[derive(Debug, Clone)]
pub struct Script {
    /// Model ids listed by `/v1/models`; requests for other models get a 404.
    pub models: Vec<String>,
    /// The assistant's answer.
    pub reply: String,
    /// Characters per streamed content delta (at least 1).
    pub chunk_chars: usize,
    /// Usage to report; `None` reports none, as some local servers do.
    pub usage: Option<Usage>,
    /// When set, requests must carry `Authorization: Bearer <key>` or get a 401.
    pub required_key: Option<String>,
    /// The fault to inject.
    pub fault: Fault,
    /// Reasoning sent before the answer (streamed in pieces too).
    pub reasoning: Option<String>,
    /// The delta/message field reasoning goes in: `reasoning_content` or `reasoning`.
    pub reasoning_field: String,
    /// When set, a streamed reply is exactly these bytes (a recorded transcript), one write.
    pub raw_stream: Option<Bytes>,
    /// Tool calls the model makes after its reply text (the answer then ends for them), until
    /// a request carries the result of one of them: then it answers with the text alone, as an
    /// agent's model does once its tool ran.
    pub tool_calls: Vec<ToolCall>,
}

impl Script {
    /// A script that answers `reply` from model `fake-model`, 4 characters per delta.
    pub fn reply(reply: impl Into<String>) -> Self {
        Script {
            models: vec!["fake-model".to_owned()],
            reply: reply.into(),
            chunk_chars: 4,
            usage: Some(Usage {
                prompt_tokens: 12,
                completion_tokens: 7,
            }),
            required_key: None,
            fault: Fault::None,
            reasoning: None,
            reasoning_field: "reasoning_content".to_owned(),
            raw_stream: None,
            tool_calls: Vec::new(),
        }
    }

    /// Makes a tool call after the reply text.
    pub fn with_tool_call(mut self, id: &str, name: &str, arguments: &str) -> Self {
        self.tool_calls.push(ToolCall {
            id: id.to_owned(),
            name: name.to_owned(),
            arguments: arguments.to_owned(),
        });
        self
    }

    /// Sends `reasoning` first, in `reasoning_content` deltas.
    pub fn with_reasoning(mut self, reasoning: impl Into<String>) -> Self {
        self.reasoning = Some(reasoning.into());
        self
    }

    /// Puts reasoning in `field` (`reasoning` for gpt-oss on LM Studio) instead.
    pub fn with_reasoning_field(mut self, field: impl Into<String>) -> Self {
        self.reasoning_field = field.into();
        self
    }

    /// Characters per streamed delta.
    pub fn with_chunk_chars(mut self, chars: usize) -> Self {
        self.chunk_chars = chars.max(1);
        self
    }

    /// Reports `usage` (or none).
    pub fn with_usage(mut self, usage: Option<Usage>) -> Self {
        self.usage = usage;
        self
    }

    /// Streams exactly `bytes` (a recorded transcript) instead of building the reply.
    pub fn with_raw_stream(mut self, bytes: impl Into<Bytes>) -> Self {
        self.raw_stream = Some(bytes.into());
        self
    }

    /// Requires `Authorization: Bearer key`.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.required_key = Some(key.into());
        self
    }

    /// Injects `fault`.
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = fault;
        self
    }

    /// Lists `models` instead of `fake-model`.
    pub fn with_models<S: Into<String>>(mut self, models: impl IntoIterator<Item = S>) -> Self {
        self.models = models.into_iter().map(Into::into).collect();
        self
    }
}

pub(crate) struct Shared {
    pub(crate) script: Script,
    pub(crate) log: RequestLog,
    pub(crate) disconnects: Arc<AtomicUsize>,
}

/// Starts the fake on a free loopback port; its base URL for clients is `url() + "/v1"`.
pub fn start(script: Script) -> std::io::Result<FakeServer> {
    start_on(script, 0)
}

/// Starts the fake on loopback port `port` (0: a free one), e.g. again where a stopped one was.
pub fn start_on(script: Script, port: u16) -> std::io::Result<FakeServer> {
    let log = RequestLog::default();
    let disconnects = Arc::new(AtomicUsize::new(0));
    let shared = Arc::new(Shared {
        script,
        log: log.clone(),
        disconnects: disconnects.clone(),
    });
    let router = Router::new()
        .route("/v1/models", get(list_models))
        .route("/v1/chat/completions", post(chat_completions))
        .with_state(shared);
    FakeServer::spawn_on(port, router, log, disconnects)
}

/// Changes, while it runs, the fault of a fake started with [`start_switchable`].
#[derive(Debug, Clone)]
pub struct FaultSwitch(Arc<Mutex<Fault>>);

impl FaultSwitch {
    /// Injects `fault` into every request from now on ([`Fault::None`]: answer normally).
    pub fn set(&self, fault: Fault) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = fault;
    }

    fn get(&self) -> Fault {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Like [`start`], with a [`FaultSwitch`] to change the fault between requests (a flapping
/// upstream).
pub fn start_switchable(script: Script) -> std::io::Result<(FakeServer, FaultSwitch)> {
    let log = RequestLog::default();
    let disconnects = Arc::new(AtomicUsize::new(0));
    let switch = FaultSwitch(Arc::new(Mutex::new(script.fault.clone())));
    let (state_log, state_disconnects, state_switch) =
        (log.clone(), disconnects.clone(), switch.clone());
    let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let shared = Arc::new(Shared {
            script: Script {
                fault: state_switch.get(),
                ..script.clone()
            },
            log: state_log.clone(),
            disconnects: state_disconnects.clone(),
        });
        chat_completions(State(shared), method, uri, headers, body)
    };
    let router = Router::new().route("/v1/chat/completions", post(handler));
    Ok((
        FakeServer::spawn_counting(router, log, disconnects)?,
        switch,
    ))
}

async fn list_models(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&shared.log, &method, &uri, &headers, b"");
    if let Some(denied) = check_key(&shared.script, &headers) {
        return denied;
    }
    let data: Vec<Value> = shared
        .script
        .models
        .iter()
        .map(|id| json!({"id": id, "object": "model", "created": 1_700_000_000, "owned_by": "organization-owner"}))
        .collect();
    json_response(StatusCode::OK, &json!({"object": "list", "data": data}))
}

async fn chat_completions(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = record(&shared.log, &method, &uri, &headers, &body);
    let script = &shared.script;
    if let Some(reply) = stream::transport_fault(&script.fault) {
        return reply;
    }
    if let Some(denied) = check_key(script, &headers) {
        return denied;
    }
    let request: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => {
            return error_response(
                400,
                &format!("We could not parse the JSON body of your request. ({e})"),
                "invalid_request_error",
                None,
            )
        }
    };
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    let script = &script.for_request(&request);
    if let Err(message) = check_tool_messages(&request) {
        return error_response(400, &message, "invalid_request_error", None);
    }
    if !script.models.contains(&model) {
        let message =
            format!("The model `{model}` does not exist or you do not have access to it.");
        return error_response(
            404,
            &message,
            "invalid_request_error",
            Some("model_not_found"),
        );
    }
    if let Fault::Status {
        status,
        message,
        retry_after,
    } = &script.fault
    {
        let mut response = error_response(*status, message, "server_error", None);
        if let Some(seconds) = retry_after {
            if let Ok(value) = seconds.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        return response;
    }
    if request["stream"].as_bool().unwrap_or(false) {
        let include_usage = request["stream_options"]["include_usage"]
            .as_bool()
            .unwrap_or(false);
        stream_response(script, &model, include_usage, shared.disconnects.clone())
    } else {
        let calls: Vec<Value> = script
            .tool_calls
            .iter()
            .map(|c| {
                json!({"id": c.id, "type": "function",
                            "function": {"name": c.name, "arguments": c.arguments}})
            })
            .collect();
        let mut message = json!({"role": "assistant", "content": script.reply, "refusal": null});
        if !calls.is_empty() {
            message["tool_calls"] = json!(calls);
        }
        let mut completion = json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [{
                "index": 0,
                "message": message,
                "logprobs": null,
                "finish_reason": if calls.is_empty() { "stop" } else { "tool_calls" }
            }],
        });
        if let Some(reasoning) = &script.reasoning {
            completion["choices"][0]["message"][script.reasoning_field.as_str()] = json!(reasoning);
        }
        if let Some(usage) = script.usage {
            completion["usage"] = usage_json(usage);
        }
        json_response(StatusCode::OK, &completion)
    }
}

fn stream_response(
    script: &Script,
    model: &str,
    include_usage: bool,
    disconnects: Arc<AtomicUsize>,
) -> Response {
    if let Some(raw) = &script.raw_stream {
        return stream::sse(vec![raw.clone()], &script.fault, disconnects);
    }
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": model,
            "system_fingerprint": null,
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
        })
    };
    let data = |value: &Value| frame("", &value.to_string());
    let mut frames = vec![data(&chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    ))];
    let reasoning = script.reasoning.as_deref().unwrap_or_default();
    for piece in pieces(reasoning, script.chunk_chars) {
        frames.push(data(&chunk(
            json!({ script.reasoning_field.as_str(): piece }),
            Value::Null,
        )));
    }
    let mut content: Vec<String> = pieces(&script.reply, script.chunk_chars);
    if let Fault::HugeChunk { bytes } = script.fault {
        content.insert(content.len().min(1), "x".repeat(bytes));
    }
    let (truncate_after, garbage_after) = match script.fault {
        Fault::TruncateStream { after_chunks } => (Some(after_chunks), None),
        Fault::Garbage { after_chunks } => (None, Some(after_chunks)),
        _ => (None, None),
    };
    for (i, piece) in content.iter().enumerate() {
        if truncate_after == Some(i) {
            break;
        }
        if garbage_after == Some(i) {
            frames.push(Bytes::from_static(b"data: {\"choices\": [garb\n\n"));
        }
        frames.push(data(&chunk(json!({ "content": piece }), Value::Null)));
    }
    if truncate_after.is_none_or(|after| after >= content.len()) {
        for (index, call) in script.tool_calls.iter().enumerate() {
            let start = json!({"tool_calls": [{"index": index, "id": call.id, "type": "function",
                "function": {"name": call.name, "arguments": ""}}]});
            frames.push(data(&chunk(start, Value::Null)));
            for piece in pieces(&call.arguments, script.chunk_chars) {
                let more =
                    json!({"tool_calls": [{"index": index, "function": {"arguments": piece}}]});
                frames.push(data(&chunk(more, Value::Null)));
            }
        }
        let finish = if script.tool_calls.is_empty() {
            "stop"
        } else {
            "tool_calls"
        };
        frames.push(data(&chunk(json!({}), json!(finish))));
        if let (true, Some(usage)) = (include_usage, script.usage) {
            let mut last = chunk(json!({}), Value::Null);
            last["choices"] = json!([]);
            last["usage"] = usage_json(usage);
            frames.push(data(&last));
        }
        frames.push(frame("", "[DONE]"));
    }
    stream::sse(frames, &script.fault, disconnects)
}

pub(crate) fn usage_json(usage: Usage) -> Value {
    json!({
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.prompt_tokens + usage.completion_tokens,
    })
}

pub(crate) fn check_key(script: &Script, headers: &HeaderMap) -> Option<Response> {
    let key = script.required_key.as_ref()?;
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if sent == Some(format!("Bearer {key}").as_str()) {
        return None;
    }
    let message = "Incorrect API key provided. You can find your API key in your account settings.";
    Some(error_response(
        401,
        message,
        "invalid_request_error",
        Some("invalid_api_key"),
    ))
}

pub(crate) fn error_response(
    status: u16,
    message: &str,
    kind: &str,
    code: Option<&str>,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    json_response(status, &body)
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

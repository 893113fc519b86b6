//! The OpenAI-compatible endpoints over the router: `GET /v1/models` and
//! `POST /v1/chat/completions` (streamed as SSE chunks or one JSON body). Request parameters
//! other than `model`, `messages`, `stream` and `stream_options` are not forwarded yet.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::guard::error;
use crate::history::AttemptOutcome;
use crate::providers::{
    CancellationToken, ChatRequest, Event, ProviderErrorKind as Kind, Role, StopReason, Turn, Usage,
};
use crate::router::{RouteError, RouteEvent, RouteItem, RouteStream, Router};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `GET /v1/models`: the aliases, then every configured `provider/model`.
pub async fn models(State(router): State<Router>) -> Response {
    let config = router.config();
    let mut ids: Vec<String> = crate::router::aliases(&config)
        .into_iter()
        .map(|(a, _)| a.to_owned())
        .collect();
    for r in config.model_refs() {
        if !ids.contains(&r) {
            ids.push(r);
        }
    }
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "object": "model", "created": 0, "owned_by": "switchboard"}))
        .collect();
    let body = json!({"object": "list", "data": data});
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn bad_request(message: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        None,
        message,
    )
}

/// Why an OpenAI chat request body was rejected (the text goes back as a 400's message).
#[derive(Debug, thiserror::Error)]
enum ParseError {
    #[error("the body is not valid JSON: {0}")]
    Json(serde_json::Error),
    #[error("messages: expected an array")]
    MessagesNotArray,
    #[error("messages[{index}].content: expected a string or parts")]
    Content { index: usize },
    #[error(
        "messages[{index}].role: {role} is not supported (system, developer, user, assistant)"
    )]
    Role { index: usize, role: String },
    #[error("messages: no user or assistant message")]
    NoTurns,
}

/// Parses an OpenAI chat request: `(model, request, include_usage)`.
fn parse(body: &[u8]) -> Result<(Option<String>, ChatRequest, bool), ParseError> {
    let value: Value = serde_json::from_slice(body).map_err(ParseError::Json)?;
    let model = value["model"]
        .as_str()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let model = model.filter(|m| *m != "default").map(str::to_owned);
    let messages = value["messages"]
        .as_array()
        .ok_or(ParseError::MessagesNotArray)?;
    let mut system: Vec<String> = Vec::new();
    let mut turns = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let text = match &m["content"] {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts
                .iter()
                .filter(|p| p["type"] == "text")
                .filter_map(|p| p["text"].as_str())
                .collect::<Vec<_>>()
                .join(""),
            Value::Null => String::new(),
            _ => return Err(ParseError::Content { index: i }),
        };
        match m["role"].as_str() {
            Some("system" | "developer") => system.push(text),
            Some("user") => turns.push(Turn::user(text)),
            Some("assistant") => turns.push(Turn {
                role: Role::Assistant,
                text,
            }),
            other => {
                return Err(ParseError::Role {
                    index: i,
                    role: other.unwrap_or("none").to_owned(),
                })
            }
        }
    }
    if turns.is_empty() {
        return Err(ParseError::NoTurns);
    }
    let stream = value["stream"].as_bool().unwrap_or(false);
    let include_usage = value["stream_options"]["include_usage"]
        .as_bool()
        .unwrap_or(false);
    let request = ChatRequest {
        system: (!system.is_empty()).then(|| system.join("\n\n")),
        turns,
        stream,
    };
    Ok((model, request, include_usage))
}

/// The HTTP answer to a routing failure.
pub fn route_error(e: &RouteError) -> Response {
    let message = e.to_string();
    let upstream = e.provider_error().map(|p| p.kind());
    let (status, kind, code) = match e {
        RouteError::UnknownModel { .. } => (
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "model_not_found",
        ),
        RouteError::NoPrimary => (
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "no_primary",
        ),
        RouteError::ContextTooLarge { .. } => (
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "context_length_exceeded",
        ),
        RouteError::Rejected { .. } => (
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "bad_request",
        ),
        RouteError::Cancelled => (StatusCode::SERVICE_UNAVAILABLE, "api_error", "cancelled"),
        _ => match upstream {
            Some(Kind::RateLimit) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "rate_limit",
            ),
            Some(Kind::Timeout) => (StatusCode::GATEWAY_TIMEOUT, "api_error", "timeout"),
            Some(Kind::Overloaded) | None => {
                (StatusCode::SERVICE_UNAVAILABLE, "api_error", e.reason())
            }
            // Upstream auth problems are ours to fix, not the gateway client's: 502.
            Some(k) => (StatusCode::BAD_GATEWAY, "api_error", k.as_str()),
        },
    };
    error(status, kind, Some(code), &message)
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// `x-switchboard-model`, `x-switchboard-attempts` and `x-switchboard-route`.
fn route_headers(response: &mut Response, routes: &[RouteEvent]) {
    let model = routes
        .iter()
        .rev()
        .find(|r| r.outcome == AttemptOutcome::Ok)
        .map_or("", |r| r.model.as_str());
    let tried = routes
        .iter()
        .filter(|r| r.outcome != AttemptOutcome::Skipped)
        .count();
    let trail: Vec<String> = routes
        .iter()
        .map(|r| {
            let outcome = serde_json::to_value(r.outcome).ok();
            let outcome = outcome.as_ref().and_then(Value::as_str).unwrap_or("?");
            match &r.reason {
                Some(reason) => format!("{}={outcome}:{reason}", r.model),
                None => format!("{}={outcome}", r.model),
            }
        })
        .collect();
    let headers = response.headers_mut();
    headers.insert("x-switchboard-model", header_value(model));
    headers.insert("x-switchboard-attempts", header_value(&tried.to_string()));
    headers.insert("x-switchboard-route", header_value(&trail.join(", ")));
}

fn usage_json(u: &Usage) -> Value {
    let prompt = u.input + u.cache_read + u.cache_write;
    json!({"prompt_tokens": prompt, "completion_tokens": u.output, "total_tokens": prompt + u.output})
}

fn finish_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::Length => "length",
        StopReason::Stop | StopReason::Cancelled => "stop",
    }
}

/// `POST /v1/chat/completions`.
pub async fn chat(State(router): State<Router>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            return error(
                status,
                "invalid_request_error",
                None,
                &rejection.body_text(),
            );
        }
    };
    let (model, request, include_usage) = match parse(&body) {
        Ok(parsed) => parsed,
        Err(e) => return bad_request(&e.to_string()),
    };
    let streaming = request.stream;
    let mut stream = match router.route(model.as_deref(), request, CancellationToken::new()) {
        Ok(stream) => stream,
        Err(e) => return route_error(&e),
    };
    // Route events until the answer's first event (or the failure) decide the status and headers.
    let mut routes = Vec::new();
    let first = loop {
        match stream.next().await {
            Some(Ok(RouteItem::Route(r))) => routes.push(r),
            Some(Ok(RouteItem::Event(e))) => break Some(e),
            Some(Err(e)) => {
                let mut response = route_error(&e);
                route_headers(&mut response, &routes);
                return response;
            }
            None => break None,
        }
    };
    let answering = routes
        .iter()
        .rev()
        .find(|r| r.outcome == AttemptOutcome::Ok)
        .map_or_else(String::new, |r| r.model.clone());
    let id = format!("chatcmpl-sb{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let mut response = if streaming {
        sse(stream, first, Chunks::new(id, answering, include_usage))
    } else {
        whole(stream, first, &id, &answering).await
    };
    route_headers(&mut response, &routes);
    response
}

async fn whole(mut stream: RouteStream, first: Option<Event>, id: &str, model: &str) -> Response {
    let mut answer = crate::providers::Completion::default();
    if let Some(event) = first {
        answer.add(event);
    }
    while let Some(item) = stream.next().await {
        match item {
            Ok(RouteItem::Event(e)) => answer.add(e),
            Ok(RouteItem::Route(_)) => {}
            Err(e) => return route_error(&e),
        }
    }
    let mut message = json!({"role": "assistant", "content": answer.text});
    if !answer.reasoning.is_empty() {
        message["reasoning_content"] = json!(answer.reasoning);
    }
    let mut body = json!({
        "id": id, "object": "chat.completion", "created": now_secs(), "model": model,
        "choices": [{"index": 0, "message": message,
                     "finish_reason": finish_reason(answer.stop.unwrap_or(StopReason::Stop))}],
    });
    if let Some(u) = &answer.usage {
        body["usage"] = usage_json(u);
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

struct Chunks {
    id: String,
    model: String,
    created: u64,
    include_usage: bool,
    /// `data: {"id":…,"model":…,"choices":[{"index":0,"delta":` (built once per answer).
    head: String,
}

impl Chunks {
    fn new(id: String, model: String, include_usage: bool) -> Chunks {
        let created = now_secs();
        let head = format!(
            "data: {{\"id\":{},\"object\":\"chat.completion.chunk\",\"created\":{created},\"model\":{},\"choices\":[{{\"index\":0,\"delta\":",
            Value::from(id.as_str()),
            Value::from(model.as_str()),
        );
        Chunks {
            id,
            model,
            created,
            include_usage,
            head,
        }
    }

    /// One chunk: the prebuilt head, the delta, the finish reason (one allocation per token).
    fn frame(&self, delta: &Value, finish: Option<&str>) -> Bytes {
        let delta = delta.to_string();
        let finish = finish.map_or("null".to_owned(), |f| format!("\"{f}\""));
        let mut out = String::with_capacity(self.head.len() + delta.len() + finish.len() + 24);
        out.push_str(&self.head);
        out.push_str(&delta);
        out.push_str(",\"finish_reason\":");
        out.push_str(&finish);
        out.push_str("}]}\n\n");
        Bytes::from(out)
    }

    /// The SSE frames for one event (empty for usage, which comes with `Done`).
    fn event(&self, event: Event, usage: &mut Option<Usage>) -> Vec<Bytes> {
        match event {
            Event::Text(t) => vec![self.frame(&json!({"content": t}), None)],
            Event::Reasoning(r) => vec![self.frame(&json!({"reasoning_content": r}), None)],
            Event::Usage(u) => {
                *usage = Some(u);
                Vec::new()
            }
            Event::Done(stop) => {
                let mut out = vec![self.frame(&json!({}), Some(finish_reason(stop)))];
                if let (true, Some(u)) = (self.include_usage, usage.as_ref()) {
                    let chunk = json!({
                        "id": self.id, "object": "chat.completion.chunk", "created": self.created,
                        "model": self.model, "choices": [], "usage": usage_json(u),
                    });
                    out.push(Bytes::from(format!("data: {chunk}\n\n")));
                }
                out.push(Bytes::from_static(b"data: [DONE]\n\n"));
                out
            }
        }
    }
}

fn sse(stream: RouteStream, first: Option<Event>, chunks: Chunks) -> Response {
    let opening = chunks.frame(&json!({"role": "assistant", "content": ""}), None);
    let mut pending = vec![opening];
    let mut usage = None;
    if let Some(event) = first {
        pending.extend(chunks.event(event, &mut usage));
    }
    let state = (
        stream,
        chunks,
        usage,
        pending
            .into_iter()
            .collect::<std::collections::VecDeque<_>>(),
        false,
    );
    let body = futures_util::stream::unfold(
        state,
        |(mut stream, chunks, mut usage, mut pending, mut ended)| async move {
            loop {
                if let Some(frame) = pending.pop_front() {
                    return Some((
                        Ok::<_, Infallible>(frame),
                        (stream, chunks, usage, pending, ended),
                    ));
                }
                if ended {
                    return None;
                }
                match stream.next().await {
                    Some(Ok(RouteItem::Event(e))) => pending.extend(chunks.event(e, &mut usage)),
                    Some(Ok(RouteItem::Route(_))) => {}
                    Some(Err(e)) => {
                        // As OpenAI and LiteLLM do mid-stream: an error frame, then the end, no [DONE].
                        let reason = e.reason();
                        let frame = json!({"error": {"message": e.to_string(), "type": "api_error",
                                                  "param": null, "code": reason}});
                        pending.push_back(Bytes::from(format!("data: {frame}\n\n")));
                        ended = true;
                    }
                    None => ended = true,
                }
            }
        },
    );
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

//! The OpenAI-compatible endpoints over the chat engine: `GET /v1/models` and
//! `POST /v1/chat/completions` (streamed as SSE chunks or one JSON body). Request parameters
//! other than `model`, `messages`, `stream` and `stream_options` are not forwarded yet.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::guard::error;
use super::stream::{self, Chunks};
use crate::chat::{Ask, ChatError, ChatEvent, Engine, Reason, TurnOptions};
use crate::providers::{CancellationToken, ProviderErrorKind as Kind, Role, Turn};
use crate::router::{AttemptOutcome, RouteErrorKind, RouteEvent};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// `GET /v1/models`: the aliases, then every configured `provider/model`.
pub async fn models(State(engine): State<Engine>) -> Response {
    let config = engine.router().config();
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
    #[error("messages: the last message must be the user's")]
    LastNotUser,
}

/// Parses an OpenAI chat request: what to ask and whether to add usage to a stream.
fn parse(body: &[u8]) -> Result<(Ask, bool), ParseError> {
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
    let message = match turns.pop() {
        Some(last) if last.role == Role::User => last.text,
        _ => return Err(ParseError::LastNotUser),
    };
    let ask = Ask {
        conversation: None,
        system: (!system.is_empty()).then(|| system.join("\n\n")),
        earlier: turns,
        message,
        model,
        private: false,
        options: TurnOptions {
            stream,
            coalesce: None,
        },
    };
    Ok((ask, include_usage))
}

/// The HTTP answer to a failed turn, in OpenAI's error shape.
fn failure(reason: Reason, message: &str) -> Response {
    use StatusCode as S;
    let invalid = "invalid_request_error";
    let (status, kind, code) = match reason {
        Reason::Route(kind) => match kind {
            RouteErrorKind::ModelNotFound => (S::NOT_FOUND, invalid, kind.as_str()),
            RouteErrorKind::NoPrimary | RouteErrorKind::BadRequest => {
                (S::BAD_REQUEST, invalid, kind.as_str())
            }
            RouteErrorKind::ContextOverflow => (S::BAD_REQUEST, invalid, "context_length_exceeded"),
            RouteErrorKind::NoRoute | RouteErrorKind::Cancelled | RouteErrorKind::Interrupted => {
                (S::SERVICE_UNAVAILABLE, "api_error", kind.as_str())
            }
            // A policy refused every route; nothing was sent. Retrying will not help.
            RouteErrorKind::Private => (S::FORBIDDEN, "permission_error", kind.as_str()),
            RouteErrorKind::OverBudget => {
                (S::TOO_MANY_REQUESTS, "insufficient_quota", kind.as_str())
            }
        },
        Reason::Provider(kind) => match kind {
            Kind::BadRequest => (S::BAD_REQUEST, invalid, "bad_request"),
            Kind::ContextOverflow => (S::BAD_REQUEST, invalid, "context_length_exceeded"),
            Kind::RateLimit => (S::TOO_MANY_REQUESTS, "rate_limit_error", kind.as_str()),
            Kind::Timeout => (S::GATEWAY_TIMEOUT, "api_error", kind.as_str()),
            Kind::Overloaded => (S::SERVICE_UNAVAILABLE, "api_error", kind.as_str()),
            // Upstream auth problems are ours to fix, not the gateway client's: 502.
            _ => (S::BAD_GATEWAY, "api_error", kind.as_str()),
        },
    };
    error(status, kind, Some(code), message)
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// `x-switchboard-model`, `x-switchboard-attempts`, `x-switchboard-route` and
/// `x-switchboard-left-machine` (`1` when any attempt sent the text off this machine).
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
    let left = routes
        .iter()
        .any(|r| r.destination.as_ref().is_some_and(|d| d.left_machine));
    let left = HeaderValue::from_static(if left { "1" } else { "0" });
    headers.insert("x-switchboard-left-machine", left);
}

/// The answer to a turn that ended with `event` before any text: its error, else a 500.
fn error_response(event: Option<&ChatEvent>) -> Response {
    match event {
        Some(ChatEvent::Error {
            reason, message, ..
        }) => failure(*reason, message),
        _ => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            None,
            "the answer ended early",
        ),
    }
}

/// The request header that makes a request private (`1` or `true`): only routes that stay on
/// this machine are used.
pub const PRIVATE_HEADER: &str = "x-switchboard-private";

/// Whether `headers` ask for a private request.
fn asks_private(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(PRIVATE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

/// `POST /v1/chat/completions`.
pub async fn chat(
    State(engine): State<Engine>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
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
    let (mut ask, include_usage) = match parse(&body) {
        Ok(parsed) => parsed,
        Err(e) => return bad_request(&e.to_string()),
    };
    ask.private = asks_private(&headers);
    let streaming = ask.options.stream;
    let turn = match engine.send(ask, CancellationToken::new()).await {
        Ok(turn) => turn,
        Err(ChatError::Route(e)) => return failure(Reason::of(&e), &e.to_string()),
        Err(ChatError::InvalidInput(message)) => return bad_request(&message),
        Err(e) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "api_error",
                None,
                &e.to_string(),
            )
        }
    };
    // Route events until the answer's first event (or the failure) decide the status and headers.
    let mut events = Box::pin(turn.into_stream());
    let mut routes = Vec::new();
    let first = loop {
        match events.next().await {
            Some(ChatEvent::Route(r)) => routes.push(r),
            Some(ChatEvent::Started { .. }) => {}
            Some(event @ ChatEvent::Error { .. }) => {
                let mut response = error_response(Some(&event));
                route_headers(&mut response, &routes);
                return response;
            }
            Some(event) => break event,
            None => {
                let mut response = error_response(None);
                route_headers(&mut response, &routes);
                return response;
            }
        }
    };
    let answering = routes
        .iter()
        .rev()
        .find(|r| r.outcome == AttemptOutcome::Ok)
        .map_or_else(String::new, |r| r.model.clone());
    let id = format!("chatcmpl-sb{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let mut response = if streaming {
        stream::sse(events, first, Chunks::new(id, answering, include_usage))
    } else {
        match stream::whole(events, first, &id, &answering).await {
            Ok(response) => response,
            Err(event) => error_response(Some(&event)),
        }
    };
    route_headers(&mut response, &routes);
    response
}

//! What the chat endpoints share: starting a turn and holding the status and headers back
//! until the answer's first event (or its failure) decides them, route headers, failures in
//! the dialect of the API that was called, and collecting a whole answer.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use serde_json::Value;

use super::guard::{Caller, Dialect};
use crate::chat::{Ask, ChatError, ChatEvent, Engine, Reason};
use crate::providers::types::add_tool_call;
use crate::providers::{
    CancellationToken, ProviderErrorKind as Kind, StopReason, ToolCall, ToolCallDelta, Usage,
};
use crate::router::{AttemptOutcome, RouteErrorKind, RouteEvent};

/// A turn's events after the first.
pub(super) type Events = Pin<Box<dyn Stream<Item = ChatEvent> + Send>>;

/// A turn whose answer has begun.
pub(super) struct Opened {
    /// The events after `first`.
    pub events: Events,
    /// The answer's first event (text, reasoning, a tool call or its end).
    pub first: ChatEvent,
    /// The route events before it.
    pub routes: Vec<RouteEvent>,
    /// The model answering.
    pub model: String,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A new id with `prefix` (`chatcmpl-`, `resp_`, `msg_`, …), unique in this process.
pub(super) fn next_id(prefix: &str) -> String {
    format!("{prefix}sb{}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

/// Seconds since the epoch.
pub(super) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A body that could not be read (too large, cut off), as an error in `dialect`.
pub(super) fn rejected(rejection: BytesRejection, dialect: Dialect) -> Response {
    dialect.error(
        rejection.status(),
        "invalid_request_error",
        None,
        &rejection.body_text(),
    )
}

/// A 400 in `dialect`.
pub(super) fn bad_request(dialect: Dialect, message: &str) -> Response {
    dialect.error(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        None,
        message,
    )
}

/// The request header that makes a request private (`1` or `true`): only routes that stay on
/// this machine are used.
pub const PRIVATE_HEADER: &str = "x-switchboard-private";

/// Reads the gateway's own request headers into `ask`: [`PRIVATE_HEADER`].
pub(super) fn apply_headers(headers: &HeaderMap, ask: &mut Ask) {
    ask.private = headers
        .get(PRIVATE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"));
}

/// Starts `ask` for `caller` and waits for the answer's first event; a turn that fails before
/// it is the error response (with the route headers). A person over their daily budget gets a
/// 429 `over_budget` and nothing is sent; every request counts in the caller's counters and
/// an answer's price in their spend (in the state store, shared by a team's gateways).
pub(super) async fn open(
    engine: &Engine,
    ask: Ask,
    dialect: Dialect,
    caller: &Caller,
) -> Result<Opened, Response> {
    let store = engine.router().state();
    if let Some(store) = &store {
        let key = caller.tally_key();
        if let Caller::Person(person) = caller {
            if let Some(limit) = person.budget_daily_usd {
                let spent = store.today(&key).await.usd;
                if spent >= limit {
                    let message = format!(
                        "{}'s daily budget of ${limit:.2} is spent (${spent:.4} today); it \
                         starts again at midnight",
                        person.name
                    );
                    return Err(failure(
                        dialect,
                        Reason::Route(RouteErrorKind::OverBudget),
                        &message,
                    ));
                }
            }
        }
        store.tally(&key, 0.0).await;
    }
    let opened = open_turn(engine, ask, dialect).await?;
    let Some(store) = store else {
        return Ok(opened);
    };
    let key = caller.tally_key();
    charge(&store, &key, &opened.first).await;
    let events = opened.events.then(move |event| {
        let (store, key) = (store.clone(), key.clone());
        async move {
            charge(&store, &key, &event).await;
            event
        }
    });
    Ok(Opened {
        events: Box::pin(events),
        ..opened
    })
}

/// Adds an answer's price (known at its end) to `key`'s spend.
async fn charge(store: &crate::state::StateStore, key: &str, event: &ChatEvent) {
    if let ChatEvent::Done {
        cost: Some(usd), ..
    } = event
    {
        if *usd > 0.0 {
            store.spend(key, *usd).await;
        }
    }
}

async fn open_turn(engine: &Engine, ask: Ask, dialect: Dialect) -> Result<Opened, Response> {
    let turn = match engine.send(ask, CancellationToken::new()).await {
        Ok(turn) => turn,
        Err(ChatError::Route(e)) => return Err(failure(dialect, Reason::of(&e), &e.to_string())),
        Err(ChatError::InvalidInput(message)) => return Err(bad_request(dialect, &message)),
        Err(e) => {
            return Err(dialect.error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "api_error",
                None,
                &e.to_string(),
            ))
        }
    };
    let mut events: Events = Box::pin(turn.into_stream());
    let mut routes = Vec::new();
    let first = loop {
        match events.next().await {
            Some(ChatEvent::Route(r)) => routes.push(r),
            Some(ChatEvent::Started { .. }) => {}
            Some(event @ ChatEvent::Error { .. }) => {
                let mut response = error_response(dialect, &event);
                route_headers(&mut response, &routes);
                return Err(response);
            }
            Some(event) => break event,
            None => {
                let mut response = dialect.error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "api_error",
                    None,
                    "the answer ended early",
                );
                route_headers(&mut response, &routes);
                return Err(response);
            }
        }
    };
    let model = routes
        .iter()
        .rev()
        .find(|r| r.outcome == AttemptOutcome::Ok)
        .map_or_else(String::new, |r| r.model.clone());
    Ok(Opened {
        events,
        first,
        routes,
        model,
    })
}

/// The HTTP answer to a failed turn, in `dialect`'s error shape.
pub(super) fn failure(dialect: Dialect, reason: Reason, message: &str) -> Response {
    use StatusCode as S;
    let invalid = "invalid_request_error";
    let (status, kind, code) = match reason {
        Reason::Route(kind) => match kind {
            RouteErrorKind::ModelNotFound => (S::NOT_FOUND, invalid, kind.as_str()),
            RouteErrorKind::NoPrimary
            | RouteErrorKind::BadRequest
            | RouteErrorKind::NoImageInput => (S::BAD_REQUEST, invalid, kind.as_str()),
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
    dialect.error(status, kind, Some(code), message)
}

/// The response to an `error` event.
pub(super) fn error_response(dialect: Dialect, event: &ChatEvent) -> Response {
    match event {
        ChatEvent::Error {
            reason, message, ..
        } => failure(dialect, *reason, message),
        _ => dialect.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            None,
            "the answer ended early",
        ),
    }
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// `x-switchboard-model`, `x-switchboard-attempts`, `x-switchboard-route` and
/// `x-switchboard-left-machine` (`1` when any attempt sent the text off this machine).
pub(super) fn route_headers(response: &mut Response, routes: &[RouteEvent]) {
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

/// A whole answer.
#[derive(Debug, Default)]
pub(super) struct Whole {
    pub text: String,
    pub reasoning: String,
    pub tool_calls: Vec<ToolCall>,
    pub stop: Option<StopReason>,
    pub usage: Option<Usage>,
}

/// Reads the rest of an answer; the `error` event that ended it instead, if one did.
pub(super) async fn collect(mut events: Events, first: ChatEvent) -> Result<Whole, ChatEvent> {
    let mut whole = Whole::default();
    let mut next = Some(first);
    while let Some(event) = next.take() {
        match event {
            ChatEvent::Text { delta } => whole.text.push_str(&delta),
            ChatEvent::Reasoning { delta } => whole.reasoning.push_str(&delta),
            ChatEvent::ToolCall {
                index,
                id,
                name,
                arguments,
            } => add_tool_call(
                &mut whole.tool_calls,
                ToolCallDelta {
                    index,
                    id,
                    name,
                    arguments,
                },
            ),
            ChatEvent::Started { .. } | ChatEvent::Route(_) | ChatEvent::Warning { .. } => {}
            ChatEvent::Done { stop, usage, .. } => {
                whole.stop = Some(stop);
                whole.usage = usage;
                return Ok(whole);
            }
            error @ ChatEvent::Error { .. } => return Err(error),
        }
        next = events.next().await;
    }
    Err(ChatEvent::Error {
        reason: Reason::Provider(Kind::Truncated),
        message: "the answer ended without a finish".into(),
        status: None,
        retry_next: None,
        trail: crate::chat::Trail::default(),
    })
}

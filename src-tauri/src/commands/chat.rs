//! Chat commands for the chat window: send a message and stream the answer on a `Channel`,
//! retry a failed answer on the next route, cancel a running answer, and list the models a
//! person can pick.
//!
//! Every answer goes through the app's one [`Router`] (shared cooldowns and health): the model
//! asked for (an alias or `provider/model`; none: the primary route), its fallbacks, then the
//! primary. `chat_send` saves the user message first (so a crash never loses it), returns at
//! once with the request id, and streams on a task: each attempt goes to the page as a `route`
//! [`ChatEvent`] and to the history as a route attempt, the answer's events as they come. The
//! stream always ends with one terminal event, `done` or `error`; an answer that broke after
//! its first token keeps its text, ends `failed` and offers `chat_retry_next`. No lock is held
//! across an `.await`; keys stay in Rust.

use std::sync::Arc;

use serde::Serialize;
use switchboard_core::config::view;
use switchboard_core::history::{
    self, AttemptOutcome, ConversationId, HistoryStore, MessageId, Role,
};
use switchboard_core::logging::redact::redact;
use switchboard_core::providers::StopReason;
use switchboard_core::router::{RetryFrom, RouteError, RouteEvent, RouteStream, Router};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::IpcError;
use crate::models::{ChatModel, ChatModels, ChatStarted};
use crate::state::{AppState, ChatRequestGuard, RequestId};

mod job;
mod turns;

use job::Job;

/// One event of a streaming answer, tagged for the page: `{ "event": "text", "data": {…} }`.
/// Every stream ends with exactly one `done` or `error`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[serde(rename_all_fields = "camelCase")]
pub(crate) enum ChatEvent {
    /// The request went out: the model tried first and the saved answer's id.
    Started {
        /// `provider/model`.
        model: String,
        /// The assistant message in the history, when it could be saved.
        message_id: Option<MessageId>,
    },
    /// One attempt of the route: a model answered (`ok`), failed, was skipped or cancelled.
    Route {
        /// 1 for the first candidate considered.
        attempt: u32,
        /// `provider/model`.
        model: String,
        /// What happened.
        outcome: AttemptOutcome,
        /// The error class (`rate_limit`, …) or why it was skipped (`cooldown`, …).
        reason: Option<String>,
        /// The HTTP status, when there was one.
        status: Option<u16>,
        /// From the start of the attempt to its first token or its failure.
        elapsed_ms: u64,
    },
    /// A piece of the answer.
    Text {
        /// The new text.
        delta: String,
    },
    /// A piece of the model's reasoning (never part of the answer).
    Reasoning {
        /// The new text.
        delta: String,
    },
    /// Token counts and cost, just before `done`.
    Usage {
        /// Uncached input tokens.
        input: u64,
        /// Output tokens.
        output: u64,
        /// Cached input read.
        cache_read: u64,
        /// Cached input written.
        cache_write: u64,
        /// Of `output`, the reasoning tokens, when known.
        reasoning: Option<u64>,
        /// USD at the configured rates (0 when none are set).
        cost: f64,
    },
    /// The answer ended: `stop`, `length`, or `cancelled` (Stop was pressed).
    Done {
        /// Why it ended.
        stop: StopReason,
    },
    /// The answer failed; `kind` is the provider error class (`auth`, `connection`, …) or the
    /// route's (`no_route`, `unknown_model`, …).
    Error {
        /// `snake_case` class for the UI to pick an action.
        kind: &'static str,
        /// What went wrong, redacted.
        message: String,
        /// It broke after its first token: `chat_retry_next` can go on from the next route.
        retry_next: bool,
    },
}

impl ChatEvent {
    fn route(event: &RouteEvent) -> ChatEvent {
        ChatEvent::Route {
            attempt: event.attempt,
            model: event.model.clone(),
            outcome: event.outcome,
            reason: event.reason.clone(),
            status: event.status,
            elapsed_ms: event.elapsed_ms,
        }
    }
}

fn joined(e: tauri::Error) -> IpcError {
    IpcError {
        kind: "internal",
        message: format!("the chat task failed: {e}"),
    }
}

fn history_error(e: history::Error) -> IpcError {
    IpcError::from(switchboard_core::Error::from(e))
}

fn route_error(e: &RouteError) -> IpcError {
    IpcError {
        kind: e.kind().as_str(),
        message: redact(&e.to_string()).into_owned(),
    }
}

fn invalid(message: &str) -> IpcError {
    IpcError {
        kind: "invalid_input",
        message: message.into(),
    }
}

/// Sends `text` to `model` (an alias or `provider/model`; none or empty: the primary route) in
/// `conversation_id` (a new conversation without one) and streams the answer on `channel`.
/// Returns once the user message is saved; an unknown model fails before anything is saved.
#[tauri::command]
#[tracing::instrument(skip(state, text, channel), err)]
pub(crate) async fn chat_send(
    state: State<'_, AppState>,
    conversation_id: Option<ConversationId>,
    model: Option<String>,
    text: String,
    channel: Channel<ChatEvent>,
) -> Result<ChatStarted, IpcError> {
    if text.trim().is_empty() {
        return Err(invalid("give a message"));
    }
    let requested = model.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
    let router = state.router.get()?;
    let first = router
        .candidates(requested.as_deref())
        .map_err(|e| route_error(&e))?
        .first()
        .map(|c| c.model_ref.clone())
        .unwrap_or_default();
    let store = state.history.store()?;
    let saving = store.clone();
    let (conversation, request) = tauri::async_runtime::spawn_blocking(move || {
        let conversation = match conversation_id {
            Some(id) => id,
            None => saving.create_conversation(None)?.id,
        };
        saving.add_message(conversation, history::Role::User, &text)?;
        let request = turns::request(&saving.all_messages(conversation)?);
        Ok::<_, history::Error>((conversation, request))
    })
    .await
    .map_err(joined)?
    .map_err(history_error)?;
    let guard = state.chats.register();
    let stream = router
        .route(requested.as_deref(), request, guard.token.clone())
        .map_err(|e| route_error(&e))?;
    Ok(start(
        &state,
        router,
        store,
        conversation,
        first,
        stream,
        channel,
        guard,
    ))
}

/// "Retry on next route" for answer `message_id` of `conversation_id`, which failed after its
/// first token: asks the route's next candidate again for the same user message, as a new
/// answer streamed on `channel` (the failed one keeps its partial text).
#[tauri::command]
#[tracing::instrument(skip(state, channel), err)]
pub(crate) async fn chat_retry_next(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    message_id: MessageId,
    channel: Channel<ChatEvent>,
) -> Result<ChatStarted, IpcError> {
    let router = state.router.get()?;
    let store = state.history.store()?;
    let reading = store.clone();
    let found = tauri::async_runtime::spawn_blocking(move || {
        let messages = reading.all_messages(conversation_id)?;
        let at = messages
            .iter()
            .position(|m| m.id == message_id && m.role == Role::Assistant);
        Ok::<_, history::Error>(
            at.map(|i| (messages[i].model.clone(), turns::request(&messages[..i]))),
        )
    })
    .await
    .map_err(joined)?
    .map_err(history_error)?;
    let Some((answered_by, request)) = found else {
        return Err(invalid("no such answer in this conversation"));
    };
    if request.turns.is_empty() {
        return Err(invalid("that answer has no question to ask again"));
    }
    // After a restart the saved answering model is where the primary route goes on from.
    let retry = match state.router.retries.take(message_id) {
        Some(retry) => retry,
        None => RetryFrom {
            requested: None,
            after: answered_by.ok_or_else(|| invalid("that answer has no model to go on from"))?,
        },
    };
    let first = next_after(&router, &retry).unwrap_or_default();
    let guard = state.chats.register();
    let stream = router
        .retry_next(&retry, request, guard.token.clone())
        .map_err(|e| route_error(&e))?;
    Ok(start(
        &state,
        router,
        store,
        conversation_id,
        first,
        stream,
        channel,
        guard,
    ))
}

/// The candidate after `retry.after`, for the `started` event.
fn next_after(router: &Router, retry: &RetryFrom) -> Option<String> {
    let candidates = router.candidates(retry.requested.as_deref()).ok()?;
    let at = candidates
        .iter()
        .position(|c| c.model_ref == retry.after)
        .map_or(0, |i| i + 1);
    candidates.get(at).map(|c| c.model_ref.clone())
}

/// Spawns the task that streams `stream` into the history and onto `channel`.
#[allow(clippy::too_many_arguments)]
fn start(
    state: &AppState,
    router: Arc<Router>,
    store: HistoryStore,
    conversation: ConversationId,
    first: String,
    stream: RouteStream,
    channel: Channel<ChatEvent>,
    guard: ChatRequestGuard,
) -> ChatStarted {
    let started = ChatStarted {
        request_id: guard.id,
        conversation_id: conversation,
    };
    let job = Job {
        store,
        router,
        retries: state.router.retries.clone(),
        first,
        conversation,
        channel,
        guard,
    };
    tauri::async_runtime::spawn(job.run(stream));
    started
}

/// Stops request `request_id`; the answer keeps its text and ends `stopped`. `false` when it
/// had already ended.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn chat_cancel(
    state: State<'_, AppState>,
    request_id: RequestId,
) -> Result<bool, IpcError> {
    Ok(state.chats.cancel(request_id))
}

/// The models to pick from: aliases first, then every `provider/model`.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn chat_models(state: State<'_, AppState>) -> Result<ChatModels, IpcError> {
    let path = state.paths.config_file.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let view = view::load(&path, &lookup)
            .map_err(|e| IpcError::from(switchboard_core::Error::from(e)))?;
        Ok(models_of(&view))
    })
    .await
    .map_err(joined)?
}

/// Whether `base_url` points at this computer.
pub(crate) fn is_loopback(base_url: &str) -> bool {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost" || host == "::1" || host.starts_with("127.") || host == "0.0.0.0"
}

fn models_of(view: &view::ConfigView) -> ChatModels {
    let mut refs = Vec::new();
    for provider in &view.providers {
        let local = switchboard_core::secrets::local_placeholder(&provider.id).is_some()
            || provider.base_url.as_deref().is_some_and(is_loopback);
        for model in &provider.models {
            refs.push(ChatModel {
                id: model.model_ref.clone(),
                label: model.model_ref.clone(),
                model_ref: model.model_ref.clone(),
                alias: None,
                name: model.name.clone(),
                local,
                context_window: model.context_window,
                reasoning: model.reasoning,
            });
        }
    }
    let aliases = view.aliases.iter().filter_map(|alias| {
        let target = refs.iter().find(|m| m.model_ref == alias.model_ref)?;
        Some(ChatModel {
            id: alias.alias.clone(),
            label: alias.alias.clone(),
            alias: Some(alias.alias.clone()),
            ..target.clone()
        })
    });
    let mut models: Vec<ChatModel> = aliases.collect();
    models.extend(refs);
    ChatModels {
        models,
        primary: view.primary.clone(),
    }
}

#[cfg(test)]
mod tests;

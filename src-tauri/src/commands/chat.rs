//! Chat commands for the chat window, thin adapters over the core chat engine
//! ([`switchboard_core::chat`]): send a message or "retry on next route" and forward the
//! engine's events to a `Channel`, cancel a running answer, list the models to pick.
//!
//! The engine saves the user message before the command returns (so a crash never loses it),
//! routes, records and prices the answer; each answer streams on its own task and ends with one
//! `done` or `error` event. Deltas are coalesced to one per frame, all the page can paint.

use std::collections::BTreeMap;
use std::time::Duration;

use switchboard_core::chat::{
    choices, Ask, ChatError, ChatEvent, Engine, Facts, Turn, TurnOptions,
};
use switchboard_core::config::view;
use switchboard_core::history::{ConversationId, ImageData, MessageId, Parameters};
use switchboard_core::logging::redact::redact;
use switchboard_core::ErrorKind;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::{IpcError, IpcErrorKind};
use crate::models::{ChatModels, ChatStarted};
use crate::state::{AppState, ChatRequestGuard, RequestId};

/// The shortest time between two delta messages to the page. Each channel message costs the
/// page a script evaluation on its main thread, so at 500 tokens/s one message per token would
/// starve its frames; one per frame is all it can paint anyway.
const SEND_EVERY: Duration = Duration::from_millis(16);

const DESKTOP: TurnOptions = TurnOptions {
    stream: true,
    coalesce: Some(SEND_EVERY),
};

fn chat_error(e: ChatError) -> IpcError {
    let kind = match e {
        ChatError::History(h) => return IpcError::from(switchboard_core::Error::from(h)),
        ChatError::Route(ref route) => {
            IpcErrorKind::Chat(switchboard_core::chat::Reason::of(route))
        }
        ChatError::InvalidInput(_) => IpcErrorKind::Core(ErrorKind::InvalidInput),
        _ => IpcErrorKind::Internal,
    };
    IpcError {
        kind,
        message: redact(&e.to_string()).into_owned(),
    }
}

/// Sends `text` to `model` (an alias or `provider/model`; none or empty: the primary route) in
/// `conversation_id` (a new conversation without one) and streams the answer on `channel`.
/// `private` makes a new conversation private (only routes that stay on this machine);
/// `system` and `parameters`, when given, are the conversation's from this turn on (saved with
/// it; a blank system prompt removes it). `images` are the message's images as base64 bytes
/// (never paths): core checks their format and size, saves them and sends them in the model's
/// wire API. Returns once the user message is saved; an unknown model, a bad image, images for
/// a text-only route or a parameter out of range fail before anything is saved.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // each is one IPC argument
#[tracing::instrument(skip(state, text, system, images, channel), err)]
pub(crate) async fn chat_send(
    state: State<'_, AppState>,
    conversation_id: Option<ConversationId>,
    model: Option<String>,
    text: String,
    private: Option<bool>,
    system: Option<String>,
    parameters: Option<Parameters>,
    images: Option<Vec<String>>,
    channel: Channel<ChatEvent>,
) -> Result<ChatStarted, IpcError> {
    let engine = state.engine()?;
    let images = images
        .unwrap_or_default()
        .iter()
        .map(|data| ImageData::from_base64(data))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| IpcError::from(switchboard_core::Error::from(e)))?;
    let guard = state.chats.register();
    let mut ask = Ask::new(text);
    ask.conversation = conversation_id;
    ask.model = model;
    ask.private = private.unwrap_or(false);
    ask.system = system;
    ask.parameters = parameters;
    ask.images = images;
    ask.options = DESKTOP;
    let turn = engine
        .send(ask, guard.token.clone())
        .await
        .map_err(chat_error)?;
    Ok(forward(turn, channel, guard))
}

/// Makes a saved conversation private (the router keeps it on this machine) or not.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn chat_set_private(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    private: bool,
) -> Result<(), IpcError> {
    state
        .engine()?
        .set_private(conversation_id, private)
        .await
        .map_err(chat_error)
}

/// Spend today and this month by provider, against the budgets in the settings.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn spend_report(
    state: State<'_, AppState>,
) -> Result<switchboard_core::policy::Report, IpcError> {
    state.engine()?.spend_report().await.map_err(chat_error)
}

/// "Retry on next route" for answer `message_id` of `conversation_id`: asks the route's next
/// candidate for the same user message, as a new version of the answer streamed on `channel`
/// (the failed one keeps its partial text). Works for an answer that was itself a retry.
#[tauri::command]
#[tracing::instrument(skip(state, channel), err)]
pub(crate) async fn chat_retry_next(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    message_id: MessageId,
    channel: Channel<ChatEvent>,
) -> Result<ChatStarted, IpcError> {
    let engine: Engine = state.engine()?;
    let guard = state.chats.register();
    let turn = engine
        .retry_next(conversation_id, message_id, DESKTOP, guard.token.clone())
        .await
        .map_err(chat_error)?;
    Ok(forward(turn, channel, guard))
}

/// "Retry" for answer `message_id` of `conversation_id`: asks its question again of `model`
/// (an alias or `provider/model`; none or empty: the primary route), as a new version of the
/// answer streamed on `channel`.
#[tauri::command]
#[tracing::instrument(skip(state, channel), err)]
pub(crate) async fn chat_regenerate(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    message_id: MessageId,
    model: Option<String>,
    channel: Channel<ChatEvent>,
) -> Result<ChatStarted, IpcError> {
    let engine = state.engine()?;
    let guard = state.chats.register();
    let turn = engine
        .regenerate(
            conversation_id,
            message_id,
            model,
            DESKTOP,
            guard.token.clone(),
        )
        .await
        .map_err(chat_error)?;
    Ok(forward(turn, channel, guard))
}

/// Forwards `turn`'s events to `channel` on a task; `guard` keeps it cancellable until it ends.
fn forward(mut turn: Turn, channel: Channel<ChatEvent>, guard: ChatRequestGuard) -> ChatStarted {
    let started = ChatStarted {
        request_id: guard.id,
        conversation_id: turn.conversation_id().unwrap_or_default(),
    };
    tauri::async_runtime::spawn(async move {
        let _registered = guard;
        while let Some(event) = turn.next().await {
            if let Err(e) = channel.send(event) {
                // The page went away; the answer is still saved.
                tracing::debug!("chat event not delivered: {e}");
            }
        }
    });
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

/// The models to pick from: aliases first, then every `provider/model`, each with where it
/// runs, its context window, its quantization and loaded state from the last detection, and
/// its measured speed.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn chat_models(state: State<'_, AppState>) -> Result<ChatModels, IpcError> {
    let path = state.paths.config_file.clone();
    // While the file is broken, the router keeps routing by the last good config: offer those.
    let live = state.live.config();
    let view = tauri::async_runtime::spawn_blocking(move || {
        match live {
            Some(live) => live.routed_view(&env_lookup),
            None => view::load(&path, &env_lookup),
        }
        .map_err(|e| IpcError::from(switchboard_core::Error::from(e)))
    })
    .await
    .map_err(|e| IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("the models task failed: {e}"),
    })??;
    let refs: Vec<String> = view
        .providers
        .iter()
        .flat_map(|p| p.models.iter().map(|m| m.model_ref.clone()))
        .collect();
    // Speeds are a nicety: without a router (a broken config) or history there are none.
    let speeds = match state.engine() {
        Ok(engine) => engine.speeds(refs).await.unwrap_or_else(|e| {
            tracing::debug!("no measured speeds: {e}");
            BTreeMap::new()
        }),
        Err(_) => BTreeMap::new(),
    };
    let stays_local = state.settings.get().policy().stays_local;
    let detected = state.detected.last();
    let facts = Facts {
        lookup: &env_lookup,
        stays_local: &stays_local,
        detected: detected.as_deref(),
        speeds: &speeds,
    };
    Ok(ChatModels {
        models: choices(&view, &facts),
        primary: view.primary.clone(),
    })
}

/// Reads a `${VAR}` from the environment (unset and empty are the same).
fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
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

#[cfg(test)]
mod tests;

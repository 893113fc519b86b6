//! Chat history commands for the chat window: list, load (paged), search, pick the version of
//! an answer shown, rename, delete, export (as text, or to a file in Downloads), and the
//! store's status.
//!
//! SQLite blocks, so every command runs its core call on Tauri's blocking pool
//! (`spawn_blocking`); no lock is held across an `.await` (the store is cloned out of state).

use serde::Serialize;
use switchboard_core::history::{
    self, Conversation, ConversationId, ExportFormat, HistoryStore, Message, MessageId, Recovered,
    SearchFilter, SearchHit,
};
use tauri::State;

use crate::error::{IpcError, IpcErrorKind};
use crate::models::ExportedFile;
use crate::state::AppState;

/// Conversations shown per page when the UI does not say.
const DEFAULT_PAGE: usize = 50;

/// A conversation with one page of its messages.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoadedConversation {
    conversation: Conversation,
    /// Oldest first.
    messages: Vec<Message>,
    /// Whether older messages exist; pass the first message's id as `before` to get them.
    has_more: bool,
}

/// Whether the history works, and whether a damaged database was moved aside at start.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HistoryStatus {
    /// Why the history is unavailable, if it is.
    error: Option<IpcError>,
    /// A damaged database moved aside at start, to tell the person about.
    recovered: Option<Recovered>,
}

/// Runs `f` on the store on the blocking pool.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(HistoryStore) -> history::Result<T> + Send + 'static,
) -> Result<T, IpcError> {
    let store = state.history.store()?;
    tauri::async_runtime::spawn_blocking(move || f(store))
        .await
        .map_err(|e| IpcError {
            kind: IpcErrorKind::Internal,
            message: format!("the history task failed: {e}"),
        })?
        .map_err(|e| IpcError::from(switchboard_core::Error::from(e)))
}

/// Conversations, pinned first, then most recent first.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_list(
    state: State<'_, AppState>,
    limit: Option<usize>,
    offset: Option<usize>,
) -> Result<Vec<Conversation>, IpcError> {
    blocking(&state, move |store| {
        store.list_conversations(limit.unwrap_or(DEFAULT_PAGE), offset.unwrap_or(0))
    })
    .await
}

/// A conversation and its newest messages, or the page before message `before`.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_load(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    before: Option<MessageId>,
    limit: Option<usize>,
) -> Result<LoadedConversation, IpcError> {
    blocking(&state, move |store| {
        let conversation = store.conversation(conversation_id)?;
        let page = store.messages(conversation_id, before, limit.unwrap_or(DEFAULT_PAGE))?;
        Ok(LoadedConversation {
            conversation,
            messages: page.messages,
            has_more: page.has_more,
        })
    })
    .await
}

/// Messages matching `query`, best first, with highlighted snippets; with `leftMachine`, only
/// answers that sent the text off this machine (then `query` may be empty).
#[tauri::command]
#[tracing::instrument(skip(state, query), err)]
pub(crate) async fn history_search(
    state: State<'_, AppState>,
    query: String,
    limit: Option<usize>,
    left_machine: Option<bool>,
) -> Result<Vec<SearchHit>, IpcError> {
    let filter = SearchFilter {
        left_machine: left_machine.unwrap_or(false),
    };
    blocking(&state, move |store| {
        store.search_filtered(&query, limit.unwrap_or(DEFAULT_PAGE), filter)
    })
    .await
}

/// Shows version `message_id` of its answer from now on (and sends it as context); returns it.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_select_version(
    state: State<'_, AppState>,
    message_id: MessageId,
) -> Result<Message, IpcError> {
    blocking(&state, move |store| store.select_version(message_id)).await
}

/// Gives a conversation a person's title.
#[tauri::command]
#[tracing::instrument(skip(state, title), err)]
pub(crate) async fn history_rename(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    title: String,
) -> Result<Conversation, IpcError> {
    blocking(&state, move |store| store.rename(conversation_id, &title)).await
}

/// Deletes a conversation with its messages and search rows.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_delete(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
) -> Result<(), IpcError> {
    blocking(&state, move |store| {
        store.delete_conversation(conversation_id)
    })
    .await
}

/// One conversation (or all, without an id) as Markdown or JSON text, for the UI to save.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_export(
    state: State<'_, AppState>,
    conversation_id: Option<ConversationId>,
    format: ExportFormat,
) -> Result<String, IpcError> {
    let bytes = blocking(&state, move |store| {
        let mut out = Vec::new();
        match conversation_id {
            Some(id) => store.export(id, format, &mut out)?,
            None => {
                store.export_all(format, &mut out)?;
            }
        }
        Ok(out)
    })
    .await?;
    // Exports are built from Rust strings, so they are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Exports conversation `conversation_id` as Markdown or JSON (the CLI's exporter) to a new
/// file in the Downloads folder (`~/Downloads` when the desktop names none) and returns its
/// path. A file never replaces another: the app has no file dialog, so it asks nothing and
/// overwrites nothing, and the page shows where the file went.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_export_file(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    format: ExportFormat,
) -> Result<ExportedFile, IpcError> {
    let dir = switchboard_core::paths::downloads_dir().ok_or_else(|| IpcError {
        kind: switchboard_core::ErrorKind::Io.into(),
        message: "there is no Downloads folder (no home folder) to export to".into(),
    })?;
    let path = blocking(&state, move |store| {
        store.export_to_dir(conversation_id, format, &dir)
    })
    .await?;
    Ok(ExportedFile {
        path: path.display().to_string(),
    })
}

/// Whether the history opened, and any damaged database moved aside at start.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_status(state: State<'_, AppState>) -> Result<HistoryStatus, IpcError> {
    Ok(HistoryStatus {
        error: state.history.store().err(),
        recovered: state.history.recovered().cloned(),
    })
}

/// An attached image, by the hash its message names, as a `data:` URL for an `<img>` (the CSP
/// allows `data:` images; no file path from the page is ever opened).
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn history_image(
    state: State<'_, AppState>,
    sha256: String,
) -> Result<String, IpcError> {
    blocking(&state, move |store| {
        Ok(store.image_by_hash(&sha256)?.data_url())
    })
    .await
}

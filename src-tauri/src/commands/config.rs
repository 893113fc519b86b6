//! Config commands for the Settings and Models screens: load a view, apply one profile edit,
//! import from and export to OpenClaw.
//!
//! The logic is in `switchboard_core::config::view`; file I/O runs on the blocking pool. Views
//! carry each provider's key only as its kind (`none`, `env:VAR`, `secretRef`, `plaintext`),
//! never a value, so no key reaches the webview. The page is not trusted with keys either: its
//! edits go through `providers::key_guard::apply_from_window` (a new origin parks the stored
//! key; the page cannot choose which secret a provider sends), and import and export use
//! OpenClaw's own file, never a path the page names.

use std::path::PathBuf;

use switchboard_core::config::openclaw::Summary;
use switchboard_core::config::view::{self, ConfigView, EditInput};
use switchboard_core::config::ConfigError;
use switchboard_core::secrets::KeyringStore;
use tauri::{AppHandle, Runtime, State};

use crate::error::{ConfigIpcError, IpcError, IpcErrorKind};
use crate::services;
use crate::state::AppState;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Runs `f` on the config file's path on the blocking pool.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(PathBuf) -> Result<T, ConfigError> + Send + 'static,
) -> Result<T, IpcError> {
    let path = state.paths.config_file.clone();
    tauri::async_runtime::spawn_blocking(move || f(path))
        .await
        .map_err(|e| IpcError {
            kind: IpcErrorKind::Internal,
            message: format!("the config task failed: {e}"),
        })?
        .map_err(|e| IpcError::from(switchboard_core::Error::from(e)))
}

/// The config as the UI renders it, with its problems as data.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn config_load(state: State<'_, AppState>) -> Result<ConfigView, IpcError> {
    blocking(&state, |path| view::load(&path, &env)).await
}

/// Whether the file is broken and the last good config keeps routing, so a window that opens
/// (or reloads) while the file is broken says so, as the `config-changed` event did.
#[tauri::command]
pub(crate) fn config_routes_kept(state: State<'_, AppState>) -> bool {
    state.live.config().is_some_and(|live| live.routes_kept())
}

/// Applies one edit to the file loaded at `revision` and saves it; `conflict` when the file
/// changed since, `invalid_config` with each problem's config path in `diagnostics` when the
/// edit is refused. A provider moved to another origin loses its stored key until the person
/// enters it again. Returns the new view.
#[tauri::command]
#[tracing::instrument(skip(app, state, edit), err)]
pub(crate) async fn config_apply<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    revision: Option<String>,
    edit: EditInput,
) -> Result<ConfigView, ConfigIpcError> {
    let path = state.paths.config_file.clone();
    let view = tauri::async_runtime::spawn_blocking(move || {
        switchboard_core::providers::key_guard::apply_from_window(
            &path,
            revision.as_deref(),
            edit,
            &env,
            &KeyringStore::default(),
        )
    })
    .await
    .map_err(|e| IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("the config task failed: {e}"),
    })??;
    services::reload_router(&app).await;
    Ok(view)
}

/// Imports OpenClaw's config from its own place (`$OPENCLAW_CONFIG_PATH`, else
/// `~/.openclaw/openclaw.json`) into ours; the page names no file.
#[tauri::command]
#[tracing::instrument(skip(app, state), err)]
pub(crate) async fn config_import_openclaw<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Summary, IpcError> {
    let summary = blocking(&state, |ours| view::import_openclaw(&ours, None, &env)).await?;
    services::reload_router(&app).await;
    Ok(summary)
}

/// Exports our config into OpenClaw's own file (see [`config_import_openclaw`]), keeping its
/// other keys; the page names no file.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn config_export_openclaw(
    state: State<'_, AppState>,
) -> Result<Summary, IpcError> {
    blocking(&state, |ours| view::export_openclaw(&ours, None, &env)).await
}

//! The first screen's one click: "Use MiniMax M2.1 on LM Studio". Forwards to core's
//! [`switchboard_core::setup::quick_start`] (probe again, test live, one save), then reloads
//! the router so the chat can answer at once. Cancelled with `route_test_cancel("quick-start")`.

use std::time::Duration;

use serde::Serialize;
use switchboard_core::chat::Reason;
use switchboard_core::providers::Client;
use switchboard_core::setup::{self, QuickStartError};
use switchboard_core::ErrorKind;
use tauri::{AppHandle, Runtime, State};

use super::discovery::{target_for, ServerRef};
use crate::error::{IpcError, IpcErrorKind};
use crate::services::{self, discovery_error};
use crate::state::AppState;

/// The route-test group a quick start runs in.
const GROUP: &str = "quick-start";

/// What the one click saved.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QuickStarted {
    /// The primary route now saved.
    pub model_ref: String,
    /// The server's name.
    pub server: &'static str,
    /// The model's display name.
    pub model_name: String,
    /// From sending the test to its first token.
    pub first_token_ms: Option<u64>,
}

fn ipc_error(err: QuickStartError) -> IpcError {
    let err = match err {
        QuickStartError::Discovery(e) => return discovery_error(e),
        QuickStartError::Config(e) => return IpcError::from(switchboard_core::Error::from(e)),
        other => other,
    };
    let kind = match &err {
        QuickStartError::NotRunning { .. } => IpcErrorKind::Unreachable,
        QuickStartError::ModelGone { .. } => IpcErrorKind::NoChatModels,
        QuickStartError::ProviderElsewhere { .. } => IpcErrorKind::Core(ErrorKind::Conflict),
        QuickStartError::NoAnswer { source, .. } => {
            IpcErrorKind::Chat(Reason::Provider(source.kind()))
        }
        _ => IpcErrorKind::Internal,
    };
    IpcError::new(kind, err.to_string())
}

/// Tests `model` on `server` live and saves it as the local-only setup in one write.
#[tauri::command]
#[tracing::instrument(skip(app, state), err)]
pub(crate) async fn quick_start<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    server: ServerRef,
    model: String,
) -> Result<QuickStarted, IpcError> {
    let target = target_for(&server)?;
    let client = Client::new(Duration::from_secs(10))
        .map_err(|e| IpcError::new(IpcErrorKind::Internal, e.to_string()))?;
    let guard = state.route_tests.join(GROUP);
    let started = setup::quick_start(
        &state.paths.config_file,
        target,
        &model,
        &client,
        (*guard.token).clone(),
    )
    .await
    .map_err(ipc_error)?;
    drop(guard);
    services::reload_router(&app).await;
    Ok(QuickStarted {
        model_ref: started.model_ref,
        server: started.server,
        model_name: started.model_name,
        first_token_ms: started
            .first_token
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    })
}

//! Discovery commands for the Setup wizard: scan the local servers, write the chosen ones as
//! provider profiles, and ask LM Studio to load a model (a detected one, or a configured route's).
//!
//! The scan is `crate::services::scan_local` (shared with the tray's Re-detect and the
//! background detection). Profiles are written through the config core's atomic saver, which
//! refuses a broken or changed file.

use serde::Deserialize;
use switchboard_core::chat::Reason;
use switchboard_core::discovery::{
    self, LoadOptions, LoadedModel, ScanOptions, ScanReport, Scanner, ServerKind, Target,
};
use tauri::{AppHandle, Runtime, State};

use switchboard_core::config::profile::Edit;
use switchboard_core::config::view::{ConfigView, EditInput};
use switchboard_core::providers::key_guard;
use switchboard_core::secrets::KeyringStore;

use crate::error::{ConfigIpcError, IpcError, IpcErrorKind};
use crate::models::AddedProfile;
use crate::services::{self, discovery_error, invalid_input, ScanRequest};
use crate::state::AppState;

/// A server the user chose in the wizard, as the scan reported it.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ServerRef {
    /// `lmstudio`, `ollama`, …, or `openai-compatible`.
    kind: String,
    /// The base URL from the scan (with `/v1`).
    base_url: String,
}

/// The probe target for a server the scan reported at `base_url`.
pub(super) fn target_for(server: &ServerRef) -> Result<Target, IpcError> {
    let base = server.base_url.trim().trim_end_matches('/');
    if server.kind == ServerKind::OpenAiCompatible.id() {
        return Ok(Target::base_url(base));
    }
    let kind = ServerKind::KNOWN
        .into_iter()
        .find(|k| k.id() == server.kind)
        .ok_or_else(|| invalid_input(format!("unknown server kind {:?}", server.kind)))?;
    Ok(Target {
        kind,
        url: base.trim_end_matches("/v1").to_owned(),
    })
}

/// Scans the local servers: LM Studio first, then Ollama, vLLM, llama.cpp, LiteLLM and Jan, then
/// the extra URLs (also those saved in Settings). A scan never fails; each server's status says
/// what was found.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn discovery_scan<R: Runtime>(
    app: AppHandle<R>,
    request: Option<ScanRequest>,
) -> Result<ScanReport, IpcError> {
    services::scan_local(&app, request.unwrap_or_default()).await
}

/// Probes the chosen `servers` again (so their models are current); every one must be up.
async fn scan_chosen(servers: &[ServerRef]) -> Result<ScanReport, IpcError> {
    let targets = servers
        .iter()
        .map(target_for)
        .collect::<Result<Vec<_>, _>>()?;
    let scanner = Scanner::new(ScanOptions {
        targets: targets.clone(),
        ..ScanOptions::loopback()
    })
    .map_err(discovery_error)?;
    let report = scanner.scan().await;
    if let Some(down) = report
        .servers
        .iter()
        .find(|s| s.status != discovery::Status::Running)
    {
        return Err(IpcError {
            kind: IpcErrorKind::Unreachable,
            message: format!(
                "{} at {} is {}: start it and try again",
                down.kind.label(),
                down.base_url,
                down.status.label()
            ),
        });
    }
    Ok(report)
}

/// Writes each chosen server as a provider profile (probed again, so the models are current).
/// Refuses a broken config (`invalid_config`) and never writes a server without chat models.
#[tauri::command]
#[tracing::instrument(skip(app, state), err)]
pub(crate) async fn discovery_add_profiles<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    servers: Vec<ServerRef>,
) -> Result<Vec<AddedProfile>, IpcError> {
    let report = scan_chosen(&servers).await?;
    let path = state.paths.config_file.clone();
    let added = tauri::async_runtime::spawn_blocking(move || {
        report
            .servers
            .iter()
            .map(|server| {
                let written = discovery::profile::write(&path, server).map_err(discovery_error)?;
                Ok(AddedProfile {
                    provider: written.provider,
                    models: written.models,
                    warnings: written.warnings.iter().map(ToString::to_string).collect(),
                })
            })
            .collect::<Result<Vec<_>, IpcError>>()
    })
    .await
    .map_err(|e| IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("the profile task failed: {e}"),
    })?;
    // Also after a partial failure: what was written is routable.
    services::reload_router(&app).await;
    added
}

/// Asks LM Studio at `base_url` to load `model` (with `context_length` tokens, when given).
#[tauri::command]
#[tracing::instrument(err)]
pub(crate) async fn discovery_load_model(
    base_url: String,
    model: String,
    context_length: Option<u64>,
) -> Result<LoadedModel, IpcError> {
    let options = LoadOptions {
        context_length,
        ..LoadOptions::default()
    };
    discovery::load_model(&base_url, &model, &options, &mut |_| {})
        .await
        .map_err(discovery_error)
}

/// Asks the local server behind a configured route (`provider/model` or an alias) to load its
/// model: the chat's "Load the model" action after LM Studio said no model is loaded. Only
/// servers on this computer are asked; a hosted provider's URL never gets this request.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn discovery_load_route_model(
    state: State<'_, AppState>,
    model_ref: String,
) -> Result<LoadedModel, IpcError> {
    let router = state.router.get()?;
    let target = router.target(&model_ref).map_err(|e| IpcError {
        kind: IpcErrorKind::Chat(Reason::Provider(e.kind())),
        message: switchboard_core::logging::redact::redact(&e.to_string()).into_owned(),
    })?;
    if !super::chat::is_loopback(&target.base_url) {
        return Err(invalid_input(format!(
            "{model_ref} is not served from this computer, so Switchboard cannot load it"
        )));
    }
    discovery::load_model(
        &target.base_url,
        &target.model,
        &LoadOptions::default(),
        &mut |_| {},
    )
    .await
    .map_err(discovery_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_servers_are_probed_where_the_scan_found_them() {
        let lmstudio = ServerRef {
            kind: "lmstudio".into(),
            base_url: "http://127.0.0.1:4321/v1".into(),
        };
        assert_eq!(
            target_for(&lmstudio).expect("known"),
            Target::loopback(ServerKind::LmStudio, 4321)
        );
        let custom = ServerRef {
            kind: "openai-compatible".into(),
            base_url: "http://10.0.0.2:8001/v1".into(),
        };
        assert_eq!(
            target_for(&custom).expect("custom").url,
            "http://10.0.0.2:8001/v1"
        );
        let unknown = ServerRef {
            kind: "nope".into(),
            base_url: String::new(),
        };
        assert!(target_for(&unknown).is_err());
    }
}

/// What the setup wizard's Save wrote.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SetupSaved {
    /// The config as saved.
    pub view: ConfigView,
    /// The profiles of the chosen servers.
    pub added: Vec<AddedProfile>,
}

/// The setup wizard's Save: the profiles of the chosen `servers` (probed again, so the models
/// are current), then the wizard's `edits` (hosted provider, routes, aliases), validated
/// together and saved in one write, so the `.bak` holds the file as it was before the setup
/// and never an in-between state. `conflict` when the file changed since `revision`.
#[tauri::command]
#[tracing::instrument(skip(app, state, edits), err)]
pub(crate) async fn setup_save<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    revision: Option<String>,
    servers: Vec<ServerRef>,
    edits: Vec<EditInput>,
) -> Result<SetupSaved, ConfigIpcError> {
    let found = if servers.is_empty() {
        Vec::new()
    } else {
        scan_chosen(&servers).await?.servers
    };
    let path = state.paths.config_file.clone();
    let saved = tauri::async_runtime::spawn_blocking(move || {
        let current = switchboard_core::config::load(&path)?;
        let mut first = Vec::new();
        let mut added = Vec::new();
        for server in &found {
            let id = discovery::profile::provider_id(server);
            let provider = discovery::profile::provider_for(server, current.config.provider(&id))
                .map_err(|e| ConfigIpcError::from(discovery_error(e)))?;
            added.push(AddedProfile {
                models: provider
                    .models
                    .iter()
                    .flatten()
                    .map(|m| m.id.clone())
                    .collect(),
                provider: id,
                warnings: Vec::new(),
            });
            first.push(Edit::UpsertProvider(provider));
        }
        let view = key_guard::apply_all_from_window(
            &path,
            revision.as_deref(),
            first,
            edits,
            &|name: &str| std::env::var(name).ok(),
            &KeyringStore::default(),
        )?;
        Ok::<_, ConfigIpcError>(SetupSaved { view, added })
    })
    .await
    .map_err(|e| IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("the setup task failed: {e}"),
    })?;
    services::reload_router(&app).await;
    saved
}

//! Discovery commands for the Setup wizard: scan the local servers, write the chosen ones as
//! provider profiles, and ask LM Studio to load a model (a detected one, or a configured route's).
//!
//! The scan probes the loopback ports in parallel with short timeouts (core's [`Scanner`]).
//! LM Studio's port is 1234 unless the caller passes another, or `SWITCHBOARD_LMSTUDIO_PORT` is
//! set (the end-to-end tests point it at a fake LM Studio on a random port). Every scan (this
//! command, the tray's Re-detect, the background detection) also covers the extra server URLs
//! saved in Settings. Profiles are written through the config core's atomic saver, which refuses
//! a broken or changed file.

use serde::Deserialize;
use switchboard_core::chat::Reason;
use switchboard_core::discovery::{
    self, DiscoveryError, DiscoveryErrorKind, LoadOptions, LoadedModel, ScanOptions, ScanReport,
    Scanner, ServerKind, Target,
};
use switchboard_core::ErrorKind;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::error::{IpcError, IpcErrorKind};
use crate::models::AddedProfile;
use crate::state::AppState;

/// Overrides LM Studio's port for every scan (tests, or a user who moved the server).
pub(crate) const LMSTUDIO_PORT_ENV: &str = "SWITCHBOARD_LMSTUDIO_PORT";

/// What to scan besides the default ports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ScanRequest {
    /// OpenAI-compatible base URLs the user added.
    #[serde(default)]
    extra_urls: Vec<String>,
    /// LM Studio's port, when it is not 1234.
    #[serde(default)]
    lmstudio_port: Option<u16>,
}

/// A server the user chose in the wizard, as the scan reported it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ServerRef {
    /// `lmstudio`, `ollama`, …, or `openai-compatible`.
    kind: String,
    /// The base URL from the scan (with `/v1`).
    base_url: String,
}

fn discovery_error(err: DiscoveryError) -> IpcError {
    if let DiscoveryError::Config(e) = err {
        return IpcError::from(switchboard_core::Error::from(e));
    }
    let kind = match err.kind() {
        DiscoveryErrorKind::Unreachable => IpcErrorKind::Unreachable,
        DiscoveryErrorKind::Server => IpcErrorKind::Server,
        DiscoveryErrorKind::NoChatModels => IpcErrorKind::NoChatModels,
        _ => IpcErrorKind::Internal,
    };
    IpcError {
        kind,
        message: switchboard_core::logging::redact::redact(&err.to_string()).into_owned(),
    }
}

fn invalid(message: String) -> IpcError {
    IpcError {
        kind: ErrorKind::InvalidInput.into(),
        message,
    }
}

/// The scan options for `request`: the default ports, LM Studio moved as asked, extra URLs.
fn options_for(request: &ScanRequest, env_port: Option<&str>) -> Result<ScanOptions, IpcError> {
    let mut options = ScanOptions::loopback();
    let env_port =
        match env_port.map(str::trim).filter(|p| !p.is_empty()) {
            Some(text) => Some(text.parse::<u16>().map_err(|_| {
                invalid(format!("{LMSTUDIO_PORT_ENV}={text:?} is not a port number"))
            })?),
            None => None,
        };
    if let Some(port) = request.lmstudio_port.or(env_port) {
        options = options.with_port(ServerKind::LmStudio, port);
    }
    for url in &request.extra_urls {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(invalid(format!(
                "{url:?} is not a server URL: it starts with http:// or https://"
            )));
        }
        // A URL given twice (by the wizard and in Settings, say) is probed once.
        let target = Target::base_url(url);
        if !options.targets.contains(&target) {
            options = options.with_url(url);
        }
    }
    Ok(options)
}

/// The probe target for a server the scan reported at `base_url`.
fn target_for(server: &ServerRef) -> Result<Target, IpcError> {
    let base = server.base_url.trim().trim_end_matches('/');
    if server.kind == ServerKind::OpenAiCompatible.id() {
        return Ok(Target::base_url(base));
    }
    let kind = ServerKind::KNOWN
        .into_iter()
        .find(|k| k.id() == server.kind)
        .ok_or_else(|| invalid(format!("unknown server kind {:?}", server.kind)))?;
    Ok(Target {
        kind,
        url: base.trim_end_matches("/v1").to_owned(),
    })
}

/// Scans the local servers: LM Studio first, then Ollama, vLLM, llama.cpp, LiteLLM and Jan, then
/// the extra URLs. A scan never fails; each server's status says what was found.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub(crate) async fn discovery_scan<R: Runtime>(
    app: AppHandle<R>,
    request: Option<ScanRequest>,
) -> Result<ScanReport, IpcError> {
    scan_local(&app, request.unwrap_or_default()).await
}

/// Scans what `request` asks for plus the extra server URLs saved in Settings.
pub(crate) async fn scan_local<R: Runtime>(
    app: &AppHandle<R>,
    mut request: ScanRequest,
) -> Result<ScanReport, IpcError> {
    let saved = app.state::<AppState>().settings.get().extra_server_urls;
    request.extra_urls.extend(saved);
    let env_port = std::env::var(LMSTUDIO_PORT_ENV).ok();
    let options = options_for(&request, env_port.as_deref())?;
    let scanner = Scanner::new(options).map_err(discovery_error)?;
    Ok(scanner.scan().await)
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
    super::config::reload_router(&app).await;
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
        return Err(invalid(format!(
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
    fn lm_studio_moves_to_the_requested_or_environment_port() {
        let request = ScanRequest::default();
        let options = options_for(&request, Some("4321")).expect("valid");
        assert_eq!(options.targets[0].url, "http://127.0.0.1:4321");
        let request = ScanRequest {
            lmstudio_port: Some(5555),
            extra_urls: vec!["http://10.0.0.2:8001".into()],
        };
        let options = options_for(&request, Some("4321")).expect("valid");
        assert_eq!(options.targets[0].url, "http://127.0.0.1:5555");
        assert_eq!(
            options.targets.last().map(|t| t.url.as_str()),
            Some("http://10.0.0.2:8001/v1")
        );
        assert_eq!(
            options_for(&ScanRequest::default(), Some("x"))
                .expect_err("bad")
                .kind,
            "invalid_input"
        );
        let bad_url = ScanRequest {
            extra_urls: vec!["localhost:8000".into()],
            lmstudio_port: None,
        };
        assert!(options_for(&bad_url, None).is_err());
        let twice = ScanRequest {
            extra_urls: vec![
                "http://10.0.0.2:8001".into(),
                "http://10.0.0.2:8001/v1/".into(),
            ],
            lmstudio_port: None,
        };
        let options = options_for(&twice, None).expect("valid");
        let extra = options
            .targets
            .iter()
            .filter(|t| t.url.starts_with("http://10.0.0.2"))
            .count();
        assert_eq!(extra, 1, "a URL given twice is probed once");
    }

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

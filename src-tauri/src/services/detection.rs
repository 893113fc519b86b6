//! Finding local servers and watching the local providers: scanning (on demand, from the tray's
//! Re-detect, and in the background), probing the configured local providers, and the
//! background detection loop the settings schedule.
//!
//! The scan probes the loopback ports in parallel with short timeouts (core's [`Scanner`]).
//! LM Studio's port is 1234 unless the caller passes another, or `SWITCHBOARD_LMSTUDIO_PORT` is
//! set (the end-to-end tests point it at a fake LM Studio on a random port). Every scan also
//! covers the extra server URLs saved in Settings.
//!
//! Each detection round also probes the configured providers served on this machine or the
//! local network (core's `Router::probe_local`), so the route health (tray icon, sidebar,
//! Providers screen) follows a local server going down or coming back without waiting for a
//! request to fail. Hosted providers are never probed; with detection off nothing is.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use switchboard_core::discovery::{
    self, DiscoveryError, DiscoveryErrorKind, ScanOptions, ScanReport, Scanner, ServerKind, Target,
};
use switchboard_core::providers::CancellationToken;
use switchboard_core::router::reach::PROBE_TIMEOUT;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{IpcError, IpcErrorKind};
use crate::state::AppState;

/// The event every scan but the wizard's emits with its report.
pub(crate) const LOCAL_SERVERS_EVENT: &str = "local-servers";

/// Overrides LM Studio's port for every scan (tests, or a user who moved the server).
pub(crate) const LMSTUDIO_PORT_ENV: &str = "SWITCHBOARD_LMSTUDIO_PORT";

/// What to scan besides the default ports.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ScanRequest {
    /// OpenAI-compatible base URLs the user added.
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    extra_urls: Vec<String>,
    /// LM Studio's port, when it is not 1234.
    #[serde(default)]
    #[ts(optional = nullable)]
    lmstudio_port: Option<u16>,
}

/// A discovery failure as the UI receives it.
pub(crate) fn discovery_error(err: DiscoveryError) -> IpcError {
    if let DiscoveryError::Config(e) = err {
        return IpcError::from(switchboard_core::Error::from(e));
    }
    let kind = match err.kind() {
        DiscoveryErrorKind::Unreachable => IpcErrorKind::Unreachable,
        DiscoveryErrorKind::Server => IpcErrorKind::Server,
        DiscoveryErrorKind::NoChatModels => IpcErrorKind::NoChatModels,
        DiscoveryErrorKind::DownloadFailed => IpcErrorKind::Server,
        _ => IpcErrorKind::Internal,
    };
    IpcError {
        kind,
        message: switchboard_core::logging::redact::redact(&err.to_string()).into_owned(),
    }
}

/// An `invalid_input` error saying `message`.
pub(crate) fn invalid_input(message: String) -> IpcError {
    IpcError {
        kind: switchboard_core::ErrorKind::InvalidInput.into(),
        message,
    }
}

/// The scan options for `request`: the default ports, LM Studio moved as asked, extra URLs.
fn options_for(request: &ScanRequest, env_port: Option<&str>) -> Result<ScanOptions, IpcError> {
    let mut options = ScanOptions::loopback();
    let env_port = match env_port.map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Some(text.parse::<u16>().map_err(|_| {
            invalid_input(format!("{LMSTUDIO_PORT_ENV}={text:?} is not a port number"))
        })?),
        None => None,
    };
    if let Some(port) = request.lmstudio_port.or(env_port) {
        options = options.with_port(ServerKind::LmStudio, port);
    }
    for url in &request.extra_urls {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(invalid_input(format!(
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

/// Scans what `request` asks for plus the extra server URLs saved in Settings: LM Studio first,
/// then Ollama, vLLM, llama.cpp, LiteLLM and Jan, then the extra URLs. Only a bad request
/// fails; each server's status says what was found.
pub(crate) async fn scan_local<R: Runtime>(
    app: &AppHandle<R>,
    mut request: ScanRequest,
) -> Result<ScanReport, IpcError> {
    let saved = app.state::<AppState>().settings.get().extra_server_urls;
    request.extra_urls.extend(saved);
    let env_port = std::env::var(LMSTUDIO_PORT_ENV).ok();
    let options = options_for(&request, env_port.as_deref())?;
    let scanner = Scanner::new(options).map_err(discovery_error)?;
    let report = scanner.scan().await;
    // The model picker shows each model's loaded state and quantization from the last scan.
    app.state::<AppState>().detected.set(report.clone());
    Ok(report)
}

/// Sends `report` to the windows as `local-servers`.
fn emit_local_servers<R: Runtime>(app: &AppHandle<R>, report: &ScanReport) {
    if let Err(e) = app.emit(LOCAL_SERVERS_EVENT, report) {
        tracing::debug!("local servers not delivered: {e}");
    }
}

/// Scans the local servers (and Settings' extra URLs) in the background and emits
/// `local-servers` with the report; probes the local providers too (the user asked, so also
/// with background detection off).
pub(crate) fn redetect<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        probe_providers(&app).await;
        match scan_local(&app, ScanRequest::default()).await {
            Ok(report) => {
                let running = report
                    .servers
                    .iter()
                    .filter(|s| s.status == discovery::Status::Running)
                    .count();
                tracing::info!(
                    running,
                    scanned = report.servers.len(),
                    "local servers re-detected"
                );
                emit_local_servers(&app, &report);
            }
            Err(e) => tracing::warn!("cannot re-detect local servers: {}", e.message),
        }
    });
}

/// Probes the local providers and updates the route health (a no-op without a router).
pub(crate) async fn probe_providers<R: Runtime>(app: &AppHandle<R>) {
    let Ok(router) = app.state::<AppState>().router.get() else {
        return;
    };
    let probes = router.probe_local(PROBE_TIMEOUT).await;
    let down: Vec<&str> = probes
        .iter()
        .filter(|p| !p.reachable)
        .map(|p| p.provider.as_str())
        .collect();
    tracing::debug!(probed = probes.len(), ?down, "local providers probed");
}

/// Probes the local providers in the background when detection is on (after a config change,
/// so a new provider's status shows without waiting for the next round).
pub(crate) fn probe_if_detecting<R: Runtime>(app: &AppHandle<R>) {
    if app.state::<AppState>().settings.get().detect_interval_secs == 0 {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move { probe_providers(&app).await });
}

/// (Re)starts the background re-detection at the interval in effect; 0 stops it. Each round
/// scans the well-known local ports and the extra URLs (emitted as `local-servers`) and probes
/// the local providers; the providers are also probed once right away.
pub(crate) fn restart_detection<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let interval = state.settings.get().detect_interval_secs;
    let token = CancellationToken::new();
    if let Some(previous) = state.settings.replace_detection(token.clone()) {
        previous.cancel();
    }
    if interval == 0 {
        token.cancel();
        tracing::info!("background detection of local servers is off");
        return;
    }
    tracing::info!(interval, "re-detecting local servers in the background");
    let scan_app = app.clone();
    let emit_app = app.clone();
    let first_app = app.clone();
    let first_token = token.clone();
    let every = detect_every(
        Duration::from_secs(u64::from(interval)),
        token,
        move || {
            let app = scan_app.clone();
            async move {
                let scan = scan_local(&app, ScanRequest::default());
                let (report, ()) = tokio::join!(scan, probe_providers(&app));
                report
                    .map_err(|e| tracing::warn!("background detection failed: {}", e.message))
                    .ok()
            }
        },
        move |report| emit_local_servers(&emit_app, report),
    );
    tauri::async_runtime::spawn(async move {
        tokio::select! {
            () = first_token.cancelled() => return,
            () = probe_providers(&first_app) => {}
        }
        every.await;
    });
}

/// Scans every `interval` (the first after one interval: the app scans on demand at start)
/// and hands each report to `emit`, until `token` is cancelled.
async fn detect_every<S, F>(
    interval: Duration,
    token: CancellationToken,
    scan: S,
    emit: impl Fn(&ScanReport),
) where
    S: Fn() -> F,
    F: Future<Output = Option<ScanReport>>,
{
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = token.cancelled() => return,
            _ = tick.tick() => {}
        }
        let report = tokio::select! {
            () = token.cancelled() => return,
            report = scan() => report,
        };
        if let Some(report) = report {
            emit(&report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

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

    #[tokio::test]
    async fn detection_scans_every_interval_until_cancelled() {
        let scans = Arc::new(AtomicUsize::new(0));
        let emitted = Arc::new(AtomicUsize::new(0));
        let token = CancellationToken::new();
        let (s, e) = (scans.clone(), emitted.clone());
        let task = tokio::spawn(detect_every(
            Duration::from_millis(20),
            token.clone(),
            move || {
                let n = s.fetch_add(1, Ordering::SeqCst);
                // Every other scan fails (logged by the caller) and emits nothing.
                async move { (n % 2 == 0).then(ScanReport::default) }
            },
            move |_| {
                e.fetch_add(1, Ordering::SeqCst);
            },
        ));
        while scans.load(Ordering::SeqCst) < 4 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        token.cancel();
        task.await.expect("the task ends when cancelled");
        let (scanned, sent) = (scans.load(Ordering::SeqCst), emitted.load(Ordering::SeqCst));
        assert!(
            sent >= 2 && sent <= scanned.div_ceil(2),
            "{sent} of {scanned}"
        );
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(
            scans.load(Ordering::SeqCst),
            scanned,
            "scanned after cancel"
        );
    }
}

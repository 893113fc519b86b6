//! The desktop settings at run time: the settings in effect (loaded from
//! `switchboard_core::settings` at start), what they decide about the window (close to the tray,
//! start hidden, theme), and the background re-detection of local servers they schedule.
//!
//! Each detection round also probes the configured providers served on this machine or the
//! local network (core's `Router::probe_local`), so the route health (tray icon, sidebar,
//! Providers screen) follows a local server going down or coming back without waiting for a
//! request to fail. Hosted providers are never probed; with detection off nothing is.
//!
//! The tray rules never leave an invisible app: closing hides the window and starting hidden
//! apply only when a tray host exists to bring it back; without one, closing quits and the
//! window is always shown.

use std::future::Future;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use switchboard_core::discovery::ScanReport;
use switchboard_core::providers::CancellationToken;
use switchboard_core::router::reach::PROBE_TIMEOUT;
use switchboard_core::settings::{self, AppSettings, Theme};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;

/// The settings in effect, the load warning (until the next save), and the detection task.
#[derive(Debug)]
pub(crate) struct SettingsState {
    current: Mutex<AppSettings>,
    warning: Mutex<Option<String>>,
    detection: Mutex<Option<CancellationToken>>,
    /// Serializes saves, so the file and `current` always end on the same settings.
    pub save: tokio::sync::Mutex<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Short, panic-free critical sections; a poisoned lock still holds valid data.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SettingsState {
    /// Loads the settings file at `path` (the defaults, with a warning, when it is broken).
    pub(crate) fn load(path: &Path) -> Self {
        let loaded = settings::load(path);
        SettingsState {
            current: Mutex::new(loaded.settings),
            warning: Mutex::new(loaded.warning),
            detection: Mutex::new(None),
            save: tokio::sync::Mutex::new(()),
        }
    }

    /// The settings in effect.
    pub(crate) fn get(&self) -> AppSettings {
        lock(&self.current).clone()
    }

    /// Why the settings file was not used at start, until the user saves.
    pub(crate) fn warning(&self) -> Option<String> {
        lock(&self.warning).clone()
    }

    /// Puts saved settings in effect and forgets the load warning; returns the previous ones.
    pub(crate) fn replace(&self, saved: AppSettings) -> AppSettings {
        *lock(&self.warning) = None;
        std::mem::replace(&mut *lock(&self.current), saved)
    }

    /// Whether closing the main window hides it (else the app quits).
    pub(crate) fn close_to_tray(&self, tray_host: bool) -> bool {
        tray_host && self.get().close_to_tray
    }

    /// Whether the main window stays hidden at start.
    pub(crate) fn start_hidden(&self, tray_host: bool) -> bool {
        tray_host && self.get().start_hidden
    }
}

/// The window theme for a setting (`None`: follow the desktop).
fn window_theme(theme: Theme) -> Option<tauri::Theme> {
    match theme {
        Theme::System => None,
        Theme::Light => Some(tauri::Theme::Light),
        Theme::Dark => Some(tauri::Theme::Dark),
    }
}

/// Gives the main window (its GTK decorations, and the page's `prefers-color-scheme`) `theme`.
pub(crate) fn apply_theme<R: Runtime>(app: &AppHandle<R>, theme: Theme) {
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.set_theme(window_theme(theme)) {
            tracing::warn!("cannot set the window theme: {e}");
        }
    }
}

/// Puts `now` into effect after a save: the theme, and the detection task when its interval
/// or its URLs changed.
pub(crate) fn apply<R: Runtime>(app: &AppHandle<R>, before: &AppSettings, now: &AppSettings) {
    if before.theme != now.theme {
        apply_theme(app, now.theme);
    }
    if before.detect_interval_secs != now.detect_interval_secs
        || before.extra_server_urls != now.extra_server_urls
    {
        restart_detection(app);
    }
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
    if let Some(previous) = lock(&state.settings.detection).replace(token.clone()) {
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
                let scan = crate::commands::discovery::scan_local(&app, Default::default());
                let (report, ()) = tokio::join!(scan, probe_providers(&app));
                report
                    .map_err(|e| tracing::warn!("background detection failed: {}", e.message))
                    .ok()
            }
        },
        move |report| {
            if let Err(e) = emit_app.emit(crate::tray::LOCAL_SERVERS_EVENT, report) {
                tracing::debug!("local servers not delivered: {e}");
            }
        },
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

    fn state_with(text: Option<&str>) -> (tempfile::TempDir, SettingsState) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(settings::FILE_NAME);
        if let Some(text) = text {
            std::fs::write(&path, text).expect("write");
        }
        let state = SettingsState::load(&path);
        (dir, state)
    }

    #[test]
    fn the_tray_rules_never_leave_an_invisible_app() {
        let (_dir, state) = state_with(Some(r#"{"startHidden": true}"#));
        assert!(state.close_to_tray(true), "on by default with a tray host");
        assert!(
            !state.close_to_tray(false),
            "without a tray host closing quits"
        );
        assert!(state.start_hidden(true));
        assert!(
            !state.start_hidden(false),
            "without a tray host the window shows"
        );
        state.replace(AppSettings {
            close_to_tray: false,
            ..AppSettings::default()
        });
        assert!(!state.close_to_tray(true));
        assert!(!state.start_hidden(true));
    }

    #[test]
    fn a_broken_file_warns_until_the_next_save() {
        let (_dir, state) = state_with(Some("{ nope"));
        assert_eq!(state.get(), AppSettings::default());
        assert!(state.warning().is_some());
        let before = state.replace(AppSettings {
            theme: Theme::Dark,
            ..AppSettings::default()
        });
        assert_eq!(before, AppSettings::default());
        assert_eq!(state.warning(), None);
        assert_eq!(state.get().theme, Theme::Dark);
        let (_dir, fresh) = state_with(None);
        assert_eq!(fresh.warning(), None);
    }

    #[test]
    fn themes_map_to_the_window_theme() {
        assert_eq!(window_theme(Theme::System), None);
        assert_eq!(window_theme(Theme::Light), Some(tauri::Theme::Light));
        assert_eq!(window_theme(Theme::Dark), Some(tauri::Theme::Dark));
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

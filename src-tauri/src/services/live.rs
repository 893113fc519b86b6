//! Config and settings changes put into effect in the app, wherever they come from: the file
//! watcher (an editor, OpenClaw, `switchboard` in a terminal), the window's own saves and the
//! tray. A valid config is routed by at once, the tray menu rebuilt and the open screens told
//! (`config-changed`, with what changed and whether it came from outside the app); a broken one
//! leaves the last good config routing and the screens show where it is broken. Settings
//! changed outside are put into effect like a save in the window.

use switchboard_core::config::live::{SettingsUpdate, Update, WatchEvent, Watcher};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;

/// The event windows get when the config was reloaded (payload: the core's `Update`).
pub(crate) const CONFIG_CHANGED_EVENT: &str = "config-changed";

/// Starts watching the config, its includes, the settings file and the keychain (after `setup`
/// made the router and the live state). Without an OS watcher, changes need a restart (logged).
pub(crate) fn start_watching<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let (Some(config), Some(settings)) = (state.live.config(), state.live.settings()) else {
        return;
    };
    let handle = app.clone();
    let started = Watcher::start(config, Some(settings), move |event| match event {
        WatchEvent::Config(update) => config_reloaded(&handle, &update),
        WatchEvent::Settings(update) => settings_reloaded(&handle, update),
    });
    match started {
        Ok(watcher) => state.live.keep_watcher(watcher),
        Err(e) => tracing::warn!("config changes made elsewhere need a restart: {e}"),
    }
    // A key set or deleted elsewhere (`switchboard keys set` in a terminal): the next request
    // reads the keychain again.
    let handle = app.clone();
    let keys = switchboard_core::secrets::changes::watch_changes(move || {
        handle.state::<AppState>().router.forget_targets();
    });
    if let Some(keys) = keys {
        state.live.keep_keychain_watch(keys);
    }
}

/// Reads the config files again and puts the outcome into effect (after our own saves, and on
/// a tray click); blocking file reads run on the blocking pool.
pub(crate) async fn reload<R: Runtime>(app: &AppHandle<R>) {
    let Some(live) = app.state::<AppState>().live.config() else {
        return;
    };
    match tauri::async_runtime::spawn_blocking(move || live.reload()).await {
        Ok(update) => config_reloaded(app, &update),
        Err(e) => tracing::warn!("the config reload task failed; the router keeps its config: {e}"),
    }
}

/// Routes by an applied config, rebuilds the tray menu and tells the windows; a refused one
/// changes nothing but the windows' banner.
fn config_reloaded<R: Runtime>(app: &AppHandle<R>, update: &Update) {
    match update {
        Update::Unchanged => return,
        Update::Applied {
            config,
            changes,
            outside,
        } => {
            if let Ok(router) = app.state::<AppState>().router.get() {
                router.set_config((**config).clone());
            }
            let what: Vec<String> = changes.iter().map(|c| c.describe()).collect();
            tracing::info!(outside, "config reloaded: {}", what.join("; "));
        }
        Update::Kept { errors, .. } => {
            tracing::warn!(
                "config change refused; the last good config keeps routing: {}",
                errors.join("; ")
            );
        }
    }
    super::refresh_tray_menu(app);
    super::detection::probe_if_detecting(app);
    if let Err(e) = app.emit(CONFIG_CHANGED_EVENT, update) {
        tracing::warn!("the window was not told about the config change: {e}");
    }
}

/// Puts settings written outside the app into effect (our own saves are in effect already).
fn settings_reloaded<R: Runtime>(app: &AppHandle<R>, update: SettingsUpdate) {
    match update {
        SettingsUpdate::Applied {
            now, outside: true, ..
        } => {
            let before = app.state::<AppState>().settings.replace((*now).clone());
            super::settings_changed(app, &before, &now);
            if let Err(e) = app.emit(super::SETTINGS_CHANGED_EVENT, &now) {
                tracing::warn!("the window was not told about the settings change: {e}");
            }
            super::refresh_tray_menu(app);
        }
        SettingsUpdate::Applied { outside: false, .. } | SettingsUpdate::Unchanged => {}
        SettingsUpdate::Kept { warning } => {
            tracing::warn!("settings change refused; the settings in effect stay: {warning}");
        }
    }
}

//! The app's services: the one place the commands, the tray's menu actions and the background
//! detection loop go to for what touches more than one part of the app.
//!
//! It owns: routing by the config on disk again ([`reload_router`] and, for changes made
//! elsewhere, the file watcher in [`live`]: the last good config kept, the tray menu rebuilt,
//! the windows told, the local providers probed), rebuilding the tray menu ([`refresh_tray_menu`]), what
//! a settings change sets in motion ([`settings_changed`]: the window theme, the detection task),
//! the tray's menu actions ([`on_tray_action`]: set the primary model, re-detect), and, in
//! [`detection`], scanning the local servers ([`scan_local`], emitted as `local-servers`),
//! probing the local providers and the background detection loop ([`restart_detection`]).
//!
//! Layering (no cycles): the leaves (`error`, `models`, `settings`, `tray`) ← `state` ←
//! `services` ← `commands` ← `lib.rs`. Services read `AppState` from the app handle; the tray
//! only draws and reports clicks, so it never calls back in here except through the handler
//! `lib.rs` gives it.

mod detection;
pub(crate) mod live;

use std::path::Path;

use switchboard_core::config::model::Config;
use switchboard_core::config::view::{self, EditInput};
use switchboard_core::config::ConfigError;
use switchboard_core::settings::{AppSettings, Language, Theme};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;
use crate::tray::{self, TrayAction};

pub(crate) use detection::{
    discovery_error, invalid_input, restart_detection, scan_local, ScanRequest,
};

/// Routes by the config on disk from now on (after it was written, or on a tray click) when it
/// is valid, else keeps the last good one (see [`live`]); rebuilds the tray menu from it, tells
/// the windows, and probes its local providers when background detection is on.
pub(crate) async fn reload_router<R: Runtime>(app: &AppHandle<R>) {
    live::reload(app).await;
}

/// The config the router routes by now (empty before the router exists).
pub(crate) fn router_config<R: Runtime>(app: &AppHandle<R>) -> Config {
    match app.state::<AppState>().router.get() {
        Ok(router) => (*router.config()).clone(),
        Err(_) => Config::default(),
    }
}

/// Rebuilds the tray menu from the router's config, the offline switch and the spend so far; a
/// no-op when there is no tray.
pub(crate) fn refresh_tray_menu<R: Runtime>(app: &AppHandle<R>) {
    let lang = tray::language(app);
    let state = app.state::<AppState>();
    let router = state.router.get();
    let status = match &router {
        Ok(router) => tray::status_line(&router.health().borrow(), lang),
        Err(_) => tray::status_line(&Default::default(), lang),
    };
    let spend = router.ok().and_then(|router| {
        let overall = router.spend_report().overall;
        let spent = overall.totals.month_usd > 0.0 || overall.totals.unknown_month > 0;
        spent.then(|| {
            let usd = |n: f64| format!("${n:.2}");
            tray::Msg::Spent.fill(
                lang,
                &[
                    ("today", &usd(overall.totals.today_usd)),
                    ("month", &usd(overall.totals.month_usd)),
                ],
            )
        })
    });
    let offline = state.settings.get().offline;
    tray::set_extras(app, tray::MenuExtras { offline, spend });
    tray::set_menu(app, &router_config(app), &status);
}

/// Loads the spend so far from the history (in the background), then shows it in the tray.
pub(crate) fn load_spend<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let engine = app.state::<AppState>().engine();
        if let Ok(engine) = engine {
            if let Err(e) = engine.spend_report().await {
                tracing::warn!("the spend so far could not be read: {e}");
            }
        }
        refresh_tray_menu(&app);
    });
}

/// The tray's "Offline" switch: saves the setting flipped and puts it into effect; the window
/// is told (`settings-changed`) so its Settings and Chat show it.
fn toggle_offline<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let _one_at_a_time = state.settings.save.lock().await;
        let mut wanted = state.settings.get();
        wanted.offline = !wanted.offline;
        let path = state.paths.settings_file();
        let saved = tauri::async_runtime::spawn_blocking(move || {
            switchboard_core::settings::save(&path, wanted)
        })
        .await;
        match saved {
            Ok(Ok(saved)) => {
                let before = state.settings.replace(saved.clone());
                settings_changed(&app, &before, &saved);
                if let Err(e) = app.emit(SETTINGS_CHANGED_EVENT, &saved) {
                    tracing::warn!("the window was not told about the offline switch: {e}");
                }
            }
            Ok(Err(e)) => tracing::warn!("the offline switch was not saved: {e}"),
            Err(e) => tracing::warn!("the offline switch task failed: {e}"),
        }
        refresh_tray_menu(&app);
    });
}

/// The event windows get when the settings changed outside the window (payload: the settings).
pub(crate) const SETTINGS_CHANGED_EVENT: &str = "settings-changed";

/// The tray's language for the `language` setting (the system's: this process's locale).
pub(crate) fn tray_language(setting: Language) -> tray::Lang {
    tray::Lang::resolve(setting, |name| std::env::var(name).ok())
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
pub(crate) fn settings_changed<R: Runtime>(
    app: &AppHandle<R>,
    before: &AppSettings,
    now: &AppSettings,
) {
    if before.theme != now.theme {
        apply_theme(app, now.theme);
    }
    if before.language != now.language {
        tray::set_language(app, tray_language(now.language));
        refresh_tray_menu(app);
    }
    if before.detect_interval_secs != now.detect_interval_secs
        || before.extra_server_urls != now.extra_server_urls
    {
        restart_detection(app);
    }
    let policy = now.policy();
    if before.policy() != policy {
        if let Ok(router) = app.state::<AppState>().router.get() {
            router.set_policy(policy);
        }
        refresh_tray_menu(app);
    }
}

/// Does what a tray menu click asks for (the handler `lib.rs` gives `tray::create`).
pub(crate) fn on_tray_action<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    match action {
        TrayAction::SetPrimary(model_ref) => set_primary(app, model_ref),
        TrayAction::Redetect => detection::redetect(app),
        TrayAction::ToggleOffline => toggle_offline(app),
    }
}

/// Writes `model_ref` as `agents.defaults.model.primary` in the config at `path` (keeping the
/// fallbacks, minus the new primary), through the config core's checked, atomic saver.
fn write_primary(path: &Path, model_ref: &str) -> Result<(), ConfigError> {
    let env = |name: &str| std::env::var(name).ok();
    let current = view::load(path, &env)?;
    if current.primary.as_deref() == Some(model_ref) {
        return Ok(());
    }
    let fallbacks = current
        .fallbacks
        .iter()
        .filter(|f| f.as_str() != model_ref)
        .cloned()
        .collect();
    let edit = EditInput::SetRoutes {
        primary: model_ref.to_owned(),
        fallbacks,
    };
    view::apply(path, current.revision.as_deref(), edit, &env)?;
    Ok(())
}

/// Makes `model_ref` the primary in the background, then routes by the config on disk and
/// rebuilds the menu, so the check shows what is really configured (also when the write was
/// refused: a changed or invalid file is logged and left alone).
fn set_primary<R: Runtime>(app: &AppHandle<R>, model_ref: String) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let path = app.state::<AppState>().paths.config_file.clone();
        let written = tauri::async_runtime::spawn_blocking(move || {
            let result = write_primary(&path, &model_ref);
            (model_ref, result)
        })
        .await;
        match written {
            Ok((model_ref, Ok(()))) => tracing::info!("primary model set to {model_ref}"),
            Ok((model_ref, Err(e))) => {
                tracing::warn!("the primary model stays as it was (not {model_ref}): {e}");
            }
            Err(e) => tracing::warn!("the primary model task failed: {e}"),
        }
        reload_router(&app).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_map_to_the_window_theme() {
        assert_eq!(window_theme(Theme::System), None);
        assert_eq!(window_theme(Theme::Light), Some(tauri::Theme::Light));
        assert_eq!(window_theme(Theme::Dark), Some(tauri::Theme::Dark));
    }

    use crate::tray::tests::TWO_PROVIDERS;

    #[test]
    fn picking_a_primary_rewrites_it_and_keeps_the_other_fallbacks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("switchboard.json5");
        std::fs::write(&path, TWO_PROVIDERS).expect("write");
        write_primary(&path, "local/minimax").expect("written");
        let config = crate::state::config_or_empty(&path);
        let model = config.model.expect("routes");
        assert_eq!(model.primary(), Some("local/minimax"));
        assert!(model.fallbacks().is_empty());
        let broken = dir.path().join("broken.json5");
        std::fs::write(&broken, "{ nope").expect("write");
        assert!(write_primary(&broken, "local/minimax").is_err());
        assert_eq!(std::fs::read_to_string(&broken).expect("read"), "{ nope");
    }
}

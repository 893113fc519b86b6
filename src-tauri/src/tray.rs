//! The tray icon: route health at a glance, and a menu: Open Switchboard, New chat, Primary
//! model ▸ (one check item per configured model), Re-detect local servers, Quit.
//!
//! A leaf of the shell: it builds the icon and the menu and handles the clicks that only touch
//! the window (open, new chat, quit); the others ("Primary model", "Re-detect") it reports as a
//! [`TrayAction`] to the handler [`create`] is given (`crate::services` in `lib.rs`).
//!
//! Its icon has three states; [`follow_health`] watches the router's health summary, calls
//! [`set_state`] and emits `route-health` to the windows. The menu (`menu`) is built from a
//! config at start and again by [`set_menu`] after every config change; its words come from
//! one table in two languages (`text`).

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::config::model::Config;
use switchboard_core::router::{Health, Overall, Router};
use tauri::image::Image;
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

const TRAY_ID: &str = "main";
mod menu;
mod status;
mod text;

use menu::{
    build_menu, MENU_NEW_CHAT, MENU_OFFLINE, MENU_OPEN, MENU_PRIMARY_PREFIX, MENU_QUIT,
    MENU_REDETECT,
};
pub(crate) use menu::{set_extras, set_menu, MenuExtras};
pub(crate) use status::status_line;
pub(crate) use text::{language, set_language, Lang, Msg};

/// The event "New chat" emits to the windows (no payload).
pub(crate) const NEW_CHAT_EVENT: &str = "tray-new-chat";

/// A menu click that needs the app's services, reported to the handler [`create`] is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TrayAction {
    /// "Primary model ▸ `provider/model`": make that ref the primary.
    SetPrimary(String),
    /// "Re-detect local servers".
    Redetect,
    /// "Offline": turn the offline switch on or off.
    ToggleOffline,
}

/// What the tray shows about the routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrayState {
    /// The primary route answers.
    Ready,
    /// Chats go to a fallback route.
    OnFallback,
    /// No route answers, or none is configured yet.
    NoRoute,
}

/// The event windows get on every health change (payload: the router's `Health`).
pub(crate) const HEALTH_EVENT: &str = "route-health";

/// How often cooldowns that ended by themselves are noticed.
const HEALTH_TICK: Duration = Duration::from_secs(5);

impl TrayState {
    /// What the tray shows for `health`.
    pub(crate) fn of(health: &Health) -> TrayState {
        match health.overall {
            Overall::OnPrimary => TrayState::Ready,
            Overall::OnFallback => TrayState::OnFallback,
            Overall::NoRoute => TrayState::NoRoute,
        }
    }

    fn icon(self) -> tauri::Result<Image<'static>> {
        let png: &'static [u8] = match self {
            TrayState::Ready => include_bytes!("../../icons/tray-ready.png"),
            TrayState::OnFallback => include_bytes!("../../icons/tray-fallback.png"),
            TrayState::NoRoute => include_bytes!("../../icons/tray-no-route.png"),
        };
        Image::from_bytes(png)
    }

    fn tooltip(self, lang: Lang) -> &'static str {
        match self {
            TrayState::Ready => Msg::TooltipReady,
            TrayState::OnFallback => Msg::TooltipFallback,
            TrayState::NoRoute => Msg::TooltipNoRoute,
        }
        .text(lang)
    }
}

/// Creates the tray icon with its menu (from `config`, in `lang`), in the "no route" state until
/// routes exist; `on_action` gets the clicks that need the app's services.
pub(crate) fn create<R: Runtime>(
    app: &AppHandle<R>,
    config: &Config,
    lang: Lang,
    on_action: impl Fn(&AppHandle<R>, TrayAction) + Send + Sync + 'static,
) -> tauri::Result<()> {
    set_language(app, lang);
    let menu = build_menu(app, config, &status_line(&Health::default(), lang))?;
    let initial = TrayState::NoRoute;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(initial.icon()?)
        .tooltip(initial.tooltip(lang))
        .menu(&menu)
        .on_menu_event(move |app, event| match event.id.as_ref() {
            MENU_OPEN => show_main_window(app),
            MENU_NEW_CHAT => {
                show_main_window(app);
                if let Err(e) = app.emit(NEW_CHAT_EVENT, ()) {
                    tracing::warn!("new chat not delivered: {e}");
                }
            }
            MENU_REDETECT => on_action(app, TrayAction::Redetect),
            MENU_OFFLINE => on_action(app, TrayAction::ToggleOffline),
            MENU_QUIT => app.exit(0),
            id if id.starts_with(MENU_PRIMARY_PREFIX) => {
                let model_ref = id[MENU_PRIMARY_PREFIX.len()..].to_owned();
                on_action(app, TrayAction::SetPrimary(model_ref));
            }
            other => tracing::warn!("unknown tray menu item {other}"),
        })
        .build(app)?;
    Ok(())
}

/// Shows the tray state; a no-op when there is no tray.
pub(crate) fn set_state<R: Runtime>(app: &AppHandle<R>, state: TrayState) -> tauri::Result<()> {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        tray.set_icon(Some(state.icon()?))?;
        tray.set_tooltip(Some(state.tooltip(language(app))))?;
    }
    Ok(())
}

/// Follows `router`'s health on a task: the tray state and a `route-health` event on every
/// change. Cooldowns ending by themselves are noticed within [`HEALTH_TICK`].
pub(crate) fn follow_health<R: Runtime>(app: &AppHandle<R>, router: Arc<Router>) {
    let app = app.clone();
    let mut health = router.health();
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(HEALTH_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut shown: Option<Health> = None;
        let mut icon: Option<TrayState> = None;
        let mut line: Option<String> = None;
        loop {
            // Cloned out, so the watch's lock is never held across an await.
            let now = health.borrow_and_update().clone();
            if shown.as_ref() != Some(&now) {
                // Probes change the summary's check times every round; the icon only when the
                // state changes (each new icon is a file the tray host reads again).
                let state = TrayState::of(&now);
                if icon != Some(state) {
                    match set_state(&app, state) {
                        Ok(()) => icon = Some(state),
                        Err(e) => tracing::warn!("cannot update the tray: {e}"),
                    }
                }
                let words = status_line(&now, language(&app));
                if line.as_ref() != Some(&words) {
                    set_menu(&app, &router.config(), &words);
                    line = Some(words);
                }
                if let Err(e) = app.emit(HEALTH_EVENT, &now) {
                    tracing::debug!("route health not delivered: {e}");
                }
                shown = Some(now);
            }
            tokio::select! {
                changed = health.changed() => if changed.is_err() { break },
                _ = tick.tick() => router.publish_health(),
            }
        }
    });
}

/// Brings the main window back: shown, unminimized and focused.
pub(crate) fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window("main") else {
        tracing::warn!("main window is gone; nothing to show");
        return;
    };
    for (step, result) in [
        ("show", window.show()),
        ("unminimize", window.unminimize()),
        ("focus", window.set_focus()),
    ] {
        if let Err(e) = result {
            tracing::warn!("cannot {step} the main window: {e}");
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) use super::menu::tests::TWO_PROVIDERS;

    #[test]
    fn every_state_has_a_decodable_icon_and_its_own_tooltip() {
        let states = [TrayState::Ready, TrayState::OnFallback, TrayState::NoRoute];
        for state in states {
            let icon = state.icon().expect("icon decodes");
            assert_eq!((icon.width(), icon.height()), (64, 64));
        }
        for lang in [Lang::En, Lang::Ko] {
            let tooltips: std::collections::HashSet<_> =
                states.iter().map(|s| s.tooltip(lang)).collect();
            assert_eq!(tooltips.len(), states.len());
        }
    }

    #[test]
    fn the_tray_follows_the_overall_route_health() {
        let health = |overall| Health {
            overall,
            ..Health::default()
        };
        assert_eq!(TrayState::of(&health(Overall::OnPrimary)), TrayState::Ready);
        assert_eq!(
            TrayState::of(&health(Overall::OnFallback)),
            TrayState::OnFallback
        );
        assert_eq!(TrayState::of(&health(Overall::NoRoute)), TrayState::NoRoute);
        assert_eq!(TrayState::of(&Health::default()), TrayState::NoRoute);
    }
}

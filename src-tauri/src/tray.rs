//! The tray icon: route health at a glance, and a menu to open the window or quit.
//!
//! Its icon has three states; [`follow_health`] watches the router's health summary, calls
//! [`set_state`] and emits `route-health` to the windows.

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::router::{Health, Overall, Router};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

const TRAY_ID: &str = "main";
const MENU_OPEN: &str = "open";
const MENU_QUIT: &str = "quit";

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

    fn tooltip(self) -> &'static str {
        match self {
            TrayState::Ready => "Switchboard — on the primary route",
            TrayState::OnFallback => "Switchboard — on a fallback route",
            TrayState::NoRoute => "Switchboard — no route yet: open Setup",
        }
    }
}

/// Creates the tray icon with its menu, in the "no route" state until routes exist.
pub(crate) fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, MENU_OPEN, "Open Switchboard", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, MENU_QUIT, "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &PredefinedMenuItem::separator(app)?, &quit])?;
    let initial = TrayState::NoRoute;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(initial.icon()?)
        .tooltip(initial.tooltip())
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            MENU_OPEN => show_main_window(app),
            MENU_QUIT => app.exit(0),
            other => tracing::warn!("unknown tray menu item {other}"),
        })
        .build(app)?;
    Ok(())
}

/// Shows the tray state; a no-op when there is no tray.
pub(crate) fn set_state<R: Runtime>(app: &AppHandle<R>, state: TrayState) -> tauri::Result<()> {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        tray.set_icon(Some(state.icon()?))?;
        tray.set_tooltip(Some(state.tooltip()))?;
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
        loop {
            // Cloned out, so the watch's lock is never held across an await.
            let now = health.borrow_and_update().clone();
            if shown.as_ref() != Some(&now) {
                if let Err(e) = set_state(&app, TrayState::of(&now)) {
                    tracing::warn!("cannot update the tray: {e}");
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
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_decodable_icon_and_its_own_tooltip() {
        let states = [TrayState::Ready, TrayState::OnFallback, TrayState::NoRoute];
        for state in states {
            let icon = state.icon().expect("icon decodes");
            assert_eq!((icon.width(), icon.height()), (64, 64));
        }
        let tooltips: std::collections::HashSet<_> = states.iter().map(|s| s.tooltip()).collect();
        assert_eq!(tooltips.len(), states.len());
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

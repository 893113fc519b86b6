//! The tray icon: route health at a glance, and a menu: Open Switchboard, New chat, Primary
//! model ▸ (one check item per configured model), Re-detect local servers, Quit.
//!
//! A leaf of the shell: it builds the icon and the menu and handles the clicks that only touch
//! the window (open, new chat, quit); the others ("Primary model", "Re-detect") it reports as a
//! [`TrayAction`] to the handler [`create`] is given (`crate::services` in `lib.rs`).
//!
//! Its icon has three states; [`follow_health`] watches the router's health summary, calls
//! [`set_state`] and emits `route-health` to the windows. The menu is built from a config
//! ([`primary_choices`]) at start and again by [`set_menu`] after every config change.

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::config::model::Config;
use switchboard_core::router::{Health, Overall, Router};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

const TRAY_ID: &str = "main";
mod status;
mod text;

pub(crate) use status::status_line;
use text::Msg;
pub(crate) use text::{language, set_language, Lang};

const MENU_STATUS: &str = "status";
const MENU_OPEN: &str = "open";
const MENU_NEW_CHAT: &str = "new-chat";
const MENU_PRIMARY: &str = "primary-model";
/// The prefix of a "Primary model" entry's id; the rest is the `provider/model` ref.
const MENU_PRIMARY_PREFIX: &str = "primary:";
const MENU_PRIMARY_NONE: &str = "primary-none";
const MENU_REDETECT: &str = "redetect";
const MENU_QUIT: &str = "quit";

/// The event "New chat" emits to the windows (no payload).
pub(crate) const NEW_CHAT_EVENT: &str = "tray-new-chat";

/// A menu click that needs the app's services, reported to the handler [`create`] is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TrayAction {
    /// "Primary model ▸ `provider/model`": make that ref the primary.
    SetPrimary(String),
    /// "Re-detect local servers".
    Redetect,
}

/// One entry of the "Primary model" submenu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrimaryChoice {
    /// The menu item id: [`MENU_PRIMARY_PREFIX`] and the `provider/model` ref.
    pub id: String,
    /// `alias (provider/model)`, or the ref when it has no alias.
    pub label: String,
    /// Whether this is the primary now (written as the ref or as its alias).
    pub checked: bool,
}

/// The "Primary model" entries for `config`: one per configured `provider/model`, in order.
pub(crate) fn primary_choices(config: &Config) -> Vec<PrimaryChoice> {
    let primary = config.model.as_ref().and_then(|m| m.primary());
    config
        .model_refs()
        .into_iter()
        .map(|model_ref| {
            let alias = config
                .models
                .iter()
                .find(|e| e.model_ref == model_ref)
                .and_then(|e| e.alias.clone())
                .filter(|a| !a.trim().is_empty());
            let checked = primary == Some(model_ref.as_str())
                || (alias.is_some() && primary == alias.as_deref());
            let label = match &alias {
                Some(alias) => format!("{alias} ({model_ref})"),
                None => model_ref.clone(),
            };
            PrimaryChoice {
                id: format!("{MENU_PRIMARY_PREFIX}{model_ref}"),
                label,
                checked,
            }
        })
        .collect()
}

/// The whole tray menu for `config`, under the route health in words (`status`).
fn build_menu<R: Runtime>(
    app: &AppHandle<R>,
    config: &Config,
    status: &str,
) -> tauri::Result<Menu<R>> {
    let lang = language(app);
    let status = MenuItem::with_id(app, MENU_STATUS, status, false, None::<&str>)?;
    let open = MenuItem::with_id(
        app,
        MENU_OPEN,
        Msg::OpenSwitchboard.text(lang),
        true,
        None::<&str>,
    )?;
    let new_chat = MenuItem::with_id(
        app,
        MENU_NEW_CHAT,
        Msg::NewChat.text(lang),
        true,
        None::<&str>,
    )?;
    let primary = Submenu::with_id(app, MENU_PRIMARY, Msg::PrimaryModel.text(lang), true)?;
    let choices = primary_choices(config);
    if choices.is_empty() {
        let none = MenuItem::with_id(
            app,
            MENU_PRIMARY_NONE,
            Msg::NoModelsConfigured.text(lang),
            false,
            None::<&str>,
        )?;
        primary.append(&none)?;
    }
    for choice in choices {
        let item = CheckMenuItem::with_id(
            app,
            choice.id,
            choice.label,
            true,
            choice.checked,
            None::<&str>,
        )?;
        primary.append(&item)?;
    }
    let redetect = MenuItem::with_id(
        app,
        MENU_REDETECT,
        Msg::Redetect.text(lang),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, MENU_QUIT, Msg::Quit.text(lang), true, None::<&str>)?;
    Menu::with_items(
        app,
        &[
            &status,
            &PredefinedMenuItem::separator(app)?,
            &open,
            &new_chat,
            &primary,
            &redetect,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )
}

/// Rebuilds the tray menu from `config` under `status` (after a config or health change); a
/// no-op when there is no tray.
pub(crate) fn set_menu<R: Runtime>(app: &AppHandle<R>, config: &Config, status: &str) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let menu = build_menu(app, config, status);
    if let Err(e) = menu.and_then(|menu| tray.set_menu(Some(menu))) {
        tracing::warn!("cannot update the tray menu: {e}");
    }
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

    fn config(text: &str) -> Config {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("switchboard.json5");
        std::fs::write(&path, text).expect("write");
        switchboard_core::config::load(&path)
            .and_then(switchboard_core::config::Loaded::into_config)
            .expect("a valid config")
    }

    /// Two providers, `hosted/opus` (alias OPUS, the primary) and `local/minimax`.
    pub(crate) const TWO_PROVIDERS: &str = r#"{
        agents: { defaults: {
            model: { primary: "OPUS", fallbacks: ["local/minimax"] },
            models: { "hosted/opus": { alias: "OPUS" } },
        } },
        models: { providers: {
            hosted: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions",
                apiKey: "x", models: [{ id: "opus", name: "Opus" }] },
            local: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions",
                apiKey: "x", models: [{ id: "minimax", name: "Minimax" }] },
        } },
    }"#;

    #[test]
    fn the_primary_model_menu_lists_every_model_and_checks_the_primary() {
        let choices = primary_choices(&config(TWO_PROVIDERS));
        assert_eq!(
            choices,
            [
                PrimaryChoice {
                    id: "primary:hosted/opus".into(),
                    label: "OPUS (hosted/opus)".into(),
                    checked: true,
                },
                PrimaryChoice {
                    id: "primary:local/minimax".into(),
                    label: "local/minimax".into(),
                    checked: false,
                },
            ]
        );
        let by_ref = TWO_PROVIDERS.replace(r#"primary: "OPUS""#, r#"primary: "local/minimax""#);
        let checked: Vec<bool> = primary_choices(&config(&by_ref))
            .iter()
            .map(|c| c.checked)
            .collect();
        assert_eq!(checked, [false, true]);
        assert!(primary_choices(&Config::default()).is_empty());
        for choice in choices {
            assert!(choice.id.starts_with(MENU_PRIMARY_PREFIX));
            assert!(![
                MENU_OPEN,
                MENU_NEW_CHAT,
                MENU_PRIMARY,
                MENU_REDETECT,
                MENU_QUIT
            ]
            .contains(&choice.id.as_str()));
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

//! The tray's menu: the route health in words on top, then Open Switchboard, New chat, Primary
//! model ▸ (one check item per configured model, [`primary_choices`]), Offline (the switch),
//! Re-detect local servers, Quit, in the tray's language; under the status, the spend so far
//! when anything was spent ([`MenuExtras`], set by the services). Built at start and again by
//! [`set_menu`] after every config, health, settings or language change.

use std::sync::{Mutex, PoisonError};

use switchboard_core::config::model::Config;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime};

use super::text::{language, Msg};
use super::TRAY_ID;

pub(super) const MENU_STATUS: &str = "status";
pub(super) const MENU_OPEN: &str = "open";
pub(super) const MENU_NEW_CHAT: &str = "new-chat";
pub(super) const MENU_PRIMARY: &str = "primary-model";
/// The prefix of a "Primary model" entry's id; the rest is the `provider/model` ref.
pub(super) const MENU_PRIMARY_PREFIX: &str = "primary:";
pub(super) const MENU_PRIMARY_NONE: &str = "primary-none";
pub(super) const MENU_REDETECT: &str = "redetect";
pub(super) const MENU_OFFLINE: &str = "offline";
pub(super) const MENU_SPEND: &str = "spend";
pub(super) const MENU_QUIT: &str = "quit";

/// What the menu shows besides the routes: the offline switch and the spend so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MenuExtras {
    /// The offline switch is on.
    pub offline: bool,
    /// The spend line ("Spent today … · this month …"), when anything was spent.
    pub spend: Option<String>,
}

/// The extras the menu shows now, kept in the app's state.
struct TrayExtras(Mutex<MenuExtras>);

/// Shows `extras` from the next menu rebuild on.
pub(crate) fn set_extras<R: Runtime>(app: &AppHandle<R>, extras: MenuExtras) {
    match app.try_state::<TrayExtras>() {
        Some(state) => *state.0.lock().unwrap_or_else(PoisonError::into_inner) = extras,
        None => {
            app.manage(TrayExtras(Mutex::new(extras)));
        }
    }
}

fn extras<R: Runtime>(app: &AppHandle<R>) -> MenuExtras {
    app.try_state::<TrayExtras>()
        .map(|state| {
            state
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        })
        .unwrap_or_default()
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
pub(super) fn build_menu<R: Runtime>(
    app: &AppHandle<R>,
    config: &Config,
    status: &str,
) -> tauri::Result<Menu<R>> {
    let lang = language(app);
    let extras = extras(app);
    let status = match extras.offline {
        true => format!("{} · {status}", Msg::OfflineShort.text(lang)),
        false => status.to_owned(),
    };
    let status = MenuItem::with_id(app, MENU_STATUS, status, false, None::<&str>)?;
    let spend = match &extras.spend {
        Some(line) => Some(MenuItem::with_id(
            app,
            MENU_SPEND,
            line,
            false,
            None::<&str>,
        )?),
        None => None,
    };
    let offline = CheckMenuItem::with_id(
        app,
        MENU_OFFLINE,
        Msg::Offline.text(lang),
        true,
        extras.offline,
        None::<&str>,
    )?;
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
    let separator = PredefinedMenuItem::separator(app)?;
    let closing = PredefinedMenuItem::separator(app)?;
    let mut items: Vec<&dyn IsMenuItem<R>> = vec![&status];
    if let Some(spend) = &spend {
        items.push(spend);
    }
    items.extend([
        &separator as &dyn IsMenuItem<R>,
        &open,
        &new_chat,
        &primary,
        &offline,
        &redetect,
        &closing,
        &quit,
    ]);
    Menu::with_items(app, &items)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
                MENU_OFFLINE,
                MENU_QUIT
            ]
            .contains(&choice.id.as_str()));
        }
    }
}

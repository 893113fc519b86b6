//! The tray's menu: the route health in words on top, then Open Switchboard, New chat, Primary
//! model ▸ (one check item per configured model, [`primary_choices`]), Re-detect local
//! servers, Quit, in the tray's language. Built at start and again by [`set_menu`] after every
//! config, health or language change.

use switchboard_core::config::model::Config;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Runtime};

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
pub(super) const MENU_QUIT: &str = "quit";

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
                MENU_QUIT
            ]
            .contains(&choice.id.as_str()));
        }
    }
}

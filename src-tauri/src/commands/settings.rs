//! Settings commands: read the desktop settings with where every file lives, and save a change
//! (validated by core, written atomically, then put into effect at once; the login entry is
//! made or removed before the save, through [`crate::autostart`]).

use switchboard_core::settings::{self, AppSettings};
use tauri::{AppHandle, Runtime, State};

use crate::autostart::{self, AutostartError};
use crate::error::{IpcError, IpcErrorKind};
use crate::models::{Locations, SettingsSetError, SettingsView};
use crate::services;
use crate::state::AppState;

fn view(state: &AppState) -> SettingsView {
    let paths = &state.paths;
    SettingsView {
        settings: state.settings.get(),
        warning: state.settings.warning(),
        locations: Locations {
            config_file: paths.config_file.display().to_string(),
            settings_file: paths.settings_file().display().to_string(),
            data_dir: paths.data_dir.display().to_string(),
            history_file: paths.history_file().display().to_string(),
            log_dir: paths.log_dir.display().to_string(),
        },
        system_locale: crate::settings::system_locale(|name| std::env::var(name).ok()),
    }
}

/// The settings in effect, why the file was not used (if so), and where every file lives.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn settings_get(state: State<'_, AppState>) -> Result<SettingsView, IpcError> {
    Ok(view(&state))
}

/// Validates and saves `settings`, then puts them into effect (theme, tray behaviour, detection);
/// returns them as saved (URLs normalized). A refused or failed save changes nothing.
#[tauri::command]
#[tracing::instrument(skip(app, state, settings), err(Debug))]
pub(crate) async fn settings_set<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: AppSettings,
) -> Result<AppSettings, SettingsSetError> {
    let _one_at_a_time = state.settings.save.lock().await;
    let path = state.paths.settings_file();
    // The login entry first: a setting that says "on" with no entry would be a lie. If the
    // save then fails, the entry goes back to match the file.
    let was_at_login = state.settings.get().start_at_login;
    let at_login = settings.start_at_login;
    if at_login != was_at_login {
        autostart::apply(&app, at_login).map_err(login_entry_error)?;
    }
    let saved = tauri::async_runtime::spawn_blocking(move || settings::save(&path, settings))
        .await
        .map_err(|e| IpcError {
            kind: IpcErrorKind::Internal,
            message: format!("the settings task failed: {e}"),
        })
        .map_err(SettingsSetError::from)
        .and_then(|saved| saved.map_err(SettingsSetError::from));
    let saved = match saved {
        Ok(saved) => saved,
        Err(err) => {
            if at_login != was_at_login {
                if let Err(e) = autostart::apply(&app, was_at_login) {
                    tracing::warn!("{e}");
                }
            }
            return Err(err);
        }
    };
    let before = state.settings.replace(saved.clone());
    services::settings_changed(&app, &before, &saved);
    Ok(saved)
}

/// A login entry that could not be made or removed, as a refusal of the `startAtLogin` setting.
fn login_entry_error(err: AutostartError) -> SettingsSetError {
    SettingsSetError {
        kind: IpcErrorKind::Core(switchboard_core::ErrorKind::Io),
        message: err.to_string(),
        field: Some(settings::Field::StartAtLogin.as_str()),
        index: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::ErrorKind;

    #[test]
    fn refused_values_carry_their_field_and_item() {
        let err = AppSettings {
            extra_server_urls: vec!["http://ok:1".into(), "nope".into()],
            ..AppSettings::default()
        }
        .validate()
        .expect_err("refused");
        let err = SettingsSetError::from(err);
        assert_eq!(err.kind, IpcErrorKind::Core(ErrorKind::InvalidInput));
        assert_eq!(err.field, Some("extraServerUrls"));
        assert_eq!(err.index, Some(1));
        assert!(
            err.message.starts_with("Extra server URL: "),
            "{}",
            err.message
        );
        let json = serde_json::to_value(&err).expect("serializes");
        let keys: std::collections::BTreeSet<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["field", "index", "kind", "message"].into());
        let plain = SettingsSetError::from(IpcError {
            kind: ErrorKind::Io.into(),
            message: "m".into(),
        });
        assert_eq!((plain.field, plain.index), (None, None));
    }
}

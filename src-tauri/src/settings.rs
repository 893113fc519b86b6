//! The desktop settings at run time (a leaf: no app module imports): the settings in effect
//! (loaded from `switchboard_core::settings` at start), the load warning, what they decide about
//! the window (close to the tray, start hidden), and the slot of the background detection task
//! they schedule. Putting a change into effect (theme, detection) is `crate::services`' job.
//!
//! The tray rules never leave an invisible app: closing hides the window and starting hidden
//! apply only when a tray host exists to bring it back; without one, closing quits and the
//! window is always shown.

use std::path::Path;
use std::sync::Mutex;

use switchboard_core::providers::CancellationToken;
use switchboard_core::settings::{self, AppSettings};

/// The desktop's locale as `env` has it: `LC_ALL`, `LC_MESSAGES` or `LANG`, the first one set
/// (POSIX order), e.g. `ko_KR.UTF-8`. The `system` language follows it, in the tray and (passed
/// to the window, whose webview may not know a locale that is not installed) in the UI.
pub(crate) fn system_locale(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(env)
        .find(|value| !value.is_empty())
}

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

    /// Makes `token` the running detection task's; returns the previous task's, to cancel.
    pub(crate) fn replace_detection(&self, token: CancellationToken) -> Option<CancellationToken> {
        lock(&self.detection).replace(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::settings::Theme;

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
}

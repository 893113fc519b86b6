//! The app's live config and settings (a leaf: no app module imports): the last good config the
//! router routes by, the settings file as last read, the file watcher that keeps both
//! current, and the keychain listener (keys changed elsewhere). What a change sets in motion is `crate::services::live`'s job; the validation is
//! `switchboard_core::config::live`'s.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use switchboard_core::config::live::{LiveConfig, LiveSettings, Watcher};
use switchboard_core::secrets::changes::KeychainWatch;

/// Set once in `setup`.
#[derive(Debug, Default)]
pub(crate) struct LiveState {
    config: OnceLock<Arc<LiveConfig>>,
    settings: OnceLock<Arc<LiveSettings>>,
    watcher: Mutex<Option<Watcher>>,
    keychain: Mutex<Option<KeychainWatch>>,
}

impl LiveState {
    /// Keeps the live config and settings (a second call does nothing).
    pub(crate) fn init(&self, config: Arc<LiveConfig>, settings: Arc<LiveSettings>) {
        let _first_only = self.config.set(config);
        let _first_only = self.settings.set(settings);
    }

    /// The live config (`None` before `setup`).
    pub(crate) fn config(&self) -> Option<Arc<LiveConfig>> {
        self.config.get().cloned()
    }

    /// The live settings (`None` before `setup`).
    pub(crate) fn settings(&self) -> Option<Arc<LiveSettings>> {
        self.settings.get().cloned()
    }

    /// Keeps the running watcher alive for the life of the app.
    pub(crate) fn keep_watcher(&self, watcher: Watcher) {
        *self.watcher.lock().unwrap_or_else(PoisonError::into_inner) = Some(watcher);
    }

    /// Keeps the keychain listener alive for the life of the app.
    pub(crate) fn keep_keychain_watch(&self, watch: KeychainWatch) {
        *self.keychain.lock().unwrap_or_else(PoisonError::into_inner) = Some(watch);
    }
}

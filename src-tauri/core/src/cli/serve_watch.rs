//! `serve` follows the config and settings files while it runs: a valid change is routed by
//! from the next request on, a broken one is refused (the last good config keeps routing) and
//! said with its `file:line:col` on `serve`'s output, after the router has it. The watching and the validation are
//! [`crate::config::live`]'s; this only points them at the served router.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::config::live::{LiveConfig, LiveSettings, SettingsUpdate, Update, WatchEvent, Watcher};
use crate::paths::Paths;
use crate::router::Router;
use crate::secrets::changes::{watch_changes, KeychainWatch};
use crate::settings;

/// The watchers `serve` keeps while it runs (dropping them stops them).
#[derive(Debug)]
pub(super) struct Following {
    _files: Option<Watcher>,
    _keys: Option<KeychainWatch>,
}

/// Watches `live`'s files and the settings file for `router`, and the keychain (a key changed
/// elsewhere is read again on the next request), and gives the lines saying what was applied
/// or refused ([`print_notes_while`] prints them). No watcher (a note says so)
/// when the OS watcher cannot start: `serve` then runs on the config it started with.
pub(super) fn follow(
    router: &Router,
    paths: &Paths,
    live: Arc<LiveConfig>,
) -> (Following, mpsc::UnboundedReceiver<String>) {
    let (notes, received) = mpsc::unbounded_channel();
    let keys_router = router.clone();
    let keys = watch_changes(move || keys_router.keys_changed());
    let say = notes.clone();
    let settings_file = paths.settings_file();
    let current = settings::load(&settings_file).settings;
    let live_settings = Arc::new(LiveSettings::new(&settings_file, current));
    let router = router.clone();
    let started = Watcher::start(live, Some(live_settings), move |event| match event {
        WatchEvent::Config(Update::Applied {
            config, changes, ..
        }) => {
            router.set_config((*config).clone());
            let what: Vec<String> = changes.iter().map(|c| c.describe()).collect();
            let what = match what.is_empty() {
                true => "the config is valid again".to_owned(),
                false => what.join("; "),
            };
            tracing::info!("config reloaded: {what}");
            let _closed = say.send(format!("config reloaded: {what}"));
        }
        WatchEvent::Config(Update::Kept { errors, .. }) => {
            tracing::warn!("config change refused: {}", errors.join("; "));
            let _closed = say.send(format!(
                "config not reloaded, still routing by the last good one: {}",
                errors.join("; ")
            ));
        }
        WatchEvent::Config(Update::Unchanged) | WatchEvent::Settings(SettingsUpdate::Unchanged) => {
        }
        WatchEvent::Settings(SettingsUpdate::Applied { now, .. }) => {
            router.set_policy(now.policy());
            tracing::info!("settings reloaded");
        }
        WatchEvent::Settings(SettingsUpdate::Kept { warning }) => {
            let _closed = say.send(format!("settings not reloaded: {warning}"));
        }
    });
    let watcher = match started {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            tracing::warn!("config changes need a restart: {e}");
            let _closed = notes.send(format!("config changes need a restart: {e}"));
            None
        }
    };
    let following = Following {
        _files: watcher,
        _keys: keys,
    };
    (following, received)
}

/// Runs `served` to its end, writing each note to `out` as it comes.
pub(super) async fn print_notes_while<T>(
    served: impl Future<Output = T>,
    mut notes: mpsc::UnboundedReceiver<String>,
    out: &mut dyn Write,
) -> T {
    tokio::pin!(served);
    loop {
        tokio::select! {
            result = &mut served => return result,
            Some(note) = notes.recv() => {
                // A closed output (a pipe whose reader left) must not stop the gateway.
                let _ignored = writeln!(out, "{note}").and_then(|()| out.flush());
            }
        }
    }
}

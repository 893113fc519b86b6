//! Watching the config file, its `$include`d files and the settings file, and putting each
//! change through [`LiveConfig::reload`] / [`LiveSettings::reload`].
//!
//! The parent directories are watched, not the files: saves are atomic renames (ours, and most
//! editors'), which replace the file a watch on it would follow. Events are debounced (an editor's
//! save is several events) and filtered to the files of interest; the include list is read again
//! after each reload, so a newly included file in a new directory is watched too.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use notify_debouncer_mini::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};

use super::{LiveConfig, LiveSettings, SettingsUpdate, Update};

/// How long the files must be quiet before a change is read: one editor save is several
/// events (a temp file written, renamed, a backup made) within a few milliseconds.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// A change the watcher put into effect or refused.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// The config files changed (never [`Update::Unchanged`]).
    Config(Update),
    /// The settings file changed (never [`SettingsUpdate::Unchanged`]).
    Settings(SettingsUpdate),
}

/// Why the files cannot be watched.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The OS file watcher could not start or watch a directory.
    #[error("cannot watch {}: {source}", path.display())]
    Notify {
        /// The directory.
        path: PathBuf,
        /// What the watcher said.
        source: notify::Error,
    },
}

type Handler = Box<dyn Fn(WatchEvent) + Send + Sync>;

struct Shared {
    config: Arc<LiveConfig>,
    settings: Option<Arc<LiveSettings>>,
    on_event: Handler,
    /// The directories watched so far.
    dirs: Mutex<HashSet<PathBuf>>,
    debouncer: Mutex<Option<Debouncer<RecommendedWatcher>>>,
}

/// The running watcher; dropping it stops watching.
pub struct Watcher {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        // Stops the debouncer's thread (it holds only a weak reference back to us).
        self.shared
            .debouncer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// Where a file's change events arrive: its directory as watched, and the file name. A link's
/// directory and its target's are both watched, so both forms are compared.
fn keys(path: &Path) -> Vec<PathBuf> {
    let mut keys = vec![path.to_path_buf()];
    if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
        if let Ok(dir) = std::fs::canonicalize(dir) {
            keys.push(dir.join(name));
        }
    }
    if let Ok(target) = std::fs::canonicalize(path) {
        keys.push(target);
    }
    keys
}

/// The directories to watch for `path`: its own, and its link target's.
fn dirs_of(path: &Path) -> Vec<PathBuf> {
    keys(path)
        .into_iter()
        .filter_map(|p| match p.parent() {
            Some(d) if d.as_os_str().is_empty() => Some(PathBuf::from(".")),
            Some(d) => Some(d.to_path_buf()),
            None => None,
        })
        .collect()
}

impl Watcher {
    /// Watches `config`'s files and `settings`' file; each change that is not a no-op is
    /// handed to `on_event` (on the watcher's thread, after the reload put it into effect).
    pub fn start(
        config: Arc<LiveConfig>,
        settings: Option<Arc<LiveSettings>>,
        on_event: impl Fn(WatchEvent) + Send + Sync + 'static,
    ) -> Result<Watcher, WatchError> {
        let shared = Arc::new(Shared {
            config,
            settings,
            on_event: Box::new(on_event),
            dirs: Mutex::default(),
            debouncer: Mutex::default(),
        });
        let weak: Weak<Shared> = Arc::downgrade(&shared);
        let debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
            if let Some(shared) = weak.upgrade() {
                shared.on_events(result);
            }
        })
        .map_err(|source| WatchError::Notify {
            path: shared.config.path().to_path_buf(),
            source,
        })?;
        *shared
            .debouncer
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(debouncer);
        let mut files = shared.config.files();
        files.extend(shared.settings.as_ref().map(|s| s.path().to_path_buf()));
        shared.watch_dirs(&files)?;
        Ok(Watcher { shared })
    }
}

impl Shared {
    /// Watches the directories of `files` not watched yet.
    fn watch_dirs(&self, files: &[PathBuf]) -> Result<(), WatchError> {
        let mut dirs = self.dirs.lock().unwrap_or_else(PoisonError::into_inner);
        let mut debouncer = self
            .debouncer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(debouncer) = debouncer.as_mut() else {
            return Ok(());
        };
        for dir in files.iter().flat_map(|f| dirs_of(f)) {
            if dirs.contains(&dir) || !dir.is_dir() {
                continue;
            }
            debouncer
                .watcher()
                .watch(&dir, RecursiveMode::NonRecursive)
                .map_err(|source| WatchError::Notify {
                    path: dir.clone(),
                    source,
                })?;
            dirs.insert(dir);
        }
        Ok(())
    }

    fn on_events(&self, result: DebounceEventResult) {
        let (config_hit, settings_hit) = match result {
            Ok(events) => {
                let config_keys: HashSet<PathBuf> =
                    self.config.files().iter().flat_map(|f| keys(f)).collect();
                let settings_keys: HashSet<PathBuf> =
                    self.settings.iter().flat_map(|s| keys(s.path())).collect();
                let mut hits = (false, false);
                for event in &events {
                    let event_keys = keys(&event.path);
                    hits.0 |= event_keys.iter().any(|k| config_keys.contains(k));
                    hits.1 |= event_keys.iter().any(|k| settings_keys.contains(k));
                }
                hits
            }
            Err(e) => {
                // Events may have been lost (an overflowing queue): read everything again.
                tracing::warn!("the file watcher reported a problem: {e}");
                (true, true)
            }
        };
        if config_hit {
            let update = self.config.reload();
            if let Err(e) = self.watch_dirs(&self.config.files()) {
                tracing::warn!("an included file will not be watched: {e}");
            }
            if update != Update::Unchanged {
                (self.on_event)(WatchEvent::Config(update));
            }
        }
        if let (true, Some(settings)) = (settings_hit, &self.settings) {
            let update = settings.reload();
            if update != SettingsUpdate::Unchanged {
                (self.on_event)(WatchEvent::Settings(update));
            }
        }
    }
}

//! Watching the config file, its `$include`d files and the settings file, and putting each
//! change through [`LiveConfig::reload`] / [`LiveSettings::reload`].
//!
//! The parent directories are watched, not the files: saves are atomic renames (ours, and most
//! editors'), which replace the file a watch on it would follow. Events are debounced (an editor's
//! save is several events) and filtered to the files of interest; the include list is read again
//! after each reload, so a newly included file in a new directory is watched too.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use super::{LiveConfig, LiveSettings, SettingsUpdate, Update};

/// How long the files must be quiet before a change is read: one editor save is several
/// events (a temp file written, renamed, a backup made) within a few milliseconds.
pub const DEBOUNCE: Duration = Duration::from_millis(25);

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
    /// The thread that reads the changes could not start.
    #[error("cannot start the config watcher: {0}")]
    Thread(std::io::Error),
}

/// Which files a batch of events touched.
#[derive(Debug, Clone, Copy, Default)]
struct Hits {
    config: bool,
    settings: bool,
}

impl Hits {
    fn any(self) -> bool {
        self.config || self.settings
    }

    fn add(&mut self, other: Hits) {
        self.config |= other.config;
        self.settings |= other.settings;
    }
}

/// Whether an event can mean new content: not a read (our own reloads open the files, and a
/// watch on their directory sees that) and not a mere attribute change.
fn may_change_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

type Handler = Box<dyn Fn(WatchEvent) + Send + Sync>;

struct Shared {
    config: Arc<LiveConfig>,
    settings: Option<Arc<LiveSettings>>,
    on_event: Handler,
    /// The directories watched so far.
    dirs: Mutex<HashSet<PathBuf>>,
    watcher: Mutex<Option<RecommendedWatcher>>,
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
        // Stops the OS watcher; its event channel closes and the reading thread ends.
        self.shared
            .watcher
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
            watcher: Mutex::default(),
        });
        let (hits, batches) = mpsc::channel::<Hits>();
        let classify: Weak<Shared> = Arc::downgrade(&shared);
        let watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
            let hit = match (result, classify.upgrade()) {
                (_, None) => return,
                (Ok(event), Some(shared)) if may_change_content(&event.kind) => {
                    shared.classify(&event.paths)
                }
                (Ok(_), Some(_)) => return,
                (Err(e), Some(_)) => {
                    // Events may have been lost (an overflowing queue): read everything again.
                    tracing::warn!("the file watcher reported a problem: {e}");
                    Hits {
                        config: true,
                        settings: true,
                    }
                }
            };
            if hit.any() {
                let _closed = hits.send(hit);
            }
        })
        .map_err(|source| WatchError::Notify {
            path: shared.config.path().to_path_buf(),
            source,
        })?;
        *shared
            .watcher
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(watcher);
        let mut files = shared.config.files();
        files.extend(shared.settings.as_ref().map(|s| s.path().to_path_buf()));
        shared.watch_dirs(&files)?;
        let reader = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("config-watch".into())
            .spawn(move || debounce(&batches, &reader))
            .map_err(WatchError::Thread)?;
        Ok(Watcher { shared })
    }
}

/// Waits for a change, then for the files to be quiet for [`DEBOUNCE`], then reloads what
/// was touched; until the watcher is dropped.
fn debounce(batches: &mpsc::Receiver<Hits>, shared: &Weak<Shared>) {
    while let Ok(first) = batches.recv() {
        let mut hits = first;
        loop {
            match batches.recv_timeout(DEBOUNCE) {
                Ok(more) => hits.add(more),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        match shared.upgrade() {
            Some(shared) => shared.reload(hits),
            None => return,
        }
    }
}

impl Shared {
    /// Watches the directories of `files` not watched yet.
    fn watch_dirs(&self, files: &[PathBuf]) -> Result<(), WatchError> {
        let mut dirs = self.dirs.lock().unwrap_or_else(PoisonError::into_inner);
        let mut watcher = self.watcher.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(watcher) = watcher.as_mut() else {
            return Ok(());
        };
        for dir in files.iter().flat_map(|f| dirs_of(f)) {
            if dirs.contains(&dir) || !dir.is_dir() {
                continue;
            }
            watcher
                .watch(&dir, RecursiveMode::NonRecursive)
                .map_err(|source| WatchError::Notify {
                    path: dir.clone(),
                    source,
                })?;
            dirs.insert(dir);
        }
        Ok(())
    }

    /// Which of our files `paths` (one event's) name.
    fn classify(&self, paths: &[PathBuf]) -> Hits {
        let config_keys: HashSet<PathBuf> =
            self.config.files().iter().flat_map(|f| keys(f)).collect();
        let settings_keys: HashSet<PathBuf> =
            self.settings.iter().flat_map(|s| keys(s.path())).collect();
        let mut hits = Hits::default();
        for path in paths {
            let path_keys = keys(path);
            hits.config |= path_keys.iter().any(|k| config_keys.contains(k));
            hits.settings |= path_keys.iter().any(|k| settings_keys.contains(k));
        }
        hits
    }

    /// Reloads what `hits` touched and reports what changed.
    fn reload(&self, hits: Hits) {
        if hits.config {
            let update = self.config.reload();
            if let Err(e) = self.watch_dirs(&self.config.files()) {
                tracing::warn!("an included file will not be watched: {e}");
            }
            if update != Update::Unchanged {
                (self.on_event)(WatchEvent::Config(update));
            }
        }
        if let (true, Some(settings)) = (hits.settings, &self.settings) {
            let update = settings.reload();
            if update != SettingsUpdate::Unchanged {
                (self.on_event)(WatchEvent::Settings(update));
            }
        }
    }
}

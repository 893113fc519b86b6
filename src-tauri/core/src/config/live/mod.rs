//! The config a long-running process (the app, `switchboard serve`) routes by, kept live: the
//! files are watched ([`watch`]), and each change is validated first, then applied at once when
//! valid, or refused while the last good config stays in force when not, so a broken edit never
//! drops a route. The same rule holds for the settings file.
//!
//! - [`LiveConfig`]: the last good config, whether the file on disk is broken now, and
//!   [`LiveConfig::reload`], the one "validate, then apply or keep the last good" step that the
//!   watcher, the app's own saves and a tray click all go through.
//! - [`LiveSettings`]: the same for the settings file.
//! - [`changes`]: what changed, for the banner ("primary is now lmstudio/...").
//! - Whether a change came from this process (its own saves raise no "changed outside" banner)
//!   is told by the bytes: the saver notes what it wrote ([`crate::config::save::written_here`]).

pub mod changes;
pub mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use crate::config::env::Lookup;
use crate::config::model::Config;
use crate::config::save::{self, Fingerprint};
use crate::config::view::{self, ConfigView};
use crate::config::ConfigError;
use crate::config::Loaded;
use crate::logging::redact::redact;
use crate::settings::{self, AppSettings};

pub use changes::Change;
pub use watch::{WatchError, WatchEvent, Watcher, DEBOUNCE};

/// What a reload of the config did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(rename = "ConfigUpdate")]
pub enum Update {
    /// The files hold the config in force already (our own save was applied, or only
    /// whitespace or comments changed); nothing to do.
    Unchanged,
    /// A valid config that differs from the one in force (or fixes a broken file): it is in
    /// force now.
    #[serde(rename_all = "camelCase")]
    Applied {
        /// The config in force now.
        #[serde(skip)]
        config: Arc<Config>,
        /// What changed (empty when a broken file was fixed back to the config in force).
        changes: Vec<Change>,
        /// Whether some file was last written by another process (an editor, OpenClaw, the
        /// CLI), not by this one.
        outside: bool,
    },
    /// The files are broken: the last good config stays in force.
    #[serde(rename_all = "camelCase")]
    Kept {
        /// Each problem, `file:line:col: path: message` (redacted).
        errors: Vec<String>,
        /// Whether a good config is in force (false when the file was broken from the start).
        routes_kept: bool,
    },
}

/// The config in force, and what the files on disk hold now.
#[derive(Debug)]
pub struct LiveConfig {
    path: PathBuf,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The last good config (the empty one when the file never was valid).
    good: Arc<Config>,
    /// Whether `good` came from a valid file (not the empty stand-in).
    had_good: bool,
    /// Whether the files on disk are broken now.
    broken: bool,
    /// Every file of the last load (the main file, then includes) and its fingerprint.
    files: Vec<(PathBuf, Option<Fingerprint>)>,
}

fn fingerprint(path: &Path) -> Option<Fingerprint> {
    std::fs::read(path).ok().map(|b| Fingerprint::of(&b))
}

/// Every file of `loaded` and its fingerprint (the main file's as it was loaded).
fn fingerprints(loaded: &Loaded) -> Vec<(PathBuf, Option<Fingerprint>)> {
    loaded
        .files
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let print = if i == 0 {
                loaded.fingerprint
            } else {
                fingerprint(p)
            };
            (p.clone(), print)
        })
        .collect()
}

impl LiveConfig {
    /// Loads the config at `path` (a missing file is an empty, valid config); a broken one
    /// gives the empty config and [`LiveConfig::broken`].
    pub fn open(path: &Path) -> LiveConfig {
        match crate::config::load(path) {
            Ok(loaded) => LiveConfig::from_loaded(loaded),
            Err(e) => {
                tracing::warn!("routing with no routes until the config can be read: {e}");
                LiveConfig {
                    path: path.to_path_buf(),
                    state: Mutex::new(State {
                        good: Arc::new(Config::default()),
                        had_good: false,
                        broken: true,
                        files: vec![(path.to_path_buf(), None)],
                    }),
                }
            }
        }
    }

    /// Starts from a load of the files: its config in force when valid, else the empty config
    /// (nothing routes) until the files are fixed.
    pub fn from_loaded(loaded: Loaded) -> LiveConfig {
        let files = fingerprints(&loaded);
        let valid = loaded.is_valid();
        if !valid {
            let errors: Vec<String> = loaded
                .errors()
                .map(|d| redact(&d.to_string()).into_owned())
                .collect();
            tracing::warn!(
                "routing with no routes until the config is fixed: {}",
                errors.join("; ")
            );
        }
        LiveConfig {
            path: loaded.path,
            state: Mutex::new(State {
                good: Arc::new(if valid {
                    loaded.config
                } else {
                    Config::default()
                }),
                had_good: valid,
                broken: !valid,
                files,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The main file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The config in force (the last good one).
    pub fn config(&self) -> Arc<Config> {
        self.lock().good.clone()
    }

    /// Whether the files on disk are broken now (the last good config is in force).
    pub fn broken(&self) -> bool {
        self.lock().broken
    }

    /// Whether a good config is in force while the files are broken (false at a start with a
    /// broken file: then nothing routes).
    pub fn routes_kept(&self) -> bool {
        let state = self.lock();
        state.broken && state.had_good
    }

    /// The config the router routes by, as a view for a model picker: the file's own view, or
    /// while the file is broken and a good config is in force, that config (the file's
    /// problems left out: the banner says them).
    pub fn routed_view(&self, env: Lookup<'_>) -> Result<ConfigView, ConfigError> {
        if !self.routes_kept() {
            return view::load(&self.path, env);
        }
        let mut loaded = crate::config::load_with(&self.path, env)?;
        loaded.config = (*self.config()).clone();
        loaded.diagnostics.clear();
        Ok(view::of(&loaded, None))
    }

    /// Every file the config was read from at the last reload: the main file, then includes.
    pub fn files(&self) -> Vec<PathBuf> {
        self.lock().files.iter().map(|(p, _)| p.clone()).collect()
    }

    /// Reads the files again and validates them: valid and different → in force now
    /// ([`Update::Applied`]); broken → the last good config stays ([`Update::Kept`]). Blocking
    /// (reads files); one reload at a time.
    pub fn reload(&self) -> Update {
        let mut state = self.lock();
        let loaded = match crate::config::load(&self.path) {
            Ok(loaded) => loaded,
            Err(e) => {
                state.broken = true;
                return Update::Kept {
                    errors: vec![redact(&e.to_string()).into_owned()],
                    routes_kept: state.had_good,
                };
            }
        };
        let files = fingerprints(&loaded);
        // Outside: some file differs from the last load and this process did not write it.
        let outside = files.iter().any(|(path, print)| {
            let before = state.files.iter().find(|(p, _)| p == path).map(|f| f.1);
            before != Some(*print) && !print.is_some_and(|now| save::written_here(path, now))
        });
        state.files = files;
        if !loaded.is_valid() {
            state.broken = true;
            return Update::Kept {
                errors: loaded
                    .errors()
                    .map(|d| redact(&d.to_string()).into_owned())
                    .collect(),
                routes_kept: state.had_good,
            };
        }
        let was_broken = std::mem::replace(&mut state.broken, false);
        if *state.good == loaded.config && state.had_good && !was_broken {
            return Update::Unchanged;
        }
        let changes = changes::between(&state.good, &loaded.config);
        state.good = Arc::new(loaded.config);
        state.had_good = true;
        Update::Applied {
            config: state.good.clone(),
            changes,
            outside,
        }
    }
}

/// What a reload of the settings file did.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsUpdate {
    /// The file holds the settings in force already.
    Unchanged,
    /// Valid and different: in force now.
    Applied {
        /// The settings before.
        before: Box<AppSettings>,
        /// The settings now.
        now: Box<AppSettings>,
        /// Whether another process wrote the file.
        outside: bool,
    },
    /// Broken: the settings in force stay.
    Kept {
        /// Why the file cannot be used.
        warning: String,
    },
}

/// The settings in force, kept live like [`LiveConfig`].
#[derive(Debug)]
pub struct LiveSettings {
    path: PathBuf,
    current: Mutex<AppSettings>,
}

impl LiveSettings {
    /// Starts from `current` (the settings in force) for the file at `path`.
    pub fn new(path: &Path, current: AppSettings) -> LiveSettings {
        LiveSettings {
            path: path.to_path_buf(),
            current: Mutex::new(current),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file again: valid and different → in force now; broken → kept.
    pub fn reload(&self) -> SettingsUpdate {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let loaded = settings::load(&self.path);
        if let Some(warning) = loaded.warning {
            return SettingsUpdate::Kept { warning };
        }
        if loaded.settings == *current {
            return SettingsUpdate::Unchanged;
        }
        let outside =
            !fingerprint(&self.path).is_some_and(|now| save::written_here(&self.path, now));
        let before = std::mem::replace(&mut *current, loaded.settings.clone());
        SettingsUpdate::Applied {
            before: Box::new(before),
            now: Box::new(loaded.settings),
            outside,
        }
    }
}

#[cfg(test)]
mod tests;

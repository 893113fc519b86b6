//! Where Switchboard keeps its files.
//!
//! - Config: `--config FILE`, else `$SWITCHBOARD_CONFIG`, else `<config dir>/switchboard/config.json5`.
//! - Data (history database): `$SWITCHBOARD_DATA_DIR`, else `<data dir>/switchboard`.
//! - Logs: `$SWITCHBOARD_LOG_DIR`, else `<state dir>/switchboard/logs`.
//! - The desktop app's settings: `settings.json` beside the config file ([`Paths::settings_file`]).
//!
//! On Linux and the BSDs the base directories follow the XDG base-directory spec
//! (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `XDG_STATE_HOME`, falling back under `HOME`); on macOS and
//! Windows they are the platform's application-support folders. The environment is passed in so
//! that tests never depend on (or touch) the real user's folders.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "SWITCHBOARD_CONFIG";
/// Environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "SWITCHBOARD_DATA_DIR";
/// Environment variable naming the log directory.
pub const LOG_DIR_ENV: &str = "SWITCHBOARD_LOG_DIR";
/// The config file's name inside the config directory.
pub const CONFIG_FILE_NAME: &str = "config.json5";

const APP_DIR: &str = "switchboard";

/// The desktop's Downloads folder (XDG `XDG_DOWNLOAD_DIR` on Linux), else `Downloads` in the
/// home folder; `None` without a home folder. The desktop's "Export" writes there.
pub fn downloads_dir() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.home_dir().join("Downloads")),
    )
}

/// The resolved locations of Switchboard's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The active config file (it may not exist yet).
    pub config_file: PathBuf,
    /// The directory for the history database and other data.
    pub data_dir: PathBuf,
    /// The directory for rotated log files.
    pub log_dir: PathBuf,
}

impl Paths {
    /// The desktop app's settings file (theme, tray, detection), beside the config file.
    pub fn settings_file(&self) -> PathBuf {
        crate::settings::file_beside(&self.config_file)
    }

    /// The chat history database in the data directory.
    pub fn history_file(&self) -> PathBuf {
        self.data_dir.join(crate::history::FILE_NAME)
    }

    /// The router state every process shares (cooldowns, reachability, counters).
    pub fn state_file(&self) -> PathBuf {
        self.data_dir.join(crate::state::local::FILE_NAME)
    }

    /// Resolves the paths from the process environment and an optional `--config` flag.
    pub fn from_env(config_flag: Option<&Path>) -> Result<Self> {
        Self::resolve(config_flag, |name| std::env::var_os(name))
    }

    /// Resolves the paths with `env` standing in for the process environment.
    pub fn resolve(
        config_flag: Option<&Path>,
        env: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Self> {
        let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let config_file = match config_flag
            .map(Path::to_path_buf)
            .or_else(|| var(CONFIG_ENV))
        {
            Some(file) => file,
            None => base_dir(Base::Config, &var)?
                .join(APP_DIR)
                .join(CONFIG_FILE_NAME),
        };
        let data_dir = match var(DATA_DIR_ENV) {
            Some(dir) => dir,
            None => base_dir(Base::Data, &var)?.join(APP_DIR),
        };
        let log_dir = match var(LOG_DIR_ENV) {
            Some(dir) => dir,
            None => base_dir(Base::State, &var)?.join(APP_DIR).join("logs"),
        };
        Ok(Paths {
            config_file,
            data_dir,
            log_dir,
        })
    }
}

#[derive(Clone, Copy)]
enum Base {
    Config,
    Data,
    State,
}

#[cfg(all(unix, not(target_os = "macos")))]
fn base_dir(base: Base, var: &impl Fn(&str) -> Option<PathBuf>) -> Result<PathBuf> {
    let (xdg, under_home, what) = match base {
        Base::Config => ("XDG_CONFIG_HOME", ".config", "config"),
        Base::Data => ("XDG_DATA_HOME", ".local/share", "data"),
        Base::State => ("XDG_STATE_HOME", ".local/state", "log"),
    };
    // The XDG spec says relative values are invalid and must be ignored.
    if let Some(dir) = var(xdg).filter(|d| d.is_absolute()) {
        return Ok(dir);
    }
    var("HOME")
        .map(|home| home.join(under_home))
        .ok_or(Error::NoLocation { what, env: xdg })
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn base_dir(base: Base, _var: &impl Fn(&str) -> Option<PathBuf>) -> Result<PathBuf> {
    let dirs = directories::BaseDirs::new();
    let (dir, what, env) = match base {
        Base::Config => (
            dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
            "config",
            CONFIG_ENV,
        ),
        Base::Data => (
            dirs.as_ref().map(|d| d.data_dir().to_path_buf()),
            "data",
            DATA_DIR_ENV,
        ),
        Base::State => (
            dirs.as_ref().map(|d| d.data_local_dir().to_path_buf()),
            "log",
            LOG_DIR_ENV,
        ),
    };
    dir.ok_or(Error::NoLocation { what, env })
}

#[cfg(all(test, unix, not(target_os = "macos")))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn xdg_dirs_are_used_when_set() {
        let env = env_of(&[
            ("HOME", "/home/u"),
            ("XDG_CONFIG_HOME", "/cfg"),
            ("XDG_DATA_HOME", "/data"),
            ("XDG_STATE_HOME", "/state"),
        ]);
        let paths = Paths::resolve(None, env).expect("resolves");
        assert_eq!(
            paths.config_file,
            PathBuf::from("/cfg/switchboard/config.json5")
        );
        assert_eq!(paths.data_dir, PathBuf::from("/data/switchboard"));
        assert_eq!(paths.log_dir, PathBuf::from("/state/switchboard/logs"));
        assert_eq!(
            paths.settings_file(),
            PathBuf::from("/cfg/switchboard/settings.json")
        );
        assert_eq!(
            paths.history_file(),
            PathBuf::from("/data/switchboard/history.sqlite3")
        );
    }

    #[test]
    fn home_fallbacks_and_relative_xdg_values_are_ignored() {
        let env = env_of(&[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "relative/dir")]);
        let paths = Paths::resolve(None, env).expect("resolves");
        assert_eq!(
            paths.config_file,
            PathBuf::from("/home/u/.config/switchboard/config.json5")
        );
        assert_eq!(
            paths.data_dir,
            PathBuf::from("/home/u/.local/share/switchboard")
        );
        assert_eq!(
            paths.log_dir,
            PathBuf::from("/home/u/.local/state/switchboard/logs")
        );
    }

    #[test]
    fn flag_beats_env_and_env_beats_defaults() {
        let env = env_of(&[
            ("HOME", "/home/u"),
            (CONFIG_ENV, "/env/config.json5"),
            (DATA_DIR_ENV, "/env/data"),
            (LOG_DIR_ENV, "/env/logs"),
        ]);
        let from_env = Paths::resolve(None, &env).expect("resolves");
        assert_eq!(from_env.config_file, PathBuf::from("/env/config.json5"));
        assert_eq!(from_env.data_dir, PathBuf::from("/env/data"));
        assert_eq!(from_env.log_dir, PathBuf::from("/env/logs"));
        let from_flag = Paths::resolve(Some(Path::new("/flag.json5")), &env).expect("resolves");
        assert_eq!(from_flag.config_file, PathBuf::from("/flag.json5"));
    }

    #[test]
    fn no_home_is_a_clear_error() {
        let err = Paths::resolve(None, env_of(&[])).expect_err("no HOME");
        assert_eq!(
            err.to_string(),
            "cannot determine the config directory: set XDG_CONFIG_HOME or HOME"
        );
    }
}

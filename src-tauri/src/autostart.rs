//! Start at login: the desktop's autostart entry (on Linux `~/.config/autostart/
//! switchboard.desktop`: the plugin's `auto-launch` backend does not read `XDG_CONFIG_HOME`),
//! made and removed through Tauri's autostart plugin to match the
//! `startAtLogin` setting, and re-synced at every start (so the entry follows the binary if it
//! moved, and a setting changed by hand in the file takes effect).
//!
//! The entry starts the app with `--autostart` ([`switchboard_core::cli::LOGIN_LAUNCH`]), so a
//! launch at login is told apart from one the person asked for ([`Launch`]).
//!
//! Only our own `settings_set` command calls the plugin, through its Rust API: the window is not
//! granted the plugin's JavaScript commands (least privilege; no capability lists them).

use std::time::Duration;

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt;

/// The entry's name: `switchboard.desktop`, after the binary (the plugin's default would be the
/// product name, `Switchboard`).
const ENTRY_NAME: &str = "switchboard";

/// How long a launch at login waits for the panel's tray to appear before it decides whether
/// the window may stay hidden: autostart entries are started alongside the panel, not after it.
pub(crate) const LOGIN_TRAY_WAIT: Duration = Duration::from_secs(10);

/// How the app was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Launch {
    /// By the person (menu entry, command line, a second launch).
    User,
    /// By the autostart entry at login.
    Login,
}

impl Launch {
    /// The launch that `login_flag` (the parsed `--autostart`) says this is.
    pub(crate) fn from_flag(login_flag: bool) -> Self {
        if login_flag {
            Launch::Login
        } else {
            Launch::User
        }
    }

    /// Whether the command line `argv` (a second launch's) is a launch at login.
    pub(crate) fn of_argv(argv: &[String]) -> Self {
        Self::from_flag(argv.iter().any(|arg| *arg == login_arg()))
    }

    /// Whether to wait up to [`LOGIN_TRAY_WAIT`] for a tray host that is not there yet: only at
    /// login, and only when the window is to start hidden in it.
    pub(crate) fn waits_for_tray(self, start_hidden: bool, tray_host: bool) -> bool {
        self == Launch::Login && start_hidden && !tray_host
    }
}

/// Why the login entry could not be made or removed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AutostartError {
    /// The plugin (its `auto-launch` backend) failed to write, read or delete the entry.
    #[error("cannot {action} the login entry: {source}")]
    Entry {
        /// `make` or `remove`.
        action: &'static str,
        /// The plugin's error.
        #[source]
        source: tauri_plugin_autostart::Error,
    },
}

/// `--autostart`, the argument the entry starts the app with.
pub(crate) fn login_arg() -> String {
    format!("--{}", switchboard_core::cli::LOGIN_LAUNCH)
}

/// The plugin, set up to write our entry (name, argument). Its JavaScript commands exist but no
/// capability grants them.
pub(crate) fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new()
        .app_name(ENTRY_NAME)
        .args([login_arg()])
        .build()
}

/// Makes the login entry (rewriting it, so it runs this binary) when `on`, else removes it if
/// it is there.
pub(crate) fn apply<R: Runtime>(app: &AppHandle<R>, on: bool) -> Result<(), AutostartError> {
    let manager = app.autolaunch();
    if on {
        manager.enable().map_err(|source| AutostartError::Entry {
            action: "make",
            source,
        })
    } else {
        let entry = |source| AutostartError::Entry {
            action: "remove",
            source,
        };
        if manager.is_enabled().map_err(entry)? {
            manager.disable().map_err(entry)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use switchboard_core::cli::Cli;

    #[test]
    fn the_entry_argument_parses_as_a_login_launch() {
        let parsed = Cli::try_parse_from(["switchboard", login_arg().as_str()]).expect("parses");
        assert!(parsed.login_launch);
        assert!(parsed.command.is_none(), "it opens the app");
        assert_eq!(Launch::from_flag(parsed.login_launch), Launch::Login);
        let plain = Cli::try_parse_from(["switchboard"]).expect("parses");
        assert_eq!(Launch::from_flag(plain.login_launch), Launch::User);
        let argv = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            Launch::of_argv(&argv(&["/usr/bin/switchboard", "--autostart"])),
            Launch::Login
        );
        assert_eq!(
            Launch::of_argv(&argv(&["/usr/bin/switchboard"])),
            Launch::User
        );
    }

    #[test]
    fn only_a_login_launch_that_starts_hidden_waits_for_a_missing_tray() {
        assert!(Launch::Login.waits_for_tray(true, false));
        assert!(!Launch::Login.waits_for_tray(true, true), "already there");
        assert!(!Launch::Login.waits_for_tray(false, false), "window shows");
        assert!(!Launch::User.waits_for_tray(true, false));
    }
}

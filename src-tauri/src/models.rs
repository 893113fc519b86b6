//! Data types the UI receives. Field names are camelCase on the wire; `ui/src/lib/ipc.ts` mirrors
//! them.

use serde::Serialize;

/// Whether one part of the desktop environment is there, and what to do if it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Probe {
    /// The part is present and usable.
    pub available: bool,
    /// What was found, or what is missing and how to fix it.
    pub detail: String,
}

impl Probe {
    pub(crate) fn found(detail: impl Into<String>) -> Self {
        Probe {
            available: true,
            detail: detail.into(),
        }
    }

    pub(crate) fn missing(detail: impl Into<String>) -> Self {
        Probe {
            available: false,
            detail: detail.into(),
        }
    }
}

/// The parts of the desktop the app can live without, probed once at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Environment {
    /// A D-Bus session bus (needed on Linux for the keychain, the tray and single-instance).
    pub dbus_session: Probe,
    /// A system tray host that shows our tray icon.
    pub tray_host: Probe,
    /// An OS keychain (Secret Service on Linux) to keep API keys in.
    pub keyring: Probe,
}

/// What the Settings screen shows about this installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppStatus {
    /// The app's version.
    pub version: &'static str,
    /// The active config file (it may not exist yet).
    pub config_path: String,
    /// The data directory.
    pub data_dir: String,
    /// The log directory.
    pub log_dir: String,
    /// What the desktop offers.
    pub environment: Environment,
}

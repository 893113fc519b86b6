//! The state every command can reach: core services and what was probed at start.

use switchboard_core::paths::Paths;

use crate::models::Environment;

/// Managed by Tauri; commands take `State<'_, AppState>`.
#[derive(Debug)]
pub(crate) struct AppState {
    /// Where the config, data and logs live.
    pub paths: Paths,
    /// What the desktop offers (D-Bus, tray host, keychain).
    pub environment: Environment,
}

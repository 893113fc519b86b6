//! App-level commands: version, file locations and what the desktop offers.

use tauri::State;

use switchboard_core::router::Health;

use crate::error::IpcError;
use crate::models::AppStatus;
use crate::state::AppState;

/// Version, file locations and environment probes, for the Settings screen.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    Ok(AppStatus {
        version: switchboard_core::VERSION,
        config_path: state.paths.config_file.display().to_string(),
        data_dir: state.paths.data_dir.display().to_string(),
        log_dir: state.paths.log_dir.display().to_string(),
        environment: state.environment.clone(),
    })
}

/// The default route's health now (the same summary the `route-health` event carries on each
/// change), so a window opened later starts from the current state.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn route_health(state: State<'_, AppState>) -> Result<Health, IpcError> {
    let router = state.router.get()?;
    // Cooldowns that ended since the last tick are counted now, not at the next tick.
    router.publish_health();
    let health = router.health().borrow().clone();
    Ok(health)
}

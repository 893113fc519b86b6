//! Thin Tauri commands: each takes state and typed arguments, calls into core, and returns
//! `Result<T, IpcError>`. Every command here must also be listed in `build.rs` and granted in
//! `capabilities/main-window.json`; the test at the end keeps the three lists in step.

use tauri::State;

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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Names inside the first `[ ... ]` after `marker` in `text`, with `prefix` stripped.
    fn names_after(text: &str, marker: &str, prefix: &str) -> BTreeSet<String> {
        let start = text.find(marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len();
        let rest = &text[start..];
        let open = rest.find('[').expect("opening bracket");
        let close = rest.find(']').expect("closing bracket");
        rest[open + 1..close]
            .split(',')
            .map(|s| s.trim().trim_matches('"').trim())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.strip_prefix(prefix).map(str::to_owned))
            .collect()
    }

    #[test]
    fn handler_build_manifest_and_capability_agree() {
        let handler = names_after(include_str!("lib.rs"), "generate_handler!", "commands::");
        let manifest = names_after(include_str!("../build.rs"), "const COMMANDS: &[&str] =", "");
        let granted: BTreeSet<String> = names_after(
            include_str!("../capabilities/main-window.json"),
            "\"permissions\"",
            "allow-",
        )
        .into_iter()
        .map(|name| name.replace('-', "_"))
        .collect();
        assert!(!handler.is_empty());
        assert_eq!(handler, manifest, "generate_handler! and build.rs differ");
        assert_eq!(
            handler, granted,
            "generate_handler! and the capability differ"
        );
    }
}

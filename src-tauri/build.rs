//! Generates the app's permission manifest: each listed command gets an `allow-*` permission,
//! and commands not listed here cannot be invoked at all.

/// Every command in `generate_handler!`; `commands::tests` checks the two lists agree.
const COMMANDS: &[&str] = &[
    "app_status",
    "route_health",
    "history_list",
    "history_load",
    "history_search",
    "history_select_version",
    "history_rename",
    "history_delete",
    "history_export",
    "history_export_file",
    "history_status",
    "history_image",
    "config_load",
    "config_routes_kept",
    "config_apply",
    "config_import_openclaw",
    "config_export_openclaw",
    "discovery_scan",
    "discovery_add_profiles",
    "setup_save",
    "discovery_load_model",
    "discovery_load_route_model",
    "discovery_warm_up",
    "lmstudio_download_offer",
    "lmstudio_download",
    "lmstudio_download_cancel",
    "quick_start",
    "catalog_providers",
    "keys_status",
    "keys_set",
    "keys_delete",
    "keys_test",
    "chat_send",
    "chat_set_private",
    "spend_report",
    "chat_retry_next",
    "chat_regenerate",
    "chat_cancel",
    "chat_models",
    "route_test",
    "route_test_cancel",
    "settings_get",
    "settings_set",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}

//! The Switchboard desktop shell: wires core services, the tray, the single-instance guard and
//! the IPC commands into a Tauri app. Logic lives in `switchboard-core`; this crate only adapts.

mod autostart;
#[cfg(test)]
mod bindings;
mod commands;
mod desktop_env;
mod error;
mod live;
mod models;
mod services;
mod settings;
mod state;
mod tray;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use switchboard_core::config::live::{LiveConfig, LiveSettings};
use switchboard_core::logging::{self, LogTarget};
use switchboard_core::paths::Paths;
use tauri::{Manager, RunEvent, Runtime, WindowEvent};

use autostart::Launch;
pub use error::IpcError;
use state::AppState;

/// Opens the desktop app; returns when it quits. `login_launch`: the autostart entry started it
/// (`--autostart`).
pub fn run(config_flag: Option<PathBuf>, login_launch: bool) -> ExitCode {
    let paths = match Paths::from_env(config_flag.as_deref()) {
        Ok(paths) => paths,
        Err(err) => {
            eprintln!("switchboard: {err}");
            return ExitCode::FAILURE;
        }
    };
    let _log = logging::init(&paths.log_dir, LogTarget::App);
    let launch = Launch::from_flag(login_launch);
    tracing::info!(version = switchboard_core::VERSION, config = %paths.config_file.display(), ?launch, "starting");
    match run_app(tauri::Builder::default(), paths, launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("the app could not start: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Builds and runs the app on `builder` (tests pass a mock builder).
fn run_app<R: Runtime>(
    builder: tauri::Builder<R>,
    paths: Paths,
    launch: Launch,
) -> tauri::Result<()> {
    let settings = settings::SettingsState::load(&paths.settings_file());
    let mut environment = desktop_env::probe();
    let start_hidden = settings.get().start_hidden;
    if launch.waits_for_tray(start_hidden, environment.tray_host.available) {
        tracing::info!("started at login: waiting for the panel's tray to start hidden in it");
        if desktop_env::wait_for_tray_host(autostart::LOGIN_TRAY_WAIT) {
            environment = desktop_env::probe();
        }
    }
    let tray_host = environment.tray_host.available;
    let app = builder
        // First, so a second launch is caught before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            // A login start while the app already runs (a session restored it) leaves it be.
            if Launch::of_argv(&argv) == Launch::Login {
                tracing::info!("second launch at login: already running");
                return;
            }
            tracing::info!("second launch: focusing the running window");
            tray::show_main_window(app);
        }))
        .plugin(autostart::plugin())
        .manage(AppState {
            paths,
            environment,
            history: state::HistoryState::default(),
            chats: state::ChatRequests::default(),
            downloads: state::ChatRequests::default(),
            router: state::RouterState::default(),
            route_tests: state::RouteTests::default(),
            settings,
            detected: state::LastDetection::default(),
            live: live::LiveState::default(),
        })
        .setup(move |app| {
            // After the single-instance guard, so a second launch never opens the database.
            let state = app.state::<AppState>();
            state.history.open(&state.paths.data_dir);
            // A missing or broken config routes nowhere until it is fixed; it never stops the
            // app (the config screens show what is wrong). From then on, edits made anywhere
            // are followed, a broken one keeping the last good config (services::live).
            let live_config = Arc::new(LiveConfig::open(&state.paths.config_file));
            let live_settings = Arc::new(LiveSettings::new(
                &state.paths.settings_file(),
                state.settings.get(),
            ));
            let router = state.router.init((*live_config.config()).clone());
            state.live.init(live_config, live_settings);
            if let Ok(router) = &router {
                router.set_policy(state.settings.get().policy());
                state::share_state(router, &state.paths.data_dir);
            }
            services::load_spend(app.handle());
            // The login entry follows the setting (and this binary's path) at every start.
            if let Err(e) = autostart::apply(app.handle(), state.settings.get().start_at_login) {
                tracing::warn!("{e}");
            }
            // After the router, so the "Primary model" menu shows its config; the menu's
            // actions go to the app services.
            let menu_config = services::router_config(app.handle());
            let tray_language = services::tray_language(state.settings.get().language);
            let created = tray::create(
                app.handle(),
                &menu_config,
                tray_language,
                services::on_tray_action,
            );
            if let Err(e) = created {
                tracing::warn!("no tray icon: {e}");
            }
            if let Ok(router) = router {
                tray::follow_health(app.handle(), router);
            }
            // The window is created hidden (tauri.conf.json), themed, then shown unless it
            // starts in the tray; without a tray host it is always shown.
            services::apply_theme(app.handle(), state.settings.get().theme);
            if state.settings.start_hidden(tray_host) {
                tracing::info!("starting hidden in the tray");
            } else {
                tray::show_main_window(app.handle());
            }
            services::restart_detection(app.handle());
            services::live::start_watching(app.handle());
            Ok(())
        })
        .on_window_event(move |window, event| {
            // With a tray host (and "keep running in the tray" on) the app lives on in the
            // tray; without one, closing quits, so no invisible process is left behind.
            if let WindowEvent::CloseRequested { api, .. } = event {
                let keep = window
                    .try_state::<AppState>()
                    .is_some_and(|state| state.settings.close_to_tray(tray_host));
                if keep && window.label() == "main" {
                    api.prevent_close();
                    if let Err(e) = window.hide() {
                        tracing::warn!("cannot hide the window: {e}");
                    }
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_status,
            commands::app::route_health,
            commands::history::history_list,
            commands::history::history_load,
            commands::history::history_search,
            commands::history::history_select_version,
            commands::history::history_rename,
            commands::history::history_delete,
            commands::history::history_export,
            commands::history::history_export_file,
            commands::history::history_status,
            commands::history::history_image,
            commands::config::config_load,
            commands::config::config_routes_kept,
            commands::config::config_apply,
            commands::config::config_import_openclaw,
            commands::config::config_export_openclaw,
            commands::discovery::discovery_scan,
            commands::discovery::discovery_add_profiles,
            commands::discovery::setup_save,
            commands::discovery::discovery_load_model,
            commands::discovery::discovery_load_route_model,
            commands::lmstudio::discovery_warm_up,
            commands::lmstudio::lmstudio_download_offer,
            commands::lmstudio::lmstudio_download,
            commands::lmstudio::lmstudio_download_cancel,
            commands::quick_start::quick_start,
            commands::catalog::catalog_providers,
            commands::keys::keys_status,
            commands::keys::keys_set,
            commands::keys::keys_delete,
            commands::keys::keys_test,
            commands::chat::chat_send,
            commands::chat::chat_set_private,
            commands::chat::spend_report,
            commands::chat::chat_retry_next,
            commands::chat::chat_regenerate,
            commands::chat::chat_cancel,
            commands::chat::chat_models,
            commands::routes::route_test,
            commands::routes::route_test_cancel,
            commands::settings::settings_get,
            commands::settings::settings_set,
        ])
        .build(tauri::generate_context!())?;
    app.run(|_app, event| {
        if let RunEvent::Exit = event {
            tracing::info!("exiting");
        }
    });
    Ok(())
}

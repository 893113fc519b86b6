//! The Settings screen in the real window: the theme (applied at once, kept across a restart,
//! written to the settings file), the tray rules (close to the tray, start hidden) against the
//! fake tray host and a real window-manager close, and extra server URLs scanned with a fake
//! OpenAI-compatible server.

use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_fakes::openai;
use switchboard_tests::app::{App, UI_TIMEOUT};
use switchboard_tests::desktop::{Desktop, DesktopOptions};
use switchboard_tests::process::{wait_until, wait_until_async};
use switchboard_tests::tray_host::entry;

/// The page background of each theme (`--bg` in `ui/src/app.css`).
const LIGHT_BG: &str = "rgb(247, 248, 250)";
const DARK_BG: &str = "rgb(27, 29, 33)";

pub(crate) async fn open_settings(app: &App) {
    app.click("[data-testid=nav-settings]").await;
    app.wait_for("[data-testid=theme-picker]").await;
}

/// Runs `script` in the page and returns its value.
async fn eval(app: &App, script: &str) -> Value {
    app.client()
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn prefers_dark(app: &App) -> Value {
    eval(
        app,
        "return window.matchMedia('(prefers-color-scheme: dark)').matches",
    )
    .await
}

async fn body_background(app: &App) -> String {
    let value = eval(
        app,
        "return getComputedStyle(document.body).backgroundColor",
    )
    .await;
    value.as_str().unwrap_or_default().to_owned()
}

/// Polls `probe` until it returns `wanted`, failing with the last value after [`UI_TIMEOUT`].
async fn wait_for_value<F, Fut>(what: &str, wanted: &str, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let now = probe().await;
        if now == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: wanted {wanted}, still {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn wait_saved(app: &App) {
    wait_for_value("save status", "saved", || async {
        match app
            .client()
            .find(fantoccini::Locator::Css(
                "[data-testid=settings-save-status]",
            ))
            .await
        {
            Ok(el) => el
                .attr("data-status")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
            Err(_) => String::new(),
        }
    })
    .await;
}

pub(crate) fn settings_file(desktop: &Desktop) -> std::path::PathBuf {
    desktop
        .config_file()
        .parent()
        .expect("config dir")
        .join("settings.json")
}

pub(crate) fn write_settings(desktop: &Desktop, json: &str) {
    let path = settings_file(desktop);
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    std::fs::write(&path, json).expect("write settings");
}

#[tokio::test]
async fn the_dark_theme_applies_at_once_and_survives_a_restart() {
    let app = App::launch(DesktopOptions::default()).await;
    open_settings(&app).await;
    assert_eq!(body_background(&app).await, LIGHT_BG);
    app.screenshot("settings-light").await;

    app.click("[data-testid=theme-dark]").await;
    wait_for_value("page background", DARK_BG, || body_background(&app)).await;
    wait_saved(&app).await;
    // The window theme too (GTK's dark variant), which WebKit reports to the page.
    assert_eq!(prefers_dark(&app).await, Value::Bool(true));
    app.screenshot("settings-dark").await;

    let path = settings_file(&app.desktop);
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("settings file"))
            .expect("settings JSON");
    assert_eq!(saved["theme"], "dark", "{saved}");

    // Quit (no tray host: closing the window quits), then start again with the same settings.
    app.desktop.close_window("Switchboard");
    assert!(
        wait_until(Duration::from_secs(10), || app.app_pids().is_empty()),
        "the app did not quit"
    );
    let text = std::fs::read_to_string(&path).expect("settings file");
    app.close().await;

    let app = App::launch_with(DesktopOptions::default(), |d| write_settings(d, &text)).await;
    // Dark from the first screen on: the webview's storage is new, so this is the file's doing.
    wait_for_value("page background after restart", DARK_BG, || {
        body_background(&app)
    })
    .await;
    assert_eq!(prefers_dark(&app).await, Value::Bool(true));
    open_settings(&app).await;
    let dark = app.wait_for("[data-testid=theme-dark]").await;
    assert_eq!(
        dark.prop("checked").await.expect("prop").as_deref(),
        Some("true")
    );
    // Back to following the desktop (light under Xvfb).
    app.click("[data-testid=theme-system]").await;
    wait_for_value("page background", LIGHT_BG, || body_background(&app)).await;
    wait_saved(&app).await;
    assert_eq!(prefers_dark(&app).await, Value::Bool(false));
    app.close().await;
}

#[tokio::test]
async fn with_a_tray_host_and_close_to_tray_off_closing_quits() {
    let options = DesktopOptions {
        tray_host: true,
        ..DesktopOptions::default()
    };
    let app = App::launch(options).await;
    open_settings(&app).await;
    let switch = "[data-testid=setting-close-to-tray]";
    let deadline = Instant::now() + UI_TIMEOUT;
    while !app
        .wait_for(switch)
        .await
        .is_enabled()
        .await
        .expect("enabled")
    {
        assert!(Instant::now() < deadline, "the tray settings stay disabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.click(switch).await;
    wait_saved(&app).await;
    app.screenshot("settings-window-tray").await;
    let saved = std::fs::read_to_string(settings_file(&app.desktop)).expect("settings file");
    assert!(saved.contains("\"closeToTray\": false"), "{saved}");

    app.desktop.close_window("Switchboard");
    assert!(
        wait_until(Duration::from_secs(10), || app.app_pids().is_empty()),
        "closing kept the app running although 'keep running in the tray' is off"
    );
    app.close().await;
}

#[tokio::test]
async fn start_hidden_waits_in_the_tray_until_open_and_never_without_a_tray_host() {
    let options = DesktopOptions {
        tray_host: true,
        ..DesktopOptions::default()
    };
    let hidden = |d: &mut Desktop| write_settings(d, r#"{ "startHidden": true }"#);
    let app = App::launch_with(options, hidden).await;
    let host = app.tray_host().expect("tray host");
    assert!(
        wait_until_async(Duration::from_secs(10), || !host.items().is_empty()).await,
        "no tray item"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let state = app.desktop.window_map_state("Switchboard");
    assert_ne!(
        state.as_deref(),
        Some("IsViewable"),
        "the window showed at start"
    );
    let item = host.items()[0].clone();
    let menu = host.menu(&item).await.expect("tray menu");
    host.click(&item, entry(&menu, "Open Switchboard").id)
        .await
        .expect("click open");
    let shown = wait_until(Duration::from_secs(10), || {
        app.desktop.window_map_state("Switchboard").as_deref() == Some("IsViewable")
    });
    assert!(shown, "Open Switchboard did not show the window");
    app.close().await;

    // No tray host: the same settings never hide the window.
    let app = App::launch_with(DesktopOptions::default(), hidden).await;
    let shown = wait_until(Duration::from_secs(10), || {
        app.desktop.window_map_state("Switchboard").as_deref() == Some("IsViewable")
    });
    assert!(shown, "the window is hidden with no tray to open it from");
    open_settings(&app).await;
    let reason = app.text("[data-testid=tray-reason]").await;
    assert!(reason.contains("No system tray"), "{reason}");
    app.close().await;
}

#[tokio::test]
async fn an_extra_server_url_is_scanned_by_discovery_and_the_wizard() {
    let fake = openai::start(openai::Script::reply("hi").with_models(["fake-remote-model"]))
        .expect("fake OpenAI server");
    let base = format!("{}/v1", fake.url());
    let app = App::launch_with(DesktopOptions::default(), |d| {
        // Nothing at LM Studio's port, so the scan is quick and only the fake answers.
        d.set_env("SWITCHBOARD_LMSTUDIO_PORT", "1");
    })
    .await;
    open_settings(&app).await;

    // A refused URL shows its reason beside the input and saves nothing.
    let input = app.wait_for("[data-testid=url-input]").await;
    input.send_keys("localhost:8000").await.expect("type");
    app.click("[data-testid=url-add]").await;
    let error = app.text("[data-testid=url-error]").await;
    assert!(error.contains("http:// or https://"), "{error}");
    app.screenshot("settings-url-error").await;
    assert!(
        !settings_file(&app.desktop).exists(),
        "a refused URL was saved"
    );

    input.clear().await.expect("clear");
    input.send_keys(&format!("{base}/")).await.expect("type");
    app.click("[data-testid=url-add]").await;
    wait_saved(&app).await;
    let listed = app.text("[data-testid=url-list]").await;
    assert!(listed.contains(&base), "{listed}");
    app.screenshot("settings-local-servers").await;
    let saved = std::fs::read_to_string(settings_file(&app.desktop)).expect("settings file");
    assert!(saved.contains(&format!("\"{base}\"")), "{saved}");

    let report = app
        .invoke("discovery_scan", serde_json::json!({ "request": null }))
        .await
        .unwrap_or_else(|e| panic!("discovery_scan rejected: {e}"));
    let servers = report["servers"].as_array().expect("servers");
    let found = servers
        .iter()
        .find(|s| s["baseUrl"] == base.as_str())
        .unwrap_or_else(|| panic!("{base} not scanned: {report}"));
    assert_eq!(found["status"], "running", "{found}");
    assert_eq!(found["kind"], "openai-compatible", "{found}");
    assert_eq!(found["models"][0]["id"], "fake-remote-model", "{found}");

    app.click("[data-testid=nav-setup]").await;
    let card = app.text("[data-testid=server-openai-compatible]").await;
    assert!(card.contains(&base), "{card}");
    app.close().await;
}

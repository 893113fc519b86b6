//! The real window under Xvfb: title, navigation, screens, environment probes and lifecycle.

use std::process::Stdio;
use std::time::Duration;

use switchboard_tests::app::App;
use switchboard_tests::desktop::DesktopOptions;
use switchboard_tests::process::wait_until;

const SCREENS: [(&str, &str); 4] = [
    ("chat", "Chat"),
    ("providers", "Providers"),
    ("setup", "Setup"),
    ("settings", "Settings"),
];

/// Clicks a nav entry and waits for its screen, so a screenshot shows the new screen.
async fn open_screen(app: &App, id: &str) {
    app.wait_for(&format!("[data-testid=nav-{id}]"))
        .await
        .click()
        .await
        .expect("click nav");
    app.wait_for(&format!("[data-testid=screen-{id}]")).await;
    app.settle().await;
}

async fn probe_available(app: &App, probe: &str) -> String {
    let row = app.wait_for(&format!("[data-testid=probe-{probe}]")).await;
    row.attr("data-available")
        .await
        .expect("attr")
        .unwrap_or_default()
}

#[tokio::test]
async fn window_opens_with_title_navigation_and_every_screen() {
    let app = App::launch(DesktopOptions::default()).await;
    assert_eq!(app.client().title().await.expect("title"), "Switchboard");
    for (id, label) in SCREENS {
        let nav = app.wait_for(&format!("[data-testid=nav-{id}]")).await;
        assert_eq!(nav.text().await.expect("nav text").trim(), label);
    }
    for (id, label) in SCREENS {
        open_screen(&app, id).await;
        let screen = app.wait_for(&format!("[data-testid=screen-{id}]")).await;
        let heading = screen
            .find(fantoccini::Locator::Css("h1"))
            .await
            .expect("screen heading");
        assert_eq!(heading.text().await.expect("heading").trim(), label);
        let shot = app.screenshot(&format!("screen-{id}")).await;
        assert!(std::fs::metadata(&shot).expect("screenshot").len() > 1000);
    }
    app.close().await;
}

#[tokio::test]
async fn settings_show_the_private_session_bus_and_keyring() {
    let app = App::launch(DesktopOptions::default()).await;
    open_screen(&app, "settings").await;
    assert_eq!(probe_available(&app, "dbusSession").await, "true");
    assert_eq!(probe_available(&app, "keyring").await, "true");
    // Xvfb runs no panel, so there is no tray host.
    assert_eq!(probe_available(&app, "trayHost").await, "false");
    let version = app.text("[data-testid=app-version]").await;
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    app.close().await;
}

#[tokio::test]
async fn the_app_stays_usable_without_a_session_bus() {
    let app = App::launch(DesktopOptions {
        dbus: false,
        keyring: false,
        tray_host: false,
        dark_theme: false,
    })
    .await;
    open_screen(&app, "settings").await;
    assert_eq!(probe_available(&app, "dbusSession").await, "false");
    assert_eq!(probe_available(&app, "keyring").await, "false");
    let keyring = app.text("[data-testid=probe-keyring]").await;
    assert!(
        keyring.contains("gnome-keyring"),
        "no fix suggested: {keyring}"
    );
    // The environment section sits below the preferences: bring it into view.
    app.client()
        .execute(
            "const main = document.querySelector('main .screen-area');\n\
             const heading = document.getElementById('environment-heading');\n\
             main.scrollTop += heading.getBoundingClientRect().top - main.getBoundingClientRect().top - 24;",
            vec![],
        )
        .await
        .expect("scroll");
    app.screenshot("settings-without-dbus").await;
    open_screen(&app, "chat").await;
    app.close().await;
}

#[tokio::test]
async fn the_app_stays_usable_without_a_keyring_daemon() {
    let app = App::launch(DesktopOptions {
        dbus: true,
        keyring: false,
        tray_host: false,
        dark_theme: false,
    })
    .await;
    open_screen(&app, "settings").await;
    assert_eq!(probe_available(&app, "dbusSession").await, "true");
    assert_eq!(probe_available(&app, "keyring").await, "false");
    app.close().await;
}

#[tokio::test]
async fn a_second_launch_focuses_the_running_instance() {
    let app = App::launch(DesktopOptions::default()).await;
    assert_eq!(app.app_pids().len(), 1);
    let status = app
        .desktop
        .command(app.binary())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("second launch");
    assert!(status.success(), "second launch failed: {status}");
    // The first instance is still there and still answers.
    assert_eq!(app.app_pids().len(), 1);
    open_screen(&app, "providers").await;
    app.close().await;
}

#[tokio::test]
async fn closing_the_window_quits_when_there_is_no_tray_host() {
    let app = App::launch(DesktopOptions::default()).await;
    assert_eq!(app.app_pids().len(), 1);
    app.desktop.close_window("Switchboard");
    let quit = wait_until(Duration::from_secs(10), || app.app_pids().is_empty());
    assert!(quit, "the app kept running with no window and no tray host");
    app.close().await;
}

#[tokio::test]
async fn the_dark_theme_follows_the_system() {
    let options = DesktopOptions {
        dark_theme: true,
        ..DesktopOptions::default()
    };
    let app = App::launch(options).await;
    let dark = app
        .client()
        .execute(
            "return window.matchMedia('(prefers-color-scheme: dark)').matches",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(
        dark,
        serde_json::Value::Bool(true),
        "WebKit did not report the dark theme"
    );
    for (id, _) in SCREENS {
        open_screen(&app, id).await;
        app.screenshot(&format!("screen-{id}-dark")).await;
    }
    app.close().await;
}

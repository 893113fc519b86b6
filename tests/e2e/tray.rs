//! The tray, through a fake tray host on the private session bus: the item registers with its
//! menu, closing the window keeps the app in the tray, and the menu opens the window and quits.

use std::time::Duration;

use switchboard_tests::app::App;
use switchboard_tests::desktop::DesktopOptions;
use switchboard_tests::process::wait_until;
use switchboard_tests::tray_host::MenuEntry;

async fn wait_async(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    condition()
}

fn entry<'a>(menu: &'a [MenuEntry], label: &str) -> &'a MenuEntry {
    menu.iter()
        .find(|e| e.label == label)
        .unwrap_or_else(|| panic!("no {label:?} in {menu:?}"))
}

#[tokio::test]
async fn with_a_tray_host_closing_keeps_the_app_and_the_tray_menu_opens_and_quits() {
    let options = DesktopOptions {
        tray_host: true,
        ..DesktopOptions::default()
    };
    let app = App::launch(options).await;
    let host = app.tray_host().expect("tray host");
    assert!(
        wait_async(Duration::from_secs(10), || !host.items().is_empty()).await,
        "no tray item"
    );
    let item = host.items()[0].clone();

    let menu = host.menu(&item).await.expect("tray menu");
    let labels: Vec<&str> = menu
        .iter()
        .map(|e| e.label.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(labels, ["Open Switchboard", "Quit"]);

    app.wait_for("[data-testid=nav-settings]")
        .await
        .click()
        .await
        .expect("click");
    let probe = app.wait_for("[data-testid=probe-trayHost]").await;
    assert_eq!(
        probe.attr("data-available").await.expect("attr").as_deref(),
        Some("true")
    );

    // Closing the window hides it; the app stays in the tray.
    assert_eq!(
        app.desktop.window_map_state("Switchboard").as_deref(),
        Some("IsViewable")
    );
    app.desktop.close_window("Switchboard");
    let hidden = wait_until(Duration::from_secs(10), || {
        app.desktop.window_map_state("Switchboard").as_deref() == Some("IsUnMapped")
    });
    assert!(
        hidden,
        "window not hidden: {:?}",
        app.desktop.window_map_state("Switchboard")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.app_pids().len(),
        1,
        "the app quit although a tray host exists"
    );

    host.click(&item, entry(&menu, "Open Switchboard").id)
        .await
        .expect("click open");
    let shown = wait_until(Duration::from_secs(10), || {
        app.desktop.window_map_state("Switchboard").as_deref() == Some("IsViewable")
    });
    assert!(shown, "Open Switchboard did not show the window");

    host.click(&item, entry(&menu, "Quit").id)
        .await
        .expect("click quit");
    let quit = wait_until(Duration::from_secs(10), || app.app_pids().is_empty());
    assert!(quit, "Quit left the app running");
    app.close().await;
}

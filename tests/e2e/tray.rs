//! The tray, through a fake tray host on the private session bus: the item registers with its
//! menu, closing the window keeps the app in the tray, the menu opens the window, picks the
//! primary model (rewriting the config) and quits.

use std::time::Duration;

use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};
use switchboard_tests::process::{wait_until, wait_until_async};
use switchboard_tests::tray_host::{entry, MenuEntry};

/// Two models, `hosted/opus` (the primary) and `local/minimax` (no server behind either).
fn two_models(desktop: &mut Desktop) {
    two_models_at(desktop, "http://127.0.0.1:9");
}

/// [`two_models`] with `hosted` at `hosted_url` (without `/v1`). Both URLs are on loopback, so
/// the background detection probes them: a closed port makes the provider "not reachable".
fn two_models_at(desktop: &mut Desktop, hosted_url: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"hosted/opus\", fallbacks: [] }} }} }},\n\
         models: {{ providers: {{\n\
         hosted: {{ baseUrl: \"{hosted_url}/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"opus\", name: \"Opus\" }}] }},\n\
         local: {{ baseUrl: \"http://127.0.0.1:9/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"minimax\", name: \"Minimax\" }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
}

/// The first string after `primary` and its colon in the config text.
fn primary_in(text: &str) -> Option<String> {
    let after = &text[text.find("primary")? + "primary".len()..];
    let value = &after[after.find(':')? + 1..];
    let start = value.find('"')? + 1;
    let end = start + value[start..].find('"')?;
    Some(value[start..end].to_owned())
}

#[tokio::test]
async fn with_a_tray_host_closing_keeps_the_app_and_the_tray_menu_opens_and_quits() {
    let options = DesktopOptions {
        tray_host: true,
        ..DesktopOptions::default()
    };
    let app = App::launch_with(options, two_models).await;
    let host = app.tray_host().expect("tray host");
    assert!(
        wait_until_async(Duration::from_secs(10), || !host.items().is_empty()).await,
        "no tray item"
    );
    let item = host.items()[0].clone();

    // The first line says the route health in words (Linux trays show no tooltip); it follows
    // the health, so it is read again until the probes of the two closed ports are in.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let menu = loop {
        let menu = host.menu(&item).await.expect("tray menu");
        if menu
            .first()
            .is_some_and(|e| e.label.contains("hosted not reachable"))
            || std::time::Instant::now() > deadline
        {
            break menu;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let status = menu.first().expect("a status line");
    assert_eq!(
        status.label, "No route — hosted not reachable, local not reachable",
        "{menu:?}"
    );
    let labels: Vec<&str> = menu
        .iter()
        .skip(1)
        .map(|e| e.label.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        labels,
        [
            "Open Switchboard",
            "New chat",
            "Primary model",
            "Offline — nothing leaves this machine",
            "Re-detect local servers",
            "Quit"
        ]
    );
    let models = host
        .submenu(&item, entry(&menu, "Primary model").id)
        .await
        .expect("primary model submenu");
    let choices: Vec<(&str, bool)> = models
        .iter()
        .map(|e| (e.label.as_str(), e.checked))
        .collect();
    assert_eq!(choices, [("hosted/opus", true), ("local/minimax", false)]);

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

    // Picking a primary model rewrites the config, and the check moves.
    let config = app.desktop.config_file();
    host.click(&item, entry(&models, "local/minimax").id)
        .await
        .expect("click primary model");
    let rewritten = wait_until(Duration::from_secs(10), || {
        let text = std::fs::read_to_string(&config).unwrap_or_default();
        primary_in(&text).as_deref() == Some("local/minimax")
    });
    assert!(
        rewritten,
        "the primary was not rewritten: {:?}",
        std::fs::read_to_string(&config)
    );
    let mut moved = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !moved && tokio::time::Instant::now() < deadline {
        // The menu is rebuilt when the config changes, so an id read just before can be gone
        // by the next call: read both again.
        let menu = host.menu(&item).await.expect("tray menu");
        let Ok(models) = host.submenu(&item, entry(&menu, "Primary model").id).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        moved = models
            .iter()
            .any(|e| e.label == "local/minimax" && e.checked)
            && models
                .iter()
                .all(|e| e.label != "hosted/opus" || !e.checked);
        if !moved {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert!(moved, "the check did not move to the new primary");

    let menu = host.menu(&item).await.expect("tray menu");
    host.click(&item, entry(&menu, "Quit").id)
        .await
        .expect("click quit");
    let quit = wait_until(Duration::from_secs(10), || app.app_pids().is_empty());
    assert!(quit, "Quit left the app running");
    app.close().await;
}

/// The item and its menu once the app has registered with the fake tray host.
async fn tray_menu(app: &App) -> (switchboard_tests::tray_host::TrayItem, Vec<MenuEntry>) {
    let host = app.tray_host().expect("tray host");
    assert!(
        wait_until_async(Duration::from_secs(10), || !host.items().is_empty()).await,
        "no tray item"
    );
    let item = host.items()[0].clone();
    let menu = host.menu(&item).await.expect("tray menu");
    (item, menu)
}

#[tokio::test]
async fn tray_new_chat_and_re_detect_reach_the_window_from_any_screen() {
    let lmstudio = switchboard_fakes::lmstudio::start(switchboard_fakes::lmstudio::Script::v1())
        .expect("fake LM Studio");
    let port = lmstudio.addr().port();
    // The primary answers probes, so the route is ready without a request.
    let hosted = switchboard_fakes::openai::start(switchboard_fakes::openai::Script::reply("hi"))
        .expect("fake primary");
    let options = DesktopOptions {
        tray_host: true,
        ..DesktopOptions::default()
    };
    let app = App::launch_with(options, |desktop| {
        two_models_at(desktop, &hosted.url());
        desktop.set_env("SWITCHBOARD_LMSTUDIO_PORT", &port.to_string());
    })
    .await;
    let (item, menu) = tray_menu(&app).await;
    let host = app.tray_host().expect("tray host");

    // The window shows the route health the tray icon follows: the primary answers.
    let route = app
        .wait_text(
            "[data-testid=route-status]",
            "hosted/opus",
            Duration::from_secs(10),
        )
        .await;
    assert!(
        route.contains("Ready") && route.contains("hosted/opus"),
        "{route}"
    );

    // "New chat" opens the chat from another screen, and from a hidden window.
    app.wait_for("[data-testid=nav-settings]")
        .await
        .click()
        .await
        .expect("click");
    app.wait_for("[data-testid=screen-settings]").await;
    app.desktop.close_window("Switchboard");
    assert!(
        wait_until(Duration::from_secs(10), || {
            app.desktop.window_map_state("Switchboard").as_deref() == Some("IsUnMapped")
        }),
        "window not hidden"
    );
    host.click(&item, entry(&menu, "New chat").id)
        .await
        .expect("click new chat");
    assert!(
        wait_until(Duration::from_secs(10), || {
            app.desktop.window_map_state("Switchboard").as_deref() == Some("IsViewable")
        }),
        "New chat did not show the window"
    );
    app.wait_for("[data-testid=screen-chat]").await;
    app.wait_for("[data-testid=chat-new-hint]").await;

    // "Re-detect local servers" scans and the window hears of it (sidebar status).
    host.click(&item, entry(&menu, "Re-detect local servers").id)
        .await
        .expect("click re-detect");
    let local = app
        .wait_text(
            "[data-testid=local-servers]",
            "LM Studio",
            Duration::from_secs(10),
        )
        .await;
    assert!(local.starts_with("LM Studio ("), "{local}");
    app.screenshot("tray-redetected").await;
    app.close().await;
}

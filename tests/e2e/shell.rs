//! The app shell in the real window: keyboard navigation, the security baseline as the page
//! sees it, and the log file the app writes.

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;
use switchboard_fakes::openai::{self, Script};
use switchboard_tests::app::App;
use switchboard_tests::desktop::DesktopOptions;

async fn press(app: &App, modifier: Option<Key>, key: char) {
    let mut keys = KeyActions::new("keyboard".to_owned());
    if let Some(modifier) = modifier {
        keys = keys.then(KeyAction::Down {
            value: modifier.into(),
        });
    }
    keys = keys
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    if let Some(modifier) = modifier {
        keys = keys.then(KeyAction::Up {
            value: modifier.into(),
        });
    }
    app.client()
        .perform_actions(keys)
        .await
        .expect("key actions");
    app.client().release_actions().await.expect("release keys");
}

async fn active_testid(app: &App) -> String {
    let active = app.client().active_element().await.expect("active element");
    active
        .attr("data-testid")
        .await
        .expect("attr")
        .unwrap_or_default()
}

#[tokio::test]
async fn keyboard_moves_through_the_navigation_and_shortcuts_switch_screens() {
    let app = App::launch(DesktopOptions::default()).await;
    let first = app.wait_for("[data-testid=nav-chat]").await;
    let focus = "arguments[0].focus()";
    let target = serde_json::to_value(&first).expect("element as argument");
    app.client()
        .execute(focus, vec![target])
        .await
        .expect("focus the first nav entry");
    assert_eq!(active_testid(&app).await, "nav-chat");
    press(&app, None, Key::Down.into()).await;
    assert_eq!(active_testid(&app).await, "nav-providers");
    press(&app, None, Key::Enter.into()).await;
    app.wait_for("[data-testid=screen-providers]").await;

    press(&app, Some(Key::Control), '4').await;
    app.wait_for("[data-testid=screen-settings]").await;
    press(&app, Some(Key::Control), '3').await;
    app.wait_for("[data-testid=screen-setup]").await;
    let current = app.wait_for("[data-testid=nav-setup]").await;
    assert_eq!(
        current.attr("aria-current").await.expect("attr").as_deref(),
        Some("page")
    );
    app.close().await;
}

#[tokio::test]
async fn the_page_cannot_reach_the_network_or_tauri_globals() {
    let fake = openai::start(Script::reply("should never be read")).expect("fake server");
    let app = App::launch(DesktopOptions::default()).await;
    let script = "const [url, done] = arguments;\n\
                  fetch(url).then(() => done('reached'), (e) => done('blocked: ' + e));";
    let outcome = app
        .client()
        .execute_async(script, vec![json!(format!("{}/v1/models", fake.url()))])
        .await
        .expect("script runs");
    let outcome = outcome.as_str().unwrap_or_default().to_owned();
    assert!(
        outcome.starts_with("blocked"),
        "the CSP let the page fetch a provider: {outcome}"
    );
    assert!(fake.requests().is_empty(), "a request reached the provider");

    let globals = app
        .client()
        .execute(
            "return typeof window.__TAURI__ + ' ' + typeof window.__TAURI_INTERNALS__",
            vec![],
        )
        .await
        .expect("script runs");
    assert!(
        globals
            .as_str()
            .unwrap_or_default()
            .starts_with("undefined"),
        "{globals}"
    );
    app.close().await;
}

#[tokio::test]
async fn the_app_logs_to_the_state_dir() {
    let app = App::launch(DesktopOptions::default()).await;
    let log_dir = app
        .desktop
        .home()
        .join("state")
        .join("switchboard")
        .join("logs");
    // The file writer is non-blocking; give it a moment to flush the first lines.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let logs: Vec<_> = std::fs::read_dir(&log_dir)
        .unwrap_or_else(|e| panic!("no log dir {}: {e}", log_dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let text = std::fs::read_to_string(&logs[0]).expect("read log");
    assert!(text.contains("starting"), "{text}");
    assert!(
        text.contains("tray host unavailable"),
        "the missing tray host was not logged: {text}"
    );
    assert_eq!(
        text.matches("tray host unavailable").count(),
        1,
        "logged more than once"
    );
    app.close().await;
}

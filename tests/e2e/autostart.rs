//! Start at login in the real window: the Settings switch makes the desktop's autostart entry
//! (`~/.config/autostart/switchboard.desktop` in the throw-away home; the plugin's `auto-launch`
//! backend uses `$HOME/.config` whatever `XDG_CONFIG_HOME` says) that runs this binary with
//! `--autostart`, and removes it again; a setting that is on re-makes a missing entry at the next
//! start. Screenshots of the switch in English and Korean.

use std::path::{Path, PathBuf};
use std::time::Duration;

use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};
use switchboard_tests::process::wait_until;

use crate::settings::{open_settings, settings_file, wait_saved, write_settings};

const SWITCH: &str = "[data-testid=setting-start-at-login]";

fn entry_file(desktop: &Desktop) -> PathBuf {
    desktop.home().join(".config/autostart/switchboard.desktop")
}

/// The `Exec=` line's value of the desktop entry at `path`.
fn exec_line(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .find_map(|line| line.strip_prefix("Exec="))
        .unwrap_or_else(|| panic!("no Exec line in {text}"))
        .to_owned()
}

/// Asserts the entry at `path` runs `binary` with `--autostart` and nothing else.
fn assert_runs_us_at_login(path: &Path, binary: &Path) {
    let exec = exec_line(path);
    let words: Vec<&str> = exec.split_whitespace().collect();
    let program = words
        .first()
        .map(|w| w.trim_matches('"'))
        .unwrap_or_default();
    assert_eq!(
        Path::new(program).canonicalize().ok(),
        binary.canonicalize().ok(),
        "the entry runs another program: {exec}"
    );
    assert_eq!(&words[1..], ["--autostart"], "{exec}");
}

#[tokio::test]
async fn start_at_login_makes_and_removes_the_autostart_entry() {
    let app = App::launch(DesktopOptions::default()).await;
    let entry = entry_file(&app.desktop);
    assert!(!entry.exists(), "an entry before it was turned on");
    open_settings(&app).await;
    app.scroll_into_view(SWITCH, "center").await;
    app.click(SWITCH).await;
    wait_saved(&app).await;
    assert!(
        wait_until(Duration::from_secs(10), || entry.exists()),
        "turning it on made no {}",
        entry.display()
    );
    assert_runs_us_at_login(&entry, app.binary());
    let saved = std::fs::read_to_string(settings_file(&app.desktop)).expect("settings file");
    assert!(saved.contains("\"startAtLogin\": true"), "{saved}");
    app.screenshot("settings-start-at-login").await;

    app.click(SWITCH).await;
    assert!(
        wait_until(Duration::from_secs(10), || !entry.exists()),
        "turning it off left {}",
        entry.display()
    );
    assert!(
        wait_until(Duration::from_secs(10), || {
            std::fs::read_to_string(settings_file(&app.desktop))
                .is_ok_and(|s| s.contains("\"startAtLogin\": false"))
        }),
        "the setting was not saved off"
    );
    app.close().await;
}

#[tokio::test]
async fn a_setting_that_is_on_remakes_the_entry_at_start_in_korean_too() {
    let on = |d: &mut Desktop| write_settings(d, r#"{ "startAtLogin": true, "language": "ko" }"#);
    let app = App::launch_with(DesktopOptions::default(), on).await;
    let entry = entry_file(&app.desktop);
    assert!(
        wait_until(Duration::from_secs(10), || entry.exists()),
        "the start did not make the entry the setting asks for"
    );
    assert_runs_us_at_login(&entry, app.binary());
    open_settings(&app).await;
    let switch = app.wait_for(SWITCH).await;
    assert_eq!(
        switch.prop("checked").await.expect("checked").as_deref(),
        Some("true")
    );
    let label = app.text("label[for=setting-start-at-login]").await;
    assert_eq!(label, "로그인할 때 시작");
    app.scroll_into_view(SWITCH, "center").await;
    app.screenshot("settings-start-at-login-ko").await;
    app.close().await;
}

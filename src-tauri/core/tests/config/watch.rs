//! The live config: the files watched, each change validated, then applied or refused with the
//! last good config kept; our own saves told from edits made elsewhere.

use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use switchboard_core::config::live::{
    Change, LiveConfig, LiveSettings, Update, WatchEvent, Watcher,
};
use switchboard_core::config::save::{write_atomic, Fingerprint};
use switchboard_core::settings::{self, AppSettings};

/// A hang guard only: a change arrives in milliseconds; the test fails, not hangs, without one.
const GIVE_UP: Duration = Duration::from_secs(20);

/// A valid config with two providers whose primary is `primary` (`a/one` or `b/two`).
fn config_text(primary: &str) -> String {
    format!(
        r#"{{
  agents: {{ defaults: {{ model: {{ primary: "{primary}" }} }} }},
  models: {{ providers: {{
    a: {{ baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", models: [{{ id: "one", name: "One" }}] }},
    b: {{ baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", models: [{{ id: "two", name: "Two" }}] }},
  }} }},
}}
"#
    )
}

fn primary(live: &LiveConfig) -> Option<String> {
    live.config()
        .model
        .as_ref()
        .and_then(|m| m.primary().map(str::to_owned))
}

/// Saves the way editors do: a new file renamed over the old one.
fn rename_save(path: &Path, text: &str) {
    let temp = path.with_extension("editor-tmp");
    std::fs::write(&temp, text).expect("writes the temp file");
    std::fs::rename(&temp, path).expect("renames over");
}

struct Watched {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    live: Arc<LiveConfig>,
    events: mpsc::Receiver<WatchEvent>,
    _watcher: Watcher,
    settings_path: std::path::PathBuf,
}

fn watched(text: &str) -> Watched {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("switchboard.json5");
    std::fs::write(&path, text).expect("writes");
    let settings_path = dir.path().join(settings::FILE_NAME);
    let live = Arc::new(LiveConfig::open(&path));
    let live_settings = Arc::new(LiveSettings::new(&settings_path, AppSettings::default()));
    let (tx, events) = mpsc::channel();
    let watcher = Watcher::start(live.clone(), Some(live_settings), move |event| {
        let _gone = tx.send(event);
    })
    .expect("watches");
    Watched {
        _dir: dir,
        path,
        live,
        events,
        _watcher: watcher,
        settings_path,
    }
}

impl Watched {
    /// The next config update (settings events are skipped).
    fn next_config(&self) -> Update {
        loop {
            match self.events.recv_timeout(GIVE_UP).expect("a change arrives") {
                WatchEvent::Config(update) => return update,
                WatchEvent::Settings(_) => continue,
            }
        }
    }

    /// The next config update that is applied, skipping a transient broken read (an in-place
    /// write can be seen half done).
    fn next_applied(&self) -> (Vec<Change>, bool) {
        loop {
            match self.next_config() {
                Update::Applied {
                    changes, outside, ..
                } => return (changes, outside),
                Update::Kept { .. } | Update::Unchanged => continue,
            }
        }
    }
}

#[test]
fn a_rename_save_elsewhere_is_applied_and_reported_as_outside() {
    let w = watched(&config_text("a/one"));
    assert_eq!(primary(&w.live).as_deref(), Some("a/one"));
    rename_save(&w.path, &config_text("b/two"));
    let (changes, outside) = w.next_applied();
    assert_eq!(
        changes,
        [Change::Primary {
            to: Some("b/two".into())
        }]
    );
    assert!(outside);
    assert_eq!(primary(&w.live).as_deref(), Some("b/two"));
    assert_eq!(changes[0].describe(), "primary is now b/two");
}

#[test]
fn an_in_place_write_is_applied() {
    let w = watched(&config_text("a/one"));
    std::fs::write(&w.path, config_text("b/two")).expect("writes in place");
    let (changes, outside) = w.next_applied();
    assert!(changes.contains(&Change::Primary {
        to: Some("b/two".into())
    }));
    assert!(outside);
    assert_eq!(primary(&w.live).as_deref(), Some("b/two"));
}

#[test]
fn a_change_to_an_included_file_is_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("parts");
    std::fs::create_dir(&sub).expect("mkdir");
    let include = sub.join("routes.json5");
    std::fs::write(&include, r#"{ model: { primary: "a/one" } }"#).expect("writes");
    let main = config_text("a/one").replace(
        r#"defaults: { model: { primary: "a/one" } }"#,
        r#"defaults: { "$include": "./parts/routes.json5" }"#,
    );
    let path = dir.path().join("switchboard.json5");
    std::fs::write(&path, main).expect("writes");
    let live = Arc::new(LiveConfig::open(&path));
    assert_eq!(
        primary(&live).as_deref(),
        Some("a/one"),
        "{:?}",
        live.files()
    );
    assert!(live.files().contains(&include));
    let (tx, rx) = mpsc::channel();
    let _watcher = Watcher::start(live.clone(), None, move |e| {
        let _gone = tx.send(e);
    })
    .expect("watches");
    rename_save(&include, r#"{ model: { primary: "b/two" } }"#);
    let update = loop {
        match rx.recv_timeout(GIVE_UP).expect("a change arrives") {
            WatchEvent::Config(u @ Update::Applied { .. }) => break u,
            _ => continue,
        }
    };
    assert!(matches!(update, Update::Applied { outside: true, .. }));
    assert_eq!(primary(&live).as_deref(), Some("b/two"));
}

#[test]
fn a_broken_file_keeps_the_last_good_config_until_it_is_fixed() {
    let w = watched(&config_text("a/one"));
    rename_save(&w.path, "{\n  agents: {\n    defaults: nope\n}\n");
    let Update::Kept {
        errors,
        routes_kept,
    } = w.next_config()
    else {
        panic!("a broken file is refused");
    };
    assert!(routes_kept);
    let file = w.path.display().to_string();
    assert!(
        errors.iter().any(|e| e.starts_with(&format!("{file}:3:"))),
        "file:line:col in {errors:?}"
    );
    assert!(w.live.broken());
    assert!(w.live.routes_kept());
    assert_eq!(primary(&w.live).as_deref(), Some("a/one"), "routes kept");
    assert_eq!(w.live.config().providers.len(), 2);

    rename_save(&w.path, &config_text("b/two"));
    let (changes, _) = w.next_applied();
    assert_eq!(
        changes,
        [Change::Primary {
            to: Some("b/two".into())
        }]
    );
    assert!(!w.live.broken());
    assert_eq!(primary(&w.live).as_deref(), Some("b/two"));
}

#[test]
fn fixing_a_file_back_to_the_config_in_force_is_reported_so_the_banner_goes() {
    let w = watched(&config_text("a/one"));
    rename_save(&w.path, "{ broken");
    assert!(matches!(w.next_config(), Update::Kept { .. }));
    rename_save(&w.path, &config_text("a/one"));
    let (changes, _) = w.next_applied();
    assert!(changes.is_empty());
    assert!(!w.live.broken());
}

#[test]
fn our_own_save_is_not_reported_as_outside() {
    let w = watched(&config_text("a/one"));
    let before = Fingerprint::of(std::fs::read(&w.path).expect("reads").as_slice());
    write_atomic(&w.path, &config_text("b/two"), Some(before)).expect("our save");
    let (changes, outside) = w.next_applied();
    assert_eq!(changes.len(), 1);
    assert!(!outside, "our own save");
    // The same change made by another writer is outside.
    rename_save(&w.path, &config_text("a/one"));
    let (_, outside) = w.next_applied();
    assert!(outside);
}

#[test]
fn a_reload_after_our_save_was_applied_is_no_change() {
    let w = watched(&config_text("a/one"));
    drop(w.events);
    let live = LiveConfig::open(&w.path);
    let before = Fingerprint::of(std::fs::read(&w.path).expect("reads").as_slice());
    write_atomic(&w.path, &config_text("b/two"), Some(before)).expect("our save");
    assert!(matches!(
        live.reload(),
        Update::Applied { outside: false, .. }
    ));
    assert_eq!(live.reload(), Update::Unchanged);
}

#[test]
fn settings_changed_elsewhere_are_applied_and_broken_ones_kept() {
    let w = watched(&config_text("a/one"));
    let dark = AppSettings {
        theme: settings::Theme::Dark,
        ..AppSettings::default()
    };
    rename_save(
        &w.settings_path,
        &serde_json::to_string(&dark).expect("serializes"),
    );
    let next = || loop {
        match w.events.recv_timeout(GIVE_UP).expect("a change arrives") {
            WatchEvent::Settings(update) => return update,
            WatchEvent::Config(_) => continue,
        }
    };
    match next() {
        switchboard_core::config::live::SettingsUpdate::Applied { now, outside, .. } => {
            assert_eq!(now.theme, settings::Theme::Dark);
            assert!(outside);
        }
        other => panic!("applied, not {other:?}"),
    }
    rename_save(&w.settings_path, "{ not json");
    assert!(matches!(
        next(),
        switchboard_core::config::live::SettingsUpdate::Kept { .. }
    ));
}

#[test]
fn reading_the_files_is_not_a_change() {
    // Reloads and the window's reads open the files in the watched directory: that must not
    // be taken for an edit (it once made a broken file be reported again and again).
    let w = watched(&config_text("a/one"));
    rename_save(&w.path, "{ broken");
    assert!(matches!(w.next_config(), Update::Kept { .. }));
    for _ in 0..5 {
        let _read = std::fs::read_to_string(&w.path).expect("reads");
        let _again = w.live.reload();
    }
    // Time for an echo to show up, were reads taken for edits.
    std::thread::sleep(switchboard_core::config::live::DEBOUNCE * 6);
    rename_save(&w.path, &config_text("b/two"));
    assert!(
        matches!(w.next_config(), Update::Applied { .. }),
        "the fix is the next event, no echo of the reads before it"
    );
}

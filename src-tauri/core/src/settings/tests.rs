//! The settings' tests: defaults, validation per field, load and save.
use super::*;

fn with_urls(urls: &[&str]) -> AppSettings {
    AppSettings {
        extra_server_urls: urls.iter().map(|u| (*u).to_owned()).collect(),
        ..AppSettings::default()
    }
}

#[test]
fn defaults_are_system_theme_tray_on_shown_and_thirty_seconds() {
    let d = AppSettings::default();
    assert_eq!(d.theme, Theme::System);
    assert!(d.close_to_tray);
    assert!(!d.start_hidden);
    assert!(!d.start_at_login, "starting at login is opt-in");
    assert_eq!(d.detect_interval_secs, 30);
    assert!(d.extra_server_urls.is_empty());
    let json = serde_json::to_value(&d).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({
            "theme": "system", "closeToTray": true, "startHidden": false, "startAtLogin": false,
            "detectIntervalSecs": 30, "extraServerUrls": [], "offline": false,
            "staysLocal": [], "fastestLocalFirst": false,
            "budgets": {"overall": {"dailyUsd": null, "monthlyUsd": null}, "providers": {}},
            "language": "system", "defaultSystemPrompt": ""
        })
    );
    // Keys the file leaves out take their defaults.
    let partial: AppSettings = serde_json::from_str(r#"{"theme":"dark"}"#).expect("parses");
    assert_eq!(
        partial,
        AppSettings {
            theme: Theme::Dark,
            ..AppSettings::default()
        }
    );
}

#[test]
fn the_language_is_system_english_or_korean_and_nothing_else() {
    for (json, language) in [
        (r#"{"language":"system"}"#, Language::System),
        (r#"{"language":"en"}"#, Language::En),
        (r#"{"language":"ko"}"#, Language::Ko),
        ("{}", Language::System),
    ] {
        let parsed: AppSettings = serde_json::from_str(json).expect(json);
        assert_eq!(parsed.language, language, "{json}");
        assert_eq!(parsed.clone().validate().expect("valid"), parsed);
    }
    // Anything else is refused (so `load` keeps the defaults and warns, like a bad theme).
    for bad in [r#"{"language":"fr"}"#, r#"{"language":"ko_KR"}"#] {
        let err = serde_json::from_str::<AppSettings>(bad).expect_err(bad);
        assert!(err.to_string().contains("unknown variant"), "{err}");
    }
    assert!(serde_json::from_str::<AppSettings>(r#"{"language":1}"#).is_err());
}

#[test]
fn the_interval_is_off_or_within_range_and_errors_name_the_field() {
    for ok in [0, 5, 30, 3600] {
        let s = AppSettings {
            detect_interval_secs: ok,
            ..AppSettings::default()
        };
        assert_eq!(s.clone().validate().expect("valid"), s);
    }
    for bad in [1, 4, 3601, u32::MAX] {
        let err = AppSettings {
            detect_interval_secs: bad,
            ..AppSettings::default()
        }
        .validate()
        .expect_err("refused");
        assert_eq!(err.field(), Some((Field::DetectIntervalSecs, None)));
        assert_eq!(err.kind(), SettingsErrorKind::Invalid);
        assert!(err.to_string().starts_with("Detection interval: "), "{err}");
    }
}

#[test]
fn urls_are_normalized_and_deduplicated_in_order() {
    let saved = with_urls(&[
        " http://192.168.1.20:8000/v1/ ",
        "https://Models.Example.COM:443",
        "http://192.168.1.20:8000/v1",
        "http://127.0.0.1:1234",
    ])
    .validate()
    .expect("valid");
    assert_eq!(
        saved.extra_server_urls,
        [
            "http://192.168.1.20:8000/v1",
            "https://models.example.com",
            "http://127.0.0.1:1234",
        ]
    );
}

#[test]
fn bad_urls_name_the_item_and_never_echo_a_password() {
    let cases = [
        ("", "enter a URL"),
        ("localhost:8000", "http:// or https://"),
        ("ftp://h/v1", "http:// or https://"),
        ("not a url", "is not a URL"),
        ("http://h/v1?x=1", "query"),
        ("http://user:hunter2@h/v1", "user name or password"),
    ];
    for (url, expected) in cases {
        let err = with_urls(&["http://ok:1", url]).validate().expect_err(url);
        assert_eq!(
            err.field(),
            Some((Field::ExtraServerUrls, Some(1))),
            "{url}"
        );
        let text = err.to_string();
        assert!(text.contains(expected), "{url}: {text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
    let many: Vec<String> = (0..=MAX_EXTRA_SERVER_URLS)
        .map(|i| format!("http://10.0.0.{i}:8000"))
        .collect();
    let err = AppSettings {
        extra_server_urls: many,
        ..AppSettings::default()
    }
    .validate()
    .expect_err("too many");
    assert_eq!(err.field().map(|f| f.0), Some(Field::ExtraServerUrls));
}

#[test]
fn policies_are_validated_and_become_the_router_policy() {
    let mut settings = AppSettings {
        offline: true,
        stays_local: vec![" gw ".into(), "gw".into()],
        ..AppSettings::default()
    };
    settings.budgets.providers.insert(
        "openai".into(),
        crate::policy::Budget {
            daily_usd: Some(2.5),
            monthly_usd: None,
        },
    );
    settings
        .budgets
        .providers
        .insert("empty".into(), crate::policy::Budget::default());
    let valid = settings.clone().validate().expect("valid");
    assert_eq!(valid.stays_local, ["gw"]);
    assert!(!valid.budgets.providers.contains_key("empty"));
    let policy = valid.policy();
    assert!(policy.offline && policy.stays_local.contains("gw"));
    assert_eq!(policy.budgets.providers["openai"].daily_usd, Some(2.5));
    settings.budgets.overall.monthly_usd = Some(-1.0);
    let err = settings.validate().expect_err("negative");
    assert_eq!(err.field(), Some((Field::Budgets, None)));
    assert!(err.to_string().contains("overall budget"), "{err}");
    let json: AppSettings =
        serde_json::from_str(r#"{"budgets":{"overall":{"dailyUsd":1}}}"#).expect("parses");
    assert_eq!(json.budgets.overall.daily_usd, Some(1.0));
}

#[test]
fn a_missing_file_gives_the_defaults_without_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let loaded = load(&dir.path().join(FILE_NAME));
    assert_eq!(loaded.settings, AppSettings::default());
    assert_eq!(loaded.warning, None);
}

#[test]
fn save_then_load_round_trips_and_writes_camel_case_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested").join(FILE_NAME);
    let wanted = AppSettings {
        theme: Theme::Dark,
        close_to_tray: false,
        start_hidden: true,
        detect_interval_secs: 0,
        extra_server_urls: vec!["http://10.0.0.2:8001/v1/".into()],
        language: Language::Ko,
        ..AppSettings::default()
    };
    let saved = save(&path, wanted).expect("saved");
    assert_eq!(saved.extra_server_urls, ["http://10.0.0.2:8001/v1"]);
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.contains(r#""theme": "dark""#), "{text}");
    assert!(text.contains(r#""detectIntervalSecs": 0"#), "{text}");
    assert!(text.contains(r#""language": "ko""#), "{text}");
    assert_eq!(
        load(&path),
        Loaded {
            settings: saved,
            warning: None
        }
    );
}

#[test]
fn a_broken_file_gives_defaults_and_a_warning_and_stays_until_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    for text in [
        "{ not json",
        r#"{"theme": "purple"}"#,
        r#"{"language": "fr"}"#,
        r#"{"language": "KO"}"#,
        r#"{"detectIntervalSecs": 1}"#,
        r#"["a list"]"#,
    ] {
        std::fs::write(&path, text).expect("write");
        let loaded = load(&path);
        assert_eq!(loaded.settings, AppSettings::default(), "{text}");
        let warning = loaded.warning.expect("a warning");
        assert!(warning.contains(&path.display().to_string()), "{warning}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    }
    // Saving replaces it, keeping the broken text as the backup.
    save(&path, AppSettings::default()).expect("saved");
    assert_eq!(load(&path).warning, None);
    let backup = crate::config::save::backup_path(&path);
    assert_eq!(
        std::fs::read_to_string(backup).expect("backup"),
        r#"["a list"]"#
    );
}

#[test]
fn an_invalid_or_failed_save_leaves_the_file_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(FILE_NAME);
    let good = save(
        &path,
        AppSettings {
            theme: Theme::Light,
            ..AppSettings::default()
        },
    )
    .expect("saved");
    let before = std::fs::read(&path).expect("read");
    let err = save(&path, with_urls(&["nope"])).expect_err("refused");
    assert_eq!(err.kind(), SettingsErrorKind::Invalid);
    assert_eq!(std::fs::read(&path).expect("read"), before);
    // A directory where the file should be: the write fails, nothing is truncated.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir_all(blocked.join(FILE_NAME)).expect("mkdir");
    let err = save(&blocked.join(FILE_NAME), good.clone()).expect_err("cannot write");
    assert_eq!(err.kind(), SettingsErrorKind::Io);
    assert_eq!(load(&path).settings, good);
}

#[test]
fn the_file_sits_beside_the_config() {
    assert_eq!(
        file_beside(Path::new("/home/u/.config/switchboard/config.json5")),
        PathBuf::from("/home/u/.config/switchboard/settings.json")
    );
    assert_eq!(
        file_beside(Path::new("config.json5")),
        PathBuf::from(FILE_NAME)
    );
}

#[test]
fn the_default_system_prompt_is_trimmed_and_has_a_limit() {
    let settings = AppSettings {
        default_system_prompt: "  Be brief.\n".into(),
        ..AppSettings::default()
    };
    let valid = settings.validate().expect("valid");
    assert_eq!(valid.default_system_prompt, "Be brief.");
    let long = AppSettings {
        default_system_prompt: "x".repeat(crate::history::MAX_SYSTEM_PROMPT_CHARS + 1),
        ..AppSettings::default()
    };
    let err = long.validate().expect_err("too long");
    assert_eq!(err.field(), Some((Field::DefaultSystemPrompt, None)));
}

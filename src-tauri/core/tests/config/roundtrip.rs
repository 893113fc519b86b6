use std::path::Path;

use switchboard_core::config::profile::{self, Edit};
use switchboard_core::config::{self, openclaw, save, ApiKey, ModelDef, Provider};

use super::{corpus_dir, test_env};

fn copy_seed(dir: &Path, name: &str, to: &str) -> std::path::PathBuf {
    let path = dir.join(to);
    std::fs::copy(corpus_dir().join(name), &path).expect("copy");
    path
}

fn reload(path: &Path) -> config::Loaded {
    config::load_with(path, &test_env).expect("reads")
}

#[test]
fn load_save_load_gives_the_same_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    for seed in [
        "01-seed-lmstudio-responses.json5",
        "02-seed-hybrid.json5",
        "03-seed-vllm-local.json5",
        "46-headers-secret-ref.json5",
    ] {
        let path = copy_seed(dir.path(), seed, seed);
        let loaded = reload(&path);
        save::save(&loaded, &loaded.config).expect("saves");
        let again = reload(&path);
        assert!(again.is_valid(), "{:#?}", again.diagnostics);
        assert_eq!(again.config, loaded.config, "{seed}");
        assert!(save::backup_path(&path).is_file());
    }
}

fn ollama() -> Provider {
    Provider {
        id: "ollama".into(),
        base_url: Some("http://127.0.0.1:11434/v1".into()),
        api_key: Some(ApiKey::Template("${OLLAMA_API_KEY}".into())),
        models: Some(vec![ModelDef {
            id: "qwen3:32b".into(),
            name: "Qwen3 32B".into(),
            context_window: Some(40960.0),
            ..ModelDef::default()
        }]),
        ..Provider::default()
    }
}

#[test]
fn profile_edits_are_validated_before_they_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = copy_seed(
        dir.path(),
        "01-seed-lmstudio-responses.json5",
        "config.json5",
    );
    let loaded = reload(&path);
    let cfg = loaded.config.clone();
    let (cfg, _) = profile::apply(&cfg, Edit::UpsertProvider(ollama())).expect("adds ollama");
    let (cfg, _) = profile::apply(
        &cfg,
        Edit::SetRoutes {
            primary: "lmstudio/minimax-m2.1-gs32".into(),
            fallbacks: vec!["ollama/qwen3:32b".into(), "Opus".into()],
        },
    )
    .expect("routes");
    let (cfg, _) = profile::apply(
        &cfg,
        Edit::SetAlias {
            model_ref: "ollama/qwen3:32b".into(),
            alias: "Qwen".into(),
        },
    )
    .expect("alias");

    let dup = profile::apply(
        &cfg,
        Edit::SetAlias {
            model_ref: "ollama/qwen3:32b".into(),
            alias: "minimax".into(),
        },
    );
    assert_eq!(dup.expect_err("duplicate alias").kind().as_str(), "invalid");
    let shadow = profile::apply(
        &cfg,
        Edit::SetAlias {
            model_ref: "ollama/qwen3:32b".into(),
            alias: "lmstudio/minimax-m2.1-gs32".into(),
        },
    );
    assert!(shadow.is_err(), "an alias may not hide another model's ref");
    let repeat = profile::apply(
        &cfg,
        Edit::SetRoutes {
            primary: "Qwen".into(),
            fallbacks: vec!["ollama/qwen3:32b".into()],
        },
    );
    assert!(
        repeat.is_err(),
        "a fallback repeating the primary is refused"
    );
    let mut bad = ollama();
    bad.models = Some(vec![ModelDef {
        id: "x".into(),
        name: "X".into(),
        context_window: Some(0.0),
        ..ModelDef::default()
    }]);
    let err = profile::apply(&cfg, Edit::UpsertProvider(bad)).expect_err("zero context window");
    assert!(
        err.to_string()
            .contains("contextWindow: expected a positive number, got 0"),
        "{err}"
    );
    let mut plain = ollama();
    plain.api_key = Some(ApiKey::Plain("sk-plaintext-should-not-be-written".into()));
    let err = profile::apply(&cfg, Edit::UpsertProvider(plain)).expect_err("plaintext key");
    assert!(!err.to_string().contains("sk-plaintext"), "{err}");
    assert_eq!(
        profile::apply(
            &cfg,
            Edit::RemoveModel {
                provider: "ollama".into(),
                model: "nope".into()
            }
        )
        .expect_err("missing")
        .kind()
        .as_str(),
        "not_found"
    );

    save::save(&loaded, &cfg).expect("saves");
    let again = reload(&path);
    assert!(again.is_valid(), "{:#?}", again.diagnostics);
    assert_eq!(again.config, cfg);
    let (removed, _) =
        profile::apply(&again.config, Edit::RemoveProvider("ollama".into())).expect("removes");
    assert!(removed
        .models
        .iter()
        .all(|e| !e.model_ref.starts_with("ollama/")));
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = copy_seed(dir.path(), "03-seed-vllm-local.json5", "config.json5");
    let loaded = reload(&path);
    std::fs::write(&path, "{ models: {} }\n").expect("someone else writes");
    let err = save::save(&loaded, &loaded.config).expect_err("changed");
    assert_eq!(err.kind().as_str(), "changed_on_disk");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "{ models: {} }\n"
    );
}

#[test]
fn a_missing_file_is_a_first_run_and_saving_creates_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sub/config.json5");
    let loaded = reload(&path);
    assert!(!loaded.exists && loaded.is_valid());
    let (cfg, _) = profile::apply(&loaded.config, Edit::UpsertProvider(ollama())).expect("adds");
    save::save(&loaded, &cfg).expect("creates");
    assert_eq!(reload(&path).config, cfg);
}

#[test]
fn export_keeps_other_keys_backs_up_and_validates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("openclaw.json");
    let original = r#"{
  "logging": { "level": "info" },
  "models": { "providers": { "openai": { "apiKey": "${OPENAI_API_KEY}" }, "lmstudio": { "apiKey": "kept-key" } } },
  "agents": { "defaults": { "workspace": "~/work" } }
}
"#;
    std::fs::write(&target, original).expect("write");
    let ours = super::load("02-seed-hybrid.json5")
        .into_config()
        .expect("valid");
    let summary = openclaw::export_file(&ours, &target, &test_env).expect("exports");
    assert!(
        summary.skipped.iter().any(|s| s.contains("plaintext")),
        "{summary:?}"
    );
    assert_eq!(
        std::fs::read_to_string(save::backup_path(&target)).expect("bak"),
        original
    );
    let out = std::fs::read_to_string(&target).expect("read");
    assert!(
        out.contains("\"level\": \"info\"") && out.contains("\"workspace\": \"~/work\""),
        "{out}"
    );
    assert!(
        out.contains("\"apiKey\": \"kept-key\""),
        "the target's own key stays: {out}"
    );
    assert!(
        !out.contains("\"apiKey\": \"lmstudio\""),
        "our plaintext key is not copied: {out}"
    );
    let exported = reload(&target);
    assert!(exported.is_valid(), "{:#?}", exported.diagnostics);
    assert!(exported.config.provider("openai").is_some());
    assert_eq!(exported.config.model, ours.model);
    match super::parity::openclaw_home() {
        Some(home) => {
            let (valid, out) =
                super::parity::openclaw_verdict(&home, &target).expect("OpenClaw runs");
            assert!(valid, "OpenClaw rejects our export: {out}");
        }
        None => switchboard_fakes::peer::missing(
            "OpenClaw's verdict on an export",
            "SWITCHBOARD_OPENCLAW_HOME is not set (`source .ci/lib.sh && install_openclaw`)",
        ),
    }
}

#[test]
fn import_takes_providers_aliases_and_routes_but_not_plaintext_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ours_path = dir.path().join("config.json5");
    let loaded = reload(&ours_path);
    let summary = openclaw::import_file(
        &loaded,
        &corpus_dir().join("02-seed-hybrid.json5"),
        &test_env,
    )
    .expect("imports");
    assert!(
        summary
            .imported
            .iter()
            .any(|s| s.starts_with("provider lmstudio")),
        "{summary:?}"
    );
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.contains("plaintext apiKey")),
        "{summary:?}"
    );
    let cfg = reload(&ours_path).into_config().expect("valid");
    assert_eq!(
        cfg.provider("lmstudio").and_then(|p| p.api_key.clone()),
        None
    );
    assert_eq!(cfg.models.len(), 3);
    assert_eq!(
        cfg.model.as_ref().and_then(|m| m.primary()),
        Some("anthropic/claude-sonnet-4-5")
    );
}

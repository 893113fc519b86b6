//! `switchboard models [--json]` over the corpus: the seed's examples, a config with errors and
//! a first run.

use switchboard_core::cli::models_cmd::{self, ModelsArgs};
use switchboard_core::cli::{Cli, Command, Exit};
use switchboard_core::paths::Paths;

use super::corpus_dir;

fn run(json: bool, file: std::path::PathBuf) -> (Exit, String, String) {
    let dir = std::env::temp_dir();
    let paths = Paths {
        config_file: file,
        data_dir: dir.join("sb-data"),
        log_dir: dir.join("sb-logs"),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = models_cmd::run(&ModelsArgs { json, edit: None }, &paths, &mut out, &mut err);
    (
        exit,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

#[test]
fn the_hybrid_seed_lists_its_local_model_and_routes() {
    let (exit, out, err) = run(false, corpus_dir().join("02-seed-hybrid.json5"));
    assert_eq!(exit, Exit::Success, "{err}");
    assert!(out.contains("lmstudio/minimax-m2.1-gs32"), "{out}");
    assert!(
        out.contains("primary:    anthropic/claude-sonnet-4-5 (not configured here)"),
        "{out}"
    );
    assert!(
        out.contains("fallback 1: lmstudio/minimax-m2.1-gs32\n"),
        "{out}"
    );
    assert!(
        out.contains("fallback 2: anthropic/claude-opus-4-5"),
        "{out}"
    );
}

#[test]
fn json_of_the_vllm_seed_has_every_field() {
    let (exit, out, err) = run(true, corpus_dir().join("03-seed-vllm-local.json5"));
    assert_eq!(exit, Exit::Success, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let model = &doc["models"][0];
    assert!(
        model["ref"].as_str().expect("ref").starts_with("local/"),
        "{doc}"
    );
    assert_eq!(model["contextWindow"], 120_000);
    for key in [
        "ref",
        "name",
        "api",
        "contextWindow",
        "maxTokens",
        "reasoning",
        "input",
        "cost",
    ] {
        assert!(model.get(key).is_some(), "{key} missing: {model}");
    }
    for key in ["aliases", "primary", "fallbacks", "path", "exists"] {
        assert!(doc.get(key).is_some(), "{key} missing: {doc}");
    }
}

#[test]
fn a_config_with_errors_exits_1_with_positions() {
    let (exit, out, err) = run(false, corpus_dir().join("50-many-errors.json5"));
    assert_eq!(exit, Exit::Failure);
    assert_eq!(exit.code(), 1);
    assert!(out.is_empty(), "{out}");
    let errors: Vec<&str> = err.lines().filter(|l| !l.contains(": warning: ")).collect();
    assert_eq!(errors.len(), 6, "{err}");
    for line in errors {
        let mut parts = line.splitn(4, ':');
        let _file = parts.next();
        assert!(
            parts.next().is_some_and(|l| l.parse::<u32>().is_ok())
                && parts.next().is_some_and(|c| c.parse::<u32>().is_ok()),
            "{line}"
        );
    }
}

#[test]
fn a_first_run_says_how_to_add_models() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (exit, out, _) = run(false, dir.path().join("none.json5"));
    assert_eq!(exit, Exit::Success);
    assert!(out.contains("No models yet"), "{out}");
}

#[test]
fn models_parses_with_and_without_json() {
    use clap::Parser;
    let cli = Cli::try_parse_from(["switchboard", "models", "--json"]).expect("parses");
    assert!(matches!(
        cli.command,
        Some(Command::Models(ModelsArgs {
            json: true,
            edit: None
        }))
    ));
    let cli = Cli::try_parse_from(["switchboard", "models"]).expect("parses");
    assert!(matches!(
        cli.command,
        Some(Command::Models(ModelsArgs {
            json: false,
            edit: None
        }))
    ));
    let err = Cli::try_parse_from(["switchboard", "models", "x"]).expect_err("usage");
    assert_eq!(err.exit_code(), 2);
}

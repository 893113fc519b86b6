use switchboard_core::cli::config_cmd::{self, ConfigAction};
use switchboard_core::cli::{Cli, Command, ConfigCommand, Exit};
use switchboard_core::paths::Paths;

use super::corpus_dir;

fn paths(file: std::path::PathBuf) -> Paths {
    let dir = std::env::temp_dir();
    Paths {
        config_file: file,
        data_dir: dir.join("sb-data"),
        log_dir: dir.join("sb-logs"),
    }
}

fn run(action: ConfigAction, file: std::path::PathBuf) -> (Exit, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = config_cmd::run(&action, &paths(file), &mut out, &mut err);
    (
        exit,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

#[test]
fn validate_prints_one_line_per_error_and_fails() {
    let (exit, _, err) = run(
        ConfigAction::Validate,
        corpus_dir().join("50-many-errors.json5"),
    );
    assert_eq!(exit, Exit::Failure);
    assert_eq!(exit.code(), 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 6, "{err}");
    for line in lines {
        let mut parts = line.splitn(4, ':');
        let (_file, l, c) = (
            parts.next(),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        assert!(
            l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok(),
            "{line}"
        );
    }
}

#[test]
fn validate_accepts_the_seed_and_a_missing_file() {
    let (exit, out, err) = run(
        ConfigAction::Validate,
        corpus_dir().join("01-seed-lmstudio-responses.json5"),
    );
    assert_eq!(exit, Exit::Success, "{err}");
    assert!(out.contains("valid (1 providers, 1 models"), "{out}");
    let dir = tempfile::tempdir().expect("tempdir");
    let (exit, out, _) = run(ConfigAction::Validate, dir.path().join("none.json5"));
    assert_eq!(exit, Exit::Success);
    assert!(out.contains("first run"), "{out}");
}

#[test]
fn subcommands_parse_and_usage_errors_exit_2() {
    use clap::Parser;
    let cli = Cli::try_parse_from([
        "switchboard",
        "config",
        "import-openclaw",
        "/x/openclaw.json",
    ])
    .expect("parses");
    assert!(matches!(
        cli.command,
        Some(Command::Config(ConfigCommand::Action(
            ConfigAction::ImportOpenclaw { file: Some(_), .. }
        )))
    ));
    let cli = Cli::try_parse_from(["switchboard", "config", "export-openclaw"]).expect("parses");
    assert!(matches!(
        cli.command,
        Some(Command::Config(ConfigCommand::Action(
            ConfigAction::ExportOpenclaw { file: None }
        )))
    ));
    let err =
        Cli::try_parse_from(["switchboard", "config", "validate", "extra"]).expect_err("usage");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn export_then_validate_round_trips_through_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("openclaw.json");
    let (exit, out, err) = run(
        ConfigAction::ExportOpenclaw {
            file: Some(target.clone()),
        },
        corpus_dir().join("03-seed-vllm-local.json5"),
    );
    assert_eq!(exit, Exit::Success, "{err}");
    assert!(out.contains("+ provider local"), "{out}");
    let (exit, _, err) = run(ConfigAction::Validate, target);
    assert_eq!(exit, Exit::Success, "{err}");
}

//! The CLI runs headless: no `DISPLAY`, no GTK, and the documented exit codes.

use std::process::Command;

use switchboard_tests::app_binary;

/// A command with a clean environment: no display, no session bus, a throw-away home.
fn headless(home: &std::path::Path) -> Command {
    let mut command = Command::new(app_binary());
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"));
    command
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"));
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let out = command.output().expect("run switchboard");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn version_runs_without_a_display() {
    let home = tempfile::tempdir().expect("tempdir");
    let (code, stdout, stderr) = run(headless(home.path()).arg("--version"));
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(
        stdout.trim(),
        format!("switchboard {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(!stderr.contains("Gtk"), "GTK was touched: {stderr}");
}

#[test]
fn help_lists_the_subcommands() {
    let home = tempfile::tempdir().expect("tempdir");
    let (code, stdout, _) = run(headless(home.path()).arg("--help"));
    assert_eq!(code, 0);
    assert!(stdout.contains("config"), "{stdout}");
    assert!(
        stdout.contains("Run without a subcommand to open the desktop app."),
        "{stdout}"
    );
}

#[test]
fn config_path_runs_without_a_display_and_follows_xdg() {
    let home = tempfile::tempdir().expect("tempdir");
    let (code, stdout, stderr) = run(headless(home.path()).args(["config", "path"]));
    assert_eq!(code, 0, "stderr: {stderr}");
    let expected = home
        .path()
        .join("config")
        .join("switchboard")
        .join("config.json5");
    assert_eq!(stdout.trim(), expected.display().to_string());
    assert!(stderr.is_empty(), "unexpected stderr: {stderr}");
}

#[test]
fn config_flag_and_env_choose_the_file() {
    let home = tempfile::tempdir().expect("tempdir");
    let (_, from_env, _) = run(headless(home.path())
        .env("SWITCHBOARD_CONFIG", "/tmp/env.json5")
        .args(["config", "path"]));
    assert_eq!(from_env.trim(), "/tmp/env.json5");
    let (_, from_flag, _) = run(headless(home.path())
        .env("SWITCHBOARD_CONFIG", "/tmp/env.json5")
        .args(["--config", "/tmp/flag.json5", "config", "path"]));
    assert_eq!(from_flag.trim(), "/tmp/flag.json5");
}

#[test]
fn user_errors_exit_1_and_usage_errors_exit_2() {
    let home = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run(headless(home.path()).args(["config", "show"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("no config file yet"), "{stderr}");
    let (code, _, stderr) = run(headless(home.path()).arg("no-such-command"));
    assert_eq!(code, 2, "{stderr}");
}

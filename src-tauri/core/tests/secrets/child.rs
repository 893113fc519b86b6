//! Runs the real CLI entry point ([`switchboard_core::cli::run`]) in a child process: this test
//! binary re-executed with `SB_SECRETS_CHILD` set, so each run gets its own environment (a
//! different bus, none at all) exactly like the `switchboard` binary would.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use clap::Parser;

const CHILD_ENV: &str = "SB_SECRETS_CHILD";
const SEP: char = '\u{1f}';

/// Not a test by itself: the entry point of child runs.
#[test]
fn child_cli() {
    let Ok(args) = std::env::var(CHILD_ENV) else {
        return;
    };
    let argv = std::iter::once("switchboard").chain(args.split(SEP));
    let cli = switchboard_core::cli::Cli::try_parse_from(argv).expect("child args parse");
    let exit = switchboard_core::cli::run(cli.command.expect("a subcommand"), cli.config);
    std::process::exit(i32::from(exit.code()));
}

/// What a child run printed.
#[derive(Debug)]
pub(crate) struct Output {
    /// Exit code.
    pub(crate) code: i32,
    /// Everything on stdout (including the test harness's own lines).
    pub(crate) stdout: String,
    /// Everything on stderr.
    pub(crate) stderr: String,
}

/// The command that runs `switchboard ARGS` in a child, in `home`, on the bus `address`.
pub(crate) fn command(args: &[&str], home: &Path, address: &str) -> Command {
    let exe = std::env::current_exe().expect("current exe");
    let mut c = super::session::command(exe, home, address);
    c.args([
        "child::child_cli",
        "--exact",
        "--nocapture",
        "--test-threads=1",
        "-q",
    ])
    .env(CHILD_ENV, args.join(&SEP.to_string()))
    .env("SWITCHBOARD_LOG", "debug")
    .env(
        "SWITCHBOARD_CONFIG",
        home.join("config/switchboard/config.json5"),
    );
    c
}

/// Runs `switchboard ARGS` with `stdin` in a child.
pub(crate) fn run(args: &[&str], stdin: &str, home: &Path, address: &str) -> Output {
    let mut child = command(args, home, address)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("child output");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

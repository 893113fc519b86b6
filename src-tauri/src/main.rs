// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(
    all(not(debug_assertions), target_os = "windows"),
    windows_subsystem = "windows"
)]

use std::process::ExitCode;

use clap::Parser;
use switchboard_core::cli::{self, Cli};

fn main() -> ExitCode {
    // Parsing comes first and touches no display: --help, --version and usage errors (exit 2)
    // are handled by clap, and every subcommand runs headless.
    let args = Cli::parse();
    match args.command {
        Some(command) => ExitCode::from(cli::run(command, args.config).code()),
        None => switchboard_app::run(args.config, args.login_launch),
    }
}

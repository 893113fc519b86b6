//! The `switchboard` command line: clap definitions and the handlers of each subcommand.
//!
//! The binary only parses and dispatches: with a subcommand it calls [`run`] and never touches a
//! display; without one it opens the desktop app. Handlers write to the writers they are given
//! so tests can read what a user would see.

pub mod chat_cmd;
pub mod config_cmd;
pub mod detect_cmd;
pub mod history_cmd;
pub mod keys_cmd;
pub mod models_cmd;
pub mod serve_args;
pub mod serve_cmd;
pub mod serve_team;
mod serve_watch;
pub mod spend_cmd;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use history_cmd::HistoryCommand;

use crate::logging::{self, LogTarget};
use crate::paths::{Paths, CONFIG_ENV};
use crate::{Error, Result};

/// The flag (without its `--`) the autostart entry starts the app with, so a launch at login is
/// told apart from one the person asked for.
pub const LOGIN_LAUNCH: &str = "autostart";

/// Switchboard: one place to run chats across local and hosted language models.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version, long_about = None)]
#[command(after_help = "Run without a subcommand to open the desktop app.")]
pub struct Cli {
    /// Config file to use (default: $SWITCHBOARD_CONFIG, else <config dir>/switchboard/config.json5).
    #[arg(long, global = true, value_name = "FILE", env = CONFIG_ENV)]
    pub config: Option<PathBuf>,

    /// Set by the desktop's autostart entry: this launch is the session's start at login.
    #[arg(long = LOGIN_LAUNCH, hide = true)]
    pub login_launch: bool,

    /// What to do; without one, the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show, validate, import and export the config.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Ask one model one question (answer on stdout, reasoning and notes on stderr).
    Chat(chat_cmd::ChatArgs),
    /// List, search and export the chat history.
    #[command(subcommand)]
    History(HistoryCommand),
    /// Scan for local LLM servers (LM Studio, Ollama, vLLM, llama.cpp, LiteLLM, Jan).
    Detect(detect_cmd::DetectArgs),
    /// Store, list, delete and test API keys in the OS keychain.
    #[command(subcommand)]
    Keys(keys_cmd::KeysCommand),
    /// List the configured models, aliases and the primary/fallback order.
    Models(models_cmd::ModelsArgs),
    /// Serve an OpenAI-compatible API on 127.0.0.1 over the routes (bearer token required).
    Serve(serve_cmd::ServeArgs),
    /// Show spend today and this month by provider, against the budgets.
    Spend(spend_cmd::SpendArgs),
}

/// `switchboard config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the active config file (it may not exist yet).
    Path,
    /// Print the active config file.
    Show,
    /// `validate`, `import-openclaw`, `export-openclaw` (see [`config_cmd`]).
    #[command(flatten)]
    Action(config_cmd::ConfigAction),
}

/// Exit status of a CLI run, as DESIGN.md's CLI contract defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything went well (exit 0).
    Success,
    /// A user-facing error was printed (exit 1).
    Failure,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
        }
    }
}

/// Runs a headless subcommand: sets up logging, runs the handler, prints errors one per line.
pub fn run(command: Command, config_flag: Option<PathBuf>) -> Exit {
    // Unlocked handles: each write takes the lock for itself. Holding the locks for the whole
    // run would block every log line a worker thread writes while `serve` runs.
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let paths = match Paths::from_env(config_flag.as_deref()) {
        Ok(paths) => paths,
        Err(err) => return report(&mut stderr, &err),
    };
    let _log = logging::init(&paths.log_dir, LogTarget::Cli);
    if let Command::Config(ConfigCommand::Action(action)) = &command {
        return config_cmd::run(action, &paths, &mut stdout, &mut stderr);
    }
    if let Command::Chat(args) = &command {
        return chat_cmd::run(args, &paths, &mut stdout, &mut stderr);
    }
    if let Command::Models(args) = &command {
        return models_cmd::run(args, &paths, &mut stdout, &mut stderr);
    }
    if let Command::Serve(args) = &command {
        return serve_cmd::run(args, &paths, &mut stdout, &mut stderr);
    }
    match dispatch(command, &paths, &mut stdout) {
        Ok(()) => Exit::Success,
        Err(err) => report(&mut stderr, &err),
    }
}

/// The router policy of the settings beside the config in `paths` (the defaults when the
/// settings file is missing or unusable; its warning is logged): the CLI and `serve` hold the
/// same policies as the app.
pub(crate) fn policy(paths: &Paths) -> crate::policy::Policy {
    crate::settings::load(&paths.settings_file())
        .settings
        .policy()
}

fn report(stderr: &mut dyn Write, err: &Error) -> Exit {
    let text = logging::redact::redact(&err.to_string()).into_owned();
    tracing::debug!(kind = err.kind().as_str(), "command failed: {text}");
    // If stderr is gone there is nobody left to tell.
    let _ignored = writeln!(stderr, "switchboard: {text}");
    Exit::Failure
}

/// Runs one subcommand against resolved `paths`, writing its output to `out`.
pub fn dispatch(command: Command, paths: &Paths, out: &mut dyn Write) -> Result<()> {
    let stdout_err = |e| Error::io("<stdout>", e);
    match command {
        Command::Config(ConfigCommand::Path) => {
            writeln!(out, "{}", paths.config_file.display()).map_err(stdout_err)
        }
        Command::Config(ConfigCommand::Show) => {
            let text = std::fs::read_to_string(&paths.config_file).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::InvalidInput(format!(
                        "{}: no config file yet (the setup wizard creates it)",
                        paths.config_file.display()
                    ))
                } else {
                    Error::io(&paths.config_file, e)
                }
            })?;
            out.write_all(mask_plain_keys(&text, &paths.config_file).as_bytes())
                .map_err(stdout_err)
        }
        Command::Config(ConfigCommand::Action(action)) => config_cmd::dispatch(&action, paths, out),
        Command::History(cmd) => history_cmd::run(cmd, paths, out),
        Command::Chat(args) => chat_cmd::dispatch(&args, paths, out),
        Command::Detect(args) => detect_cmd::run(&args, out),
        Command::Keys(cmd) => keys_cmd::run(cmd, paths, out),
        Command::Models(args) => models_cmd::dispatch(&args, paths, out),
        Command::Spend(args) => spend_cmd::run(&args, paths, out),
        Command::Serve(args) => match serve_cmd::run(&args, paths, out, &mut std::io::sink()) {
            Exit::Success => Ok(()),
            Exit::Failure => Err(Error::InvalidInput("the gateway failed to start".into())),
        },
    }
}

/// `text` (the config file) with each provider's plaintext `apiKey` masked as `sk-…3456`.
fn mask_plain_keys(text: &str, path: &std::path::Path) -> String {
    let read = |p: &std::path::Path| std::fs::read_to_string(p);
    let loaded = crate::config::load_str(text, path, &|_| None, &read);
    let mut masked = text.to_owned();
    for provider in &loaded.config.providers {
        if let Some(crate::config::model::ApiKey::Plain(key)) = &provider.api_key {
            if !key.is_empty() && !crate::catalog::is_placeholder(key) {
                masked = masked.replace(&format!("\"{key}\""), &format!("\"{}\"", mask(key)));
                masked = masked.replace(&format!("'{key}'"), &format!("'{}'", mask(key)));
            }
        }
    }
    masked
}

/// `sk-…3456`: the first three and last four characters of a long key, dots for a short one.
fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 12 {
        return "…".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn paths_in(dir: &std::path::Path) -> Paths {
        Paths {
            config_file: dir.join("config.json5"),
            data_dir: dir.join("data"),
            log_dir: dir.join("logs"),
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_means_open_the_app() {
        let cli = Cli::try_parse_from(["switchboard"]).expect("parses");
        assert!(cli.command.is_none());
    }

    #[test]
    fn unknown_subcommand_is_a_usage_error() {
        let err = Cli::try_parse_from(["switchboard", "frobnicate"]).expect_err("rejected");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn config_path_prints_the_resolved_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut out = Vec::new();
        dispatch(
            Command::Config(ConfigCommand::Path),
            &paths_in(dir.path()),
            &mut out,
        )
        .expect("runs");
        let expected = format!("{}\n", dir.path().join("config.json5").display());
        assert_eq!(String::from_utf8(out).expect("utf-8"), expected);
    }

    #[test]
    fn config_show_prints_the_file_or_says_there_is_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = paths_in(dir.path());
        let err = dispatch(
            Command::Config(ConfigCommand::Show),
            &paths,
            &mut Vec::new(),
        )
        .expect_err("no file yet");
        assert!(err
            .to_string()
            .ends_with("no config file yet (the setup wizard creates it)"));

        std::fs::write(&paths.config_file, "{ models: {} }\n").expect("write");
        let mut out = Vec::new();
        dispatch(Command::Config(ConfigCommand::Show), &paths, &mut out).expect("runs");
        assert_eq!(out, b"{ models: {} }\n");
    }

    #[test]
    fn config_show_masks_plaintext_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = paths_in(dir.path());
        let text = r#"{ models: { providers: {
            hosted: { baseUrl: "https://example.com/v1", apiKey: "sk-abcdefghijklmnop3456",
                      models: [{ id: "m", name: "M" }] },
            env: { baseUrl: "https://example.org/v1", apiKey: "${HOSTED_KEY}",
                   models: [{ id: "m", name: "M" }] },
            local: { baseUrl: "http://127.0.0.1:1234/v1", apiKey: "lmstudio",
                     models: [{ id: "m", name: "M" }] } } } }
"#;
        std::fs::write(&paths.config_file, text).expect("write");
        let mut out = Vec::new();
        dispatch(Command::Config(ConfigCommand::Show), &paths, &mut out).expect("runs");
        let shown = String::from_utf8(out).expect("utf-8");
        assert!(!shown.contains("sk-abcdefghijklmnop3456"), "{shown}");
        assert!(shown.contains("\"sk-…3456\""), "{shown}");
        assert!(shown.contains("${HOSTED_KEY}") && shown.contains("\"lmstudio\""));
    }
}

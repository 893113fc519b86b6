//! `switchboard config validate | import-openclaw [FILE] | export-openclaw [FILE]`.
//!
//! Problems go to stderr one per line as `file:line:col: path: message`; the exit status is 0
//! when the config is valid (warnings allowed) and 1 otherwise.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::Exit;
use crate::config::{self, openclaw, ConfigError};
use crate::paths::Paths;

/// The config subcommands handled here.
#[derive(Debug, Clone, Subcommand)]
pub enum ConfigAction {
    /// Check the active config; print one line per problem and exit 1 on errors.
    Validate,
    /// Import providers, models, aliases and routes from an OpenClaw config
    /// (default: $OPENCLAW_CONFIG_PATH, else ~/.openclaw/openclaw.json).
    ImportOpenclaw {
        /// The OpenClaw config file to read.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Also move the OpenClaw file's plaintext API keys into the OS keychain and rewrite it
        /// (backup first) to read them through `switchboard keys get`.
        #[arg(long)]
        move_keys: bool,
    },
    /// Write providers, models, aliases and routes into an OpenClaw config, keeping its other
    /// keys (default: $OPENCLAW_CONFIG_PATH, else ~/.openclaw/openclaw.json).
    ExportOpenclaw {
        /// The OpenClaw config file to write.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn openclaw_file(file: Option<&Path>) -> Result<PathBuf, ConfigError> {
    match file {
        Some(f) => Ok(f.to_path_buf()),
        None => openclaw::default_path(&env).ok_or_else(|| ConfigError::NotFound {
            what: "OpenClaw config (set OPENCLAW_CONFIG_PATH or HOME, or pass FILE)".into(),
        }),
    }
}

/// Runs `action`, printing results to `out` and problems to `err`.
pub fn run(action: &ConfigAction, paths: &Paths, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    match execute(action, paths, out, err) {
        Ok(exit) => exit,
        Err(e) => {
            // If stderr is gone there is nobody left to tell.
            let _ignored = print_error(&e, err);
            Exit::Failure
        }
    }
}

fn print_error(e: &ConfigError, err: &mut dyn Write) -> std::io::Result<()> {
    if e.diagnostics().is_empty() {
        let text = crate::logging::redact::redact(&e.to_string()).into_owned();
        writeln!(err, "switchboard: {text}")
    } else {
        for d in e.diagnostics() {
            writeln!(err, "{d}")?;
        }
        Ok(())
    }
}

fn execute(
    action: &ConfigAction,
    paths: &Paths,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, ConfigError> {
    let stdout = |e| ConfigError::io("<stdout>", e);
    let file = &paths.config_file;
    match action {
        ConfigAction::Validate => {
            let loaded = config::load(file)?;
            for d in &loaded.diagnostics {
                writeln!(err, "{d}").map_err(|e| ConfigError::io("<stderr>", e))?;
            }
            if !loaded.exists {
                writeln!(
                    out,
                    "{}: no config file yet (first run); nothing to validate",
                    file.display()
                )
                .map_err(stdout)?;
                return Ok(Exit::Success);
            }
            let errors = loaded.errors().count();
            if errors > 0 {
                tracing::info!(errors, "config validation failed");
                return Ok(Exit::Failure);
            }
            let providers = loaded.config.providers.len();
            let models = loaded.config.model_refs().len();
            let warnings = loaded.warnings().count();
            writeln!(
                out,
                "{}: valid ({providers} providers, {models} models, {warnings} warnings)",
                file.display()
            )
            .map_err(stdout)?;
            Ok(Exit::Success)
        }
        ConfigAction::ImportOpenclaw {
            file: from,
            move_keys,
        } => {
            let from = openclaw_file(from.as_deref())?;
            let loaded = config::load(file)?;
            let summary = openclaw::import_file(&loaded, &from, &env)?;
            print_summary(out, &summary, "imported", &from).map_err(stdout)?;
            if *move_keys {
                if let Err(e) = super::keys_cmd::move_openclaw_keys(&from, out) {
                    let text = crate::logging::redact::redact(&e.to_string()).into_owned();
                    writeln!(err, "switchboard: {text}")
                        .map_err(|e| ConfigError::io("<stderr>", e))?;
                    return Ok(Exit::Failure);
                }
            }
            Ok(Exit::Success)
        }
        ConfigAction::ExportOpenclaw { file: to } => {
            let to = openclaw_file(to.as_deref())?;
            let ours = config::load(file)?.into_config()?;
            let summary = openclaw::export_file(&ours, &to, &env)?;
            print_summary(out, &summary, "exported", &to).map_err(stdout)?;
            Ok(Exit::Success)
        }
    }
}

fn print_summary(
    out: &mut dyn Write,
    s: &openclaw::Summary,
    verb: &str,
    file: &Path,
) -> std::io::Result<()> {
    writeln!(out, "{verb} ({}):", file.display())?;
    for line in &s.imported {
        writeln!(out, "  + {line}")?;
    }
    for line in &s.skipped {
        writeln!(out, "  - skipped {line}")?;
    }
    Ok(())
}

/// For [`super::dispatch`]: runs `action` and folds any failure into one [`crate::Error`].
pub fn dispatch(action: &ConfigAction, paths: &Paths, out: &mut dyn Write) -> crate::Result<()> {
    let mut err = Vec::new();
    match run(action, paths, out, &mut err) {
        Exit::Success => Ok(()),
        Exit::Failure => Err(crate::Error::InvalidInput(
            String::from_utf8_lossy(&err).trim_end().to_owned(),
        )),
    }
}

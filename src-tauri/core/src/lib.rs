//! Switchboard's core library: everything that matters, with no Tauri, GTK or display dependency.
//!
//! The desktop shell (`src-tauri`) and the headless `switchboard` CLI are thin adapters over this
//! crate. Modules own one concern each:
//!
//! - [`paths`]: where the config, data and log files live (XDG, overridable by flags and env).
//! - [`private_files`]: folders 0700 and files 0600 for what only this user may read.
//! - [`logging`]: the `tracing` setup, log rotation and the redaction point that keeps secrets
//!   out of every log line.
//! - [`history`]: the chat history, a crash-safe SQLite store with full-text search and export.
//! - [`config`]: the OpenClaw-compatible JSON5 config: parse, validate (`file:line:col`),
//!   `${VAR}`, `$include`, profile edits, atomic saves, OpenClaw import/export.
//! - [`catalog`]: the one table of known providers (base URL, wire API, auth style, key
//!   variable, local placeholder, port, local or hosted).
//! - [`secrets`]: API keys in the OS keychain, `${VAR}` and OpenClaw secret refs, the resolution
//!   order and OpenClaw's exec secret-provider protocol (`switchboard keys get`).
//! - [`discovery`]: finds local LLM servers (LM Studio first, then Ollama, vLLM, llama.cpp,
//!   LiteLLM, Jan) and turns what it finds into provider profiles.
//! - [`providers`]: wire clients (OpenAI chat completions and Responses, Anthropic Messages):
//!   SSE, reasoning kept apart, usage and cost, typed errors, key tests.
//! - [`router`]: aliases, the candidate list, failover by error class, cooldowns, route events
//!   and the health summary.
//! - [`policy`]: the router's policies: private conversations and the offline switch (where a
//!   base URL sends the text, the privacy trail), budgets and spend, fastest-local-first.
//! - [`chat`]: the one chat engine: a turn end to end (save, route, stream, record, price,
//!   time, retry points); the desktop, the CLI and the gateway only adapt it.
//! - [`gateway`]: `switchboard serve`, a local OpenAI-compatible server over the router.
//! - [`setup`]: one-click start: a suggested local model tested live and saved in one write.
//! - [`state`]: the router state every process shares (cooldowns, reachability, daily
//!   counters): a SQLite file in the data dir, or Redis for a team's gateways.
//! - [`settings`]: the desktop app's own settings (theme, tray, detection interval, extra
//!   server URLs), validated per field and saved atomically beside the config.
//! - [`cli`]: the clap definitions and handlers of the `switchboard` subcommands.
//! - [`error`]: the crate's error type and the kinds the UI and the CLI act on.
#![deny(missing_docs)]

#[macro_use]
mod wire;

pub mod catalog;
pub mod chat;
pub mod cli;
pub mod config;
pub mod discovery;
pub mod error;
pub mod gateway;
pub mod history;
pub mod logging;
pub mod paths;
pub mod policy;
pub mod private_files;
pub mod providers;
pub mod router;
pub mod secrets;
pub mod settings;
pub mod setup;
pub mod state;

pub use error::{Error, ErrorKind, Result};

/// The version of Switchboard, as printed by `switchboard --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

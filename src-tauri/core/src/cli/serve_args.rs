//! The clap definitions of `switchboard serve` and `serve token …`: what the gateway
//! ([`super::serve_cmd`]) and a team's options and tokens ([`super::serve_team`]) read.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::gateway;

/// `switchboard serve` options.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = gateway::DEFAULT_PORT)]
    pub port: u16,
    /// The bearer token file (default: <data dir>/gateway-token; created on first start).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Save every chat to the history, as the desktop and `switchboard chat` do.
    #[arg(long)]
    pub history: bool,
    /// Where cooldowns, health and counters are shared: `local` (a file in the data dir, shared
    /// with the app and the CLI) or redis://HOST:PORT (shared by a team's gateways). From
    /// $SWITCHBOARD_STATE when not given, so a Redis password stays off the command line.
    #[arg(
        long,
        value_name = "STATE",
        default_value = "local",
        env = "SWITCHBOARD_STATE",
        hide_env_values = true
    )]
    pub state: String,
    /// Listen on ADDR (an IP, or IP:PORT) instead of 127.0.0.1; beyond loopback only when
    /// per-person tokens exist (`serve token add`), with TLS in a reverse proxy in front.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Per-person tokens.
    #[command(subcommand)]
    pub command: Option<TokenCommand>,
}

/// `switchboard serve token …`
#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Per-person gateway tokens: add, list, remove.
    #[command(subcommand)]
    Token(TokenAction),
}

/// What to do with per-person tokens.
#[derive(Debug, Clone, Subcommand)]
pub enum TokenAction {
    /// Make a token for NAME and print it once (only its hash is stored).
    Add {
        /// Who it is for (letters, digits, '.', '_', '-', '@').
        name: String,
        /// USD per day this person's requests may cost (429 over_budget after it).
        #[arg(long, value_name = "USD")]
        budget_daily: Option<f64>,
    },
    /// List the people with tokens, their budgets and today's spend and requests.
    List,
    /// Remove NAME's token (running gateways refuse it from their next request).
    Remove {
        /// Whose.
        name: String,
    },
}

//! `switchboard serve [--port 4141] [--token-file F] [--history] [--state S] [--listen ADDR]`:
//! the local OpenAI-compatible gateway over the chat engine (see [`crate::gateway`]), on
//! 127.0.0.1 until Ctrl-C. The bearer token lives in `F` (default `<data dir>/gateway-token`),
//! created 0600 on first start; its path is printed, never the token. With `--history` every
//! chat is saved like the desktop's. `--state`, `--listen` and `serve token …` (a team's
//! gateways) are in [`super::serve_team`].

use std::io::Write;
use std::path::PathBuf;

pub use super::serve_args::ServeArgs;
use super::Exit;
use crate::chat::{Engine, RetryPoints};
use crate::config::ConfigError;
use crate::gateway;
use crate::history::HistoryStore;
use crate::logging::redact::redact;
use crate::paths::Paths;
use crate::providers::ProviderError;
use crate::router::Router;

/// Runs the gateway until Ctrl-C; the address and token file on `out`, problems on `err`.
pub fn run(args: &ServeArgs, paths: &Paths, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    if let Some(command) = &args.command {
        return super::serve_team::run_token(command, args, paths, out, err);
    }
    let ctrl_c = async {
        // No signal handler means no Ctrl-C: run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    run_until(args, paths, out, err, ctrl_c)
}

/// [`run`], stopping when `shutdown` completes instead of on Ctrl-C.
pub fn run_until(
    args: &ServeArgs,
    paths: &Paths,
    out: &mut dyn Write,
    err: &mut dyn Write,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Exit {
    match serve(args, paths, out, err, shutdown) {
        Ok(()) => Exit::Success,
        Err(e) => {
            let _ignored = writeln!(err, "switchboard: {}", redact(&e.to_string()));
            Exit::Failure
        }
    }
}

/// Why the gateway did not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
enum ServeError {
    /// The config could not be loaded.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The router could not be built from the config.
    #[error(transparent)]
    Router(#[from] ProviderError),
    /// `--history` was given and the history cannot be opened.
    #[error(transparent)]
    History(#[from] crate::history::Error),
    /// The token file could not be read or created.
    #[error("{}: {source}", path.display())]
    Token {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The async runtime did not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    /// `--state`, `--listen` or the people file refused.
    #[error(transparent)]
    Team(#[from] super::serve_team::TeamError),
    /// The gateway failed while serving.
    #[error("the gateway stopped: {0}")]
    Stopped(std::io::Error),
    /// Another I/O failure (the listener's address, writing to `out`).
    #[error(transparent)]
    Io(std::io::Error),
}

fn serve(
    args: &ServeArgs,
    paths: &Paths,
    out: &mut dyn Write,
    err: &mut dyn Write,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let loaded = crate::config::load(&paths.config_file)?;
    let live = std::sync::Arc::new(crate::config::live::LiveConfig::from_loaded(loaded.clone()));
    let team = super::serve_team::Team::prepare(args, paths, err)?;
    let router = Router::new(loaded.into_config()?)?;
    router.set_policy(super::policy(paths));
    router.set_state(team.store.clone());
    // Edits to the config and settings files are routed by from the next request on.
    let (_watching, notes) = super::serve_watch::follow(&router, paths, live);
    let history = match args.history {
        true => Some(HistoryStore::open(&paths.data_dir)?.store),
        false => None,
    };
    let engine = Engine::new(router, history, RetryPoints::default());
    let token_file = args
        .token_file
        .clone()
        .unwrap_or_else(|| paths.data_dir.join("gateway-token"));
    let (token, created) =
        gateway::load_or_create_token(&token_file).map_err(|source| ServeError::Token {
            path: token_file.clone(),
            source,
        })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        let listener =
            gateway::bind_addr(team.addr)
                .await
                .map_err(|source| ServeError::Listen {
                    addr: team.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(ServeError::Io)?;
        let note = if created {
            "created, mode 0600"
        } else {
            "existing"
        };
        let say = |out: &mut dyn Write, line: String| {
            writeln!(out, "{line}")
                .and_then(|()| out.flush())
                .map_err(ServeError::Io)
        };
        say(
            out,
            format!("token file: {} ({note})", token_file.display()),
        )?;
        say(out, team.describe_state().await)?;
        say(out, format!("listening on http://{addr}/v1 (Ctrl-C stops)"))?;
        let gate = team.gate(token)?;
        let served = gateway::serve(listener, gateway::app_with(engine, gate), shutdown);
        super::serve_watch::print_notes_while(served, notes, out)
            .await
            .map_err(ServeError::Stopped)?;
        say(out, "stopped".to_owned())
    })
}

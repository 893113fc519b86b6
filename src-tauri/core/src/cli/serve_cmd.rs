//! `switchboard serve [--port 4141] [--token-file F]`: the local OpenAI-compatible gateway over
//! the router (see [`crate::gateway`]), on 127.0.0.1 until Ctrl-C. The bearer token lives in
//! `F` (default `<data dir>/gateway-token`), created 0600 on first start; its path is printed,
//! never the token.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::Exit;
use crate::gateway;
use crate::logging::redact::redact;
use crate::paths::Paths;
use crate::router::Router;

/// `switchboard serve` options.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = gateway::DEFAULT_PORT)]
    pub port: u16,
    /// The bearer token file (default: <data dir>/gateway-token; created on first start).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// Runs the gateway until Ctrl-C; the address and token file on `out`, problems on `err`.
pub fn run(args: &ServeArgs, paths: &Paths, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
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
    match serve(args, paths, out, shutdown) {
        Ok(()) => Exit::Success,
        Err(message) => {
            let _ignored = writeln!(err, "switchboard: {}", redact(&message));
            Exit::Failure
        }
    }
}

fn serve(
    args: &ServeArgs,
    paths: &Paths,
    out: &mut dyn Write,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let config = crate::config::load(&paths.config_file)
        .map_err(|e| e.to_string())?
        .into_config()
        .map_err(|e| e.to_string())?;
    let router = Router::new(config).map_err(|e| e.to_string())?;
    let token_file = args
        .token_file
        .clone()
        .unwrap_or_else(|| paths.data_dir.join("gateway-token"));
    let (token, created) = gateway::load_or_create_token(&token_file)
        .map_err(|e| format!("{}: {e}", token_file.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let listener = gateway::bind(args.port)
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let note = if created {
            "created, mode 0600"
        } else {
            "existing"
        };
        let say = |out: &mut dyn Write, line: String| {
            writeln!(out, "{line}")
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())
        };
        say(
            out,
            format!("token file: {} ({note})", token_file.display()),
        )?;
        say(out, format!("listening on http://{addr}/v1 (Ctrl-C stops)"))?;
        gateway::serve(listener, gateway::app(router, token), shutdown)
            .await
            .map_err(|e| format!("the gateway stopped: {e}"))?;
        say(out, "stopped".to_owned())
    })
}

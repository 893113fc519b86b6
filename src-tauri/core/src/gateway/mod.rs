//! `switchboard serve`: a local OpenAI- and Anthropic-compatible server over the chat
//! [`Engine`], so agents, editors, OpenClaw and scripts use the user's routes, failover and
//! cooldowns (and, with `--history`, the same history rows as the desktop and the CLI).
//!
//! - `GET /v1/models` (with context windows); `POST /v1/chat/completions` ([`openai`]),
//!   `POST /v1/responses` ([`responses`]) and `POST /v1/messages` ([`messages`]), each streamed
//!   and not, with parameters, tools and images carried to whichever API the model speaks;
//!   errors in the shape of the API called.
//! - Binds `127.0.0.1` (or `--listen ADDR` when per-person tokens exist); a token from a file
//!   created 0600 on first start, or a person's ([`people`]), as a bearer token or `x-api-key`;
//!   on loopback, requests whose `Host` is not a loopback name are refused (DNS rebinding),
//!   and those from a web page elsewhere (`Origin`); no CORS headers, so
//!   browsers cannot read replies; a body size limit; time limits on reading a request's head
//!   (and on an idle connection) and its body ([`serve`]); graceful shutdown with a time
//!   limit.
//! - Route information in `x-switchboard-model`, `x-switchboard-attempts` and
//!   `x-switchboard-route` headers.

mod answer;
pub mod guard;
pub mod messages;
pub mod openai;
mod parse;
pub mod people;
pub mod responses;
mod server;
mod stream;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::chat::Engine;
use crate::secrets::Secret;

pub use guard::{load_or_create_token, Caller, Gate};
pub use server::{serve, BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT};

/// The default port.
pub const DEFAULT_PORT: u16 = 4141;
/// The largest request body accepted (413 above it).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;
/// How long in-flight requests may finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The gateway's routes, gated by the `Host` check and `token`.
pub fn app(engine: Engine, token: Secret) -> axum::Router {
    app_with(engine, Gate::owner(token))
}

/// The gateway's routes, gated by `gate` (the owner's token, people's tokens, the `Host` check).
pub fn app_with(engine: Engine, gate: Gate) -> axum::Router {
    axum::Router::new()
        .route("/v1/models", get(openai::models))
        .route("/v1/chat/completions", post(openai::chat))
        .route("/v1/responses", post(responses::create))
        .route("/v1/messages", post(messages::create))
        .fallback(|uri: axum::http::Uri| async move {
            guard::Dialect::of_path(uri.path()).error(
                axum::http::StatusCode::NOT_FOUND,
                "invalid_request_error",
                Some("unknown_url"),
                "unknown path: this gateway serves /v1/models, /v1/chat/completions, \
                 /v1/responses and /v1/messages",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(server::read_body_in_time))
        .layer(axum::middleware::from_fn_with_state(gate, guard::gate))
        .with_state(engine)
}

/// Binds `127.0.0.1:port` (0: a free port).
pub async fn bind(port: u16) -> std::io::Result<tokio::net::TcpListener> {
    bind_addr(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await
}

/// Binds `addr` (`serve --listen`; the caller checked it may leave loopback).
pub async fn bind_addr(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

/// A gateway serving in the background, as the app's Settings start and stop it.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: tokio_util::sync::CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Where it listens (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops it, letting in-flight requests finish for up to [`SHUTDOWN_GRACE`].
    pub async fn stop(self) -> std::io::Result<()> {
        self.stop.cancel();
        self.task
            .await
            .map_err(|e| std::io::Error::other(format!("the gateway task failed: {e}")))?
    }
}

/// Binds `127.0.0.1:port` and serves `engine` with `token` on the current runtime.
pub async fn start(engine: Engine, port: u16, token: Secret) -> std::io::Result<Running> {
    let listener = bind(port).await?;
    let addr = listener.local_addr()?;
    let stop = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(serve(
        listener,
        app(engine, token),
        stop.clone().cancelled_owned(),
    ));
    Ok(Running { addr, stop, task })
}

//! The gateway's connections: accepting on the loopback listener, HTTP/1.1 with a time limit on
//! each request's head (which also closes a keep-alive connection left idle), a time limit on
//! each request's body, and graceful shutdown with a time limit.
//!
//! `axum::serve` has no timer, so its header-read timeout never fires: a client that connects
//! and sends nothing (or one byte a second) would hold a connection and a task forever.

use std::future::Future;
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;

use super::{guard, BODY_LIMIT, SHUTDOWN_GRACE};

/// How long a client may take to send a request's head, counted from when the server is ready
/// for it, so it is also how long an idle keep-alive connection stays open.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a client may take to send a request's whole body (408 after it).
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// After a failed `accept` that is not about one connection (out of file descriptors), wait
/// this long before accepting again instead of spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(200);

/// Serves `app` on `listener` until `shutdown` completes, then lets in-flight requests finish
/// for up to [`SHUTDOWN_GRACE`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let tcp = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    tracing::warn!("gateway: cannot accept a connection: {e}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        // Stream frames are small writes: without TCP_NODELAY, Nagle plus the client's delayed
        // ACK holds each one back for ~40 ms.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("gateway: cannot set TCP_NODELAY: {e}");
        }
        let connection =
            http.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("gateway: connection ended: {e}");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => Ok(()),
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("gateway: requests still running after {SHUTDOWN_GRACE:?}; stopping anyway");
            Ok(())
        }
    }
}

/// Errors of one connection that was already gone by the time it was accepted.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// Reads the request's body within [`BODY_READ_TIMEOUT`] and up to [`BODY_LIMIT`] before the
/// handler runs, so a client trickling its body cannot hold a request open.
pub(super) async fn read_body_in_time(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(BODY_READ_TIMEOUT, axum::body::to_bytes(body, BODY_LIMIT));
    match read.await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => guard::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            Some("body_too_large"),
            &format!(
                "the request body is over {} MiB, or broke off",
                BODY_LIMIT >> 20
            ),
        ),
        Err(_) => guard::error(
            StatusCode::REQUEST_TIMEOUT,
            "invalid_request_error",
            Some("body_timeout"),
            &format!(
                "the request body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            ),
        ),
    }
}

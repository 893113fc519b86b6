//! Servers that are not what a client expects: a foreign web server on a well-known port, and a
//! socket that accepts connections and never answers.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::Router;

use crate::local_servers::{reply, text_reply};
use crate::server::{record, FakeServer, RequestLog};

/// What kind of foreign server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    /// nginx's default site: a welcome page at `/`, an HTML 404 elsewhere.
    Nginx,
    /// A single-page app dev server: 200 and the same HTML for every path.
    SpaCatchAll,
    /// A JSON API answering `{"status":"ok"}` to everything.
    JsonOk,
    /// A JSON reply of [`OVERSIZED_BYTES`] to everything (a port serving a big file), with a
    /// `Content-Length`, or streamed in chunks without one.
    Oversized {
        /// Streamed without `Content-Length`.
        chunked: bool,
    },
}

/// The size of a [`Foreign::Oversized`] reply: 2 MiB, twice what discovery reads.
pub const OVERSIZED_BYTES: usize = 2 << 20;

fn oversized(chunked: bool) -> Response {
    // A valid JSON document: {"status":"ok","pad":"xxxx…"}
    let head = "{\"status\":\"ok\",\"pad\":\"";
    let pad = OVERSIZED_BYTES - head.len() - 2;
    let builder = Response::builder()
        .status(200)
        .header(axum::http::header::CONTENT_TYPE, "application/json");
    let body = if chunked {
        let chunks = std::iter::once(head.to_owned())
            .chain((0..pad / 4096).map(|_| "x".repeat(4096)))
            .chain(std::iter::once(format!("{}\"}}", "x".repeat(pad % 4096))))
            .map(|c| Ok::<_, std::convert::Infallible>(Bytes::from(c)));
        Body::from_stream(futures_util::stream::iter(chunks))
    } else {
        Body::from(format!("{head}{}\"}}", "x".repeat(pad)))
    };
    builder
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// Starts a foreign server on a free loopback port.
pub fn start(kind: Foreign) -> std::io::Result<FakeServer> {
    let log = RequestLog::default();
    let state = (kind, log.clone());
    FakeServer::spawn(Router::new().fallback(handle).with_state(state), log)
}

async fn handle(
    State((kind, log)): State<(Foreign, RequestLog)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&log, &method, &uri, &headers, &body);
    let html = "text/html";
    match kind {
        Foreign::Nginx if uri.path() == "/" => reply(200, html, "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head></html>\n".to_owned()),
        Foreign::Nginx => reply(404, html, "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.26.2</center>\r\n</body>\r\n</html>\r\n".to_owned()),
        Foreign::SpaCatchAll => reply(200, html, "<!doctype html>\n<html lang=\"en\"><head><script type=\"module\" src=\"/@vite/client\"></script></head><body><div id=\"app\"></div></body></html>\n".to_owned()),
        Foreign::JsonOk => reply(200, "application/json", "{\"status\":\"ok\"}".to_owned()),
        Foreign::Oversized { chunked } => oversized(chunked),
    }
}

/// A listener that accepts connections, reads nothing and never answers; dropping it closes
/// the accepted sockets and the listener.
#[derive(Debug)]
pub struct Silent {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Silent {
    /// Listens on a free loopback port.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name(format!("silent-{addr}"))
            .spawn(move || {
                let mut held: Vec<TcpStream> = Vec::new();
                while !flag.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => held.push(stream),
                        Err(_) => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
            })?;
        Ok(Silent {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}

/// A loopback port with nothing listening (bound, then released): connections are refused.
pub fn refused_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// A fake that answers `text/plain` `body` to every request (a bare server of some other kind).
pub fn plain(body: &'static str) -> std::io::Result<FakeServer> {
    let log = RequestLog::default();
    let router = Router::new().fallback(move || async move { text_reply(200, body) });
    FakeServer::spawn(router, log)
}

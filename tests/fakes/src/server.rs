//! Running an axum router on a loopback port in a background thread, and recording requests.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::serve::ListenerExt;
use axum::Router;
use tokio::sync::oneshot;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path and query, e.g. `/v1/chat/completions`.
    pub path: String,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The request body as text.
    pub body: String,
    /// When the whole request had arrived (wall clock, to compare with a page's timestamps);
    /// a reply without an injected delay starts right after it.
    pub received_at: std::time::SystemTime,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Shared log of the requests a fake received.
pub(crate) type RequestLog = Arc<Mutex<Vec<RecordedRequest>>>;

/// A running fake server; dropping it stops the server and waits for its thread.
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    requests: RequestLog,
    disconnects: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Serves `router` on `127.0.0.1` at a free port.
    pub(crate) fn spawn(router: Router, requests: RequestLog) -> std::io::Result<Self> {
        Self::spawn_counting(router, requests, Arc::default())
    }

    /// Like `spawn`; streams count a client that went away mid-reply in `disconnects`.
    pub(crate) fn spawn_counting(
        router: Router,
        requests: RequestLog,
        disconnects: Arc<AtomicUsize>,
    ) -> std::io::Result<Self> {
        Self::spawn_on(0, router, requests, disconnects)
    }

    /// Like `spawn_counting`, on `127.0.0.1:port` (0: a free port), so a test can stop a
    /// server and start it again where its clients expect it.
    pub(crate) fn spawn_on(
        port: u16,
        router: Router,
        requests: RequestLog,
        disconnects: Arc<AtomicUsize>,
    ) -> std::io::Result<Self> {
        // std sets SO_REUSEADDR on Unix, so the port of a server just stopped binds again.
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown, stop) = oneshot::channel::<()>();
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = connections.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name(format!("fake-{addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(e) => return eprintln!("fake server on {addr} cannot listen: {e}"),
                    };
                    // Like real servers, write stream frames at once (no Nagle delay).
                    let listener = listener.tap_io(move |tcp| {
                        accepted.fetch_add(1, Ordering::SeqCst);
                        let _ignored = tcp.set_nodelay(true);
                    });
                    let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                        let _ignored = stop.await;
                    });
                    if let Err(e) = serve.await {
                        eprintln!("fake server on {addr} stopped: {e}");
                    }
                });
            })?;
        Ok(FakeServer {
            addr,
            requests,
            disconnects,
            connections,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The socket address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` with no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many streamed replies the client stopped reading before their end (it closed the
    /// connection).
    pub fn disconnects(&self) -> usize {
        self.disconnects.load(Ordering::SeqCst)
    }

    /// How many TCP connections it accepted (a request that never connected is not one).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .map(|log| log.clone())
            .unwrap_or_default()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ignored = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}

/// Records a request into `log`; returns the body text for the handler to parse.
pub(crate) fn record(
    log: &RequestLog,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> String {
    let body = String::from_utf8_lossy(body).into_owned();
    let request = RecordedRequest {
        received_at: std::time::SystemTime::now(),
        method: method.to_string(),
        path: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_else(|| uri.path().to_owned()),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.clone(),
    };
    if let Ok(mut log) = log.lock() {
        log.push(request);
    }
    body
}

//! What the streaming fakes share: sending SSE frames with timing faults (slow first byte, slow
//! chunks, a reset after N frames), counting clients that went away, and the TCP-level faults
//! (a refused port, a server that accepts and then says nothing).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::openai::{Fault, Script};

/// Counts a stream as cut off when dropped before its end.
struct Guard {
    finished: bool,
    disconnects: Arc<AtomicUsize>,
}

impl Guard {
    fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.finished {
            self.disconnects.fetch_add(1, Ordering::SeqCst);
        }
    }
}

struct State {
    frames: std::vec::IntoIter<Bytes>,
    sent: usize,
    first_delay: Duration,
    chunk_delay: Duration,
    reset_after: Option<usize>,
    guard: Guard,
}

/// A `text/event-stream` reply sending `frames` (each one complete frame, or any bytes) one
/// network write at a time, with `fault`'s timing applied.
pub(crate) fn sse(frames: Vec<Bytes>, fault: &Fault, disconnects: Arc<AtomicUsize>) -> Response {
    let ms = |ms: u64| Duration::from_millis(ms);
    let state = State {
        frames: frames.into_iter(),
        sent: 0,
        first_delay: match fault {
            Fault::SlowFirstByte { delay_ms } => ms(*delay_ms),
            _ => Duration::ZERO,
        },
        chunk_delay: match fault {
            Fault::SlowChunks { delay_ms } => ms(*delay_ms),
            _ => Duration::ZERO,
        },
        reset_after: match fault {
            Fault::ResetAfter { chunks } => Some(*chunks),
            _ => None,
        },
        guard: Guard {
            finished: false,
            disconnects,
        },
    };
    let stream = futures_util::stream::unfold(state, |mut s| async move {
        let delay = if s.sent == 0 {
            s.first_delay
        } else {
            s.chunk_delay
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if s.reset_after == Some(s.sent) {
            s.guard.finish();
            s.reset_after = None;
            let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "fault: reset");
            return Some((Err(reset), s));
        }
        match s.frames.next() {
            Some(frame) => {
                s.sent += 1;
                Some((Ok(frame), s))
            }
            None => {
                s.guard.finish();
                None
            }
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `event: NAME\ndata: JSON\n\n` (or just the data line when `event` is empty).
pub(crate) fn frame(event: &str, data: &str) -> Bytes {
    if event.is_empty() {
        Bytes::from(format!("data: {data}\n\n"))
    } else {
        Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
    }
}

/// Splits `text` into pieces of `size` characters (at least 1).
pub(crate) fn pieces(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// A reply with `status` and a non-JSON (HTML) body.
/// Appends one frame per piece of the scripted reply (made by `delta`), with the content faults
/// injected: a huge chunk, a garbage frame (`garbage`), or the end of the stream. Returns `false`
/// when the stream must end after these frames (a truncation fault).
pub(crate) fn content_frames(
    frames: &mut Vec<Bytes>,
    script: &Script,
    garbage: &'static [u8],
    mut delta: impl FnMut(&mut Vec<Bytes>, &str),
) -> bool {
    let mut content = pieces(&script.reply, script.chunk_chars);
    if let Fault::HugeChunk { bytes } = script.fault {
        content.insert(content.len().min(1), "x".repeat(bytes));
    }
    for (i, piece) in content.iter().enumerate() {
        match script.fault {
            Fault::TruncateStream { after_chunks } if after_chunks == i => return false,
            Fault::Garbage { after_chunks } if after_chunks == i => {
                frames.push(Bytes::from_static(garbage));
            }
            _ => {}
        }
        delta(frames, piece);
    }
    !matches!(script.fault, Fault::TruncateStream { .. })
}

/// The reply for a fault that replaces the API's answer whatever was asked (a redirect, an HTML
/// error page), or `None` when the request should be answered by the API's own handler.
pub(crate) fn transport_fault(fault: &Fault) -> Option<Response> {
    match fault {
        Fault::Redirect { location } => Some(redirect(location)),
        Fault::Html { status, body } => Some(html(*status, body)),
        _ => None,
    }
}

pub(crate) fn html(status: u16, body: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(body.to_owned()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A redirect to `location` (307 keeps the method and body).
pub(crate) fn redirect(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::TEMPORARY_REDIRECT)
        .header(header::LOCATION, location)
        .body(Body::empty())
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A loopback address where nothing listens (connections are refused).
pub fn refused_addr() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    listener.local_addr()
}

/// A server that accepts connections, reads nothing and answers nothing, until dropped.
#[derive(Debug)]
pub struct SilentServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SilentServer {
    /// Starts it on a free loopback port.
    pub fn start() -> std::io::Result<SilentServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name(format!("silent-{addr}"))
            .spawn(move || {
                let mut held = Vec::new();
                for conn in listener.incoming() {
                    if flag.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(conn) = conn {
                        held.push(conn);
                    }
                }
            })?;
        Ok(SilentServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _wake = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}

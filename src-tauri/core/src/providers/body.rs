//! A reply body being read: the first-byte, idle and total deadlines, and cancellation. The
//! idle timer is moved on by data ([`Body::progress`]), not by every byte, so keep-alive
//! comments alone never keep a stalled answer open.

use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use super::error::{ProviderError, ProviderErrorKind as Kind};

pub(super) type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A reply body being read with timeouts and cancellation.
pub(super) struct Body {
    pub(super) bytes: ByteStream,
    /// Until the first byte: the first-byte deadline; after it, `None` (idle timeouts).
    pub(super) deadline: Option<tokio::time::Instant>,
    pub(super) idle: Duration,
    /// When the stream counts as stalled; moved on by [`Body::progress`], not by every byte.
    pub(super) idle_until: tokio::time::Instant,
    /// When the whole request must be over, if it has a total limit.
    pub(super) total: Option<tokio::time::Instant>,
    pub(super) total_limit: Duration,
    pub(super) cancel: CancellationToken,
    pub(super) first_byte: Arc<OnceLock<Instant>>,
}

/// The earlier of `at` and `limit`, if there is a limit.
pub(super) fn earliest(
    at: tokio::time::Instant,
    limit: Option<tokio::time::Instant>,
) -> tokio::time::Instant {
    limit.map_or(at, |l| l.min(at))
}

pub(super) enum Chunk {
    Bytes(Bytes),
    End,
    Cancelled,
}

impl Body {
    /// Data arrived: the idle timer starts again. Bytes alone do not count (a keep-alive
    /// comment is bytes), so the stream driver calls this only for events with data.
    pub(super) fn progress(&mut self) {
        self.idle_until = tokio::time::Instant::now() + self.idle;
    }

    pub(super) async fn next(&mut self) -> Result<Chunk, ProviderError> {
        let deadline = earliest(self.deadline.unwrap_or(self.idle_until), self.total);
        let chunk = tokio::select! {
            biased;
            () = self.cancel.cancelled() => return Ok(Chunk::Cancelled),
            r = tokio::time::timeout_at(deadline, self.bytes.next()) => r,
        };
        match chunk {
            Err(_) => Err(ProviderError::new(Kind::Timeout, self.timeout_message())),
            Ok(None) => Ok(Chunk::End),
            Ok(Some(Err(e))) => Err(ProviderError::from_reqwest(
                e,
                "the connection broke mid-reply",
            )),
            Ok(Some(Ok(bytes))) => {
                if self.deadline.take().is_some() {
                    let _first = self.first_byte.set(Instant::now());
                    self.progress();
                }
                Ok(Chunk::Bytes(bytes))
            }
        }
    }

    fn timeout_message(&self) -> String {
        if self.total.is_some_and(|t| t <= tokio::time::Instant::now()) {
            format!(
                "the reply took longer than the request's limit of {} s",
                self.total_limit.as_secs_f64()
            )
        } else if self.deadline.is_some() {
            "no reply before the first-byte timeout".to_owned()
        } else {
            format!(
                "the stream stalled: no data for {} s",
                self.idle.as_secs_f64()
            )
        }
    }

    pub(super) async fn read_all(&mut self, cap: usize) -> Result<Vec<u8>, ProviderError> {
        let mut all = Vec::new();
        loop {
            match self.next().await? {
                Chunk::Bytes(b) => {
                    self.progress();
                    let room = cap.saturating_sub(all.len());
                    all.extend_from_slice(&b[..b.len().min(room)]);
                    if all.len() >= cap {
                        return Ok(all);
                    }
                }
                Chunk::End => return Ok(all),
                Chunk::Cancelled => {
                    return Err(ProviderError::new(
                        Kind::Cancelled,
                        "cancelled while reading the reply",
                    ))
                }
            }
        }
    }
}

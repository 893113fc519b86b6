//! The Redis connection: one multiplexed connection, made on first use; when a call fails or
//! does not answer in time, Redis is "down": one warning, the callers use the local store, and
//! a new connection is tried after a backoff (250 ms doubling to 5 s); the first call that gets
//! through says sharing resumed. No lock is held across an `.await`.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::RedisResult;

use crate::state::StateError;

/// How long a call waits for Redis before the local store answers instead.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The first wait before connecting again after a failure; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between connection attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Whether Redis is reachable, and when to try again if not.
#[derive(Debug, Default)]
struct Link {
    down: bool,
    retry_at: Option<Instant>,
    backoff: Duration,
}

/// The connection and whether Redis answers.
pub(super) struct Connector {
    client: redis::Client,
    shown: String,
    fallback: PathBuf,
    conn: Mutex<Option<MultiplexedConnection>>,
    link: Mutex<Link>,
    /// Held while connecting, so one task connects and the others use the local store.
    connecting: tokio::sync::Mutex<()>,
}

impl Connector {
    /// A connector to `url` (nothing is connected yet); `fallback` is named in the warning.
    pub(super) fn new(url: &str, fallback: &Path) -> Result<Connector, StateError> {
        let client = redis::Client::open(url)?;
        let shown = format!("redis at {}", client.get_connection_info().addr());
        Ok(Connector {
            client,
            shown,
            fallback: fallback.to_owned(),
            conn: Mutex::default(),
            link: Mutex::default(),
            connecting: tokio::sync::Mutex::new(()),
        })
    }

    /// `redis at HOST:PORT`, never the password.
    pub(super) fn shown(&self) -> &str {
        &self.shown
    }

    /// Whether the last call reached Redis.
    pub(super) fn is_up(&self) -> bool {
        !self.link().down
    }

    fn link(&self) -> std::sync::MutexGuard<'_, Link> {
        self.link.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, Option<MultiplexedConnection>> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection, unless Redis is down and the backoff has not passed.
    pub(super) async fn conn(&self) -> Option<MultiplexedConnection> {
        if let Some(conn) = self.cached().clone() {
            return Some(conn);
        }
        if self.link().retry_at.is_some_and(|at| Instant::now() < at) {
            return None;
        }
        let Ok(_connecting) = self.connecting.try_lock() else {
            return None;
        };
        let connect = self.client.get_multiplexed_async_connection();
        match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
            Ok(Ok(conn)) => {
                *self.cached() = Some(conn.clone());
                self.up();
                Some(conn)
            }
            Ok(Err(e)) => {
                self.down(&e.to_string());
                None
            }
            Err(_) => {
                self.down("no answer to connect");
                None
            }
        }
    }

    fn up(&self) {
        let mut link = self.link();
        if link.down {
            tracing::warn!(
                "{} answers again: sharing the router state resumes",
                self.shown
            );
        }
        *link = Link::default();
    }

    fn down(&self, why: &str) {
        *self.cached() = None;
        let mut link = self.link();
        if !link.down {
            tracing::warn!(
                "{} is unreachable ({why}): this instance keeps its router state in {} until \
                 it answers again",
                self.shown,
                self.fallback.display()
            );
            link.down = true;
            link.backoff = FIRST_BACKOFF;
        } else {
            link.backoff = (link.backoff * 2).min(MAX_BACKOFF);
        }
        link.retry_at = Some(Instant::now() + link.backoff);
    }

    /// Runs `op` on Redis; `None` (Redis is down) means the caller uses the local store.
    pub(super) async fn run<T, F>(&self, op: impl FnOnce(MultiplexedConnection) -> F) -> Option<T>
    where
        F: Future<Output = RedisResult<T>>,
    {
        let conn = self.conn().await?;
        match tokio::time::timeout(RESPONSE_TIMEOUT, op(conn)).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(e)) => {
                self.down(&e.to_string());
                None
            }
            Err(_) => {
                self.down("no answer in time");
                None
            }
        }
    }
}

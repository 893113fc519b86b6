//! The router state every process shares: cooldowns, reachability marks ("health") and daily
//! spend and request counters, so the app, `switchboard chat` and `switchboard serve` (and
//! several `serve` instances of a team) agree about what is down and what was spent.
//!
//! - [`local`]: the default, a SQLite file in the data dir (`router-state.db`, WAL, 0600, busy
//!   timeout), shared by the processes of one machine.
//! - [`redis`]: `switchboard serve --state redis://HOST:PORT`: the same in Redis, with the local
//!   store as the fallback while Redis is unreachable (one warning; sharing resumes when it is
//!   back).
//!
//! Times here are wall-clock Unix milliseconds: a `tokio` instant means nothing in another
//! process. Each router keeps its own table on `tokio` instants ([`crate::router::Cooldowns`],
//! so tests on a paused clock keep working) and adopts what it reads here; only routers given a
//! store ([`crate::router::Router::set_state`]) share. Every entry expires: a cooldown when it
//! ends, a reachability mark after [`REACH_TTL`], counters after [`TALLY_TTL`]. The store never
//! fails a chat: a store that cannot be read or written is logged and the chat goes on.

pub mod local;
pub mod redis;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::providers::ProviderErrorKind;
use crate::router::cooldown::{Counted, Failure};
use crate::router::reach::Reach;

pub use local::LocalStore;
pub use redis::RedisStore;

/// A cooldown as the store keeps it: on the wall clock (kept as Unix milliseconds).
pub type SharedCooldown = Counted<SystemTime>;
/// A failure as the store records it: on the wall clock.
pub type SharedFailure = Failure<SystemTime>;

/// How long a reachability mark is kept.
pub const REACH_TTL: Duration = Duration::from_secs(600);
/// How long a day's spend and request counters are kept.
pub const TALLY_TTL: Duration = Duration::from_secs(2 * 24 * 3600);

/// Why the store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The SQLite file could not be opened or written.
    #[error("router state {what}: {source}")]
    Sqlite {
        /// What was being done.
        what: &'static str,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The data dir or the file could not be made private.
    #[error("router state file: {0}")]
    Io(#[from] std::io::Error),
    /// Redis answered with an error or could not be reached.
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
    /// The `--state` value is not a store this version knows.
    #[error(
        "--state {0}: expected `local` or redis://HOST:PORT (rediss:// for TLS; \
         redis://:PASSWORD@HOST:PORT/DB)"
    )]
    Unknown(String),
    /// A value in the store is not in the shape this version writes.
    #[error("router state: unreadable entry {0}")]
    Corrupt(String),
}

impl StateError {
    pub(crate) fn sqlite(what: &'static str) -> impl FnOnce(rusqlite::Error) -> StateError {
        move |source| StateError::Sqlite { what, source }
    }
}

/// Today's counters for one key (a person's token, `all`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// USD spent today (answers with an unknown price add nothing).
    pub usd: f64,
    /// Requests today.
    pub requests: u64,
}

/// The store: the local SQLite file or Redis. Cheap to clone; clones share the connection.
#[derive(Debug, Clone)]
pub enum StateStore {
    /// This machine's SQLite file.
    Local(LocalStore),
    /// Redis, with the local store as the fallback.
    Redis(RedisStore),
}

impl StateStore {
    /// The store a `--state` value names (`local` or `redis://…`), with the local file in
    /// `data_dir` (the default, and Redis's fallback).
    pub fn open(spec: &str, data_dir: &std::path::Path) -> Result<StateStore, StateError> {
        let local = LocalStore::open(data_dir)?;
        match spec {
            "local" | "" => Ok(StateStore::Local(local)),
            url if url.starts_with("redis://") || url.starts_with("rediss://") => {
                Ok(StateStore::Redis(RedisStore::new(url, local)?))
            }
            other => Err(StateError::Unknown(other.to_owned())),
        }
    }

    /// Where the state is kept, for the startup line (a Redis password is never shown).
    pub fn describe(&self) -> String {
        match self {
            StateStore::Local(l) => l.path().display().to_string(),
            StateStore::Redis(r) => r.describe(),
        }
    }

    /// The cooldowns still running, of `models` (`None`: every model).
    pub async fn cooldowns(&self, models: Option<&[String]>) -> Vec<(String, SharedCooldown)> {
        let now = SystemTime::now();
        let all = match self {
            StateStore::Local(l) => l.cooldowns(models).await,
            StateStore::Redis(r) => r.cooldowns(models).await,
        };
        logged("read cooldowns", all)
            .into_iter()
            .filter(|(_, c)| c.until.is_some_and(|u| u > now))
            .collect()
    }

    /// Records a failure of `model` by the counting rule; the state after it.
    pub async fn fail(&self, model: &str, failure: SharedFailure) -> Option<SharedCooldown> {
        let done = match self {
            StateStore::Local(l) => l.fail(model, failure).await,
            StateStore::Redis(r) => r.fail(model, failure).await,
        };
        logged("record a cooldown", done.map(Some))
    }

    /// Records a success of an attempt that started at `started`: the cooldown ends unless it
    /// was counted after that start.
    pub async fn succeed(&self, model: &str, started: SystemTime) {
        let done = match self {
            StateStore::Local(l) => l.succeed(model, started).await,
            StateStore::Redis(r) => r.succeed(model, started).await,
        };
        logged("clear a cooldown", done);
    }

    /// Forgets every cooldown.
    pub async fn clear(&self) {
        let done = match self {
            StateStore::Local(l) => l.clear().await,
            StateStore::Redis(r) => r.clear().await,
        };
        logged("clear the cooldowns", done);
    }

    /// Records whether `provider` answered.
    pub async fn mark_reach(&self, provider: &str, reach: Reach) {
        let done = match self {
            StateStore::Local(l) => l.mark_reach(provider, reach).await,
            StateStore::Redis(r) => r.mark_reach(provider, reach).await,
        };
        logged("record reachability", done);
    }

    /// The reachability marks of `providers` that have not expired.
    pub async fn reach(&self, providers: &[String]) -> Vec<(String, Reach)> {
        let found = match self {
            StateStore::Local(l) => l.reach(providers).await,
            StateStore::Redis(r) => r.reach(providers).await,
        };
        logged("read reachability", found)
    }

    /// Adds one request and `usd` to today's counters of `key`.
    pub async fn tally(&self, key: &str, usd: f64) {
        let done = match self {
            StateStore::Local(l) => l.tally(&today(), key, usd).await,
            StateStore::Redis(r) => r.tally(&today(), key, usd).await,
        };
        logged("count a request", done);
    }

    /// Adds `usd` to today's spend of `key` (no request counted).
    pub async fn spend(&self, key: &str, usd: f64) {
        let done = match self {
            StateStore::Local(l) => l.spend(&today(), key, usd).await,
            StateStore::Redis(r) => r.spend(&today(), key, usd).await,
        };
        logged("record spend", done);
    }

    /// Today's counters of `key`.
    pub async fn today(&self, key: &str) -> Tally {
        let found = match self {
            StateStore::Local(l) => l.today(&today(), key).await,
            StateStore::Redis(r) => r.today(&today(), key).await,
        };
        logged("read the counters", found)
    }
}

/// The value, or the default after a warning: the store never fails a chat.
fn logged<T: Default>(what: &str, result: Result<T, StateError>) -> T {
    result.unwrap_or_else(|e| {
        tracing::warn!("router state: cannot {what}: {e}");
        T::default()
    })
}

/// The local calendar day the counters are kept under (`2026-12-07`).
pub fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> u64 {
    unix_ms(SystemTime::now())
}

/// `at` in Unix milliseconds.
pub fn unix_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as u64
}

/// A cooldown in one line (`failures|failed_ms|until_ms|reason|status`), as both stores keep it.
pub(crate) fn encode(c: &SharedCooldown) -> String {
    let status = c.status.map_or_else(String::new, |s| s.to_string());
    format!(
        "{}|{}|{}|{}|{status}",
        c.failures,
        unix_ms(c.failed_at),
        c.until.map_or(0, unix_ms),
        c.reason.as_str()
    )
}

/// [`encode`]'s inverse.
pub(crate) fn decode(text: &str) -> Result<SharedCooldown, StateError> {
    let corrupt = || StateError::Corrupt(text.chars().take(80).collect());
    let parts: Vec<&str> = text.split('|').collect();
    let [failures, failed, until, reason, status] = parts[..] else {
        return Err(corrupt());
    };
    let reason = ProviderErrorKind::ALL
        .iter()
        .copied()
        .find(|k| k.as_str() == reason)
        .ok_or_else(corrupt)?;
    let number = |s: &str| s.parse::<u64>().map_err(|_| corrupt());
    let at = |ms: u64| UNIX_EPOCH + Duration::from_millis(ms);
    Ok(Counted {
        failures: failures.parse().map_err(|_| corrupt())?,
        failed_at: at(number(failed)?),
        until: Some(number(until)?).filter(|u| *u > 0).map(at),
        reason,
        status: match status {
            "" => None,
            s => Some(s.parse().map_err(|_| corrupt())?),
        },
    })
}

#[cfg(test)]
mod tests;

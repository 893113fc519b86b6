//! The router state in Redis (`switchboard serve --state redis://HOST:PORT`), so several
//! `serve` instances act as one. What is kept where (every key under `switchboard:`):
//!
//! | key | value | expires |
//! |---|---|---|
//! | `cooldown:<provider/model>` | `failures\|failed_ms\|until_ms\|reason\|status` | when the cooldown ends |
//! | `cooldowns` | set of models that had one (members whose key expired are dropped on read) | never |
//! | `reach:<provider>` | `1\|checked_ms` or `0\|checked_ms` | after 10 min |
//! | `spend:<day>:<key>` | USD today (`INCRBYFLOAT`) | after 2 days |
//! | `requests:<day>:<key>` | requests today (`INCRBY`) | after 2 days |
//!
//! A failure is counted by the same rule as in memory ([`crate::router::cooldown::count`]):
//! read, count in Rust, then a compare-and-set script writes it only if nobody wrote meanwhile
//! (else read again), so the rule lives in one place.
//!
//! Redis unreachable (refused, reset, no answer within [`RESPONSE_TIMEOUT`]): every call goes
//! to the local store instead, with one warning per outage and no error for the client; a new
//! connection is tried after a backoff (250 ms doubling to 5 s), and when it answers, sharing
//! resumes (one info line). What was written locally meanwhile stays local.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use redis::aio::MultiplexedConnection;
use redis::RedisResult;

use super::{
    decode, encode, now_ms, LocalStore, SharedCooldown, SharedFailure, StateError, Tally,
    REACH_TTL, TALLY_TTL,
};
use crate::router::cooldown::count;
use crate::router::Reach;

/// How long a call waits for Redis before the local store answers instead.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The first wait before connecting again after a failure; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between connection attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How many times a failure's compare-and-set is tried before the local store takes it.
const CAS_TRIES: usize = 8;
const PREFIX: &str = "switchboard:";

/// Writes `ARGV[2]` (expiring in `ARGV[3]` ms; added to the set `KEYS[2]` as `ARGV[4]`) only if
/// `KEYS[1]` still holds `ARGV[1]` (`""`: nothing).
const SET_IF: &str = r"
local cur = redis.call('GET', KEYS[1])
if (cur == false and ARGV[1] == '') or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  redis.call('SADD', KEYS[2], ARGV[4])
  return 1
end
return 0
";

/// Deletes `KEYS[1]` only if it still holds `ARGV[1]`.
const DEL_IF: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// The Redis store. Cheap to clone.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    shown: String,
    conn: Mutex<Option<MultiplexedConnection>>,
    link: Mutex<Link>,
    /// Held while connecting, so one task connects and the others use the local store.
    connecting: tokio::sync::Mutex<()>,
    local: LocalStore,
    set_if: redis::Script,
    del_if: redis::Script,
}

/// Whether Redis is reachable, and when to try again if not.
#[derive(Debug, Default)]
struct Link {
    down: bool,
    retry_at: Option<Instant>,
    backoff: Duration,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("at", &self.inner.shown)
            .finish_non_exhaustive()
    }
}

fn key(parts: &[&str]) -> String {
    let mut k = PREFIX.to_owned();
    k.push_str(&parts.join(":"));
    k
}

impl RedisStore {
    /// A store at `url` (not connected yet) with `local` as its fallback.
    pub fn new(url: &str, local: LocalStore) -> Result<RedisStore, StateError> {
        let client = redis::Client::open(url)?;
        let info = client.get_connection_info();
        let shown = format!("redis at {}", info.addr());
        Ok(RedisStore {
            inner: Arc::new(Inner {
                client,
                shown,
                conn: Mutex::default(),
                link: Mutex::default(),
                connecting: tokio::sync::Mutex::new(()),
                local,
                set_if: redis::Script::new(SET_IF),
                del_if: redis::Script::new(DEL_IF),
            }),
        })
    }

    /// Where, without a password.
    pub fn describe(&self) -> String {
        format!(
            "{} (fallback: {})",
            self.inner.shown,
            self.inner.local.path().display()
        )
    }

    /// Whether the last call reached Redis.
    pub fn is_up(&self) -> bool {
        !self.link().down
    }

    /// Tries to connect now (the startup check); false (after the one warning) if it cannot.
    pub async fn connect(&self) -> bool {
        self.conn().await.is_some()
    }

    fn link(&self) -> std::sync::MutexGuard<'_, Link> {
        self.inner
            .link
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, Option<MultiplexedConnection>> {
        self.inner
            .conn
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection, unless Redis is down and the backoff has not passed.
    async fn conn(&self) -> Option<MultiplexedConnection> {
        if let Some(conn) = self.cached().clone() {
            return Some(conn);
        }
        if self.link().retry_at.is_some_and(|at| Instant::now() < at) {
            return None;
        }
        let Ok(_connecting) = self.inner.connecting.try_lock() else {
            return None;
        };
        let connect = self.inner.client.get_multiplexed_async_connection();
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
                self.inner.shown
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
                self.inner.shown,
                self.inner.local.path().display()
            );
            link.down = true;
            link.backoff = FIRST_BACKOFF;
        } else {
            link.backoff = (link.backoff * 2).min(MAX_BACKOFF);
        }
        link.retry_at = Some(Instant::now() + link.backoff);
    }

    /// Runs `op` on Redis; `None` (Redis is down) means the caller uses the local store.
    async fn run<T, F>(&self, op: impl FnOnce(MultiplexedConnection) -> F) -> Option<T>
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

    pub(super) async fn cooldowns(
        &self,
        models: Option<&[String]>,
    ) -> Result<Vec<(String, SharedCooldown)>, StateError> {
        let wanted = models.map(<[String]>::to_vec);
        let read = self
            .run(|mut c| async move {
                let models: Vec<String> = match wanted {
                    Some(m) => m,
                    None => {
                        redis::cmd("SMEMBERS")
                            .arg(key(&["cooldowns"]))
                            .query_async(&mut c)
                            .await?
                    }
                };
                if models.is_empty() {
                    return Ok(Vec::new());
                }
                let keys: Vec<String> = models.iter().map(|m| key(&["cooldown", m])).collect();
                let values: Vec<Option<String>> =
                    redis::cmd("MGET").arg(&keys).query_async(&mut c).await?;
                let gone: Vec<&String> = models
                    .iter()
                    .zip(&values)
                    .filter(|(_, v)| v.is_none())
                    .map(|(m, _)| m)
                    .collect();
                if !gone.is_empty() {
                    let () = redis::cmd("SREM")
                        .arg(key(&["cooldowns"]))
                        .arg(gone)
                        .query_async(&mut c)
                        .await?;
                }
                Ok(models.into_iter().zip(values).collect::<Vec<_>>())
            })
            .await;
        match read {
            Some(pairs) => pairs
                .into_iter()
                .filter_map(|(m, v)| v.map(|v| decode(&v).map(|c| (m, c))))
                .collect(),
            None => self.inner.local.cooldowns(models).await,
        }
    }

    pub(super) async fn fail(
        &self,
        model: &str,
        failure: SharedFailure,
    ) -> Result<SharedCooldown, StateError> {
        let k = key(&["cooldown", model]);
        let set = key(&["cooldowns"]);
        let script = self.inner.set_if.clone();
        let owned = model.to_owned();
        let written = self
            .run(|mut c| async move {
                for _ in 0..CAS_TRIES {
                    let before: Option<String> =
                        redis::cmd("GET").arg(&k).query_async(&mut c).await?;
                    let decoded = before.as_deref().map(decode).transpose();
                    let Ok(decoded) = decoded else {
                        // Unreadable (another version's shape): counted afresh.
                        let _: i64 = redis::cmd("DEL").arg(&k).query_async(&mut c).await?;
                        continue;
                    };
                    let after = count(decoded, failure);
                    let until = super::unix_ms(after.until.unwrap_or(failure.now));
                    let ttl = until.saturating_sub(now_ms()).max(1);
                    let done: i64 = script
                        .key(&k)
                        .key(&set)
                        .arg(before.unwrap_or_default())
                        .arg(encode(&after))
                        .arg(ttl)
                        .arg(&owned)
                        .invoke_async(&mut c)
                        .await?;
                    if done == 1 {
                        return Ok(Some(after));
                    }
                }
                Ok(None)
            })
            .await;
        match written {
            Some(Some(after)) => Ok(after),
            _ => self.inner.local.fail(model, failure).await,
        }
    }

    pub(super) async fn succeed(&self, model: &str, started: SystemTime) -> Result<(), StateError> {
        let k = key(&["cooldown", model]);
        let script = self.inner.del_if.clone();
        let done = self
            .run(|mut c| async move {
                let entry: Option<String> = redis::cmd("GET").arg(&k).query_async(&mut c).await?;
                let Some(entry) = entry else { return Ok(()) };
                if decode(&entry).is_ok_and(|e| started >= e.failed_at) {
                    let _: i64 = script.key(&k).arg(entry).invoke_async(&mut c).await?;
                }
                Ok(())
            })
            .await;
        match done {
            Some(()) => Ok(()),
            None => self.inner.local.succeed(model, started).await,
        }
    }

    pub(super) async fn clear(&self) -> Result<(), StateError> {
        let done = self
            .run(|mut c| async move {
                let models: Vec<String> = redis::cmd("SMEMBERS")
                    .arg(key(&["cooldowns"]))
                    .query_async(&mut c)
                    .await?;
                let mut keys: Vec<String> = models.iter().map(|m| key(&["cooldown", m])).collect();
                keys.push(key(&["cooldowns"]));
                let _: i64 = redis::cmd("DEL").arg(keys).query_async(&mut c).await?;
                Ok(())
            })
            .await;
        // The local store may hold cooldowns from an outage: clear them too.
        if done.is_none() {
            tracing::debug!("cooldowns cleared in the local store only: redis is down");
        }
        self.inner.local.clear().await
    }

    pub(super) async fn mark_reach(&self, provider: &str, reach: Reach) -> Result<(), StateError> {
        let k = key(&["reach", provider]);
        let value = format!(
            "{}|{}",
            u8::from(reach.reachable),
            super::unix_ms(reach.checked)
        );
        let done = self
            .run(|mut c| async move {
                let () = redis::cmd("SET")
                    .arg(&k)
                    .arg(value)
                    .arg("PX")
                    .arg(REACH_TTL.as_millis() as u64)
                    .query_async(&mut c)
                    .await?;
                Ok(())
            })
            .await;
        match done {
            Some(()) => Ok(()),
            None => self.inner.local.mark_reach(provider, reach).await,
        }
    }

    pub(super) async fn reach(
        &self,
        providers: &[String],
    ) -> Result<Vec<(String, Reach)>, StateError> {
        if providers.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = providers.iter().map(|p| key(&["reach", p])).collect();
        let read = self
            .run(|mut c| async move {
                let values: Vec<Option<String>> =
                    redis::cmd("MGET").arg(&keys).query_async(&mut c).await?;
                Ok(values)
            })
            .await;
        let Some(values) = read else {
            return self.inner.local.reach(providers).await;
        };
        Ok(providers
            .iter()
            .zip(values)
            .filter_map(|(p, v)| {
                let (up, checked) = v?
                    .split_once('|')
                    .map(|(a, b)| (a == "1", b.parse().ok()))?;
                let checked = std::time::UNIX_EPOCH + Duration::from_millis(checked?);
                Some((
                    p.clone(),
                    Reach {
                        reachable: up,
                        checked,
                    },
                ))
            })
            .collect())
    }

    pub(super) async fn tally(&self, day: &str, k: &str, usd: f64) -> Result<(), StateError> {
        self.add(day, k, usd, 1).await
    }

    pub(super) async fn spend(&self, day: &str, k: &str, usd: f64) -> Result<(), StateError> {
        self.add(day, k, usd, 0).await
    }

    async fn add(&self, day: &str, k: &str, usd: f64, requests: u64) -> Result<(), StateError> {
        let spend = key(&["spend", day, k]);
        let count = key(&["requests", day, k]);
        let usd = if usd.is_finite() { usd } else { 0.0 };
        let ttl = TALLY_TTL.as_secs();
        let done = self
            .run(|mut c| async move {
                let mut pipe = redis::pipe();
                pipe.atomic();
                if usd != 0.0 {
                    pipe.cmd("INCRBYFLOAT").arg(&spend).arg(usd).ignore();
                    pipe.cmd("EXPIRE").arg(&spend).arg(ttl).ignore();
                }
                if requests > 0 {
                    pipe.cmd("INCRBY").arg(&count).arg(requests).ignore();
                    pipe.cmd("EXPIRE").arg(&count).arg(ttl).ignore();
                }
                let () = pipe.query_async(&mut c).await?;
                Ok(())
            })
            .await;
        match done {
            Some(()) => Ok(()),
            None if requests > 0 => self.inner.local.tally(day, k, usd).await,
            None => self.inner.local.spend(day, k, usd).await,
        }
    }

    pub(super) async fn today(&self, day: &str, k: &str) -> Result<Tally, StateError> {
        let keys = [key(&["spend", day, k]), key(&["requests", day, k])];
        let read = self
            .run(|mut c| async move {
                let values: (Option<f64>, Option<u64>) =
                    redis::cmd("MGET").arg(&keys).query_async(&mut c).await?;
                Ok(values)
            })
            .await;
        match read {
            Some((usd, requests)) => Ok(Tally {
                usd: usd.unwrap_or(0.0),
                requests: requests.unwrap_or(0),
            }),
            None => self.inner.local.today(day, k).await,
        }
    }
}

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

mod link;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use redis::aio::MultiplexedConnection;
use redis::RedisResult;

use super::{
    decode, encode, now_ms, LocalStore, SharedCooldown, SharedFailure, StateError, Tally,
    REACH_TTL, TALLY_TTL,
};
use crate::router::cooldown::count;
use crate::router::reach::Reach;
use link::Connector;

pub use link::{MAX_BACKOFF, RESPONSE_TIMEOUT};

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
    link: Connector,
    local: LocalStore,
    set_if: redis::Script,
    del_if: redis::Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("at", &self.inner.link.shown())
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
        let link = Connector::new(url, local.path())?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                link,
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
            self.inner.link.shown(),
            self.inner.local.path().display()
        )
    }

    /// Whether the last call reached Redis.
    pub fn is_up(&self) -> bool {
        self.inner.link.is_up()
    }

    /// Tries to connect now (the startup check); false (after the one warning) if it cannot.
    pub async fn connect(&self) -> bool {
        self.inner.link.conn().await.is_some()
    }

    async fn run<T, F>(&self, op: impl FnOnce(MultiplexedConnection) -> F) -> Option<T>
    where
        F: std::future::Future<Output = RedisResult<T>>,
    {
        self.inner.link.run(op).await
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

//! Cooldowns per `provider/model`, shared by every caller of one [`super::Router`]: a failed
//! model is skipped for a growing period (30 s, 1 min, 5 min, capped; billing 5 min, 1 h, 5 h),
//! or as long as its `Retry-After` asked. Times are `tokio::time` instants, so tests can pause
//! and advance the clock. What other processes see goes through [`crate::state`], on the wall
//! clock (tokio instants mean nothing in another process); cooldowns found there are adopted
//! into this table ([`Cooldowns::adopt`]), so failover and the health summary read one table.
//!
//! Concurrency rule: a failure only counts (grows the cooldown) when its attempt started after
//! the last counted failure; a success only clears the state when its attempt started after
//! it. So 50 requests caught by one outage count once, and a slow success that began before a
//! fresh failure does not wipe it. The lock is a plain mutex, never held across an `.await`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::providers::ProviderErrorKind;

/// Cooldown steps after the 1st, 2nd, 3rd… counted failure (the last one repeats).
pub const STEPS: [Duration; 3] = [
    Duration::from_secs(30),
    Duration::from_secs(60),
    Duration::from_secs(300),
];

/// Cooldown steps for billing failures (402: out of credit is not fixed in seconds).
pub const BILLING_STEPS: [Duration; 3] = [
    Duration::from_secs(300),
    Duration::from_secs(3600),
    Duration::from_secs(5 * 3600),
];

/// The longest `Retry-After` honoured.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// One model's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelState {
    /// Counted failures in a row.
    pub failures: u32,
    /// Skipped until then (`None`: usable).
    pub until: Option<Instant>,
    /// The last failure's class.
    pub reason: ProviderErrorKind,
    /// The last failure's HTTP status.
    pub status: Option<u16>,
    /// When the last counted failure happened.
    pub failed_at: Instant,
    /// The wall-clock time of `failed_at`, so "cooling until" is stable for the UI.
    pub failed_wall: SystemTime,
}

impl ModelState {
    /// Whether it is cooling down at `now`.
    pub fn cooling(&self, now: Instant) -> bool {
        self.until.is_some_and(|u| u > now)
    }
}

/// The shared table.
#[derive(Debug, Default)]
pub struct Cooldowns {
    table: Mutex<HashMap<String, ModelState>>,
}

/// The cooldown for the `failures`-th failure of `kind`, or what `retry_after` asked.
pub fn period(kind: ProviderErrorKind, failures: u32, retry_after: Option<Duration>) -> Duration {
    let steps = if kind == ProviderErrorKind::Billing {
        &BILLING_STEPS
    } else {
        &STEPS
    };
    let step = steps[(failures.max(1) as usize - 1).min(steps.len() - 1)];
    match retry_after {
        Some(after) => after.clamp(Duration::from_secs(1), MAX_RETRY_AFTER),
        None => step,
    }
}

/// A failure counted by the rule in the module docs, over any clock: `tokio` instants here,
/// wall-clock milliseconds in the shared store ([`crate::state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted<T> {
    /// Counted failures in a row.
    pub failures: u32,
    /// Skipped until then.
    pub until: Option<T>,
    /// When the last counted failure happened.
    pub failed_at: T,
    /// The last failure's class.
    pub reason: ProviderErrorKind,
    /// The last failure's HTTP status.
    pub status: Option<u16>,
}

/// One failure of an attempt that started at `started`, seen at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure<T> {
    /// Its class.
    pub kind: ProviderErrorKind,
    /// Its HTTP status.
    pub status: Option<u16>,
    /// What `Retry-After` asked.
    pub retry_after: Option<Duration>,
    /// When its attempt started.
    pub started: T,
    /// When it was seen.
    pub now: T,
}

/// The state after `failure`, given the state before it (`None`: usable). A failure counts
/// only when its attempt started after the last counted one; an older one can only extend the
/// cooldown by a longer `Retry-After`.
pub fn count<T>(before: Option<Counted<T>>, failure: Failure<T>) -> Counted<T>
where
    T: Copy + Ord + std::ops::Add<Duration, Output = T>,
{
    let Failure {
        kind,
        status,
        retry_after,
        started,
        now,
    } = failure;
    let mut state = before.unwrap_or(Counted {
        failures: 0,
        until: None,
        failed_at: started,
        reason: kind,
        status,
    });
    if state.failures == 0 || started >= state.failed_at {
        state.failures += 1;
        state.failed_at = now;
        state.until = Some(now + period(kind, state.failures, retry_after));
        state.reason = kind;
        state.status = status;
    } else if let Some(after) = retry_after {
        let asked = now + after.min(MAX_RETRY_AFTER);
        state.until = Some(state.until.map_or(asked, |u| u.max(asked)));
    }
    state
}

impl Cooldowns {
    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, ModelState>> {
        // The table holds plain data: a panic elsewhere cannot leave it half-updated.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long `model` still cools down at `now`.
    pub fn remaining(&self, model: &str, now: Instant) -> Option<Duration> {
        let until = self.table().get(model)?.until?;
        (until > now).then(|| until - now)
    }

    /// Records a failure of an attempt that started at `started`; returns the model's state.
    pub fn fail(
        &self,
        model: &str,
        kind: ProviderErrorKind,
        status: Option<u16>,
        retry_after: Option<Duration>,
        started: Instant,
        now: Instant,
    ) -> ModelState {
        let mut table = self.table();
        let before = table.get(model).map(|s| Counted {
            failures: s.failures,
            until: s.until,
            failed_at: s.failed_at,
            reason: s.reason,
            status: s.status,
        });
        let failure = Failure {
            kind,
            status,
            retry_after,
            started,
            now,
        };
        let counted = before.is_none_or(|b| b.failures == 0 || started >= b.failed_at);
        let after = count(before, failure);
        let failed_wall = match table.get(model) {
            Some(s) if !counted => s.failed_wall,
            _ => SystemTime::now(),
        };
        let state = ModelState {
            failures: after.failures,
            until: after.until,
            reason: after.reason,
            status: after.status,
            failed_at: after.failed_at,
            failed_wall,
        };
        table.insert(model.to_owned(), state);
        state
    }

    /// Takes in a cooldown another process recorded (from [`crate::state`]): the longer
    /// cooldown and the higher count win, the newer failure gives the reason. True if this
    /// table changed.
    pub fn adopt(&self, model: &str, shared: ModelState) -> bool {
        let mut table = self.table();
        let merged = match table.get(model) {
            None => shared,
            Some(mine) => {
                let newer = if shared.failed_wall > mine.failed_wall {
                    shared
                } else {
                    *mine
                };
                ModelState {
                    failures: mine.failures.max(shared.failures),
                    until: mine.until.max(shared.until),
                    ..newer
                }
            }
        };
        let changed = table.get(model) != Some(&merged);
        table.insert(model.to_owned(), merged);
        changed
    }

    /// Records a success of an attempt that started at `started`; true if the state changed.
    pub fn succeed(&self, model: &str, started: Instant) -> bool {
        let mut table = self.table();
        match table.get(model) {
            Some(state) if started >= state.failed_at => {
                table.remove(model);
                true
            }
            _ => false,
        }
    }

    /// Every model with state, sorted by name.
    pub fn snapshot(&self) -> Vec<(String, ModelState)> {
        let mut all: Vec<_> = self.table().iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Forgets every cooldown (the user asked to retry everything).
    pub fn clear(&self) {
        self.table().clear();
    }

    /// Forgets the cooldowns `which` picks (a changed key lifts those its old key caused).
    pub fn forget_where(&self, which: impl Fn(&str, &ModelState) -> bool) {
        self.table().retain(|model, state| !which(model, state));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProviderErrorKind as K;

    #[tokio::test(start_paused = true)]
    async fn grows_caps_and_expires() {
        let c = Cooldowns::default();
        let mut seen = Vec::new();
        for _ in 0..5 {
            let now = Instant::now();
            let s = c.fail("a/m", K::Server, Some(500), None, now, now);
            seen.push(s.until.map(|u| u - now));
            tokio::time::advance(Duration::from_secs(301)).await;
        }
        let secs: Vec<u64> = seen.iter().flatten().map(Duration::as_secs).collect();
        assert_eq!(secs, [30, 60, 300, 300, 300]);
        let now = Instant::now();
        c.fail("a/m", K::Server, None, None, now, now);
        assert_eq!(c.remaining("a/m", now), Some(Duration::from_secs(300)));
        tokio::time::advance(Duration::from_secs(300)).await;
        assert_eq!(c.remaining("a/m", Instant::now()), None);
        assert!(c.succeed("a/m", Instant::now()));
        assert!(c.snapshot().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_and_billing() {
        let c = Cooldowns::default();
        let now = Instant::now();
        c.fail(
            "a/m",
            K::RateLimit,
            Some(429),
            Some(Duration::from_secs(7)),
            now,
            now,
        );
        assert_eq!(c.remaining("a/m", now), Some(Duration::from_secs(7)));
        c.fail("b/m", K::Billing, Some(402), None, now, now);
        assert_eq!(c.remaining("b/m", now), Some(Duration::from_secs(300)));
    }

    #[tokio::test(start_paused = true)]
    async fn stale_failures_and_successes_do_not_count() {
        let c = Cooldowns::default();
        let t0 = Instant::now();
        tokio::time::advance(Duration::from_millis(5)).await;
        let t1 = Instant::now();
        for _ in 0..50 {
            c.fail("a/m", K::Overloaded, Some(503), None, t0, t1);
        }
        let state = c.snapshot()[0].1;
        assert_eq!(state.failures, 1);
        // A success that began before the failure does not clear it.
        assert!(!c.succeed("a/m", t0));
        assert!(c.remaining("a/m", t1).is_some());
    }
}

//! The router's side of the shared state ([`crate::state`]): cooldowns and reachability other
//! processes recorded are adopted into this router's tables before a request picks its
//! candidate, and this router's failures and successes are written back. A router without a
//! store (tests, benches) keeps everything in memory, as before.
//!
//! The in-memory table stays the one failover reads, on `tokio` instants; the store is on the
//! wall clock. A failure is counted in memory first (so the route event's cooldown is known at
//! once), then in the store, whose answer (perhaps a higher count from another process) is
//! adopted.

use std::sync::PoisonError;
use std::time::SystemTime;

use tokio::time::Instant;

use super::cooldown::{Failure, ModelState};
use super::{health, Reach, Router};
use crate::providers::ProviderError;
use crate::state::{SharedCooldown, StateStore};

/// A write for the store, made where no `.await` is possible and sent just after.
#[derive(Debug, Clone)]
pub(super) enum Pending {
    /// A failure that put `model` in cooldown.
    Failed {
        model: String,
        failure: Failure<SystemTime>,
    },
    /// A success of an attempt that started at `started`.
    Succeeded { model: String, started: SystemTime },
}

/// The wall-clock time of `at` (a `tokio` instant in the past).
fn wall_of(at: Instant) -> SystemTime {
    let ago = Instant::now().saturating_duration_since(at);
    SystemTime::now() - ago
}

impl Pending {
    /// The failure of `model` that [`Router::failed`] just counted in memory.
    pub(super) fn failed(model: &str, error: &ProviderError, started: Instant) -> Pending {
        Pending::Failed {
            model: model.to_owned(),
            failure: Failure {
                kind: error.kind(),
                status: error.status(),
                retry_after: error.retry_after(),
                started: wall_of(started),
                now: SystemTime::now(),
            },
        }
    }

    /// A success of `model` whose attempt started at `started`.
    pub(super) fn succeeded(model: &str, started: Instant) -> Pending {
        Pending::Succeeded {
            model: model.to_owned(),
            started: wall_of(started),
        }
    }
}

/// A shared cooldown as this process's table holds it, anchored at `now`.
fn local_state(shared: &SharedCooldown, now: Instant) -> ModelState {
    let wall_now = SystemTime::now();
    let instant_of = |at: SystemTime| match at.duration_since(wall_now) {
        Ok(ahead) => now + ahead,
        Err(behind) => now.checked_sub(behind.duration()).unwrap_or(now),
    };
    ModelState {
        failures: shared.failures,
        until: shared.until.map(instant_of),
        reason: shared.reason,
        status: shared.status,
        failed_at: instant_of(shared.failed_at),
        failed_wall: shared.failed_at,
    }
}

impl Router {
    /// Shares this router's cooldowns and reachability through `store` from now on.
    pub fn set_state(&self, store: StateStore) {
        *self
            .inner
            .state
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(store);
    }

    /// The store this router shares its state through, if any.
    pub fn state(&self) -> Option<StateStore> {
        self.inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Adopts what other processes recorded: the cooldowns of `models` (`None`: every model)
    /// and the reachability of the configured providers. True if the health changed.
    pub async fn sync_state(&self, models: Option<&[String]>) {
        let Some(store) = self.state() else { return };
        let mut changed = false;
        let now = Instant::now();
        for (model, shared) in store.cooldowns(models).await {
            changed |= self
                .inner
                .cooldowns
                .adopt(&model, local_state(&shared, now));
        }
        if models.is_none() {
            let providers: Vec<String> = self
                .config()
                .providers
                .iter()
                .map(|p| p.id.clone())
                .collect();
            for (provider, reach) in store.reach(&providers).await {
                changed |= self.inner.reach.record(&provider, reach);
            }
        }
        if changed {
            self.publish_health();
        }
    }

    /// Sends writes made during a request to the store.
    pub(super) async fn share(&self, pending: Vec<Pending>) {
        let Some(store) = self.state() else { return };
        for write in pending {
            match write {
                Pending::Failed { model, failure } => {
                    if let Some(shared) = store.fail(&model, failure).await {
                        let adopted = local_state(&shared, Instant::now());
                        if self.inner.cooldowns.adopt(&model, adopted) {
                            self.publish_health();
                        }
                    }
                }
                Pending::Succeeded { model, started } => {
                    store.succeed(&model, started).await;
                    let answered = Reach {
                        reachable: true,
                        checked: SystemTime::now(),
                    };
                    store
                        .mark_reach(health::provider_of(&model), answered)
                        .await;
                }
            }
        }
    }

    /// Whether a success of `model` has anything to clear or mark in the store.
    pub(super) fn shares(&self) -> bool {
        self.inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Records probe results in the store, for the other processes.
    pub(super) async fn share_probes(&self, probes: &[super::Probe], checked: SystemTime) {
        let Some(store) = self.state() else { return };
        for probe in probes {
            let reach = Reach {
                reachable: probe.reachable,
                checked,
            };
            store.mark_reach(&probe.provider, reach).await;
        }
    }

    /// Forgets every cooldown here and in the store.
    pub async fn clear_shared_cooldowns(&self) {
        self.clear_cooldowns();
        if let Some(store) = self.state() {
            store.clear().await;
        }
    }
}

//! The run's side of the shared router state: the plan's cooldowns other processes recorded
//! are read once, before the first pick; failures and successes are queued where no `.await`
//! is possible and written before the caller sees the next item.

use std::time::Duration;

use tokio::time::Instant;

use super::Run;
use crate::providers::ProviderError;
use crate::router::shared::Pending;

impl Run {
    /// Adopts the shared cooldowns of the plan, once per run (a silent primary another run
    /// waited for).
    pub(super) async fn sync_once(&mut self) {
        if !self.synced {
            self.synced = true;
            let models: Vec<String> = self.plan.iter().map(|c| c.model_ref.clone()).collect();
            self.router.sync_state(Some(&models)).await;
        }
    }

    /// Writes what is queued, before the caller sees the outcome, so a process that exits
    /// right after its answer has shared what it ran into.
    pub(super) async fn flush_shared(&mut self) {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.router.share(pending).await;
        }
    }

    /// Puts `model` in cooldown here, and in the shared store just after.
    pub(super) fn cool(
        &mut self,
        model: &str,
        error: &ProviderError,
        started: Instant,
    ) -> Duration {
        let cooldown = self.router.failed(model, error, started);
        if self.router.shares() {
            self.pending.push(Pending::failed(model, error, started));
        }
        cooldown
    }

    /// Records `model`'s answer; the store learns of it only if it changed something here.
    pub(super) fn answered(&mut self, model: &str, started: Instant) {
        if self.router.succeeded(model, started) && self.router.shares() {
            self.pending.push(Pending::succeeded(model, started));
        }
    }
}

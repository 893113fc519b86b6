//! The router's side of the policies (`crate::policy`): the policy in force, the spend ledger
//! the budgets are checked against, the measured speeds, and the order candidates are tried in
//! ([`Router::plan`]: fastest local first when asked).

use std::sync::{Arc, PoisonError};

use super::{health, reach, Candidate, RouteError, Router};
use crate::policy::{Ledger, Policy, Speed, SpeedBook};

impl Router {
    /// The policies in force (offline, budgets, …).
    pub fn policy(&self) -> Arc<Policy> {
        self.inner
            .policy
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Uses `policy` from now on.
    pub fn set_policy(&self, policy: Policy) {
        *self
            .inner
            .policy
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(policy);
    }

    pub(crate) fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        let mut ledger = self
            .inner
            .ledger
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        ledger.roll_to(chrono::Local::now().date_naive());
        ledger
    }

    /// When the ledger and speeds were last loaded from the history; held while loading, so
    /// two chats starting together load once.
    pub(crate) fn ledger_loaded(&self) -> std::sync::MutexGuard<'_, Option<std::time::Instant>> {
        self.inner
            .ledger_loaded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces the spend ledger (loaded from the history).
    pub fn set_ledger(&self, ledger: Ledger) {
        *self.ledger() = ledger;
    }

    /// Adds one answer's cost (`None`: unknown price) to `model_ref`'s provider's spend.
    pub fn record_spend(&self, model_ref: &str, usd: Option<f64>) {
        let provider = health::provider_of(model_ref).to_owned();
        let day = chrono::Local::now().date_naive();
        self.ledger()
            .record(crate::policy::spend::Spent { provider, usd, day });
    }

    /// Records one answer's timing for `model_ref`.
    pub fn record_speed(
        &self,
        model_ref: &str,
        first_token_ms: u64,
        tokens_per_second: Option<f64>,
    ) {
        self.speed_book()
            .record(model_ref, first_token_ms, tokens_per_second);
    }

    /// Replaces the measured speeds (loaded from the history).
    pub fn set_speed_book(&self, book: SpeedBook) {
        *self.speed_book() = book;
    }

    /// The measured speed of `model_ref`, if it answered before.
    pub fn speed(&self, model_ref: &str) -> Option<Speed> {
        self.speed_book().speed(model_ref)
    }

    fn speed_book(&self) -> std::sync::MutexGuard<'_, SpeedBook> {
        self.inner
            .speed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The candidates in the order they are tried: [`Router::candidates`], with the local
    /// ones of the primary route ordered fastest first when the policy asks for it (a model
    /// asked for by name keeps its place).
    pub fn plan(&self, requested: Option<&str>) -> Result<Vec<Candidate>, RouteError> {
        let mut plan = self.candidates(requested)?;
        let policy = self.policy();
        if policy.fastest_local_first && requested.is_none() {
            let config = self.config();
            let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            let is_local = |c: &Candidate| {
                let provider = health::provider_of(&c.model_ref);
                reach::base_url_of(&config, provider, &lookup).is_some_and(|url| {
                    crate::policy::place::place_of(provider, &url, &policy.stays_local)
                        == crate::policy::Place::ThisMachine
                })
            };
            self.speed_book()
                .order_local(&mut plan, |c| c.model_ref.as_str(), is_local);
        }
        Ok(plan)
    }

    /// Spend so far against the budgets.
    pub fn spend_report(&self) -> crate::policy::Report {
        let policy = self.policy();
        self.ledger().report(&policy.budgets)
    }
}

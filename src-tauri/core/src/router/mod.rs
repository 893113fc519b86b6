//! The router: which model answers a request, and what happens when one fails.
//!
//! - [`candidates`]: a request's model ref or alias (or none: the primary) becomes the ordered
//!   candidate list: requested, the fallbacks, then the primary, alias-resolved, de-duplicated.
//! - [`cooldown`]: per `provider/model` cooldowns (30 s, 1 min, 5 min; billing longer;
//!   `Retry-After` honoured), shared by every caller of one [`Router`].
//! - [`health`]: route events (one per attempt) and the health summary for the tray and UI.
//! - [`reach`]: which providers answer at all (probes of local servers, successful answers);
//!   health reports an unreachable provider as down, failover never looks at it.
//! - [`capability`]: whether a model can take a request's images and tools at all (a
//!   fallback that cannot is skipped).
//! - `retry`: which candidates "retry on next route" asks (none on the server that broke).
//! - `policy`: the policy in force, the spend ledger, measured speeds and [`Router::plan`].
//! - `shared`: cooldowns and reachability shared with other processes through a
//!   [`crate::state::StateStore`] ([`Router::set_state`]).
//! - `run`: the failover loop behind [`Router::route`], a stream of [`RouteItem`]s.
//!
//! Failover by error class (DESIGN.md "Router semantics"): auth, billing, forbidden,
//! not_found, rate_limit, overloaded, server, timeout, connection (and malformed or truncated
//! replies) fail over and put the model in cooldown; bad_request stops; context_overflow skips
//! to a candidate with a larger window; a cancel stops and never fails over. Before the first
//! token a failover shows only as route events; after it the answer ends as
//! [`RouteError::Interrupted`], whose [`RetryFrom`] feeds [`Router::retry_next`].
//!
//! ```no_run
//! # async fn demo(config: switchboard_core::config::Config) -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::StreamExt;
//! use switchboard_core::providers::{CancellationToken, ChatRequest, Event, Turn};
//! use switchboard_core::router::{RouteItem, Router};
//! let router = Router::new(config)?;
//! let request = ChatRequest { turns: vec![Turn::user("Hi")], stream: true, ..Default::default() };
//! let mut items = router.route(None, request, CancellationToken::new())?;
//! while let Some(item) = items.next().await {
//!     match item? {
//!         RouteItem::Route(e) => eprintln!("{} {:?}", e.model, e.outcome),
//!         RouteItem::Event(Event::Text(t)) => print!("{t}"),
//!         RouteItem::Event(_) => {}
//!     }
//! }
//! # Ok(()) }
//! ```

mod attempt;
pub mod candidates;
pub mod capability;
pub mod cooldown;
mod error;
pub mod health;
mod policy;
pub mod reach;
mod rekey;
mod retry;
mod run;
mod shared;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::config::model::Config;
use crate::policy::{Ledger, Policy, SpeedBook};
use crate::providers::{
    resolve_target, CancellationToken, ChatRequest, Client, ProviderError, Target,
};

pub use attempt::{AttemptOutcome, AttemptReason, RouteAttempt, SkippedCoolingDown, COOLDOWN};
pub use candidates::{aliases, estimate_tokens, resolve_ref, Candidate};
pub use cooldown::Cooldowns;
pub use error::{RetryFrom, RouteError, RouteErrorKind, WindowSize};
pub use health::{Health, Overall, ProviderHealth, ProviderState, RouteEvent};
pub use reach::{Probe, Reach};
pub use run::{RouteItem, RouteStream};

/// Turns a `provider/model` ref into a [`Target`] (the default reads keys from the keychain
/// and the environment; tests pass an in-memory store).
pub type Resolver = Arc<dyn Fn(&Config, &str) -> Result<Target, ProviderError> + Send + Sync>;

/// The router. Cheap to clone; clones share the cooldowns, the event channel and the health.
#[derive(Clone)]
pub struct Router {
    inner: Arc<Inner>,
}

struct Inner {
    config: RwLock<Arc<Config>>,
    client: Client,
    resolve: Resolver,
    targets: Mutex<HashMap<String, Arc<Target>>>,
    cooldowns: Cooldowns,
    reach: reach::ReachTable,
    events: broadcast::Sender<RouteEvent>,
    health: watch::Sender<Health>,
    policy: RwLock<Arc<Policy>>,
    ledger: Mutex<Ledger>,
    /// When the ledger and speeds were last loaded from the history.
    ledger_loaded: Mutex<Option<std::time::Instant>>,
    speed: Mutex<SpeedBook>,
    /// Where cooldowns and reachability are shared with other processes (none: memory only).
    state: RwLock<Option<crate::state::StateStore>>,
}

/// Per-request routing options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteOptions {
    /// Private: only routes that stay on this machine (the offline switch makes every request
    /// private).
    pub private: bool,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router").finish_non_exhaustive()
    }
}

impl Router {
    /// A router over `config` with the default HTTP client and key resolution.
    pub fn new(config: Config) -> Result<Router, ProviderError> {
        let client = Client::new(Duration::from_secs(10))?;
        Ok(Router::with_parts(
            config,
            client,
            Arc::new(|c: &Config, r: &str| resolve_target(c, r)),
        ))
    }

    /// A router with an explicit client and resolver.
    pub fn with_parts(config: Config, client: Client, resolve: Resolver) -> Router {
        let (events, _) = broadcast::channel(256);
        let router = Router {
            inner: Arc::new(Inner {
                config: RwLock::new(Arc::new(config)),
                client,
                resolve,
                targets: Mutex::default(),
                cooldowns: Cooldowns::default(),
                reach: reach::ReachTable::default(),
                events,
                health: watch::Sender::new(Health::default()),
                policy: RwLock::default(),
                ledger: Mutex::new(Ledger::new(chrono::Local::now().date_naive())),
                ledger_loaded: Mutex::default(),
                speed: Mutex::default(),
                state: RwLock::default(),
            }),
        };
        router.publish_health();
        router
    }

    /// The config in use.
    pub fn config(&self) -> Arc<Config> {
        self.inner
            .config
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Uses `config` from now on (cooldowns are kept; resolved targets and keys are not).
    pub fn set_config(&self, config: Config) {
        *self
            .inner
            .config
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(config);
        self.forget_targets();
        self.publish_health();
    }

    /// Forgets resolved targets, so changed keys are read again.
    pub fn forget_targets(&self) {
        self.targets().clear();
    }

    fn targets(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Target>>> {
        self.inner
            .targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The resolved target of `model_ref`, if it is cached.
    fn cached_target(&self, model_ref: &str) -> Option<Arc<Target>> {
        self.targets().get(model_ref).cloned()
    }

    /// [`Router::target`] off the async workers: resolving reads the keychain, which can wait
    /// on an unlock prompt, so an uncached target is resolved on the blocking pool.
    async fn target_async(&self, model_ref: &str) -> Result<Arc<Target>, ProviderError> {
        if let Some(target) = self.cached_target(model_ref) {
            return Ok(target);
        }
        let router = self.clone();
        let wanted = model_ref.to_owned();
        tokio::task::spawn_blocking(move || router.target(&wanted))
            .await
            .unwrap_or_else(|e| {
                Err(ProviderError::new(
                    crate::providers::ProviderErrorKind::Config,
                    format!("the key lookup for {model_ref} failed: {e}"),
                ))
            })
    }

    /// The resolved target of `model_ref` (`provider/model`), cached. Blocking: it may read
    /// the keychain.
    pub fn target(&self, model_ref: &str) -> Result<Arc<Target>, ProviderError> {
        if let Some(t) = self.targets().get(model_ref) {
            return Ok(t.clone());
        }
        let target = Arc::new((self.inner.resolve)(&self.config(), model_ref)?);
        self.targets().insert(model_ref.to_owned(), target.clone());
        Ok(target)
    }

    /// The candidates for `requested` (`None`: the primary route), in order.
    pub fn candidates(&self, requested: Option<&str>) -> Result<Vec<Candidate>, RouteError> {
        candidates::candidates(&self.config(), requested)
    }

    /// Routes `request` to `requested` (a ref or alias; `None`: the primary route), failing
    /// over as needed, with the default options. Unknown refs fail here, before anything is
    /// sent.
    pub fn route(
        &self,
        requested: Option<&str>,
        request: ChatRequest,
        cancel: CancellationToken,
    ) -> Result<RouteStream, RouteError> {
        self.route_with(requested, request, RouteOptions::default(), cancel)
    }

    /// [`Router::route`] with per-request options (private).
    pub fn route_with(
        &self,
        requested: Option<&str>,
        request: ChatRequest,
        options: RouteOptions,
        cancel: CancellationToken,
    ) -> Result<RouteStream, RouteError> {
        let plan = self.plan(requested)?;
        self.publish_health();
        Ok(run::start(
            self.clone(),
            requested.map(str::to_owned),
            plan,
            request,
            options,
            cancel,
        ))
    }

    /// The candidates "retry on next route" asks after `retry`, in order: those after the
    /// model that failed, minus every one served from the same server (base URL origin).
    pub fn retry_plan(&self, retry: &RetryFrom) -> Result<Vec<Candidate>, RouteError> {
        let plan = self.plan(retry.requested.as_deref())?;
        let config = self.config();
        let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let origin_of = |provider: &str| {
            reach::base_url_of(&config, provider, &lookup)
                .and_then(|url| retry::origin_of_url(&url))
        };
        Ok(retry::after_failure(plan, &retry.after, origin_of))
    }

    /// "Retry on next route": routes `request` again to [`Router::retry_plan`].
    pub fn retry_next(
        &self,
        retry: &RetryFrom,
        request: ChatRequest,
        options: RouteOptions,
        cancel: CancellationToken,
    ) -> Result<RouteStream, RouteError> {
        let plan = self.retry_plan(retry)?;
        if plan.is_empty() {
            return Err(RouteError::NoRoute(format!(
                "no candidate after {} on another server",
                retry.after
            )));
        }
        Ok(run::start(
            self.clone(),
            retry.requested.clone(),
            plan,
            request,
            options,
            cancel,
        ))
    }

    /// Every route event of every request from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<RouteEvent> {
        self.inner.events.subscribe()
    }

    /// The health summary; it changes when a model enters or leaves cooldown.
    pub fn health(&self) -> watch::Receiver<Health> {
        self.publish_health();
        self.inner.health.subscribe()
    }

    /// How long `model` (`provider/model`) still cools down.
    pub fn cooldown(&self, model: &str) -> Option<Duration> {
        self.inner.cooldowns.remaining(model, Instant::now())
    }

    /// The shared cooldown table.
    pub fn cooldowns(&self) -> &Cooldowns {
        &self.inner.cooldowns
    }

    /// Forgets every cooldown.
    pub fn clear_cooldowns(&self) {
        self.inner.cooldowns.clear();
        self.publish_health();
    }

    fn client(&self) -> &Client {
        &self.inner.client
    }

    fn emit(&self, event: &RouteEvent) {
        // No subscriber is fine: the event also goes to the caller's stream.
        let _unheard = self.inner.events.send(event.clone());
    }

    fn failed(&self, model: &str, error: &ProviderError, started: Instant) -> Duration {
        let now = Instant::now();
        let state = self.inner.cooldowns.fail(
            model,
            error.kind(),
            error.status(),
            error.retry_after(),
            started,
            now,
        );
        self.publish_health();
        state
            .until
            .map_or(Duration::ZERO, |u| u.saturating_duration_since(now))
    }

    /// Records a success; true if it changed this router's state (a cooldown ended, the
    /// provider is known to answer again), so the shared store has something to learn.
    fn succeeded(&self, model: &str, started: Instant) -> bool {
        let cleared = self.inner.cooldowns.succeed(model, started);
        let answered = Reach {
            reachable: true,
            checked: SystemTime::now(),
        };
        let reached = self
            .inner
            .reach
            .record(health::provider_of(model), answered);
        if cleared || reached {
            self.publish_health();
        }
        cleared || reached
    }

    /// Records probe results found by a probe that started at `checked`, and publishes the
    /// health. Failover is unchanged; only the health summary reports unreachable providers.
    pub fn record_probes(&self, probes: &[Probe], checked: SystemTime) {
        for probe in probes {
            let reach = Reach {
                reachable: probe.reachable,
                checked,
            };
            self.inner.reach.record(&probe.provider, reach);
        }
        self.publish_health();
    }

    /// Probes the configured providers served on this machine or the local network (never a
    /// hosted one), records the results and publishes the health; returns them.
    pub async fn probe_local(&self, timeout: Duration) -> Vec<Probe> {
        let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let endpoints = reach::local_endpoints(&self.config(), &lookup);
        let checked = SystemTime::now();
        let probes = reach::probe(&endpoints, timeout).await;
        self.record_probes(&probes, checked);
        self.share_probes(&probes, checked).await;
        // What the CLI and other gateways ran into since the last probe.
        self.sync_state(None).await;
        probes
    }

    /// Recomputes the health summary and publishes it if it changed.
    pub fn publish_health(&self) {
        let config = self.config();
        let route: Vec<String> = candidates::candidates(&config, None)
            .map(|c| c.into_iter().map(|c| c.model_ref).collect())
            .unwrap_or_default();
        let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let providers: Vec<health::Configured> = config
            .providers
            .iter()
            .map(|p| health::Configured {
                id: p.id.clone(),
                local: reach::base_url_of(&config, &p.id, &lookup)
                    .is_some_and(|url| reach::is_local_url(&url)),
            })
            .collect();
        let summary = health::summarize(
            &route,
            &providers,
            &self.inner.cooldowns.snapshot(),
            &self.inner.reach.snapshot(),
            Instant::now(),
        );
        self.inner.health.send_if_modified(|h| {
            let changed = *h != summary;
            if changed {
                *h = summary;
            }
            changed
        });
    }
}

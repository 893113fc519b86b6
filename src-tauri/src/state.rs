//! The state every command can reach: core services and what was probed at start.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use switchboard_core::chat::{Engine, RetryPoints};
use switchboard_core::config::{self, model::Config};
use switchboard_core::discovery::ScanReport;
use switchboard_core::history::{HistoryStore, Recovered};
use switchboard_core::paths::Paths;
use switchboard_core::providers::CancellationToken;
use switchboard_core::router::Router;

use crate::error::{IpcError, IpcErrorKind};

use crate::live::LiveState;
use crate::models::Environment;
use crate::settings::SettingsState;

/// Managed by Tauri; commands take `State<'_, AppState>`.
#[derive(Debug)]
pub(crate) struct AppState {
    /// Where the config, data and logs live.
    pub paths: Paths,
    /// What the desktop offers (D-Bus, tray host, keychain).
    pub environment: Environment,
    /// The chat history store, opened in `setup`.
    pub history: HistoryState,
    /// The chats streaming now, by request id, so `chat_cancel` can stop them.
    pub chats: ChatRequests,
    /// The LM Studio downloads being followed, by request id, so `lmstudio_download_cancel`
    /// can stop following them.
    pub downloads: ChatRequests,
    /// The one router every chat goes through (created in `setup`).
    pub router: RouterState,
    /// The wizard's route tests running now, by group, so they can be abandoned.
    pub route_tests: RouteTests,
    /// The desktop settings in effect (theme, tray behaviour, detection).
    pub settings: SettingsState,
    /// The last detection of local servers, for the model picker's facts.
    pub detected: LastDetection,
    /// The config and settings files as last read, and their watcher.
    pub live: LiveState,
}

impl AppState {
    /// The chat engine over the app's router and history (both opened in `setup`).
    pub(crate) fn engine(&self) -> Result<Engine, IpcError> {
        let router = self.router.get()?;
        let history = self.history.store()?;
        Ok(Engine::new(
            (*router).clone(),
            Some(history),
            self.router.retries.clone(),
        ))
    }
}

/// The last report of a local-server scan (none until one ran).
#[derive(Debug, Default)]
pub(crate) struct LastDetection(Mutex<Option<Arc<ScanReport>>>);

impl LastDetection {
    /// Keeps `report` as the last one.
    pub(crate) fn set(&self, report: ScanReport) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(report));
    }

    /// The last report, if a scan ran.
    pub(crate) fn last(&self) -> Option<Arc<ScanReport>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The shared router, created in `setup` from the config on disk (a missing or broken config
/// gives a router with no routes, never a failed start), and the "retry on next route" points
/// of answers that failed after their first token.
#[derive(Debug, Default)]
pub(crate) struct RouterState {
    router: OnceLock<Result<Arc<Router>, IpcError>>,
    /// Where "retry on next route" goes on from, shared by every chat.
    pub retries: RetryPoints,
}

/// The config at `path`, or an empty one when it is missing or broken (logged).
pub(crate) fn config_or_empty(path: &Path) -> Config {
    match config::load(path).and_then(config::Loaded::into_config) {
        Ok(config) => config,
        Err(e) => {
            tracing::warn!("routing with no routes until the config is fixed: {e}");
            Config::default()
        }
    }
}

/// Shares the router's cooldowns and reachability with the CLI and `serve` through the data
/// dir's state file, and adopts what is there now; one that cannot be opened leaves the router
/// on its own (logged).
pub(crate) fn share_state(router: &Router, data_dir: &Path) {
    match switchboard_core::state::StateStore::open("local", data_dir) {
        Ok(store) => {
            router.set_state(store);
            // What a CLI run or a gateway ran into before the app started shows at once; later
            // changes come with each detection round and each chat.
            let router = router.clone();
            tauri::async_runtime::spawn(async move { router.sync_state(None).await });
        }
        Err(e) => tracing::warn!("cooldowns not shared with the CLI and serve: {e}"),
    }
}

impl RouterState {
    /// Creates the router over `config`; a second call does nothing.
    pub(crate) fn init(&self, config: Config) -> Result<Arc<Router>, IpcError> {
        self.router
            .get_or_init(|| {
                Router::new(config).map(Arc::new).map_err(|e| {
                    tracing::error!("no router: {e}");
                    IpcError {
                        kind: IpcErrorKind::Internal,
                        message: format!("the router could not start: {e}"),
                    }
                })
            })
            .clone()
    }

    /// The router, or why there is none.
    pub(crate) fn get(&self) -> Result<Arc<Router>, IpcError> {
        match self.router.get() {
            Some(result) => result.clone(),
            None => Err(IpcError {
                kind: IpcErrorKind::NotReady,
                message: "the router is still starting".into(),
            }),
        }
    }

    /// Forgets resolved keys, so a changed key is read again, and the cooldowns the old key
    /// caused.
    pub(crate) fn forget_targets(&self) {
        if let Ok(router) = self.get() {
            router.keys_changed();
        }
    }
}

/// A request id, unique for the life of the app (JSON-safe: below 2^53).
pub(crate) type RequestId = u64;

/// The cancellation tokens of the chats streaming now. Each entry is removed by the
/// [`ChatRequestGuard`] that [`ChatRequests::register`] returns, however the stream ends.
#[derive(Debug, Default, Clone)]
pub(crate) struct ChatRequests {
    next: Arc<AtomicU64>,
    running: Arc<Mutex<HashMap<RequestId, CancellationToken>>>,
}

impl ChatRequests {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<RequestId, CancellationToken>> {
        // A panic while holding this short lock leaves the map usable; take it anyway.
        self.running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new request: its id, its token, and the guard that forgets it when dropped.
    pub(crate) fn register(&self) -> ChatRequestGuard {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let token = CancellationToken::new();
        self.lock().insert(id, token.clone());
        ChatRequestGuard {
            id,
            token,
            requests: self.clone(),
        }
    }

    /// Fires request `id`'s token; `false` when it is not running (already ended).
    pub(crate) fn cancel(&self, id: RequestId) -> bool {
        let token = self.lock().get(&id).cloned();
        match token {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// How many chats are streaming.
    #[cfg(test)]
    pub(crate) fn running(&self) -> usize {
        self.lock().len()
    }
}

/// Keeps one request registered; dropping it (stream ended, task panicked) removes it.
#[derive(Debug)]
pub(crate) struct ChatRequestGuard {
    /// The request id the UI cancels with.
    pub id: RequestId,
    /// Fired by `chat_cancel`.
    pub token: CancellationToken,
    requests: ChatRequests,
}

impl Drop for ChatRequestGuard {
    fn drop(&mut self) {
        self.requests.lock().remove(&self.id);
    }
}

/// The cancellation tokens of running route tests, by group (one group per "test all routes"
/// in the page). An entry lives while a test of its group runs, or until cancelled.
#[derive(Debug, Default, Clone)]
pub(crate) struct RouteTests(Arc<Mutex<HashMap<String, Group>>>);

/// A group's token (shared by its tests; its `Arc` tells one run of a name from the next) and
/// how many of its tests run.
type Group = (Arc<CancellationToken>, usize);

impl RouteTests {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Group>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Joins `group` (made on first use); the guard leaves it when dropped.
    pub(crate) fn join(&self, group: &str) -> RouteTestGuard {
        let mut groups = self.lock();
        let entry = groups
            .entry(group.to_owned())
            .or_insert_with(|| (Arc::new(CancellationToken::new()), 0));
        entry.1 += 1;
        RouteTestGuard {
            group: group.to_owned(),
            token: entry.0.clone(),
            tests: self.clone(),
        }
    }

    /// Cancels every running test of `group`; `false` when none runs.
    pub(crate) fn cancel(&self, group: &str) -> bool {
        match self.lock().remove(group) {
            Some((token, _)) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    #[cfg(test)]
    pub(crate) fn groups(&self) -> usize {
        self.lock().len()
    }
}

/// One running test's membership in its group.
#[derive(Debug)]
pub(crate) struct RouteTestGuard {
    group: String,
    /// Fired by `route_test_cancel` for the whole group.
    pub token: Arc<CancellationToken>,
    tests: RouteTests,
}

impl Drop for RouteTestGuard {
    fn drop(&mut self) {
        let mut groups = self.tests.lock();
        let last = match groups.get_mut(&self.group) {
            // A cancelled group was removed already; a new one of the same name is not ours.
            Some((token, count)) if Arc::ptr_eq(token, &self.token) => {
                *count -= 1;
                *count == 0
            }
            _ => false,
        };
        if last {
            groups.remove(&self.group);
        }
    }
}

/// The chat history store, or why it could not be opened. It is opened in `setup`, after the
/// single-instance guard, so a second launch never touches the database. A store that fails to
/// open is reported (logged, and by `history_status`) and only the history commands fail.
#[derive(Debug, Default)]
pub(crate) struct HistoryState {
    opened: OnceLock<Result<HistoryStore, IpcError>>,
    recovered: OnceLock<Recovered>,
}

impl HistoryState {
    /// Opens the store in `data_dir`; a second call does nothing.
    pub(crate) fn open(&self, data_dir: &Path) {
        self.opened.get_or_init(|| {
            match HistoryStore::open(data_dir) {
                Ok(opened) => {
                    if let Some(recovered) = opened.recovered {
                        // The store logged it as a warning; the UI asks `history_status`.
                        let _already = self.recovered.set(recovered);
                    }
                    Ok(opened.store)
                }
                Err(err) => {
                    let err = IpcError::from(switchboard_core::Error::from(err));
                    tracing::error!("chat history is unavailable: {err}");
                    Err(err)
                }
            }
        });
    }

    /// The store, or the error that kept it from opening.
    pub(crate) fn store(&self) -> Result<HistoryStore, IpcError> {
        match self.opened.get() {
            Some(Ok(store)) => Ok(store.clone()),
            Some(Err(err)) => Err(err.clone()),
            None => Err(IpcError {
                kind: IpcErrorKind::NotReady,
                message: "the chat history is still opening".into(),
            }),
        }
    }

    /// The damaged database that was moved aside at start, if any.
    pub(crate) fn recovered(&self) -> Option<&Recovered> {
        self.recovered.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throw-away directory (the app crate has no tempfile dependency).
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new() -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let dir = std::env::temp_dir().join(format!(
                "switchboard-state-test-{}-{nanos}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).expect("creates");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            if let Err(e) = std::fs::remove_dir_all(&self.0) {
                eprintln!("cannot remove {}: {e}", self.0.display());
            }
        }
    }

    #[test]
    fn history_opens_once_and_failures_are_errors_not_panics() {
        let state = HistoryState::default();
        assert_eq!(state.store().expect_err("not yet").kind, "not_ready");
        let dir = TempDir::new();
        std::fs::write(dir.0.join("history.sqlite3"), "not a database".repeat(100))
            .expect("writes");
        state.open(dir.0.as_path());
        assert!(state.store().is_ok());
        let recovered = state.recovered().expect("reported");
        assert!(recovered.moved_to.exists());

        let broken = HistoryState::default();
        let file = dir.0.as_path().join("a-file");
        std::fs::write(&file, "x").expect("writes");
        // The data dir is a file: the store cannot be created there.
        broken.open(&file);
        let err = broken.store().expect_err("unavailable");
        assert_eq!(err.kind, "io");
        broken.open(dir.0.as_path());
        assert!(broken.store().is_err(), "the first outcome stays");
    }

    #[test]
    fn chat_requests_cancel_while_running_and_are_forgotten_on_drop() {
        let requests = ChatRequests::default();
        let first = requests.register();
        let second = requests.register();
        assert_ne!(first.id, second.id);
        assert_eq!(requests.running(), 2);
        assert!(requests.cancel(first.id));
        assert!(first.token.is_cancelled());
        assert!(!second.token.is_cancelled());
        let id = first.id;
        drop(first);
        assert_eq!(requests.running(), 1);
        assert!(!requests.cancel(id), "an ended request cannot be cancelled");
        drop(second);
        assert_eq!(requests.running(), 0);
    }

    #[test]
    fn a_group_lives_while_its_tests_run_and_cancel_reaches_all_of_them() {
        let tests = RouteTests::default();
        let a = tests.join("g1");
        let b = tests.join("g1");
        assert_eq!(tests.groups(), 1);
        drop(a);
        assert_eq!(tests.groups(), 1, "one test still runs");
        drop(b);
        assert_eq!(tests.groups(), 0, "the last test leaves the group");
        let c = tests.join("g2");
        let d = tests.join("g2");
        assert!(tests.cancel("g2"));
        assert!(c.token.is_cancelled() && d.token.is_cancelled());
        assert!(!tests.cancel("g2"), "already cancelled");
        // A new run under the same name is not touched by the old guards leaving.
        let e = tests.join("g2");
        drop(c);
        drop(d);
        assert_eq!(tests.groups(), 1);
        assert!(!e.token.is_cancelled());
    }
}

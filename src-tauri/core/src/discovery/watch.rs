//! Watch mode for the app: re-scan every 10 s (backing off while nothing changes) and on demand,
//! and publish what changed as [`HealthEvent`]s for the tray and the UI.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;

use super::types::{ScanReport, ServerKind, Status};
use super::Scanner;

/// A change between two scans.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum HealthEvent {
    /// A server is now running.
    #[serde(rename_all = "camelCase")]
    Up {
        /// Which server.
        kind: ServerKind,
        /// Its base URL.
        base_url: String,
    },
    /// A server that was running is not any more (stopped, or something else took the port).
    #[serde(rename_all = "camelCase")]
    Down {
        /// Which server.
        kind: ServerKind,
        /// Its base URL.
        base_url: String,
        /// Its status now.
        status: Status,
    },
    /// The set of loaded models changed.
    #[serde(rename_all = "camelCase")]
    LoadedModelsChanged {
        /// Which server.
        kind: ServerKind,
        /// Its base URL.
        base_url: String,
        /// The loaded model ids now.
        loaded: Vec<String>,
    },
}

/// What changed from `before` to `after` (servers matched by base URL).
pub fn diff(before: &ScanReport, after: &ScanReport) -> Vec<HealthEvent> {
    let mut events = Vec::new();
    for now in &after.servers {
        let then = before.servers.iter().find(|s| s.base_url == now.base_url);
        let was_running = then.is_some_and(|s| s.status == Status::Running);
        let is_running = now.status == Status::Running;
        let base_url = now.base_url.clone();
        match (was_running, is_running) {
            (false, true) => events.push(HealthEvent::Up {
                kind: now.kind,
                base_url,
            }),
            (true, false) => events.push(HealthEvent::Down {
                kind: now.kind,
                base_url,
                status: now.status,
            }),
            (true, true) => {
                let loaded = now.loaded_models();
                if then.is_some_and(|s| s.loaded_models() != loaded) {
                    events.push(HealthEvent::LoadedModelsChanged {
                        kind: now.kind,
                        base_url,
                        loaded: loaded.into_iter().map(str::to_owned).collect(),
                    });
                }
            }
            (false, false) => {}
        }
    }
    events
}

/// How often to re-scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The interval after a change (and at start): 10 s.
    pub base: Duration,
    /// The longest interval while nothing changes.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(10),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The next interval: back to `base` after a change, else doubled up to `max`.
    pub fn next(&self, current: Duration, changed: bool) -> Duration {
        if changed {
            self.base
        } else {
            (current * 2).min(self.max)
        }
    }
}

/// One published scan: the report and what changed since the previous one.
#[derive(Debug, Clone)]
pub struct Update {
    /// The newest report.
    pub report: Arc<ScanReport>,
    /// The changes (every running server is "up" in the first update).
    pub events: Vec<HealthEvent>,
}

/// A running watch; dropping it stops the task.
#[derive(Debug)]
pub struct Watcher {
    rescan: Arc<Notify>,
    cancel: CancellationToken,
}

impl Watcher {
    /// Starts watching on the current Tokio runtime; updates with changes go to `updates`.
    pub fn spawn(scanner: Scanner, backoff: Backoff, updates: mpsc::Sender<Update>) -> Self {
        let rescan = Arc::new(Notify::new());
        let cancel = CancellationToken::new();
        let (notify, token) = (rescan.clone(), cancel.clone());
        tokio::spawn(async move {
            let mut previous = ScanReport::default();
            let mut interval = backoff.base;
            let mut first = true;
            loop {
                let report = tokio::select! {
                    () = token.cancelled() => return,
                    report = scanner.scan() => report,
                };
                let events = diff(&previous, &report);
                let changed = !events.is_empty();
                if changed || first {
                    let update = Update {
                        report: Arc::new(report.clone()),
                        events,
                    };
                    if updates.send(update).await.is_err() {
                        return;
                    }
                }
                first = false;
                interval = backoff.next(interval, changed);
                previous = report;
                tokio::select! {
                    () = token.cancelled() => return,
                    () = notify.notified() => interval = backoff.base,
                    () = tokio::time::sleep(interval) => {}
                }
            }
        });
        Watcher { rescan, cancel }
    }

    /// Scans now instead of waiting for the interval.
    pub fn rescan(&self) {
        self.rescan.notify_one();
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{DetectedModel, DetectedServer};

    fn lmstudio(status: Status, loaded: &[&str]) -> ScanReport {
        let mut server =
            DetectedServer::new(ServerKind::LmStudio, "http://127.0.0.1:1234/v1", status);
        server.models = loaded
            .iter()
            .map(|id| {
                let mut m = DetectedModel::bare(*id);
                m.loaded = Some(true);
                m
            })
            .collect();
        ScanReport::new(vec![server])
    }

    #[test]
    fn up_down_and_loaded_changes_are_events() {
        let down = lmstudio(Status::NotRunning, &[]);
        let up = lmstudio(Status::Running, &["a"]);
        let swapped = lmstudio(Status::Running, &["b"]);
        assert!(matches!(diff(&down, &up)[..], [HealthEvent::Up { .. }]));
        assert!(diff(&up, &up).is_empty());
        assert_eq!(
            diff(&up, &swapped),
            vec![HealthEvent::LoadedModelsChanged {
                kind: ServerKind::LmStudio,
                base_url: "http://127.0.0.1:1234/v1".into(),
                loaded: vec!["b".into()],
            }]
        );
        let foreign = lmstudio(Status::OtherService, &[]);
        assert!(matches!(
            diff(&up, &foreign)[..],
            [HealthEvent::Down {
                status: Status::OtherService,
                ..
            }]
        ));
    }

    #[test]
    fn backoff_doubles_while_quiet_and_resets_on_change() {
        let b = Backoff::default();
        let s = Duration::from_secs;
        assert_eq!(b.next(s(10), false), s(20));
        assert_eq!(b.next(s(40), false), s(60));
        assert_eq!(b.next(s(60), true), s(10));
    }
}

//! Route events (one per attempt) and the health summary the tray and the UI show: per provider
//! ok / cooldown until T / down, and overall on primary / on fallback / no route.

use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;
use tokio::time::Instant;

use crate::history::{AttemptOutcome, RouteAttempt};
use crate::providers::ProviderErrorKind;

use super::cooldown::ModelState;

/// One attempt of one request: a candidate answered, failed, was skipped or was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteEvent {
    /// 1 for the first candidate considered.
    pub attempt: u32,
    /// `provider/model`.
    pub model: String,
    /// What happened.
    pub outcome: AttemptOutcome,
    /// The error class (`rate_limit`, …) or why it was skipped (`cooldown`,
    /// `context_overflow`, `config`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The HTTP status, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// From the start of the attempt to its answer's first token (`ok`) or its failure.
    pub elapsed_ms: u64,
    /// How long the model is now skipped, after a failure that put it in cooldown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cooldown_ms: Option<u64>,
}

impl RouteEvent {
    /// The history's shape of it.
    pub fn to_attempt(&self) -> RouteAttempt {
        RouteAttempt {
            attempt: self.attempt,
            model: self.model.clone(),
            outcome: self.outcome,
            reason: self.reason.clone(),
            status: self.status,
            elapsed_ms: self.elapsed_ms,
        }
    }
}

/// Overall state of the default route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// The primary is usable.
    OnPrimary,
    /// The primary is cooling down; a fallback is usable.
    OnFallback,
    /// Every candidate of the default route is cooling down (or none is configured).
    NoRoute,
}

/// One provider's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderState {
    /// No model of it is cooling down.
    Ok,
    /// A model of it is cooling down after errors.
    Cooldown,
    /// It could not be reached (refused, reset, timed out); skipped until `until`.
    Down,
}

/// One provider in the health summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderHealth {
    /// The provider id.
    pub provider: String,
    /// Its state.
    pub state: ProviderState,
    /// Until when (Unix ms), for `cooldown` and `down`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<u64>,
    /// The last error class, for `cooldown` and `down`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its models that are cooling down.
    pub cooling: Vec<String>,
}

/// What the tray and the UI show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// The default route's state.
    pub overall: Overall,
    /// The model the default route would use now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Every configured provider and every provider with a cooling model, by id.
    pub providers: Vec<ProviderHealth>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            overall: Overall::NoRoute,
            current: None,
            providers: Vec::new(),
        }
    }
}

/// Unix ms of `state.until`, anchored at the failure's wall-clock time.
fn unix_ms(state: &ModelState) -> Option<u64> {
    let until = state.until?;
    let wall = state.failed_wall + until.saturating_duration_since(state.failed_at);
    Some(
        wall.duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_millis() as u64,
    )
}

fn is_down(kind: ProviderErrorKind) -> bool {
    matches!(
        kind,
        ProviderErrorKind::Connection | ProviderErrorKind::Timeout
    )
}

/// The summary for `route` (the default candidates, primary first) and `providers` (the
/// configured ids) given the cooldown `table` at `now`.
pub fn summarize(
    route: &[String],
    providers: &[String],
    table: &[(String, ModelState)],
    now: Instant,
) -> Health {
    let cooling = |model: &str| table.iter().any(|(m, s)| m == model && s.cooling(now));
    let current = route.iter().find(|m| !cooling(m)).cloned();
    let overall = match (&current, route.first()) {
        (Some(c), Some(p)) if c == p => Overall::OnPrimary,
        (Some(_), _) => Overall::OnFallback,
        (None, _) => Overall::NoRoute,
    };
    let mut ids: Vec<String> = providers.to_vec();
    for (model, state) in table {
        let id = model.split_once('/').map_or(model.as_str(), |(p, _)| p);
        if state.cooling(now) && !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
    }
    ids.sort();
    ids.dedup();
    let providers = ids
        .into_iter()
        .map(|id| {
            let prefix = format!("{id}/");
            let hot: Vec<&(String, ModelState)> = table
                .iter()
                .filter(|(m, s)| m.starts_with(&prefix) && s.cooling(now))
                .collect();
            let worst = hot.iter().max_by_key(|(_, s)| (is_down(s.reason), s.until));
            let state = match worst {
                None => ProviderState::Ok,
                Some((_, s)) if is_down(s.reason) => ProviderState::Down,
                Some(_) => ProviderState::Cooldown,
            };
            ProviderHealth {
                provider: id,
                state,
                until_ms: worst.and_then(|(_, s)| unix_ms(s)),
                reason: worst.map(|(_, s)| s.reason.as_str().to_owned()),
                cooling: hot.iter().map(|(m, _)| m.clone()).collect(),
            }
        })
        .collect();
    Health {
        overall,
        current,
        providers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[tokio::test(start_paused = true)]
    async fn overall_follows_the_primary() {
        let now = Instant::now();
        let route = vec!["a/m".to_owned(), "b/n".to_owned()];
        let ids = vec!["a".to_owned(), "b".to_owned()];
        let h = summarize(&route, &ids, &[], now);
        assert_eq!(
            (h.overall, h.current.as_deref()),
            (Overall::OnPrimary, Some("a/m"))
        );
        let down = ModelState {
            failures: 1,
            until: Some(now + Duration::from_secs(30)),
            reason: ProviderErrorKind::Connection,
            status: None,
            failed_at: now,
            failed_wall: SystemTime::now(),
        };
        let h = summarize(&route, &ids, &[("a/m".into(), down)], now);
        assert_eq!(
            (h.overall, h.current.as_deref()),
            (Overall::OnFallback, Some("b/n"))
        );
        assert_eq!(h.providers[0].state, ProviderState::Down);
        assert_eq!(h.providers[1].state, ProviderState::Ok);
        let limited = ModelState {
            reason: ProviderErrorKind::RateLimit,
            ..down
        };
        let h = summarize(
            &route,
            &ids,
            &[("a/m".into(), down), ("b/n".into(), limited)],
            now,
        );
        assert_eq!(h.overall, Overall::NoRoute);
        assert_eq!(h.providers[1].state, ProviderState::Cooldown);
        let json = serde_json::to_value(&h).expect("json");
        assert_eq!(json["overall"], "no_route");
        assert_eq!(json["providers"][1]["reason"], "rate_limit");
    }
}

//! Route events (one per attempt) and the health summary the tray and the UI show: per provider
//! ok / cooldown until T / down (failed to connect, or found unreachable by a probe), and overall
//! on primary / on fallback / no route.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::time::Instant;

use super::attempt::{AttemptOutcome, RouteAttempt};
use crate::policy::Destination;
use crate::providers::ProviderErrorKind;

use super::cooldown::ModelState;
use super::reach::Reach;

/// One attempt of one request: a candidate answered, failed, was skipped or was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
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
    #[ts(optional, as = "Option<super::attempt::AttemptReason>")]
    pub reason: Option<String>,
    /// The HTTP status, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<u16>,
    /// From the start of the attempt to its answer's first token (`ok`) or its failure.
    pub elapsed_ms: u64,
    /// How long the model is now skipped, after a failure that put it in cooldown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cooldown_ms: Option<u64>,
    /// Where the request went (the privacy trail), for an attempt that was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub destination: Option<Destination>,
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
            destination: self.destination.clone(),
        }
    }
}

/// Overall state of the default route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "RouteOverall")]
pub enum Overall {
    /// The primary is usable.
    OnPrimary,
    /// The primary is cooling down; a fallback is usable.
    OnFallback,
    /// Every candidate of the default route is cooling down (or none is configured).
    NoRoute,
}

/// One provider's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ProviderState {
    /// No model of it is cooling down.
    Ok,
    /// A model of it is cooling down after errors.
    Cooldown,
    /// It could not be reached: a request failed to connect (skipped until `until`), or a
    /// probe found it unreachable (`reason` `unreachable`, until it answers again).
    Down,
}

/// One provider in the health summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderHealth {
    /// The provider id.
    pub provider: String,
    /// Its state.
    pub state: ProviderState,
    /// Until when (Unix ms), for `cooldown` and `down`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub until_ms: Option<u64>,
    /// The last error class, for `cooldown` and `down`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, as = "Option<HealthReason>")]
    pub reason: Option<String>,
    /// Its models that are cooling down.
    pub cooling: Vec<String>,
    /// Served on this machine or the local network (probed in the background).
    pub local: bool,
    /// Whether it answered the last probe or request, when one was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reachable: Option<bool>,
    /// When `reachable` was found out (Unix ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub checked_ms: Option<u64>,
}

/// The `reason` of a provider a probe found unreachable.
pub const UNREACHABLE: &str = "unreachable";

/// The values a provider's health `reason` takes on the wire, for the UI's TypeScript types
/// (the summary keeps it as text, so this enum is never built): its last error class, or
/// [`UNREACHABLE`] after a failed probe.
#[derive(ts_rs::TS)]
#[ts(untagged)]
pub enum HealthReason {
    /// The last error class.
    Provider(ProviderErrorKind),
    /// A probe found it unreachable.
    Probe(ProbedUnreachable),
}

/// The one value [`UNREACHABLE`], as a TypeScript type.
#[derive(serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ProbedUnreachable {
    /// `unreachable`.
    Unreachable,
}

/// A configured provider, as the summary needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configured {
    /// The provider id.
    pub id: String,
    /// Served on this machine or the local network.
    pub local: bool,
}

/// What the tray and the UI show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "RouteHealth")]
pub struct Health {
    /// The default route's state.
    pub overall: Overall,
    /// The model the default route would use now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
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

/// Unix ms of `wall`.
fn wall_ms(wall: SystemTime) -> u64 {
    wall.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as u64
}

/// Unix ms of `state.until`, anchored at the failure's wall-clock time.
fn unix_ms(state: &ModelState) -> Option<u64> {
    let until = state.until?;
    Some(wall_ms(
        state.failed_wall + until.saturating_duration_since(state.failed_at),
    ))
}

/// The provider id of a `provider/model` ref.
pub(crate) fn provider_of(model: &str) -> &str {
    model.split_once('/').map_or(model, |(p, _)| p)
}

fn is_down(kind: ProviderErrorKind) -> bool {
    matches!(
        kind,
        ProviderErrorKind::Connection | ProviderErrorKind::Timeout
    )
}

/// The summary for `route` (the default candidates, primary first) and `providers` (the
/// configured ones) given the cooldown `table` and what is known of reachability (`reach`) at
/// `now`. A model is current when it is not cooling down and its provider is not known to be
/// unreachable.
pub fn summarize(
    route: &[String],
    providers: &[Configured],
    table: &[(String, ModelState)],
    reach: &[(String, Reach)],
    now: Instant,
) -> Health {
    let reach_of = |id: &str| reach.iter().find(|(p, _)| p == id).map(|(_, r)| *r);
    let unreachable = |id: &str| reach_of(id).is_some_and(|r| !r.reachable);
    let cooling = |model: &str| table.iter().any(|(m, s)| m == model && s.cooling(now));
    let current = route
        .iter()
        .find(|m| !cooling(m) && !unreachable(provider_of(m)))
        .cloned();
    let overall = match (&current, route.first()) {
        (Some(c), Some(p)) if c == p => Overall::OnPrimary,
        (Some(_), _) => Overall::OnFallback,
        (None, _) => Overall::NoRoute,
    };
    let mut ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
    for (model, state) in table {
        if state.cooling(now) {
            ids.push(provider_of(model));
        }
    }
    ids.sort_unstable();
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
            let reach = reach_of(id);
            let (state, until_ms, reason) = match worst {
                _ if unreachable(id) => (ProviderState::Down, None, Some(UNREACHABLE.to_owned())),
                None => (ProviderState::Ok, None, None),
                Some((_, s)) => (
                    if is_down(s.reason) {
                        ProviderState::Down
                    } else {
                        ProviderState::Cooldown
                    },
                    unix_ms(s),
                    Some(s.reason.as_str().to_owned()),
                ),
            };
            ProviderHealth {
                provider: id.to_owned(),
                state,
                until_ms,
                reason,
                cooling: hot.iter().map(|(m, _)| m.clone()).collect(),
                local: providers.iter().any(|p| p.id == id && p.local),
                reachable: reach.map(|r| r.reachable),
                checked_ms: reach.map(|r| wall_ms(r.checked)),
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

    #[test]
    fn the_typescript_unreachable_reason_is_the_wire_name() {
        let json = serde_json::to_value(ProbedUnreachable::Unreachable).expect("json");
        assert_eq!(json, UNREACHABLE);
    }

    fn configured(ids: &[(&str, bool)]) -> Vec<Configured> {
        ids.iter()
            .map(|(id, local)| Configured {
                id: (*id).to_owned(),
                local: *local,
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn overall_follows_the_primary() {
        let now = Instant::now();
        let route = vec!["a/m".to_owned(), "b/n".to_owned()];
        let ids = configured(&[("a", false), ("b", false)]);
        let h = summarize(&route, &ids, &[], &[], now);
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
        let h = summarize(&route, &ids, &[("a/m".into(), down)], &[], now);
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
            &[],
            now,
        );
        assert_eq!(h.overall, Overall::NoRoute);
        assert_eq!(h.providers[1].state, ProviderState::Cooldown);
        let json = serde_json::to_value(&h).expect("json");
        assert_eq!(json["overall"], "no_route");
        assert_eq!(json["providers"][1]["reason"], "rate_limit");
    }

    #[tokio::test(start_paused = true)]
    async fn an_unreachable_provider_is_down_and_skipped_until_it_answers() {
        let now = Instant::now();
        let route = vec![
            "local/m".to_owned(),
            "lan/n".to_owned(),
            "cloud/o".to_owned(),
        ];
        let ids = configured(&[("local", true), ("lan", true), ("cloud", false)]);
        let checked = UNIX_EPOCH + Duration::from_secs(1_000);
        let reach = |reachable| Reach { reachable, checked };
        let h = summarize(
            &route,
            &ids,
            &[],
            &[("local".into(), reach(false)), ("lan".into(), reach(true))],
            now,
        );
        assert_eq!(
            (h.overall, h.current.as_deref()),
            (Overall::OnFallback, Some("lan/n"))
        );
        let local = &h.providers[2];
        assert_eq!(
            (
                local.provider.as_str(),
                local.state,
                local.reason.as_deref()
            ),
            ("local", ProviderState::Down, Some(UNREACHABLE))
        );
        assert_eq!(
            (local.reachable, local.checked_ms),
            (Some(false), Some(1_000_000))
        );
        assert!(local.local && local.until_ms.is_none());
        let lan = &h.providers[1];
        assert_eq!((lan.state, lan.reachable), (ProviderState::Ok, Some(true)));
        let cloud = &h.providers[0];
        assert_eq!(
            (cloud.local, cloud.reachable, cloud.checked_ms),
            (false, None, None)
        );

        let both = [("local".into(), reach(false)), ("lan".into(), reach(false))];
        let h = summarize(&route, &ids, &[], &both, now);
        assert_eq!(h.current.as_deref(), Some("cloud/o"));
        let h = summarize(&route[..2], &ids, &[], &both, now);
        assert_eq!((h.overall, h.current), (Overall::NoRoute, None));

        let json = serde_json::to_value(summarize(&route, &ids, &[], &both, now)).expect("json");
        assert_eq!(json["providers"][2]["reason"], "unreachable");
        assert_eq!(json["providers"][2]["checkedMs"], 1_000_000);
        assert!(json["providers"][2].get("untilMs").is_none());
        assert!(json["providers"][0].get("reachable").is_none());
    }
}

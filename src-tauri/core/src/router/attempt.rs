//! The route vocabulary: what happened to each candidate of a routed request. The router makes
//! these; the history stores them as it is given them.

use serde::{Deserialize, Serialize};

use crate::policy::Destination;

/// What happened to one candidate model while routing a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// This model answered.
    Ok,
    /// It failed; the router moved on (or gave up).
    Failed,
    /// It was not tried (cooldown, context too small, private, budget).
    Skipped,
    /// The person cancelled while it was running.
    Cancelled,
}

/// The `reason` of a candidate skipped while it cools down; other reasons are a
/// [`ProviderErrorKind`](crate::providers::ProviderErrorKind)'s wire name.
pub const COOLDOWN: &str = "cooldown";

/// The values a route attempt's `reason` takes on the wire, for the UI's TypeScript types: the
/// router and the history keep it as text, so this enum is never built; a test pins it to
/// [`COOLDOWN`] and the policies' reasons.
#[derive(ts_rs::TS)]
#[ts(untagged, rename = "RouteAttemptReason")]
pub enum AttemptReason {
    /// It failed with a provider's error class.
    Provider(crate::providers::ProviderErrorKind),
    /// It was skipped while it cools down ([`COOLDOWN`]).
    Cooldown(SkippedCoolingDown),
    /// A policy skipped it (`private`, `budget`).
    Refused(crate::policy::RefusalReason),
    /// It cannot take the request (images, tools).
    Incapable(Incapable),
}

/// The route event reasons of [`super::capability`], as a TypeScript type.
#[derive(serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Incapable {
    /// [`super::capability::NO_IMAGE_INPUT`].
    NoImageInput,
    /// [`super::capability::NO_TOOL_USE`].
    NoToolUse,
}

/// The one value [`COOLDOWN`], as a TypeScript type.
#[derive(serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SkippedCoolingDown {
    /// `cooldown`.
    Cooldown,
}

/// One route attempt with its reason, as the router reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RouteAttempt {
    /// 1 for the first candidate.
    pub attempt: u32,
    /// `provider/model`.
    pub model: String,
    /// What happened.
    pub outcome: AttemptOutcome,
    /// The router's error class (`rate_limit`, `timeout`, …), if it failed or was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, as = "Option<AttemptReason>")]
    pub reason: Option<String>,
    /// The HTTP status, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<u16>,
    /// How long the attempt took.
    #[serde(default)]
    pub elapsed_ms: u64,
    /// Where the request went (the privacy trail), for an attempt that was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub destination: Option<Destination>,
}

impl RouteAttempt {
    /// Whether this attempt sent the text off this machine.
    pub fn left_machine(&self) -> bool {
        self.destination.as_ref().is_some_and(|d| d.left_machine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typescript_cooldown_reason_is_the_wire_name() {
        let json = serde_json::to_value(SkippedCoolingDown::Cooldown).expect("json");
        assert_eq!(json, COOLDOWN);
        let json = serde_json::to_value(Incapable::NoImageInput).expect("json");
        assert_eq!(json, super::super::capability::NO_IMAGE_INPUT);
        let json = serde_json::to_value(Incapable::NoToolUse).expect("json");
        assert_eq!(json, super::super::capability::NO_TOOL_USE);
    }

    #[test]
    fn route_attempts_match_the_cli_event_shape() {
        let attempt = RouteAttempt {
            attempt: 1,
            model: "anthropic/claude-sonnet-4-5".into(),
            outcome: AttemptOutcome::Failed,
            reason: Some("rate_limit".into()),
            status: Some(429),
            elapsed_ms: 120,
            destination: None,
        };
        let json = serde_json::to_value(&attempt).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"attempt": 1, "model": "anthropic/claude-sonnet-4-5",
                "outcome": "failed", "reason": "rate_limit", "status": 429, "elapsedMs": 120})
        );
    }
}

//! The one event vocabulary of a chat turn, the same for the desktop (a `Channel`), the CLI
//! (`chat --json`, one object per line) and the gateway (mapped to SSE chunks): DESIGN.md's
//! `chat --json` events plus `started`, which carries the ids the desktop needs.

use serde::{Serialize, Serializer};

use crate::history::{ConversationId, MessageId};
use crate::policy::{BudgetWarning, Destination};
use crate::providers::{ProviderErrorKind, StopReason, Timing, Usage};
use crate::router::{RouteError, RouteErrorKind, RouteEvent};

/// One event of a turn. Every turn ends with exactly one `done` or `error`.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum ChatEvent {
    /// The request went out: the conversation, the saved answer's id and the model tried first.
    Started {
        /// The conversation, when the turn is saved.
        conversation_id: Option<ConversationId>,
        /// The answer in the history, when it is saved.
        message_id: Option<MessageId>,
        /// `provider/model` tried first.
        model: String,
    },
    /// One attempt of the route: a model answered (`ok`), failed, was skipped or cancelled.
    Route(RouteEvent),
    /// A piece of the model's reasoning (never part of the answer).
    Reasoning {
        /// The new text.
        delta: String,
    },
    /// A piece of the answer.
    Text {
        /// The new text.
        delta: String,
    },
    /// A piece of a tool call: the first piece of a call has its id and name, the rest add
    /// to its arguments (JSON text).
    ToolCall {
        /// Which call of the answer (0, 1, …).
        index: u32,
        /// The call's id (first piece).
        #[serde(skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        id: Option<String>,
        /// The function's name (first piece).
        #[serde(skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        name: Option<String>,
        /// More of the arguments.
        arguments: String,
    },
    /// The answer ended: `stop`, `length`, or `cancelled`.
    Done {
        /// The model that answered.
        model: String,
        /// Why it ended.
        stop: StopReason,
        /// Token counts; `"unknown"` when the server reported none.
        #[serde(serialize_with = "known")]
        #[ts(type = "ChatUsage | \"unknown\"")]
        usage: Option<Usage>,
        /// USD at the configured rates; `"unknown"` without usage.
        #[serde(serialize_with = "known")]
        #[ts(type = "number | \"unknown\"")]
        cost: Option<f64>,
        /// Time to first token, total time, tokens per second.
        timing: Timing,
        /// Where the text went.
        trail: Trail,
    },
    /// Something to know that does not stop the turn (a budget at 80 %); comes just before
    /// the terminal event.
    Warning {
        /// For people, in English.
        message: String,
        /// The budget it is about, for a face that words it itself.
        budget: BudgetWarning,
    },
    /// The turn failed.
    Error {
        /// The error class: a provider's (`auth`, `rate_limit`, …) or the route's
        /// (`no_route`, `model_not_found`, `context_overflow`, …).
        reason: Reason,
        /// What went wrong, redacted.
        message: String,
        /// The HTTP status of the failure, when there was one.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        status: Option<u16>,
        /// It broke after its first token: the model "retry on next route" would ask next.
        retry_next: Option<String>,
        /// Where the text went before it failed (nowhere, when nothing was sent).
        trail: Trail,
    },
}

/// The privacy trail of a turn: whether the text left this machine and every place it was
/// sent, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ChatTrail")]
pub struct Trail {
    /// Whether any attempt sent the text off this machine.
    pub left_machine: bool,
    /// Each distinct place an attempt was sent to.
    pub destinations: Vec<Destination>,
}

impl Trail {
    /// Adds the place an attempt was sent to.
    pub fn add(&mut self, destination: &Destination) {
        self.left_machine |= destination.left_machine;
        if !self.destinations.contains(destination) {
            self.destinations.push(destination.clone());
        }
    }
}

/// Why a turn failed: the provider's error class when a provider failed, else the route's.
/// Serialized as its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(rename = "ChatErrorReason")]
pub enum Reason {
    /// The route could not be used (unknown model, no primary, nothing left, …).
    Route(RouteErrorKind),
    /// A provider failed (the last one tried, or the one that broke mid-answer).
    Provider(ProviderErrorKind),
}

impl Reason {
    /// The reason behind `error`.
    pub fn of(error: &RouteError) -> Reason {
        match error.provider_error() {
            Some(e) => Reason::Provider(e.kind()),
            None => Reason::Route(error.kind()),
        }
    }

    /// Every reason: the route's kinds, then the providers'. Some wire names are in both
    /// (`bad_request`, `context_overflow`, `cancelled`).
    pub fn all() -> impl Iterator<Item = Reason> {
        let route = RouteErrorKind::ALL.iter().copied().map(Reason::Route);
        route.chain(ProviderErrorKind::ALL.iter().copied().map(Reason::Provider))
    }

    /// The wire name (`rate_limit`, `model_not_found`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Route(kind) => kind.as_str(),
            Reason::Provider(kind) => kind.as_str(),
        }
    }
}

/// A value, or the string `"unknown"` (never a made-up zero).
fn known<T: Serialize, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => v.serialize(s),
        None => s.serialize_str("unknown"),
    }
}

impl ChatEvent {
    /// Whether this event ends the turn.
    pub fn is_terminal(&self) -> bool {
        matches!(self, ChatEvent::Done { .. } | ChatEvent::Error { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::AttemptOutcome;

    #[test]
    fn events_have_the_cli_json_shape() {
        let route = ChatEvent::Route(RouteEvent {
            attempt: 1,
            model: "a/b".into(),
            outcome: AttemptOutcome::Ok,
            reason: None,
            status: None,
            elapsed_ms: 3,
            cooldown_ms: None,
            destination: None,
        });
        assert_eq!(
            serde_json::to_value(&route).expect("json"),
            serde_json::json!({"type": "route", "attempt": 1, "model": "a/b", "outcome": "ok",
                               "elapsedMs": 3})
        );
        let done = ChatEvent::Done {
            model: "a/b".into(),
            stop: StopReason::Stop,
            usage: None,
            cost: None,
            timing: Timing::new(Some(5), 10, None),
            trail: Trail::default(),
        };
        assert_eq!(
            serde_json::to_value(&done).expect("json"),
            serde_json::json!({"type": "done", "model": "a/b", "stop": "stop",
                "usage": "unknown", "cost": "unknown",
                "timing": {"firstTokenMs": 5, "durationMs": 10, "tokensPerSecond": null},
                "trail": {"leftMachine": false, "destinations": []}})
        );
        let error = ChatEvent::Error {
            reason: Reason::Provider(ProviderErrorKind::RateLimit),
            message: "slow".into(),
            status: Some(429),
            retry_next: None,
            trail: Trail::default(),
        };
        assert_eq!(
            serde_json::to_value(&error).expect("json"),
            serde_json::json!({"type": "error", "reason": "rate_limit", "message": "slow",
                               "status": 429, "retryNext": null,
                               "trail": {"leftMachine": false, "destinations": []}})
        );
        assert!(error.is_terminal() && done.is_terminal() && !route.is_terminal());
    }
}

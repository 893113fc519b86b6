//! The normalized request and the normalized events every wire client produces.

use serde::Serialize;

use crate::config::model::Cost;

/// Who said a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person.
    User,
    /// The model.
    Assistant,
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// Who said it.
    pub role: Role,
    /// What was said (answer text only; reasoning is never sent back).
    pub text: String,
}

impl Turn {
    /// A user turn.
    pub fn user(text: impl Into<String>) -> Self {
        Turn {
            role: Role::User,
            text: text.into(),
        }
    }
}

/// A chat request, the same for every API.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    /// The system prompt.
    pub system: Option<String>,
    /// The turns, oldest first; the last is the user's.
    pub turns: Vec<Turn>,
    /// Stream the answer (else one request, one reply; the same events come out).
    pub stream: bool,
}

/// Why the answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model finished.
    Stop,
    /// The output token limit was reached.
    Length,
    /// The user cancelled.
    Cancelled,
}

/// Token counts of one answer. `input` excludes cached input: cache reads and writes are
/// counted apart, so cost is a plain sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// Uncached input tokens.
    pub input: u64,
    /// Output tokens (reasoning included).
    pub output: u64,
    /// Input tokens read from the provider's cache.
    pub cache_read: u64,
    /// Input tokens written to the provider's cache.
    pub cache_write: u64,
    /// Of `output`, how many were reasoning, when the provider says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<u64>,
}

impl Usage {
    /// USD for these tokens at `cost` (USD per million tokens; a missing rate is 0, as in
    /// OpenClaw).
    pub fn cost(&self, cost: Option<&Cost>) -> f64 {
        let Some(cost) = cost else { return 0.0 };
        let rate = |r: Option<f64>| r.filter(|r| r.is_finite()).unwrap_or(0.0);
        (self.input as f64 * rate(cost.input)
            + self.output as f64 * rate(cost.output)
            + self.cache_read as f64 * rate(cost.cache_read)
            + self.cache_write as f64 * rate(cost.cache_write))
            / 1_000_000.0
    }
}

/// One normalized stream event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A piece of the answer.
    Text(String),
    /// A piece of the model's reasoning (never part of the answer).
    Reasoning(String),
    /// The token counts, once known (just before [`Event::Done`]). When a server reports
    /// none, no `Usage` event comes: usage is unknown, never zero.
    Usage(Usage),
    /// The answer ended normally (the last event).
    Done(StopReason),
}

/// A whole answer, collected from the events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// The answer.
    pub text: String,
    /// The reasoning, apart.
    pub reasoning: String,
    /// Token counts; `None` when the server gave none.
    pub usage: Option<Usage>,
    /// Why it ended; `None` if no `Done` came.
    pub stop: Option<StopReason>,
}

impl Completion {
    /// Adds one event.
    pub fn add(&mut self, event: Event) {
        match event {
            Event::Text(t) => self.text.push_str(&t),
            Event::Reasoning(r) => self.reasoning.push_str(&r),
            Event::Usage(u) => self.usage = Some(u),
            Event::Done(stop) => self.stop = Some(stop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_tokens_times_rates_per_million() {
        let usage = Usage {
            input: 1_000_000,
            output: 500_000,
            cache_read: 2_000_000,
            cache_write: 100_000,
            reasoning: None,
        };
        let cost = Cost {
            input: Some(3.0),
            output: Some(15.0),
            cache_read: Some(0.3),
            cache_write: Some(3.75),
            extra: Vec::new(),
        };
        let usd = usage.cost(Some(&cost));
        assert!((usd - (3.0 + 7.5 + 0.6 + 0.375)).abs() < 1e-9, "{usd}");
        assert_eq!(usage.cost(None), 0.0);
    }
}

//! The normalized request and the normalized events every wire client produces.

use serde::{Deserialize, Serialize};

use super::options::{Image, RequestOptions, ToolCall, ToolCallDelta};
use crate::config::model::Cost;

/// Who said a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person.
    User,
    /// The model.
    Assistant,
    /// A tool's result, for the model's call.
    Tool,
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// Who said it.
    pub role: Role,
    /// What was said (answer text only; reasoning is never sent back); a tool turn's result.
    pub text: String,
    /// A user turn's images, after its text.
    pub images: Vec<Image>,
    /// An assistant turn's tool calls, after its text.
    pub tool_calls: Vec<ToolCall>,
    /// A tool turn's call id.
    pub tool_call_id: Option<String>,
}

impl Turn {
    /// A turn of `role` with plain text.
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        Turn {
            role,
            text: text.into(),
            images: Vec::new(),
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }

    /// A user turn.
    pub fn user(text: impl Into<String>) -> Self {
        Turn::text(Role::User, text)
    }

    /// An assistant turn.
    pub fn assistant(text: impl Into<String>) -> Self {
        Turn::text(Role::Assistant, text)
    }

    /// Whether it is more than plain text (images, tool calls or a tool result).
    pub fn is_rich(&self) -> bool {
        !self.images.is_empty() || !self.tool_calls.is_empty() || self.role == Role::Tool
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
    /// Parameters and tools the caller set (the gateway's clients).
    pub options: RequestOptions,
}

impl ChatRequest {
    /// Whether a turn carries an image.
    pub fn has_images(&self) -> bool {
        self.turns.iter().any(|t| !t.images.is_empty())
    }

    /// Whether the request offers tools or carries tool calls or results.
    pub fn uses_tools(&self) -> bool {
        self.options.uses_tools()
            || self
                .turns
                .iter()
                .any(|t| !t.tool_calls.is_empty() || t.role == Role::Tool)
    }
}

/// Why the answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model finished.
    Stop,
    /// The output token limit was reached.
    Length,
    /// The model called tools and waits for their results.
    ToolCalls,
    /// The user cancelled.
    Cancelled,
}

/// Token counts of one answer. `input` excludes cached input: cache reads and writes are
/// counted apart, so cost is a plain sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ChatUsage")]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reasoning: Option<u64>,
}

/// How fast an answer came: from the request going out to its first token and to its end.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ChatTiming")]
pub struct Timing {
    /// Milliseconds to the first token of text or reasoning; `None` when none came.
    pub first_token_ms: Option<u64>,
    /// Milliseconds to the end of the answer.
    pub duration_ms: u64,
    /// Output tokens per second after the first token; `None` without usage or time.
    pub tokens_per_second: Option<f64>,
}

impl Timing {
    /// The timing of an answer that took `duration_ms`, whose first token came after
    /// `first_token_ms`, with `output` tokens when the server reported them.
    pub fn new(first_token_ms: Option<u64>, duration_ms: u64, output: Option<u64>) -> Timing {
        let generating_ms = first_token_ms.map(|first| duration_ms.saturating_sub(first));
        let tokens_per_second = match (output, generating_ms) {
            (Some(tokens), Some(ms)) if tokens > 0 && ms > 0 => {
                Some((tokens as f64 * 1000.0 / ms as f64 * 10.0).round() / 10.0)
            }
            _ => None,
        };
        Timing {
            first_token_ms,
            duration_ms,
            tokens_per_second,
        }
    }
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
    /// A piece of a tool call.
    ToolCall(ToolCallDelta),
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
    /// The tool calls, whole.
    pub tool_calls: Vec<ToolCall>,
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
            Event::ToolCall(delta) => add_tool_call(&mut self.tool_calls, delta),
            Event::Usage(u) => self.usage = Some(u),
            Event::Done(stop) => self.stop = Some(stop),
        }
    }
}

/// Adds a streamed piece to the calls collected so far.
pub fn add_tool_call(calls: &mut Vec<ToolCall>, delta: ToolCallDelta) {
    let at = delta.index as usize;
    while calls.len() <= at {
        calls.push(ToolCall {
            id: String::new(),
            name: String::new(),
            arguments: String::new(),
        });
    }
    let call = &mut calls[at];
    if let Some(id) = delta.id {
        call.id = id;
    }
    if let Some(name) = delta.name {
        call.name.push_str(&name);
    }
    call.arguments.push_str(&delta.arguments);
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

    #[test]
    fn tokens_per_second_count_from_the_first_token() {
        let timing = Timing::new(Some(200), 1200, Some(50));
        assert_eq!(timing.tokens_per_second, Some(50.0));
        assert_eq!(Timing::new(None, 1200, Some(50)).tokens_per_second, None);
        assert_eq!(Timing::new(Some(200), 1200, None).tokens_per_second, None);
        assert_eq!(Timing::new(Some(200), 200, Some(5)).tokens_per_second, None);
        let json = serde_json::to_value(timing).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"firstTokenMs": 200, "durationMs": 1200, "tokensPerSecond": 50.0})
        );
    }
}

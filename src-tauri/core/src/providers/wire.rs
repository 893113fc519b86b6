//! What every wire API shares: the decoder trait the stream driver calls, and the answer state
//! (inline-tag splitting, usage, stop reason) each decoder keeps.

use serde_json::{json, Map, Value};

use super::error::{ProviderError, ProviderErrorKind};
use super::sse::SseEvent;
use super::target::Target;
use super::think::ThinkSplitter;
use super::types::{ChatRequest, Event, StopReason, Usage};

/// One API's reply decoder.
pub(super) trait Decoder: Send {
    /// Handles one SSE event; returns `true` when the provider said the answer is complete
    /// (after pushing the closing events).
    fn event(&mut self, event: &SseEvent, out: &mut Vec<Event>) -> Result<bool, ProviderError>;

    /// Handles a whole (non-streaming) JSON reply, closing events included.
    fn body(&mut self, body: &Value, out: &mut Vec<Event>) -> Result<(), ProviderError>;
}

/// A request ready to send: path under the base URL, JSON body, and its decoder.
pub(super) struct Prepared {
    pub(super) path: &'static str,
    pub(super) body: Value,
    pub(super) decoder: Box<dyn Decoder>,
}

/// The answer being decoded.
#[derive(Debug, Default)]
pub(super) struct Answer {
    splitter: ThinkSplitter,
    pub(super) usage: Option<Usage>,
    pub(super) stop: Option<StopReason>,
}

impl Answer {
    /// Answer text as the server sent it (inline think tags are split out here).
    pub(super) fn text(&mut self, text: &str, out: &mut Vec<Event>) {
        self.splitter.push(text, out);
    }

    /// Reasoning the protocol marks as such.
    pub(super) fn reasoning(&mut self, text: &str, out: &mut Vec<Event>) {
        if !text.is_empty() {
            out.push(Event::Reasoning(text.to_owned()));
        }
    }

    /// Closes the answer: held-back text, then usage (if known), then `Done`.
    pub(super) fn finish(&mut self, out: &mut Vec<Event>) {
        self.splitter.finish(out);
        if let Some(usage) = self.usage {
            out.push(Event::Usage(usage));
        }
        out.push(Event::Done(self.stop.unwrap_or(StopReason::Stop)));
    }
}

/// `value[key]` as a token count.
pub(super) fn count(value: &Value, key: &str) -> Option<u64> {
    value.get(key).and_then(Value::as_u64)
}

/// Parses one event's JSON data.
pub(super) fn parse_json(data: &str) -> Result<Value, ProviderError> {
    serde_json::from_str(data).map_err(|e| {
        let shown: String = data.chars().take(80).collect();
        ProviderError::new(
            ProviderErrorKind::Protocol,
            format!("the stream has a line that is not JSON ({e}): {shown}"),
        )
    })
}

/// The alias `params` a wire passes on, under the names that API uses. Unknown keys are left
/// out (OpenClaw keeps runtime-only settings there too).
pub(super) fn mapped_params(target: &Target, names: &[(&str, &str)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in &target.params {
        if let Some((_, wire)) = names.iter().find(|(k, _)| k == key) {
            out.insert((*wire).to_owned(), value.clone());
        } else {
            tracing::debug!(param = key.as_str(), "alias param not sent to this API");
        }
    }
    out
}

/// OpenAI-style `messages` (system first).
pub(super) fn openai_messages(request: &ChatRequest) -> Vec<Value> {
    let mut messages = Vec::with_capacity(request.turns.len() + 1);
    if let Some(system) = request.system.as_deref().filter(|s| !s.is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
    }
    for turn in &request.turns {
        messages.push(json!({"role": turn.role, "content": turn.text}));
    }
    messages
}

/// The `params` names shared by the OpenAI APIs (camelCase accepted too).
pub(super) const OPENAI_PARAMS: &[(&str, &str)] = &[
    ("temperature", "temperature"),
    ("top_p", "top_p"),
    ("topP", "top_p"),
    ("presence_penalty", "presence_penalty"),
    ("presencePenalty", "presence_penalty"),
    ("frequency_penalty", "frequency_penalty"),
    ("frequencyPenalty", "frequency_penalty"),
    ("seed", "seed"),
    ("stop", "stop"),
    ("top_k", "top_k"),
    ("topK", "top_k"),
];

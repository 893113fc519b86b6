//! What every wire API shares: the decoder trait the stream driver calls, and the answer state
//! (inline-tag splitting, usage, stop reason) each decoder keeps.

use serde_json::{json, Map, Value};

use super::error::{ProviderError, ProviderErrorKind};
use super::options::{ResponseFormat, ToolCallDelta, ToolChoice};
use super::sse::SseEvent;
use super::target::Target;
use super::think::ThinkSplitter;
use super::types::{ChatRequest, Event, Role, StopReason, Turn, Usage};

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
    /// Tool calls seen so far.
    pub(super) tool_calls: u32,
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

    /// The start of tool call number `index` (the calls counted from 0 in answer order).
    pub(super) fn tool_call_start(
        &mut self,
        index: u32,
        id: &str,
        name: &str,
        arguments: &str,
        out: &mut Vec<Event>,
    ) {
        self.tool_calls = self.tool_calls.max(index + 1);
        out.push(Event::ToolCall(ToolCallDelta {
            index,
            id: Some(id.to_owned()),
            name: Some(name.to_owned()),
            arguments: arguments.to_owned(),
        }));
    }

    /// More arguments of tool call `index`.
    pub(super) fn tool_call_arguments(
        &mut self,
        index: u32,
        arguments: &str,
        out: &mut Vec<Event>,
    ) {
        if !arguments.is_empty() {
            out.push(Event::ToolCall(ToolCallDelta {
                index,
                id: None,
                name: None,
                arguments: arguments.to_owned(),
            }));
        }
    }

    /// Closes the answer: held-back text, then usage (if known), then `Done` (an answer with
    /// tool calls and no other reason ends for them).
    pub(super) fn finish(&mut self, out: &mut Vec<Event>) {
        self.splitter.finish(out);
        if let Some(usage) = self.usage {
            out.push(Event::Usage(usage));
        }
        let stop = match self.stop {
            Some(StopReason::Stop) | None if self.tool_calls > 0 => StopReason::ToolCalls,
            Some(stop) => stop,
            None => StopReason::Stop,
        };
        out.push(Event::Done(stop));
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

/// OpenAI chat `messages` (system first): images as `image_url` parts, assistant
/// `tool_calls`, `tool` results.
pub(super) fn openai_messages(request: &ChatRequest) -> Vec<Value> {
    let mut messages = Vec::with_capacity(request.turns.len() + 1);
    if let Some(system) = request.system.as_deref().filter(|s| !s.is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
    }
    for turn in &request.turns {
        messages.push(openai_message(turn));
    }
    messages
}

fn openai_message(turn: &Turn) -> Value {
    match turn.role {
        Role::Tool => {
            json!({"role": "tool", "tool_call_id": turn.tool_call_id, "content": turn.text})
        }
        Role::Assistant if !turn.tool_calls.is_empty() => {
            let calls: Vec<Value> = turn
                .tool_calls
                .iter()
                .map(|c| {
                    json!({"id": c.id, "type": "function",
                                "function": {"name": c.name, "arguments": c.arguments}})
                })
                .collect();
            let content = (!turn.text.is_empty()).then_some(turn.text.as_str());
            json!({"role": "assistant", "content": content, "tool_calls": calls})
        }
        _ if !turn.images.is_empty() => {
            let mut parts = Vec::with_capacity(turn.images.len() + 1);
            if !turn.text.is_empty() {
                parts.push(json!({"type": "text", "text": turn.text}));
            }
            for image in &turn.images {
                let mut url = json!({"url": image.url});
                if let Some(detail) = &image.detail {
                    url["detail"] = json!(detail);
                }
                parts.push(json!({"type": "image_url", "image_url": url}));
            }
            json!({"role": turn.role, "content": parts})
        }
        _ => json!({"role": turn.role, "content": turn.text}),
    }
}

/// OpenAI's `tool_choice` value.
pub(super) fn openai_tool_choice(choice: &ToolChoice, responses: bool) -> Value {
    match choice {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::None => json!("none"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Tool(name) if responses => json!({"type": "function", "name": name}),
        ToolChoice::Tool(name) => json!({"type": "function", "function": {"name": name}}),
    }
}

/// OpenAI chat's `response_format` value.
pub(super) fn openai_response_format(format: &ResponseFormat) -> Value {
    match format {
        ResponseFormat::Text => json!({"type": "text"}),
        ResponseFormat::JsonObject => json!({"type": "json_object"}),
        ResponseFormat::JsonSchema {
            name,
            description,
            schema,
            strict,
        } => {
            let mut inner = json!({"name": name, "schema": schema});
            if let Some(d) = description {
                inner["description"] = json!(d);
            }
            if let Some(s) = strict {
                inner["strict"] = json!(s);
            }
            json!({"type": "json_schema", "json_schema": inner})
        }
    }
}

/// Sets `key` in `body` when `value` is there.
pub(super) fn set<T: serde::Serialize>(body: &mut Value, key: &str, value: Option<T>) {
    if let Some(v) = value {
        body[key] = json!(v);
    }
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

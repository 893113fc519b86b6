//! What the fakes share about tools: the calls a script makes, when a model stops calling
//! (once a result for its call is in the request), and OpenAI's check of `tool` messages.

use serde_json::Value;

use crate::openai::Script;

/// A tool call the fake model makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The call id (`call_…`, `toolu_…`).
    pub id: String,
    /// The function's name.
    pub name: String,
    /// The arguments' JSON text (streamed in pieces of `chunk_chars`).
    pub arguments: String,
}

impl Script {
    /// This script as it answers `request`: without its tool calls once the request carries a
    /// result for one (`tool_call_id`, `tool_use_id`, a `function_call_output`'s `call_id`).
    pub(crate) fn for_request(&self, request: &Value) -> Script {
        fn results<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
            match value {
                Value::Object(map) => {
                    for key in ["tool_call_id", "tool_use_id"] {
                        out.extend(map.get(key).and_then(Value::as_str));
                    }
                    if map.get("type").and_then(Value::as_str) == Some("function_call_output") {
                        out.extend(map.get("call_id").and_then(Value::as_str));
                    }
                    map.values().for_each(|v| results(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| results(v, out)),
                _ => {}
            }
        }
        let mut seen = Vec::new();
        results(request, &mut seen);
        let mut script = self.clone();
        if script
            .tool_calls
            .iter()
            .any(|c| seen.contains(&c.id.as_str()))
        {
            script.tool_calls.clear();
        }
        script
    }
}

/// As OpenAI does: every `tool` message answers a call of an earlier assistant message.
pub(crate) fn check_tool_messages(request: &Value) -> Result<(), String> {
    let mut called: Vec<&str> = Vec::new();
    for (i, m) in request["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for call in m["tool_calls"].as_array().into_iter().flatten() {
            called.extend(call["id"].as_str());
        }
        if m["role"] == "tool"
            && !m["tool_call_id"]
                .as_str()
                .is_some_and(|id| called.contains(&id))
        {
            return Err(format!(
                "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. (messages.[{i}])"
            ));
        }
    }
    Ok(())
}

//! `openai-responses`: `POST {baseUrl}/responses`. Reasoning is its own output item
//! (`response.reasoning_text.delta`, as LM Studio streams it, and reasoning summaries), apart
//! from `response.output_text.delta`. The stream ends with `response.completed` (or
//! `.incomplete` / `.failed`); LiteLLM ends it with `data: [DONE]` and no `event:` lines.

use serde_json::{json, Value};

use super::classify::frame_error;
use super::error::{ProviderError, ProviderErrorKind};
use super::options::ResponseFormat;
use super::sse::SseEvent;
use super::target::Target;
use super::types::{ChatRequest, Event, Role, StopReason, Usage};
use super::wire::{
    count, mapped_params, openai_tool_choice, parse_json, set, Answer, Decoder, Prepared,
    OPENAI_PARAMS,
};

/// A decoder for a reply.
pub(super) fn decoder() -> Box<dyn Decoder> {
    Box::new(Responses::default())
}

/// Builds the request.
pub(super) fn prepare(target: &Target, request: &ChatRequest) -> Prepared {
    let mut body = json!({
        "model": target.model,
        "input": input(request),
        "stream": request.stream,
    });
    if let Some(max) = target.max_tokens {
        body["max_output_tokens"] = json!(max);
    }
    let mut extra = mapped_params(target, OPENAI_PARAMS);
    extra.remove("stop");
    extra.remove("seed");
    if let Some(effort) = target
        .params
        .get("reasoningEffort")
        .or_else(|| target.params.get("reasoning_effort"))
    {
        extra.insert("reasoning".to_owned(), json!({"effort": effort}));
    }
    if let Some(object) = body.as_object_mut() {
        object.append(&mut extra);
    }
    options(request, &mut body);
    Prepared {
        path: "/responses",
        body,
        decoder: decoder(),
    }
}

/// The conversation as Responses input items: messages (images as `input_image` parts),
/// `function_call` items for an assistant's calls, `function_call_output` for results.
fn input(request: &ChatRequest) -> Vec<Value> {
    let mut items = Vec::with_capacity(request.turns.len() + 1);
    if let Some(system) = request.system.as_deref().filter(|s| !s.is_empty()) {
        items.push(json!({"role": "system", "content": system}));
    }
    for turn in &request.turns {
        match turn.role {
            Role::Tool => items.push(json!({"type": "function_call_output",
                "call_id": turn.tool_call_id, "output": turn.text})),
            Role::Assistant => {
                if !turn.text.is_empty() || turn.tool_calls.is_empty() {
                    items.push(json!({"role": "assistant", "content": turn.text}));
                }
                for call in &turn.tool_calls {
                    items.push(json!({"type": "function_call", "call_id": call.id,
                        "name": call.name, "arguments": call.arguments}));
                }
            }
            Role::User if !turn.images.is_empty() => {
                let mut parts = Vec::with_capacity(turn.images.len() + 1);
                if !turn.text.is_empty() {
                    parts.push(json!({"type": "input_text", "text": turn.text}));
                }
                for image in &turn.images {
                    let mut part = json!({"type": "input_image", "image_url": image.url});
                    set(&mut part, "detail", image.detail.as_ref());
                    parts.push(part);
                }
                items.push(json!({"role": "user", "content": parts}));
            }
            Role::User => items.push(json!({"role": "user", "content": turn.text})),
        }
    }
    items
}

/// The request's own parameters and tools, in the Responses API's names. `stop` and `seed`
/// have no Responses field and are left out.
fn options(request: &ChatRequest, body: &mut Value) {
    let o = &request.options;
    set(body, "temperature", o.temperature);
    set(body, "top_p", o.top_p);
    set(body, "max_output_tokens", o.max_tokens);
    if !o.stop.is_empty() || o.seed.is_some() {
        tracing::debug!("stop and seed are not sent: the Responses API has neither");
    }
    let format = match &o.response_format {
        Some(ResponseFormat::Text) => Some(json!({"type": "text"})),
        Some(ResponseFormat::JsonObject) => Some(json!({"type": "json_object"})),
        Some(ResponseFormat::JsonSchema {
            name,
            description,
            schema,
            strict,
        }) => {
            let mut f = json!({"type": "json_schema", "name": name, "schema": schema});
            set(&mut f, "description", description.as_ref());
            set(&mut f, "strict", *strict);
            Some(f)
        }
        None => None,
    };
    if let Some(format) = format {
        body["text"] = json!({"format": format});
    }
    if !o.tools.is_empty() {
        let tools: Vec<Value> = o
            .tools
            .iter()
            .map(|t| {
                let mut tool =
                    json!({"type": "function", "name": t.name, "parameters": t.parameters});
                set(&mut tool, "description", t.description.as_ref());
                set(&mut tool, "strict", t.strict);
                tool
            })
            .collect();
        body["tools"] = json!(tools);
    }
    set(
        body,
        "tool_choice",
        o.tool_choice.as_ref().map(|c| openai_tool_choice(c, true)),
    );
}

#[derive(Debug, Default)]
struct Responses {
    answer: Answer,
    /// The summary part last seen, to put a blank line between parts.
    summary_part: Option<(u64, u64)>,
    /// Output indexes of function calls, in order (a call's index is its place here).
    calls: Vec<u64>,
}

fn usage(usage: &Value) -> Option<Usage> {
    let input = count(usage, "input_tokens")?;
    let cached = usage
        .get("input_tokens_details")
        .and_then(|d| count(d, "cached_tokens"))
        .unwrap_or(0);
    Some(Usage {
        input: input.saturating_sub(cached),
        output: count(usage, "output_tokens").unwrap_or(0),
        cache_read: cached,
        cache_write: 0,
        reasoning: usage
            .get("output_tokens_details")
            .and_then(|d| count(d, "reasoning_tokens")),
    })
}

impl Responses {
    /// A `function_call` item at `output_index` starts (streamed, or whole in a body).
    fn call_item(&mut self, output_index: u64, item: &Value, out: &mut Vec<Event>) {
        let index = self.calls.len() as u32;
        self.calls.push(output_index);
        let field = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default();
        let id = match field("call_id") {
            "" => field("id"),
            id => id,
        };
        self.answer
            .tool_call_start(index, id, field("name"), field("arguments"), out);
    }

    /// The final `response` object: usage and whether it ran out of tokens.
    fn close(&mut self, response: &Value, out: &mut Vec<Event>) -> Result<(), ProviderError> {
        match response.get("status").and_then(Value::as_str) {
            Some("failed") => {
                let error = response.get("error").cloned().unwrap_or(Value::Null);
                return Err(frame_error(&error));
            }
            Some("incomplete") => {
                let reason = response
                    .pointer("/incomplete_details/reason")
                    .and_then(Value::as_str);
                self.answer.stop = Some(if reason == Some("max_output_tokens") {
                    StopReason::Length
                } else {
                    StopReason::Stop
                });
            }
            _ => {}
        }
        if let Some(u) = response.get("usage").and_then(usage) {
            self.answer.usage = Some(u);
        }
        self.answer.finish(out);
        Ok(())
    }
}

impl Decoder for Responses {
    fn event(&mut self, event: &SseEvent, out: &mut Vec<Event>) -> Result<bool, ProviderError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.answer.finish(out);
            return Ok(true);
        }
        let value = parse_json(data)?;
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(event.event.as_str());
        let delta = || {
            value
                .get("delta")
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        match kind {
            "response.output_text.delta" | "response.refusal.delta" => {
                self.answer.text(delta(), out)
            }
            "response.reasoning_text.delta" => self.answer.reasoning(delta(), out),
            "response.output_item.added" => {
                let item = value.get("item").unwrap_or(&Value::Null);
                if item.get("type").and_then(Value::as_str) == Some("function_call") {
                    let at = count(&value, "output_index").unwrap_or(self.calls.len() as u64);
                    self.call_item(at, item, out);
                }
            }
            "response.function_call_arguments.delta" => {
                let at = count(&value, "output_index");
                let index = self.calls.iter().position(|o| Some(*o) == at);
                let index = index.unwrap_or(self.calls.len().saturating_sub(1));
                self.answer.tool_call_arguments(index as u32, delta(), out);
            }
            "response.reasoning_summary_text.delta" => {
                let part = (
                    count(&value, "output_index").unwrap_or(0),
                    count(&value, "summary_index").unwrap_or(0),
                );
                if self.summary_part.is_some_and(|p| p != part) {
                    self.answer.reasoning("\n\n", out);
                }
                self.summary_part = Some(part);
                self.answer.reasoning(delta(), out);
            }
            "response.completed" | "response.incomplete" | "response.failed" => {
                let response = value.get("response").cloned().unwrap_or(Value::Null);
                self.close(&response, out)?;
                return Ok(true);
            }
            "error" => return Err(frame_error(&value)),
            _ => {}
        }
        Ok(false)
    }

    fn body(&mut self, body: &Value, out: &mut Vec<Event>) -> Result<(), ProviderError> {
        let Some(items) = body.get("output").and_then(Value::as_array) else {
            if let Some(error) = body.get("error").filter(|e| !e.is_null()) {
                return Err(frame_error(error));
            }
            return Err(ProviderError::new(
                ProviderErrorKind::Protocol,
                "the reply has no output",
            ));
        };
        for (at, item) in items.iter().enumerate() {
            let parts = |key: &str| {
                item.get(key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            match item.get("type").and_then(Value::as_str) {
                Some("reasoning") => {
                    for part in parts("content").iter().chain(parts("summary").iter()) {
                        if let Some(text) = part.get("text").and_then(Value::as_str) {
                            self.answer.reasoning(text, out);
                        }
                    }
                }
                Some("message") => {
                    for part in parts("content") {
                        if let Some(text) = part.get("text").and_then(Value::as_str) {
                            self.answer.text(text, out);
                        }
                    }
                }
                Some("function_call") => self.call_item(at as u64, item, out),
                _ => {}
            }
        }
        self.close(body, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::sse::parse_all;

    #[test]
    fn lm_studio_reasoning_item_then_message() {
        let stream = concat!(
            "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"status\":\"in_progress\"}}\n\n",
            "event: response.reasoning_text.delta\ndata: {\"type\":\"response.reasoning_text.delta\",\"item_id\":\"rs_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"think\",\"sequence_number\":3}\n\n",
            "event: response.reasoning_text.done\ndata: {\"type\":\"response.reasoning_text.done\",\"text\":\"think\"}\n\n",
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":1,\"delta\":\"Hello\"}\n\n",
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"usage\":{\"input_tokens\":9,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":5,\"output_tokens_details\":{\"reasoning_tokens\":2},\"total_tokens\":14}}}\n\n",
        );
        let mut d = Responses::default();
        let mut out = Vec::new();
        let mut done = false;
        for e in parse_all(stream.as_bytes()) {
            done = d.event(&e, &mut out).expect("ok");
        }
        assert!(done);
        assert_eq!(
            out,
            vec![
                Event::Reasoning("think".into()),
                Event::Text("Hello".into()),
                Event::Usage(Usage {
                    input: 9,
                    output: 5,
                    cache_read: 0,
                    cache_write: 0,
                    reasoning: Some(2)
                }),
                Event::Done(StopReason::Stop),
            ]
        );
    }

    #[test]
    fn incomplete_is_length_and_failed_is_an_error() {
        let mut out = Vec::new();
        let incomplete: Value = serde_json::from_str(r#"{"output":[{"type":"message","content":[{"type":"output_text","text":"cut"}]}],"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}"#).expect("json");
        Responses::default()
            .body(&incomplete, &mut out)
            .expect("ok");
        assert_eq!(
            out,
            vec![Event::Text("cut".into()), Event::Done(StopReason::Length)]
        );
        let failed = SseEvent { event: String::new(), data: r#"{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"oops"}}}"#.into() };
        let err = Responses::default()
            .event(&failed, &mut out)
            .expect_err("failed");
        assert_eq!(err.kind(), ProviderErrorKind::Server);
    }
}

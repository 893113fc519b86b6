//! `anthropic-messages`: `POST {baseUrl}/messages` with `x-api-key` and `anthropic-version`.
//! Reasoning comes in `thinking` content blocks; usage in `message_start` (input, cache) and
//! `message_delta` (cumulative output); the stream ends with `message_stop`.

use serde_json::{json, Value};

use super::classify::frame_error;
use super::error::{ProviderError, ProviderErrorKind};
use super::options::{ResponseFormat, ToolChoice};
use super::sse::SseEvent;
use super::target::Target;
use super::types::{ChatRequest, Event, Role, StopReason, Turn};
use super::wire::{count, mapped_params, parse_json, set, Answer, Decoder, Prepared};

/// The API version header value.
pub(super) const ANTHROPIC_VERSION: &str = "2023-06-01";
/// `max_tokens` is required by this API; used when the model has no limit.
const DEFAULT_MAX_TOKENS: u64 = 4096;

/// A decoder for a reply.
pub(super) fn decoder() -> Box<dyn Decoder> {
    Box::new(Messages::default())
}

/// Builds the request; what Messages cannot say (a JSON answer format) is a bad request.
pub(super) fn prepare(target: &Target, request: &ChatRequest) -> Result<Prepared, ProviderError> {
    let messages = messages(&request.turns)?;
    let mut body = json!({
        "model": target.model,
        "max_tokens": target.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
        "stream": request.stream,
    });
    if let Some(system) = request.system.as_deref().filter(|s| !s.is_empty()) {
        body["system"] = json!(system);
    }
    let mut extra = mapped_params(
        target,
        &[
            ("temperature", "temperature"),
            ("top_p", "top_p"),
            ("topP", "top_p"),
            ("top_k", "top_k"),
            ("topK", "top_k"),
            ("stop", "stop_sequences"),
            ("stop_sequences", "stop_sequences"),
            ("thinking", "thinking"),
        ],
    );
    if let Some(object) = body.as_object_mut() {
        object.append(&mut extra);
    }
    options(target, request, &mut body)?;
    Ok(Prepared {
        path: "/messages",
        body,
        decoder: decoder(),
    })
}

fn bad_request(message: String) -> ProviderError {
    ProviderError::new(ProviderErrorKind::BadRequest, message)
}

/// The turns as Messages: images as `image` blocks, an assistant's calls as `tool_use`
/// blocks, results as `tool_result` blocks in one user message with what follows them (the
/// API wants user and assistant turns to alternate).
fn messages(turns: &[Turn]) -> Result<Vec<Value>, ProviderError> {
    let mut out: Vec<Value> = Vec::with_capacity(turns.len());
    let mut user_blocks: Vec<Value> = Vec::new();
    let mut merging = false;
    for turn in turns {
        let blocks = blocks(turn)?;
        match turn.role {
            Role::Tool => {
                user_blocks.extend(blocks);
                merging = true;
            }
            Role::User if merging => user_blocks.extend(blocks),
            Role::User if turn.images.is_empty() => {
                out.push(json!({"role": "user", "content": turn.text}));
            }
            Role::User => out.push(json!({"role": "user", "content": blocks})),
            Role::Assistant => {
                if merging {
                    out.push(json!({"role": "user", "content": std::mem::take(&mut user_blocks)}));
                    merging = false;
                }
                if turn.tool_calls.is_empty() {
                    out.push(json!({"role": "assistant", "content": turn.text}));
                } else {
                    out.push(json!({"role": "assistant", "content": blocks}));
                }
            }
        }
    }
    if merging {
        out.push(json!({"role": "user", "content": user_blocks}));
    }
    Ok(out)
}

/// One turn's content blocks.
fn blocks(turn: &Turn) -> Result<Vec<Value>, ProviderError> {
    let mut blocks = Vec::new();
    if turn.role == Role::Tool {
        blocks.push(
            json!({"type": "tool_result", "tool_use_id": turn.tool_call_id,
                           "content": turn.text}),
        );
        return Ok(blocks);
    }
    if !turn.text.is_empty() {
        blocks.push(json!({"type": "text", "text": turn.text}));
    }
    for image in &turn.images {
        let source = match image.inline() {
            Some((media_type, data)) => {
                json!({"type": "base64", "media_type": media_type, "data": data})
            }
            None => json!({"type": "url", "url": image.url}),
        };
        blocks.push(json!({"type": "image", "source": source}));
    }
    for call in &turn.tool_calls {
        let input: Value = match call.arguments.trim() {
            "" => json!({}),
            text => serde_json::from_str(text).map_err(|e| {
                bad_request(format!(
                    "the arguments of tool call {} are not JSON: {e}",
                    call.id
                ))
            })?,
        };
        blocks.push(json!({"type": "tool_use", "id": call.id, "name": call.name,
                           "input": input}));
    }
    Ok(blocks)
}

/// The request's own parameters and tools in Messages' names. `seed` has no Messages field
/// and is left out; a JSON answer format is refused.
fn options(target: &Target, request: &ChatRequest, body: &mut Value) -> Result<(), ProviderError> {
    let o = &request.options;
    set(body, "temperature", o.temperature);
    set(body, "top_p", o.top_p);
    set(body, "max_tokens", o.max_tokens);
    if !o.stop.is_empty() {
        body["stop_sequences"] = json!(o.stop);
    }
    if o.seed.is_some() {
        tracing::debug!("seed is not sent: the Messages API has none");
    }
    match &o.response_format {
        None | Some(ResponseFormat::Text) => {}
        Some(_) => {
            return Err(bad_request(format!(
                "response_format: {}/{} speaks anthropic-messages, which takes no JSON answer                  format; ask for JSON in the prompt or use an OpenAI-compatible model",
                target.provider, target.model
            )))
        }
    }
    if !o.tools.is_empty() {
        let tools: Vec<Value> = o
            .tools
            .iter()
            .map(|t| {
                let mut tool = json!({"name": t.name, "input_schema": t.parameters});
                set(&mut tool, "description", t.description.as_ref());
                tool
            })
            .collect();
        body["tools"] = json!(tools);
    }
    let choice = o.tool_choice.as_ref().map(|c| match c {
        ToolChoice::Auto => json!({"type": "auto"}),
        ToolChoice::None => json!({"type": "none"}),
        ToolChoice::Required => json!({"type": "any"}),
        ToolChoice::Tool(name) => json!({"type": "tool", "name": name}),
    });
    set(body, "tool_choice", choice);
    Ok(())
}

#[derive(Debug, Default)]
struct Messages {
    answer: Answer,
    /// Content block indexes of `tool_use` blocks, in order (a call's index is its place).
    calls: Vec<u64>,
}

fn stop_reason(value: &Value) -> Option<StopReason> {
    match value.as_str()? {
        "max_tokens" => Some(StopReason::Length),
        "tool_use" => Some(StopReason::ToolCalls),
        _ => Some(StopReason::Stop),
    }
}

impl Messages {
    /// Merges a `usage` object (message_start's, then message_delta's cumulative counts).
    fn usage(&mut self, usage: &Value) {
        if !usage.is_object() {
            return;
        }
        let mut u = self.answer.usage.unwrap_or_default();
        let mut seen = false;
        let mut take = |key: &str, slot: &mut u64| {
            if let Some(n) = count(usage, key) {
                *slot = n;
                seen = true;
            }
        };
        take("input_tokens", &mut u.input);
        take("output_tokens", &mut u.output);
        take("cache_read_input_tokens", &mut u.cache_read);
        take("cache_creation_input_tokens", &mut u.cache_write);
        if seen {
            self.answer.usage = Some(u);
        }
    }

    /// A content block, whole (`streamed`: only its start; the rest comes in deltas).
    fn block(&mut self, at: u64, block: &Value, streamed: bool, out: &mut Vec<Event>) {
        match block.get("type").and_then(Value::as_str) {
            Some("tool_use") => {
                let index = self.calls.len() as u32;
                self.calls.push(at);
                let field = |k: &str| block.get(k).and_then(Value::as_str).unwrap_or_default();
                // Streamed, the input comes in `input_json_delta`s after an empty `{}`.
                let arguments = match block.get("input") {
                    Some(input) if !streamed => input.to_string(),
                    _ => String::new(),
                };
                self.answer
                    .tool_call_start(index, field("id"), field("name"), &arguments, out);
            }
            Some("text") => {
                let text = block
                    .get("text")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.answer.text(text, out);
            }
            Some("thinking") => {
                let text = block
                    .get("thinking")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.answer.reasoning(text, out);
            }
            _ => {} // redacted_thinking, server tools, …
        }
    }
}

impl Decoder for Messages {
    fn event(&mut self, event: &SseEvent, out: &mut Vec<Event>) -> Result<bool, ProviderError> {
        let value = parse_json(event.data.trim())?;
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(event.event.as_str());
        match kind {
            "message_start" => {
                if let Some(usage) = value.pointer("/message/usage") {
                    self.usage(usage);
                }
            }
            "content_block_start" => {
                if let Some(block) = value.get("content_block") {
                    let at = count(&value, "index").unwrap_or(0);
                    self.block(at, block, true, out);
                }
            }
            "content_block_delta" => {
                let delta = value.get("delta").unwrap_or(&Value::Null);
                let field = |k: &str| delta.get(k).and_then(Value::as_str).unwrap_or_default();
                match delta.get("type").and_then(Value::as_str) {
                    Some("text_delta") => self.answer.text(field("text"), out),
                    Some("thinking_delta") => self.answer.reasoning(field("thinking"), out),
                    Some("input_json_delta") => {
                        let at = count(&value, "index");
                        let index = self.calls.iter().position(|c| Some(*c) == at);
                        let index = index.unwrap_or(self.calls.len().saturating_sub(1));
                        self.answer
                            .tool_call_arguments(index as u32, field("partial_json"), out);
                    }
                    _ => {} // signature_delta
                }
            }
            "message_delta" => {
                if let Some(stop) = value.pointer("/delta/stop_reason").and_then(stop_reason) {
                    self.answer.stop = Some(stop);
                }
                if let Some(usage) = value.get("usage") {
                    self.usage(usage);
                }
            }
            "message_stop" => {
                self.answer.finish(out);
                return Ok(true);
            }
            "error" => return Err(frame_error(&value)),
            _ => {} // ping, content_block_stop
        }
        Ok(false)
    }

    fn body(&mut self, body: &Value, out: &mut Vec<Event>) -> Result<(), ProviderError> {
        let Some(content) = body.get("content").and_then(Value::as_array) else {
            if body.get("error").is_some() {
                return Err(frame_error(body));
            }
            return Err(ProviderError::new(
                ProviderErrorKind::Protocol,
                "the reply has no content",
            ));
        };
        for (at, block) in content.iter().enumerate() {
            self.block(at as u64, block, false, out);
        }
        if let Some(stop) = body.get("stop_reason").and_then(stop_reason) {
            self.answer.stop = Some(stop);
        }
        if let Some(usage) = body.get("usage") {
            self.usage(usage);
        }
        self.answer.finish(out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::sse::parse_all;
    use crate::providers::types::Usage;

    #[test]
    fn thinking_blocks_and_usage() {
        let stream = concat!(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude\",\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":7,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"abc\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        );
        let mut d = Messages::default();
        let mut out = Vec::new();
        let mut done = false;
        for e in parse_all(stream.as_bytes()) {
            done = d.event(&e, &mut out).expect("ok");
        }
        assert!(done);
        assert_eq!(
            out,
            vec![
                Event::Reasoning("Let me".into()),
                Event::Text("Hi".into()),
                Event::Usage(Usage {
                    input: 25,
                    output: 15,
                    cache_read: 7,
                    cache_write: 3,
                    reasoning: None
                }),
                Event::Done(StopReason::Length),
            ]
        );
    }

    #[test]
    fn error_event_is_typed() {
        let e = SseEvent {
            event: "error".into(),
            data: r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
                .into(),
        };
        let err = Messages::default()
            .event(&e, &mut Vec::new())
            .expect_err("error");
        assert_eq!(err.kind(), ProviderErrorKind::Overloaded);
    }
}

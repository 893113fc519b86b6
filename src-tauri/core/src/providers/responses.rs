//! `openai-responses`: `POST {baseUrl}/responses`. Reasoning is its own output item
//! (`response.reasoning_text.delta`, as LM Studio streams it, and reasoning summaries), apart
//! from `response.output_text.delta`. The stream ends with `response.completed` (or
//! `.incomplete` / `.failed`); LiteLLM ends it with `data: [DONE]` and no `event:` lines.

use serde_json::{json, Value};

use super::classify::frame_error;
use super::error::{ProviderError, ProviderErrorKind};
use super::sse::SseEvent;
use super::target::Target;
use super::types::{ChatRequest, Event, StopReason, Usage};
use super::wire::{
    count, mapped_params, openai_messages, parse_json, Answer, Decoder, Prepared, OPENAI_PARAMS,
};

/// A decoder for a reply.
pub(super) fn decoder() -> Box<dyn Decoder> {
    Box::new(Responses::default())
}

/// Builds the request.
pub(super) fn prepare(target: &Target, request: &ChatRequest) -> Prepared {
    let mut body = json!({
        "model": target.model,
        "input": openai_messages(request),
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
    Prepared {
        path: "/responses",
        body,
        decoder: decoder(),
    }
}

#[derive(Debug, Default)]
struct Responses {
    answer: Answer,
    /// The summary part last seen, to put a blank line between parts.
    summary_part: Option<(u64, u64)>,
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
        for item in items {
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

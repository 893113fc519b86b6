//! `openai-completions`: `POST {baseUrl}/chat/completions`, as OpenAI, LM Studio, vLLM,
//! llama.cpp, Ollama and LiteLLM speak it. Reasoning comes as `reasoning_content` (LM Studio,
//! DeepSeek, vLLM) or `reasoning` (gpt-oss on LM Studio, OpenRouter) deltas, or inline tags.

use serde_json::{json, Value};

use super::classify::frame_error;
use super::error::{ProviderError, ProviderErrorKind};
use super::sse::SseEvent;
use super::target::Target;
use super::types::{ChatRequest, Event, StopReason, Usage};
use super::wire::{
    count, mapped_params, openai_messages, openai_response_format, openai_tool_choice, parse_json,
    set, Answer, Decoder, Prepared, OPENAI_PARAMS,
};

/// A decoder for a reply.
pub(super) fn decoder() -> Box<dyn Decoder> {
    Box::new(Completions::default())
}

/// Builds the request.
pub(super) fn prepare(target: &Target, request: &ChatRequest) -> Prepared {
    let mut body = json!({
        "model": target.model,
        "messages": openai_messages(request),
        "stream": request.stream,
    });
    if request.stream && target.usage_in_streaming {
        body["stream_options"] = json!({"include_usage": true});
    }
    if let Some(max) = target.max_tokens {
        body[target.max_tokens_field] = json!(max);
    }
    let mut extra = mapped_params(
        target,
        &[
            OPENAI_PARAMS,
            &[
                ("reasoningEffort", "reasoning_effort"),
                ("reasoning_effort", "reasoning_effort"),
            ],
        ]
        .concat(),
    );
    if let Some(object) = body.as_object_mut() {
        object.append(&mut extra);
    }
    options(request, target, &mut body);
    Prepared {
        path: "/chat/completions",
        body,
        decoder: decoder(),
    }
}

/// The request's own parameters and tools, over the alias's; then the fields passed through.
fn options(request: &ChatRequest, target: &Target, body: &mut Value) {
    let o = &request.options;
    set(body, "temperature", o.temperature);
    set(body, "top_p", o.top_p);
    set(body, target.max_tokens_field, o.max_tokens);
    set(body, "seed", o.seed);
    if !o.stop.is_empty() {
        body["stop"] = json!(o.stop);
    }
    set(
        body,
        "response_format",
        o.response_format.as_ref().map(openai_response_format),
    );
    if !o.tools.is_empty() {
        let tools: Vec<Value> = o
            .tools
            .iter()
            .map(|t| {
                let mut function = json!({"name": t.name, "parameters": t.parameters});
                set(&mut function, "description", t.description.as_ref());
                set(&mut function, "strict", t.strict);
                json!({"type": "function", "function": function})
            })
            .collect();
        body["tools"] = json!(tools);
    }
    set(
        body,
        "tool_choice",
        o.tool_choice.as_ref().map(|c| openai_tool_choice(c, false)),
    );
    if let Some(object) = body.as_object_mut() {
        for (key, value) in &o.passthrough {
            object.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
}

#[derive(Debug, Default)]
struct Completions {
    answer: Answer,
}

fn stop_reason(reason: &Value) -> Option<StopReason> {
    match reason.as_str()? {
        "length" => Some(StopReason::Length),
        "tool_calls" | "function_call" => Some(StopReason::ToolCalls),
        _ => Some(StopReason::Stop),
    }
}

fn usage(usage: &Value) -> Option<Usage> {
    if !usage.is_object() {
        return None;
    }
    let prompt = count(usage, "prompt_tokens")?;
    let cached = usage
        .get("prompt_tokens_details")
        .and_then(|d| count(d, "cached_tokens"))
        .unwrap_or(0);
    Some(Usage {
        input: prompt.saturating_sub(cached),
        output: count(usage, "completion_tokens").unwrap_or(0),
        cache_read: cached,
        cache_write: 0,
        reasoning: usage
            .get("completion_tokens_details")
            .and_then(|d| count(d, "reasoning_tokens")),
    })
}

impl Completions {
    fn message(&mut self, message: &Value, out: &mut Vec<Event>) {
        for key in ["reasoning_content", "reasoning"] {
            if let Some(r) = message.get(key).and_then(Value::as_str) {
                self.answer.reasoning(r, out);
            }
        }
        if let Some(text) = message.get("content").and_then(Value::as_str) {
            self.answer.text(text, out);
        }
        let calls = message.get("tool_calls").and_then(Value::as_array);
        for (at, call) in calls.into_iter().flatten().enumerate() {
            // Streamed pieces say which call they belong to; a whole message lists them in order.
            let index = count(call, "index").unwrap_or(at as u64) as u32;
            let function = call.get("function").unwrap_or(&Value::Null);
            let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
            let arguments = field(function, "arguments").unwrap_or_default();
            match (field(call, "id"), field(function, "name")) {
                (Some(id), name) => {
                    let name = name.unwrap_or_default();
                    self.answer
                        .tool_call_start(index, &id, &name, &arguments, out);
                }
                (None, _) => self.answer.tool_call_arguments(index, &arguments, out),
            }
        }
    }

    fn common(
        &mut self,
        value: &Value,
        delta_key: &str,
        out: &mut Vec<Event>,
    ) -> Result<(), ProviderError> {
        if let Some(error) = value.get("error").filter(|e| !e.is_null()) {
            return Err(frame_error(error));
        }
        if let Some(choice) = value.get("choices").and_then(|c| c.get(0)) {
            if let Some(message) = choice.get(delta_key) {
                self.message(message, out);
            }
            if let Some(stop) = choice.get("finish_reason").and_then(stop_reason) {
                self.answer.stop = Some(stop);
            }
        }
        if let Some(u) = value.get("usage").and_then(usage) {
            self.answer.usage = Some(u);
        }
        Ok(())
    }
}

impl Decoder for Completions {
    fn event(&mut self, event: &SseEvent, out: &mut Vec<Event>) -> Result<bool, ProviderError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.answer.finish(out);
            return Ok(true);
        }
        if data.is_empty() {
            return Ok(false);
        }
        let value = parse_json(data)?;
        self.common(&value, "delta", out)?;
        Ok(false)
    }

    fn body(&mut self, body: &Value, out: &mut Vec<Event>) -> Result<(), ProviderError> {
        if body.get("choices").and_then(Value::as_array).is_none() {
            if let Some(error) = body.get("error") {
                return Err(frame_error(error));
            }
            return Err(ProviderError::new(
                ProviderErrorKind::Protocol,
                "the reply has no choices",
            ));
        }
        self.common(body, "message", out)?;
        self.answer.finish(out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::sse::parse_all;

    fn decode(stream: &str) -> (Vec<Event>, Result<bool, String>) {
        let mut d = Completions::default();
        let mut out = Vec::new();
        let mut done = Ok(false);
        for event in parse_all(stream.as_bytes()) {
            done = d.event(&event, &mut out).map_err(|e| e.to_string());
            if done != Ok(false) {
                break;
            }
        }
        (out, done)
    }

    #[test]
    fn lm_studio_reasoning_content_stream() {
        let stream = concat!(
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"hm\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13,\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n",
            "data: [DONE]\n\n",
        );
        let (events, done) = decode(stream);
        assert_eq!(done, Ok(true));
        assert_eq!(
            events,
            vec![
                Event::Reasoning("hm".into()),
                Event::Text("Hi".into()),
                Event::Usage(Usage {
                    input: 6,
                    output: 3,
                    cache_read: 4,
                    cache_write: 0,
                    reasoning: None
                }),
                Event::Done(StopReason::Length),
            ]
        );
    }

    #[test]
    fn mid_stream_error_and_garbage() {
        let (_, done) =
            decode("data: {\"error\":{\"message\":\"boom\",\"type\":null,\"code\":\"429\"}}\n\n");
        assert!(done.expect_err("error").starts_with("rate limited"));
        let (_, done) = decode("data: {not json\n\n");
        assert!(done.expect_err("garbage").starts_with("malformed reply"));
    }

    #[test]
    fn non_streaming_body_gives_the_same_events() {
        let body: Value = serde_json::from_str(r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"<think>r</think>A","reasoning_content":""},"finish_reason":"stop"}]}"#).expect("json");
        let mut out = Vec::new();
        Completions::default().body(&body, &mut out).expect("ok");
        assert_eq!(
            out,
            vec![
                Event::Reasoning("r".into()),
                Event::Text("A".into()),
                Event::Done(StopReason::Stop)
            ]
        );
    }
}

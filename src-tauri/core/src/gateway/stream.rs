//! OpenAI's chat completion shapes for the engine's events: SSE chunks for a streamed answer
//! (tool calls as `tool_calls` deltas), one `chat.completion` body otherwise.

use std::collections::VecDeque;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use serde_json::{json, Value};

use super::answer::{now_secs, Whole};
use crate::chat::ChatEvent;
use crate::providers::{StopReason, Usage};

fn usage_json(u: &Usage) -> Value {
    let prompt = u.input + u.cache_read + u.cache_write;
    json!({"prompt_tokens": prompt, "completion_tokens": u.output, "total_tokens": prompt + u.output})
}

fn finish_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::Length => "length",
        StopReason::ToolCalls => "tool_calls",
        StopReason::Stop | StopReason::Cancelled => "stop",
    }
}

/// The frames of one streamed answer.
pub(super) struct Chunks {
    id: String,
    model: String,
    created: u64,
    include_usage: bool,
    /// `data: {"id":…,"model":…,"choices":[{"index":0,"delta":` (built once per answer).
    head: String,
}

impl Chunks {
    pub(super) fn new(id: String, model: String, include_usage: bool) -> Chunks {
        let created = now_secs();
        let head = format!(
            "data: {{\"id\":{},\"object\":\"chat.completion.chunk\",\"created\":{created},\"model\":{},\"choices\":[{{\"index\":0,\"delta\":",
            Value::from(id.as_str()),
            Value::from(model.as_str()),
        );
        Chunks {
            id,
            model,
            created,
            include_usage,
            head,
        }
    }

    /// One chunk: the prebuilt head, the delta, the finish reason (one allocation per token).
    fn frame(&self, delta: &Value, finish: Option<&str>) -> Bytes {
        let delta = delta.to_string();
        let finish = finish.map_or("null".to_owned(), |f| format!("\"{f}\""));
        let mut out = String::with_capacity(self.head.len() + delta.len() + finish.len() + 24);
        out.push_str(&self.head);
        out.push_str(&delta);
        out.push_str(",\"finish_reason\":");
        out.push_str(&finish);
        out.push_str("}]}\n\n");
        Bytes::from(out)
    }

    /// The SSE frames for one event; `None` once the answer is over.
    fn event(&self, event: ChatEvent) -> Vec<Bytes> {
        match event {
            ChatEvent::Text { delta } => vec![self.frame(&json!({"content": delta}), None)],
            ChatEvent::Reasoning { delta } => {
                vec![self.frame(&json!({"reasoning_content": delta}), None)]
            }
            ChatEvent::ToolCall {
                index,
                id,
                name,
                arguments,
            } => {
                let mut call = json!({"index": index, "function": {"arguments": arguments}});
                if let Some(id) = id {
                    call["id"] = json!(id);
                    call["type"] = json!("function");
                }
                if let Some(name) = name {
                    call["function"]["name"] = json!(name);
                }
                vec![self.frame(&json!({"tool_calls": [call]}), None)]
            }
            ChatEvent::Started { .. } | ChatEvent::Route(_) | ChatEvent::Warning { .. } => {
                Vec::new()
            }
            ChatEvent::Done { stop, usage, .. } => {
                let mut out = vec![self.frame(&json!({}), Some(finish_reason(stop)))];
                if let (true, Some(u)) = (self.include_usage, usage.as_ref()) {
                    let chunk = json!({
                        "id": self.id, "object": "chat.completion.chunk", "created": self.created,
                        "model": self.model, "choices": [], "usage": usage_json(u),
                    });
                    out.push(Bytes::from(format!("data: {chunk}\n\n")));
                }
                out.push(Bytes::from_static(b"data: [DONE]\n\n"));
                out
            }
            ChatEvent::Error {
                reason, message, ..
            } => {
                // As OpenAI and LiteLLM do mid-stream: an error frame, then the end, no [DONE].
                let frame = json!({"error": {"message": message, "type": "api_error",
                                          "param": null, "code": reason}});
                vec![Bytes::from(format!("data: {frame}\n\n"))]
            }
        }
    }
}

/// The SSE response: the opening chunk, `first`, then the rest of `events`.
pub(super) fn sse(
    events: impl Stream<Item = ChatEvent> + Send + 'static,
    first: ChatEvent,
    chunks: Chunks,
) -> Response {
    let opening = chunks.frame(&json!({"role": "assistant", "content": ""}), None);
    let mut pending = VecDeque::from([opening]);
    pending.extend(chunks.event(first));
    let events = Box::pin(events);
    let body = futures_util::stream::unfold(
        (events, chunks, pending),
        |(mut events, chunks, mut pending)| async move {
            loop {
                if let Some(frame) = pending.pop_front() {
                    return Some((Ok::<_, Infallible>(frame), (events, chunks, pending)));
                }
                let event = events.next().await?;
                pending.extend(chunks.event(event));
            }
        },
    );
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The whole answer as one `chat.completion` body.
pub(super) fn whole(whole: &Whole, id: &str, model: &str) -> Response {
    let mut message = json!({"role": "assistant", "content": whole.text});
    if !whole.reasoning.is_empty() {
        message["reasoning_content"] = json!(whole.reasoning);
    }
    if !whole.tool_calls.is_empty() {
        let calls: Vec<Value> = whole
            .tool_calls
            .iter()
            .map(|c| {
                json!({"id": c.id, "type": "function",
                            "function": {"name": c.name, "arguments": c.arguments}})
            })
            .collect();
        message["tool_calls"] = json!(calls);
        if whole.text.is_empty() {
            message["content"] = Value::Null;
        }
    }
    let stop = whole.stop.unwrap_or(StopReason::Stop);
    let mut body = json!({
        "id": id, "object": "chat.completion", "created": now_secs(), "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(stop)}],
    });
    if let Some(u) = &whole.usage {
        body["usage"] = usage_json(u);
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

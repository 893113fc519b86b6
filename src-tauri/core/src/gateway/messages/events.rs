//! The Messages API's answer shapes: one `message` with its content blocks (`thinking`,
//! `text`, `tool_use`), or the event stream that builds them.

use std::collections::VecDeque;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::chat::ChatEvent;
use crate::gateway::answer::Events;
use crate::providers::{StopReason, Usage};

/// A tool call's arguments as the `input` object (text that is not JSON stays a string).
pub(super) fn arguments(text: &str) -> Value {
    match text.trim() {
        "" => json!({}),
        t => serde_json::from_str(t).unwrap_or_else(|_| json!(text)),
    }
}

fn stop_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::Length => "max_tokens",
        StopReason::ToolCalls => "tool_use",
        StopReason::Stop | StopReason::Cancelled => "end_turn",
    }
}

fn usage_json(usage: Option<&Usage>) -> Value {
    let u = usage.copied().unwrap_or_default();
    json!({"input_tokens": u.input, "output_tokens": u.output,
           "cache_creation_input_tokens": u.cache_write, "cache_read_input_tokens": u.cache_read})
}

pub(super) fn message(
    id: &str,
    model: &str,
    content: Vec<Value>,
    stop: Option<StopReason>,
    usage: Option<&Usage>,
) -> Value {
    json!({"id": id, "type": "message", "role": "assistant", "model": model, "content": content,
           "stop_reason": stop.map(stop_reason), "stop_sequence": null,
           "usage": usage_json(usage)})
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Thinking,
    Text,
    /// A tool call, by its index among the answer's calls.
    Tool(u32),
}

/// The event stream's state: the open content block and its index.
struct Streamer {
    open: Option<Block>,
    index: u64,
    out: VecDeque<Bytes>,
    ended: bool,
}

impl Streamer {
    fn emit(&mut self, data: &Value) {
        let kind = data["type"].as_str().unwrap_or_default();
        self.out
            .push_back(Bytes::from(format!("event: {kind}\ndata: {data}\n\n")));
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            let index = self.index;
            self.emit(&json!({"type": "content_block_stop", "index": index}));
            self.index += 1;
        }
    }

    /// Makes `block` the open one (closing another), starting it with `start`.
    fn ensure(&mut self, block: Block, start: impl FnOnce() -> Value) {
        if self.open == Some(block) {
            return;
        }
        self.close();
        self.open = Some(block);
        let index = self.index;
        self.emit(&json!({"type": "content_block_start", "index": index,
                          "content_block": start()}));
    }

    fn delta(&mut self, delta: Value) {
        let index = self.index;
        self.emit(&json!({"type": "content_block_delta", "index": index, "delta": delta}));
    }

    fn event(&mut self, event: ChatEvent) {
        match event {
            ChatEvent::Reasoning { delta } => {
                self.ensure(
                    Block::Thinking,
                    || json!({"type": "thinking", "thinking": "", "signature": ""}),
                );
                self.delta(json!({"type": "thinking_delta", "thinking": delta}));
            }
            ChatEvent::Text { delta } => {
                if self.open == Some(Block::Thinking) {
                    self.delta(json!({"type": "signature_delta", "signature": ""}));
                }
                self.ensure(Block::Text, || json!({"type": "text", "text": ""}));
                self.delta(json!({"type": "text_delta", "text": delta}));
            }
            ChatEvent::ToolCall {
                index,
                id,
                name,
                arguments,
            } => {
                let (id, name) = (id.unwrap_or_default(), name.unwrap_or_default());
                self.ensure(
                    Block::Tool(index),
                    || json!({"type": "tool_use", "id": id, "name": name, "input": {}}),
                );
                if !arguments.is_empty() {
                    self.delta(json!({"type": "input_json_delta", "partial_json": arguments}));
                }
            }
            ChatEvent::Started { .. } | ChatEvent::Route(_) | ChatEvent::Warning { .. } => {}
            ChatEvent::Done { stop, usage, .. } => {
                self.close();
                let output = usage.map_or(0, |u| u.output);
                self.emit(&json!({"type": "message_delta",
                    "delta": {"stop_reason": stop_reason(stop), "stop_sequence": null},
                    "usage": {"output_tokens": output}}));
                self.emit(&json!({"type": "message_stop"}));
                self.ended = true;
            }
            ChatEvent::Error { message, .. } => {
                self.emit(&json!({"type": "error",
                    "error": {"type": "api_error", "message": message}}));
                self.ended = true;
            }
        }
    }
}

/// The event stream: `message_start`, the blocks, `message_delta`, `message_stop`.
pub(super) fn sse(events: Events, first: ChatEvent, id: String, model: String) -> Response {
    let mut streamer = Streamer {
        open: None,
        index: 0,
        out: VecDeque::new(),
        ended: false,
    };
    let start = message(&id, &model, Vec::new(), None, None);
    streamer.emit(&json!({"type": "message_start", "message": start}));
    streamer.event(first);
    let body = futures_util::stream::unfold(
        (events, streamer),
        |(mut events, mut streamer)| async move {
            loop {
                if let Some(frame) = streamer.out.pop_front() {
                    return Some((Ok::<_, Infallible>(frame), (events, streamer)));
                }
                if streamer.ended {
                    return None;
                }
                let event = events.next().await?;
                streamer.event(event);
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

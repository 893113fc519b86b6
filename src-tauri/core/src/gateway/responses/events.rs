//! The Responses API's answer shapes: one `response` object with its output items
//! (`reasoning`, `message`, `function_call`), or the event stream that builds them.

use std::collections::VecDeque;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::chat::ChatEvent;
use crate::gateway::answer::Events;
use crate::providers::{StopReason, ToolCall, Usage};

/// The response's fixed fields.
pub(super) struct Shape {
    pub(super) id: String,
    pub(super) model: String,
    pub(super) created: u64,
}

impl Shape {
    /// The `response` object; `stop` `None`: still in progress.
    pub(super) fn response(
        &self,
        output: Vec<Value>,
        stop: Option<StopReason>,
        usage: Option<&Usage>,
    ) -> Value {
        let (status, incomplete) = match stop {
            None => ("in_progress", Value::Null),
            Some(StopReason::Length) => ("incomplete", json!({"reason": "max_output_tokens"})),
            Some(_) => ("completed", Value::Null),
        };
        json!({
            "id": self.id, "object": "response", "created_at": self.created, "status": status,
            "model": self.model, "output": output, "error": null,
            "incomplete_details": incomplete, "parallel_tool_calls": true, "tools": [],
            "tool_choice": "auto", "usage": usage.map(usage_json),
        })
    }
}

fn usage_json(u: &Usage) -> Value {
    let input = u.input + u.cache_read + u.cache_write;
    json!({"input_tokens": input, "input_tokens_details": {"cached_tokens": u.cache_read},
           "output_tokens": u.output,
           "output_tokens_details": {"reasoning_tokens": u.reasoning.unwrap_or(0)},
           "total_tokens": input + u.output})
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Reasoning,
    Message,
    /// A function call, by its index among the answer's calls.
    Call(u32),
}

/// One output item being built.
pub(super) struct Item {
    kind: Kind,
    id: String,
    /// Text, reasoning, or the call's arguments.
    text: String,
    call_id: String,
    name: String,
}

impl Item {
    pub(super) fn reasoning(response: &str, n: usize, text: &str) -> Item {
        Item::new(Kind::Reasoning, format!("rs_{n}_{response}"), text)
    }

    pub(super) fn message(response: &str, n: usize, text: &str) -> Item {
        Item::new(Kind::Message, format!("msg_{n}_{response}"), text)
    }

    pub(super) fn call(response: &str, index: usize, call: &ToolCall) -> Item {
        let mut item = Item::new(
            Kind::Call(index as u32),
            format!("fc_{index}_{response}"),
            &call.arguments,
        );
        item.call_id.clone_from(&call.id);
        item.name.clone_from(&call.name);
        item
    }

    fn new(kind: Kind, id: String, text: &str) -> Item {
        Item {
            kind,
            id,
            text: text.to_owned(),
            call_id: String::new(),
            name: String::new(),
        }
    }

    /// The item as `output_item.added` shows it.
    fn added(&self) -> Value {
        match self.kind {
            Kind::Reasoning => json!({"id": self.id, "type": "reasoning", "summary": []}),
            Kind::Message => json!({"id": self.id, "type": "message", "status": "in_progress",
                                    "role": "assistant", "content": []}),
            Kind::Call(_) => json!({"id": self.id, "type": "function_call",
                "status": "in_progress", "call_id": self.call_id, "name": self.name,
                "arguments": ""}),
        }
    }

    /// The finished item.
    pub(super) fn done(&self) -> Value {
        match self.kind {
            Kind::Reasoning => json!({"id": self.id, "type": "reasoning", "summary": [],
                "content": [{"type": "reasoning_text", "text": self.text}]}),
            Kind::Message => json!({"id": self.id, "type": "message", "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": self.text, "annotations": []}]}),
            Kind::Call(_) => json!({"id": self.id, "type": "function_call",
                "status": "completed", "call_id": self.call_id, "name": self.name,
                "arguments": self.text}),
        }
    }
}

/// The event stream's state: items in output order and which text item is open.
struct Streamer {
    shape: Shape,
    items: Vec<Item>,
    open: Option<usize>,
    sequence: u64,
    out: VecDeque<Bytes>,
    ended: bool,
}

impl Streamer {
    fn emit(&mut self, kind: &str, mut data: Value) {
        data["type"] = json!(kind);
        data["sequence_number"] = json!(self.sequence);
        self.sequence += 1;
        self.out
            .push_back(Bytes::from(format!("event: {kind}\ndata: {data}\n\n")));
    }

    /// Closes the open reasoning or message item.
    fn close_open(&mut self) {
        let Some(at) = self.open.take() else { return };
        let item = &self.items[at];
        let (id, text, done) = (item.id.clone(), item.text.clone(), item.done());
        let base = json!({"item_id": id, "output_index": at, "content_index": 0});
        match item.kind {
            Kind::Reasoning => {
                self.emit(
                    "response.reasoning_text.done",
                    with(&base, "text", &json!(text)),
                );
            }
            Kind::Message => {
                self.emit(
                    "response.output_text.done",
                    with(&base, "text", &json!(text)),
                );
                let part = json!({"type": "output_text", "text": text, "annotations": []});
                self.emit("response.content_part.done", with(&base, "part", &part));
            }
            Kind::Call(_) => {}
        }
        self.emit(
            "response.output_item.done",
            json!({"output_index": at, "item": done}),
        );
    }

    /// Adds `delta` to the open item of `kind`, opening one first if needed.
    fn text(&mut self, kind: Kind, delta: &str) {
        let at = match self.open.filter(|&at| self.items[at].kind == kind) {
            Some(at) => at,
            None => {
                self.close_open();
                let at = self.items.len();
                let item = if kind == Kind::Reasoning {
                    Item::reasoning(&self.shape.id, at, "")
                } else {
                    Item::message(&self.shape.id, at, "")
                };
                let (added, id) = (item.added(), item.id.clone());
                self.items.push(item);
                self.open = Some(at);
                self.emit(
                    "response.output_item.added",
                    json!({"output_index": at, "item": added}),
                );
                if kind == Kind::Message {
                    let part = json!({"type": "output_text", "text": "", "annotations": []});
                    self.emit(
                        "response.content_part.added",
                        json!({"item_id": id,
                        "output_index": at, "content_index": 0, "part": part}),
                    );
                }
                at
            }
        };
        self.items[at].text.push_str(delta);
        let base = json!({"item_id": self.items[at].id, "output_index": at, "content_index": 0});
        let event = if kind == Kind::Reasoning {
            "response.reasoning_text.delta"
        } else {
            "response.output_text.delta"
        };
        self.emit(event, with(&base, "delta", &json!(delta)));
    }

    fn event(&mut self, event: ChatEvent) {
        match event {
            ChatEvent::Text { delta } => self.text(Kind::Message, &delta),
            ChatEvent::Reasoning { delta } => self.text(Kind::Reasoning, &delta),
            ChatEvent::ToolCall {
                index,
                id,
                name,
                arguments,
            } => {
                let found = self.items.iter().position(|i| i.kind == Kind::Call(index));
                let at = match found {
                    Some(at) => at,
                    None => {
                        self.close_open();
                        let call = ToolCall {
                            id: id.unwrap_or_default(),
                            name: name.unwrap_or_default(),
                            arguments: String::new(),
                        };
                        let item = Item::call(&self.shape.id, index as usize, &call);
                        let added = item.added();
                        self.items.push(item);
                        let at = self.items.len() - 1;
                        self.emit(
                            "response.output_item.added",
                            json!({"output_index": at, "item": added}),
                        );
                        at
                    }
                };
                if !arguments.is_empty() {
                    self.items[at].text.push_str(&arguments);
                    let id = self.items[at].id.clone();
                    self.emit(
                        "response.function_call_arguments.delta",
                        json!({"item_id": id, "output_index": at, "delta": arguments}),
                    );
                }
            }
            ChatEvent::Started { .. } | ChatEvent::Route(_) | ChatEvent::Warning { .. } => {}
            ChatEvent::Done { stop, usage, .. } => {
                self.close_open();
                for at in 0..self.items.len() {
                    if let Kind::Call(_) = self.items[at].kind {
                        let item = &self.items[at];
                        let (id, args, done) = (item.id.clone(), item.text.clone(), item.done());
                        self.emit(
                            "response.function_call_arguments.done",
                            json!({"item_id": id, "output_index": at, "arguments": args}),
                        );
                        self.emit(
                            "response.output_item.done",
                            json!({"output_index": at, "item": done}),
                        );
                    }
                }
                let output = self.items.iter().map(Item::done).collect();
                let response = self.shape.response(output, Some(stop), usage.as_ref());
                let kind = if stop == StopReason::Length {
                    "response.incomplete"
                } else {
                    "response.completed"
                };
                self.emit(kind, json!({"response": response}));
                self.ended = true;
            }
            ChatEvent::Error {
                reason, message, ..
            } => {
                self.emit(
                    "error",
                    json!({"code": reason.as_str(), "message": message, "param": null}),
                );
                let mut response = self.shape.response(Vec::new(), None, None);
                response["status"] = json!("failed");
                response["error"] = json!({"code": reason.as_str(), "message": message});
                self.emit("response.failed", json!({"response": response}));
                self.ended = true;
            }
        }
    }
}

fn with(base: &Value, key: &str, value: &Value) -> Value {
    let mut v = base.clone();
    v[key] = value.clone();
    v
}

/// The event stream: `response.created`, `response.in_progress`, the items, the end.
pub(super) fn sse(events: Events, first: ChatEvent, shape: Shape) -> Response {
    let mut streamer = Streamer {
        shape,
        items: Vec::new(),
        open: None,
        sequence: 0,
        out: VecDeque::new(),
        ended: false,
    };
    let created = streamer.shape.response(Vec::new(), None, None);
    streamer.emit("response.created", json!({"response": created.clone()}));
    streamer.emit("response.in_progress", json!({"response": created}));
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

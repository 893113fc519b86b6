//! A fake Anthropic Messages API (`POST /v1/messages`) after Anthropic's API reference:
//! `x-api-key` and `anthropic-version` are required; the stream is `message_start`, a
//! `thinking` block (`thinking_delta`s, then a `signature_delta`), a `ping`, a `text` block
//! (`text_delta`s), `message_delta` (stop reason, cumulative output tokens), `message_stop`.
//! Errors are `{"type":"error","error":{"type":…,"message":…}}`. It takes the same [`Script`]
//! and [`Fault`]s as the chat completions fake (the key is checked as `x-api-key`).

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::openai::{json_response, Fault, Script, Shared};
use crate::server::{record, FakeServer, RequestLog};
use crate::stream::{self, frame, pieces};

/// Starts the fake on a free loopback port; its base URL for clients is `url() + "/v1"`.
pub fn start(script: Script) -> std::io::Result<FakeServer> {
    let log = RequestLog::default();
    let disconnects = Arc::new(AtomicUsize::new(0));
    let shared = Arc::new(Shared {
        script,
        log: log.clone(),
        disconnects: disconnects.clone(),
    });
    let router = Router::new()
        .route("/v1/messages", post(messages))
        .with_state(shared);
    FakeServer::spawn_counting(router, log, disconnects)
}

/// Anthropic's error type for a status.
fn error_type(status: u16) -> &'static str {
    match status {
        400 | 413 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 | 503 => "overloaded_error",
        _ => "api_error",
    }
}

fn error(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({"type": "error", "error": {"type": error_type(status), "message": message},
                      "request_id": "req_fake"});
    let mut response = json_response(code, &body);
    if let Ok(value) = "req_fake".parse() {
        response.headers_mut().insert("request-id", value);
    }
    response
}

/// As Anthropic does: roles alternate, and every `tool_result` block answers a `tool_use` block
/// of the assistant message just before.
fn check_tool_results(request: &Value) -> Result<(), String> {
    let messages = request["messages"].as_array().cloned().unwrap_or_default();
    for (i, m) in messages.iter().enumerate() {
        if i > 0 && messages[i - 1]["role"] == m["role"] {
            return Err(format!(
                "messages.{i}: roles must alternate between \"user\" and \"assistant\""
            ));
        }
        for block in m["content"].as_array().into_iter().flatten() {
            if block["type"] != "tool_result" {
                continue;
            }
            let id = block["tool_use_id"].as_str().unwrap_or_default();
            let used = i > 0
                && messages[i - 1]["content"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|b| b["type"] == "tool_use" && b["id"] == id);
            if !used {
                return Err(format!("messages.{i}: unexpected `tool_use_id` found in `tool_result` blocks: {id}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."));
            }
        }
    }
    Ok(())
}

fn usage(script: &Script, output: bool) -> Value {
    let (input, out) = script
        .usage
        .map_or((0, 0), |u| (u.prompt_tokens, u.completion_tokens));
    json!({"input_tokens": input, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
           "output_tokens": if output { out } else { 1 }})
}

async fn messages(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = record(&shared.log, &method, &uri, &headers, &body);
    let script = &shared.script;
    if let Some(reply) = stream::transport_fault(&script.fault) {
        return reply;
    }
    if let Some(key) = &script.required_key {
        let sent = headers.get("x-api-key").and_then(|v| v.to_str().ok());
        if sent != Some(key.as_str()) {
            return error(401, "invalid x-api-key");
        }
    }
    if headers.get("anthropic-version").is_none() {
        return error(400, "anthropic-version: header is required");
    }
    let Ok(request) = serde_json::from_str::<Value>(&text) else {
        return error(400, "The request body is not valid JSON.");
    };
    if request["max_tokens"].as_u64().is_none() {
        return error(400, "max_tokens: Field required");
    }
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    let script = &script.for_request(&request);
    if let Err(message) = check_tool_results(&request) {
        return error(400, &message);
    }
    if !script.models.contains(&model) {
        return error(404, &format!("model: {model}"));
    }
    if let Fault::Status {
        status,
        message,
        retry_after,
    } = &script.fault
    {
        let mut response = error(*status, message);
        if let Some(value) = retry_after.and_then(|s| s.to_string().parse().ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let reasoning = script.reasoning.as_deref();
    let message = |content: Vec<Value>, stop: Value, output: bool| {
        json!({"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
               "content": content, "stop_reason": stop, "stop_sequence": null,
               "usage": usage(script, output)})
    };
    if !request["stream"].as_bool().unwrap_or(false) {
        let mut content = Vec::new();
        if let Some(r) = reasoning {
            content.push(json!({"type": "thinking", "thinking": r, "signature": "sig_fake"}));
        }
        content.push(json!({"type": "text", "text": script.reply}));
        for call in &script.tool_calls {
            let input: Value = serde_json::from_str(&call.arguments).unwrap_or(json!({}));
            content.push(
                json!({"type": "tool_use", "id": call.id, "name": call.name, "input": input}),
            );
        }
        let stop = if script.tool_calls.is_empty() {
            "end_turn"
        } else {
            "tool_use"
        };
        return json_response(StatusCode::OK, &message(content, json!(stop), true));
    }
    let mut frames = Vec::new();
    let push = |frames: &mut Vec<Bytes>, data: Value| {
        let kind = data["type"].as_str().unwrap_or_default().to_owned();
        frames.push(frame(&kind, &data.to_string()));
    };
    push(
        &mut frames,
        json!({"type": "message_start", "message": message(vec![], Value::Null, false)}),
    );
    let mut index = 0;
    if let Some(r) = reasoning {
        push(
            &mut frames,
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}),
        );
        for piece in pieces(r, script.chunk_chars) {
            push(
                &mut frames,
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": piece}}),
            );
        }
        push(
            &mut frames,
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "sig_fake"}}),
        );
        push(
            &mut frames,
            json!({"type": "content_block_stop", "index": 0}),
        );
        index = 1;
    }
    push(
        &mut frames,
        json!({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}),
    );
    push(&mut frames, json!({"type": "ping"}));
    let delta = |frames: &mut Vec<Bytes>, piece: &str| {
        push(
            frames,
            json!({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}}),
        )
    };
    if !stream::content_frames(
        &mut frames,
        script,
        b"event: content_block_delta\ndata: {\"type\": garb\n\n",
        delta,
    ) {
        return stream::sse(frames, &script.fault, shared.disconnects.clone());
    }
    push(
        &mut frames,
        json!({"type": "content_block_stop", "index": index}),
    );
    for (n, call) in script.tool_calls.iter().enumerate() {
        let at = index + 1 + n;
        push(
            &mut frames,
            json!({"type": "content_block_start", "index": at, "content_block": {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}}),
        );
        for piece in pieces(&call.arguments, script.chunk_chars) {
            push(
                &mut frames,
                json!({"type": "content_block_delta", "index": at, "delta": {"type": "input_json_delta", "partial_json": piece}}),
            );
        }
        push(
            &mut frames,
            json!({"type": "content_block_stop", "index": at}),
        );
    }
    let out = script.usage.map(|u| u.completion_tokens).unwrap_or(0);
    let stop = if script.tool_calls.is_empty() {
        "end_turn"
    } else {
        "tool_use"
    };
    push(
        &mut frames,
        json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null}, "usage": {"output_tokens": out}}),
    );
    push(&mut frames, json!({"type": "message_stop"}));
    stream::sse(frames, &script.fault, shared.disconnects.clone())
}

//! A fake OpenAI Responses API (`POST /v1/responses`), streaming the event sequence LM Studio
//! emits (`reference/lmstudio-api.md` §2.7, after OpenAI's API reference): `response.created`,
//! `response.in_progress`, a `reasoning` item with `response.reasoning_text.delta`s, a `message`
//! item with `response.output_text.delta`s, then `response.completed` with usage. Every frame
//! is `event: <type>` + `data: <json>` with a `sequence_number`; there is no `[DONE]`.
//! It takes the same [`Script`] and [`Fault`]s as the chat completions fake.

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::openai::{check_key, error_response, json_response, Fault, Script, Shared};
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
        .route("/v1/responses", post(responses))
        .with_state(shared);
    FakeServer::spawn_counting(router, log, disconnects)
}

const REASONING_ID: &str = "rs_fake0000000000000000";
const MESSAGE_ID: &str = "msg_fake0000000000000000";

fn usage(script: &Script) -> Value {
    match script.usage {
        Some(u) => json!({
            "input_tokens": u.prompt_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": u.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": u.prompt_tokens + u.completion_tokens,
        }),
        None => Value::Null,
    }
}

fn response_object(script: &Script, model: &str, status: &str, output: Vec<Value>) -> Value {
    json!({
        "id": "resp_fake",
        "object": "response",
        "created_at": 1_700_000_000,
        "status": status,
        "model": model,
        "output": output,
        "usage": if status == "completed" { usage(script) } else { Value::Null },
    })
}

fn reasoning_item(text: &str) -> Value {
    json!({"id": REASONING_ID, "type": "reasoning", "summary": [],
           "content": [{"type": "reasoning_text", "text": text}]})
}

fn message_item(text: &str) -> Value {
    json!({"id": MESSAGE_ID, "type": "message", "status": "completed", "role": "assistant",
           "content": [{"type": "output_text", "text": text, "annotations": []}]})
}

async fn responses(
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
    if let Some(denied) = check_key(script, &headers) {
        return denied;
    }
    let Ok(request) = serde_json::from_str::<Value>(&text) else {
        return error_response(400, "Invalid JSON body", "invalid_request_error", None);
    };
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    if !script.models.contains(&model) {
        let message = format!("The model '{model}' does not exist.");
        return error_response(
            404,
            &message,
            "invalid_request_error",
            Some("model_not_found"),
        );
    }
    answer(
        &script.for_request(&request),
        &model,
        &request,
        shared.disconnects.clone(),
    )
}

/// The answer to a Responses request for a known `model` (after the key and model checks):
/// the scripted reply, streamed or whole, with the script's fault injected. LM Studio's fake
/// answers through this too.
pub(crate) fn answer(
    script: &Script,
    model: &str,
    request: &Value,
    disconnects: Arc<AtomicUsize>,
) -> Response {
    if let Fault::Status {
        status,
        message,
        retry_after,
    } = &script.fault
    {
        let mut response = error_response(*status, message, "server_error", None);
        if let Some(value) = retry_after.and_then(|s| s.to_string().parse().ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let reasoning = script.reasoning.as_deref();
    let calls: Vec<Value> = script
        .tool_calls
        .iter()
        .enumerate()
        .map(|(n, c)| {
            json!({"id": format!("fc_fake{n}"), "type": "function_call", "status": "completed",
                             "call_id": c.id, "name": c.name, "arguments": c.arguments})
        })
        .collect();
    if !request["stream"].as_bool().unwrap_or(false) {
        let mut output: Vec<Value> = reasoning.map(reasoning_item).into_iter().collect();
        output.push(message_item(&script.reply));
        output.extend(calls);
        return json_response(
            StatusCode::OK,
            &response_object(script, model, "completed", output),
        );
    }
    let mut frames = Vec::new();
    let mut seq = 0u64;
    let mut push = |frames: &mut Vec<Bytes>, mut data: Value| {
        data["sequence_number"] = json!(seq);
        seq += 1;
        let kind = data["type"].as_str().unwrap_or_default().to_owned();
        frames.push(frame(&kind, &data.to_string()));
    };
    let created = response_object(script, model, "in_progress", vec![]);
    push(
        &mut frames,
        json!({"type": "response.created", "response": created}),
    );
    push(
        &mut frames,
        json!({"type": "response.in_progress", "response": created}),
    );
    let mut index = 0;
    if let Some(reasoning) = reasoning {
        let item = json!({"id": REASONING_ID, "type": "reasoning", "summary": []});
        push(
            &mut frames,
            json!({"type": "response.output_item.added", "output_index": 0, "item": item}),
        );
        let part = json!({"type": "reasoning_text", "text": ""});
        push(
            &mut frames,
            json!({"type": "response.content_part.added", "item_id": REASONING_ID, "output_index": 0, "content_index": 0, "part": part}),
        );
        for piece in pieces(reasoning, script.chunk_chars) {
            push(
                &mut frames,
                json!({"type": "response.reasoning_text.delta", "item_id": REASONING_ID, "output_index": 0, "content_index": 0, "delta": piece}),
            );
        }
        push(
            &mut frames,
            json!({"type": "response.reasoning_text.done", "item_id": REASONING_ID, "output_index": 0, "content_index": 0, "text": reasoning}),
        );
        push(
            &mut frames,
            json!({"type": "response.output_item.done", "output_index": 0, "item": reasoning_item(reasoning)}),
        );
        index = 1;
    }
    let item = json!({"id": MESSAGE_ID, "type": "message", "status": "in_progress", "role": "assistant", "content": []});
    push(
        &mut frames,
        json!({"type": "response.output_item.added", "output_index": index, "item": item}),
    );
    push(
        &mut frames,
        json!({"type": "response.content_part.added", "item_id": MESSAGE_ID, "output_index": index, "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}),
    );
    let delta = |frames: &mut Vec<Bytes>, piece: &str| {
        push(
            frames,
            json!({"type": "response.output_text.delta", "item_id": MESSAGE_ID, "output_index": index, "content_index": 0, "delta": piece}),
        )
    };
    if !stream::content_frames(
        &mut frames,
        script,
        b"event: response.output_text.delta\ndata: {\"type\": garb\n\n",
        delta,
    ) {
        return stream::sse(frames, &script.fault, disconnects);
    }
    push(
        &mut frames,
        json!({"type": "response.output_text.done", "item_id": MESSAGE_ID, "output_index": index, "content_index": 0, "text": script.reply}),
    );
    push(
        &mut frames,
        json!({"type": "response.content_part.done", "item_id": MESSAGE_ID, "output_index": index, "content_index": 0, "part": {"type": "output_text", "text": script.reply, "annotations": []}}),
    );
    push(
        &mut frames,
        json!({"type": "response.output_item.done", "output_index": index, "item": message_item(&script.reply)}),
    );
    for (n, call) in calls.iter().enumerate() {
        let at = index + 1 + n;
        let mut added = call.clone();
        added["status"] = json!("in_progress");
        added["arguments"] = json!("");
        push(
            &mut frames,
            json!({"type": "response.output_item.added", "output_index": at, "item": added}),
        );
        let arguments = call["arguments"].as_str().unwrap_or_default();
        for piece in pieces(arguments, script.chunk_chars) {
            push(
                &mut frames,
                json!({"type": "response.function_call_arguments.delta", "item_id": call["id"], "output_index": at, "delta": piece}),
            );
        }
        push(
            &mut frames,
            json!({"type": "response.function_call_arguments.done", "item_id": call["id"], "output_index": at, "arguments": arguments}),
        );
        push(
            &mut frames,
            json!({"type": "response.output_item.done", "output_index": at, "item": call}),
        );
    }
    let mut output: Vec<Value> = reasoning.map(reasoning_item).into_iter().collect();
    output.push(message_item(&script.reply));
    output.extend(calls);
    let done = response_object(script, model, "completed", output);
    push(
        &mut frames,
        json!({"type": "response.completed", "response": done}),
    );
    stream::sse(frames, &script.fault, disconnects)
}

//! OpenAI's Responses API, `POST /v1/responses`, over the chat engine: `input` (a string or
//! message, `function_call` and `function_call_output` items, images as `input_image`),
//! `instructions`, function tools, `tool_choice`, `text.format`, `max_output_tokens`,
//! `temperature`, `top_p`. The answer comes as one `response` object or as its event stream;
//! reasoning is its own `reasoning` item, each tool call a `function_call` item. The gateway
//! keeps no state: `previous_response_id` is refused (send the whole conversation).

mod events;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use self::events::{sse, Item, Shape};
use super::answer::{self, bad_request, collect, error_response, open, route_headers};
use super::guard::{json_body, Caller, Dialect};
use super::parse::{self, invalid, Invalid};
use crate::chat::{Ask, Engine};
use crate::providers::{Image, RequestOptions, ResponseFormat, Role, StopReason, ToolCall, Turn};

const DIALECT: Dialect = Dialect::OpenAi;

/// Parses a Responses request.
fn parse(body: &[u8]) -> Result<Ask, Invalid> {
    let body = parse::json(body)?;
    for stateful in ["previous_response_id", "conversation"] {
        if body.get(stateful).is_some_and(|v| !v.is_null()) {
            return Err(invalid(
                stateful,
                "the gateway keeps no responses; send the whole conversation as input",
            ));
        }
    }
    let mut system: Vec<String> = body
        .get("instructions")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .into_iter()
        .collect();
    let mut turns: Vec<Turn> = Vec::new();
    match body.get("input") {
        Some(Value::String(text)) => turns.push(Turn::user(text.clone())),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                input_item(item, &format!("input[{i}]"), &mut system, &mut turns)?;
            }
        }
        _ => return Err(invalid("input", "expected a string or an array of items")),
    }
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let model = body.get("model").and_then(Value::as_str);
    parse::ask(model, system, turns, stream, options(&body)?)
}

fn input_item(
    item: &Value,
    field: &str,
    system: &mut Vec<String>,
    turns: &mut Vec<Turn>,
) -> Result<(), Invalid> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    match item["type"].as_str() {
        Some("message") | None => {
            let turn = message(item, field)?;
            match item["role"].as_str() {
                Some("system" | "developer") => system.push(turn.text),
                _ => turns.push(turn),
            }
        }
        Some("function_call") => {
            let call = ToolCall {
                id: text(&item["call_id"]),
                name: text(&item["name"]),
                arguments: text(&item["arguments"]),
            };
            if call.id.is_empty() || call.name.is_empty() {
                return Err(invalid(field, "a function_call needs call_id and name"));
            }
            match turns.last_mut() {
                Some(last) if last.role == Role::Assistant => last.tool_calls.push(call),
                _ => {
                    let mut turn = Turn::assistant("");
                    turn.tool_calls.push(call);
                    turns.push(turn);
                }
            }
        }
        Some("function_call_output") => {
            let output = match &item["output"] {
                Value::String(s) => s.clone(),
                Value::Array(parts) => parts
                    .iter()
                    .filter_map(|p| p["text"].as_str())
                    .collect::<Vec<_>>()
                    .join(""),
                _ => return Err(invalid(field, "output must be a string or text parts")),
            };
            let mut turn = Turn::text(Role::Tool, output);
            turn.tool_call_id = Some(text(&item["call_id"]));
            turns.push(turn);
        }
        // Reasoning is never sent back to a model.
        Some("reasoning") => {}
        Some(other) => {
            return Err(invalid(
                field,
                &format!(
                "{other} items are not supported (message, function_call, function_call_output)"
            ),
            ))
        }
    }
    Ok(())
}

/// A message item: its role and content (a string, or text and image parts).
fn message(item: &Value, field: &str) -> Result<Turn, Invalid> {
    let role = match item["role"].as_str() {
        Some("user" | "system" | "developer") => Role::User,
        Some("assistant") => Role::Assistant,
        other => {
            return Err(invalid(
                &format!("{field}.role"),
                &format!("{} is not a message role", other.unwrap_or("none")),
            ))
        }
    };
    let mut turn = Turn::text(role, "");
    match &item["content"] {
        Value::String(s) => turn.text.push_str(s),
        Value::Array(parts) => {
            for (i, part) in parts.iter().enumerate() {
                match part["type"].as_str() {
                    Some("input_text" | "output_text" | "text" | "refusal") => {
                        let text = part["text"].as_str().or_else(|| part["refusal"].as_str());
                        turn.text.push_str(text.unwrap_or_default());
                    }
                    Some("input_image") if role == Role::User => {
                        let url = part["image_url"].as_str().ok_or_else(|| {
                            invalid(
                                &format!("{field}.content[{i}]"),
                                "only images by image_url are supported (no file_id)",
                            )
                        })?;
                        turn.images.push(Image {
                            url: url.to_owned(),
                            detail: part["detail"].as_str().map(str::to_owned),
                        });
                    }
                    other => {
                        return Err(invalid(
                            &format!("{field}.content[{i}]"),
                            &format!(
                                "{} parts are not supported (input_text, input_image)",
                                other.unwrap_or("untyped")
                            ),
                        ))
                    }
                }
            }
        }
        _ => return Err(invalid(field, "content must be a string or parts")),
    }
    Ok(turn)
}

fn options(body: &Map<String, Value>) -> Result<RequestOptions, Invalid> {
    let format = &body.get("text").unwrap_or(&Value::Null)["format"];
    let response_format = match format["type"].as_str() {
        None => None,
        Some("text") => Some(ResponseFormat::Text),
        Some("json_object") => Some(ResponseFormat::JsonObject),
        Some("json_schema") => Some(parse::json_schema(format, "text.format")?),
        Some(_) => {
            return Err(invalid(
                "text.format",
                "type must be text, json_object or json_schema",
            ))
        }
    };
    let mut tools = Vec::new();
    for (i, t) in body
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let field = format!("tools[{i}]");
        if t["type"].as_str() != Some("function") {
            return Err(invalid(
                &field,
                "only function tools are supported (no built-in tools)",
            ));
        }
        tools.push(parse::tool(t, &field, "parameters")?);
    }
    Ok(RequestOptions {
        temperature: parse::number(body, "temperature")?,
        top_p: parse::number(body, "top_p")?,
        max_tokens: parse::count(body, "max_output_tokens")?,
        response_format,
        tools,
        tool_choice: parse::openai_tool_choice(body.get("tool_choice"))?,
        ..RequestOptions::default()
    })
}

/// `POST /v1/responses`.
pub async fn create(
    State(engine): State<Engine>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return answer::rejected(rejection, DIALECT),
    };
    let mut ask = match parse(&body) {
        Ok(ask) => ask,
        Err(e) => return bad_request(DIALECT, &e.to_string()),
    };
    answer::apply_headers(&headers, &mut ask);
    let streaming = ask.options.stream;
    let opened = match open(&engine, ask, DIALECT, &caller).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let shape = Shape {
        id: answer::next_id("resp_"),
        model: opened.model.clone(),
        created: answer::now_secs(),
    };
    let mut response = if streaming {
        sse(opened.events, opened.first, shape)
    } else {
        match collect(opened.events, opened.first).await {
            Ok(whole) => {
                let mut output = Vec::new();
                if !whole.reasoning.is_empty() {
                    output.push(Item::reasoning(&shape.id, 0, &whole.reasoning).done());
                }
                if !whole.text.is_empty() || whole.tool_calls.is_empty() {
                    output.push(Item::message(&shape.id, 1, &whole.text).done());
                }
                for (i, call) in whole.tool_calls.iter().enumerate() {
                    output.push(Item::call(&shape.id, i, call).done());
                }
                let stop = whole.stop.unwrap_or(StopReason::Stop);
                json_body(
                    StatusCode::OK,
                    &shape.response(output, Some(stop), whole.usage.as_ref()),
                )
            }
            Err(event) => error_response(DIALECT, &event),
        }
    };
    route_headers(&mut response, &opened.routes);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_become_turns_and_state_is_refused() {
        let body = json!({"model": "m", "instructions": "be brief", "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "look"},
                {"type": "input_image", "image_url": "data:image/png;base64,AA"}]},
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "42"}],
            "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}],
            "max_output_tokens": 50, "text": {"format": {"type": "json_object"}}});
        let ask = parse(body.to_string().as_bytes()).expect("parses");
        assert_eq!(ask.system.as_deref(), Some("be brief"));
        let latest = &ask.request.latest;
        assert_eq!(latest.len(), 3);
        assert_eq!(latest[0].images.len(), 1);
        assert_eq!(latest[1].tool_calls[0].id, "c1");
        assert_eq!(latest[2].role, Role::Tool);
        assert_eq!(ask.request.options.max_tokens, Some(50));
        assert_eq!(
            ask.request.options.response_format,
            Some(ResponseFormat::JsonObject)
        );
        let stateful = json!({"model": "m", "input": "hi", "previous_response_id": "resp_1"});
        let err = parse(stateful.to_string().as_bytes()).expect_err("refused");
        assert!(err.to_string().contains("previous_response_id"), "{err}");
    }
}

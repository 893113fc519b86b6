//! Anthropic's Messages API, `POST /v1/messages`, over the chat engine: the token comes as
//! `x-api-key`, `anthropic-version` is required (as Anthropic requires it); `system`, text and
//! image blocks, `tool_use` / `tool_result` blocks, custom tools, `tool_choice`,
//! `max_tokens`, `stop_sequences`, `temperature`, `top_p`. The answer is one `message` or its
//! event stream; reasoning comes in `thinking` blocks, tool calls in `tool_use` blocks.

mod events;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use self::events::{arguments, message, sse};
use super::answer::{self, bad_request, collect, error_response, open, route_headers};
use super::guard::{json_body, Caller, Dialect};
use super::parse::{self, invalid, Invalid};
use crate::chat::{Ask, Engine};
use crate::providers::{Image, RequestOptions, Role, StopReason, ToolCall, ToolChoice, Turn};

const DIALECT: Dialect = Dialect::Anthropic;

/// The API versions this endpoint speaks (Anthropic's current one and its predecessor).
const VERSIONS: &[&str] = &["2023-06-01", "2023-01-01"];

/// Parses a Messages request.
fn parse(body: &[u8]) -> Result<Ask, Invalid> {
    let body = parse::json(body)?;
    if parse::count(&body, "max_tokens")?.is_none() {
        return Err(invalid("max_tokens", "Field required"));
    }
    let system = match body.get("system") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(blocks)) => vec![blocks
            .iter()
            .filter_map(|b| b["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n\n")],
        Some(_) => return Err(invalid("system", "expected a string or text blocks")),
    };
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("messages", "Field required"))?;
    let mut turns = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let field = format!("messages.{i}");
        let role = match m["role"].as_str() {
            Some("user") => Role::User,
            Some("assistant") => Role::Assistant,
            _ => {
                return Err(invalid(
                    &format!("{field}.role"),
                    "must be user or assistant",
                ))
            }
        };
        match &m["content"] {
            Value::String(s) => turns.push(Turn::text(role, s.clone())),
            Value::Array(blocks) => content(role, blocks, &field, &mut turns)?,
            _ => {
                return Err(invalid(
                    &format!("{field}.content"),
                    "expected a string or blocks",
                ))
            }
        }
    }
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let model = body.get("model").and_then(Value::as_str);
    parse::ask(model, system, turns, stream, options(&body)?)
}

/// A message's blocks as turns: tool results become tool turns before the rest of a user
/// message; an assistant's `tool_use` blocks its calls.
fn content(
    role: Role,
    blocks: &[Value],
    field: &str,
    turns: &mut Vec<Turn>,
) -> Result<(), Invalid> {
    let mut turn = Turn::text(role, "");
    for (i, block) in blocks.iter().enumerate() {
        let at = format!("{field}.content.{i}");
        match block["type"].as_str() {
            Some("text") => turn
                .text
                .push_str(block["text"].as_str().unwrap_or_default()),
            Some("image") if role == Role::User => {
                let source = &block["source"];
                let url = match source["type"].as_str() {
                    Some("base64") => format!(
                        "data:{};base64,{}",
                        source["media_type"].as_str().unwrap_or("image/png"),
                        source["data"].as_str().unwrap_or_default()
                    ),
                    Some("url") => source["url"].as_str().unwrap_or_default().to_owned(),
                    _ => return Err(invalid(&at, "images come as base64 or url sources")),
                };
                turn.images.push(Image { url, detail: None });
            }
            Some("tool_use") if role == Role::Assistant => turn.tool_calls.push(ToolCall {
                id: block["id"].as_str().unwrap_or_default().to_owned(),
                name: block["name"].as_str().unwrap_or_default().to_owned(),
                arguments: block.get("input").unwrap_or(&json!({})).to_string(),
            }),
            Some("tool_result") if role == Role::User => {
                let text = match &block["content"] {
                    Value::String(s) => s.clone(),
                    Value::Array(parts) => parts
                        .iter()
                        .filter_map(|p| p["text"].as_str())
                        .collect::<Vec<_>>()
                        .join(""),
                    _ => String::new(),
                };
                let mut result = Turn::text(Role::Tool, text);
                result.tool_call_id = block["tool_use_id"].as_str().map(str::to_owned);
                turns.push(result);
            }
            // Reasoning is never sent back to a model.
            Some("thinking" | "redacted_thinking") if role == Role::Assistant => {}
            other => {
                return Err(invalid(
                    &at,
                    &format!(
                        "{} blocks are not supported here",
                        other.unwrap_or("untyped")
                    ),
                ))
            }
        }
    }
    let only_results = role == Role::User
        && turn.text.is_empty()
        && turn.images.is_empty()
        && turns.last().is_some_and(|t| t.role == Role::Tool);
    if !only_results {
        turns.push(turn);
    }
    Ok(())
}

fn options(body: &Map<String, Value>) -> Result<RequestOptions, Invalid> {
    let mut tools = Vec::new();
    for (i, t) in body
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let field = format!("tools.{i}");
        if !matches!(t["type"].as_str(), None | Some("custom")) {
            return Err(invalid(
                &field,
                "only custom tools are supported (no server tools)",
            ));
        }
        tools.push(parse::tool(t, &field, "input_schema")?);
    }
    let tool_choice = match body.get("tool_choice") {
        None | Some(Value::Null) => None,
        Some(choice) => Some(match (choice["type"].as_str(), choice["name"].as_str()) {
            (Some("auto"), _) => ToolChoice::Auto,
            (Some("any"), _) => ToolChoice::Required,
            (Some("none"), _) => ToolChoice::None,
            (Some("tool"), Some(name)) => ToolChoice::Tool(name.to_owned()),
            _ => {
                return Err(invalid(
                    "tool_choice",
                    "expected auto, any, none or a tool by name",
                ))
            }
        }),
    };
    Ok(RequestOptions {
        temperature: parse::number(body, "temperature")?,
        top_p: parse::number(body, "top_p")?,
        max_tokens: parse::count(body, "max_tokens")?,
        stop: parse::stop_list(body.get("stop_sequences"), "stop_sequences")?,
        tools,
        tool_choice,
        ..RequestOptions::default()
    })
}

/// `POST /v1/messages`.
pub async fn create(
    State(engine): State<Engine>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match headers.get("anthropic-version").map(|v| v.to_str()) {
        None => return bad_request(DIALECT, "anthropic-version: header is required"),
        Some(Ok(v)) if VERSIONS.contains(&v.trim()) => {}
        Some(_) => {
            let known = VERSIONS.join(", ");
            return bad_request(
                DIALECT,
                &format!("anthropic-version: this gateway speaks {known}"),
            );
        }
    }
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
    let id = answer::next_id("msg_");
    let mut response = if streaming {
        sse(opened.events, opened.first, id, opened.model.clone())
    } else {
        match collect(opened.events, opened.first).await {
            Ok(whole) => {
                let mut content = Vec::new();
                if !whole.reasoning.is_empty() {
                    content.push(json!({"type": "thinking", "thinking": whole.reasoning,
                                        "signature": ""}));
                }
                if !whole.text.is_empty() || whole.tool_calls.is_empty() {
                    content.push(json!({"type": "text", "text": whole.text}));
                }
                for call in &whole.tool_calls {
                    content.push(json!({"type": "tool_use", "id": call.id, "name": call.name,
                                        "input": arguments(&call.arguments)}));
                }
                let stop = whole.stop.unwrap_or(StopReason::Stop);
                let message = message(
                    &id,
                    &opened.model,
                    content,
                    Some(stop),
                    whole.usage.as_ref(),
                );
                json_body(StatusCode::OK, &message)
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

    #[test]
    fn blocks_become_turns() {
        let body = json!({"model": "m", "max_tokens": 100, "system": "be brief", "messages": [
            {"role": "user", "content": "weather in Oslo?"},
            {"role": "assistant", "content": [{"type": "text", "text": "checking"},
                {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Oslo"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                "content": "rain"}]}],
            "tools": [{"name": "weather", "input_schema": {"type": "object"}}],
            "tool_choice": {"type": "any"}, "stop_sequences": ["END"]});
        let ask = parse(body.to_string().as_bytes()).expect("parses");
        let latest = &ask.request.latest;
        assert_eq!(latest.len(), 3, "{latest:?}");
        assert_eq!(latest[1].tool_calls[0].arguments, r#"{"city":"Oslo"}"#);
        assert_eq!(latest[2].role, Role::Tool);
        assert_eq!(latest[2].tool_call_id.as_deref(), Some("toolu_1"));
        let options = &ask.request.options;
        assert_eq!(options.tool_choice, Some(ToolChoice::Required));
        assert_eq!(options.stop, ["END"]);
        assert_eq!(options.max_tokens, Some(100));
        let missing = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
        let err = parse(missing.to_string().as_bytes()).expect_err("no max_tokens");
        assert!(err.to_string().contains("max_tokens"), "{err}");
    }
}

//! OpenAI's chat completions, `POST /v1/chat/completions`, over the chat engine: every
//! parameter reaches the model in its own API (see [`crate::providers::options`]), fields this
//! version does not know go on as they are to `openai-completions` servers, images and tool
//! turns included; the answer streams as SSE chunks (tool calls as deltas) or comes as one
//! `chat.completion` body. Also `GET /v1/models`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Extension, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::answer::{self, bad_request, collect, error_response, open, route_headers};
use super::guard::{Caller, Dialect};
use super::parse::{self, invalid, Invalid};
use super::stream::{self, Chunks};
use crate::chat::{Ask, Engine};
use crate::providers::{Image, RequestOptions, ResponseFormat, Role, ToolCall, Turn};

pub use super::answer::PRIVATE_HEADER;

const DIALECT: Dialect = Dialect::OpenAi;

/// `GET /v1/models`: the aliases, then every configured `provider/model`, with the context
/// window, output limit and input kinds of the model each names, when the config lists it. An
/// Anthropic client (it sends `anthropic-version`) gets Anthropic's list shape.
pub async fn models(State(engine): State<Engine>, headers: HeaderMap) -> Response {
    let config = engine.router().config();
    let mut entries: Vec<(String, String)> = crate::router::aliases(&config)
        .into_iter()
        .map(|(a, r)| (a.to_owned(), r.to_owned()))
        .collect();
    for r in config.model_refs() {
        if !entries.iter().any(|(id, _)| *id == r) {
            entries.push((r.clone(), r));
        }
    }
    let data: Vec<Value> = entries
        .iter()
        .map(|(id, model_ref)| {
            let mut entry =
                json!({"id": id, "object": "model", "created": 0, "owned_by": "switchboard"});
            if id != model_ref {
                entry["root"] = json!(model_ref);
            }
            let listed = model_ref.split_once('/').and_then(|(p, m)| {
                let provider = config.provider(p)?;
                let model = provider.models.iter().flatten().find(|d| d.id == m)?;
                Some((provider, model))
            });
            if let Some((provider, model)) = listed {
                if let Some(window) = model.context_window {
                    entry["context_window"] = json!(window.max(0.0) as u64);
                }
                entry["max_tokens"] = json!(model.effective_max_tokens(provider).max(0.0) as u64);
                entry["input"] = json!(model.input());
            }
            entry
        })
        .collect();
    let body = if headers.contains_key("anthropic-version") {
        let data: Vec<Value> = data
            .into_iter()
            .map(|mut m| {
                m["type"] = json!("model");
                m["display_name"] = m["id"].clone();
                m["created_at"] = json!("1970-01-01T00:00:00Z");
                m
            })
            .collect();
        let first = data.first().map(|m| m["id"].clone());
        let last = data.last().map(|m| m["id"].clone());
        json!({"data": data, "has_more": false, "first_id": first, "last_id": last})
    } else {
        json!({"object": "list", "data": data})
    };
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The fields read here; every other one is passed through to `openai-completions` servers.
const KNOWN: &[&str] = &[
    "model",
    "messages",
    "stream",
    "stream_options",
    "n",
    "temperature",
    "top_p",
    "max_tokens",
    "max_completion_tokens",
    "stop",
    "seed",
    "response_format",
    "tools",
    "tool_choice",
];

/// Parses an OpenAI chat request: what to ask and whether to add usage to a stream.
fn parse(body: &[u8]) -> Result<(Ask, bool), Invalid> {
    let body = parse::json(body)?;
    if parse::count(&body, "n")?.is_some_and(|n| n > 1) {
        return Err(invalid(
            "n",
            "only one choice per request is supported; send n requests instead",
        ));
    }
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("messages", "expected an array"))?;
    let mut system = Vec::new();
    let mut turns = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let field = format!("messages[{i}]");
        match m["role"].as_str() {
            Some("system" | "developer") => system.push(text_of(&m["content"], &field)?),
            Some("user") => turns.push(user_turn(&m["content"], &field)?),
            Some("assistant") => turns.push(assistant_turn(m, &field)?),
            Some("tool") => {
                let mut turn = Turn::text(Role::Tool, text_of(&m["content"], &field)?);
                turn.tool_call_id = Some(
                    m["tool_call_id"]
                        .as_str()
                        .ok_or_else(|| invalid(&field, "a tool message needs tool_call_id"))?
                        .to_owned(),
                );
                turns.push(turn);
            }
            other => {
                return Err(invalid(
                    &format!("{field}.role"),
                    &format!(
                        "{} is not supported (system, developer, user, assistant, tool)",
                        other.unwrap_or("none")
                    ),
                ))
            }
        }
    }
    let include_usage = body
        .get("stream_options")
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let model = body.get("model").and_then(Value::as_str);
    let ask = parse::ask(model, system, turns, stream, options(&body)?)?;
    Ok((ask, include_usage))
}

/// The parameters, tools and pass-through fields.
fn options(body: &Map<String, Value>) -> Result<RequestOptions, Invalid> {
    let max_tokens = match parse::count(body, "max_completion_tokens")? {
        Some(n) => Some(n),
        None => parse::count(body, "max_tokens")?,
    };
    let response_format = match body.get("response_format") {
        None | Some(Value::Null) => None,
        Some(f) => Some(match f["type"].as_str() {
            Some("text") => ResponseFormat::Text,
            Some("json_object") => ResponseFormat::JsonObject,
            Some("json_schema") => parse::json_schema(&f["json_schema"], "response_format")?,
            _ => {
                return Err(invalid(
                    "response_format",
                    "type must be text, json_object or json_schema",
                ))
            }
        }),
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
            return Err(invalid(&field, "only function tools are supported"));
        }
        tools.push(parse::tool(&t["function"], &field, "parameters")?);
    }
    let passthrough = body
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(RequestOptions {
        temperature: parse::number(body, "temperature")?,
        top_p: parse::number(body, "top_p")?,
        max_tokens,
        stop: parse::stop_list(body.get("stop"), "stop")?,
        seed: parse::integer(body, "seed")?,
        response_format,
        tools,
        tool_choice: parse::openai_tool_choice(body.get("tool_choice"))?,
        passthrough,
    })
}

/// A message's text: a string, or its text parts joined.
fn text_of(content: &Value, field: &str) -> Result<String, Invalid> {
    match content {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        Value::Array(parts) => {
            let mut text = String::new();
            for part in parts {
                match part["type"].as_str() {
                    Some("text") => text.push_str(part["text"].as_str().unwrap_or_default()),
                    _ => return Err(invalid(field, "only text parts are allowed here")),
                }
            }
            Ok(text)
        }
        _ => Err(invalid(
            &format!("{field}.content"),
            "expected a string or parts",
        )),
    }
}

fn user_turn(content: &Value, field: &str) -> Result<Turn, Invalid> {
    let Value::Array(parts) = content else {
        return Ok(Turn::user(text_of(content, field)?));
    };
    let mut turn = Turn::user("");
    for (i, part) in parts.iter().enumerate() {
        match part["type"].as_str() {
            Some("text") => turn
                .text
                .push_str(part["text"].as_str().unwrap_or_default()),
            Some("image_url") => {
                let url = part["image_url"]["url"]
                    .as_str()
                    .or_else(|| part["image_url"].as_str())
                    .ok_or_else(|| invalid(&format!("{field}.content[{i}]"), "no image url"))?;
                turn.images.push(Image {
                    url: url.to_owned(),
                    detail: part["image_url"]["detail"].as_str().map(str::to_owned),
                });
            }
            other => {
                return Err(invalid(
                    &format!("{field}.content[{i}]"),
                    &format!(
                        "{} parts are not supported (text, image_url)",
                        other.unwrap_or("untyped")
                    ),
                ))
            }
        }
    }
    Ok(turn)
}

fn assistant_turn(message: &Value, field: &str) -> Result<Turn, Invalid> {
    let mut turn = Turn::assistant(text_of(&message["content"], field)?);
    for (i, call) in message["tool_calls"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let function = &call["function"];
        let (Some(id), Some(name)) = (call["id"].as_str(), function["name"].as_str()) else {
            return Err(invalid(
                &format!("{field}.tool_calls[{i}]"),
                "a tool call needs an id and a function name",
            ));
        };
        turn.tool_calls.push(ToolCall {
            id: id.to_owned(),
            name: name.to_owned(),
            arguments: function["arguments"].as_str().unwrap_or("{}").to_owned(),
        });
    }
    Ok(turn)
}

/// `POST /v1/chat/completions`.
pub async fn chat(
    State(engine): State<Engine>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return answer::rejected(rejection, DIALECT),
    };
    let (mut ask, include_usage) = match parse(&body) {
        Ok(parsed) => parsed,
        Err(e) => return bad_request(DIALECT, &e.to_string()),
    };
    answer::apply_headers(&headers, &mut ask);
    let streaming = ask.options.stream;
    let opened = match open(&engine, ask, DIALECT, &caller).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let id = answer::next_id("chatcmpl-");
    let mut response = if streaming {
        let chunks = Chunks::new(id, opened.model.clone(), include_usage);
        stream::sse(opened.events, opened.first, chunks)
    } else {
        match collect(opened.events, opened.first).await {
            Ok(whole) => stream::whole(&whole, &id, &opened.model),
            Err(event) => error_response(DIALECT, &event),
        }
    };
    route_headers(&mut response, &opened.routes);
    response
}

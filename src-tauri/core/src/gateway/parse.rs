//! Reading request bodies: the one error every endpoint's parser gives (a 400 with a message
//! naming the field), and the pieces the three APIs share (numbers, stop lists, JSON Schema
//! answer formats, function tools, splitting the conversation into what came before and the
//! newest turns).

use serde_json::{Map, Value};

use crate::chat::{Ask, AskRequest, TurnOptions};
use crate::providers::{RequestOptions, ResponseFormat, Role, ToolChoice, ToolSpec, Turn};

/// Why a request body was refused; the text is the 400's message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct Invalid(pub(super) String);

/// Parses the body as JSON.
pub(super) fn json(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Invalid("the body must be a JSON object".into())),
        Err(e) => Err(Invalid(format!("the body is not valid JSON: {e}"))),
    }
}

/// An `Invalid` naming `field`.
pub(super) fn invalid(field: &str, problem: &str) -> Invalid {
    Invalid(format!("{field}: {problem}"))
}

/// `body[key]` as a number, if present.
pub(super) fn number(body: &Map<String, Value>, key: &str) -> Result<Option<f64>, Invalid> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or_else(|| invalid(key, "expected a number")),
    }
}

/// `body[key]` as a whole number ≥ 0, if present.
pub(super) fn count(body: &Map<String, Value>, key: &str) -> Result<Option<u64>, Invalid> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid(key, "expected a whole number")),
    }
}

/// `body[key]` as a whole number (may be negative), if present.
pub(super) fn integer(body: &Map<String, Value>, key: &str) -> Result<Option<i64>, Invalid> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(key, "expected a whole number")),
    }
}

/// A stop list: one string or an array of strings.
pub(super) fn stop_list(value: Option<&Value>, key: &str) -> Result<Vec<String>, Invalid> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(key, "expected strings"))
            })
            .collect(),
        Some(_) => Err(invalid(key, "expected a string or an array of strings")),
    }
}

/// A JSON Schema answer format from an object with `name`, `schema`, `description`, `strict`.
pub(super) fn json_schema(spec: &Value, field: &str) -> Result<ResponseFormat, Invalid> {
    let name = spec["name"]
        .as_str()
        .ok_or_else(|| invalid(field, "json_schema needs a name"))?;
    Ok(ResponseFormat::JsonSchema {
        name: name.to_owned(),
        description: spec["description"].as_str().map(str::to_owned),
        schema: spec.get("schema").cloned().unwrap_or(Value::Null),
        strict: spec["strict"].as_bool(),
    })
}

/// A function tool from its fields (`name`, `description`, `parameters` or `input_schema`,
/// `strict`).
pub(super) fn tool(spec: &Value, field: &str, schema_key: &str) -> Result<ToolSpec, Invalid> {
    let name = spec["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid(field, "a tool needs a name"))?;
    let parameters = match spec.get(schema_key) {
        None | Some(Value::Null) => serde_json::json!({"type": "object", "properties": {}}),
        Some(schema @ Value::Object(_)) => schema.clone(),
        Some(_) => return Err(invalid(field, &format!("{schema_key} must be an object"))),
    };
    Ok(ToolSpec {
        name: name.to_owned(),
        description: spec["description"].as_str().map(str::to_owned),
        parameters,
        strict: spec["strict"].as_bool(),
    })
}

/// OpenAI's `tool_choice` (chat: `{type: function, function: {name}}`; Responses:
/// `{type: function, name}`).
pub(super) fn openai_tool_choice(value: Option<&Value>) -> Result<Option<ToolChoice>, Invalid> {
    let choice = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => match s.as_str() {
            "auto" => ToolChoice::Auto,
            "none" => ToolChoice::None,
            "required" => ToolChoice::Required,
            other => {
                return Err(invalid(
                    "tool_choice",
                    &format!("{other} is not auto, none or required"),
                ))
            }
        },
        Some(v) => {
            let name = v["function"]["name"]
                .as_str()
                .or_else(|| v["name"].as_str());
            match (v["type"].as_str(), name) {
                (Some("function"), Some(name)) => ToolChoice::Tool(name.to_owned()),
                _ => {
                    return Err(invalid(
                        "tool_choice",
                        "expected auto, none, required or a function by name",
                    ))
                }
            }
        }
    };
    Ok(Some(choice))
}

/// The ask for a conversation of `turns` (the system prompt apart): a last plain user turn is
/// the message; otherwise the turns from the last user turn on are sent as the newest ones.
pub(super) fn ask(
    model: Option<&str>,
    system: Vec<String>,
    mut turns: Vec<Turn>,
    stream: bool,
    options: RequestOptions,
) -> Result<Ask, Invalid> {
    if turns.is_empty() {
        return Err(Invalid("no user or assistant message".into()));
    }
    let model = model
        .map(str::trim)
        .filter(|m| !m.is_empty() && *m != "default")
        .map(str::to_owned);
    let plain_last = turns
        .last()
        .is_some_and(|t| t.role == Role::User && !t.is_rich() && !t.text.trim().is_empty());
    let (message, latest) = if plain_last {
        (turns.pop().map(|t| t.text).unwrap_or_default(), Vec::new())
    } else {
        let from = turns
            .iter()
            .rposition(|t| t.role == Role::User)
            .unwrap_or(0);
        let latest = turns.split_off(from);
        let message = latest
            .iter()
            .find(|t| t.role == Role::User)
            .map(|t| t.text.clone())
            .unwrap_or_default();
        (message, latest)
    };
    let mut ask = Ask::new(message);
    ask.system = (!system.is_empty()).then(|| system.join("\n\n"));
    ask.earlier = turns;
    ask.model = model;
    ask.options = TurnOptions {
        stream,
        coalesce: None,
    };
    ask.request = AskRequest { options, latest };
    Ok(ask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_last_user_turn_is_the_message_else_the_newest_turns_go_as_they_are() {
        let ask = ask(
            Some("m"),
            vec!["be brief".into()],
            vec![
                Turn::user("hi"),
                Turn::assistant("hello"),
                Turn::user("bye"),
            ],
            true,
            RequestOptions::default(),
        )
        .expect("ok");
        assert_eq!((ask.message.as_str(), ask.earlier.len()), ("bye", 2));
        assert!(ask.request.latest.is_empty());
        let mut result = Turn::text(Role::Tool, "sunny");
        result.tool_call_id = Some("call_1".into());
        let ask = super::ask(
            None,
            Vec::new(),
            vec![Turn::user("weather?"), Turn::assistant(""), result],
            false,
            RequestOptions::default(),
        )
        .expect("ok");
        assert_eq!(ask.message, "weather?");
        assert_eq!((ask.earlier.len(), ask.request.latest.len()), (0, 3));
        assert!(stop_list(Some(&serde_json::json!(7)), "stop").is_err());
        assert_eq!(
            stop_list(Some(&serde_json::json!("x")), "stop").expect("ok"),
            ["x"]
        );
    }
}

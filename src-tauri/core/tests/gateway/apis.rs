//! `/v1/messages` (Anthropic) and `/v1/responses` (OpenAI Responses) over the same router,
//! streamed and not, with tools and reasoning in their own blocks and items; errors in each
//! API's shape; `/v1/models` with context windows.

use serde_json::{json, Value};
use switchboard_fakes::anthropic;
use switchboard_fakes::openai::{self, Script};

use super::tools::{config, frames, post, sent, Upstream, IMAGES, TEXT};
use super::{http, router_from, Gateway, TOKEN};

fn thinking_caller() -> Script {
    Script::reply("Let me look.")
        .with_reasoning("the user wants weather")
        .with_tool_call("call_7", "weather", r#"{"city":"Oslo"}"#)
}

async fn messages(url: &str, key: &str, version: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = http()
        .post(format!("{url}/v1/messages"))
        .header("x-api-key", key)
        .json(body);
    if let Some(v) = version {
        request = request.header("anthropic-version", v);
    }
    request.send().await.expect("response")
}

fn anthropic_ask(stream: bool, model: &str) -> Value {
    json!({"model": model, "max_tokens": 256, "stream": stream, "system": "Be brief.",
        "messages": [{"role": "user", "content": "Weather in Oslo?"}],
        "tools": [{"name": "weather", "description": "Weather now",
                   "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]})
}

#[tokio::test]
async fn messages_take_x_api_key_and_stream_thinking_text_and_tool_use_blocks() {
    let fake = openai::start(thinking_caller()).expect("fake");
    let gw = Gateway::start(router_from(&config(&[Upstream(
        "a",
        "openai-completions",
        &fake,
        TEXT,
    )])))
    .await;
    let response = messages(
        &gw.url,
        TOKEN,
        Some("2023-06-01"),
        &anthropic_ask(true, "main"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    let events = frames(&body);
    let kinds: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"message_start"));
    assert_eq!(kinds.last(), Some(&"message_stop"));
    let starts: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "content_block_start")
        .map(|(_, d)| &d["content_block"]["type"])
        .collect();
    assert_eq!(
        starts,
        [&json!("thinking"), &json!("text"), &json!("tool_use")],
        "{body}"
    );
    let partial: String = events
        .iter()
        .filter_map(|(_, d)| d["delta"]["partial_json"].as_str())
        .collect();
    assert_eq!(partial, r#"{"city":"Oslo"}"#);
    let stop = events
        .iter()
        .find(|(e, _)| e == "message_delta")
        .expect("delta");
    assert_eq!(stop.1["delta"]["stop_reason"], "tool_use");
    let upstream = sent(&fake);
    assert_eq!(upstream["max_tokens"], 256);
    assert_eq!(
        upstream["tools"][0]["function"]["parameters"]["type"],
        "object"
    );
    assert_eq!(
        upstream["messages"][0],
        json!({"role": "system", "content": "Be brief."})
    );
    // Not streamed: one message with the same blocks.
    let response = messages(
        &gw.url,
        TOKEN,
        Some("2023-06-01"),
        &anthropic_ask(false, "main"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let message: Value = response.json().await.expect("json");
    assert_eq!(message["type"], "message");
    assert_eq!(message["stop_reason"], "tool_use");
    let content = message["content"].as_array().expect("content");
    assert_eq!(content[0]["thinking"], "the user wants weather");
    assert_eq!(content[1]["text"], "Let me look.");
    assert_eq!(content[2]["input"], json!({"city": "Oslo"}));
    assert_eq!(message["usage"]["output_tokens"], 7);
}

#[tokio::test]
async fn messages_errors_are_anthropic_shaped() {
    let fake = anthropic::start(Script::reply("never")).expect("fake");
    let gw = Gateway::start(router_from(&config(&[Upstream(
        "a",
        "anthropic-messages",
        &fake,
        TEXT,
    )])))
    .await;
    let shaped = |v: &Value, kind: &str| {
        assert_eq!(v["type"], "error", "{v}");
        assert_eq!(v["error"]["type"], kind, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
    };
    let r = messages(&gw.url, TOKEN, None, &anthropic_ask(false, "main")).await;
    assert_eq!(r.status(), 400);
    shaped(&r.json().await.expect("json"), "invalid_request_error");
    let r = messages(
        &gw.url,
        "wrong",
        Some("2023-06-01"),
        &anthropic_ask(false, "main"),
    )
    .await;
    assert_eq!(r.status(), 401);
    shaped(&r.json().await.expect("json"), "authentication_error");
    let r = messages(
        &gw.url,
        TOKEN,
        Some("2023-06-01"),
        &anthropic_ask(false, "no/such"),
    )
    .await;
    assert_eq!(r.status(), 404);
    shaped(&r.json().await.expect("json"), "not_found_error");
    let mut no_max = anthropic_ask(false, "main");
    no_max.as_object_mut().expect("object").remove("max_tokens");
    let r = messages(&gw.url, TOKEN, Some("2023-06-01"), &no_max).await;
    assert_eq!(r.status(), 400);
    shaped(&r.json().await.expect("json"), "invalid_request_error");
    assert!(fake.requests().is_empty(), "nothing went upstream");
}

fn responses_ask(stream: bool, model: &str) -> Value {
    json!({"model": model, "stream": stream, "instructions": "Be brief.",
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "Weather in Oslo?"}]}],
        "tools": [{"type": "function", "name": "weather",
                   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
        "max_output_tokens": 200})
}

#[tokio::test]
async fn responses_keep_reasoning_and_calls_in_their_own_items_streamed_and_not() {
    let fake = anthropic::start(thinking_caller().with_tool_call("call_8", "weather", "{}"))
        .expect("fake");
    let gw = Gateway::start(router_from(&config(&[Upstream(
        "a",
        "anthropic-messages",
        &fake,
        TEXT,
    )])))
    .await;
    let response = post(&gw.url, "/v1/responses", &responses_ask(false, "main")).await;
    assert_eq!(response.status(), 200);
    let whole: Value = response.json().await.expect("json");
    assert_eq!(
        (&whole["object"], &whole["status"]),
        (&json!("response"), &json!("completed"))
    );
    let types: Vec<&Value> = whole["output"]
        .as_array()
        .expect("output")
        .iter()
        .map(|i| &i["type"])
        .collect();
    assert_eq!(
        types,
        [
            &json!("reasoning"),
            &json!("message"),
            &json!("function_call"),
            &json!("function_call")
        ]
    );
    assert_eq!(whole["output"][2]["arguments"], r#"{"city":"Oslo"}"#);
    assert_eq!(whole["output"][3]["call_id"], "call_8");
    assert_eq!(sent(&fake)["max_tokens"], 200);

    let response = post(&gw.url, "/v1/responses", &responses_ask(true, "main")).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    let events = frames(&body);
    let kinds: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(kinds[..2], ["response.created", "response.in_progress"]);
    assert_eq!(kinds.last(), Some(&"response.completed"));
    for kind in [
        "response.reasoning_text.delta",
        "response.output_text.delta",
        "response.function_call_arguments.delta",
        "response.output_item.done",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let sequence: Vec<u64> = events
        .iter()
        .filter_map(|(_, d)| d["sequence_number"].as_u64())
        .collect();
    assert_eq!(sequence, (0..events.len() as u64).collect::<Vec<_>>());
    let without_ids = |output: &Value| -> Vec<Value> {
        let items = output.as_array().cloned().unwrap_or_default();
        items
            .into_iter()
            .map(|mut i| {
                i.as_object_mut().map(|o| o.remove("id"));
                i
            })
            .collect()
    };
    let done = &events.last().expect("done").1["response"];
    assert_eq!(
        without_ids(&done["output"]),
        without_ids(&whole["output"]),
        "the stream builds the same items"
    );
}

#[tokio::test]
async fn responses_errors_are_openai_shaped_and_models_list_windows() {
    let fake = openai::start(Script::reply("never")).expect("fake");
    let gw = Gateway::start(router_from(&config(&[Upstream(
        "a",
        "openai-completions",
        &fake,
        IMAGES,
    )])))
    .await;
    let r = post(&gw.url, "/v1/responses", &responses_ask(false, "no/such")).await;
    assert_eq!(r.status(), 404);
    let error: Value = r.json().await.expect("json");
    assert_eq!(error["error"]["code"], "model_not_found", "{error}");
    let stateful = json!({"model": "main", "input": "hi", "previous_response_id": "resp_1"});
    let r = post(&gw.url, "/v1/responses", &stateful).await;
    assert_eq!(r.status(), 400);
    let error: Value = r.json().await.expect("json");
    assert_eq!(error["error"]["type"], "invalid_request_error");
    assert!(fake.requests().is_empty());
    let models: Value = http()
        .get(format!("{}/v1/models", gw.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("models")
        .json()
        .await
        .expect("json");
    let main = &models["data"][0];
    assert_eq!(main["id"], "main");
    assert_eq!(main["root"], "a/fake-model");
    assert_eq!(
        (&main["context_window"], &main["max_tokens"]),
        (&json!(32000), &json!(2048))
    );
    assert_eq!(main["input"], json!(["text", "image"]));
    assert_eq!(models["data"][1]["id"], "a/fake-model");
    let anthropic_models: Value = http()
        .get(format!("{}/v1/models", gw.url))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .send()
        .await
        .expect("models")
        .json()
        .await
        .expect("json");
    assert_eq!(anthropic_models["data"][0]["type"], "model");
    assert_eq!(anthropic_models["first_id"], "main");
    assert_eq!(anthropic_models["has_more"], false);
}

#[tokio::test]
async fn the_private_header_holds_on_every_endpoint() {
    // A custom server on this machine may forward to the internet: a private request refuses it.
    let fake = openai::start(Script::reply("never")).expect("fake");
    let gw = Gateway::start(router_from(&config(&[Upstream(
        "a",
        "openai-completions",
        &fake,
        TEXT,
    )])))
    .await;
    let r = http()
        .post(format!("{}/v1/messages", gw.url))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .header("x-switchboard-private", "1")
        .json(&anthropic_ask(false, "main"))
        .send()
        .await
        .expect("response");
    assert_eq!(r.status(), 403);
    let error: Value = r.json().await.expect("json");
    assert_eq!(error["error"]["type"], "permission_error", "{error}");
    let r = http()
        .post(format!("{}/v1/responses", gw.url))
        .bearer_auth(TOKEN)
        .header("x-switchboard-private", "true")
        .json(&responses_ask(true, "main"))
        .send()
        .await
        .expect("response");
    assert_eq!(r.status(), 403);
    let error: Value = r.json().await.expect("json");
    assert_eq!(error["error"]["code"], "private", "{error}");
    assert!(fake.requests().is_empty(), "nothing was sent");
}

//! `/v1/chat/completions` faithful: parameters, tools and tool turns, images and unknown
//! fields reach each upstream API in its own terms, tool calls come back in OpenAI's shape
//! (streamed as deltas), and failover keeps the request whole.

use serde_json::{json, Value};
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_fakes::{anthropic, responses, FakeServer};

use super::{http, router_from, Gateway, TOKEN};

/// One provider of a test config: id, api, fake, `input` kinds.
pub(crate) struct Upstream<'a>(pub &'a str, pub &'a str, pub &'a FakeServer, pub &'a str);

/// A config of `upstreams` (model `fake-model` each); the first is the primary, the rest its
/// fallbacks in order.
pub(crate) fn config(upstreams: &[Upstream]) -> String {
    let providers: Vec<String> = upstreams
        .iter()
        .map(|Upstream(id, api, fake, input)| {
            format!(
                r#"{id}: {{ baseUrl: "{}/v1", apiKey: "k", api: "{api}",
                    models: [{{ id: "fake-model", name: "F", input: {input}, contextWindow: 32000,
                                maxTokens: 2048 }}] }}"#,
                fake.url()
            )
        })
        .collect();
    let refs: Vec<String> = upstreams
        .iter()
        .map(|u| format!("\"{}/fake-model\"", u.0))
        .collect();
    format!(
        r#"{{ models: {{ providers: {{ {} }} }},
             agents: {{ defaults: {{ model: {{ primary: {}, fallbacks: [{}] }},
                        models: {{ {}: {{ alias: "main" }} }} }} }} }}"#,
        providers.join(", "),
        refs[0],
        refs[1..].join(", "),
        refs[0]
    )
}

pub(crate) const TEXT: &str = r#"["text"]"#;
pub(crate) const IMAGES: &str = r#"["text", "image"]"#;

pub(crate) fn weather_tool() -> Value {
    json!({"type": "function", "function": {"name": "weather", "description": "Weather now",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]}}})
}

pub(crate) async fn post(url: &str, path: &str, body: &Value) -> reqwest::Response {
    http()
        .post(format!("{url}{path}"))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .expect("response")
}

/// The `(event, data)` frames of an SSE body (`[DONE]` as a string).
pub(crate) fn frames(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter(|f| !f.trim().is_empty())
        .map(|f| {
            let mut event = String::new();
            let mut data = String::new();
            for line in f.lines() {
                if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_owned();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = d.to_owned();
                }
            }
            let value = serde_json::from_str(&data).unwrap_or(Value::String(data));
            (event, value)
        })
        .collect()
}

/// The last body a fake received, as JSON.
pub(crate) fn sent(fake: &FakeServer) -> Value {
    let requests = fake.requests();
    let last = requests.last().expect("the fake got a request");
    serde_json::from_str(&last.body).expect("json body")
}

/// A conversation that went round a tool once, asking again.
fn tool_round_trip() -> Value {
    json!([
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_0", "type": "function",
            "function": {"name": "weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
        {"role": "tool", "tool_call_id": "call_0", "content": "rain, 4 C"},
        {"role": "user", "content": "And in Bergen?"}
    ])
}

#[tokio::test]
async fn every_parameter_and_unknown_field_reaches_an_openai_server_and_tool_calls_come_back() {
    let fake = openai::start(Script::reply("").with_tool_call(
        "call_1",
        "weather",
        r#"{"city":"Bergen"}"#,
    ))
    .expect("fake");
    let gw = Gateway::start(router_from(&config(&[Upstream(
        "a",
        "openai-completions",
        &fake,
        TEXT,
    )])))
    .await;
    let body = json!({"model": "main", "messages": tool_round_trip(), "tools": [weather_tool()],
        "tool_choice": "required", "temperature": 0.3, "top_p": 0.8, "max_completion_tokens": 77,
        "stop": ["STOP"], "seed": 42, "parallel_tool_calls": false, "logit_bias": {"1": 2},
        "response_format": {"type": "json_schema", "json_schema": {"name": "w",
            "schema": {"type": "object"}, "strict": true}}});
    let response = post(&gw.url, "/v1/chat/completions", &body).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.expect("json");
    let choice = &answer["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls", "{answer}");
    assert_eq!(
        choice["message"]["tool_calls"][0],
        json!({"id": "call_1", "type": "function",
               "function": {"name": "weather", "arguments": "{\"city\":\"Bergen\"}"}})
    );
    let upstream = sent(&fake);
    assert_eq!(upstream["tools"], json!([weather_tool()]));
    assert_eq!(upstream["tool_choice"], "required");
    assert_eq!(
        (&upstream["temperature"], &upstream["top_p"]),
        (&json!(0.3), &json!(0.8))
    );
    assert_eq!(upstream["max_tokens"], 77);
    assert_eq!(
        (&upstream["stop"], &upstream["seed"]),
        (&json!(["STOP"]), &json!(42))
    );
    assert_eq!(upstream["response_format"], body["response_format"]);
    assert_eq!(upstream["parallel_tool_calls"], false);
    assert_eq!(upstream["logit_bias"], json!({"1": 2}));
    assert_eq!(upstream["messages"], tool_round_trip());
}

#[tokio::test]
async fn tool_calls_from_an_anthropic_model_stream_as_openai_deltas() {
    let fake = anthropic::start(
        Script::reply("Checking.")
            .with_reasoning("need the tool")
            .with_tool_call("toolu_1", "weather", r#"{"city":"Bergen"}"#),
    )
    .expect("fake");
    let gw = Gateway::start(router_from(&config(&[Upstream(
        "a",
        "anthropic-messages",
        &fake,
        TEXT,
    )])))
    .await;
    let body = json!({"model": "main", "stream": true, "messages": tool_round_trip(),
        "tools": [weather_tool()], "tool_choice": {"type": "function", "function": {"name": "weather"}},
        "max_tokens": 300, "stop": "STOP", "temperature": 0.1});
    let response = post(&gw.url, "/v1/chat/completions", &body).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    let chunks = frames(&text);
    assert_eq!(chunks.last().map(|c| &c.1), Some(&json!("[DONE]")));
    let deltas: Vec<&Value> = chunks
        .iter()
        .filter_map(|(_, c)| {
            c["choices"][0]["delta"]["tool_calls"][0]
                .as_object()
                .map(|_| c)
        })
        .map(|c| &c["choices"][0]["delta"]["tool_calls"][0])
        .collect();
    assert!(deltas.len() >= 2, "arguments come in pieces: {text}");
    assert_eq!(deltas[0]["id"], "toolu_1");
    assert_eq!(deltas[0]["function"]["name"], "weather");
    let arguments: String = deltas
        .iter()
        .filter_map(|d| d["function"]["arguments"].as_str())
        .collect();
    assert_eq!(arguments, r#"{"city":"Bergen"}"#);
    assert!(chunks
        .iter()
        .any(|(_, c)| c["choices"][0]["finish_reason"] == "tool_calls"));
    assert!(text.contains("reasoning_content"), "{text}");
    let upstream = sent(&fake);
    assert_eq!(
        upstream["tools"][0]["input_schema"]["required"],
        json!(["city"])
    );
    assert_eq!(
        upstream["tool_choice"],
        json!({"type": "tool", "name": "weather"})
    );
    assert_eq!(upstream["max_tokens"], 300);
    assert_eq!(upstream["stop_sequences"], json!(["STOP"]));
    assert_eq!(upstream["system"], "Be brief.");
    let messages = upstream["messages"].as_array().expect("messages");
    assert_eq!(messages[1]["content"][0]["type"], "tool_use");
    assert_eq!(messages[2]["content"][0]["type"], "tool_result");
    assert_eq!(
        messages[2]["content"][1],
        json!({"type": "text", "text": "And in Bergen?"})
    );
}

fn image_ask(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}]}],
        "tools": [weather_tool()], "temperature": 0.5})
}

#[tokio::test]
async fn images_go_to_image_models_and_a_text_only_model_is_a_400_naming_it() {
    let eyes = responses::start(Script::reply("A cat.")).expect("fake");
    let blind = openai::start(Script::reply("never")).expect("fake");
    let gw = Gateway::start(router_from(&config(&[
        Upstream("eyes", "openai-responses", &eyes, IMAGES),
        Upstream("blind", "openai-completions", &blind, TEXT),
    ])))
    .await;
    let response = post(
        &gw.url,
        "/v1/chat/completions",
        &image_ask("blind/fake-model"),
    )
    .await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.expect("json");
    let message = error["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("blind/fake-model") && message.contains("image"),
        "{message}"
    );
    assert!(blind.requests().is_empty());
    let response = post(
        &gw.url,
        "/v1/chat/completions",
        &image_ask("eyes/fake-model"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.expect("json");
    assert_eq!(answer["choices"][0]["message"]["content"], "A cat.");
    let upstream = sent(&eyes);
    assert_eq!(
        upstream["input"][0]["content"][1],
        json!({"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"})
    );
    assert_eq!(upstream["tools"][0]["name"], "weather");
    let n = json!({"model": "main", "n": 2, "messages": [{"role": "user", "content": "hi"}]});
    let response = post(&gw.url, "/v1/chat/completions", &n).await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.expect("json");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("n:")),
        "{error}"
    );
}

#[tokio::test]
async fn failover_keeps_the_request_whole_and_skips_a_fallback_that_cannot_see() {
    let failing = openai::start(Script::reply("never").with_fault(Fault::Status {
        status: 503,
        message: "overloaded".into(),
        retry_after: None,
    }))
    .expect("fake");
    let blind = openai::start(Script::reply("never")).expect("fake");
    let backup = openai::start(Script::reply("A cat, again.")).expect("fake");
    let gw = Gateway::start(router_from(&config(&[
        Upstream("first", "openai-completions", &failing, IMAGES),
        Upstream("blind", "openai-completions", &blind, TEXT),
        Upstream("backup", "openai-completions", &backup, IMAGES),
    ])))
    .await;
    let response = post(&gw.url, "/v1/chat/completions", &image_ask("main")).await;
    assert_eq!(response.status(), 200);
    let route = response.headers()["x-switchboard-route"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        route,
        "first/fake-model=failed:overloaded, blind/fake-model=skipped:no_image_input, \
         backup/fake-model=ok"
    );
    assert!(
        blind.requests().is_empty(),
        "the text-only model got nothing"
    );
    let (first, second) = (sent(&failing), sent(&backup));
    for field in ["messages", "tools", "temperature"] {
        assert_eq!(first[field], second[field], "{field} went over whole");
    }
    assert_eq!(second["messages"][0]["content"][1]["type"], "image_url");
}

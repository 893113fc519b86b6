//! Smoke test of the fake OpenAI-compatible server: the wire format later issues build on.

use futures_util::StreamExt;
use serde_json::{json, Value};
use switchboard_fakes::openai::{self, Fault, Script};

async fn post(url: &str, key: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = reqwest::Client::new().post(url).json(&body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    request.send().await.expect("request")
}

/// The `data:` payloads of an SSE body, in order.
fn sse_data(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter_map(|event| event.strip_prefix("data: "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn streams_the_scripted_reply_with_usage_and_done() {
    let fake =
        openai::start(Script::reply("Hello from the fake").with_key("test-key")).expect("start");
    let url = format!("{}/v1/chat/completions", fake.url());
    let body = json!({"model": "fake-model", "stream": true, "stream_options": {"include_usage": true},
                      "messages": [{"role": "user", "content": "hi"}]});
    let response = post(&url, Some("test-key"), body).await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("ascii");
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    let mut bytes = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.expect("chunk"));
    }
    let data = sse_data(&String::from_utf8(bytes).expect("utf-8"));
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).expect("json"))
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Hello from the fake");
    let usage = &chunks.last().expect("usage chunk")["usage"];
    assert_eq!(usage["completion_tokens"], 7);
    assert!(chunks
        .iter()
        .any(|c| c["choices"][0]["finish_reason"] == "stop"));

    let recorded = fake.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].header("authorization"), Some("Bearer test-key"));
}

#[tokio::test]
async fn answers_without_streaming_and_lists_models() {
    let fake = openai::start(Script::reply("plain answer").with_models(["a", "b"])).expect("start");
    let models: Value = reqwest::get(format!("{}/v1/models", fake.url()))
        .await
        .expect("models")
        .json()
        .await
        .expect("json");
    assert_eq!(models["data"][1]["id"], "b");
    let url = format!("{}/v1/chat/completions", fake.url());
    let reply: Value = post(&url, None, json!({"model": "a", "messages": []}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(reply["choices"][0]["message"]["content"], "plain answer");
    assert_eq!(reply["usage"]["total_tokens"], 19);
}

#[tokio::test]
async fn injects_auth_rate_limit_unknown_model_and_truncation_faults() {
    let keyed = openai::start(Script::reply("x").with_key("right")).expect("start");
    let url = format!("{}/v1/chat/completions", keyed.url());
    let denied = post(&url, Some("wrong"), json!({"model": "fake-model"})).await;
    assert_eq!(denied.status(), 401);
    let error: Value = denied.json().await.expect("json");
    assert_eq!(error["error"]["code"], "invalid_api_key");
    let unknown = post(&url, Some("right"), json!({"model": "nope"})).await;
    assert_eq!(unknown.status(), 404);

    let limited = openai::start(Script::reply("x").with_fault(Fault::Status {
        status: 429,
        message: "Rate limit reached".into(),
        retry_after: Some(7),
    }))
    .expect("start");
    let url = format!("{}/v1/chat/completions", limited.url());
    let response = post(&url, None, json!({"model": "fake-model"})).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");

    let truncated = openai::start(
        Script::reply("abcdefghij").with_fault(Fault::TruncateStream { after_chunks: 1 }),
    )
    .expect("start");
    let url = format!("{}/v1/chat/completions", truncated.url());
    let body = post(&url, None, json!({"model": "fake-model", "stream": true}))
        .await
        .text()
        .await
        .expect("text");
    let data = sse_data(&body);
    assert!(
        !data.iter().any(|d| d == "[DONE]"),
        "truncated stream sent [DONE]"
    );
    assert_eq!(data.len(), 2, "role chunk plus one content chunk: {data:?}");
}

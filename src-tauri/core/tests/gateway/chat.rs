//! The gateway's endpoints.

use futures_util::StreamExt;
use serde_json::{json, Value};
use switchboard_core::providers::{CancellationToken, ChatRequest, Secret, Target, Timeouts, Turn};
use switchboard_fakes::openai::{self, Fault, Script};

use super::{http, router, Gateway, TOKEN};

fn limited() -> Fault {
    Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: None,
    }
}

fn body(stream: bool, model: &str) -> Value {
    json!({"model": model, "stream": stream, "stream_options": {"include_usage": true},
           "messages": [{"role": "system", "content": "terse"}, {"role": "user", "content": "hi"}]})
}

async fn post(
    url: &str,
    token: Option<&str>,
    host: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = http().post(format!("{url}/v1/chat/completions")).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(h) = host {
        req = req.header("host", h);
    }
    req.send().await.expect("response")
}

fn assert_openai_error(v: &Value, kind: &str) {
    assert_eq!(v["error"]["type"], kind, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    assert!(
        v["error"].get("param").is_some() && v["error"].get("code").is_some(),
        "{v}"
    );
}

#[tokio::test]
async fn token_and_host_are_required() {
    let b = openai::start(Script::reply("from b")).expect("fake");
    let gw = Gateway::start(router(&[("b", b.url())])).await;
    let r = post(&gw.url, None, None, &body(false, "b")).await;
    assert_eq!(r.status(), 401);
    assert_openai_error(&r.json().await.expect("json"), "invalid_request_error");
    let r = post(&gw.url, Some("wrong"), None, &body(false, "b")).await;
    assert_eq!(r.status(), 401);
    let r = post(
        &gw.url,
        Some(TOKEN),
        Some("evil.example"),
        &body(false, "b"),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_openai_error(&r.json().await.expect("json"), "permission_error");
    let port = gw.url.rsplit(':').next().expect("port").to_owned();
    let r = post(
        &gw.url,
        Some(TOKEN),
        Some(&format!("localhost:{port}")),
        &body(false, "b"),
    )
    .await;
    assert_eq!(r.status(), 200);
    // No CORS: a preflight gets no Access-Control headers.
    let r = http()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/v1/chat/completions", gw.url),
        )
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("options");
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert!(!r.status().is_success());
    assert!(
        b.requests().len() == 1,
        "only the good request reached the upstream"
    );
    gw.shutdown().await.expect("clean shutdown");
}

#[tokio::test]
async fn models_lists_aliases_and_refs() {
    let b = openai::start(Script::reply("x")).expect("fake");
    let gw = Gateway::start(router(&[("a", b.url()), ("b", b.url())])).await;
    let v: Value = http()
        .get(format!("{}/v1/models", gw.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("models")
        .json()
        .await
        .expect("json");
    let ids: Vec<&str> = v["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, ["a", "b", "a/fake-model", "b/fake-model"]);
    assert_eq!(v["object"], "list");
}

#[tokio::test]
async fn non_streaming_fails_over_with_route_headers() {
    let a = openai::start(Script::reply("x").with_fault(limited())).expect("fake");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let gw = Gateway::start(router(&[("a", a.url()), ("b", b.url())])).await;
    let r = post(&gw.url, Some(TOKEN), None, &body(false, "")).await;
    assert_eq!(r.status(), 200);
    let h = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(h("x-switchboard-model").as_deref(), Some("b/fake-model"));
    assert_eq!(h("x-switchboard-attempts").as_deref(), Some("2"));
    assert_eq!(
        h("x-switchboard-route").as_deref(),
        Some("a/fake-model=failed:rate_limit, b/fake-model=ok")
    );
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["model"], "b/fake-model");
    assert_eq!(v["choices"][0]["message"]["content"], "from b");
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert_eq!(v["usage"]["prompt_tokens"], 12);
    let sent: Value = serde_json::from_str(&b.requests()[0].body).expect("json");
    assert_eq!(sent["messages"][0]["content"], "terse");
}

#[tokio::test]
async fn streaming_through_our_own_client() {
    let a = openai::start(Script::reply("x").with_fault(limited())).expect("fake");
    let b = openai::start(Script::reply("streamed from b").with_reasoning("think")).expect("fake");
    let gw = Gateway::start(router(&[("a", a.url()), ("b", b.url())])).await;
    let target = Target {
        provider: "gateway".into(),
        model: "a".into(),
        api: "openai-completions".into(),
        base_url: format!("{}/v1", gw.url),
        key: Some(Secret::new(TOKEN)),
        headers: Vec::new(),
        auth_header: None,
        max_tokens: Some(100),
        params: Default::default(),
        cost: None,
        max_tokens_field: "max_tokens",
        usage_in_streaming: true,
        timeouts: Timeouts::default(),
    };
    let client = switchboard_core::providers::Client::new(std::time::Duration::from_secs(5))
        .expect("client");
    let request = ChatRequest {
        system: None,
        turns: vec![Turn::user("hi")],
        stream: true,
        ..ChatRequest::default()
    };
    let mut events = client
        .send(&target, &request, CancellationToken::new())
        .await
        .expect("sent");
    let mut answer = switchboard_core::providers::Completion::default();
    while let Some(e) = events.next().await {
        answer.add(e.expect("event"));
    }
    assert_eq!(answer.text, "streamed from b");
    assert_eq!(answer.reasoning, "think");
    assert_eq!(answer.usage.map(|u| u.output), Some(7));
    assert!(matches!(
        answer.stop,
        Some(switchboard_core::providers::StopReason::Stop)
    ));

    // Raw SSE: headers, chunk shape, [DONE] last.
    let r = post(&gw.url, Some(TOKEN), None, &body(true, "b")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .expect("ct")
        .starts_with("text/event-stream"));
    assert_eq!(r.headers()["x-switchboard-model"], "b/fake-model");
    let text = r.text().await.expect("body");
    let frames: Vec<&str> = text.split("\n\n").filter(|f| !f.is_empty()).collect();
    assert_eq!(*frames.last().expect("frames"), "data: [DONE]");
    let first: Value = serde_json::from_str(frames[0].trim_start_matches("data: ")).expect("json");
    assert_eq!(first["object"], "chat.completion.chunk");
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
}

#[tokio::test]
async fn errors_are_openai_shaped_with_the_right_status() {
    let a = openai::start(Script::reply("x").with_fault(limited())).expect("fake");
    let gw = Gateway::start(router(&[("a", a.url())])).await;
    let r = post(&gw.url, Some(TOKEN), None, &body(false, "nope")).await;
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.expect("json");
    assert_openai_error(&v, "invalid_request_error");
    assert_eq!(v["error"]["code"], "model_not_found");

    for stream in [false, true] {
        let r = post(&gw.url, Some(TOKEN), None, &body(stream, "a/fake-model")).await;
        // The first request puts a in cooldown; the second tries it again (all in cooldown).
        assert_eq!(r.status(), 429, "stream={stream}");
        assert_openai_error(&r.json().await.expect("json"), "rate_limit_error");
    }

    let r = http()
        .post(format!("{}/v1/chat/completions", gw.url))
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), 400);
    assert_openai_error(&r.json().await.expect("json"), "invalid_request_error");

    let huge = json!({"model": "a", "messages": [{"role": "user", "content": "x".repeat(9 * 1024 * 1024)}]});
    let r = post(&gw.url, Some(TOKEN), None, &huge).await;
    assert_eq!(r.status(), 413);
    assert_openai_error(&r.json().await.expect("json"), "invalid_request_error");
}

#[tokio::test]
async fn a_mid_stream_failure_ends_with_an_error_frame() {
    let a = openai::start(
        Script::reply("one two three").with_fault(Fault::Garbage { after_chunks: 1 }),
    )
    .expect("fake");
    let gw = Gateway::start(router(&[("a", a.url())])).await;
    let r = post(&gw.url, Some(TOKEN), None, &body(true, "a")).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("body");
    assert!(!text.contains("[DONE]"), "{text}");
    let last = text
        .split("\n\n")
        .filter(|f| !f.is_empty())
        .last()
        .expect("frame");
    let v: Value = serde_json::from_str(last.trim_start_matches("data: ")).expect("json");
    assert_eq!(v["error"]["code"], "protocol");
    assert!(text.contains("\"content\":\"one \""), "{text}");
}

#[tokio::test]
async fn started_in_the_background_and_stopped() {
    let b = openai::start(Script::reply("from b")).expect("fake");
    let running = switchboard_core::gateway::start(
        switchboard_core::chat::Engine::without_history(router(&[("b", b.url())])),
        0,
        Secret::new(TOKEN),
    )
    .await
    .expect("start");
    assert!(running.addr().ip().is_loopback());
    let url = format!("http://{}", running.addr());
    let r = post(&url, Some(TOKEN), None, &body(false, "b")).await;
    assert_eq!(r.status(), 200);
    running.stop().await.expect("stops");
    let refused = http().get(format!("{url}/v1/models")).send().await;
    assert!(refused.is_err(), "still listening after stop");
}

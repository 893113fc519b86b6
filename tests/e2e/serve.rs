//! The real `switchboard serve` binary: with the seed's plaintext-key provider it keeps
//! answering concurrent requests (its key warning never blocks on the terminal), and a model
//! the config lacks is a 404, never another model's answer.

use switchboard_fakes::openai::{self, Script};
use switchboard_tests::serve::serve;

/// The seed's third example: a local provider with a plaintext `apiKey`.
fn config(url: &str) -> String {
    format!(
        r#"{{
          models: {{ providers: {{ local: {{ baseUrl: "{url}/v1", apiKey: "sk-local",
            api: "openai-completions", models: [{{ id: "fake-model", name: "Fake" }}] }} }} }},
          agents: {{ defaults: {{ model: {{ primary: "local/fake-model" }} }} }},
        }}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plaintext_key_provider_answers_eight_concurrent_requests() {
    let fake = openai::start(Script::reply("Hi there.").with_chunk_chars(64)).expect("fake");
    let home = tempfile::tempdir().expect("tempdir");
    let (_serving, url, token) = serve(home.path(), &config(&fake.url()), &[]);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client");
    let asks = (0..8).map(|i| {
        let client = client.clone();
        let (url, token) = (url.clone(), token.clone());
        async move {
            let body = serde_json::json!({"model": "local/fake-model", "stream": i % 2 == 0,
                "messages": [{"role": "user", "content": format!("question {i}")}]});
            let response = client
                .post(format!("{url}/chat/completions"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("answered");
            (
                response.status().as_u16(),
                response.text().await.expect("body"),
            )
        }
    });
    let answers = futures_util::future::join_all(asks).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert!(body.contains("Hi there."), "{body}");
    }
    assert_eq!(fake.requests().len(), 8);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer sk-local")),
        "the plaintext key went with every request"
    );
}

#[tokio::test]
async fn a_model_the_config_lacks_is_a_404_and_nothing_is_sent() {
    let fake = openai::start(Script::reply("should not answer")).expect("fake");
    let home = tempfile::tempdir().expect("tempdir");
    let (_serving, url, token) = serve(home.path(), &config(&fake.url()), &["--history"]);
    let response = reqwest::Client::new()
        .post(format!("{url}/chat/completions"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"model": "no-such/model",
            "messages": [{"role": "user", "content": "hello"}]}))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 404);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "model_not_found");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(message.contains("no provider \"no-such\""), "{message}");
    assert!(message.contains("local/fake-model"), "{message}");
    assert!(fake.requests().is_empty(), "nothing went upstream");
}

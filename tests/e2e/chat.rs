//! The chat window in the real app against a fake OpenAI-compatible server: an answer streams
//! in with its reasoning apart, the conversation is saved, and Stop ends a slow stream
//! with the partial text kept and marked stopped; in a hybrid setup whose primary answers 429
//! the fallback answers and the route badge says why.

use serde_json::{json, Value};
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_fakes::FakeServer;
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};

/// Writes a config with one local provider `fake` at `url` and points the app at it.
fn config_for(desktop: &mut Desktop, url: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"fake/fake-model\", fallbacks: [] }} }} }},\n\
         models: {{ providers: {{ fake: {{ baseUrl: \"{url}/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"fake-model\", name: \"Fake model\", \
         contextWindow: 32768, reasoning: true }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
}

/// A hybrid config: primary `hosted/opus` at `primary`, fallback `local/minimax` at `fallback`.
pub(crate) fn hybrid_config(desktop: &mut Desktop, primary: &str, fallback: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"hosted/opus\", \
         fallbacks: [\"local/minimax\"] }} }} }},\n\
         models: {{ providers: {{\n\
         hosted: {{ baseUrl: \"{primary}/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"opus\", name: \"Opus\", \
         contextWindow: 200000 }}] }},\n\
         local: {{ baseUrl: \"{fallback}/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"minimax\", name: \"Minimax\", \
         contextWindow: 65536 }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
}

/// The app on a hybrid config whose primary `hosted/opus` answers as `primary` says and whose
/// fallback `local/minimax` answers `fallback_reply`; the fakes live as long as the app.
async fn launch_hybrid(primary: Script, fallback_reply: &str) -> (App, [FakeServer; 2]) {
    let primary = openai::start(primary.with_models(["opus"])).expect("fake primary");
    let fallback = openai::start(Script::reply(fallback_reply).with_models(["minimax"]))
        .expect("fake fallback");
    let (primary_url, fallback_url) = (primary.url(), fallback.url());
    let app = App::launch_with(DesktopOptions::default(), |d| {
        hybrid_config(d, &primary_url, &fallback_url)
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    (app, [primary, fallback])
}

/// The conversation list, and the newest conversation as `history_load` gives it.
pub(crate) async fn newest_conversation(app: &App) -> (Value, Value) {
    let list = app
        .invoke("history_list", json!({}))
        .await
        .expect("history_list");
    let id = list[0]["id"].as_i64().expect("id");
    let loaded = app
        .invoke("history_load", json!({ "conversationId": id }))
        .await
        .expect("history_load");
    (list, loaded)
}

pub(crate) async fn send(app: &App, text: &str) {
    let input = app.wait_for("[data-testid=chat-input]").await;
    input.send_keys(text).await.expect("type");
    app.wait_for("[data-testid=chat-send]")
        .await
        .click()
        .await
        .expect("send");
}

#[tokio::test]
async fn an_answer_streams_in_with_reasoning_apart_and_is_saved() {
    let fake = openai::start(
        Script::reply(
            "The **answer** is 42.\n\n```rust\nfn main() {\n    // The answer.\n    \
             println!(\"{}\", 42);\n}\n```",
        )
        .with_reasoning("Let me think about it."),
    )
    .expect("fake OpenAI");
    let url = fake.url();
    let app = App::launch_with(DesktopOptions::default(), |d| config_for(d, &url)).await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    send(&app, "What is the answer?").await;
    app.wait_js("return document.querySelector('[data-testid=message-assistant]')?.dataset.status === 'complete'",
        "the answer completing",
    )
    .await;
    let answer = app.text("[data-testid=message-answer]").await;
    assert!(answer.contains("The answer is 42."), "{answer}");
    assert!(
        !answer.contains("think"),
        "reasoning leaked into the answer: {answer}"
    );
    app.wait_for("[data-testid=message-answer] strong").await;
    // Code is highlighted (classes only) and has a Copy button.
    app.wait_for("[data-testid=message-answer] pre code .hljs-keyword")
        .await;
    app.wait_for("[data-testid=message-answer] [data-copy-code]")
        .await;
    // The Thinking section is there, collapsed.
    let open = app
        .js(
            "const d = document.querySelector('[data-testid=message-thinking]'); \
         return d ? d.open : null",
        )
        .await;
    assert_eq!(open, Value::Bool(false), "Thinking is missing or open");
    let meta = app.text("[data-testid=message-meta]").await;
    assert!(meta.contains("fake/fake-model"), "{meta}");
    // The engine's timing reaches the page.
    assert!(meta.contains("s to first token"), "{meta}");
    // In the list and in the history database.
    app.wait_for("[data-testid^=conversation-]").await;
    let (list, loaded) = newest_conversation(&app).await;
    assert_eq!(list[0]["title"], "What is the answer?", "{list}");
    let messages = loaded["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{loaded}");
    assert_eq!(messages[1]["status"], "complete");
    assert_eq!(messages[1]["reasoning"], "Let me think about it.");
    assert!(
        messages[1]["timing"]["durationMs"].is_u64(),
        "the answer's timing is saved: {loaded}"
    );
    assert!(messages[1]["content"]
        .as_str()
        .unwrap_or_default()
        .contains("42"));
    app.screenshot("chat-answer").await;
    app.js("document.querySelector('[data-testid=message-thinking]').open = true")
        .await;
    app.screenshot("chat-answer-thinking").await;
    app.close().await;
}

#[tokio::test]
async fn stop_ends_a_slow_stream_and_keeps_the_partial_text() {
    let reply = "word ".repeat(400);
    let fake = openai::start(
        Script::reply(reply)
            .with_chunk_chars(5)
            .with_fault(Fault::SlowChunks { delay_ms: 150 }),
    )
    .expect("fake OpenAI");
    let url = fake.url();
    let options = DesktopOptions {
        dark_theme: true,
        ..DesktopOptions::default()
    };
    let app = App::launch_with(options, |d| config_for(d, &url)).await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    send(&app, "Talk slowly").await;
    app.wait_js("return (document.querySelector('[data-testid=message-answer]')?.textContent ?? '').includes('word word')",
        "the first words",
    )
    .await;
    app.screenshot("chat-streaming-dark").await;
    let stop = app.wait_for("[data-testid=chat-stop]").await;
    stop.click().await.expect("stop");
    app.wait_js("return document.querySelector('[data-testid=message-assistant]')?.dataset.status === 'stopped'",
        "the answer stopping",
    )
    .await;
    // The whole reply takes a minute to stream: stopped and saved short of it, not timed.
    app.wait_for("[data-testid=message-stopped]").await;
    app.wait_for("[data-testid=chat-send]").await;
    let (_, loaded) = newest_conversation(&app).await;
    let answer = &loaded["messages"][1];
    assert_eq!(answer["status"], "stopped", "{loaded}");
    let saved = answer["content"].as_str().unwrap_or_default();
    assert!(saved.starts_with("word word"), "{saved}");
    assert!(
        saved.len() < 2000,
        "the whole answer arrived: {}",
        saved.len()
    );
    app.screenshot("chat-stopped-dark").await;
    app.close().await;
}

#[tokio::test]
async fn a_rate_limited_primary_fails_over_and_the_route_badge_says_so() {
    let (app, _fakes) = launch_hybrid(
        Script::reply("never sent").with_fault(Fault::Status {
            status: 429,
            message: "rate limit reached".into(),
            retry_after: None,
        }),
        "Answered by the **fallback**.",
    )
    .await;
    // The default route (the primary) is picked.
    let picked = app
        .js("return document.querySelector('[data-testid=chat-model]').dataset.value")
        .await;
    assert_eq!(
        picked,
        Value::String(String::new()),
        "not the default route"
    );
    send(&app, "Who answers?").await;
    app.wait_js(
        "const s = document.querySelector('[data-testid=message-assistant]')?.dataset.status; \
         return s === 'complete' || s === 'failed'",
        "the answer ending",
    )
    .await;
    let ended = app
        .js(
            "const m = document.querySelector('[data-testid=message-assistant]'); \
         return [m.dataset.status, m.textContent]",
        )
        .await;
    assert_eq!(ended[0], "complete", "{ended}");
    let answer = app.text("[data-testid=message-answer]").await;
    assert!(answer.contains("Answered by the fallback."), "{answer}");
    let badge = app.text("[data-testid=message-route]").await;
    assert!(
        badge.contains("hosted/opus: rate-limited → answered by local/minimax"),
        "{badge}"
    );
    // Saved with its route and the model that answered.
    let (_, loaded) = newest_conversation(&app).await;
    let saved = &loaded["messages"][1];
    assert_eq!(saved["model"], "local/minimax", "{loaded}");
    assert_eq!(saved["route"][0]["reason"], "rate_limit", "{loaded}");
    assert_eq!(saved["route"][0]["status"], 429, "{loaded}");
    assert_eq!(saved["route"][1]["outcome"], "ok", "{loaded}");
    app.screenshot("chat-route-badge").await;
    app.close().await;
}

#[tokio::test]
async fn an_answer_cut_off_mid_stream_can_be_retried_on_the_next_route() {
    // The primary starts answering, then its stream breaks: the answer fails after its first
    // token, so the router does not fail over by itself (the text was already shown).
    let (app, _fakes) = launch_hybrid(
        Script::reply("The primary starts to answer and then breaks off without an end.")
            .with_chunk_chars(8)
            .with_fault(Fault::TruncateStream { after_chunks: 3 }),
        "The fallback answers in full.",
    )
    .await;
    send(&app, "Who finishes?").await;
    app.wait_js("return document.querySelector('[data-testid=message-assistant]')?.dataset.status === 'failed'",
        "the cut-off answer failing",
    )
    .await;
    let partial = app
        .js("return document.querySelector('[data-testid=message-answer]')?.textContent ?? ''")
        .await;
    assert!(
        partial.as_str().is_some_and(|t| t.contains("The primary")),
        "the partial text is not kept: {partial}"
    );
    app.screenshot("chat-retry-next").await;

    app.wait_for("[data-testid=message-retry-next]")
        .await
        .click()
        .await
        .expect("click retry on next route");
    app.wait_js(
        "const all = document.querySelectorAll('[data-testid=message-assistant]'); \
         const last = all[all.length - 1]; \
         return !!last && last.dataset.status === 'complete' \
           && last.textContent.includes('The fallback answers in full.')",
        "the fallback's answer",
    )
    .await;
    // Saved: the retried answer names the fallback as the model that answered.
    let (_, loaded) = newest_conversation(&app).await;
    let messages = loaded["messages"].as_array().expect("messages");
    let last = messages.last().expect("a message");
    assert_eq!(last["model"], "local/minimax", "{loaded}");
    assert_eq!(last["status"], "complete", "{loaded}");
    app.close().await;
}

#[tokio::test]
async fn load_the_model_asks_lm_studio_to_load_it_and_the_question_is_answered() {
    use switchboard_fakes::lmstudio;
    // LM Studio without just-in-time loading, and nothing loaded.
    let fake = lmstudio::start(
        lmstudio::Script::v1()
            .nothing_loaded()
            .jit_off()
            .answer(Script::reply("Loaded and answering.")),
    )
    .expect("fake LM Studio");
    let url = fake.url();
    let app = App::launch_with(DesktopOptions::default(), |desktop| {
        let config = desktop.config_file();
        desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
        std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
        let text = format!(
            "{{ agents: {{ defaults: {{ model: {{ primary: \"lmstudio/qwen/qwen3-8b\" }} }} }},\n\
             models: {{ providers: {{ lmstudio: {{ baseUrl: \"{url}/v1\", \
             api: \"openai-responses\", models: [{{ id: \"qwen/qwen3-8b\", \
             name: \"Qwen3 8B\" }}] }} }} }} }}\n"
        );
        std::fs::write(&config, text).expect("write config");
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    send(&app, "Are you there?").await;
    let button = app.wait_for("[data-testid=message-load-model]").await;
    let error = app.text("[data-testid=message-error]").await;
    assert!(error.contains("No models loaded"), "{error}");
    app.screenshot("chat-load-model").await;
    button.click().await.expect("click load");
    // Asked again as the answer's second version, in its place.
    app.wait_js(
        "const all = document.querySelectorAll('[data-testid=message-assistant]'); \
         const last = all[all.length - 1]; \
         return all.length === 1 && last.dataset.status === 'complete' \
           && last.textContent.includes('Loaded and answering.') \
           && last.querySelector('[data-testid=message-version]')?.textContent === '2/2'",
        "the answer after loading",
    )
    .await;
    let loads = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/models/load")
        .count();
    assert_eq!(loads, 1, "LM Studio was not asked to load the model once");
    app.close().await;
}

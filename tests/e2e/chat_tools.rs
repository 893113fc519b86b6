//! The chat window's tools in the real app: the model picker with facts (grouped by where each
//! model runs, context, quantization and loaded state from the detection of a fake LM Studio,
//! measured speed, driven by the keyboard), the Parameters popover (the default system prompt
//! from Settings, temperature, top-p, max tokens: asserted on the wire and in the history),
//! the speed under each answer (also for an answer loaded again), copying a message, and
//! exporting a conversation to Downloads with the same exporter as the CLI. In English and in
//! Korean, with screenshots.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{json, Value};
use switchboard_fakes::lmstudio;
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_fakes::FakeServer;
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};

const ANSWER: &str = "Two plus two is **four**.";

/// The answer, streamed a few characters at a time with a pause between frames, so its tokens
/// per second are measured (an instant answer has no time to divide by).
fn speaking() -> Script {
    Script::reply(ANSWER)
        .with_chunk_chars(6)
        .with_fault(Fault::SlowChunks { delay_ms: 15 })
}

/// A config with LM Studio (the fake at `lm`) as the primary and a hosted OpenAI model that is
/// never asked; the fake LM Studio is the one the scans find.
fn picker_config(desktop: &mut Desktop, lm: &FakeServer) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    desktop.set_env("SWITCHBOARD_LMSTUDIO_PORT", &lm.addr().port().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"lmstudio/qwen/qwen3-8b\", \
         fallbacks: [] }} }} }},\n\
         models: {{ providers: {{\n\
         lmstudio: {{ baseUrl: \"{}/v1\", api: \"openai-responses\", \
         models: [{{ id: \"qwen/qwen3-8b\", name: \"Qwen3 8B\" }}] }},\n\
         openai: {{ baseUrl: \"https://api.openai.com/v1\", \
         models: [{{ id: \"gpt-5\", name: \"GPT-5\", contextWindow: 400000 }}] }} }} }} }}\n",
        lm.url()
    );
    std::fs::write(&config, text).expect("write config");
}

/// A config with one local provider `fake` at `url`, and Settings' default system prompt.
fn parameters_config(desktop: &mut Desktop, url: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    let dir = config.parent().expect("dir");
    std::fs::create_dir_all(dir).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"fake/fake-model\", fallbacks: [] }} }} }},\n\
         models: {{ providers: {{ fake: {{ baseUrl: \"{url}/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"fake-model\", name: \"Fake model\", \
         contextWindow: 32768 }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
    std::fs::write(
        dir.join("settings.json"),
        r#"{"defaultSystemPrompt": "Be brief."}"#,
    )
    .expect("write settings");
}

/// The desktop in Korean, as a Korean user's session sets it.
fn korean(desktop: &mut Desktop) {
    desktop.set_env("LANG", "ko_KR.UTF-8");
    desktop.set_env("LC_ALL", "");
    desktop.set_env("LC_MESSAGES", "");
}

/// Presses `key` with Control held.
async fn ctrl(app: &App, key: char) {
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down {
            value: Key::Control.into(),
        })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up {
            value: Key::Control.into(),
        });
    app.client()
        .perform_actions(keys)
        .await
        .expect("key actions");
    app.client().release_actions().await.expect("release keys");
}

async fn send(app: &App, text: &str) {
    crate::chat::send(app, text).await;
    app.wait_js(
        "const a = [...document.querySelectorAll('[data-testid=message-assistant]')].pop(); \
         return a?.dataset.status === 'complete'",
        "the answer completing",
    )
    .await;
}

/// The text of the picker option for `id`, or null.
async fn option_text(app: &App, id: &str) -> Value {
    app.js(&format!(
        "const o = document.querySelector('[data-testid=model-option][data-model-id=\"{id}\"]'); \
         return o ? o.textContent : null"
    ))
    .await
}

/// The app with the picker config, after a scan found the fake LM Studio and one answer was
/// measured.
async fn launch_picker(lm: &FakeServer, prepare: impl FnOnce(&mut Desktop)) -> App {
    let app = App::launch_with(DesktopOptions::default(), |d| {
        picker_config(d, lm);
        prepare(d);
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    app.invoke("discovery_scan", json!({}))
        .await
        .expect("discovery_scan");
    send(&app, "What is 2+2?").await;
    app
}

#[tokio::test]
async fn the_model_picker_shows_facts_and_works_from_the_keyboard() {
    let lm = lmstudio::start(lmstudio::Script::v1().answer(speaking())).expect("fake LM Studio");
    let app = launch_picker(&lm, |_| {}).await;

    // Ctrl+L opens it with the search focused.
    ctrl(&app, 'l').await;
    app.wait_for("[data-testid=model-picker]").await;
    app.wait_js(
        "return document.activeElement?.dataset.testid === 'model-search'",
        "the search focused",
    )
    .await;
    // Grouped by where each model runs: on this machine first.
    let groups = app
        .js(
            "return [...document.querySelectorAll('[data-testid=model-group] .group')] \
             .map(g => g.dataset.group)",
        )
        .await;
    assert_eq!(groups, json!(["here", "hosted"]));
    app.wait_js(
        "const o = document.querySelector('[data-model-id=\"lmstudio/qwen/qwen3-8b\"]'); \
         return !!o && !!o.querySelector('[data-testid=model-speed]') \
           && !!o.querySelector('[data-testid=model-loaded]')",
        "the local model's speed and loaded state",
    )
    .await;
    let qwen = option_text(&app, "lmstudio/qwen/qwen3-8b").await;
    let qwen = qwen.as_str().expect("the LM Studio model is listed");
    for fact in ["Private", "33K context", "Q4_K_M", "loaded", "tok/s"] {
        assert!(qwen.contains(fact), "{fact} missing: {qwen}");
    }
    let gpt = option_text(&app, "openai/gpt-5").await;
    let gpt = gpt.as_str().expect("the hosted model is listed");
    assert!(
        gpt.contains("Hosted") && gpt.contains("400K context"),
        "{gpt}"
    );
    let hosted_group = app
        .js(
            "return document.querySelector('[data-model-id=\"openai/gpt-5\"]') \
             .closest('[data-testid=model-group]').querySelector('.group').dataset.group",
        )
        .await;
    assert_eq!(hosted_group, json!("hosted"));
    app.screenshot("chat-model-picker-en").await;

    // Typing filters; the arrows move; Enter picks.
    let search = app.wait_for("[data-testid=model-search]").await;
    search.send_keys("gpt").await.expect("type");
    app.wait_js(
        "return document.querySelectorAll('[data-testid=model-option]').length === 1",
        "only the matching model left",
    )
    .await;
    search
        .send_keys("\u{E015}\u{E007}")
        .await
        .expect("arrow, Enter");
    app.wait_js(
        "return !document.querySelector('[data-testid=model-picker]') \
           && document.querySelector('[data-testid=chat-model]').dataset.value === 'openai/gpt-5'",
        "GPT-5 picked and the picker closed",
    )
    .await;
    // Esc closes it again without picking, and focus goes back to the button.
    ctrl(&app, 'l').await;
    let search = app.wait_for("[data-testid=model-search]").await;
    search
        .send_keys("\u{E015}\u{E00C}")
        .await
        .expect("arrow, Esc");
    app.wait_js(
        "return !document.querySelector('[data-testid=model-picker]') \
           && document.activeElement?.dataset.testid === 'chat-model' \
           && document.activeElement.dataset.value === 'openai/gpt-5'",
        "the picker closed, nothing changed",
    )
    .await;
    app.close().await;
}

#[tokio::test]
async fn parameters_reach_the_wire_and_the_answer_shows_its_speed_copy_and_export() {
    let fake = openai::start(speaking().with_models(["fake-model"])).expect("fake");
    let url = fake.url();
    let app = App::launch_with(DesktopOptions::default(), |d| parameters_config(d, &url)).await;
    app.wait_for("[data-testid=chat-model-badge]").await;

    // The popover starts with Settings' default system prompt.
    app.click("[data-testid=chat-params]").await;
    app.wait_for("[data-testid=params-popover]").await;
    app.wait_js(
        "return document.querySelector('[data-testid=params-system]').value === 'Be brief.'",
        "the default system prompt",
    )
    .await;
    app.type_into("[data-testid=params-temperature]", "0.3")
        .await;
    app.type_into("[data-testid=params-topP]", "0.8").await;
    app.type_into("[data-testid=params-maxTokens]", "128").await;
    // A value out of range says why and is not taken.
    let top_p = app.wait_for("[data-testid=params-topP]").await;
    top_p.clear().await.expect("clear");
    top_p.send_keys("7").await.expect("type");
    app.wait_for("#params-topP-error").await;
    top_p.clear().await.expect("clear");
    top_p.send_keys("0.8").await.expect("type");
    app.wait_js(
        "return !document.querySelector('#params-topP-error')",
        "the error gone",
    )
    .await;
    app.screenshot("chat-parameters-en").await;
    app.click("[data-testid=params-close]").await;
    let label = app.text("[data-testid=chat-params]").await;
    assert!(label.contains("(3)"), "{label}");

    send(&app, "What is 2+2?").await;
    let bodies: Vec<Value> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .map(|r| serde_json::from_str(&r.body).expect("json"))
        .collect();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let body = &bodies[0];
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "Be brief."})
    );
    assert_eq!(body["temperature"], json!(0.3));
    assert_eq!(body["top_p"], json!(0.8));
    assert_eq!(body["max_tokens"], json!(128));

    // The speed, from the stream's own timing.
    let speed = app.text("[data-testid=message-speed]").await;
    assert!(
        speed.contains("s to first token") && speed.contains("tok/s"),
        "{speed}"
    );
    app.screenshot("chat-answer-speed-en").await;

    // Saved with the conversation: it loads again with its parameters and its answer's speed.
    let list = app.invoke("history_list", json!({})).await.expect("list");
    let id = list[0]["id"].as_i64().expect("id");
    let loaded = app
        .invoke("history_load", json!({ "conversationId": id }))
        .await
        .expect("load");
    assert_eq!(loaded["conversation"]["systemPrompt"], "Be brief.");
    assert_eq!(
        loaded["conversation"]["parameters"],
        json!({"temperature": 0.3, "topP": 0.8, "maxTokens": 128})
    );
    app.click("[data-testid=chat-new]").await;
    app.wait_for("[data-testid=chat-new-hint]").await;
    app.click(&format!("[data-testid=conversation-{id}] .item"))
        .await;
    let again = app.text("[data-testid=message-speed]").await;
    assert!(again.contains("s to first token"), "{again}");
    // The system prompt is in Parameters, not in the thread.
    let users = app
        .js("return document.querySelectorAll('[data-testid=message-user]').length")
        .await;
    assert_eq!(users, json!(1));

    // Copy the whole answer.
    app.click("[data-testid=message-assistant] [data-testid=message-copy]")
        .await;
    app.wait_text(
        "[data-testid=message-assistant] [data-testid=message-copy]",
        "Copied",
        switchboard_tests::app::UI_TIMEOUT,
    )
    .await;

    // Export from the conversation's menu: Markdown as the CLI writes it, then JSON.
    // The row's tools show on hover or focus: focus the Export button, as Tab would.
    app.js(&format!(
        "const b = document.querySelector('[data-testid=conversation-{id}] \
         [data-testid=conversation-export]'); b.focus(); b.click(); return true"
    ))
    .await;
    app.click("[data-testid=export-markdown]").await;
    let note = app.text("[data-testid=chat-exported]").await;
    let downloads = app.desktop.home().join("Downloads");
    let path = note
        .split_whitespace()
        .find(|w| w.starts_with(&*downloads.to_string_lossy()))
        .unwrap_or_else(|| panic!("no path in {note:?}"))
        .to_owned();
    let exported = std::fs::read_to_string(&path).expect("the export exists");
    let cli = app
        .desktop
        .command(app.binary())
        .args(["history", "export", &id.to_string(), "--format", "md"])
        .output()
        .expect("switchboard history export");
    assert!(cli.status.success(), "{cli:?}");
    assert_eq!(exported, String::from_utf8_lossy(&cli.stdout));
    assert!(
        exported.contains("_Parameters: temperature 0.3 · top-p 0.8 · max tokens 128_"),
        "{exported}"
    );
    assert!(exported.contains("sent to 127.0.0.1:"), "{exported}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{path}");
    }
    // The row's tools show on hover or focus: focus the Export button, as Tab would.
    app.js(&format!(
        "const b = document.querySelector('[data-testid=conversation-{id}] \
         [data-testid=conversation-export]'); b.focus(); b.click(); return true"
    ))
    .await;
    app.click("[data-testid=export-json]").await;
    app.wait_js(
        "return document.querySelector('[data-testid=chat-exported]')?.textContent.includes('.json')",
        "the JSON export",
    )
    .await;
    let json_file = std::fs::read_dir(&downloads)
        .expect("Downloads")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a JSON export");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(json_file).expect("reads")).expect("json");
    assert_eq!(doc["conversation"]["parameters"]["temperature"], json!(0.3));

    // A new default in Settings is what the next new chat starts with (and it is saved).
    app.click("[data-testid=nav-settings]").await;
    let prompt = app.wait_for("[data-testid=setting-system-prompt]").await;
    prompt.clear().await.expect("clear");
    prompt.send_keys("Answer in one line.").await.expect("type");
    app.click("[data-testid=settings-section-chat] h2").await; // leaving the box saves it
    app.wait_js(
        "return document.querySelector('[data-testid=setting-system-prompt]').value            === 'Answer in one line.'",
        "the prompt kept",
    )
    .await;
    let settings_file = app
        .desktop
        .config_file()
        .parent()
        .expect("dir")
        .join("settings.json");
    let mut saved = String::new();
    for _ in 0..50 {
        saved = std::fs::read_to_string(&settings_file).unwrap_or_default();
        if saved.contains("Answer in one line.") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(saved.contains("Answer in one line."), "{saved}");
    app.click("[data-testid=nav-chat]").await;
    app.click("[data-testid=chat-new]").await;
    app.click("[data-testid=chat-params]").await;
    app.wait_js(
        "return document.querySelector('[data-testid=params-system]')?.value            === 'Answer in one line.'",
        "the new default in a new chat",
    )
    .await;
    app.close().await;
}

#[tokio::test]
async fn in_korean_the_picker_parameters_and_speed_speak_korean() {
    let lm = lmstudio::start(lmstudio::Script::v1().answer(speaking())).expect("fake LM Studio");
    let app = launch_picker(&lm, korean).await;
    let speed = app.text("[data-testid=message-speed]").await;
    assert!(speed.contains("첫 토큰까지"), "{speed}");
    app.screenshot("chat-answer-speed-ko").await;

    ctrl(&app, 'l').await;
    app.wait_for("[data-testid=model-picker]").await;
    app.wait_js(
        "return !!document.querySelector('[data-model-id=\"lmstudio/qwen/qwen3-8b\"] \
         [data-testid=model-speed]')",
        "the measured speed",
    )
    .await;
    let groups = app
        .js(
            "return [...document.querySelectorAll('[data-testid=model-group] .group')] \
             .map(g => g.textContent.trim())",
        )
        .await;
    assert_eq!(groups, json!(["이 컴퓨터", "호스팅"]));
    app.screenshot("chat-model-picker-ko").await;
    let search = app.wait_for("[data-testid=model-search]").await;
    search.send_keys("\u{E00C}").await.expect("Esc");

    app.click("[data-testid=chat-params]").await;
    app.wait_for("[data-testid=params-popover]").await;
    app.type_into("[data-testid=params-temperature]", "5").await;
    let error = app.text("#params-temperature-error").await;
    assert!(error.contains("온도"), "{error}");
    app.screenshot("chat-parameters-ko").await;
    app.close().await;
}

//! The Setup wizard and the Providers screen in the real window, against fake servers and the
//! throw-away keychain: what they write to disk and to the keychain, and what they never show.
//! The wizard's last step tests each route live against the fake LM Studio, saves only the
//! route that answered, and its chat answers through it.

use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_fakes::{lmstudio, openai};
use switchboard_tests::app::{App, UI_TIMEOUT};
use switchboard_tests::desktop::{Desktop, DesktopOptions};

/// Waits until the element at `css` has `attr` = `value`.
pub(crate) async fn wait_attr(app: &App, css: &str, attr: &str, value: &str) {
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut last = None;
    loop {
        if let Ok(element) = app.client().find(fantoccini::Locator::Css(css)).await {
            last = element.attr(attr).await.ok().flatten();
            if last.as_deref() == Some(value) {
                return;
            }
        }
        let page = match app.client().find(fantoccini::Locator::Css("main")).await {
            Ok(main) if Instant::now() >= deadline => main.text().await.unwrap_or_default(),
            _ => String::new(),
        };
        assert!(
            Instant::now() < deadline,
            "{css} never got {attr}={value} (last {last:?}); the page says:\n{page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) fn point_at(desktop: &mut Desktop, lmstudio_port: Option<u16>) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    if let Some(port) = lmstudio_port {
        desktop.set_env("SWITCHBOARD_LMSTUDIO_PORT", &port.to_string());
    }
}

/// What `switchboard models --json` says of the config the app uses.
pub(crate) fn models_json(app: &App) -> Value {
    let models = app
        .desktop
        .command(app.binary())
        .args(["models", "--json"])
        .output()
        .expect("switchboard models");
    serde_json::from_slice(&models.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&models.stdout)))
}

pub(crate) const ANSWER: &str = "OK. Hello from the fake LM Studio.";

#[tokio::test]
async fn wizard_local_only_writes_the_lm_studio_profile() {
    // Gemma loads but crashes when asked: its route fails its test and is not saved. Qwen
    // takes a moment before its first token, as a local model does.
    let fake = lmstudio::start(
        lmstudio::Script::v1()
            .answer(
                openai::Script::reply(ANSWER)
                    .with_chunk_chars(3)
                    .with_fault(openai::Fault::SlowFirstByte { delay_ms: 2000 }),
            )
            .chat_fails("google/gemma-3-27b", 500, "Model crashed while generating"),
    )
    .expect("fake LM Studio");
    let hosted = openai::start(openai::Script::reply("hi").with_key("sk-e2e-wizard-key-4321"))
        .expect("fake OpenAI");
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(port))).await;
    let config = app.desktop.config_file();

    app.click("[data-testid=nav-setup]").await;
    // Step 1: the fake's models, with their facts and warnings; keep the one that is not loaded
    // loaded (Gemma crashes when asked, so a just-in-time load through a request would fail).
    let qwen = app.text("[data-testid='model-qwen/qwen3-8b']").await;
    assert!(
        qwen.contains("Loaded") && qwen.contains("33K context"),
        "{qwen}"
    );
    let gemma = "[data-testid='model-google/gemma-3-27b']";
    assert!(app
        .text(gemma)
        .await
        .contains("Not loaded: the first answer waits for the model to load."));
    app.screenshot("wizard-1-find").await;
    app.click(&format!("{gemma} [data-testid=model-keep-loaded]"))
        .await;
    app.wait_for(&format!("{gemma} [data-testid=model-loaded]"))
        .await;
    app.screenshot("wizard-1-find-loaded").await;

    // Step 2, then a look at step 3 (hybrid), then back to local only.
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-mode]").await;
    app.screenshot("wizard-2-mode").await;
    app.click("[data-testid=setup-mode-hybrid]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-hosted]").await;
    app.click("[data-testid=preset-openrouter]").await;
    app.wait_for("[data-testid=preset-note]").await;
    app.screenshot("wizard-3-hosted-openrouter").await;
    app.click("[data-testid=preset-custom]").await;
    app.type_into("#hosted-url", &format!("{}/v1", hosted.url()))
        .await;
    app.type_into("#hosted-model", "fake-model").await;
    app.type_into("[data-testid=hosted-key]", "sk-e2e-wrong-key-0000")
        .await;
    app.click("[data-testid=hosted-test]").await;
    wait_attr(
        &app,
        "[data-testid=key-test-result]",
        "data-outcome",
        "rejected",
    )
    .await;
    app.scroll_into_view("[data-testid=key-test-result]", "center")
        .await;
    app.screenshot("wizard-3-hosted-rejected").await;
    app.type_into("[data-testid=hosted-key]", "sk-e2e-wizard-key-4321")
        .await;
    app.click("[data-testid=hosted-test]").await;
    wait_attr(&app, "[data-testid=key-test-result]", "data-outcome", "ok").await;
    app.scroll_into_view("[data-testid=key-test-result]", "center")
        .await;
    app.screenshot("wizard-3-hosted-tested").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-routes]").await;
    app.screenshot("wizard-4-routes-hybrid").await;
    for _ in 0..2 {
        app.click("[data-testid=wizard-back]").await;
    }
    app.click("[data-testid=setup-mode-local-only]").await;
    // Testing a key stored nothing, and nothing is on disk before Save.
    assert!(!config.exists(), "the wizard wrote before Save");

    // Step 4: routes; move the second local model up to primary with the keyboard-reachable
    // buttons.
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-routes]").await;
    let add = app.wait_for("[data-testid=route-add-select]").await;
    add.select_by_value("lmstudio/google/gemma-3-27b")
        .await
        .expect("choose a fallback");
    app.click(".add button").await;
    app.wait_for("[data-testid=route-1]").await;
    app.click("[data-testid=route-1] [aria-label^=Up]").await;
    assert!(app
        .text("[data-testid=route-0]")
        .await
        .contains("lmstudio/google/gemma-3-27b"));
    app.screenshot("wizard-4-routes").await;

    // Step 5: each route is tested live, before anything is written.
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-save]").await;
    app.wait_for("[data-testid=route-test-1][data-phase=testing]")
        .await;
    app.screenshot("wizard-5-testing").await;
    wait_attr(&app, "[data-testid=route-test-0]", "data-phase", "failed").await;
    wait_attr(&app, "[data-testid=route-test-1]", "data-phase", "ok").await;
    let failed = app.text("[data-testid=route-test-0]").await;
    assert!(
        failed.contains("lmstudio/google/gemma-3-27b")
            && failed.contains("Server error (HTTP 500)")
            && failed.contains("Model crashed while generating"),
        "{failed}"
    );
    let answered = app.text("[data-testid=route-test-1]").await;
    assert!(
        answered.contains("lmstudio/qwen/qwen3-8b") && answered.contains("Answered in"),
        "{answered}"
    );
    assert!(
        answered.contains(ANSWER),
        "no preview of the answer: {answered}"
    );
    let plan = app.text("[data-testid=wizard-plan]").await;
    assert!(
        plan.contains("Primary") && plan.contains("lmstudio/qwen/qwen3-8b"),
        "{plan}"
    );
    assert!(!plan.contains("gemma"), "{plan}");
    assert!(app
        .text("[data-testid=wizard-plan-dropped]")
        .await
        .contains("lmstudio/google/gemma-3-27b"));
    let tests: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/responses" && r.body.contains("Reply with OK."))
        .collect();
    assert_eq!(tests.len(), 2, "one test per route");
    assert!(tests.iter().all(|r| r.body.contains("\"stream\":true")));
    // Testing wrote nothing.
    assert!(!config.exists(), "the route test wrote the config");
    app.screenshot("wizard-5-tested").await;
    app.click("[data-testid=wizard-save]").await;
    let shown = app.text("[data-testid=wizard-config-path]").await;
    assert_eq!(shown, config.display().to_string());
    assert!(app
        .text("[data-testid=wizard-dropped]")
        .await
        .contains("lmstudio/google/gemma-3-27b"));
    app.screenshot("wizard-5-saved").await;

    let text = std::fs::read_to_string(&config).expect("config written");
    // One save, one write: a first save has nothing to back up, so no `.bak` holds an
    // in-between state of the setup.
    let mut bak = config.clone().into_os_string();
    bak.push(".bak");
    assert!(
        !std::path::Path::new(&bak).exists(),
        "the save wrote the file more than once"
    );
    for needle in [
        "lmstudio",
        &format!("http://127.0.0.1:{port}/v1"),
        "qwen/qwen3-8b",
    ] {
        assert!(text.contains(needle), "no {needle} in:\n{text}");
    }
    // Only the route that answered, as the CLI reads it back from the same file.
    let models = models_json(&app);
    assert_eq!(models["primary"], "lmstudio/qwen/qwen3-8b", "{models}");
    assert_eq!(models["fallbacks"], serde_json::json!([]), "{models}");
    // An alias only for the saved route.
    let aliased: Vec<&str> = models["aliases"]
        .as_array()
        .expect("aliases")
        .iter()
        .map(|a| a["ref"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(aliased, ["lmstudio/qwen/qwen3-8b"], "{models}");
    assert!(
        !text.contains("fake-model"),
        "local only wrote the hosted provider:\n{text}"
    );
    assert!(
        !text.contains("sk-e2e"),
        "a key reached the config:\n{text}"
    );
    let loads: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/models/load")
        .collect();
    assert_eq!(loads.len(), 1);
    assert!(
        loads[0].body.contains("\"context_length\":32768"),
        "{}",
        loads[0].body
    );

    // "Open chat" has the focus: Enter lands in the chat with the new primary picked, and a
    // message streams its answer from the fake LM Studio.
    app.wait_js(
        "return document.activeElement?.dataset.testid === 'wizard-finish'",
        "focus on Open chat",
    )
    .await;
    app.wait_for("[data-testid=wizard-finish]")
        .await
        .send_keys("\u{E007}")
        .await
        .expect("Enter");
    app.wait_for("[data-testid=screen-chat]").await;
    app.wait_js(
        "const s = document.querySelector('[data-testid=chat-model]'); \
         return !!s && s.dataset.value === '' && s.title.includes('lmstudio/qwen/qwen3-8b')",
        "the new primary picked in the chat",
    )
    .await;
    let input = app.wait_for("[data-testid=chat-input]").await;
    input.send_keys("Hello there").await.expect("type");
    app.click("[data-testid=chat-send]").await;
    app.wait_js("return document.querySelector('[data-testid=message-assistant]')?.dataset.status === 'complete'",
        "the answer completing",
    )
    .await;
    let answer = app.text("[data-testid=message-answer]").await;
    assert!(answer.contains(ANSWER), "{answer}");
    let meta = app.text("[data-testid=message-meta]").await;
    assert!(meta.contains("lmstudio/qwen/qwen3-8b"), "{meta}");
    let chat = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/responses" && r.body.contains("Hello there"))
        .collect::<Vec<_>>();
    assert_eq!(chat.len(), 1, "the chat went elsewhere");
    assert!(chat[0].body.contains("\"stream\":true") && chat[0].body.contains("qwen/qwen3-8b"));
    app.screenshot("wizard-6-chat").await;
    app.close().await;
}

#[tokio::test]
async fn a_key_set_in_providers_reaches_the_keychain_and_never_the_page() {
    const KEY: &str = "sk-e2e-providers-secret-5678";
    let hosted = openai::start(openai::Script::reply("hi").with_key(KEY)).expect("fake OpenAI");
    let app = App::launch_with(DesktopOptions::default(), |d| {
        point_at(d, Some(1));
        let config = d.config_file();
        std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
        let text = format!(
            "{{ models: {{ providers: {{ work: {{ baseUrl: \"{}/v1\", api: \"openai-completions\", \
             models: [{{ id: \"fake-model\", name: \"Fake model\", contextWindow: 32768 }}] }} }} }} }}\n",
            hosted.url()
        );
        std::fs::write(&config, text).expect("write config");
    })
    .await;

    app.click("[data-testid=nav-providers]").await;
    wait_attr(
        &app,
        "[data-testid=key-status-work]",
        "data-state",
        "missing",
    )
    .await;
    app.screenshot("providers-keys-list").await;
    app.click("[data-testid=key-edit-work]").await;
    app.type_into("[data-testid=key-input-work]", KEY).await;
    // A focused password field with a blinking caret has crashed WebKit's screenshot under load.
    app.client()
        .execute("document.activeElement.blur()", Vec::new())
        .await
        .expect("blur");
    app.screenshot("providers-key-entry").await;
    app.click("[data-testid=key-save-work]").await;
    wait_attr(
        &app,
        "[data-testid=key-status-work]",
        "data-state",
        "keychain",
    )
    .await;
    assert!(app
        .text("[data-testid=key-status-work]")
        .await
        .contains("…5678"));
    app.click("[data-testid=key-test-work]").await;
    wait_attr(&app, "[data-testid=key-test-result]", "data-outcome", "ok").await;
    app.screenshot("providers-key-set").await;

    // Not in the DOM (inputs included), local storage or any reply.
    let source = app.client().source().await.expect("page source");
    assert!(!source.contains(KEY), "the key is in the DOM");
    let values = app
        .client()
        .execute(
            "return [...document.querySelectorAll('input')].map((i) => i.value).join('\\n') + \
             JSON.stringify(Object.entries(localStorage)) + JSON.stringify(Object.entries(sessionStorage))",
            Vec::new(),
        )
        .await
        .expect("script");
    assert!(
        !values.to_string().contains(KEY),
        "the key is in an input or storage"
    );
    for command in ["keys_status", "config_load", "app_status"] {
        let reply = app
            .invoke(command, serde_json::json!({}))
            .await
            .unwrap_or_else(|e| panic!("{command} rejected: {e}"))
            .to_string();
        assert!(!reply.contains(KEY), "{command} replied with the key");
    }
    // In the throw-away keychain, under the debug build's service.
    let stored = app
        .desktop
        .command("secret-tool")
        .args(["lookup", "service", "switchboard-dev", "username", "work"])
        .output()
        .expect("secret-tool");
    assert_eq!(String::from_utf8_lossy(&stored.stdout).trim(), KEY);
    app.close().await;
}

#[tokio::test]
async fn a_malformed_config_shows_recovery_and_is_never_rewritten() {
    let broken = "{\n  models: {\n    providers: {\n      lmstudio: { baseUrl: \"http://127.0.0.1:1234/v1\" models: [] },\n    },\n  },\n}\n";
    let app = App::launch_with(DesktopOptions::default(), |d| {
        point_at(d, Some(1));
        let config = d.config_file();
        std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
        std::fs::write(&config, broken).expect("write config");
    })
    .await;
    let config = app.desktop.config_file();
    let recovery = app.text("[data-testid=config-recovery]").await;
    let position = format!("{}:4:", config.display());
    assert!(recovery.contains(&position), "no {position} in {recovery}");
    app.screenshot("providers-recovery-malformed").await;
    app.click("[data-testid=recovery-reload]").await;
    app.wait_for("[data-testid=config-recovery]").await;
    // The wizard cannot save into it either.
    app.click("[data-testid=nav-setup]").await;
    app.wait_for("[data-testid=screen-setup]").await;
    app.click("[data-testid=nav-providers]").await;
    app.wait_for("[data-testid=config-recovery]").await;
    assert_eq!(
        std::fs::read(&config).expect("config"),
        broken.as_bytes(),
        "the file changed"
    );
    let siblings: Vec<_> = std::fs::read_dir(config.parent().expect("dir"))
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        siblings.len(),
        1,
        "extra files next to the config: {siblings:?}"
    );
    app.close().await;
}

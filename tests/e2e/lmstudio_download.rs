//! LM Studio the way it wants to be used, in the real window against the fake LM Studio: the
//! wizard's download of a model when LM Studio has none worth using (progress that advances,
//! one Cancel, started again, completed, and the route continues with the new model), in
//! English and Korean; "Load" as a just-in-time load with an idle TTL, and "Keep loaded" as the
//! only thing that pins a model.

use std::time::Duration;

use switchboard_fakes::lmstudio::{self, Downloads, Script};
use switchboard_fakes::{openai, FakeServer};
use switchboard_tests::app::App;
use switchboard_tests::desktop::DesktopOptions;

use crate::setup::{point_at, ANSWER};

/// 400 MB at 20 MB/s: twenty seconds on the fake's clock, long enough to watch and cancel.
fn slow_downloads() -> Downloads {
    Downloads {
        total_bytes: 400_000_000,
        bytes_per_second: 20_000_000,
        ..Downloads::default()
    }
}

const PERCENT: &str =
    "return Number(document.querySelector('[data-testid=download-progress]')?.dataset.percent ?? -1)";

async fn percent(app: &App) -> i64 {
    app.js(PERCENT).await.as_i64().unwrap_or(-1)
}

/// Waits until the progress bar shows more than `above` percent.
async fn progress_above(app: &App, above: i64) -> i64 {
    app.wait_js(
        &format!("{PERCENT} > {above}"),
        &format!("download progress above {above}%"),
    )
    .await;
    percent(app).await
}

fn status_polls(fake: &FakeServer) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/models/download/status/"))
        .count()
}

#[tokio::test]
async fn wizard_downloads_a_model_with_progress_cancel_and_continues_with_it() {
    let script = Script::v1()
        .no_chat_models()
        .downloads(slow_downloads())
        .answer(openai::Script::reply(ANSWER));
    let fake = lmstudio::start(script).expect("fake LM Studio");
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(port))).await;

    app.click("[data-testid=nav-setup]").await;
    let offer = app.text("[data-testid=download-offer]").await;
    assert!(offer.contains("download one through LM Studio"), "{offer}");
    app.screenshot("lmstudio-download-offer").await;

    // Started: the bar moves, with speed and time left.
    app.click("[data-testid=download-start]").await;
    let first = progress_above(&app, 0).await;
    let second = progress_above(&app, first).await;
    assert!(second > first);
    let running = app.text("[data-testid=download-running]").await;
    assert!(
        running.contains("MB/s") && running.contains("left"),
        "{running}"
    );
    // Cancel is where the keyboard is: focus moved to it when the download started.
    let focused = app
        .js("return document.activeElement?.dataset?.testid ?? ''")
        .await;
    assert_eq!(focused, "download-cancel");
    app.screenshot("lmstudio-download-progress").await;

    // Cancel: polling stops, and the message says what happens in LM Studio.
    app.click("[data-testid=download-cancel]").await;
    let cancelled = app.text("[data-testid=download-cancelled]").await;
    assert!(cancelled.contains("Downloads panel"), "{cancelled}");
    let polls = status_polls(&fake);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(status_polls(&fake), polls, "still polling after Cancel");
    app.screenshot("lmstudio-download-cancelled").await;

    // Again: the same job picks up (it went on in LM Studio) and completes.
    app.click("[data-testid=download-start]").await;
    progress_above(&app, second).await;
    let done = app
        .wait_text(
            "[data-testid=download-offer]",
            "downloaded and selected",
            Duration::from_secs(40),
        )
        .await;
    assert!(done.contains("downloaded and selected"), "{done}");
    let downloads = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/models/download")
        .count();
    assert_eq!(downloads, 2, "one start, one start again");

    // The wizard continues with the new model: its card is selected, and it is the route.
    let card = app.wait_for("article.selected").await;
    let testid = card
        .attr("data-testid")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let model = testid.trim_start_matches("model-").to_owned();
    assert!(!model.is_empty(), "the new model's card");
    app.screenshot("lmstudio-download-done").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-mode]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-routes]").await;
    let routes = app.text("[data-testid=wizard-step-routes]").await;
    assert!(routes.contains(&format!("lmstudio/{model}")), "{routes}");
}

#[tokio::test]
async fn the_download_step_speaks_korean() {
    let script = Script::v1().no_chat_models().downloads(slow_downloads());
    let fake = lmstudio::start(script).expect("fake LM Studio");
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| {
        point_at(d, Some(port));
        d.set_env("LANG", "ko_KR.UTF-8");
        d.set_env("LC_ALL", "");
        d.set_env("LC_MESSAGES", "");
    })
    .await;
    app.click("[data-testid=nav-setup]").await;
    let offer = app.text("[data-testid=download-offer]").await;
    assert!(offer.contains("내려받기"), "{offer}");
    app.click("[data-testid=download-start]").await;
    let first = progress_above(&app, 0).await;
    progress_above(&app, first).await;
    let running = app.text("[data-testid=download-running]").await;
    assert!(running.contains("남음"), "{running}");
    app.screenshot("lmstudio-download-progress-ko").await;
    app.click("[data-testid=download-cancel]").await;
    app.wait_for("[data-testid=download-cancelled]").await;
}

#[tokio::test]
async fn load_is_just_in_time_with_a_ttl_and_keep_loaded_pins() {
    let script = Script::v1()
        .nothing_loaded()
        .jit_delay(Duration::from_secs(6));
    let (fake, models) = lmstudio::start_with_state(script).expect("fake LM Studio");
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(port))).await;
    app.click("[data-testid=nav-setup]").await;

    // Load: "Loading…" while LM Studio loads the model for the request, then loaded.
    let gemma = "[data-testid='model-google/gemma-3-27b']";
    app.click(&format!("{gemma} [data-testid=model-load]"))
        .await;
    let button = app
        .wait_text(
            &format!("{gemma} [data-testid=model-load]"),
            "Loading…",
            Duration::from_secs(2),
        )
        .await;
    assert!(button.contains("Loading…"), "{button}");
    app.screenshot("lmstudio-load-jit").await;
    app.wait_for(&format!("{gemma} [data-testid=model-loaded]"))
        .await;
    let loaded = models.model("google/gemma-3-27b").expect("gemma");
    let sent: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| format!("{} {}", r.path, r.body))
        .collect();
    assert_eq!(
        (loaded.pinned, loaded.ttl, loaded.loaded_context),
        (false, Some(3600), Some(32_768)),
        "loaded just in time with the idle TTL and the wizard's context; sent {sent:?}"
    );
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.path == "/api/v1/models/load"),
        "Load never calls the load endpoint"
    );

    // Keep loaded: the load endpoint, pinned, no TTL.
    let qwen = "[data-testid='model-qwen/qwen3-8b']";
    app.click(&format!("{qwen} [data-testid=model-keep-loaded]"))
        .await;
    app.wait_for(&format!("{qwen} [data-testid=model-loaded]"))
        .await;
    let kept = models.model("qwen/qwen3-8b").expect("qwen");
    assert_eq!((kept.pinned, kept.ttl), (true, None));
}

#[tokio::test]
async fn a_chat_answer_that_waits_for_a_just_in_time_load_says_so_and_sends_the_ttl() {
    let script = Script::v1()
        .nothing_loaded()
        .jit_delay(Duration::from_secs(5))
        .answer(openai::Script::reply("Loaded just in time."));
    let (fake, models) = lmstudio::start_with_state(script).expect("fake LM Studio");
    let url = fake.url();
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |desktop| {
        point_at(desktop, Some(port));
        let config = desktop.config_file();
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
    // The detection has seen the model unloaded; the picker reads the models again on opening.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let listed = app
            .invoke("chat_models", serde_json::json!({}))
            .await
            .expect("chat_models");
        let unloaded = listed["models"].as_array().is_some_and(|all| {
            all.iter()
                .any(|m| m["ref"] == "lmstudio/qwen/qwen3-8b" && m["loaded"] == false)
        });
        if unloaded {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the detection never saw the model unloaded: {listed}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.click("[data-testid=chat-model]").await;
    app.wait_for("[data-testid=model-picker]").await;
    app.click("[data-testid=chat-model]").await;

    let input = app.wait_for("[data-testid=chat-input]").await;
    input.send_keys("Are you there?").await.expect("type");
    app.click("[data-testid=chat-send]").await;
    let note = app.text("[data-testid=message-cold-load]").await;
    assert!(note.contains("Loading the model in LM Studio"), "{note}");
    app.screenshot("chat-cold-load").await;
    app.wait_js(
        "const all = document.querySelectorAll('[data-testid=message-assistant]'); \
         const last = all[all.length - 1]; \
         return !!last && last.dataset.status === 'complete' \
           && last.textContent.includes('Loaded just in time.') \
           && !document.querySelector('[data-testid=message-cold-load]')",
        "the answer after the just-in-time load",
    )
    .await;
    let sent = fake
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/v1/responses")
        .expect("the chat request");
    let body: serde_json::Value = serde_json::from_str(&sent.body).expect("json");
    assert_eq!(body["ttl"], 3600, "the chat request carries the idle TTL");
    let qwen = models.model("qwen/qwen3-8b").expect("qwen");
    assert_eq!((qwen.pinned, qwen.ttl), (false, Some(3600)));
}

//! The first local answer with the fewest clicks: a fresh machine (no config) with LM Studio
//! running a loaded model. The first screen offers that model; one click tests it live and
//! saves the local-only setup in one write; one more sends a suggested first prompt. The test
//! counts the clicks and the seconds from the first window to the answer on screen.

use std::time::{Duration, Instant};

use switchboard_fakes::{lmstudio, openai};
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};

use crate::setup::{models_json, point_at, ANSWER};

/// Clicks the issue allows from the first window to the first verified local answer.
const MOST_CLICKS: usize = 3;

#[tokio::test]
async fn the_first_local_answer_takes_two_clicks_and_no_typing() {
    let fake = lmstudio::start(lmstudio::Script::v1().answer(openai::Script::reply(ANSWER)))
        .expect("fake LM Studio");
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(port))).await;
    let first_window = Instant::now();
    let config = app.desktop.config_file();
    assert!(!config.exists(), "a fresh machine has no config");
    let mut clicks = 0;

    // The first screen is the chat; it offers the loaded model (not the larger unloaded one).
    app.wait_for("[data-testid=quick-start]").await;
    let offer = app.text("[data-testid=quick-start-offer]").await;
    assert!(
        offer.contains("on LM Studio") && offer.contains("33K context · loaded"),
        "{offer}"
    );
    app.settle().await;
    app.screenshot("quick-start-1-offer").await;

    app.click("[data-testid=quick-start]").await;
    clicks += 1;
    app.wait_for("[data-testid=quick-start-ready]").await;
    app.wait_js(
        "return document.activeElement?.dataset?.testid === 'chat-input';",
        "the focus in the message box",
    )
    .await;
    let models = models_json(&app);
    assert_eq!(models["primary"], "lmstudio/qwen/qwen3-8b", "{models}");
    // One write: a second one would have left a `.bak` holding the profile without a route.
    assert!(
        !config.with_extension("json5.bak").exists(),
        "the first save wrote the file twice"
    );
    app.settle().await;
    app.screenshot("quick-start-2-ready").await;

    app.click("[data-testid=starter-prompt]").await;
    clicks += 1;
    app.wait_text(
        "[data-testid=message-answer]",
        ANSWER,
        Duration::from_secs(30),
    )
    .await;
    let seconds = first_window.elapsed().as_secs_f64();
    app.settle().await;
    app.screenshot("quick-start-3-answer").await;
    assert!(clicks <= MOST_CLICKS, "{clicks} clicks");
    println!(
        "first local answer: {clicks} clicks, no typing, {seconds:.1} s from the first window"
    );
    // The live test and the answer both went to the fake.
    let chats = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/responses"))
        .count();
    assert_eq!(chats, 2, "one live test, one answer");
    app.close().await;
}

/// The desktop in Korean.
fn korean(desktop: &mut Desktop) {
    desktop.set_env("LANG", "ko_KR.UTF-8");
    desktop.set_env("LC_ALL", "");
    desktop.set_env("LC_MESSAGES", "");
}

#[tokio::test]
async fn a_model_that_fails_its_test_saves_nothing_and_says_why_beside_the_button() {
    let fake = lmstudio::start(lmstudio::Script::v1().chat_fails(
        "qwen/qwen3-8b",
        500,
        "Model crashed while generating",
    ))
    .expect("fake LM Studio");
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| {
        point_at(d, Some(port));
        korean(d);
    })
    .await;
    let config = app.desktop.config_file();
    app.wait_for("[data-testid=quick-start]").await;
    let offer = app.text("[data-testid=quick-start-offer]").await;
    assert!(offer.contains("LM Studio의"), "in Korean: {offer}");
    app.settle().await;
    app.screenshot("quick-start-1-offer-ko").await;
    app.click("[data-testid=quick-start]").await;
    let error = app
        .wait_text(
            "[data-testid=quick-start-error]",
            "저장하지 않았습니다",
            Duration::from_secs(30),
        )
        .await;
    // A Korean sentence for what went wrong, and core's exact English text beside it.
    assert!(error.contains("서버에서 오류가 발생했습니다"), "{error}");
    assert!(error.contains("lmstudio/qwen/qwen3-8b"), "{error}");
    assert!(!config.exists(), "nothing saved");
    app.settle().await;
    app.screenshot("quick-start-failed-ko").await;

    // The wizard's first step offers the same start.
    app.click("[data-testid=nav-setup]").await;
    app.wait_for("[data-testid=wizard-quick-start] [data-testid=quick-start]")
        .await;
    app.close().await;
}

//! Privacy and spend in the real window: a private chat skips the route that may leave this
//! machine and answers locally, with the badge and the trail line saying so; the tray's
//! offline switch makes every chat private; a private chat with no route that stays here is
//! refused with nothing sent; a spent budget skips its provider.
//!
//! "cloud" is a custom provider on a fake at 127.0.0.1: a server on this machine that may
//! forward to the internet, which private chats refuse (the router decides from the host and the
//! provider, never the name alone). "lmstudio" is LM Studio's id on another fake: an inference
//! server on this machine. The fakes' request logs prove what was sent where.

use std::time::Duration;

use serde_json::json;
use switchboard_fakes::openai::{self, Script};
use switchboard_fakes::FakeServer;
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};
use switchboard_tests::tray_host::entry;

use crate::chat::send;

const CLOUD_REPLY: &str = "Answered by the cloud route.";
const LOCAL_REPLY: &str = "Answered on this machine.";

/// A config with `cloud/opus` (priced) as the primary and, when given, `lmstudio/minimax` as
/// its fallback; `settings` (JSON) is written beside it when given.
fn configure(desktop: &mut Desktop, cloud: &str, local: Option<&str>, settings: Option<&str>) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let (fallbacks, local_provider) = match local {
        Some(url) => (
            "[\"lmstudio/minimax\"]".to_owned(),
            format!(
                "lmstudio: {{ baseUrl: \"{url}/v1\", api: \"openai-completions\", \
                 models: [{{ id: \"minimax\", name: \"Minimax\", contextWindow: 65536 }}] }},"
            ),
        ),
        None => ("[]".to_owned(), String::new()),
    };
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"cloud/opus\", fallbacks: {fallbacks} }} }} }},\n\
         models: {{ providers: {{\n\
         cloud: {{ baseUrl: \"{cloud}/v1\", api: \"openai-completions\", apiKey: \"not-needed\", \
         models: [{{ id: \"opus\", name: \"Opus\", contextWindow: 200000, \
         cost: {{ input: 15, output: 75 }} }}] }},\n\
         {local_provider} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
    if let Some(settings) = settings {
        let file = config.parent().expect("dir").join("settings.json");
        std::fs::write(file, settings).expect("write settings");
    }
}

fn fakes() -> (FakeServer, FakeServer) {
    let cloud = openai::start(Script::reply(CLOUD_REPLY).with_models(["opus"])).expect("cloud");
    let local = openai::start(Script::reply(LOCAL_REPLY).with_models(["minimax"])).expect("local");
    (cloud, local)
}

/// The chat requests `fake` received (probes of `/v1/models` are not chats: the app checks
/// local servers in the background).
fn chats(fake: &FakeServer) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

/// Waits for the `n`th answer (1-based) to end; returns its status.
async fn answer_ended(app: &App, n: usize) -> String {
    let answer = format!(
        "const a = document.querySelectorAll('[data-testid=message-assistant]')[{}];",
        n - 1
    );
    let ended = format!("{answer} return !!a && a.dataset.status !== 'unfinished'");
    app.wait_js(&ended, "the answer ending").await;
    let status = format!("{answer} return a.dataset.status");
    app.js(&status)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The text of `testid` inside the `n`th answer (1-based).
async fn in_answer(app: &App, n: usize, testid: &str) -> String {
    let script = format!(
        "const a = document.querySelectorAll('[data-testid=message-assistant]')[{}]; \
         return a?.querySelector('[data-testid={testid}]')?.textContent ?? ''",
        n - 1
    );
    app.js(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_private_chat_stays_on_this_machine_and_the_tray_offline_switch_keeps_every_chat_here() {
    let (cloud, local) = fakes();
    let (cloud_url, local_url) = (cloud.url(), local.url());
    let options = DesktopOptions {
        tray_host: true,
        ..DesktopOptions::default()
    };
    let app = App::launch_with(options, |d| {
        configure(d, &cloud_url, Some(&local_url), None)
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;

    // Private: the badge shows, the cloud route is skipped, the local server answers.
    app.click("[data-testid=chat-private]").await;
    let badge = app.text("[data-testid=chat-private-badge]").await;
    assert!(badge.contains("never leaves this machine"), "{badge}");
    send(&app, "Keep this between us.").await;
    assert_eq!(answer_ended(&app, 1).await, "complete");
    assert!(in_answer(&app, 1, "message-answer")
        .await
        .contains(LOCAL_REPLY));
    let trail = in_answer(&app, 1, "message-trail-summary").await;
    assert!(trail.contains("Stayed on this machine"), "{trail}");
    let route = in_answer(&app, 1, "message-route").await;
    assert!(route.contains("cloud/opus: kept private"), "{route}");
    assert_eq!(chats(&cloud), 0, "the private chat reached the cloud route");
    app.screenshot("privacy-private-chat").await;

    // A new chat is not private: the primary answers, and the trail says where it went.
    app.click("[data-testid=chat-new]").await;
    app.wait_js(
        "return !document.querySelector('[data-testid=chat-private-badge]')",
        "the badge going",
    )
    .await;
    send(&app, "Anything.").await;
    assert_eq!(answer_ended(&app, 1).await, "complete");
    let trail = in_answer(&app, 1, "message-trail-summary").await;
    let cloud_host = format!("127.0.0.1:{}", cloud.addr().port());
    assert!(trail.contains(&format!("Sent to {cloud_host}")), "{trail}");
    assert_eq!(chats(&cloud), 1);
    app.screenshot("privacy-trail-sent").await;

    // The tray's offline switch: saved, shown in the window, and every chat stays here.
    let host = app.tray_host().expect("tray host");
    let item = host.items()[0].clone();
    let menu = host.menu(&item).await.expect("menu");
    let offline = entry(&menu, "Offline — nothing leaves this machine");
    assert!(!offline.checked);
    host.click(&item, offline.id).await.expect("click offline");
    app.wait_text(
        "[data-testid=chat-private-badge]",
        "Offline",
        Duration::from_secs(10),
    )
    .await;
    app.wait_for("[data-testid=sidebar-offline]").await;
    let settings = app
        .invoke("settings_get", json!({}))
        .await
        .expect("settings_get");
    assert_eq!(settings["settings"]["offline"], true);
    let menu = host.menu(&item).await.expect("menu");
    assert!(entry(&menu, "Offline — nothing leaves this machine").checked);
    assert!(menu[0].label.starts_with("Offline · "), "{:?}", menu[0]);
    app.click("[data-testid=chat-new]").await;
    send(&app, "Offline now.").await;
    assert_eq!(answer_ended(&app, 1).await, "complete");
    assert!(in_answer(&app, 1, "message-answer")
        .await
        .contains(LOCAL_REPLY));
    assert_eq!(chats(&cloud), 1, "offline reached the cloud route");
    app.close().await;
}

#[tokio::test]
async fn a_private_chat_with_no_route_that_stays_here_is_refused_and_nothing_is_sent() {
    let (cloud, _local) = fakes();
    let cloud_url = cloud.url();
    let app = App::launch_with(DesktopOptions::default(), |d| {
        configure(d, &cloud_url, None, None)
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    app.click("[data-testid=chat-private]").await;
    send(&app, "Secret.").await;
    assert_eq!(answer_ended(&app, 1).await, "failed");
    let error = in_answer(&app, 1, "message-error").await;
    assert!(error.contains("nothing was sent"), "{error}");
    assert!(error.contains("may forward"), "{error}");
    assert_eq!(chats(&cloud), 0, "the refused chat reached the cloud");
    app.screenshot("privacy-refused").await;
    app.close().await;
}

#[tokio::test]
async fn a_spent_budget_skips_its_provider_and_providers_shows_the_spend() {
    let (cloud, local) = fakes();
    let (cloud_url, local_url) = (cloud.url(), local.url());
    // 12 prompt and 7 completion tokens at $15 / $75 per million: about $0.0007 an answer.
    let settings = r#"{"budgets": {"providers": {"cloud": {"dailyUsd": 0.0005}}}}"#;
    let app = App::launch_with(DesktopOptions::default(), |d| {
        configure(d, &cloud_url, Some(&local_url), Some(settings))
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    send(&app, "First.").await;
    assert_eq!(answer_ended(&app, 1).await, "complete");
    assert!(in_answer(&app, 1, "message-answer")
        .await
        .contains(CLOUD_REPLY));
    app.click("[data-testid=chat-new]").await;
    send(&app, "Second.").await;
    assert_eq!(answer_ended(&app, 1).await, "complete");
    assert!(in_answer(&app, 1, "message-answer")
        .await
        .contains(LOCAL_REPLY));
    let route = in_answer(&app, 1, "message-route").await;
    assert!(route.contains("cloud/opus: over budget"), "{route}");
    assert_eq!(chats(&cloud), 1, "the spent budget still sent to the cloud");

    app.click("[data-testid=nav-providers]").await;
    let line = app
        .wait_text(
            "[data-testid=spend-cloud]",
            "Over budget",
            Duration::from_secs(10),
        )
        .await;
    assert!(line.contains("$0.0007"), "{line}");
    app.screenshot("privacy-spend").await;
    app.close().await;
}

#[tokio::test]
async fn in_korean_the_private_chat_the_trail_and_the_spend_speak_korean() {
    let (cloud, local) = fakes();
    let (cloud_url, local_url) = (cloud.url(), local.url());
    let app = App::launch_with(DesktopOptions::default(), |d| {
        d.set_env("LANG", "ko_KR.UTF-8");
        d.set_env("LC_ALL", "");
        d.set_env("LC_MESSAGES", "");
        // About $0.0007 an answer from the cloud: the first one passes 80 % of this.
        let budget = r#"{"budgets": {"providers": {"cloud": {"dailyUsd": 0.0008}}}}"#;
        configure(d, &cloud_url, Some(&local_url), Some(budget))
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    app.click("[data-testid=chat-private]").await;
    let badge = app.text("[data-testid=chat-private-badge]").await;
    assert!(badge.contains("비공개"), "{badge}");
    send(&app, "비밀 이야기입니다.").await;
    assert_eq!(answer_ended(&app, 1).await, "complete");
    let trail = in_answer(&app, 1, "message-trail-summary").await;
    assert!(trail.contains("이 컴퓨터 안에서 처리됨"), "{trail}");
    assert_eq!(chats(&cloud), 0, "the private chat reached the cloud route");
    app.screenshot("privacy-private-chat-ko").await;

    // A chat that is not private goes to the cloud, and the budget warning core sends as
    // data is worded in Korean.
    app.click("[data-testid=chat-new]").await;
    send(&app, "공개 질문입니다.").await;
    assert_eq!(answer_ended(&app, 1).await, "complete");
    assert_eq!(
        chats(&cloud),
        1,
        "the chat that is not private went to the cloud"
    );
    let warning = in_answer(&app, 1, "message-warning").await;
    assert!(warning.contains("cloud의 일일 예산 중"), "{warning}");
    assert!(
        warning.contains("%를 썼습니다 ($0.0008 중 $0.0007)"),
        "{warning}"
    );
    app.screenshot("privacy-budget-warning-ko").await;
    app.click("[data-testid=nav-settings]").await;
    app.wait_for("[data-testid=settings-section-privacy]").await;
    app.scroll_into_view("[data-testid=settings-section-privacy]", "start")
        .await;
    app.screenshot("privacy-settings-ko").await;
    app.close().await;
}

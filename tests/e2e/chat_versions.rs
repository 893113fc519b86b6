//! Versions of an answer in the real window: an answer cut off mid-stream, "Retry on next
//! route" makes it the second of two versions (‹ 2/2 ›), ‹ shows the cut one again, the
//! choice survives a reload, Alt+Right steps back, the next question sends only the version
//! shown, and a search hit in the other version opens it. In English and in Korean.

use serde_json::json;
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_fakes::FakeServer;
use switchboard_tests::app::App;
use switchboard_tests::desktop::DesktopOptions;

use crate::chat::{hybrid_config, newest_conversation, send};

const CUT: &str = "The primary starts to answer and then breaks off without an end.";
const WHOLE: &str = "The fallback answers in full.";

/// The app on a hybrid config whose primary breaks off mid-answer and whose fallback answers
/// in full; in Korean with `korean`.
async fn launch(korean: bool) -> (App, [FakeServer; 2]) {
    let primary = openai::start(
        Script::reply(CUT)
            .with_chunk_chars(8)
            .with_fault(Fault::TruncateStream { after_chunks: 3 })
            .with_models(["opus"]),
    )
    .expect("fake primary");
    let fallback =
        openai::start(Script::reply(WHOLE).with_models(["minimax"])).expect("fake fallback");
    let (primary_url, fallback_url) = (primary.url(), fallback.url());
    let app = App::launch_with(DesktopOptions::default(), |d| {
        hybrid_config(d, &primary_url, &fallback_url);
        if korean {
            d.set_env("LANG", "ko_KR.UTF-8");
            d.set_env("LC_ALL", "");
            d.set_env("LC_MESSAGES", "");
        }
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    (app, [primary, fallback])
}

/// Waits until the conversation shows `answers` answers and the first shows version `counter`
/// ("1/2") with `text` in it.
async fn wait_version(app: &App, answers: usize, counter: &str, text: &str, what: &str) {
    app.wait_js(
        &format!(
            "const all = document.querySelectorAll('[data-testid=message-assistant]'); \
             const a = all[0]; \
             return all.length === {answers} && !!a \
               && a.querySelector('[data-testid=message-version]')?.textContent === {counter} \
               && a.querySelector('[data-testid=message-answer]').textContent.includes({text})",
            counter = json!(counter),
            text = json!(text),
        ),
        what,
    )
    .await;
}

/// Asks, lets the primary break off, and retries on the next route: two versions, the second
/// shown.
async fn cut_then_retry(app: &App, question: &str) {
    send(app, question).await;
    app.wait_js(
        "return document.querySelector('[data-testid=message-assistant]')?.dataset.status \
         === 'failed'",
        "the cut-off answer failing",
    )
    .await;
    app.click("[data-testid=message-retry-next]").await;
    app.wait_js(
        "const a = document.querySelector('[data-testid=message-assistant]'); \
         return a?.dataset.status === 'complete'",
        "the retried answer",
    )
    .await;
    wait_version(app, 1, "2/2", WHOLE, "the second version shown").await;
}

/// Chat requests the fake received (not its model probes).
fn chat_bodies(fake: &FakeServer) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .map(|r| r.body)
        .collect()
}

#[tokio::test]
async fn a_retried_answer_keeps_its_versions_and_the_next_question_sends_the_one_shown() {
    let (app, [primary, fallback]) = launch(false).await;
    cut_then_retry(&app, "Who finishes?").await;
    app.screenshot("chat-versions").await;
    let label = app
        .js(
            "return document.querySelector('[data-testid=message-version-previous]')\
             .getAttribute('aria-label')",
        )
        .await;
    assert_eq!(label, "Previous version");
    let serious: Vec<serde_json::Value> = crate::a11y::axe_violations(&app)
        .await
        .into_iter()
        .filter(|v| v["impact"] == "serious" || v["impact"] == "critical")
        .collect();
    assert!(serious.is_empty(), "{}", serde_json::Value::Array(serious));

    // ‹ shows the cut version again, with its own route and error.
    app.click("[data-testid=message-version-previous]").await;
    wait_version(
        &app,
        1,
        "1/2",
        "The primary starts",
        "the first version shown",
    )
    .await;
    let status = app
        .js("return document.querySelector('[data-testid=message-assistant]').dataset.status")
        .await;
    assert_eq!(status, "failed");
    app.screenshot("chat-versions-first").await;

    // Saved: the window reloaded and the conversation reopened show the same version.
    let (list, loaded) = newest_conversation(&app).await;
    let id = list[0]["id"].as_i64().expect("id");
    let messages = loaded["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{loaded}");
    assert_eq!(messages[1]["status"], "failed", "{loaded}");
    assert_eq!(messages[1]["versionIds"].as_array().map(Vec::len), Some(2));
    app.js("window.beforeReload = true; setTimeout(() => location.reload(), 0); return true")
        .await;
    app.wait_js(
        &format!(
            "return !window.beforeReload \
             && !!document.querySelector('[data-testid=conversation-{id}] button')"
        ),
        "the window reloading",
    )
    .await;
    app.click(&format!("[data-testid=conversation-{id}] button"))
        .await;
    wait_version(
        &app,
        1,
        "1/2",
        "The primary starts",
        "the first version after a reload",
    )
    .await;

    // Alt+Right with the focus in the answer steps to the second version again.
    let previous = app.wait_for("[data-testid=message-version-previous]").await;
    previous
        .send_keys("\u{E00A}\u{E014}\u{E000}")
        .await
        .expect("Alt+Right");
    wait_version(&app, 1, "2/2", WHOLE, "the second version after Alt+Right").await;

    // The next question is asked with the version shown, and only it (of whichever route
    // answers: the primary may be resting after it broke off).
    send(&app, "And then?").await;
    app.wait_js(
        "return document.querySelectorAll('[data-testid=message-assistant]').length === 2 \
         && document.querySelectorAll('[data-testid=message-assistant]')[1].dataset.status \
            !== 'unfinished'",
        "the next answer ending",
    )
    .await;
    let asked: Vec<String> = chat_bodies(&primary)
        .into_iter()
        .chain(chat_bodies(&fallback))
        .filter(|b| b.contains("And then?"))
        .collect();
    assert!(!asked.is_empty(), "the next question was not asked");
    for body in &asked {
        assert!(body.contains("Who finishes?"), "{body}");
        assert!(
            body.contains(WHOLE),
            "the version shown was not sent: {body}"
        );
        assert!(
            !body.contains("The primary starts"),
            "the other version was sent: {body}"
        );
    }

    // Search finds the version not shown, and its hit opens it.
    app.type_into("[data-testid=chat-search]", "primary").await;
    let hit = "[data-testid=chat-list] ul[aria-label='Search results'] li button";
    let found = app
        .wait_text(
            hit,
            "The primary starts",
            std::time::Duration::from_secs(10),
        )
        .await;
    assert!(found.contains("The primary starts"), "{found}");
    app.click(hit).await;
    wait_version(
        &app,
        2,
        "1/2",
        "The primary starts",
        "the hit's version shown",
    )
    .await;
    app.close().await;
}

#[tokio::test]
async fn in_korean_the_versions_are_labelled_in_korean() {
    let (app, _fakes) = launch(true).await;
    cut_then_retry(&app, "누가 끝까지 답하나요?").await;
    let labels = app
        .js("const g = document.querySelector('[data-testid=message-versions]'); \
             return [g.getAttribute('aria-label'), \
               g.querySelector('[data-testid=message-version-previous]').getAttribute('aria-label')]")
        .await;
    assert_eq!(
        labels,
        json!(["이 답변의 버전 (Alt+왼쪽, Alt+오른쪽)", "이전 버전"])
    );
    app.screenshot("chat-versions-ko").await;
    app.close().await;
}

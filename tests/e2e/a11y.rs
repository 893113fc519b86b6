//! Accessibility in the real window: axe-core on every screen and wizard step in the light and
//! the dark theme (no serious or critical violation), and the local setup plus a first message
//! done with the keyboard alone, focus never on the body and always visibly marked, with the
//! landmarks, the live region of the answer and text on the badges a screen reader relies on.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::{json, Value};
use switchboard_fakes::{lmstudio, openai, FakeServer};
use switchboard_tests::app::{App, UI_TIMEOUT};
use switchboard_tests::desktop::DesktopOptions;

use super::setup::{point_at, wait_attr, ANSWER};

const TAB: char = '\u{E004}';
const ENTER: char = '\u{E007}';
const ARROW_DOWN: char = '\u{E015}';

/// A fake LM Studio with a loaded Qwen (which answers slowly enough to be seen streaming) and a
/// Gemma that fails when asked, and the app pointed at it with no config yet.
async fn launch() -> (App, FakeServer) {
    let fake = lmstudio::start(
        lmstudio::Script::v1()
            .answer(
                openai::Script::reply(ANSWER)
                    .with_chunk_chars(3)
                    .with_fault(openai::Fault::SlowChunks { delay_ms: 120 }),
            )
            .chat_fails("google/gemma-3-27b", 500, "Model crashed while generating"),
    )
    .expect("fake LM Studio");
    let port = fake.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(port))).await;
    (app, fake)
}

/// Runs axe-core in the page (injected as a script body: the CSP forbids inline scripts) and
/// returns its violations, each `{ id, impact, help, nodes: [target — message] }`.
pub(crate) async fn axe_violations(app: &App) -> Vec<Value> {
    let loaded = app.js("return typeof window.axe === 'object'").await;
    if loaded != Value::Bool(true) {
        let path = switchboard_tests::repo_root().join("ui/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} (npm ci in ui): {e}", path.display()));
        app.client()
            .execute(&source, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("inject axe-core: {e}"));
    }
    let script = "const done = arguments[arguments.length - 1];\n\
        axe.run(document, { resultTypes: ['violations'] }).then(\n\
          (r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,\n\
            nodes: v.nodes.map((n) => n.target.join(' ') + ' — ' +\n\
              [...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ')) }))),\n\
          (e) => done({ error: String(e) }));";
    let reply = app
        .client()
        .execute_async(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("axe.run: {e}"));
    match reply {
        Value::Array(violations) => violations,
        other => panic!("axe.run failed: {other}"),
    }
}

/// What axe found on one screen in one theme.
struct Report {
    screen: String,
    theme: &'static str,
    violations: Vec<Value>,
}

impl Report {
    /// Elements affected by violations of `impact`.
    fn nodes(&self, impact: &str) -> usize {
        self.violations
            .iter()
            .filter(|v| v["impact"] == impact)
            .map(|v| v["nodes"].as_array().map_or(0, Vec::len))
            .sum()
    }

    fn blocking(&self) -> bool {
        self.nodes("serious") + self.nodes("critical") > 0
    }
}

/// Runs axe on the current screen in the light and the dark theme, with a screenshot of each.
async fn check_screen(app: &App, screen: &str, reports: &mut Vec<Report>) {
    for theme in ["light", "dark"] {
        app.js(&format!(
            "document.documentElement.dataset.theme = '{theme}'"
        ))
        .await;
        app.settle().await;
        let violations = axe_violations(app).await;
        app.screenshot(&format!("a11y-{screen}-{theme}")).await;
        reports.push(Report {
            screen: screen.to_owned(),
            theme,
            violations,
        });
    }
    app.js("delete document.documentElement.dataset.theme")
        .await;
}

/// A table of the counts per screen, then every violation with its elements.
fn summary(reports: &[Report]) -> String {
    let mut out = String::from(
        "axe-core: elements per impact\nscreen               theme  critical serious moderate minor\n",
    );
    for r in reports {
        let _ = writeln!(
            out,
            "{:<20} {:<6} {:>8} {:>7} {:>8} {:>5}",
            r.screen,
            r.theme,
            r.nodes("critical"),
            r.nodes("serious"),
            r.nodes("moderate"),
            r.nodes("minor")
        );
    }
    for r in reports {
        for v in &r.violations {
            let _ = writeln!(
                out,
                "\n[{} {}] {} ({}): {}",
                r.screen, r.theme, v["id"], v["impact"], v["help"]
            );
            for node in v["nodes"].as_array().into_iter().flatten() {
                let _ = writeln!(out, "    {}", node.as_str().unwrap_or_default());
            }
        }
    }
    out
}

#[tokio::test]
async fn axe_finds_nothing_serious_on_any_screen_in_either_theme() {
    let (app, _fake) = launch().await;
    let mut reports = Vec::new();

    app.wait_for("[data-testid=screen-chat]").await;
    check_screen(&app, "chat-start", &mut reports).await;

    app.click("[data-testid=nav-setup]").await;
    app.wait_for("[data-testid='model-qwen/qwen3-8b']").await;
    check_screen(&app, "setup-find", &mut reports).await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-mode]").await;
    check_screen(&app, "setup-mode", &mut reports).await;
    app.click("[data-testid=setup-mode-hybrid]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-hosted]").await;
    app.click("[data-testid=preset-custom]").await;
    check_screen(&app, "setup-hosted", &mut reports).await;
    app.click("[data-testid=wizard-back]").await;
    app.click("[data-testid=setup-mode-local-only]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-routes]").await;
    let add = app.wait_for("[data-testid=route-add-select]").await;
    add.select_by_value("lmstudio/google/gemma-3-27b")
        .await
        .expect("choose a fallback");
    app.click(".add button").await;
    app.wait_for("[data-testid=route-1]").await;
    check_screen(&app, "setup-routes", &mut reports).await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-save]").await;
    wait_attr(&app, "[data-testid=route-test-1]", "data-phase", "failed").await;
    wait_attr(&app, "[data-testid=route-test-0]", "data-phase", "ok").await;
    // A failed route says so in words, not only in red.
    let failed = app.text("[data-testid=route-test-1]").await;
    assert!(failed.contains("HTTP 500"), "{failed}");
    check_screen(&app, "setup-save", &mut reports).await;
    app.click("[data-testid=wizard-save]").await;
    app.wait_for("[data-testid=wizard-finish]").await;
    check_screen(&app, "setup-saved", &mut reports).await;

    app.click("[data-testid=wizard-finish]").await;
    app.wait_for("[data-testid=screen-chat]").await;
    let input = app.wait_for("[data-testid=chat-input]").await;
    input.send_keys("Hello there").await.expect("type");
    app.click("[data-testid=chat-send]").await;
    app.wait_js(
        "return document.querySelector('[data-testid=message-assistant]')?.dataset.status \
         === 'complete'",
        "the answer completing",
    )
    .await;
    check_screen(&app, "chat-answer", &mut reports).await;

    app.click("[data-testid=nav-providers]").await;
    app.wait_for("[data-testid=screen-providers]").await;
    app.wait_for("table").await;
    check_screen(&app, "providers", &mut reports).await;
    app.click("[data-testid=nav-settings]").await;
    app.wait_for("[data-testid=screen-settings]").await;
    check_screen(&app, "settings", &mut reports).await;

    let text = summary(&reports);
    eprintln!("{text}");
    let blocking: Vec<String> = reports
        .iter()
        .filter(|r| r.blocking())
        .map(|r| format!("{} ({})", r.screen, r.theme))
        .collect();
    assert!(
        blocking.is_empty(),
        "serious or critical axe violations on {blocking:?}:\n{text}"
    );
    app.close().await;
}

/// Where focus is and whether it shows: an outline, or a box-shadow in the focus ring colour,
/// on the element or, for a native control hidden inside its label (a card), on that label.
const FOCUS_STATE: &str = "\
    const e = document.activeElement;\n\
    if (!e || e === document.body || e === document.documentElement) return { body: true };\n\
    const probe = document.createElement('span');\n\
    probe.style.color = 'var(--focus-ring)';\n\
    document.body.append(probe);\n\
    const ring = getComputedStyle(probe).color;\n\
    probe.remove();\n\
    const shows = (el) => {\n\
      const s = getComputedStyle(el);\n\
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1\n\
        && !/rgba\\(.*, 0\\)$/.test(s.outlineColor);\n\
      return outline || (s.boxShadow !== 'none' && s.boxShadow.includes(ring));\n\
    };\n\
    const label = e.matches('input') ? e.closest('label') : null;\n\
    const s = getComputedStyle(e);\n\
    const id = e.dataset.testid ? `[data-testid=${e.dataset.testid}]` : e.id ? `#${e.id}` : '';\n\
    return { body: false, visible: shows(e) || (!!label && shows(label)),\n\
      what: `<${e.tagName.toLowerCase()}${id}> ${(e.textContent || '').trim().slice(0, 40)}`,\n\
      outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow };";

/// Presses `key` (to whatever has focus, as a person would) and checks that focus is on an
/// element, not the body, and visibly marked; returns that element's description.
async fn press(app: &App, key: char) -> String {
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    app.client()
        .perform_actions(actions)
        .await
        .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    app.settle().await;
    focus_is_visible(app, &format!("after {key:?}")).await
}

async fn focus_is_visible(app: &App, when: &str) -> String {
    let state = app.js(FOCUS_STATE).await;
    assert_ne!(state["body"], true, "{when} focus fell to the body");
    let what = state["what"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        state["visible"], true,
        "{when} {what} has focus but no visible indicator: {state}"
    );
    what
}

/// Presses Tab until the element at `css` has focus (at most 40 times).
async fn tab_to(app: &App, css: &str) {
    let script = format!("return document.activeElement?.matches({css:?}) === true");
    for _ in 0..40 {
        if app.js(&script).await == Value::Bool(true) {
            return;
        }
        press(app, TAB).await;
    }
    panic!("Tab never reached {css}");
}

/// Waits until the focused element matches `css`.
async fn focus_on(app: &App, css: &str, what: &str) {
    app.wait_js(
        &format!("return document.activeElement?.matches({css:?}) === true"),
        what,
    )
    .await;
    focus_is_visible(app, what).await;
}

#[tokio::test]
async fn the_keyboard_alone_sets_up_and_chats_with_focus_always_visible() {
    let (app, _fake) = launch().await;
    // Landmarks: one main, the screen navigation.
    let landmarks = app
        .js("return [document.querySelectorAll('main').length, \
             document.querySelectorAll('nav').length]")
        .await;
    assert_eq!(landmarks, json!([1, 1]), "main and nav landmarks");

    // Into the navigation, down to Setup, open it: focus lands on its heading.
    press(&app, TAB).await;
    tab_to(&app, "[data-testid=nav-chat]").await;
    press(&app, ARROW_DOWN).await;
    press(&app, ARROW_DOWN).await;
    press(&app, ENTER).await;
    app.wait_for("[data-testid=screen-setup]").await;
    focus_on(&app, "#setup-title", "Setup's heading focused").await;

    // Each step: Next, and focus moves to the new step's heading.
    app.wait_for("[data-testid='model-qwen/qwen3-8b']").await;
    for step in ["mode", "routes", "save"] {
        tab_to(&app, "[data-testid=wizard-next]:enabled").await;
        press(&app, ENTER).await;
        app.wait_for(&format!("[data-testid=wizard-step-{step}]"))
            .await;
        focus_on(
            &app,
            "[data-testid=wizard-step-title]",
            &format!("the {step} step's heading focused"),
        )
        .await;
    }
    wait_attr(&app, "[data-testid=route-test-0]", "data-phase", "ok").await;
    tab_to(&app, "[data-testid=wizard-save]:enabled").await;
    press(&app, ENTER).await;
    focus_on(&app, "[data-testid=wizard-finish]", "Open chat focused").await;
    press(&app, ENTER).await;
    app.wait_for("[data-testid=screen-chat]").await;
    focus_on(&app, "#chat-title", "Chat's heading focused").await;

    // Type and send with Enter; focus stays in the message box.
    tab_to(&app, "[data-testid=chat-input]").await;
    for key in "Hello there".chars() {
        press(&app, key).await;
    }
    let announcer = "[data-testid=chat-announcer]";
    assert_eq!(
        app.wait_for(announcer)
            .await
            .attr("aria-live")
            .await
            .expect("aria-live")
            .as_deref(),
        Some("polite")
    );
    let focused = press(&app, ENTER).await;
    assert!(
        focused.contains("chat-input"),
        "focus left the message box: {focused}"
    );

    // While the answer streams the live region stays quiet; it announces the finished answer.
    app.wait_js(
        "const m = document.querySelector('[data-testid=message-assistant]'); \
         return m?.dataset.status === 'unfinished' \
           && m.querySelector('[data-testid=message-answer]').textContent.trim().length > 0",
        "the answer streaming",
    )
    .await;
    let during = app.text_content(announcer).await;
    assert!(
        !during.contains("Hello from"),
        "announced mid-stream: {during}"
    );
    let deadline = Instant::now() + UI_TIMEOUT;
    let after = loop {
        let text = app.text_content(announcer).await;
        if text.contains(ANSWER) || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        after.contains(ANSWER),
        "the finished answer was not announced: {after:?}"
    );
    focus_is_visible(&app, "after the answer").await;

    // Badges carry words, not only colour.
    let route = app.text_content("[data-testid=message-route]").await;
    assert!(route.contains("Route") && route.contains("qwen"), "{route}");
    let badge = app.text_content("[data-testid=chat-model-badge]").await;
    assert_eq!(badge.trim(), "Local");
    let status = app.text_content("[data-testid=route-status]").await;
    assert!(!status.trim().is_empty(), "the route status has no words");
    app.screenshot("a11y-keyboard-chat").await;
    app.close().await;
}

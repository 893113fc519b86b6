//! The Providers screen's editor in the real window: adding a provider from a preset, editing
//! headers and models, the core's refusals shown at their field (the file untouched), and the
//! recovery screen's source line. What is written is read back from disk and, when
//! `SWITCHBOARD_OPENCLAW_HOME` names an OpenClaw install, checked by OpenClaw's own validator.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use switchboard_fakes::openai;
use switchboard_tests::app::{App, UI_TIMEOUT};
use switchboard_tests::desktop::{Desktop, DesktopOptions};

async fn attr(app: &App, css: &str, name: &str) -> Option<String> {
    app.wait_for(css).await.attr(name).await.expect("attr")
}

async fn value_of(app: &App, css: &str) -> String {
    app.wait_for(css)
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

/// Waits until no element matches `css`.
async fn wait_gone(app: &App, css: &str) {
    let deadline = Instant::now() + UI_TIMEOUT;
    while app
        .client()
        .find(fantoccini::Locator::Css(css))
        .await
        .is_ok()
    {
        assert!(Instant::now() < deadline, "{css} is still there");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Blurs the focused field (a blinking caret has crashed WebKit's screenshot under load) and
/// scrolls `css` into the window (`block`: `start` or `center`).
async fn frame(app: &App, css: &str, block: &str) {
    app.wait_for(css).await;
    let script = format!(
        "document.activeElement.blur(); \
         document.querySelector(\"{css}\").scrollIntoView({{block: '{block}'}})"
    );
    app.client()
        .execute(&script, Vec::new())
        .await
        .expect("scroll");
}

fn point_at(desktop: &mut Desktop, config: Option<&str>) {
    let file = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &file.display().to_string());
    // No LM Studio on this port: discovery finds nothing and does not slow the screen.
    desktop.set_env("SWITCHBOARD_LMSTUDIO_PORT", "1");
    if let Some(text) = config {
        std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
        std::fs::write(&file, text).expect("write config");
    }
}

fn work_config(base: &str) -> String {
    format!(
        "{{ models: {{ providers: {{ work: {{ baseUrl: \"{base}/v1\", api: \"openai-completions\", \
         models: [{{ id: \"fake-model\", name: \"Fake model\", contextWindow: 32768 }}] }} }} }} }}\n"
    )
}

/// The file's text without whitespace, quotes or trailing commas, so checks do not depend on
/// layout.
fn squashed(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("config")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect::<String>()
        .replace(",}", "}")
        .replace(",]", "]")
}

/// OpenClaw's verdict on `file` when `SWITCHBOARD_OPENCLAW_HOME` is set (see
/// `src-tauri/core/tests/config/parity.rs`): `Some((valid, json))`.
fn openclaw_verdict(file: &Path) -> Option<(bool, String)> {
    let home = std::path::PathBuf::from(std::env::var_os("SWITCHBOARD_OPENCLAW_HOME")?);
    let node = home.join("node/node_modules/.bin/node");
    let mjs = home.join("openclaw/node_modules/openclaw/openclaw.mjs");
    assert!(mjs.is_file(), "no OpenClaw in {}", home.display());
    let work = tempfile::tempdir().expect("tempdir");
    let w = work.path();
    for d in ["home", "tmp", "state", "cwd"] {
        std::fs::create_dir_all(w.join(d)).expect("mkdir");
    }
    let out = Command::new(node)
        .arg(mjs)
        .args(["--no-color", "config", "validate", "--json"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", w.join("home"))
        .env("XDG_CONFIG_HOME", w.join("home/.config"))
        .env("XDG_DATA_HOME", w.join("home/.local/share"))
        .env("XDG_STATE_HOME", w.join("home/.local/state"))
        .env("XDG_CACHE_HOME", w.join("home/.cache"))
        .env("TMPDIR", w.join("tmp"))
        .env("OPENCLAW_STATE_DIR", w.join("state"))
        .env("OPENCLAW_LOG_LEVEL", "silent")
        .env(
            "OPENCLAW_CONFIG_PATH",
            std::path::absolute(file).expect("path"),
        )
        .current_dir(w.join("cwd"))
        .output()
        .expect("run OpenClaw");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("OpenClaw's JSON");
    Some((json["valid"].as_bool().expect("valid"), stdout))
}

#[tokio::test]
async fn a_custom_provider_added_from_the_screen_is_written_and_openclaw_accepts_it() {
    let fake = openai::start(openai::Script::reply("hi")).expect("fake OpenAI");
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, None)).await;
    let config = app.desktop.config_file();

    app.click("[data-testid=nav-providers]").await;
    app.click("[data-testid=providers-add]").await;
    app.wait_for("[data-testid=provider-add]").await;
    app.click("[data-testid=add-preset-custom]").await;
    app.type_into("[data-testid=editor-id]", "fakeai").await;
    let base = format!("{}/v1", fake.url());
    app.type_into("[data-testid=editor-url]", &base).await;
    app.type_into("[data-testid=model-0-id]", "fake-model")
        .await;
    app.type_into("[data-testid=model-0-name]", "Fake model")
        .await;
    assert!(!config.exists(), "nothing is written before Save");
    frame(&app, "[data-testid=provider-editor]", "start").await;
    app.screenshot("providers-add").await;
    app.click("[data-testid=editor-save]").await;
    app.wait_for("[data-testid=provider-fakeai]").await;
    wait_gone(&app, "[data-testid=provider-editor]").await;

    let text = squashed(&config);
    for part in [
        format!("fakeai:{{baseUrl:{base},api:openai-completions"),
        "models:[{id:fake-model,name:Fakemodel,contextWindow:128000".to_owned(),
    ] {
        assert!(text.contains(&part), "no {part} in {text}");
    }
    match openclaw_verdict(&config) {
        Some((valid, report)) => assert!(valid, "OpenClaw rejects the written file: {report}"),
        None => switchboard_fakes::peer::missing(
            "OpenClaw's verdict on a provider added from the screen",
            "SWITCHBOARD_OPENCLAW_HOME is not set (`source .ci/lib.sh && install_openclaw`)",
        ),
    }
    app.close().await;
}

#[tokio::test]
async fn a_refused_value_is_shown_at_its_field_and_the_file_stays_as_it_was() {
    let fake = openai::start(openai::Script::reply("hi")).expect("fake OpenAI");
    let written = work_config(&fake.url());
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(&written))).await;
    let config = app.desktop.config_file();

    app.click("[data-testid=nav-providers]").await;
    app.click("[data-testid=provider-edit-work]").await;
    let context = "[data-testid=model-0-contextWindow]";
    app.type_into(context, "-5").await;
    app.click("[data-testid=editor-save]").await;
    let error = app
        .wait_for("[data-testid=model-0-contextWindow-error]")
        .await;
    let message = error.text().await.expect("text");
    assert!(!message.is_empty());
    assert_eq!(
        attr(&app, context, "aria-invalid").await.as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&app, context, "aria-describedby").await,
        error.attr("id").await.expect("id")
    );
    assert_eq!(value_of(&app, context).await, "-5", "the input is kept");
    assert_eq!(
        attr(&app, "[data-testid=editor-url]", "aria-invalid").await,
        None
    );
    frame(&app, "[data-testid=model-0-contextWindow-error]", "center").await;
    app.screenshot("providers-field-error").await;
    assert_eq!(std::fs::read_to_string(&config).expect("config"), written);

    // A base URL Switchboard cannot call, then a literal credential in a header.
    app.type_into(context, "32768").await;
    app.type_into("[data-testid=editor-url]", "ftp://x").await;
    app.click("[data-testid=editor-save]").await;
    app.wait_for("[data-testid=editor-url-error]").await;
    wait_gone(&app, "[data-testid=model-0-contextWindow-error]").await;
    assert_eq!(std::fs::read_to_string(&config).expect("config"), written);

    app.type_into("[data-testid=editor-url]", &format!("{}/v1", fake.url()))
        .await;
    app.click("[data-testid=editor-header-add]").await;
    app.type_into("[data-testid=editor-header-name-0]", "Authorization")
        .await;
    app.type_into(
        "[data-testid=editor-header-value-0]",
        "Bearer e2e-literal-token-1234",
    )
    .await;
    app.click("[data-testid=editor-save]").await;
    let header = app.wait_for("[data-testid=editor-header-error-0]").await;
    assert!(header.text().await.expect("text").contains("credential"));
    assert_eq!(std::fs::read_to_string(&config).expect("config"), written);

    // Esc leaves without writing.
    app.wait_for("[data-testid=editor-url]")
        .await
        .send_keys("\u{e00c}")
        .await
        .expect("Esc");
    wait_gone(&app, "[data-testid=provider-editor]").await;
    assert_eq!(
        std::fs::read(&config).expect("config"),
        written.as_bytes(),
        "the file changed"
    );
    app.close().await;
}

#[tokio::test]
async fn editing_cost_reasoning_input_and_headers_writes_them() {
    let fake = openai::start(openai::Script::reply("hi")).expect("fake OpenAI");
    let written = work_config(&fake.url());
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(&written))).await;
    let config = app.desktop.config_file();

    app.click("[data-testid=nav-providers]").await;
    app.click("[data-testid=provider-edit-work]").await;
    app.type_into("[data-testid=model-0-cost-input]", "0.5")
        .await;
    app.type_into("[data-testid=model-0-cost-output]", "1.5")
        .await;
    app.type_into("[data-testid=model-0-cost-cacheRead]", "0.05")
        .await;
    app.click("[data-testid=model-0-reasoning]").await;
    app.click("[data-testid=model-0-input-image]").await;
    app.click("[data-testid=editor-header-add]").await;
    app.type_into("[data-testid=editor-header-name-0]", "X-Title")
        .await;
    app.type_into("[data-testid=editor-header-value-0]", "Switchboard")
        .await;
    app.click("[data-testid=editor-header-add]").await;
    app.type_into("[data-testid=editor-header-name-1]", "Authorization")
        .await;
    app.type_into(
        "[data-testid=editor-header-value-1]",
        "Bearer ${WORK_TOKEN}",
    )
    .await;
    frame(&app, "[data-testid=editor-model-0]", "center").await;
    app.screenshot("providers-edit-model").await;
    app.click("[data-testid=editor-save]").await;
    wait_gone(&app, "[data-testid=provider-editor]").await;
    app.wait_for("[data-testid=model-reasoning-fake-model]")
        .await;

    let text = squashed(&config);
    for part in [
        "headers:{X-Title:Switchboard,Authorization:Bearer${WORK_TOKEN}}",
        "reasoning:true",
        "input:[text,image]",
        "cost:{input:0.5,output:1.5,cacheRead:0.05,cacheWrite:0}",
        "contextWindow:32768",
    ] {
        assert!(text.contains(part), "no {part} in {text}");
    }
    if let Some((valid, report)) = openclaw_verdict(&config) {
        assert!(valid, "OpenClaw rejects the written file: {report}");
    }
    frame(&app, "[data-testid=provider-work]", "center").await;
    app.screenshot("providers-list").await;
    app.close().await;
}

#[tokio::test]
async fn the_recovery_screen_shows_the_offending_line() {
    let broken = "{\n  models: {\n    providers: {\n      lmstudio: { baseUrl: \"http://127.0.0.1:1234/v1\" models: [] },\n    },\n  },\n}\n";
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(broken))).await;
    let config = app.desktop.config_file();
    let source = app.text("[data-testid=config-error-source]").await;
    assert!(
        source
            .contains("4 │       lmstudio: { baseUrl: \"http://127.0.0.1:1234/v1\" models: [] },"),
        "{source}"
    );
    let caret = source.lines().last().expect("caret line");
    let column = caret.find('^').expect("a caret") - caret.find('│').expect("gutter") - "│ ".len();
    let line = source.lines().next().expect("line");
    let code = &line[line.find('│').expect("gutter") + "│ ".len()..];
    assert!(
        code[column.min(code.len())..].starts_with("models"),
        "the caret is not under `models`: {source}"
    );
    let recovery = app.text("[data-testid=config-recovery]").await;
    assert!(recovery.contains(&format!("{}:4:", config.display())));
    app.screenshot("providers-recovery").await;
    assert_eq!(std::fs::read(&config).expect("config"), broken.as_bytes());
    app.close().await;
}

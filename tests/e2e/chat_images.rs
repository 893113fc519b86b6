//! Images in the chat window of the real app: a PNG pasted and another dropped into the
//! composer (a synthesized clipboard and drag event carrying a `File`), previewed, one removed
//! from the keyboard, sent; the fake receives the image as an `image_url` part, the thread shows
//! it, the history keeps it as a file by its hash and shows it again when the conversation is
//! reopened. A text-only model refuses images, naming the model, and nothing is sent. English
//! and Korean, with screenshots.

use serde_json::{json, Value};
use switchboard_fakes::openai::{self, Script};
use switchboard_fakes::FakeServer;
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};

/// A 2×2 red PNG.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==";

/// A config whose primary `eyes/fake-model` reads images and whose `blind/fake-model` takes
/// text only, each on its own fake.
fn config(desktop: &mut Desktop, eyes: &str, blind: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"eyes/fake-model\", fallbacks: [] }} }} }},\n\
         models: {{ providers: {{\n\
         eyes: {{ baseUrl: \"{eyes}/v1\", api: \"openai-completions\", apiKey: \"not-needed\", \
         models: [{{ id: \"fake-model\", name: \"Vision\", input: [\"text\", \"image\"] }}] }},\n\
         blind: {{ baseUrl: \"{blind}/v1\", api: \"openai-completions\", apiKey: \"not-needed\", \
         models: [{{ id: \"fake-model\", name: \"Text only\" }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
}

fn korean(desktop: &mut Desktop) {
    desktop.set_env("LANG", "ko_KR.UTF-8");
    desktop.set_env("LC_ALL", "");
    desktop.set_env("LC_MESSAGES", "");
}

async fn launch(eyes: &FakeServer, blind: &FakeServer, in_korean: bool) -> App {
    let (eyes, blind) = (eyes.url(), blind.url());
    let app = App::launch_with(DesktopOptions::default(), |d| {
        config(d, &eyes, &blind);
        if in_korean {
            korean(d);
        }
    })
    .await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    app
}

/// Script making a `File` named `name` of type `mime` from base64 `data`, and a DataTransfer
/// holding it, as `dt`.
fn transfer(name: &str, mime: &str, data: &str) -> String {
    format!(
        "const bytes = Uint8Array.from(atob('{data}'), c => c.charCodeAt(0)); \
         const file = new File([bytes], '{name}', {{ type: '{mime}' }}); \
         const dt = new DataTransfer(); dt.items.add(file);"
    )
}

/// Pastes the file into the message box, as a clipboard paste does.
async fn paste(app: &App, name: &str, mime: &str, data: &str) {
    app.js(&format!(
        "{} const e = new Event('paste', {{ bubbles: true, cancelable: true }}); \
         Object.defineProperty(e, 'clipboardData', {{ value: dt }}); \
         document.querySelector('[data-testid=chat-input]').dispatchEvent(e); return true",
        transfer(name, mime, data)
    ))
    .await;
}

/// Drags the file over the composer and drops it.
async fn drop_file(app: &App, name: &str, mime: &str, data: &str) {
    app.js(&format!(
        "{} const target = document.querySelector('[data-testid=chat-composer]'); \
         for (const type of ['dragover', 'drop']) {{ \
           const e = new Event(type, {{ bubbles: true, cancelable: true }}); \
           Object.defineProperty(e, 'dataTransfer', {{ value: dt }}); \
           target.dispatchEvent(e); }} return true",
        transfer(name, mime, data)
    ))
    .await;
}

async fn pending(app: &App, count: usize) {
    app.wait_js(
        &format!(
            "return document.querySelectorAll('[data-testid=chat-pending-image]').length === {count}"
        ),
        &format!("{count} images in the composer"),
    )
    .await;
}

/// The JSON bodies of chat requests `fake` received.
fn chats(fake: &FakeServer) -> Vec<Value> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .map(|r| serde_json::from_str(&r.body).expect("json"))
        .collect()
}

#[tokio::test]
async fn images_are_pasted_dropped_previewed_removed_sent_and_shown_again() {
    let eyes = openai::start(Script::reply("A small red square.")).expect("fake");
    let blind = openai::start(Script::reply("never")).expect("fake");
    let app = launch(&eyes, &blind, false).await;

    // The primary reads images: the Attach button is there, reachable by Tab.
    let attach = app.wait_for("[data-testid=chat-attach]").await;
    let label = attach.attr("aria-label").await.expect("attribute");
    assert_eq!(label.as_deref(), Some("Attach image"));

    // Something that is not an image in a format models read is refused, saying why.
    paste(&app, "logo.svg", "image/svg+xml", "PHN2Zy8+").await;
    let problem = app.text("[data-testid=chat-image-problem]").await;
    assert_eq!(problem, "logo.svg is not a PNG, JPEG, WebP or GIF image.");

    paste(&app, "red.png", "image/png", PNG).await;
    pending(&app, 1).await;
    drop_file(&app, "second.png", "image/png", PNG).await;
    pending(&app, 2).await;
    let labels = app
        .js(
            "return [...document.querySelectorAll('[data-testid=chat-remove-image]')] \
             .map(b => b.getAttribute('aria-label'))",
        )
        .await;
    assert_eq!(
        labels,
        json!(["Remove image red.png", "Remove image second.png"])
    );
    let input = app.wait_for("[data-testid=chat-input]").await;
    input
        .send_keys("What is in this picture?")
        .await
        .expect("type");
    app.screenshot("chat-images-en").await;

    // The second one is removed from the keyboard: focus its button and press Enter.
    app.js("document.querySelectorAll('[data-testid=chat-remove-image]')[1].focus(); return true")
        .await;
    let focused = app
        .js("return document.activeElement?.getAttribute('aria-label')")
        .await;
    assert_eq!(focused, json!("Remove image second.png"));
    app.client()
        .active_element()
        .await
        .expect("focused")
        .send_keys("\u{E007}")
        .await
        .expect("Enter");
    pending(&app, 1).await;

    app.click("[data-testid=chat-send]").await;
    app.wait_js(
        "const a = [...document.querySelectorAll('[data-testid=message-assistant]')].pop(); \
         return a?.dataset.status === 'complete'",
        "the answer completing",
    )
    .await;
    pending(&app, 0).await;

    // The fake got the picture as an image_url part, after the text.
    let bodies = chats(&eyes);
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(
        bodies[0]["messages"][0]["content"],
        json!([
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{PNG}")}}
        ])
    );
    assert!(chats(&blind).is_empty());
    let src = app
        .js("return document.querySelector('[data-testid=message-user] [data-testid=message-image]')?.src")
        .await;
    assert_eq!(src, json!(format!("data:image/png;base64,{PNG}")));

    // Kept as a file named by its hash, referenced from the message.
    let list = app.invoke("history_list", json!({})).await.expect("list");
    let id = list[0]["id"].as_i64().expect("id");
    let loaded = app
        .invoke("history_load", json!({ "conversationId": id }))
        .await
        .expect("load");
    let attachment = &loaded["messages"][0]["attachments"][0];
    assert_eq!(attachment["mediaType"], "image/png");
    let status = app.invoke("app_status", json!({})).await.expect("status");
    let file = std::path::Path::new(status["dataDir"].as_str().expect("data dir"))
        .join("attachments")
        .join(attachment["fileName"].as_str().expect("file name"));
    let bytes = std::fs::read(&file).expect("the image file");
    assert_eq!(
        bytes.len() as u64,
        attachment["bytes"].as_u64().expect("bytes")
    );

    // Reopened, the conversation shows the picture again (read from the file by its hash).
    app.click("[data-testid=chat-new]").await;
    app.wait_for("[data-testid=chat-new-hint]").await;
    app.click(&format!("[data-testid=conversation-{id}] .item"))
        .await;
    app.wait_js(
        "const img = document.querySelector('[data-testid=message-user] [data-testid=message-image]'); \
         return !!img && img.src.startsWith('data:image/png;base64,') && img.complete \
           && img.naturalWidth === 2",
        "the saved image shown again",
    )
    .await;
    app.screenshot("chat-images-reopened-en").await;

    // The Attach button's file picker takes a file from disk the same way.
    let dir = tempfile::tempdir().expect("tempdir");
    let picked = dir.path().join("picked.png");
    std::fs::write(&picked, &bytes).expect("write the file");
    app.wait_for("[data-testid=chat-attach-input]")
        .await
        .send_keys(&picked.display().to_string())
        .await
        .expect("choose the file");
    pending(&app, 1).await;
    app.close().await;
}

#[tokio::test]
async fn a_text_only_model_refuses_images_by_name_and_nothing_is_sent() {
    let eyes = openai::start(Script::reply("never")).expect("fake");
    let blind = openai::start(Script::reply("never")).expect("fake");
    let app = launch(&eyes, &blind, true).await;

    paste(&app, "red.png", "image/png", PNG).await;
    pending(&app, 1).await;
    let attach = app
        .js("return document.querySelector('[data-testid=chat-attach]').getAttribute('aria-label')")
        .await;
    assert_eq!(attach, json!("이미지 첨부"));
    app.screenshot("chat-images-ko").await;

    // Pick the text-only model: the composer says it will not take them.
    app.click("[data-testid=chat-model]").await;
    app.click("[data-testid=model-option][data-model-id=\"blind/fake-model\"]")
        .await;
    let note = app.text("[data-testid=chat-image-text-only]").await;
    assert!(
        note.starts_with("blind/fake-model은(는) 텍스트만 받습니다"),
        "{note}"
    );
    assert!(
        app.js("return !document.querySelector('[data-testid=chat-attach]')")
            .await
            == json!(true)
    );
    // Sent anyway, core refuses before anything goes out, naming the model.
    app.click("[data-testid=chat-send]").await;
    let error = app.text("[data-testid=message-error]").await;
    assert!(
        error.starts_with("blind/fake-model은(는) 텍스트만 받아서 아무것도 보내지 않았습니다"),
        "{error}"
    );
    app.screenshot("chat-images-text-only-ko").await;
    assert!(chats(&blind).is_empty() && chats(&eyes).is_empty());
    let list = app.invoke("history_list", json!({})).await.expect("list");
    assert_eq!(list, json!([]), "nothing saved");

    // A picture offered to the text-only model is not taken, and the composer says why.
    paste(&app, "red.png", "image/png", PNG).await;
    let problem = app.text("[data-testid=chat-image-problem]").await;
    assert!(problem.starts_with("blind/fake-model은(는)"), "{problem}");
    app.close().await;
}

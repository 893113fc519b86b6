//! The app in Korean and a broken config in the real window: with `LANG=ko_KR.UTF-8` every
//! screen speaks Korean and a Korean answer renders as Hangul glyphs, not blank boxes (a pixel
//! check on the screenshot, which also proves on a string of characters no font has that it
//! fails on boxes); a config file with errors is shown on every screen with `file:line:col`,
//! Chat keeps its history and says why there is no route, and the sidebar says so.

use serde_json::{json, Value};
use switchboard_fakes::openai::{self, Script};
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};

/// What the fake model answers: Hangul with many different syllables.
const KOREAN_ANSWER: &str = "안녕하세요! 로컬 모델이 답변합니다. 무엇을 도와드릴까요?";

/// Every screen, its Korean name in the navigation, and its Korean heading.
const SCREENS: [(&str, &str); 4] = [
    ("chat", "채팅"),
    ("providers", "프로바이더"),
    ("setup", "설정 마법사"),
    ("settings", "설정"),
];

/// Writes a config with one local provider `fake` at `url` and points the app at it.
fn write_config(desktop: &mut Desktop, url: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"fake/fake-model\", fallbacks: [] }} }} }},\n\
         models: {{ providers: {{ fake: {{ baseUrl: \"{url}/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"fake-model\", name: \"Fake model\", \
         contextWindow: 196608 }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
}

/// The desktop in Korean, as a Korean user's session sets it.
fn korean(desktop: &mut Desktop) {
    desktop.set_env("LANG", "ko_KR.UTF-8");
    desktop.set_env("LC_ALL", "");
    desktop.set_env("LC_MESSAGES", "");
}

async fn open_screen(app: &App, id: &str) {
    app.click(&format!("[data-testid=nav-{id}]")).await;
    app.wait_for(&format!("[data-testid=screen-{id}]")).await;
    app.settle().await;
}

/// The heading of the open screen.
async fn heading(app: &App, id: &str) -> String {
    app.text_content(&format!("[data-testid=screen-{id}] h1"))
        .await
        .trim()
        .to_owned()
}

/// Decoded screenshot: width, height, and one luminance byte per pixel.
struct Shot {
    width: usize,
    height: usize,
    luma: Vec<u8>,
}

impl Shot {
    async fn take(app: &App) -> Shot {
        app.settle().await;
        let png = app.client().screenshot().await.expect("screenshot");
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let channels = info.color_type.samples();
        assert_eq!(info.bit_depth, png::BitDepth::Eight, "8-bit screenshot");
        let luma = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .map(|px| {
                let [r, g, b] =
                    [px[0], px[1.min(channels - 1)], px[2.min(channels - 1)]].map(u32::from);
                ((r * 299 + g * 587 + b * 114) / 1000) as u8
            })
            .collect();
        Shot {
            width: info.width as usize,
            height: info.height as usize,
            luma,
        }
    }

    /// The glyph in `rect` (CSS pixels × `scale`) as a 12×12 ink bitmap, scaled to its ink's
    /// bounding box; `None` when there is no ink at all.
    fn glyph(&self, rect: [f64; 4], scale: f64) -> Option<Vec<bool>> {
        const GRID: usize = 12;
        let x0 = (rect[0] * scale).floor().max(0.0) as usize;
        let y0 = (rect[1] * scale).floor().max(0.0) as usize;
        let x1 = (((rect[0] + rect[2]) * scale).ceil() as usize).min(self.width);
        let y1 = (((rect[1] + rect[3]) * scale).ceil() as usize).min(self.height);
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let at = |x: usize, y: usize| self.luma[y * self.width + x];
        // The background is the box's most common shade; ink differs from it clearly.
        let mut counts = [0usize; 256];
        for y in y0..y1 {
            for x in x0..x1 {
                counts[usize::from(at(x, y))] += 1;
            }
        }
        let background = (0..256).max_by_key(|&v| counts[v]).unwrap_or(255) as i32;
        let ink = |x: usize, y: usize| (i32::from(at(x, y)) - background).abs() > 64;
        let (mut ix0, mut iy0, mut ix1, mut iy1) = (usize::MAX, usize::MAX, 0, 0);
        for y in y0..y1 {
            for x in x0..x1 {
                if ink(x, y) {
                    (ix0, iy0, ix1, iy1) = (ix0.min(x), iy0.min(y), ix1.max(x + 1), iy1.max(y + 1));
                }
            }
        }
        if ix0 == usize::MAX {
            return None;
        }
        let (w, h) = (ix1 - ix0, iy1 - iy0);
        let mut bits = Vec::with_capacity(GRID * GRID);
        for gy in 0..GRID {
            for gx in 0..GRID {
                let (cx0, cx1) = (
                    ix0 + gx * w / GRID,
                    ix0 + ((gx + 1) * w / GRID).max(gx * w / GRID + 1),
                );
                let (cy0, cy1) = (
                    iy0 + gy * h / GRID,
                    iy0 + ((gy + 1) * h / GRID).max(gy * h / GRID + 1),
                );
                let (mut inked, mut all) = (0, 0);
                for y in cy0..cy1.min(iy1) {
                    for x in cx0..cx1.min(ix1) {
                        all += 1;
                        inked += usize::from(ink(x, y));
                    }
                }
                bits.push(all > 0 && inked * 3 >= all);
            }
        }
        Some(bits)
    }
}

/// How many clearly different glyph shapes the characters of `css` matching the JS regex
/// `chars` show on screen, and how many of them show no ink at all. Boxes drawn for missing
/// glyphs are all the same shape, so a line of them counts as one.
async fn distinct_glyphs(app: &App, css: &str, chars: &str) -> (usize, usize, usize) {
    let found = app
        .js(&format!(
            "const root = document.querySelector({css:?});\n\
             const wanted = new RegExp({chars:?}, 'u');\n\
             const boxes = [];\n\
             const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);\n\
             while (walker.nextNode()) {{\n\
               const node = walker.currentNode;\n\
               for (let i = 0; i < node.data.length; i++) {{\n\
                 if (!wanted.test(node.data[i])) continue;\n\
                 const range = document.createRange();\n\
                 range.setStart(node, i); range.setEnd(node, i + 1);\n\
                 const r = range.getBoundingClientRect();\n\
                 boxes.push([r.left, r.top, r.width, r.height]);\n\
               }}\n\
             }}\n\
             return {{ scale: window.devicePixelRatio, boxes }};"
        ))
        .await;
    let scale = found["scale"].as_f64().unwrap_or(1.0);
    let boxes: Vec<[f64; 4]> = serde_json::from_value(found["boxes"].clone()).expect("boxes");
    assert!(!boxes.is_empty(), "no characters matching {chars} in {css}");
    let shot = Shot::take(app).await;
    let mut shapes: Vec<Vec<bool>> = Vec::new();
    let mut blank = 0;
    for rect in &boxes {
        let Some(glyph) = shot.glyph(*rect, scale) else {
            blank += 1;
            continue;
        };
        // Two renderings of one shape differ in a few cells at most (anti-aliasing, sub-pixel
        // positions); different syllables differ in many.
        let known = shapes
            .iter()
            .any(|shape| shape.iter().zip(&glyph).filter(|(a, b)| a != b).count() <= 14);
        if !known {
            shapes.push(glyph);
        }
    }
    (shapes.len(), blank, boxes.len())
}

/// Whether `glyphs` characters drawn as `shapes` different shapes (and `blank` empty ones) look
/// like text: every one inked, and at least two thirds of them different (the text has few
/// repeated syllables; boxes for missing glyphs all look alike).
fn looks_like_text(shapes: usize, blank: usize, glyphs: usize) -> bool {
    blank == 0 && shapes * 3 >= glyphs * 2
}

#[tokio::test]
async fn with_a_korean_locale_every_screen_speaks_korean_and_hangul_renders() {
    let fake = openai::start(Script::reply(KOREAN_ANSWER).with_models(["fake-model"]))
        .expect("fake OpenAI");
    let url = fake.url();
    let app = App::launch_with(DesktopOptions::default(), |d| {
        korean(d);
        write_config(d, &url);
    })
    .await;
    // The language comes from LANG (the webview may not know a locale that is not installed).
    app.wait_js(
        "return document.documentElement.lang === 'ko'",
        "<html lang=ko>",
    )
    .await;
    for (id, name) in SCREENS {
        let nav = app
            .text_content(&format!("[data-testid=nav-{id}] .label"))
            .await;
        assert_eq!(nav.trim(), name, "navigation entry {id}");
    }
    for (id, name) in SCREENS {
        open_screen(&app, id).await;
        if id != "chat" {
            assert_eq!(heading(&app, id).await, name, "heading of {id}");
        }
        let page = app.text_content("main").await;
        assert!(
            page.chars().any(|c| ('가'..='힣').contains(&c)),
            "{id} shows no Korean: {page}"
        );
        app.screenshot(&format!("screen-{id}-ko")).await;
    }
    // The parts of Providers and Setup that open on demand, for the screenshots.
    open_screen(&app, "providers").await;
    app.click("[data-testid=provider-edit-fake]").await;
    app.wait_for("[data-testid=provider-editor]").await;
    app.screenshot("providers-edit-ko").await;
    app.click("[data-testid=editor-cancel]").await;
    app.click("[data-testid=providers-add]").await;
    app.wait_for("[data-testid=provider-add]").await;
    app.screenshot("providers-add-ko").await;
    open_screen(&app, "setup").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-mode]").await;
    app.screenshot("wizard-2-mode-ko").await;
    app.click("[data-testid=setup-mode-hybrid]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-hosted]").await;
    app.screenshot("wizard-3-hosted-ko").await;
    app.click("[data-testid=wizard-cancel]").await;

    // Settings: the language picker follows the system, and says so in Korean.
    open_screen(&app, "settings").await;
    let picked = app
        .js("return document.querySelector('[data-testid=language-system]').checked")
        .await;
    assert_eq!(picked, Value::Bool(true));
    // The context size in decimal K, as LM Studio shows it.
    open_screen(&app, "chat").await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    let context = app.text_content(".picker .ctx").await;
    assert_eq!(context.trim(), "컨텍스트 197K");

    // A Korean chat: the answer is drawn with Hangul glyphs, not boxes.
    let input = app.wait_for("[data-testid=chat-input]").await;
    input.send_keys("안녕하세요").await.expect("type");
    app.click("[data-testid=chat-send]").await;
    app.wait_js(
        "return document.querySelector('[data-testid=message-assistant]')?.dataset.status === 'complete'",
        "the answer completing",
    )
    .await;
    let answer = app.text_content("[data-testid=message-answer]").await;
    assert!(answer.contains(KOREAN_ANSWER), "{answer}");
    let meta = app.text_content("[data-testid=message-meta]").await;
    assert!(meta.contains("첫 토큰까지"), "{meta}");
    app.screenshot("chat-answer-ko").await;
    let hangul = "\\p{Script=Hangul}";
    let (shapes, blank, glyphs) =
        distinct_glyphs(&app, "[data-testid=message-answer]", hangul).await;
    eprintln!("Hangul in the answer: {glyphs} glyphs, {shapes} distinct shapes, {blank} blank");
    assert!(
        looks_like_text(shapes, blank, glyphs),
        "Hangul drawn as boxes: {glyphs} glyphs show only {shapes} different shapes and \
         {blank} blank ones (is a CJK font such as fonts-noto-cjk installed?)"
    );
    let user = distinct_glyphs(&app, "[data-testid=message-user]", hangul).await;
    assert!(user.0 >= 4, "the question: {user:?}");

    // The same check on characters no font has: they are drawn as identical boxes, and the
    // check says so. Same font and size as the answer, on top of the page.
    app.js(
        "const answer = getComputedStyle(document.querySelector('[data-testid=message-answer]'));\n\
         const p = document.createElement('p');\n\
         p.id = 'tofu-control';\n\
         p.textContent = 'AZ\\u0378\\u0379\\u0380\\u0381\\u0382\\u0383\\u038B\\u038D\\u03A2\\u0530\\u0557\\u0558';\n\
         Object.assign(p.style, { position: 'fixed', left: '300px', top: '200px', zIndex: 99, \
           margin: 0, padding: '8px', background: '#fff', color: '#000', \
           font: answer.font });\n\
         document.body.append(p); return null;",
    )
    .await;
    let (control, control_blank, control_glyphs) =
        distinct_glyphs(&app, "#tofu-control", "[^\\sA-Z]").await;
    eprintln!(
        "unassigned characters: {control_glyphs} glyphs, {control} distinct shapes, \
         {control_blank} blank"
    );
    // The control is on screen: its Latin letters are drawn.
    let latin = distinct_glyphs(&app, "#tofu-control", "[A-Z]").await;
    assert_eq!(latin, (2, 0, 2), "the control is not drawn");
    assert!(
        !looks_like_text(control, control_blank, control_glyphs),
        "the check would not notice boxes: {control} shapes for {control_glyphs} missing glyphs"
    );
    app.js("document.getElementById('tofu-control').remove(); return null;")
        .await;
    app.close().await;
}

#[tokio::test]
async fn a_broken_config_shows_on_every_screen_and_chat_keeps_its_history() {
    let fake =
        openai::start(Script::reply("Saved before the file broke.").with_models(["fake-model"]))
            .expect("fake OpenAI");
    let url = fake.url();
    let app = App::launch_with(DesktopOptions::default(), |d| {
        korean(d);
        write_config(d, &url);
        // A conversation from before, through the CLI, then the file breaks on line 3.
        let saved = d
            .command(switchboard_tests::app_binary())
            .args(["chat", "--no-stream", "이전 대화"])
            .output()
            .expect("switchboard chat");
        assert!(
            saved.status.success(),
            "{}",
            String::from_utf8_lossy(&saved.stderr)
        );
        let config = d.config_file();
        std::fs::write(
            &config,
            "{\n  agents: {},\n  models: { providers: [ 1 2 ] },\n}\n",
        )
        .expect("break the config");
    })
    .await;
    let config = app.desktop.config_file().display().to_string();
    // On start the recovery view opens; the banner names the place of the first error.
    app.wait_for("[data-testid=config-recovery]").await;
    let banner = app.text_content("[data-testid=config-banner-where]").await;
    assert!(banner.starts_with(&format!("{config}:3:")), "{banner}");
    for (id, _) in SCREENS {
        open_screen(&app, id).await;
        let banner = app.text_content("[data-testid=config-banner]").await;
        assert!(banner.contains(&format!("{config}:3:")), "{id}: {banner}");
        assert!(
            banner.contains("구성 파일에 오류가 있습니다"),
            "{id}: {banner}"
        );
        if id == "chat" {
            // The conversation from before is still listed and opens; Chat says why no route.
            app.wait_for("[data-testid^=conversation-]").await;
            let broken = app.text_content("[data-testid=chat-broken]").await;
            assert!(broken.contains("구성 파일에 오류"), "{broken}");
            assert!(
                app.client()
                    .find(fantoccini::Locator::Css("[data-testid=chat-open-setup]"))
                    .await
                    .is_err(),
                "Chat offers Setup for a broken file"
            );
            app.click("[data-testid^=conversation-] button").await;
            let answer = app.text_content("[data-testid=message-answer]").await;
            assert!(answer.contains("Saved before the file broke."), "{answer}");
            app.wait_for("[data-testid=chat-no-route]").await;
            app.screenshot("chat-broken-config-ko").await;
        }
        if id == "settings" {
            app.screenshot("settings-broken-config-ko").await;
        }
    }
    let route = app.text_content("[data-testid=route-detail]").await;
    assert!(route.contains("구성 파일에 오류"), "{route}");
    // The banner's link opens the recovery view.
    app.click("[data-testid=config-banner-open]").await;
    app.wait_for("[data-testid=config-recovery]").await;
    let history = app
        .invoke("history_list", json!({}))
        .await
        .expect("history_list");
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    app.close().await;
}

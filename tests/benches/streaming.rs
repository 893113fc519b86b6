//! Streaming benchmark of the chat window, for the Desktop UI issue's closing note.
//!
//! The real app under Xvfb streams a long answer at about 500 tokens/s from a fake
//! OpenAI-compatible server (5 characters per frame, frames 1 ms apart, which tokio's timer
//! makes about 2 ms; tokens counted as 4 characters). Timestamps come
//! from the page itself: an animation-frame loop (frame gaps → frames dropped, longest gap) and a
//! 10 ms timer probe (its worst lateness ≈ the longest main-thread block). The same probes run
//! over an idle window of the same length first, as the baseline of the same run. It also
//! measures Send → first token painted against Send → the fake server receiving the request
//! (its first byte follows at once).
//!
//! `cargo build --release -p switchboard && cargo bench -p switchboard-tests --bench streaming`
//! (`SWITCHBOARD_BIN` picks another build).

use std::time::{Duration, Instant, UNIX_EPOCH};

use serde_json::Value;
use switchboard_fakes::openai::{self, Fault, Script};
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};

const RUNS: usize = 3;
const TOKENS: usize = 2_000;
/// The usual estimate for English text.
const CHARS_PER_TOKEN: usize = 4;
/// Characters per stream frame: 5 at one frame per ~2 ms is about 500 tokens/s.
const CHARS_PER_FRAME: usize = 5;
const FRAME_MS: f64 = 1000.0 / 60.0;

/// A markdown answer of about `TOKENS` tokens: paragraphs, a list and a code block, as a
/// long answer has.
fn long_answer() -> String {
    let words = [
        "router", "fallback", "stream", "token", "model", "local", "context", "answer",
    ];
    let mut text = String::new();
    let mut i = 0;
    while text.len() < TOKENS * CHARS_PER_TOKEN {
        match i % 40 {
            0 => text.push_str("\n\n## Section\n\n"),
            13 => text.push_str("\n\n- first point\n- second **point**\n\n"),
            27 => text.push_str("\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n"),
            _ => {
                text.push_str(words[i % words.len()]);
                text.push(' ');
            }
        }
        i += 1;
    }
    text
}

fn config_for(desktop: &mut Desktop, url: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"fake/fast\", fallbacks: [] }} }} }},\n\
         models: {{ providers: {{ fake: {{ baseUrl: \"{url}/v1\", api: \"openai-completions\", \
         apiKey: \"not-needed\", models: [{{ id: \"fast\", name: \"Fast\", \
         contextWindow: 32768 }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
}

/// Installs the probes; `window.__bench` collects until `__bench.stop = true`.
const PROBES: &str = r#"
const b = window.__bench = { frames: [], late: 0, send: null, firstText: null, firstPaint: null,
  stop: false };
const loop = (t) => { b.frames.push(t); if (!b.stop) requestAnimationFrame(loop); };
requestAnimationFrame(loop);
let expected = performance.now() + 10;
const tick = () => {
  const now = performance.now();
  b.late = Math.max(b.late, now - expected);
  expected = now + 10;
  if (!b.stop) setTimeout(tick, 10);
};
setTimeout(tick, 10);
document.addEventListener('click', (e) => {
  if (e.target.closest('[data-testid=chat-send]') && b.send === null) b.send = performance.now();
}, true);
const seen = () => {
  const answer = document.querySelector('[data-testid=message-answer]');
  if (b.firstText === null && answer && answer.textContent.trim()) {
    b.firstText = performance.now();
    // The text lands in an animation-frame callback (the page batches per frame); that frame
    // paints right after its callbacks, and a task queued now runs after that paint.
    setTimeout(() => { b.firstPaint = performance.now(); }, 0);
    observer.disconnect();
  }
};
const observer = new MutationObserver(seen);
observer.observe(document.body, { subtree: true, childList: true, characterData: true });
return performance.timeOrigin;
"#;

async fn js(app: &App, script: &str) -> Value {
    app.client()
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn wait_js(app: &App, script: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while js(app, script).await != Value::Bool(true) {
        assert!(Instant::now() < deadline, "timed out: {script}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Frames dropped and the longest gap (ms) in animation-frame timestamps.
fn frame_stats(frames: &[f64]) -> (u64, f64) {
    let mut dropped = 0;
    let mut longest: f64 = 0.0;
    for pair in frames.windows(2) {
        let gap = pair[1] - pair[0];
        longest = longest.max(gap);
        dropped += ((gap / FRAME_MS).round() as u64).saturating_sub(1);
    }
    (dropped, longest)
}

#[derive(Debug, Default, Clone, Copy)]
struct Sample {
    seconds: f64,
    frames: usize,
    dropped: u64,
    longest_gap_ms: f64,
    longest_block_ms: f64,
    /// Streaming runs only.
    tokens_per_s: f64,
    send_to_request_ms: f64,
    send_to_first_paint_ms: f64,
    request_to_first_paint_ms: f64,
}

fn floats(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

async fn collect(app: &App) -> Value {
    js(app, "window.__bench.stop = true; return window.__bench;").await
}

/// Appends the same text at the same pace straight into the page's message list (no IPC, no
/// Svelte, no markdown): what the page costs when nothing but text arrives.
const RAW_APPEND: &str = r#"
const [text, chunk, every] = arguments;
const list = document.querySelector('[data-testid=chat-messages]');
const target = document.createElement('div');
target.style.whiteSpace = 'pre-wrap';
list.appendChild(target);
let at = 0;
const timer = setInterval(() => {
  if (at >= text.length) { clearInterval(timer); window.__rawDone = true; return; }
  target.append(text.slice(at, at + chunk));
  list.scrollTop = list.scrollHeight;
  at += chunk;
}, every);
window.__rawDone = false;
"#;

/// Stops the probes and reads the frames of a run of `length`.
async fn frames_over(app: &App, length: Duration) -> Sample {
    let bench = collect(app).await;
    let frames = floats(&bench["frames"]);
    let (dropped, longest_gap_ms) = frame_stats(&frames);
    Sample {
        seconds: length.as_secs_f64(),
        frames: frames.len(),
        dropped,
        longest_gap_ms,
        longest_block_ms: bench["late"].as_f64().unwrap_or(0.0),
        ..Sample::default()
    }
}

async fn raw_run(app: &App, answer: &str, length: Duration) -> Sample {
    app.wait_for("[data-testid=chat-new]")
        .await
        .click()
        .await
        .expect("new chat");
    js(app, PROBES).await;
    app.client()
        .execute(
            RAW_APPEND,
            vec![answer.into(), CHARS_PER_FRAME.into(), 2.into()],
        )
        .await
        .expect("raw append");
    tokio::time::sleep(length).await;
    frames_over(app, length).await
}

async fn idle_run(app: &App, length: Duration) -> Sample {
    js(app, PROBES).await;
    tokio::time::sleep(length).await;
    frames_over(app, length).await
}

async fn streaming_run(
    app: &App,
    fake: &switchboard_fakes::FakeServer,
    answer_chars: usize,
    run: usize,
) -> Sample {
    // A new conversation each run, so every answer starts from an empty thread.
    app.wait_for("[data-testid=chat-new]")
        .await
        .click()
        .await
        .expect("new chat");
    let origin = js(app, PROBES).await.as_f64().expect("time origin");
    let requests_before = fake.requests().len();
    let input = app.wait_for("[data-testid=chat-input]").await;
    input
        .send_keys(&format!("Write a long answer ({run})"))
        .await
        .expect("type");
    app.wait_for("[data-testid=chat-send]")
        .await
        .click()
        .await
        .expect("send");
    wait_js(
        app,
        "const all = document.querySelectorAll('[data-testid=message-assistant]'); \
         const last = all[all.length - 1]; \
         return !!last && last.dataset.status === 'complete' && window.__bench.firstPaint !== null",
        Duration::from_secs(120),
    )
    .await;
    let done = js(app, "return performance.now()")
        .await
        .as_f64()
        .expect("now");
    let bench = collect(app).await;
    let frames = floats(&bench["frames"]);
    let (dropped, longest_gap_ms) = frame_stats(&frames);
    let send = bench["send"].as_f64().expect("send time");
    let first_text = bench["firstText"].as_f64().expect("first text");
    let first_paint = bench["firstPaint"].as_f64().expect("first paint");
    let request = fake
        .requests()
        .get(requests_before)
        .expect("the fake got the request")
        .received_at
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64()
        * 1000.0
        - origin;
    let stream_s = (done - first_text) / 1000.0;
    Sample {
        seconds: (done - send) / 1000.0,
        frames: frames.len(),
        dropped,
        longest_gap_ms,
        longest_block_ms: bench["late"].as_f64().unwrap_or(0.0),
        tokens_per_s: (answer_chars / CHARS_PER_TOKEN) as f64 / stream_s,
        send_to_request_ms: request - send,
        send_to_first_paint_ms: first_paint - send,
        request_to_first_paint_ms: first_paint - request,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn report(name: &str, samples: &[Sample]) -> Sample {
    let pick = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
    let m = Sample {
        seconds: pick(|s| s.seconds),
        frames: pick(|s| s.frames as f64) as usize,
        dropped: pick(|s| s.dropped as f64) as u64,
        longest_gap_ms: pick(|s| s.longest_gap_ms),
        longest_block_ms: pick(|s| s.longest_block_ms),
        tokens_per_s: pick(|s| s.tokens_per_s),
        send_to_request_ms: pick(|s| s.send_to_request_ms),
        send_to_first_paint_ms: pick(|s| s.send_to_first_paint_ms),
        request_to_first_paint_ms: pick(|s| s.request_to_first_paint_ms),
    };
    println!(
        "{name:>9}: {:.1} s, {} frames, {} dropped ({:.1}%), longest frame gap {:.1} ms, \
         longest main-thread block {:.1} ms",
        m.seconds,
        m.frames,
        m.dropped,
        100.0 * m.dropped as f64 / (m.frames as f64 + m.dropped as f64).max(1.0),
        m.longest_gap_ms,
        m.longest_block_ms
    );
    for (i, s) in samples.iter().enumerate() {
        println!("           run {i}: {s:?}");
    }
    m
}

#[tokio::main]
async fn main() {
    let answer = long_answer();
    let answer_text = answer.clone();
    let answer_chars = answer.chars().count();
    let fake = openai::start(
        Script::reply(answer)
            .with_models(["fast"])
            .with_chunk_chars(CHARS_PER_FRAME)
            .with_fault(Fault::SlowChunks { delay_ms: 1 }),
    )
    .expect("fake server");
    let url = fake.url();
    let app = App::launch_with(DesktopOptions::default(), |d| config_for(d, &url)).await;
    app.wait_for("[data-testid=chat-model-badge]").await;
    println!("binary: {}", app.binary().display());

    // One untimed warm-up answer (first-use costs: fonts, code paths, the database).
    let _warm = streaming_run(&app, &fake, answer_chars, 0).await;
    let mut streaming = Vec::new();
    let mut idle = Vec::new();
    let mut raw = Vec::new();
    for run in 1..=RUNS {
        let s = streaming_run(&app, &fake, answer_chars, run).await;
        let length = Duration::from_secs_f64(s.seconds);
        idle.push(idle_run(&app, length).await);
        raw.push(raw_run(&app, &answer_text, length).await);
        streaming.push(s);
    }
    let base = report("idle", &idle);
    let plain = report("raw DOM", &raw);
    let busy = report("streaming", &streaming);
    println!(
        "same text at the same pace appended raw to the page: {} frames dropped, longest gap \
         {:.1} ms, longest block {:.1} ms",
        plain.dropped, plain.longest_gap_ms, plain.longest_block_ms
    );
    println!(
        "streaming {:.0} tokens/s: frames dropped {} vs idle {}; longest frame gap {:.1} ms vs \
         {:.1} ms idle ({:.2}x); longest block {:.1} ms vs {:.1} ms idle",
        busy.tokens_per_s,
        busy.dropped,
        base.dropped,
        busy.longest_gap_ms,
        base.longest_gap_ms,
        busy.longest_gap_ms / base.longest_gap_ms.max(0.001),
        busy.longest_block_ms,
        base.longest_block_ms
    );
    println!(
        "Send → fake server got the request {:.1} ms; Send → first token painted {:.1} ms; \
         request → first token painted {:.1} ms (median of {RUNS})",
        busy.send_to_request_ms, busy.send_to_first_paint_ms, busy.request_to_first_paint_ms
    );
    app.close().await;
}

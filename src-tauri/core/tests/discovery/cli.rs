//! `switchboard detect`: the table, the JSON document, exit 0 with nothing found.

use std::time::Duration;

use clap::Parser;
use switchboard_core::cli::{detect_cmd, Cli, Command};
use switchboard_core::discovery::{ScanOptions, ServerKind};
use switchboard_fakes::foreign::{self, Foreign};
use switchboard_fakes::lmstudio::{self, Script};

#[test]
fn detect_flags_parse() {
    let cli = Cli::try_parse_from([
        "switchboard",
        "detect",
        "--json",
        "--timeout-ms",
        "250",
        "--lmstudio-port",
        "4321",
        "--url",
        "http://10.0.0.5:8000",
    ])
    .expect("parses");
    let Some(Command::Detect(args)) = cli.command else {
        panic!("not detect")
    };
    let options = args.options();
    assert!(args.json);
    assert_eq!(options.timeout, Duration::from_millis(250));
    assert_eq!(options.targets[0].url, "http://127.0.0.1:4321");
    assert_eq!(
        options.targets.last().map(|t| t.url.as_str()),
        Some("http://10.0.0.5:8000/v1")
    );
    assert!(Cli::try_parse_from(["switchboard", "detect", "--timeout-ms", "0"]).is_err());
}

fn options(lm_port: u16, other_port: u16) -> ScanOptions {
    ScanOptions::ports([
        (ServerKind::LmStudio, lm_port),
        (ServerKind::Ollama, other_port),
    ])
    .with_timeout(Duration::from_millis(300))
}

#[test]
fn json_is_one_document_in_the_documented_shape() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let other = foreign::start(Foreign::Nginx).expect("fake");
    let mut out = Vec::new();
    detect_cmd::detect(
        options(fake.addr().port(), other.addr().port()),
        true,
        &mut out,
    )
    .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
    let lm = &doc["servers"][0];
    assert_eq!(lm["kind"], "lmstudio");
    assert_eq!(lm["baseUrl"], format!("{}/v1", fake.url()));
    assert_eq!(lm["status"], "running");
    assert_eq!(lm["version"], "0.4.2");
    assert_eq!(lm["api"], "openai-responses");
    let m = &lm["models"][0];
    assert_eq!(m["id"], "qwen/qwen3-8b");
    assert_eq!(m["type"], "llm");
    assert_eq!(m["loaded"], true);
    assert_eq!(m["contextWindow"], 32_768);
    assert_eq!(m["maxContextWindow"], 131_072);
    assert_eq!(m["quantization"], "Q4_K_M");
    assert!(m["warnings"].as_array().is_some_and(Vec::is_empty));
    let warning = &lm["models"][1]["warnings"][0];
    assert_eq!(warning["code"], "not_loaded", "{warning}");
    assert!(warning["message"]
        .as_str()
        .is_some_and(|w| w.starts_with("not loaded")));
    assert_eq!(doc["servers"][1]["status"], "other_service");
}

#[test]
fn the_table_is_short_and_nothing_found_is_not_an_error() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let other = foreign::start(Foreign::Nginx).expect("fake");
    let mut out = Vec::new();
    detect_cmd::detect(
        options(fake.addr().port(), other.addr().port()),
        false,
        &mut out,
    )
    .expect("runs");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.starts_with("SERVER"), "{text}");
    assert!(
        text.contains("LM Studio")
            && text.contains("openai-responses")
            && text.contains("qwen/qwen3-8b"),
        "{text}"
    );
    assert!(text.contains("port in use by another service"), "{text}");
    assert!(text.lines().count() < 20, "{text}");

    let a = foreign::refused_port().expect("port");
    let b = foreign::refused_port().expect("port");
    let mut out = Vec::new();
    detect_cmd::detect(options(a, b), false, &mut out).expect("nothing found is fine");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("not running") && text.ends_with("No local servers found.\n"),
        "{text}"
    );
}

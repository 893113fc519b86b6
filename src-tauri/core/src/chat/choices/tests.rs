//! Tests of the model picker's facts.

use std::path::Path;

use super::*;
use crate::config::{self, view};
use crate::discovery::{DetectedServer, ServerKind};

const CONFIG: &str = r#"{
  agents: { defaults: { model: { primary: "fast", fallbacks: [] },
    models: { "lmstudio/qwen": { alias: "fast" } } } },
  models: { providers: {
    openai: { baseUrl: "https://api.openai.com/v1", models: [{ id: "gpt", name: "GPT",
              contextWindow: 128000 }] },
    lmstudio: { baseUrl: "http://localhost:1234/v1", models: [{ id: "qwen", name: "Qwen" }] },
    gateway: { baseUrl: "http://127.0.0.1:4000/v1", apiKey: "x", models: [{ id: "m", name: "M" }] },
  } },
}"#;

fn view_of(text: &str) -> ConfigView {
    let read = |_: &Path| Err(std::io::ErrorKind::NotFound.into());
    let loaded = config::load_str(text, Path::new("c.json5"), &|_| None, &read);
    view::of(&loaded, None)
}

fn lmstudio_report() -> ScanReport {
    let mut server = DetectedServer::new(
        ServerKind::LmStudio,
        "http://127.0.0.1:1234/v1",
        Status::Running,
    );
    let mut qwen = DetectedModel::bare("qwen");
    qwen.loaded = Some(true);
    qwen.quantization = Some("Q4_K_M".into());
    qwen.context_window = Some(32768);
    server.models.push(qwen);
    let mut other = DetectedModel::bare("other");
    other.loaded = Some(false);
    server.models.push(other);
    ScanReport::new(vec![server])
}

#[test]
fn places_come_from_the_resolved_url_and_facts_from_the_last_detection() {
    let view = view_of(CONFIG);
    let report = lmstudio_report();
    let mut speeds = BTreeMap::new();
    speeds.insert(
        "lmstudio/qwen".to_owned(),
        Speed {
            median_first_token_ms: 120,
            median_tokens_per_second: Some(48.5),
            answers: 3,
        },
    );
    let none = BTreeSet::new();
    let facts = Facts {
        lookup: &|_| None,
        stays_local: &none,
        detected: Some(&report),
        speeds: &speeds,
    };
    let all = choices(&view, &facts);
    let rows: Vec<(&str, Place, bool, bool)> = all
        .iter()
        .map(|m| (m.id.as_str(), m.place, m.local, m.private))
        .collect();
    assert_eq!(
        rows,
        [
            ("fast", Place::ThisMachine, true, true),
            ("openai/gpt", Place::Leaves, false, false),
            ("lmstudio/qwen", Place::ThisMachine, true, true),
            // A proxy on this machine is on this machine, but not private.
            ("gateway/m", Place::MayForward, true, false),
        ]
    );
    let qwen = &all[2];
    assert_eq!(qwen.quantization.as_deref(), Some("Q4_K_M"));
    assert_eq!(qwen.loaded, Some(true));
    // No window configured: the detected one.
    assert_eq!(qwen.context_window, Some(32768));
    assert_eq!(qwen.speed.map(|s| s.median_first_token_ms), Some(120));
    // The alias carries its model's facts.
    assert_eq!(all[0].quantization.as_deref(), Some("Q4_K_M"));
    assert_eq!(all[0].model_ref, "lmstudio/qwen");
    let gpt = &all[1];
    assert_eq!(
        (gpt.context_window, gpt.loaded, gpt.speed),
        (Some(128000), None, None)
    );

    // Without a detection, and with the proxy marked "stays on this machine".
    let marked = BTreeSet::from(["gateway".to_owned()]);
    let facts = Facts {
        lookup: &|_| None,
        stays_local: &marked,
        detected: None,
        speeds: &BTreeMap::new(),
    };
    let all = choices(&view, &facts);
    assert_eq!(
        (all[2].loaded, all[2].quantization.as_deref()),
        (None, None)
    );
    assert!(all[3].private);
}

#[test]
fn a_stopped_server_or_another_port_says_nothing_about_a_model() {
    let view = view_of(CONFIG);
    let mut report = lmstudio_report();
    report.servers[0].base_url = "http://127.0.0.1:1235/v1".into();
    let none = BTreeSet::new();
    let speeds = BTreeMap::new();
    let loaded_of = |report: &ScanReport| {
        let facts = Facts {
            lookup: &|_| None,
            stays_local: &none,
            detected: Some(report),
            speeds: &speeds,
        };
        choices(&view, &facts)[2].loaded
    };
    assert_eq!(loaded_of(&report), None);
    report.servers[0].base_url = "http://127.0.0.1:1234/v1".into();
    assert_eq!(loaded_of(&report), Some(true), "the same server again");
    report.servers[0].status = Status::NotRunning;
    assert_eq!(loaded_of(&report), None);
}

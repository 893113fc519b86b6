//! The one-click start: the scan's suggestion, then probe again, test live and save in one write.

use switchboard_core::config;
use switchboard_core::discovery::{ServerKind, Target};
use switchboard_core::providers::{CancellationToken, Client};
use switchboard_core::setup::{quick_start, QuickStartError, QuickStarted};
use switchboard_fakes::lmstudio::{self, Script};

use crate::util::{port, scan};

/// One click on LM Studio at `port`, model `model`, saving into `file`.
async fn click(
    file: &std::path::Path,
    port: u16,
    model: &str,
) -> Result<QuickStarted, QuickStartError> {
    let client = Client::new(std::time::Duration::from_secs(5)).expect("client");
    let target = Target::loopback(ServerKind::LmStudio, port);
    quick_start(file, target, model, &client, CancellationToken::new()).await
}

const SEED: &str = "// my own notes\n{ gateway: { port: 18789 } }\n";

fn seeded() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("openclaw.json");
    std::fs::write(&file, SEED).expect("seed");
    (dir, file)
}

#[tokio::test]
async fn the_scan_suggests_the_loaded_model_and_one_click_saves_it_in_one_write() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let report = scan(&[(ServerKind::LmStudio, port(&fake))]).await;
    let suggested = report.suggested.clone().expect("a suggestion");
    assert_eq!(
        (suggested.model_id.as_str(), suggested.server),
        ("qwen/qwen3-8b", "LM Studio"),
        "the loaded model, not the larger one that is not loaded"
    );
    assert_eq!(suggested.loaded, Some(true));

    let (_dir, file) = seeded();
    let started = click(&file, port(&fake), &suggested.model_id)
        .await
        .expect("started");
    assert_eq!(started.model_ref, "lmstudio/qwen/qwen3-8b");
    assert!(started.preview.contains("OK"), "{}", started.preview);

    let cfg = config::load(&file)
        .expect("loads")
        .into_config()
        .expect("valid");
    let primary = cfg.model.as_ref().and_then(|m| m.primary());
    assert_eq!(primary, Some("lmstudio/qwen/qwen3-8b"));
    assert!(cfg.provider("lmstudio").is_some());
    // One save: the backup is the file as it was, never a state with the profile but no route.
    let backup = std::fs::read_to_string(file.with_extension("json.bak")).expect("backup");
    assert_eq!(backup, SEED);
    let chats = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/responses"))
        .count();
    assert_eq!(chats, 1, "one live test");
}

#[tokio::test]
async fn a_model_that_does_not_answer_saves_nothing() {
    let script = Script::v1().chat_fails("qwen/qwen3-8b", 500, "model crashed");
    let fake = lmstudio::start(script).expect("fake");
    let (_dir, file) = seeded();
    let err = click(&file, port(&fake), "qwen/qwen3-8b")
        .await
        .expect_err("no answer");
    assert!(matches!(err, QuickStartError::NoAnswer { .. }), "{err:?}");
    assert!(err.to_string().contains("lmstudio/qwen/qwen3-8b"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), SEED);
    assert!(!file.with_extension("json.bak").exists());
}

#[tokio::test]
async fn a_model_gone_or_a_server_stopped_is_said_and_saves_nothing() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let (_dir, file) = seeded();
    let gone = click(&file, port(&fake), "no/such-model")
        .await
        .expect_err("gone");
    assert!(
        matches!(gone, QuickStartError::ModelGone { .. }),
        "{gone:?}"
    );

    let stopped_port = port(&fake);
    drop(fake);
    let stopped = click(&file, stopped_port, "qwen/qwen3-8b")
        .await
        .expect_err("stopped");
    assert!(
        matches!(stopped, QuickStartError::NotRunning { .. }),
        "{stopped:?}"
    );
    assert!(stopped.to_string().contains("start it"), "{stopped}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), SEED);
}

#[tokio::test]
async fn a_provider_of_that_name_set_up_elsewhere_is_left_alone() {
    let fake = lmstudio::start(Script::v1()).expect("fake");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("openclaw.json");
    // Its stored key (if any) belongs to that host: the one click must not repoint it.
    let seed = "{ models: { providers: { lmstudio: { baseUrl: 'http://10.0.0.7:1234/v1', models: [{ id: 'm', name: 'M' }] } } } }\n";
    std::fs::write(&file, seed).expect("seed");
    let err = click(&file, port(&fake), "qwen/qwen3-8b")
        .await
        .expect_err("refused");
    assert!(
        matches!(err, QuickStartError::ProviderElsewhere { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("10.0.0.7"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), seed);
    let chats = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(chats, 0, "nothing tested or sent");
}

//! Keys changed by the CLI in another process while `serve` runs, against the real keychain:
//! the keychain's signals for a new and a deleted key reach the listener, and `serve` answers
//! with a replaced key without a restart.

use std::sync::mpsc;
use std::time::Duration;

use clap::{Args, FromArgMatches};
use switchboard_core::cli::serve_cmd::{run_until, ServeArgs};
use switchboard_core::paths::Paths;
use switchboard_core::secrets::changes::watch_changes;
use switchboard_core::secrets::{KeyringStore, Secret, Store};
use switchboard_fakes::lines::Lines;
use switchboard_fakes::openai::{self, Script};

use super::{child, session};

/// A hang guard only.
const GIVE_UP: Duration = Duration::from_secs(20);

#[test]
fn the_keychain_says_when_another_process_sets_a_key() {
    let s = session::shared();
    let (tx, changed) = mpsc::channel();
    let _watch = watch_changes(move || {
        let _gone = tx.send(());
    })
    .expect("listens on the session bus");
    let home = tempfile::tempdir().expect("tempdir");
    let out = child::run(
        &["keys", "set", "sigtest"],
        "a-new-key\n",
        home.path(),
        &s.address,
    );
    assert_eq!(out.code, 0, "{out:?}");
    changed
        .recv_timeout(GIVE_UP)
        .expect("the change is signalled");
    while changed.try_recv().is_ok() {}
    let out = child::run(&["keys", "delete", "sigtest"], "", home.path(), &s.address);
    assert_eq!(out.code, 0, "{out:?}");
    changed
        .recv_timeout(GIVE_UP)
        .expect("the removal is signalled");
}

#[tokio::test]
async fn serve_uses_a_key_the_cli_changed_without_a_restart() {
    let s = session::shared();
    let fake =
        openai::start(Script::reply("with the new key").with_key("the-new-key")).expect("fake");
    KeyringStore::default()
        .set("livekey", &Secret::new("the-old-key"))
        .expect("stored");
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    std::fs::write(
        &paths.config_file,
        format!(
            r#"{{ models: {{ providers: {{ livekey: {{ baseUrl: "{}/v1", models: [{{ id: "fake-model", name: "M" }}] }} }} }},
                 agents: {{ defaults: {{ model: "livekey/fake-model" }} }} }}"#,
            fake.url()
        ),
    )
    .expect("config");
    let (lines, printed) = Lines::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread_paths = paths.clone();
    let server = std::thread::spawn(move || {
        let command = ServeArgs::augment_args(clap::Command::new("serve"));
        let matches = command
            .try_get_matches_from(["serve", "--port", "0"])
            .expect("parses");
        let args = ServeArgs::from_arg_matches(&matches).expect("args");
        let mut out = lines;
        let mut err = Vec::new();
        run_until(&args, &thread_paths, &mut out, &mut err, async {
            let _ignored = stopped.await;
        })
    });
    let next = || printed.recv_timeout(GIVE_UP).expect("a line");
    // The token file and the state lines come first.
    let listening = std::iter::repeat_with(next)
        .find(|l| l.starts_with("listening on "))
        .expect("a listening line");
    let url = listening
        .strip_prefix("listening on ")
        .and_then(|l| l.split_once("/v1"))
        .map(|(u, _)| u.to_owned())
        .expect("url");
    let token = std::fs::read_to_string(paths.data_dir.join("gateway-token")).expect("token");
    let ask = || async {
        reqwest::Client::new()
            .post(format!("{url}/v1/chat/completions"))
            .bearer_auth(token.trim())
            .json(&serde_json::json!({"messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .await
            .expect("sent")
    };
    let refused = ask().await;
    assert!(!refused.status().is_success(), "the old key is refused");

    let home = tempfile::tempdir().expect("tempdir");
    let out = child::run(
        &["keys", "set", "livekey"],
        "the-new-key\n",
        home.path(),
        &s.address,
    );
    assert_eq!(out.code, 0, "{out:?}");
    // The refusal put the model in an auth cooldown; being the only route it is tried anyway,
    // and the 401 makes the router read the key again (gnome-keyring signals new and deleted
    // items, not a replaced secret). Retried for a signal handled on its own thread, too.
    let deadline = std::time::Instant::now() + GIVE_UP;
    let (status, body) = loop {
        let answered = ask().await;
        let status = answered.status();
        let body: serde_json::Value = answered.json().await.expect("json");
        if status.is_success() || std::time::Instant::now() > deadline {
            break (status, body);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.is_success(), "{status}: {body}");
    assert_eq!(body["choices"][0]["message"]["content"], "with the new key");

    stop.send(()).expect("stop");
    let _exit = tokio::task::spawn_blocking(move || server.join().expect("join"))
        .await
        .expect("join");
    let _cleanup = KeyringStore::default().delete("livekey");
}

//! `switchboard serve` follows its config file: an edit on disk is routed by from the next
//! request on, without a restart; a broken edit keeps the last good routes.

use std::path::Path;
use std::time::Duration;

use clap::{Args, FromArgMatches};
use switchboard_core::cli::serve_cmd::{run_until, ServeArgs};
use switchboard_core::cli::Exit;
use switchboard_core::paths::Paths;
use switchboard_fakes::lines::Lines;
use switchboard_fakes::openai::{self, Script};

use super::http;

/// A hang guard only (a change is applied in milliseconds).
const GIVE_UP: Duration = Duration::from_secs(20);

/// `serve --port 0` (the other options at their defaults), parsed as the CLI parses them.
fn args() -> ServeArgs {
    let command = ServeArgs::augment_args(clap::Command::new("serve"));
    let matches = command
        .try_get_matches_from(["serve", "--port", "0"])
        .expect("parses");
    ServeArgs::from_arg_matches(&matches).expect("args")
}

fn config(a: &str, b: &str, primary: &str) -> String {
    format!(
        r#"{{ models: {{ providers: {{
              a: {{ baseUrl: "{a}/v1", models: [{{ id: "fake-model", name: "A" }}] }},
              b: {{ baseUrl: "{b}/v1", models: [{{ id: "fake-model", name: "B" }}] }},
           }} }},
           agents: {{ defaults: {{ model: "{primary}" }} }} }}"#
    )
}

fn rename_save(path: &Path, text: &str) {
    let temp = path.with_extension("tmp-edit");
    std::fs::write(&temp, text).expect("writes");
    std::fs::rename(&temp, path).expect("renames");
}

async fn ask(url: &str, token: &str) -> serde_json::Value {
    http()
        .post(format!("{url}/v1/chat/completions"))
        .bearer_auth(token)
        .json(&serde_json::json!({"messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn an_edit_on_disk_is_served_from_the_next_request_and_a_broken_one_keeps_the_routes() {
    let fake_a = openai::start(Script::reply("from a")).expect("fake");
    let fake_b = openai::start(Script::reply("from b")).expect("fake");
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    let (a, b) = (fake_a.url(), fake_b.url());
    std::fs::write(&paths.config_file, config(&a, &b, "a/fake-model")).expect("write");
    let (lines, printed) = Lines::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread_paths = paths.clone();
    let server = std::thread::spawn(move || {
        let mut out = lines;
        let mut err = Vec::new();
        let exit = run_until(&args(), &thread_paths, &mut out, &mut err, async {
            let _ignored = stopped.await;
        });
        (exit, String::from_utf8_lossy(&err).into_owned())
    });
    let next_line = || printed.recv_timeout(GIVE_UP).expect("a line");
    // The token file and the state lines come first.
    let listening = std::iter::repeat_with(next_line)
        .find(|l| l.starts_with("listening on "))
        .expect("a listening line");
    let url = listening
        .strip_prefix("listening on ")
        .and_then(|l| l.split_once("/v1"))
        .map(|(u, _)| u.to_owned())
        .expect("url");
    let token = std::fs::read_to_string(paths.data_dir.join("gateway-token")).expect("token");
    let token = token.trim();

    let v = ask(&url, token).await;
    assert_eq!(v["choices"][0]["message"]["content"], "from a");

    rename_save(&paths.config_file, &config(&a, &b, "b/fake-model"));
    assert_eq!(next_line(), "config reloaded: primary is now b/fake-model");
    let v = ask(&url, token).await;
    assert_eq!(v["choices"][0]["message"]["content"], "from b");
    assert_eq!(v["model"], "b/fake-model");

    rename_save(&paths.config_file, "{\n  models: {\n    providers: [\n");
    let refused = next_line();
    let file = paths.config_file.display().to_string();
    assert!(
        refused.starts_with("config not reloaded, still routing by the last good one: ")
            && refused.contains(&format!("{file}:")),
        "{refused}"
    );
    let v = ask(&url, token).await;
    assert_eq!(
        v["choices"][0]["message"]["content"], "from b",
        "the last good routes"
    );

    stop.send(()).expect("stop");
    let (exit, err) = tokio::task::spawn_blocking(move || server.join().expect("join"))
        .await
        .expect("join");
    assert_eq!(exit, Exit::Success, "{err}");
}

//! `switchboard serve` as the CLI runs it: config loaded, token file created 0600 (its path
//! printed, never the token), 127.0.0.1 only, and a clean stop.

use switchboard_core::cli::serve_cmd::{run_until, ServeArgs};
use switchboard_core::cli::Exit;
use switchboard_core::paths::Paths;
use switchboard_fakes::lines::Lines;
use switchboard_fakes::openai::{self, Script};

use super::http;

#[tokio::test]
async fn serve_creates_the_token_file_and_answers_with_it() {
    let fake = openai::start(Script::reply("served")).expect("fake");
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    let config = format!(
        r#"{{ models: {{ providers: {{ local: {{ baseUrl: "{}/v1", models: [{{ id: "fake-model", name: "F" }}] }} }} }},
             agents: {{ defaults: {{ model: "local/fake-model" }} }} }}"#,
        fake.url()
    );
    std::fs::write(&paths.config_file, config).expect("write");
    let (lines, printed) = Lines::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread_paths = paths.clone();
    let server = std::thread::spawn(move || {
        let args = ServeArgs {
            port: 0,
            token_file: None,
            history: false,
            state: "local".into(),
            listen: None,
            command: None,
        };
        let mut out = lines;
        let mut err = Vec::new();
        let exit = run_until(&args, &thread_paths, &mut out, &mut err, async {
            let _ignored = stopped.await;
        });
        (exit, String::from_utf8_lossy(&err).into_owned())
    });
    let first = printed.recv().expect("token line");
    let token_file = paths.data_dir.join("gateway-token");
    assert_eq!(
        first,
        format!("token file: {} (created, mode 0600)", token_file.display())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file)
            .expect("token file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let token = std::fs::read_to_string(&token_file).expect("token");
    let token = token.trim();
    assert!(!first.contains(token));
    let state = printed.recv().expect("state line");
    let state_file = paths.data_dir.join("router-state.db");
    assert_eq!(state, format!("state: {}", state_file.display()));
    let listening = printed.recv().expect("listening line");
    let url = listening
        .strip_prefix("listening on ")
        .and_then(|l| l.split_once("/v1"))
        .map(|(u, _)| u.to_owned())
        .expect("url");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let v: serde_json::Value = http()
        .post(format!("{url}/v1/chat/completions"))
        .bearer_auth(token)
        .json(&serde_json::json!({"messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(v["choices"][0]["message"]["content"], "served");
    assert_eq!(v["model"], "local/fake-model");
    stop.send(()).expect("stop");
    let (exit, err) = tokio::task::spawn_blocking(move || server.join().expect("join"))
        .await
        .expect("join");
    assert_eq!(exit, Exit::Success, "{err}");
    assert_eq!(printed.recv().expect("stopped line"), "stopped");
}

#[test]
fn listening_beyond_loopback_needs_person_tokens_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    std::fs::write(&paths.config_file, "{}").expect("write");
    let args = ServeArgs {
        port: 0,
        token_file: None,
        history: false,
        state: "local".into(),
        listen: Some("0.0.0.0".into()),
        command: None,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = run_until(&args, &paths, &mut out, &mut err, async {});
    let err = String::from_utf8_lossy(&err);
    assert_eq!(exit, Exit::Failure);
    assert!(
        err.contains("--listen 0.0.0.0:0 reaches beyond this machine")
            && err.contains("switchboard serve token add NAME"),
        "{err}"
    );
    assert!(out.is_empty(), "nothing was served");

    let bad = ServeArgs {
        listen: Some("example.com".into()),
        ..args.clone()
    };
    let mut err = Vec::new();
    let exit = run_until(&bad, &paths, &mut Vec::new(), &mut err, async {});
    assert_eq!(exit, Exit::Failure);
    assert!(String::from_utf8_lossy(&err).contains("expected an IP address"));

    let state = ServeArgs {
        state: "memcached://x".into(),
        listen: None,
        ..args
    };
    let mut err = Vec::new();
    let exit = run_until(&state, &paths, &mut Vec::new(), &mut err, async {});
    assert_eq!(exit, Exit::Failure);
    assert!(String::from_utf8_lossy(&err).contains("redis://HOST:PORT"));
}

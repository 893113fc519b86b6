//! `switchboard chat` against a fake: plain and `--json` output, errors as DESIGN.md shows them.

use clap::Parser;
use serde_json::Value;
use switchboard_core::cli::{chat_cmd, Cli, Command, Exit};
use switchboard_core::paths::Paths;
use switchboard_fakes::openai::{self, Fault, Script};

fn setup(fake: &switchboard_fakes::FakeServer) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!(
        r#"{{ models: {{ providers: {{ local: {{ baseUrl: "{}/v1",
             models: [{{ id: "fake-model", name: "Fake", cost: {{ input: 1, output: 2 }} }}] }} }} }} }}"#,
        fake.url()
    );
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    std::fs::write(&paths.config_file, config).expect("write");
    (dir, paths)
}

fn chat(paths: &Paths, argv: &[&str]) -> (Exit, String, String) {
    let cli = Cli::try_parse_from([&["switchboard", "chat"], argv].concat()).expect("parses");
    let Some(Command::Chat(args)) = cli.command else {
        panic!("not a chat command")
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = chat_cmd::run(&args, paths, &mut out, &mut err);
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8");
    (exit, text(out), text(err))
}

#[test]
fn plain_answer_on_stdout_reasoning_on_stderr() {
    let fake = openai::start(Script::reply("Four.").with_reasoning("2+2")).expect("fake");
    let (_dir, paths) = setup(&fake);
    for flags in [
        &["--model", "local/fake-model"][..],
        &["--model", "local/fake-model", "--no-stream", "--no-history"],
    ] {
        let (exit, out, err) = chat(
            &paths,
            &[flags, &["--system", "terse", "what", "is", "2+2?"]].concat(),
        );
        assert_eq!(exit, Exit::Success, "{err}");
        assert_eq!(out, "Four.\n");
        assert!(err.starts_with("2+2"), "{err}");
        assert!(
            err.contains("[local/fake-model: 12 in, 7 out, $0.000026"),
            "{err}"
        );
    }
    let body: Value = serde_json::from_str(&fake.requests()[0].body).expect("json");
    assert_eq!(body["messages"][1]["content"], "what is 2+2?");
}

#[test]
fn json_event_lines() {
    let fake =
        openai::start(Script::reply("Hi").with_reasoning("r").with_chunk_chars(1)).expect("fake");
    let (_dir, paths) = setup(&fake);
    let (exit, out, _) = chat(&paths, &["--model", "local/fake-model", "--json", "hello"]);
    assert_eq!(exit, Exit::Success);
    let all: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    // The router's route line comes first; the answer's events follow.
    assert_eq!(all[0]["type"], "route");
    assert_eq!(all[0]["outcome"], "ok");
    let lines: Vec<&Value> = all.iter().filter(|l| l["type"] != "route").collect();
    assert_eq!(
        *lines[0],
        serde_json::json!({"type": "reasoning", "delta": "r"})
    );
    assert_eq!(*lines[1], serde_json::json!({"type": "text", "delta": "H"}));
    let done = lines.last().expect("done");
    assert_eq!(done["type"], "done");
    assert_eq!(done["model"], "local/fake-model");
    assert_eq!(
        done["usage"],
        serde_json::json!({"input": 12, "output": 7, "cacheRead": 0, "cacheWrite": 0})
    );
    assert!((done["cost"].as_f64().expect("cost") - 0.000026).abs() < 1e-12);
}

#[test]
fn unknown_usage_and_errors() {
    let fake = openai::start(Script::reply("x").with_usage(None)).expect("fake");
    let (_dir, paths) = setup(&fake);
    let (_, out, _) = chat(&paths, &["--model", "local/fake-model", "--json", "q"]);
    let done: Value = serde_json::from_str(out.lines().last().expect("line")).expect("json");
    assert_eq!(
        (done["usage"].as_str(), done["cost"].as_str()),
        (Some("unknown"), Some("unknown"))
    );

    let limited = openai::start(Script::reply("x").with_fault(Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: Some(3),
    }))
    .expect("fake");
    let (_dir, paths) = setup(&limited);
    let (exit, out, err) = chat(&paths, &["--model", "local/fake-model", "--json", "q"]);
    assert_eq!(exit, Exit::Failure);
    let line: Value = serde_json::from_str(out.lines().last().expect("line")).expect("json");
    assert_eq!(line["type"], "error");
    assert_eq!(line["reason"], "rate_limit");
    assert_eq!(line["status"], 429);
    assert!(
        err.contains("switchboard: local/fake-model: rate limited (HTTP 429): slow down"),
        "{err}"
    );

    let (exit, _, err) = chat(&paths, &["--model", "nope/x", "q"]);
    assert_eq!(exit, Exit::Failure);
    assert!(err.contains("no provider \"nope\""), "{err}");
    assert!(
        Cli::try_parse_from(["switchboard", "chat", "q"]).is_ok(),
        "--model is optional: the primary route"
    );
}

fn stored_messages(paths: &Paths) -> Vec<Vec<switchboard_core::history::Message>> {
    let store = switchboard_core::history::HistoryStore::open(&paths.data_dir)
        .expect("open history")
        .store;
    let conversations = store.list_conversations(100, 0).expect("list");
    conversations
        .iter()
        .map(|c| store.messages(c.id, None, 100).expect("messages").messages)
        .collect()
}

#[test]
fn the_exchange_is_saved_to_history_unless_no_history() {
    use switchboard_core::history::{MessageStatus, Role};
    let fake = openai::start(Script::reply("Four.").with_reasoning("2+2")).expect("fake");
    let (_dir, paths) = setup(&fake);
    let (exit, _, err) = chat(
        &paths,
        &["--model", "local/fake-model", "--system", "terse", "2+2?"],
    );
    assert_eq!(exit, Exit::Success, "{err}");
    let saved = stored_messages(&paths);
    assert_eq!(saved.len(), 1);
    let roles: Vec<Role> = saved[0].iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::System, Role::User, Role::Assistant]);
    let answer = &saved[0][2];
    assert_eq!(
        (answer.content.as_str(), answer.reasoning.as_str()),
        ("Four.", "2+2")
    );
    assert_eq!(answer.status, MessageStatus::Complete);
    assert_eq!(answer.model.as_deref(), Some("local/fake-model"));
    assert_eq!(answer.usage.map(|u| (u.input, u.output)), Some((12, 7)));

    let (exit, _, _) = chat(
        &paths,
        &["--model", "local/fake-model", "--no-history", "again"],
    );
    assert_eq!(exit, Exit::Success);
    assert_eq!(
        stored_messages(&paths).len(),
        1,
        "--no-history saved a conversation"
    );
}

#[test]
fn a_failed_answer_is_saved_as_failed_with_the_question() {
    use switchboard_core::history::{MessageStatus, Role};
    let fault = Fault::Status {
        status: 500,
        message: "boom".into(),
        retry_after: None,
    };
    let fake = openai::start(Script::reply("never").with_fault(fault)).expect("fake");
    let (_dir, paths) = setup(&fake);
    let (exit, _, _) = chat(&paths, &["--model", "local/fake-model", "hello?"]);
    assert_eq!(exit, Exit::Failure);
    let saved = stored_messages(&paths);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0][0].role, Role::User);
    assert_eq!(saved[0][0].content, "hello?");
    assert_eq!(saved[0][1].status, MessageStatus::Failed);
    assert!(saved[0][1].error.as_deref().is_some_and(|e| !e.is_empty()));
}

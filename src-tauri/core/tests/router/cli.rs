//! `switchboard chat` through the router: the primary by default, aliases, `route` JSON lines,
//! route notes on stderr, and route attempts saved with the answer.

use clap::Parser;
use serde_json::Value;
use switchboard_core::cli::{chat_cmd, Cli, Command, Exit};
use switchboard_core::history::HistoryStore;
use switchboard_core::paths::Paths;
use switchboard_core::router::AttemptOutcome;
use switchboard_fakes::openai::{self, Fault, Script};

use super::{config_text, up};

fn setup(text: &str) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    std::fs::write(&paths.config_file, text).expect("write");
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

fn limited() -> Fault {
    Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: None,
    }
}

#[test]
fn json_route_lines_then_the_fallbacks_answer_saved_with_its_route() {
    let a = openai::start(Script::reply("x").with_fault(limited())).expect("fake");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let (_dir, paths) = setup(&config_text(&[up("a", a.url()), up("b", b.url())]));
    let (exit, out, err) = chat(&paths, &["--json", "hello"]);
    assert_eq!(exit, Exit::Success, "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines[0]["type"], "route");
    assert_eq!(
        (
            &lines[0]["attempt"],
            &lines[0]["model"],
            &lines[0]["outcome"]
        ),
        (
            &Value::from(1),
            &Value::from("a/fake-model"),
            &Value::from("failed")
        )
    );
    assert_eq!(
        (&lines[0]["reason"], &lines[0]["status"]),
        (&Value::from("rate_limit"), &Value::from(429))
    );
    assert!(lines[0]["elapsedMs"].is_u64());
    assert_eq!(
        (&lines[1]["type"], &lines[1]["model"], &lines[1]["outcome"]),
        (
            &Value::from("route"),
            &Value::from("b/fake-model"),
            &Value::from("ok")
        )
    );
    let done = lines.last().expect("done");
    assert_eq!(
        (&done["type"], &done["model"]),
        (&Value::from("done"), &Value::from("b/fake-model"))
    );

    let store = HistoryStore::open(&paths.data_dir).expect("open").store;
    let conversation = &store.list_conversations(10, 0).expect("list")[0];
    let messages = store
        .messages(conversation.id, None, 10)
        .expect("messages")
        .messages;
    let answer = messages.last().expect("answer");
    assert_eq!(answer.content, "from b");
    assert_eq!(answer.model.as_deref(), Some("b/fake-model"));
    let outcomes: Vec<(String, AttemptOutcome)> = answer
        .route
        .iter()
        .map(|r| (r.model.clone(), r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("a/fake-model".to_owned(), AttemptOutcome::Failed),
            ("b/fake-model".to_owned(), AttemptOutcome::Ok)
        ]
    );
}

#[test]
fn plain_output_aliases_and_unknown_refs() {
    let a = openai::start(Script::reply("x").with_fault(limited())).expect("fake");
    let b = openai::start(Script::reply("from b")).expect("fake");
    let (_dir, paths) = setup(&config_text(&[up("a", a.url()), up("b", b.url())]));
    let (exit, out, err) = chat(&paths, &["--no-history", "hello"]);
    assert_eq!(exit, Exit::Success, "{err}");
    assert_eq!(out, "from b\n");
    assert!(
        err.contains("[route: a/fake-model failed: rate_limit (HTTP 429)]"),
        "{err}"
    );

    // The alias "b" asks b first; a is never asked.
    let before = a.requests().len();
    let (exit, out, _) = chat(&paths, &["--no-history", "--model", "b", "hello"]);
    assert_eq!((exit, out.as_str()), (Exit::Success, "from b\n"));
    assert_eq!(a.requests().len(), before);

    let (exit, out, err) = chat(&paths, &["--json", "--model", "fast", "hello"]);
    assert_eq!(exit, Exit::Failure);
    assert!(err.contains("unknown model \"fast\""), "{err}");
    assert!(err.contains("aliases: a, b"), "{err}");
    let line: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(
        (&line["type"], &line["reason"]),
        (&Value::from("error"), &Value::from("model_not_found"))
    );

    // A provider the config lacks is refused before any request, never answered by the primary.
    let (a_before, b_before) = (a.requests().len(), b.requests().len());
    let (exit, out, err) = chat(&paths, &["--model", "no-such/model", "hello"]);
    assert_eq!((exit, out.as_str()), (Exit::Failure, ""));
    assert!(err.contains("no provider \"no-such\""), "{err}");
    assert!(
        err.contains("configured models: a/fake-model, b/fake-model"),
        "{err}"
    );
    assert_eq!(
        (a.requests().len(), b.requests().len()),
        (a_before, b_before)
    );
}

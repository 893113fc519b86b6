//! The key-never-leaves figure: a scripted run with two keys in the real keychain — set them,
//! chat with a failover (the primary answers 429), export to OpenClaw and import it back, show
//! and list, then a
//! chat killed with SIGKILL mid-answer — and a grep for both keys over every place a user, a
//! log or another program could see: 0 hits. The fakes receiving the keys is the control.

use std::io::Read;
use std::process::Stdio;

use switchboard_fakes::openai::{self, Fault, Script};

use super::child;
use super::session::{self, files_under};

fn canary(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("sbleak{tag}{}x{nanos}", std::process::id())
}

#[test]
fn a_scripted_run_leaves_the_keys_nowhere() {
    let s = session::shared();
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let (key_a, key_b) = (canary("a"), canary("b"));
    let limited = openai::start(Script::reply("never").with_fault(Fault::Status {
        status: 429,
        message: "slow down".into(),
        retry_after: None,
    }))
    .expect("fake");
    let good = openai::start(Script::reply("the answer").with_key(key_b.clone())).expect("fake");
    let slow = openai::start(
        Script::reply("word ".repeat(2000))
            .with_chunk_chars(5)
            .with_fault(Fault::SlowChunks { delay_ms: 50 }),
    )
    .expect("fake");
    let config = h.join("config/switchboard/config.json5");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    let provider = |id: &str, url: &str| {
        format!(r#"{id}: {{ baseUrl: "{url}/v1", models: [{{ id: "fake-model", name: "F" }}] }},"#)
    };
    std::fs::write(
        &config,
        format!(
            r#"{{ models: {{ providers: {{ {} {} {} }} }},
                 agents: {{ defaults: {{ model: {{ primary: "a/fake-model", fallbacks: ["b/fake-model"] }} }} }} }}"#,
            provider("a", &limited.url()),
            provider("b", &good.url()),
            provider("c", &slow.url()),
        ),
    )
    .expect("config");

    let mut outputs = Vec::new();
    let mut run = |args: &[&str], stdin: &str| {
        let out = child::run(args, stdin, h, &s.address);
        outputs.push(format!("{args:?}\n{}\n{}", out.stdout, out.stderr));
        out
    };
    assert_eq!(run(&["keys", "set", "a"], &key_a).code, 0);
    assert_eq!(run(&["keys", "set", "b"], &key_b).code, 0);
    assert_eq!(run(&["keys", "set", "c"], &key_a).code, 0);
    let chat = run(&["chat", "hello?"], "");
    assert_eq!(chat.code, 0, "{chat:?}");
    assert!(chat.stdout.contains("the answer"), "{chat:?}");
    let export = h.join("openclaw/openclaw.json");
    std::fs::create_dir_all(export.parent().expect("dir")).expect("mkdir");
    std::fs::write(&export, "{}\n").expect("openclaw file");
    let exported = run(
        &["config", "export-openclaw", &export.to_string_lossy()],
        "",
    );
    assert_eq!(exported.code, 0, "{exported:?}");
    // Importing it back saves our own file too (and so its .bak).
    let imported = run(
        &["config", "import-openclaw", &export.to_string_lossy()],
        "",
    );
    assert_eq!(imported.code, 0, "{imported:?}");
    assert_eq!(run(&["config", "show"], "").code, 0);
    assert_eq!(run(&["keys", "list"], "").code, 0);
    assert_eq!(run(&["config", "validate"], "").code, 0);

    // A crash: SIGKILL while an answer streams.
    let mut crashed = child::command(
        &["chat", "--model", "c/fake-model", "talk slowly"],
        h,
        &s.address,
    )
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn");
    let mut first = [0u8; 256];
    let mut out = crashed.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("word") {
        let n = out.read(&mut first).expect("read");
        assert!(
            n > 0,
            "the chat ended before its answer streamed: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&first[..n]);
    }
    crashed.kill().expect("kill -9");
    let _status = crashed.wait().expect("reap");
    let mut rest = String::new();
    let _ignored = out.read_to_string(&mut rest);
    let mut err = String::new();
    let _ignored = crashed
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err);
    outputs.push(format!(
        "crash\n{}{rest}\n{err}",
        String::from_utf8_lossy(&seen)
    ));

    // The control: the keys were in use, sent where they belong.
    let bearer = |fake: &switchboard_fakes::FakeServer, key: &str| {
        fake.requests()
            .iter()
            .any(|r| r.header("authorization") == Some(&format!("Bearer {key}")))
    };
    assert!(bearer(&limited, &key_a) && bearer(&good, &key_b) && bearer(&slow, &key_a));

    // The grep.
    let mut places = Vec::new();
    let mut hits = Vec::new();
    for (i, text) in outputs.iter().enumerate() {
        places.push(format!("output {i}"));
        for k in [&key_a, &key_b] {
            if text.contains(k.as_str()) {
                hits.push(format!("output {i}"));
            }
        }
    }
    for dir in [h, s.home.path()] {
        for file in files_under(dir) {
            let mut bytes = Vec::new();
            if std::fs::File::open(&file)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .is_err()
            {
                continue;
            }
            places.push(file.display().to_string());
            let text = String::from_utf8_lossy(&bytes);
            for k in [&key_a, &key_b] {
                if text.contains(k.as_str()) {
                    hits.push(file.display().to_string());
                }
            }
        }
    }
    let kinds = [
        "config.json5",
        "config.json5.bak",
        "openclaw.json",
        "openclaw.json.bak",
        "history",
        "-wal",
        "log",
    ];
    for kind in kinds {
        assert!(
            places.iter().any(|p| p.contains(kind)),
            "{kind} was not among the places scanned: {places:#?}"
        );
    }
    let files: Vec<&str> = places
        .iter()
        .skip(outputs.len())
        .filter_map(|p| p.rsplit('/').next())
        .collect();
    eprintln!("scanned files: {}", files.join(", "));
    eprintln!(
        "FIGURE key never leaves: {} places scanned ({} outputs, {} files), {} hits",
        places.len(),
        outputs.len(),
        places.len() - outputs.len(),
        hits.len()
    );
    assert!(hits.is_empty(), "the key leaked into: {hits:#?}");
}

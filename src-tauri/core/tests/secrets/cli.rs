//! The `keys` CLI against the real keychain, a grep for a known key over everything a user or a
//! log could see, and the documented error when there is no keychain.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::child;
use super::session::{self, files_under};

/// A key nobody else could print by accident.
fn canary(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("sbcanary{tag}{}x{nanos}", std::process::id())
}

/// A one-route HTTP server: `GET /v1/models` answers 200 when the bearer is `key`, else 401.
/// Returns its base URL and the request heads it saw.
fn fake_models_server(key: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}/v1", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut head = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                head.push_str(&line);
                line.clear();
            }
            let ok = head.to_ascii_lowercase().contains(&format!(
                "authorization: bearer {}",
                key.to_ascii_lowercase()
            ));
            log.lock().expect("lock").push(head);
            let (status, body) = if ok {
                ("200 OK", r#"{"object":"list","data":[]}"#)
            } else {
                ("401 Unauthorized", r#"{"error":{"message":"bad key"}}"#)
            };
            let reply = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            let _sent = (&stream).write_all(reply.as_bytes());
        }
    });
    (base, seen)
}

#[test]
fn set_list_test_get_delete_and_the_key_appears_nowhere() {
    let s = session::shared();
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let key = canary("one");
    let key2 = canary("two");
    let (base, seen) = fake_models_server(key2.clone());
    let config = h.join("config/switchboard/config.json5");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    std::fs::write(
        &config,
        format!(r#"{{ models: {{ providers: {{ openai: {{ baseUrl: "{base}" }} }} }} }}"#),
    )
    .expect("config");

    let mut outputs = Vec::new();
    let mut run = |args: &[&str], stdin: &str| {
        let out = child::run(args, stdin, h, &s.address);
        outputs.push(format!("{args:?}\n{}\n{}", out.stdout, out.stderr));
        out
    };
    let set = run(&["keys", "set", "openai"], &format!("{key}\n"));
    assert_eq!(set.code, 0, "{set:?}");
    assert!(
        set.stdout
            .contains("stored the key for openai in the OS keychain (service switchboard-dev)"),
        "{set:?}"
    );
    let store = switchboard_core::secrets::KeyringStore::default();
    use switchboard_core::secrets::Store;
    assert_eq!(
        store.get("openai").expect("get").expect("stored").expose(),
        key
    );

    // Wrong key: rejected, exit 1; nothing stored or changed by a failed test.
    let rejected = run(&["keys", "test", "openai"], "");
    assert_eq!(rejected.code, 1, "{rejected:?}");
    assert!(
        rejected.stdout.contains("openai: rejected (HTTP 401)"),
        "{rejected:?}"
    );

    // Replace, then the test passes and the server saw the bearer.
    assert_eq!(run(&["keys", "set", "openai"], &key2).code, 0);
    assert_eq!(
        store.get("openai").expect("get").expect("stored").expose(),
        key2
    );
    let ok = run(&["keys", "test", "openai"], "");
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(ok.stdout.contains("openai: ok"), "{ok:?}");
    assert!(seen.lock().expect("lock").iter().any(|h| h.contains(&key2)));

    let list = run(&["keys", "list"], "");
    assert_eq!(list.code, 0, "{list:?}");
    let tail = &key2[key2.len() - 4..];
    assert!(
        list.stdout.contains(&format!("openai\tkeychain (…{tail})")),
        "{list:?}"
    );

    // keys get: the one output that carries the key, by design (OpenClaw's exec protocol).
    let get = child::run(
        &["keys", "get"],
        r#"{"protocolVersion":1,"provider":"switchboard","ids":["openai","nope"]}"#,
        h,
        &s.address,
    );
    assert_eq!(get.code, 0, "{get:?}");
    let line = get
        .stdout
        .lines()
        .find(|l| l.starts_with("{\"protocolVersion\""))
        .expect("answer line");
    let v: serde_json::Value = serde_json::from_str(line).expect("json");
    assert_eq!(v["values"]["openai"], key2.as_str());
    assert_eq!(v["errors"]["nope"]["code"], "NOT_FOUND");
    assert!(!get.stderr.contains(&key2), "{get:?}");

    let del = run(&["keys", "delete", "openai"], "");
    assert_eq!(del.code, 0, "{del:?}");
    assert!(del.stdout.contains("deleted the key for openai"), "{del:?}");
    assert!(store.get("openai").expect("get").is_none());
    let missing = run(&["keys", "test", "openai"], "");
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("no API key for provider openai"),
        "{missing:?}"
    );

    // The grep: every output, every file in the throw-away home (config, data, logs) and the
    // keyring's own files.
    let mut hits = Vec::new();
    for (i, text) in outputs.iter().enumerate() {
        for k in [&key, &key2] {
            if text.contains(k.as_str()) {
                hits.push(format!("output {i}: {text}"));
            }
        }
    }
    let mut scanned = 0;
    for dir in [h, s.home.path()] {
        for file in files_under(dir) {
            let mut bytes = Vec::new();
            if std::fs::File::open(&file)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .is_err()
            {
                continue;
            }
            scanned += 1;
            let text = String::from_utf8_lossy(&bytes);
            for k in [&key, &key2] {
                if text.contains(k.as_str()) {
                    hits.push(file.display().to_string());
                }
            }
        }
    }
    let logs = files_under(&h.join("state")).len() + files_under(&h.join("data")).len();
    assert!(
        scanned > 3 && logs > 0,
        "scanned {scanned} files, {logs} logs"
    );
    assert!(hits.is_empty(), "the key leaked into: {hits:#?}");
    eprintln!(
        "grep: {scanned} files and {} outputs scanned, 0 hits",
        outputs.len()
    );
}

#[test]
fn no_keychain_is_a_clear_error_and_nothing_is_written() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let key = canary("nokc");
    // No session bus at all.
    let out = child::run(
        &["keys", "set", "anthropic"],
        &key,
        h,
        "unix:path=/nonexistent/bus",
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("no OS keychain is available"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("install gnome-keyring or KWallet"),
        "{out:?}"
    );
    // A bus with no Secret Service on it.
    let bare = session::start(false);
    let out = child::run(&["keys", "list"], "", h, &bare.address);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("no OS keychain is available"),
        "{out:?}"
    );
    // A locked collection.
    let locked = session::start(true);
    let lock = session::command("dbus-send", locked.home.path(), &locked.address)
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
        ])
        .args([
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .expect("dbus-send");
    assert!(lock.status.success(), "{lock:?}");
    let out = child::run(&["keys", "set", "anthropic"], &key, h, &locked.address);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("no OS keychain is available (the keychain is locked"),
        "{out:?}"
    );
    for file in files_under(h) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(!text.contains(&key), "{}", file.display());
    }
    assert!(!out.stdout.contains(&key) && !out.stderr.contains(&key));
}

//! Moving an OpenClaw file's plaintext key into the keychain: the rewritten file refers to it
//! through an exec secret provider; our resolver, and OpenClaw itself when installed
//! (`SWITCHBOARD_OPENCLAW_HOME`), resolve it through `switchboard keys get`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use switchboard_core::config;
use switchboard_core::secrets::{import, KeyringStore, Resolver, SecretProviders, Source, Store};

use super::{child, session};

/// An exec command for OpenClaw: a script that runs `switchboard keys get` (this test binary's
/// child entry point) and passes on only the protocol line (the harness prints its own lines).
fn exec_script(dir: &Path, home: &Path) -> PathBuf {
    let cmd = child::command(&["keys", "get"], home, "unused");
    let exe = cmd.get_program().to_string_lossy().into_owned();
    let args: Vec<String> = cmd
        .get_args()
        .map(|a| format!("'{}'", a.to_string_lossy()))
        .collect();
    let child_env: Vec<String> = cmd
        .get_envs()
        .filter(|(k, _)| {
            *k != "DBUS_SESSION_BUS_ADDRESS" && *k != "HOME" && *k != "XDG_RUNTIME_DIR"
        })
        .filter_map(|(k, v)| {
            Some(format!(
                "{}='{}'",
                k.to_string_lossy(),
                v?.to_string_lossy()
            ))
        })
        .collect();
    let script = dir.join("switchboard-keys-get");
    let text = format!(
        "#!/bin/sh\nenv {} '{exe}' {} 2>/dev/null | grep '^{{\"protocolVersion\"'\n",
        child_env.join(" "),
        args.join(" ")
    );
    std::fs::write(&script, text).expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    script
}

fn openclaw_home() -> Option<PathBuf> {
    let home = PathBuf::from(std::env::var_os("SWITCHBOARD_OPENCLAW_HOME")?);
    home.join("openclaw/node_modules/openclaw/openclaw.mjs")
        .exists()
        .then_some(home)
}

fn openclaw(home: &Path, work: &Path, file: &Path, args: &[&str], bus: &str) -> serde_json::Value {
    for d in ["home", "tmp", "state"] {
        std::fs::create_dir_all(work.join(d)).expect("mkdir");
    }
    let out = Command::new(home.join("node/node_modules/.bin/node"))
        .arg(home.join("openclaw/node_modules/openclaw/openclaw.mjs"))
        .arg("--no-color")
        .args(args)
        .env_clear()
        .current_dir(work)
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", work.join("home"))
        .env("TMPDIR", work.join("tmp"))
        .env("OPENCLAW_STATE_DIR", work.join("state"))
        .env("OPENCLAW_LOG_LEVEL", "silent")
        .env("OPENCLAW_CONFIG_PATH", file)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .expect("node runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text.find('{').unwrap_or(0);
    serde_json::from_str(&text[start..]).unwrap_or_else(|e| {
        panic!(
            "openclaw {args:?}: {e}\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn moved_keys_resolve_through_keys_get_and_openclaw_accepts_the_file() {
    let s = session::shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let key = format!("sbcanary-openclaw-{}", std::process::id());
    let file = dir.path().join("openclaw.json");
    let original = format!(
        r#"{{ "gateway": {{ "mode": "local" }}, "models": {{ "providers": {{ "openrouter": {{ "apiKey": "{key}" }} }} }} }}"#
    );
    std::fs::write(&file, &original).expect("write");
    let script = exec_script(dir.path(), dir.path());
    let store = KeyringStore::default();
    let env = |n: &str| std::env::var(n).ok();
    let moved = import::move_keys(&file, &store, &script, &env).expect("moves");
    assert_eq!(moved.providers, ["openrouter"]);
    assert_eq!(
        store
            .get("openrouter")
            .expect("get")
            .expect("stored")
            .expose(),
        key
    );
    let backup = moved.backup.expect("backup");
    assert_eq!(std::fs::read_to_string(&backup).expect("bak"), original);
    let rewritten = std::fs::read_to_string(&file).expect("read");
    assert!(!rewritten.contains(&key), "{rewritten}");
    assert!(
        rewritten.contains(r#""source": "exec""#) || rewritten.contains(r#""source":"exec""#),
        "{rewritten}"
    );
    let loaded = config::load(&file).expect("loads");
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    // A second run finds nothing left to move and leaves the file alone.
    assert!(import::move_keys(&file, &store, &script, &env)
        .expect("again")
        .providers
        .is_empty());

    // Our resolver follows the exec ref through the script to `keys get`.
    let providers = SecretProviders::from_root(&loaded.resolved);
    let p = loaded
        .config
        .provider("openrouter")
        .expect("provider")
        .clone();
    // The keychain entry would win; resolve the ref itself through an empty keychain.
    let empty = switchboard_core::secrets::MemoryStore::new();
    let bus = s.address.clone();
    let env_with_bus = move |n: &str| match n {
        "DBUS_SESSION_BUS_ADDRESS" => Some(bus.clone()),
        _ => std::env::var(n).ok(),
    };
    let res = Resolver::new(&empty)
        .with_env(&env_with_bus)
        .with_secret_providers(providers)
        .resolve("openrouter", &p)
        .expect("resolves through exec");
    assert_eq!(
        res.source,
        Source::ConfigRef {
            source: "exec".into(),
            provider: "switchboard".into()
        }
    );
    assert_eq!(res.secret.expect("key").expose(), key);

    let Some(oc) = openclaw_home() else {
        store.delete("openrouter").expect("delete");
        switchboard_fakes::peer::missing(
            "OpenClaw resolving our exec secret ref",
            "SWITCHBOARD_OPENCLAW_HOME is not set (`source .ci/lib.sh && install_openclaw`)",
        );
        return;
    };
    let work = dir.path().join("oc");
    let verdict = openclaw(
        &oc,
        &work,
        &file,
        &["config", "validate", "--json"],
        &s.address,
    );
    assert_eq!(verdict["valid"], true, "{verdict:#}");
    let audit = openclaw(
        &oc,
        &work,
        &file,
        &["secrets", "audit", "--allow-exec", "--json"],
        &s.address,
    );
    assert_eq!(audit["summary"]["unresolvedRefCount"], 0, "{audit:#}");
    assert_eq!(audit["summary"]["plaintextCount"], 0, "{audit:#}");
    assert!(!audit.to_string().contains(&key));
    // Without the key in the keychain OpenClaw reports the ref as unresolved: it really asked us.
    store.delete("openrouter").expect("delete");
    let audit = openclaw(
        &oc,
        &work,
        &file,
        &["secrets", "audit", "--allow-exec", "--json"],
        &s.address,
    );
    assert_eq!(audit["summary"]["unresolvedRefCount"], 1, "{audit:#}");
}

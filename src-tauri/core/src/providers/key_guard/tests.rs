//! A page's edits never send a stored key to a new host.

use std::path::PathBuf;

use super::*;
use crate::config::view::{load, ProviderInput};
use crate::secrets::MemoryStore;

const KEY: &str = "sk-stored-in-the-keychain-7731";

fn env(name: &str) -> Option<String> {
    (name == "GUARD_TEST_SECRET").then(|| "aws-secret-never-sent".to_owned())
}

const TEXT: &str = r#"{
  models: { providers: {
    work: { baseUrl: "https://llm.example.com/v1", models: [{ id: "m", name: "M" }] },
    filed: { baseUrl: "https://filed.example.com/v1", apiKey: "${GUARD_TEST_KEY}", models: [{ id: "m", name: "M" }] },
    headed: { baseUrl: "https://headed.example.com/v1", headers: { "X-Api-Key": "${GUARD_TEST_KEY}" }, models: [{ id: "m", name: "M" }] },
  } },
}"#;

fn setup() -> (tempfile::TempDir, PathBuf, MemoryStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::fs::write(&path, TEXT).expect("write");
    let store = MemoryStore::default();
    store.set("work", &Secret::new(KEY)).expect("set");
    (dir, path, store)
}

fn upsert(id: &str, base_url: &str) -> EditInput {
    EditInput::UpsertProvider {
        provider: ProviderInput {
            id: id.to_owned(),
            base_url: Some(base_url.to_owned()),
            api: None,
            auth: None,
            auth_header: None,
            max_tokens: None,
            timeout_seconds: None,
            key: KeyInput::Keep,
            headers: None,
            models: None,
        },
    }
}

fn from_window(
    path: &Path,
    store: &MemoryStore,
    edit: EditInput,
) -> Result<ConfigView, ConfigError> {
    let revision = load(path, &env).expect("loads").revision;
    apply_from_window(path, revision.as_deref(), edit, &env, store)
}

fn stored(store: &MemoryStore, entry: &str) -> Option<String> {
    store
        .get(entry)
        .expect("get")
        .map(|s| s.expose().to_owned())
}

#[test]
fn a_new_origin_parks_the_stored_key_and_the_old_origin_brings_it_back() {
    let (_dir, path, store) = setup();
    // Same origin, another path: the key stays.
    from_window(&path, &store, upsert("work", "https://llm.example.com/v2")).expect("saves");
    assert_eq!(stored(&store, "work").as_deref(), Some(KEY));

    let view =
        from_window(&path, &store, upsert("work", "https://evil.example.net/v1")).expect("saves");
    assert!(view
        .providers
        .iter()
        .any(|p| p.base_url.as_deref() == Some("https://evil.example.net/v1")));
    assert_eq!(stored(&store, "work"), None, "no key goes to the new host");
    let parked = parked_entry("work", Some("https://llm.example.com:443"));
    assert_eq!(stored(&store, &parked).as_deref(), Some(KEY));

    // What a chat resolves now: nothing for the new host.
    let config = crate::config::load_with(&path, &env).expect("loads").config;
    let provider = config.provider("work").expect("work");
    let resolved = crate::secrets::Resolver::new(&store)
        .with_env(&env)
        .resolve("work", provider)
        .expect("resolves");
    assert!(resolved.secret.is_none());

    from_window(&path, &store, upsert("work", "https://llm.example.com/v1")).expect("saves");
    assert_eq!(stored(&store, "work").as_deref(), Some(KEY), "back home");
    assert_eq!(stored(&store, &parked), None);
}

#[test]
fn a_failed_save_leaves_the_key_where_it_was() {
    let (_dir, path, store) = setup();
    let err = apply_from_window(
        &path,
        Some("a-stale-revision"),
        upsert("work", "https://evil.example.net/v1"),
        &env,
        &store,
    )
    .expect_err("stale");
    assert_eq!(err.kind().as_str(), "changed_on_disk");
    assert_eq!(stored(&store, "work").as_deref(), Some(KEY));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), TEXT);
}

#[test]
fn a_key_the_file_supplies_never_follows_a_new_origin_set_from_the_window() {
    let (_dir, path, store) = setup();
    for (id, what) in [("filed", "apiKey"), ("headed", "header X-Api-Key")] {
        let err =
            from_window(&path, &store, upsert(id, "https://evil.example.net/v1")).expect_err(what);
        assert_eq!(err.kind().as_str(), "invalid", "{what}: {err}");
        assert!(err.to_string().contains("new host"), "{what}: {err}");
    }
    assert_eq!(std::fs::read_to_string(&path).expect("read"), TEXT);
}

#[test]
fn the_window_cannot_choose_which_secret_a_provider_sends() {
    let (_dir, path, store) = setup();
    let with_key = |key: KeyInput| {
        let EditInput::UpsertProvider { mut provider } =
            upsert("work", "https://llm.example.com/v1")
        else {
            unreachable!()
        };
        provider.key = key;
        from_window(&path, &store, EditInput::UpsertProvider { provider })
    };
    let err = with_key(KeyInput::Env {
        var: "GUARD_TEST_SECRET".to_owned(),
    })
    .expect_err("env");
    assert!(err.to_string().contains("cannot choose"), "{err}");
    let err = with_key(KeyInput::SecretRef {
        source: "env".to_owned(),
        provider: "default".to_owned(),
        id: "GUARD_TEST_SECRET".to_owned(),
    })
    .expect_err("ref");
    assert!(err.to_string().contains("cannot choose"), "{err}");

    assert_eq!(std::fs::read_to_string(&path).expect("read"), TEXT);
}

#[test]
fn a_batch_is_one_write_and_a_refused_one_changes_nothing() {
    let (dir, path, store) = setup();
    let local = crate::config::Provider {
        id: "lmstudio".into(),
        base_url: Some("http://127.0.0.1:1234/v1".into()),
        auth_header: Some(false),
        models: Some(vec![crate::config::ModelDef {
            id: "qwen".into(),
            name: "Qwen".into(),
            ..crate::config::ModelDef::default()
        }]),
        ..crate::config::Provider::default()
    };
    let edits = vec![
        upsert("work", "https://elsewhere.example.com/v1"),
        EditInput::SetRoutes {
            primary: "lmstudio/qwen".into(),
            fallbacks: vec!["work/m".into()],
        },
        EditInput::SetAlias {
            model_ref: "lmstudio/qwen".into(),
            alias: "Qwen".into(),
        },
    ];
    // A refused last edit: no write, and the key parked by the first one is back.
    let mut refused = edits.clone();
    refused.push(EditInput::RemoveAlias {
        model_ref: "work/m".into(),
    });
    let revision = load(&path, &env).expect("loads").revision;
    let first = vec![Edit::UpsertProvider(local.clone())];
    apply_all_from_window(
        &path,
        revision.as_deref(),
        first.clone(),
        refused,
        &env,
        &store,
    )
    .expect_err("no alias to remove");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), TEXT);
    assert_eq!(stored(&store, "work").as_deref(), Some(KEY));
    // The whole batch: one write, so the backup is the file as it was before all of it.
    let view = apply_all_from_window(&path, revision.as_deref(), first, edits, &env, &store)
        .expect("saves");
    assert_eq!(view.primary.as_deref(), Some("lmstudio/qwen"));
    assert_eq!(
        std::fs::read_to_string(crate::config::save::backup_path(&path)).expect("backup"),
        TEXT
    );
    assert_eq!(stored(&store, "work"), None, "parked: its origin changed");
    // A first save of a new file leaves no backup at all.
    let fresh = dir.path().join("fresh.json5");
    apply_all_from_window(
        &fresh,
        None,
        vec![Edit::UpsertProvider(local)],
        vec![EditInput::SetRoutes {
            primary: "lmstudio/qwen".into(),
            fallbacks: Vec::new(),
        }],
        &env,
        &store,
    )
    .expect("saves");
    assert!(!crate::config::save::backup_path(&fresh).exists());
}

//! Tests of the config view and its edits.

use super::*;
use crate::config::profile::Edit;

const SECRET_PLAIN: &str = "sk-plaintext-never-shown-4242";
const SECRET_ENV: &str = "env-value-never-shown-9191";

fn env(name: &str) -> Option<String> {
    (name == "VIEW_TEST_KEY").then(|| SECRET_ENV.to_owned())
}

const TEXT: &str = r#"{
  agents: { defaults: {
    model: { primary: "Minimax", fallbacks: ["hosted/big"] },
    models: { "lmstudio/minimax-m2.1-gs32": { alias: "Minimax" } },
  } },
  models: { providers: {
    lmstudio: {
      baseUrl: "http://127.0.0.1:1234/v1",
      apiKey: "sk-plaintext-never-shown-4242",
      api: "openai-responses",
      headers: { "X-Token": "sk-plaintext-never-shown-4242" },
      models: [{ id: "minimax-m2.1-gs32", name: "MiniMax", contextWindow: 196608, maxTokens: 8192 }],
    },
    hosted: {
      baseUrl: "https://user:pw@example.test/v1",
      apiKey: "${VIEW_TEST_KEY}",
      models: [{ id: "big", name: "Big", reasoning: true, cost: { input: 3, output: 15 } }],
    },
  } },
}"#;

fn write(dir: &Path) -> PathBuf {
    let path = dir.join("config.json5");
    std::fs::write(&path, TEXT).expect("write");
    path
}

#[test]
fn no_key_value_appears_in_a_serialized_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path());
    let view = load(&path, &env).expect("loads");
    assert!(view.valid, "{:?}", view.diagnostics);
    let json = serde_json::to_string(&view).expect("serializes");
    assert!(!json.contains(SECRET_PLAIN), "{json}");
    assert!(!json.contains(SECRET_ENV), "{json}");
    assert!(!json.contains(":pw@"), "{json}");
    let p = &view.providers;
    assert_eq!(p[0].key.as_wire(), "plaintext");
    assert_eq!(p[1].key.as_wire(), "env:VIEW_TEST_KEY");
    assert!(p[0].has_headers);
    assert_eq!(
        p[1].base_url.as_deref(),
        Some("https://***@example.test/v1")
    );
}

#[test]
fn view_applies_defaults_and_lists_aliases_and_routes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let view = load(&write(dir.path()), &env).expect("loads");
    let json = serde_json::to_value(&view).expect("serializes");
    let m = &json["providers"][0]["models"][0];
    assert_eq!(m["ref"], "lmstudio/minimax-m2.1-gs32");
    assert_eq!(m["contextWindow"], 196_608);
    assert_eq!(m["maxTokens"], 8192);
    assert_eq!(m["alias"], "Minimax");
    assert_eq!(m["api"], "openai-responses");
    let big = &json["providers"][1]["models"][0];
    assert_eq!(big["api"], "openai-completions");
    assert_eq!(big["maxTokens"], 8192);
    assert_eq!(big["contextWindow"], serde_json::Value::Null);
    assert_eq!(big["input"], serde_json::json!(["text"]));
    assert_eq!(big["cost"]["output"], 15.0);
    assert_eq!(big["cost"]["cacheRead"], 0.0);
    assert_eq!(json["primary"], "Minimax");
    assert_eq!(json["fallbacks"], serde_json::json!(["hosted/big"]));
    assert_eq!(json["mode"], "merge");
    assert_eq!(view.resolve("minimax"), Some("lmstudio/minimax-m2.1-gs32"));
    assert!(view.revision.is_some());
}

#[test]
fn diagnostics_are_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::fs::write(
        &path,
        "{\n  models: { providers: { x: { baseUrl: \"http://h/v1\", models: [{ id: \"m\", name: \"M\", contextWindow: \"big\" }] } } },\n}\n",
    )
    .expect("write");
    let view = load(&path, &env).expect("loads");
    assert!(!view.valid);
    let d = &view.diagnostics[0];
    assert_eq!(d.path, "models.providers.x.models[0].contextWindow");
    assert_eq!(d.line, 2);
    assert!(d.column > 1);
    let json = serde_json::to_value(d).expect("serializes");
    let keys: Vec<_> = json.as_object().expect("object").keys().cloned().collect();
    assert_eq!(
        keys,
        ["column", "file", "line", "message", "path", "severity"]
    );
    assert_eq!(json["severity"], "error");
}

#[test]
fn edits_deserialize_from_camel_case_json() {
    let edit: EditInput = serde_json::from_value(serde_json::json!({
            "op": "upsertModel",
        "provider": "lmstudio",
        "model": { "id": "m", "name": "M", "contextWindow": 4096, "cost": { "cacheRead": 1 } },
    }))
    .expect("parses");
    assert!(matches!(edit, EditInput::UpsertModel { .. }));
    let edit: EditInput = serde_json::from_value(serde_json::json!({
        "op": "setAlias", "ref": "a/b", "alias": "B",
    }))
    .expect("parses");
    assert_eq!(
        edit.into_edit(&Config::default()).expect("edit"),
        Edit::SetAlias {
            model_ref: "a/b".into(),
            alias: "B".into()
        }
    );
    let edit: EditInput = serde_json::from_value(serde_json::json!({
        "op": "upsertProvider",
            "provider": { "id": "p", "baseUrl": "http://h/v1", "key": { "kind": "env", "var": "P_KEY" } },
    }))
    .expect("parses");
    let Edit::UpsertProvider(p) = edit.into_edit(&Config::default()).expect("edit") else {
        panic!("not an upsert");
    };
    assert_eq!(p.api_key, Some(ApiKey::Template("${P_KEY}".into())));
    let unknown = serde_json::from_value::<EditInput>(serde_json::json!({
        "op": "setAlias", "ref": "a/b", "alias": "B", "apiKey": "x",
    }));
    assert!(unknown.is_err());
}

#[test]
fn apply_keeps_what_the_ui_does_not_edit_and_saves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path());
    let view = load(&path, &env).expect("loads");
    let edit: EditInput = serde_json::from_value(serde_json::json!({
        "op": "upsertProvider",
            "provider": { "id": "lmstudio", "baseUrl": "http://127.0.0.1:1235/v1", "api": "openai-responses" },
    }))
    .expect("parses");
    let next = apply(&path, view.revision.as_deref(), edit, &env).expect("applies");
    assert_eq!(
        next.providers[0].base_url.as_deref(),
        Some("http://127.0.0.1:1235/v1")
    );
    assert_eq!(next.providers[0].models.len(), 1, "models kept");
    assert_eq!(next.providers[0].key, KeyKind::Plaintext, "key kept");
    assert!(next.providers[0].has_headers, "headers kept");
    assert_ne!(next.revision, view.revision);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("1235"));
    assert!(text.contains("${VIEW_TEST_KEY}"), "template kept: {text}");
    assert!(!text.contains(SECRET_ENV));
}

#[test]
fn apply_refuses_a_stale_revision_and_a_bad_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path());
    let view = load(&path, &env).expect("loads");
    std::fs::write(&path, format!("{TEXT}\n")).expect("changed behind our back");
    let edit = EditInput::RemoveAlias {
        model_ref: "lmstudio/minimax-m2.1-gs32".into(),
    };
    let err = apply(&path, view.revision.as_deref(), edit.clone(), &env).expect_err("stale");
    assert_eq!(err.kind().as_str(), "changed_on_disk");
    assert_eq!(crate::Error::from(err).kind().as_str(), "conflict");

    let fresh = load(&path, &env).expect("reloads");
    let dup = EditInput::SetAlias {
        model_ref: "hosted/big".into(),
        alias: "Minimax".into(),
    };
    let err = apply(&path, fresh.revision.as_deref(), dup, &env).expect_err("duplicate alias");
    assert_eq!(crate::Error::from(err).kind().as_str(), "invalid_config");
    let next = apply(&path, fresh.revision.as_deref(), edit, &env).expect("applies");
    assert!(next.aliases.is_empty());
}

#[test]
fn a_missing_file_is_an_empty_valid_view_and_can_be_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.json5");
    let view = load(&path, &env).expect("loads");
    assert!(!view.exists && view.valid && view.revision.is_none());
    let edit: EditInput = serde_json::from_value(serde_json::json!({
        "op": "upsertProvider",
            "provider": { "id": "local", "baseUrl": "http://127.0.0.1:8000/v1" },
    }))
    .expect("parses");
    let err = apply(&path, Some("stale"), edit.clone(), &env).expect_err("stale");
    assert_eq!(err.kind().as_str(), "changed_on_disk");
    let err = apply(&path, None, edit, &env).expect_err("custom provider needs models");
    assert_eq!(err.kind().as_str(), "invalid");
    assert!(!path.exists());
}

#[test]
fn masks_only_user_info() {
    assert_eq!(mask_user_info("http://h:1/v1"), "http://h:1/v1");
    assert_eq!(mask_user_info("http://a:b@h/v1@x"), "http://***@h/v1@x");
    assert_eq!(mask_user_info("not a url"), "not a url");
}

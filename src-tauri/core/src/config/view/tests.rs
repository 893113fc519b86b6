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
        [
            "column",
            "file",
            "line",
            "message",
            "path",
            "severity",
            "sourceColumn",
            "sourceLine"
        ]
    );
    let line = d.source_line.as_deref().expect("source line");
    assert!(line.starts_with("  models: { providers"), "{line}");
    let caret = line.chars().nth(d.source_column as usize - 1);
    assert_eq!(caret, Some('"'), "the caret is under \"big\": {line}");
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

#[test]
fn a_diagnostic_in_an_included_file_shows_that_files_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::fs::write(&path, "{\n  models: { $include: \"./models.json5\" },\n}\n").expect("write");
    std::fs::write(
        dir.path().join("models.json5"),
        "{\n  providers: {\n    x: { baseUrl: \"http://h/v1\", apiKey: \"sk-include-secret-123456789\", models: [{ id: \"m\", name: \"M\", contextWindow: -5 }] },\n  },\n}\n",
    )
    .expect("write include");
    let view = load(&path, &env).expect("loads");
    let d = view
        .diagnostics
        .iter()
        .find(|d| d.path.ends_with("contextWindow"))
        .expect("contextWindow diagnostic");
    assert!(d.file.ends_with("models.json5"), "{}", d.file);
    assert_eq!(d.line, 3);
    let line = d.source_line.as_deref().expect("source line");
    assert!(line.contains("contextWindow: -5"), "{line}");
    assert!(!line.contains("sk-include-secret"), "{line}");
    assert_eq!(line.chars().nth(d.source_column as usize - 1), Some('-'));
}

fn upsert(provider: serde_json::Value) -> EditInput {
    serde_json::from_value(serde_json::json!({ "op": "upsertProvider", "provider": provider }))
        .expect("parses")
}

#[test]
fn a_whole_provider_is_written_in_one_edit_with_headers_and_models() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.json5");
    let edit = upsert(serde_json::json!({
        "id": "work",
        "baseUrl": "http://127.0.0.1:9/v1",
        "api": "openai-completions",
        "headers": [
            { "name": "X-Title", "value": { "kind": "text", "value": "Switchboard" } },
            { "name": "Authorization", "value": { "kind": "text", "value": "Bearer ${WORK_TOKEN}" } },
        ],
        "models": [{
            "id": "m1", "name": "M1", "contextWindow": 32768, "maxTokens": 4096,
            "reasoning": true, "input": ["text", "image"],
            "cost": { "input": 0.5, "output": 1.5, "cacheRead": 0.05, "cacheWrite": 0.6 },
        }],
    }));
    let view = apply(&path, None, edit, &env).expect("applies");
    let p = &view.providers[0];
    assert_eq!(p.headers.len(), 2);
    assert_eq!(p.headers[1].value.as_deref(), Some("Bearer ${WORK_TOKEN}"));
    let m = &p.models[0];
    assert!(m.reasoning);
    assert_eq!(m.input, ["text", "image"]);
    assert_eq!(m.cost.cache_write, 0.6);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("X-Title") && text.contains("${WORK_TOKEN}"),
        "{text}"
    );

    // Headers and models left out are kept; a rename keeps the model's unmodelled keys.
    std::fs::write(
        &path,
        "{ models: { providers: { work: { baseUrl: \"https://u:pw@h.test/v1\", headers: { Authorization: \"Bearer literal-token-kept\" }, models: [{ id: \"m1\", name: \"M1\", compat: { supportsTools: false } }] } } } }",
    )
    .expect("rewrite");
    let view = load(&path, &env).expect("loads");
    assert_eq!(view.providers[0].headers[0].value, None, "hidden");
    let edit = upsert(serde_json::json!({
        "id": "work",
        "baseUrl": view.providers[0].base_url,
        "headers": [{ "name": "Authorization" }],
        "models": [{ "id": "m2", "previousId": "m1", "name": "M2" }],
    }));
    apply(&path, view.revision.as_deref(), edit, &env).expect("applies");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("https://u:pw@h.test/v1"),
        "masked URL sent back keeps the real one: {text}"
    );
    assert!(text.contains("literal-token-kept"), "kept header: {text}");
    assert!(
        text.contains("supportsTools") && text.contains("m2") && !text.contains("\"m1\""),
        "{text}"
    );
}

#[test]
fn refused_provider_edits_name_the_field_and_leave_the_file_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path());
    let before = std::fs::read(&path).expect("read");
    let view = load(&path, &env).expect("loads");
    let cases = [
        (
            serde_json::json!({ "id": "hosted", "baseUrl": "ftp://x" }),
            "models.providers.hosted.baseUrl",
        ),
        (
            serde_json::json!({ "id": "hosted", "baseUrl": "https://h/v1",
                "models": [{ "id": "a", "name": "A" }, { "id": "b", "name": "B", "contextWindow": -1 }] }),
            "models.providers.hosted.models[1].contextWindow",
        ),
        (
            serde_json::json!({ "id": "hosted", "baseUrl": "https://h/v1",
                "models": [{ "id": "a", "name": "A" }, { "id": "a", "name": "B" }] }),
            "models.providers.hosted.models[1].id",
        ),
        (
            serde_json::json!({ "id": "hosted", "baseUrl": "https://h/v1",
                "headers": [{ "name": "X-Api-Key", "value": { "kind": "text", "value": "abcdef123456" } }] }),
            "models.providers.hosted.headers.X-Api-Key",
        ),
        (
            serde_json::json!({ "id": "hosted", "baseUrl": "https://h/v1", "api": "nope" }),
            "models.providers.hosted.api",
        ),
    ];
    for (input, field) in cases {
        let err = apply(&path, view.revision.as_deref(), upsert(input.clone()), &env)
            .expect_err("refused");
        let paths: Vec<_> = err.diagnostics().iter().map(|d| d.path.as_str()).collect();
        assert!(paths.contains(&field), "{input}: {paths:?}");
        assert!(!err.to_string().contains("abcdef123456"));
    }
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "file unchanged"
    );
}

use super::*;

fn config(text: &str) -> Config {
    let env = |_: &str| None;
    let read = |p: &Path| std::fs::read_to_string(p);
    let loaded = crate::config::load_str(text, Path::new("/x/c.json5"), &env, &read);
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    loaded.config
}

const BASE: &str = r#"{
  agents: { defaults: { model: { primary: "a/one", fallbacks: ["b/two"] } } },
  models: { providers: {
    a: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", models: [{ id: "one", name: "One" }] },
    b: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", models: [{ id: "two", name: "Two" }] },
  } },
}"#;

#[test]
fn changes_name_the_primary_fallbacks_and_providers() {
    let old = config(BASE);
    assert!(changes::between(&old, &old).is_empty());
    let new = config(
        &BASE
            .replace(
                r#"primary: "a/one", fallbacks: ["b/two"]"#,
                r#"primary: "b/two""#,
            )
            .replace(
                "http://127.0.0.1:9/v1\", api: \"openai-completions\", models: [{ id: \"one\"",
                "http://127.0.0.1:8/v1\", api: \"openai-completions\", models: [{ id: \"one\"",
            ),
    );
    assert_eq!(
        changes::between(&old, &new),
        [
            Change::Primary {
                to: Some("b/two".into())
            },
            Change::Fallbacks { to: vec![] },
            Change::ProviderChanged { id: "a".into() },
        ]
    );
    let fewer = config(
        r#"{ models: { providers: { c: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", models: [] } } } }"#,
    );
    let described: Vec<String> = changes::between(&old, &fewer)
        .iter()
        .map(Change::describe)
        .collect();
    assert_eq!(
        described,
        [
            "no primary route",
            "no fallbacks",
            "provider c added",
            "provider a removed",
            "provider b removed"
        ]
    );
}

#[test]
fn a_start_with_a_broken_file_routes_nowhere_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.json5");
    std::fs::write(&path, "{ nope").expect("writes");
    let live = LiveConfig::open(&path);
    assert!(live.broken());
    assert!(!live.routes_kept(), "no good config to keep");
    assert!(live.config().providers.is_empty());
    std::fs::write(&path, BASE).expect("writes");
    assert!(matches!(live.reload(), Update::Applied { .. }));
    std::fs::write(&path, "{ nope").expect("writes");
    assert!(matches!(
        live.reload(),
        Update::Kept {
            routes_kept: true,
            ..
        }
    ));
    assert_eq!(live.config().providers.len(), 2);
}

#[test]
fn a_change_the_summary_has_no_name_for_is_still_a_change() {
    let old = config(BASE);
    let mut new = old.clone();
    new.secret_providers.0.insert(
        "vault".into(),
        crate::config::SecretProvider::Unsupported("x".into()),
    );
    assert_eq!(changes::between(&old, &new), [Change::Other]);
}

#[test]
fn the_routed_view_is_the_kept_config_while_the_file_is_broken() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.json5");
    let env = |_: &str| None;
    std::fs::write(&path, "{ nope").expect("writes");
    let live = LiveConfig::open(&path);
    // Broken from the start: the file's view, with its problem.
    let view = live.routed_view(&env).expect("a view");
    assert!(!view.valid && view.providers.is_empty());
    std::fs::write(&path, BASE).expect("writes");
    live.reload();
    let good = live.routed_view(&env).expect("a view");
    assert_eq!(good.primary.as_deref(), Some("a/one"));
    std::fs::write(&path, "{ nope").expect("writes");
    live.reload();
    // Broken after a good one: the routes in force, not the broken file.
    let kept = live.routed_view(&env).expect("a view");
    assert_eq!(kept.primary.as_deref(), Some("a/one"));
    assert_eq!(kept.providers.len(), 2);
    assert!(kept.diagnostics.is_empty());
}

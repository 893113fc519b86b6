//! Unit tests of resolution order, each source, against an in-memory keychain.

use super::*;
use crate::config::SecretRef;

fn provider(id: &str, key: Option<ApiKey>) -> Provider {
    Provider {
        id: id.into(),
        api_key: key,
        ..Provider::default()
    }
}

fn env(name: &str) -> Option<String> {
    match name {
        "MY_KEY" => Some("sb-unit-from-my-key".into()),
        "OPENAI_API_KEY" => Some("sb-unit-from-openai-var".into()),
        _ => None,
    }
}

fn got(r: &Resolver<'_>, p: &Provider) -> (Option<String>, Source) {
    let r = r.resolve(&p.id, p).expect("resolves");
    (r.secret.map(|s| s.expose().to_owned()), r.source)
}

fn env_ref(provider: &str, id: &str, source: &str) -> ApiKey {
    ApiKey::Ref(SecretRef {
        source: source.into(),
        provider: provider.into(),
        id: id.into(),
    })
}

#[test]
fn keychain_first_then_config_ref_then_conventional_env_then_plaintext() {
    let store = MemoryStore::new();
    let r = Resolver::new(&store).with_env(&env);
    let plain = provider(
        "openai",
        Some(ApiKey::Plain("sb-unit-plain-literal".into())),
    );
    // Conventional env beats a literal.
    assert_eq!(
        got(&r, &plain),
        (
            Some("sb-unit-from-openai-var".into()),
            Source::Env {
                var: "OPENAI_API_KEY".into()
            }
        )
    );
    // A ${VAR} beats the conventional env.
    let templ = provider("openai", Some(ApiKey::Template("${MY_KEY}".into())));
    assert_eq!(
        got(&r, &templ),
        (
            Some("sb-unit-from-my-key".into()),
            Source::Env {
                var: "MY_KEY".into()
            }
        )
    );
    // The keychain beats everything.
    store
        .set("openai", &Secret::new("sb-unit-keychain-key"))
        .expect("set");
    assert_eq!(
        got(&r, &templ),
        (Some("sb-unit-keychain-key".into()), Source::Keychain)
    );
    // A literal is the last resort, with a warning that does not contain it.
    let other = provider(
        "custom",
        Some(ApiKey::Plain("sb-unit-plain-literal".into())),
    );
    let res = r.resolve("custom", &other).expect("resolves");
    assert_eq!(res.source, Source::Plaintext);
    let warning = res.warning.expect("warns");
    assert!(
        warning.contains("plaintext") && !warning.contains("sb-unit-plain-literal"),
        "{warning}"
    );
    // Nothing at all.
    let none = r
        .resolve("custom", &provider("custom", None))
        .expect("resolves");
    assert_eq!(none.source, Source::Missing);
    let err = require(none, "custom").expect_err("missing");
    assert!(
        err.to_string().contains("switchboard keys set custom"),
        "{err}"
    );
}

#[test]
fn env_refs_and_unset_variables() {
    let store = MemoryStore::new();
    let r = Resolver::new(&store).with_env(&env);
    let p = provider("x", Some(env_ref("default", "MY_KEY", "env")));
    assert_eq!(
        got(&r, &p),
        (
            Some("sb-unit-from-my-key".into()),
            Source::Env {
                var: "MY_KEY".into()
            }
        )
    );
    let unset = provider("x", Some(ApiKey::Template("${NOPE_UNSET}".into())));
    let err = r.resolve("x", &unset).expect_err("unset");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("NOPE_UNSET"), "{err}");
    let unknown = provider("x", Some(env_ref("vault", "/k", "file")));
    let err = r.resolve("x", &unknown).expect_err("not configured");
    assert!(err.to_string().contains("secrets.providers.vault"), "{err}");
}

#[test]
fn file_refs_json_and_single_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("keys.json");
    std::fs::write(
        &json,
        r#"{"providers":{"openai":{"apiKey":"sb-unit-file-json"}}}"#,
    )
    .expect("write");
    let single = dir.path().join("key.txt");
    std::fs::write(&single, "sb-unit-file-single\n").expect("write");
    let text = format!(
        r#"{{ secrets: {{ providers: {{ j: {{ source: "file", path: {:?} }}, s: {{ source: "file", path: {:?}, mode: "singleValue" }} }} }} }}"#,
        json.display().to_string(),
        single.display().to_string()
    );
    let root = crate::config::json5::parse(&text, 0).expect("parses").root;
    let store = MemoryStore::new();
    let r = Resolver::new(&store)
        .with_env(&env)
        .with_secret_providers(SecretProviders::from_root(&root));
    let p = provider("x", Some(env_ref("j", "/providers/openai/apiKey", "file")));
    assert_eq!(got(&r, &p).0.as_deref(), Some("sb-unit-file-json"));
    let p = provider("x", Some(env_ref("s", "value", "file")));
    let (value, source) = got(&r, &p);
    assert_eq!(value.as_deref(), Some("sb-unit-file-single"));
    assert_eq!(
        source,
        Source::ConfigRef {
            source: "file".into(),
            provider: "s".into()
        }
    );
    let p = provider("x", Some(env_ref("j", "/nope", "file")));
    assert!(r.resolve("x", &p).is_err());
}

#[test]
fn local_servers_get_their_placeholder_without_a_keychain() {
    let store = MemoryStore::unavailable();
    let r = Resolver::new(&store).with_env(&env);
    let res = r
        .resolve("lmstudio", &provider("lmstudio", None))
        .expect("no keychain needed");
    assert_eq!(res.source, Source::Placeholder);
    assert_eq!(res.header_value(), Some("lmstudio"));
    // A provider that needs a key and has no other source: the documented error.
    let err = r
        .resolve("anthropic", &provider("anthropic", None))
        .expect_err("no keychain");
    assert_eq!(err.kind(), ErrorKind::NoKeychain);
    // With a non-plaintext source it still works.
    let p = provider("openai", None);
    assert_eq!(
        got(&r, &p).1,
        Source::Env {
            var: "OPENAI_API_KEY".into()
        }
    );
}

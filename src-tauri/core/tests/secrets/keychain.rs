//! The keychain store and the resolution order against the real gnome-keyring.

use switchboard_core::config::{ApiKey, Provider};
use switchboard_core::secrets::{KeyringStore, Resolver, Secret, Source, Store};

use super::session;

#[test]
fn set_get_replace_delete_round_trip() {
    session::shared();
    let store = KeyringStore::new(format!("switchboard-test-{}", std::process::id()));
    assert!(store.get("roundtrip").expect("get").is_none());
    store
        .set("roundtrip", &Secret::new("sb-rt-key-first-0001"))
        .expect("set");
    assert_eq!(
        store.get("roundtrip").expect("get").expect("some").expose(),
        "sb-rt-key-first-0001"
    );
    store
        .set("roundtrip", &Secret::new("sb-rt-key-second-0002"))
        .expect("replace");
    assert_eq!(
        store.get("roundtrip").expect("get").expect("some").expose(),
        "sb-rt-key-second-0002"
    );
    // Other services (another build) do not see it.
    assert!(KeyringStore::new("switchboard-other")
        .get("roundtrip")
        .expect("get")
        .is_none());
    assert!(store.delete("roundtrip").expect("delete"));
    assert!(!store.delete("roundtrip").expect("delete again"));
    assert!(store.get("roundtrip").expect("get").is_none());
}

#[test]
fn the_keychain_comes_before_every_other_source() {
    session::shared();
    let store = KeyringStore::new(format!("switchboard-order-{}", std::process::id()));
    let env = |n: &str| {
        (n == "OPENROUTER_API_KEY" || n == "OR_KEY").then(|| "sb-order-from-env".to_owned())
    };
    let p = Provider {
        id: "openrouter".into(),
        api_key: Some(ApiKey::Template("${OR_KEY}".into())),
        ..Provider::default()
    };
    let r = Resolver::new(&store).with_env(&env);
    let res = r.resolve("openrouter", &p).expect("resolves");
    assert_eq!(
        res.source,
        Source::Env {
            var: "OR_KEY".into()
        }
    );
    store
        .set("openrouter", &Secret::new("sb-order-from-keychain"))
        .expect("set");
    let res = r.resolve("openrouter", &p).expect("resolves");
    assert_eq!(res.source, Source::Keychain);
    assert_eq!(res.secret.expect("key").expose(), "sb-order-from-keychain");
    assert_eq!(
        format!("{:?}", r.resolve("openrouter", &p).expect("ok"))
            .matches("sb-order")
            .count(),
        0
    );
    store.delete("openrouter").expect("delete");
}

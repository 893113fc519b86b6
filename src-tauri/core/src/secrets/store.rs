//! Where keys live: the [`Store`] trait, the OS keychain behind it ([`KeyringStore`]: Secret
//! Service on Linux, Keychain on macOS, Credential Manager on Windows, through `keyring` 3) and
//! an in-memory [`MemoryStore`] for tests. One entry per provider id, under [`service()`].

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Error, Secret};

/// The keychain service name of release builds.
pub const SERVICE: &str = "switchboard";
/// The keychain service name of debug builds, so a dev build never reads or overwrites the
/// keys of an installed release.
pub const DEV_SERVICE: &str = "switchboard-dev";

/// The service name this build uses: [`SERVICE`], or [`DEV_SERVICE`] in debug builds.
pub fn service() -> &'static str {
    if cfg!(debug_assertions) {
        DEV_SERVICE
    } else {
        SERVICE
    }
}

/// A keychain: one secret per provider id.
pub trait Store: Send + Sync {
    /// The key stored for `provider`, if any.
    fn get(&self, provider: &str) -> Result<Option<Secret>, Error>;
    /// Stores (or replaces) the key for `provider`.
    fn set(&self, provider: &str, key: &Secret) -> Result<(), Error>;
    /// Deletes the key for `provider`; `false` when there was none.
    fn delete(&self, provider: &str) -> Result<bool, Error>;
}

/// The OS keychain, via the `keyring` crate.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore::new(service())
    }
}

impl KeyringStore {
    /// The keychain under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }

    fn entry(&self, provider: &str) -> Result<keyring::Entry, Error> {
        check_id(provider)?;
        keyring::Entry::new(&self.service, provider).map_err(|e| map_err(provider, e))
    }
}

/// Provider ids are config keys; keep them to what OpenClaw's exec ids allow.
pub(crate) fn check_id(provider: &str) -> Result<(), Error> {
    let ok = !provider.is_empty()
        && provider.len() <= 128
        && provider
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && provider
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:/#-".contains(c))
        && !provider.split('/').any(|s| s == "." || s == "..");
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "not a valid provider id: {provider:?} (letters, digits and ._:/#- only)"
        )))
    }
}

fn map_err(provider: &str, e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoStorageAccess(inner) => Error::NoKeychain {
            detail: format!("the keychain is locked or refused access: {inner}"),
        },
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            if text.contains("locked") {
                return Error::NoKeychain {
                    detail: format!("the keychain is locked; unlock it (log in to the desktop session or open your keyring manager): {text}"),
                };
            }
            let unreachable = [
                "D-Bus",
                "DBus",
                "dbus",
                "socket",
                "ServiceUnknown",
                "secrets",
            ]
            .iter()
            .any(|needle| text.contains(needle));
            if unreachable {
                Error::NoKeychain {
                    detail: format!("cannot reach a Secret Service on the session bus: {text}"),
                }
            } else {
                Error::Keychain {
                    provider: provider.to_owned(),
                    detail: text,
                }
            }
        }
        // Ambiguous lists credentials (attributes, not secrets); keep the message short anyway.
        keyring::Error::Ambiguous(items) => Error::Keychain {
            provider: provider.to_owned(),
            detail: format!(
                "{} keychain entries match; delete them and set the key again",
                items.len()
            ),
        },
        keyring::Error::BadEncoding(_) => Error::Keychain {
            provider: provider.to_owned(),
            detail: "the stored key is not UTF-8 text".into(),
        },
        other => Error::Keychain {
            provider: provider.to_owned(),
            detail: other.to_string(),
        },
    }
}

impl Store for KeyringStore {
    fn get(&self, provider: &str) -> Result<Option<Secret>, Error> {
        match self.entry(provider)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(provider, e)),
        }
    }

    fn set(&self, provider: &str, key: &Secret) -> Result<(), Error> {
        self.entry(provider)?
            .set_password(key.expose())
            .map_err(|e| map_err(provider, e))
    }

    fn delete(&self, provider: &str) -> Result<bool, Error> {
        match self.entry(provider)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_err(provider, e)),
        }
    }
}

/// An in-memory keychain for tests; [`MemoryStore::unavailable`] acts like a machine without one.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Secret>>,
    unavailable: bool,
}

impl MemoryStore {
    /// An empty, working store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// A store that fails every call the way a machine without a Secret Service does.
    pub fn unavailable() -> Self {
        MemoryStore {
            unavailable: true,
            ..MemoryStore::default()
        }
    }

    fn check(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Secret>>, Error> {
        if self.unavailable {
            return Err(Error::NoKeychain {
                detail: "no Secret Service on the session bus".into(),
            });
        }
        Ok(self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl Store for MemoryStore {
    fn get(&self, provider: &str) -> Result<Option<Secret>, Error> {
        check_id(provider)?;
        Ok(self.check()?.get(provider).cloned())
    }

    fn set(&self, provider: &str, key: &Secret) -> Result<(), Error> {
        check_id(provider)?;
        self.check()?.insert(provider.to_owned(), key.clone());
        Ok(())
    }

    fn delete(&self, provider: &str) -> Result<bool, Error> {
        check_id(provider)?;
        Ok(self.check()?.remove(provider).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip_and_unavailable() {
        let store = MemoryStore::new();
        assert!(store.get("openai").expect("get").is_none());
        store
            .set("openai", &Secret::new("sb-mem-key-1"))
            .expect("set");
        store
            .set("openai", &Secret::new("sb-mem-key-2"))
            .expect("replace");
        let got = store.get("openai").expect("get").expect("some");
        assert_eq!(got.expose(), "sb-mem-key-2");
        assert!(store.delete("openai").expect("delete"));
        assert!(!store.delete("openai").expect("delete again"));
        let err = MemoryStore::unavailable()
            .get("openai")
            .expect_err("no keychain");
        assert_eq!(err.kind(), super::super::ErrorKind::NoKeychain);
        assert!(
            err.to_string().contains("gnome-keyring or KWallet"),
            "{err}"
        );
    }

    #[test]
    fn provider_ids_are_checked() {
        for bad in ["", "../x", "-x", "a b", "a/../b"] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
        for good in ["openai", "my-local_1", "a.b:c/d#e"] {
            assert!(check_id(good).is_ok(), "{good}");
        }
        assert_eq!(service(), DEV_SERVICE);
    }
}

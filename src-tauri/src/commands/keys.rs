//! API key commands for the Providers screen and the Setup wizard: status, set, delete, test.
//!
//! A key travels from the page to Rust once (`keys_set`, or `keys_test` before saving) and is
//! never returned, logged or echoed: arguments holding a key are skipped by `instrument`, the key
//! is wrapped in a [`Secret`] at once, and replies carry only where a key comes from plus at most
//! its last four characters. With no OS keychain the commands fail with kind `keychain` and the
//! fix in the message.

use switchboard_core::catalog::{self, Locality};
use switchboard_core::config::view::{self, ConfigView, KeyKind};
use switchboard_core::providers::key_test;
use switchboard_core::secrets::{self, KeyringStore, Resolver, Secret, SecretProviders, Store};
use switchboard_core::ErrorKind;
use tauri::State;

use crate::error::{IpcError, IpcErrorKind};
use crate::models::{KeyState, KeyStatus, KeyTestResult, KeysStatus, Probe};
use crate::state::AppState;

fn core(err: impl Into<switchboard_core::Error>) -> IpcError {
    IpcError::from(err.into())
}

fn joined(e: tauri::Error) -> IpcError {
    IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("the keychain task failed: {e}"),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Trims `key` in place (no copy is left behind) and wraps it; empty is an error.
pub(crate) fn secret_from(mut key: String) -> Result<Secret, IpcError> {
    let end = key.trim_end().len();
    key.truncate(end);
    let start = key.len() - key.trim_start().len();
    key.drain(..start);
    if key.is_empty() {
        return Err(IpcError {
            kind: ErrorKind::InvalidInput.into(),
            message: "the key is empty; nothing was stored".into(),
        });
    }
    Ok(Secret::new(key))
}

fn status_row(
    provider: &str,
    kind: Option<&KeyKind>,
    stored: Option<&Secret>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Option<KeyStatus> {
    let row = |state: KeyState, var: Option<String>, hint: Option<String>, detail: String| {
        Some(KeyStatus {
            provider: provider.to_owned(),
            state,
            var,
            hint,
            detail,
        })
    };
    if let Some(secret) = stored {
        let hint = secret.hint();
        let detail = hint.as_ref().map_or("set in keychain".to_owned(), |h| {
            format!("set in keychain · …{h}")
        });
        return row(KeyState::Keychain, None, hint, detail);
    }
    let conventional = catalog::env_var(provider).filter(|v| lookup(v).is_some());
    match kind {
        Some(KeyKind::Env(names)) => {
            let var = names.join(",");
            let unset = names.iter().any(|n| lookup(n).is_none());
            if unset {
                let detail = format!("from env {var} (not set)");
                row(KeyState::EnvUnset, Some(var), None, detail)
            } else {
                let detail = format!("from env {var}");
                row(KeyState::Env, Some(var), None, detail)
            }
        }
        Some(KeyKind::SecretRef) => {
            row(KeyState::ConfigRef, None, None, "from a secret ref".into())
        }
        _ if conventional.is_some() => {
            let var = conventional.unwrap_or_default().to_owned();
            row(
                KeyState::Env,
                Some(var.clone()),
                None,
                format!("from env {var}"),
            )
        }
        Some(KeyKind::Plaintext) => row(
            KeyState::Plaintext,
            None,
            None,
            "plaintext in the config file: move it to the keychain".into(),
        ),
        _ if catalog::placeholder(provider).is_some() => row(
            KeyState::NotNeeded,
            None,
            None,
            "local server: no key needed".into(),
        ),
        None => None,
        Some(KeyKind::None) => row(KeyState::Missing, None, None, "missing".into()),
    }
}

/// Each configured provider (then the catalog's hosted ones that have a key somewhere) and where
/// its key comes from. The keychain is read here in Rust; only the last four characters leave.
fn status_of(
    config: &ConfigView,
    store: &dyn Store,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> KeysStatus {
    let mut keychain = Probe::found("the OS keychain answers");
    let mut ids: Vec<(&str, Option<&KeyKind>)> = config
        .providers
        .iter()
        .map(|p| (p.id.as_str(), Some(&p.key)))
        .collect();
    for known in catalog::all()
        .iter()
        .filter(|p| p.locality == Locality::Hosted)
    {
        if !ids.iter().any(|(i, _)| *i == known.id) {
            ids.push((known.id, None));
        }
    }
    let mut providers = Vec::new();
    for (id, kind) in ids {
        let stored = if catalog::placeholder(id).is_some() || !keychain.available {
            None
        } else {
            match store.get(id) {
                Ok(found) => found,
                Err(e) => {
                    keychain =
                        Probe::missing(IpcError::from(switchboard_core::Error::from(e)).message);
                    None
                }
            }
        };
        providers.extend(status_row(id, kind, stored.as_ref(), lookup));
    }
    KeysStatus {
        keychain,
        providers,
    }
}

/// Where each provider's key comes from: keychain (with a last-4 hint), env VAR, missing or not
/// needed. Never a key.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn keys_status(state: State<'_, AppState>) -> Result<KeysStatus, IpcError> {
    let path = state.paths.config_file.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let config = view::load(&path, &env).map_err(core)?;
        Ok(status_of(&config, &KeyringStore::default(), &env))
    })
    .await
    .map_err(joined)?
}

/// Refuses local servers that need no key (the keychain store checks the id itself).
fn check_settable(provider: &str) -> Result<(), IpcError> {
    if catalog::placeholder(provider).is_some() {
        return Err(IpcError {
            kind: ErrorKind::InvalidInput.into(),
            message: format!("{provider} is a local server that needs no key"),
        });
    }
    Ok(())
}

/// Stores (or replaces) `provider`'s key in the OS keychain. The key is never returned.
#[tauri::command]
#[tracing::instrument(skip(state, key), err)]
pub(crate) async fn keys_set(
    state: State<'_, AppState>,
    provider: String,
    key: String,
) -> Result<(), IpcError> {
    check_settable(&provider)?;
    let secret = secret_from(key)?;
    let stored = tauri::async_runtime::spawn_blocking(move || {
        KeyringStore::default()
            .set(&provider, &secret)
            .map_err(core)?;
        tracing::info!(provider, "key stored in the keychain");
        Ok(())
    })
    .await
    .map_err(joined)?;
    state.router.forget_targets();
    stored
}

/// Deletes `provider`'s key from the keychain; `false` when there was none.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn keys_delete(
    state: State<'_, AppState>,
    provider: String,
) -> Result<bool, IpcError> {
    let deleted = tauri::async_runtime::spawn_blocking(move || {
        KeyringStore::default().delete(&provider).map_err(core)
    })
    .await
    .map_err(joined)?;
    state.router.forget_targets();
    deleted
}

/// The endpoint to test against and the key to test with: the arguments first, then the config
/// and the catalog, then the key as resolved for `provider`.
fn test_input(
    path: &std::path::Path,
    provider: &str,
    key: Option<Secret>,
    base_url: Option<String>,
    api: Option<String>,
) -> Result<(String, String, Secret), IpcError> {
    let loaded = switchboard_core::config::load(path).map_err(core)?;
    let fallback = switchboard_core::config::Provider {
        id: provider.to_owned(),
        ..Default::default()
    };
    let configured = loaded.config.provider(provider).unwrap_or(&fallback);
    let (base, api) =
        key_test::endpoint_for(provider, base_url, api, configured).ok_or_else(|| IpcError {
            kind: ErrorKind::InvalidInput.into(),
            message: format!("{provider}: give a base URL (it is not a built-in provider)"),
        })?;
    let key = match key {
        Some(key) => key,
        // The base URL may come from the window: a stored key only goes to the provider's own
        // server (its configured base URL, or its well-known endpoint).
        None if !key_test::stored_key_may_go_to(
            provider,
            configured.base_url.as_deref(),
            &base,
        ) =>
        {
            return Err(IpcError {
                kind: ErrorKind::InvalidInput.into(),
                message: format!(
                    "{provider}: a stored key is only sent to the provider's own server; type \
                     the key to test it against {base}"
                ),
            });
        }
        None => {
            let store = KeyringStore::default();
            let resolver = Resolver::new(&store)
                .with_secret_providers(SecretProviders::from_root(&loaded.resolved));
            let resolved = secrets::require(
                resolver.resolve(provider, configured).map_err(core)?,
                provider,
            )
            .map_err(core)?;
            match (resolved.secret, resolved.placeholder) {
                (Some(secret), _) => secret,
                (None, Some(p)) => Secret::new(p.to_owned()),
                (None, None) => {
                    return Err(IpcError {
                        kind: ErrorKind::NotFound.into(),
                        message: format!("{provider}: no key to test"),
                    })
                }
            }
        }
    };
    Ok((base, api, key))
}

/// Makes one cheap authenticated call (list models) with `key` (else the stored key) and says
/// whether it worked. Stores nothing.
#[tauri::command]
#[tracing::instrument(skip(state, key), err)]
pub(crate) async fn keys_test(
    state: State<'_, AppState>,
    provider: String,
    key: Option<String>,
    base_url: Option<String>,
    api: Option<String>,
) -> Result<KeyTestResult, IpcError> {
    let key = key.map(secret_from).transpose()?;
    let path = state.paths.config_file.clone();
    let (base, api, key) = tauri::async_runtime::spawn_blocking(move || {
        test_input(&path, &provider, key, base_url, api)
    })
    .await
    .map_err(joined)??;
    Ok(KeyTestResult::from(
        key_test::test_key(&base, &api, &key).await,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::secrets::MemoryStore;

    fn view_of(text: &str) -> ConfigView {
        let read = |_: &std::path::Path| Err(std::io::ErrorKind::NotFound.into());
        let loaded = switchboard_core::config::load_str(
            text,
            std::path::Path::new("c.json5"),
            &|_| None,
            &read,
        );
        view::of(&loaded, None)
    }

    #[test]
    fn status_says_where_each_key_is_and_never_what_it_is() {
        let config = view_of(
            r#"{ models: { providers: {
                lmstudio: { baseUrl: "http://127.0.0.1:1234/v1", models: [] },
                anthropic: { baseUrl: "https://api.anthropic.com/v1", models: [] },
                work: { baseUrl: "http://h/v1", apiKey: "${WORK_KEY}", models: [] },
                bare: { baseUrl: "http://h/v1", models: [] },
            } } }"#,
        );
        let store = MemoryStore::new();
        store
            .set("anthropic", &Secret::new("sk-ant-secret-value-9876"))
            .expect("stores");
        let lookup = |name: &str| (name == "OPENAI_API_KEY").then(|| "sk-env-value-0000".into());
        let status = status_of(&config, &store, &lookup);
        assert!(status.keychain.available);
        let rows: Vec<(&str, KeyState, Option<&str>)> = status
            .providers
            .iter()
            .map(|r| (r.provider.as_str(), r.state, r.hint.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                ("lmstudio", KeyState::NotNeeded, None),
                ("anthropic", KeyState::Keychain, Some("9876")),
                ("work", KeyState::EnvUnset, None),
                ("bare", KeyState::Missing, None),
                ("openai", KeyState::Env, None),
            ]
        );
        assert_eq!(status.providers[1].detail, "set in keychain · …9876");
        assert_eq!(status.providers[2].detail, "from env WORK_KEY (not set)");
        let json = serde_json::to_string(&status).expect("serializes");
        assert!(!json.contains("secret-value"), "{json}");
        assert!(!json.contains("sk-env-value"), "{json}");
    }

    #[test]
    fn without_a_keychain_the_status_says_how_to_fix_it() {
        let config =
            view_of(r#"{ models: { providers: { x: { baseUrl: "http://h/v1", models: [] } } } }"#);
        let status = status_of(&config, &MemoryStore::unavailable(), &|_| None);
        assert!(!status.keychain.available);
        assert!(
            status.keychain.detail.contains("gnome-keyring"),
            "{}",
            status.keychain.detail
        );
        assert_eq!(status.providers[0].state, KeyState::Missing);
    }

    #[test]
    fn keys_are_trimmed_and_empty_keys_refused() {
        let secret = secret_from("  trimmed-test-value\n".into()).expect("a key");
        assert_eq!(secret.expose(), "trimmed-test-value");
        assert_eq!(
            secret_from(" \n".into()).err().map(|e| e.kind),
            Some(IpcErrorKind::Core(ErrorKind::InvalidInput))
        );
        assert!(check_settable("lmstudio").is_err());
        assert!(check_settable("anthropic").is_ok());
    }

    #[test]
    fn a_stored_key_is_never_tested_against_another_server() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json5");
        std::fs::write(
            &path,
            r#"{ models: { providers: {
                work: { baseUrl: "https://gw.example.com/v1", models: [] } } } }"#,
        )
        .expect("write");
        for (provider, elsewhere) in [
            ("work", "https://collector.example.net/v1"),
            ("openai", "https://api.openai.com.example.net/v1"),
        ] {
            let refused = test_input(&path, provider, None, Some(elsewhere.into()), None)
                .err()
                .map(|e| (e.kind, e.message));
            let (kind, message) = refused.expect("refused");
            assert_eq!(kind, "invalid_input");
            assert!(message.contains("type the key"), "{message}");
        }
        // A typed key may be tried anywhere: the person gave it for that server.
        let (base, _, key) = test_input(
            &path,
            "work",
            Some(Secret::new("typed-key-value-0006")),
            Some("https://collector.example.net/v1".into()),
            None,
        )
        .expect("a typed key is tested where asked");
        assert_eq!(base, "https://collector.example.net/v1");
        assert_eq!(key.expose(), "typed-key-value-0006");
    }
}

//! Config edits from the window, guarded so stored keys stay with their servers (here, beside
//! [`super::key_test::stored_key_may_go_to`], because the config module does not use secrets).
//! A page (even one running injected script) must never be able to send
//! a key the person stored to a server they did not choose for it:
//!
//! - Changing a provider's origin (scheme, host and port of its base URL, or of its catalog
//!   endpoint when it has none) parks the key the keychain holds for it under
//!   `<id>#parked#<old origin>`, so no request carries that key to the new host. The person
//!   confirms the new host by entering the key again (Providers screen or
//!   `switchboard keys set`); changing the origin back restores the parked key.
//! - The same change is refused when the provider's key comes from somewhere an edit cannot
//!   park: the config file's `apiKey`, a header that reads an environment variable or holds a
//!   hidden value, or the provider's conventional variable (`OPENAI_API_KEY`, …). Those move
//!   to a new host only by editing the file.
//! - The window cannot point `apiKey` at an environment variable or a secret ref: the page would
//!   be choosing which secret to send. (A header may still read `${VAR}` from the window: that
//!   is how the editor keeps header credentials out of the file.)

use std::path::Path;

use crate::catalog;
use crate::config::diag::ConfigPath;
use crate::config::env::{referenced_names, Lookup};
use crate::config::json5::Node;
use crate::config::model::{ApiKey, Provider};
use crate::config::profile::Edit;
use crate::config::view::{apply, is_secret_header, ConfigView, EditInput, KeyInput};
use crate::config::ConfigError;
use crate::secrets::{ErrorKind, Secret, Store};

use super::key_test::origin_of;

/// The keychain entry a provider's key is parked under while its origin is `origin`.
pub fn parked_entry(provider_id: &str, origin: Option<&str>) -> String {
    format!("{provider_id}#parked#{}", origin.unwrap_or("none"))
}

/// [`apply`] for an edit that comes from the window, with the rules in the module docs;
/// `store` is the keychain whose entry for an edited provider may be parked or restored.
pub fn apply_from_window(
    path: &Path,
    revision: Option<&str>,
    edit: EditInput,
    env: Lookup<'_>,
    store: &dyn Store,
) -> Result<ConfigView, ConfigError> {
    let EditInput::UpsertProvider { provider: input } = &edit else {
        return apply(path, revision, edit, env);
    };
    let id = input.id.clone();
    let here = ConfigPath::root().key("models").key("providers").key(&id);
    if !matches!(input.key, KeyInput::Keep | KeyInput::None) {
        return Err(ConfigError::rejected(
            &here.key("apiKey").to_string(),
            "the window cannot choose where a key is read from (an environment variable or a \
             secret ref): enter the key itself, or set apiKey in the config file",
        ));
    }
    let loaded = crate::config::load_with(path, env)?;
    let before = loaded.config.provider(&id).cloned();
    let Edit::UpsertProvider(after) = edit.clone().into_edit(&loaded.config)? else {
        return apply(path, revision, edit, env);
    };
    let old_origin = provider_origin(&id, before.as_ref());
    let new_origin = provider_origin(&id, Some(&after));
    if old_origin == new_origin {
        return apply(path, revision, edit, env);
    }
    if let Some(reason) = before.as_ref().and_then(|p| unparkable_key(&id, p, env)) {
        return Err(ConfigError::rejected(
            &here.key("baseUrl").to_string(),
            format!(
                "{reason} would be sent to the new host; change the base URL in the config file \
                 if that is what you want"
            ),
        ));
    }
    let keychain = |e: crate::secrets::Error| {
        ConfigError::io(path, std::io::Error::other(format!("keychain: {e}")))
    };
    let parked = parked_entry(&id, old_origin.as_deref());
    let moved = move_key(store, &id, &parked).map_err(keychain)?;
    let restored = if moved {
        false
    } else {
        let from = parked_entry(&id, new_origin.as_deref());
        move_key(store, &from, &id).map_err(keychain)?
    };
    match apply(path, revision, edit, env) {
        Ok(view) => {
            if moved {
                tracing::info!(
                    "the stored key of {} is parked: its base URL now points elsewhere",
                    id
                );
            }
            Ok(view)
        }
        Err(e) => {
            // The file stays as it was, so the key goes back to where it was.
            let undone = if moved {
                move_key(store, &parked, &id)
            } else if restored {
                move_key(store, &id, &parked_entry(&id, new_origin.as_deref()))
            } else {
                Ok(false)
            };
            if let Err(undo) = undone {
                tracing::warn!("cannot move the key of {} back: {undo}", id);
            }
            Err(e)
        }
    }
}

/// The origin a provider's requests go to.
fn provider_origin(id: &str, provider: Option<&Provider>) -> Option<String> {
    let base = provider
        .and_then(|p| p.base_url.as_deref())
        .or_else(|| catalog::endpoint(id).map(|(base, _)| base));
    base.and_then(origin_of)
}

/// Why `provider`'s key would follow a new base URL without an edit being able to park it.
fn unparkable_key(id: &str, provider: &Provider, env: Lookup<'_>) -> Option<String> {
    match &provider.api_key {
        Some(ApiKey::Plain(value)) if catalog::placeholder(id) == Some(value.as_str()) => {}
        Some(_) => return Some(format!("the key in models.providers.{id}.apiKey")),
        None => {}
    }
    if let Some(headers) = provider.headers.as_ref().and_then(Node::members) {
        let secret = headers.iter().find(|m| {
            is_secret_header(&m.key)
                || m.value
                    .as_str()
                    .is_none_or(|text| !referenced_names(text).is_empty())
        });
        if let Some(m) = secret {
            return Some(format!("the value of the header {}", m.key));
        }
    }
    catalog::env_var(id)
        .filter(|var| env(var).is_some_and(|v| !v.is_empty()))
        .map(|var| format!("the key in the environment variable {var}"))
}

/// Moves the keychain entry `from` to `to`; `false` when `from` holds nothing (or there is no
/// keychain, so nothing is stored).
fn move_key(store: &dyn Store, from: &str, to: &str) -> Result<bool, crate::secrets::Error> {
    let key: Secret = match store.get(from) {
        Ok(Some(key)) => key,
        Ok(None) => return Ok(false),
        Err(e) if e.kind() == ErrorKind::NoKeychain => return Ok(false),
        Err(e) => return Err(e),
    };
    store.set(to, &key)?;
    store.delete(from)?;
    Ok(true)
}

#[cfg(test)]
mod tests;

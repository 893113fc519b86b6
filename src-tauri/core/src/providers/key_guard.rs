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
use crate::config::model::{ApiKey, Config, Provider};
use crate::config::profile::{self, Edit};
use crate::config::view::{
    is_secret_header, load_for_edit, save_edited, ConfigView, EditInput, KeyInput,
};
use crate::config::ConfigError;
use crate::secrets::{ErrorKind, Secret, Store};

use super::key_test::origin_of;

/// The keychain entry a provider's key is parked under while its origin is `origin`.
pub fn parked_entry(provider_id: &str, origin: Option<&str>) -> String {
    format!("{provider_id}#parked#{}", origin.unwrap_or("none"))
}

/// [`apply_all_from_window`] of one edit that comes from the window, with the rules in the module docs;
/// `store` is the keychain whose entry for an edited provider may be parked or restored.
pub fn apply_from_window(
    path: &Path,
    revision: Option<&str>,
    edit: EditInput,
    env: Lookup<'_>,
    store: &dyn Store,
) -> Result<ConfigView, ConfigError> {
    apply_all_from_window(path, revision, Vec::new(), vec![edit], env, store)
}

/// A key moved in the keychain for an edit, and how to move it back.
struct Moved {
    from: String,
    to: String,
}

/// [`crate::config::view::apply_all`] for edits from the window: `first` (made by the shell, e.g. detected servers'
/// profiles) then `edits`, saved in one write, each provider whose origin changes guarded as
/// the module docs say. A refused batch changes nothing, in the file or the keychain.
pub fn apply_all_from_window(
    path: &Path,
    revision: Option<&str>,
    first: Vec<Edit>,
    edits: Vec<EditInput>,
    env: Lookup<'_>,
    store: &dyn Store,
) -> Result<ConfigView, ConfigError> {
    for edit in &edits {
        if let EditInput::UpsertProvider { provider } = edit {
            if !matches!(provider.key, KeyInput::Keep | KeyInput::None) {
                return Err(ConfigError::rejected(
                    &provider_path(&provider.id).key("apiKey").to_string(),
                    "the window cannot choose where a key is read from (an environment variable or a \
                     secret ref): enter the key itself, or set apiKey in the config file",
                ));
            }
        }
    }
    let (loaded, mut config) = load_for_edit(path, revision, env)?;
    let mut moved: Vec<Moved> = Vec::new();
    let undo = |moved: &[Moved]| {
        // The file stays as it was, so the keys go back to where they were.
        for m in moved.iter().rev() {
            if let Err(e) = move_key(store, &m.to, &m.from) {
                tracing::warn!("cannot move a stored key back from {}: {e}", m.to);
            }
        }
    };
    // Each provider edit is judged against the config the edits before it leave.
    let steps = first
        .into_iter()
        .map(Ok)
        .chain(edits.iter().cloned().map(Err));
    for step in steps {
        let edit = match step {
            Ok(edit) => edit,
            Err(input) => match input.into_edit(&config) {
                Ok(edit) => edit,
                Err(e) => {
                    undo(&moved);
                    return Err(e);
                }
            },
        };
        if let Edit::UpsertProvider(after) = &edit {
            match guard(path, &config, after, env, store) {
                Ok(Some(m)) => moved.push(m),
                Ok(None) => {}
                Err(e) => {
                    undo(&moved);
                    return Err(e);
                }
            }
        }
        match profile::apply(&config, edit) {
            Ok((next, _)) => config = next,
            Err(e) => {
                undo(&moved);
                return Err(e);
            }
        }
    }
    match save_edited(path, &loaded, &config, env) {
        Ok(view) => {
            if !moved.is_empty() {
                tracing::info!("stored keys parked or restored: base URLs now point elsewhere");
            }
            Ok(view)
        }
        Err(e) => {
            undo(&moved);
            Err(e)
        }
    }
}

fn provider_path(id: &str) -> ConfigPath {
    ConfigPath::root().key("models").key("providers").key(id)
}

/// Parks or restores the stored key of `after` if its origin differs from the provider's in
/// `config`; refuses the change when the key comes from somewhere that cannot be parked.
fn guard(
    path: &Path,
    config: &Config,
    after: &Provider,
    env: Lookup<'_>,
    store: &dyn Store,
) -> Result<Option<Moved>, ConfigError> {
    let id = &after.id;
    let before = config.provider(id);
    let old_origin = provider_origin(id, before);
    let new_origin = provider_origin(id, Some(after));
    if old_origin == new_origin {
        return Ok(None);
    }
    if let Some(reason) = before.and_then(|p| unparkable_key(id, p, env)) {
        return Err(ConfigError::rejected(
            &provider_path(id).key("baseUrl").to_string(),
            format!(
                "{reason} would be sent to the new host; change the base URL in the config file \
                 if that is what you want"
            ),
        ));
    }
    let keychain = |e: crate::secrets::Error| {
        ConfigError::io(path, std::io::Error::other(format!("keychain: {e}")))
    };
    let parked = parked_entry(id, old_origin.as_deref());
    if move_key(store, id, &parked).map_err(keychain)? {
        return Ok(Some(Moved {
            from: id.clone(),
            to: parked,
        }));
    }
    let from = parked_entry(id, new_origin.as_deref());
    Ok(move_key(store, &from, id)
        .map_err(keychain)?
        .then(|| Moved {
            from,
            to: id.clone(),
        }))
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

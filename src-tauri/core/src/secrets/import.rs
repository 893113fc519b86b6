//! Moving plaintext keys out of an OpenClaw config, with the user's consent: each plaintext
//! `models.providers.<id>.apiKey` goes into the keychain, then the file is rewritten (atomically,
//! the old file kept as `<name>.bak`) with `{source: "exec", provider: "switchboard", id: <id>}`
//! and a `secrets.providers.switchboard` exec provider that runs `switchboard keys get`, so
//! OpenClaw keeps working with keys that now live in the keychain.

use std::path::{Path, PathBuf};

use crate::config::diag::Diags;
use crate::config::env::Lookup;
use crate::config::json5::{Node, Value};
use crate::config::{self, save, schema, ApiKey};

use super::{Error, Secret, Store};

/// The `secrets.providers` alias the rewritten file uses.
pub const EXEC_ALIAS: &str = "switchboard";

/// Variables OpenClaw must pass to `switchboard keys get` (it runs exec providers with an empty
/// environment, and the Secret Service is reached over the session bus).
pub const PASS_ENV: &[&str] = &["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "HOME"];

/// What [`move_keys`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Moved {
    /// The provider ids whose keys moved into the keychain.
    pub providers: Vec<String>,
    /// The backup of the original file (it still holds the plaintext keys), if one was made.
    pub backup: Option<PathBuf>,
}

/// The exec secret provider entry pointing at `command` (our binary, an absolute path).
pub fn exec_provider_node(command: &Path) -> Node {
    let strings = |items: &[&str]| {
        Node::new(Value::Array(
            items.iter().map(|s| Node::string(*s)).collect(),
        ))
    };
    Node::object([
        ("source".to_owned(), Node::string("exec")),
        (
            "command".to_owned(),
            Node::string(command.to_string_lossy()),
        ),
        ("args".to_owned(), strings(&["keys", "get"])),
        ("passEnv".to_owned(), strings(PASS_ENV)),
        ("jsonOnly".to_owned(), Node::new(Value::Bool(true))),
    ])
}

fn exec_ref(id: &str) -> Node {
    Node::object([
        ("source".to_owned(), Node::string("exec")),
        ("provider".to_owned(), Node::string(EXEC_ALIAS)),
        ("id".to_owned(), Node::string(id)),
    ])
}

/// Moves every plaintext key of the OpenClaw file `file` into `store` and rewrites the file to
/// refer to them through `command keys get`. Nothing is written unless every key was stored and
/// read back; with no plaintext keys the file is left alone.
pub fn move_keys(
    file: &Path,
    store: &dyn Store,
    command: &Path,
    env: Lookup<'_>,
) -> Result<Moved, Error> {
    if !command.is_absolute() {
        return Err(Error::InvalidInput(format!(
            "{}: the exec command must be an absolute path",
            command.display()
        )));
    }
    let invalid = |e: config::ConfigError| Error::InvalidInput(e.to_string());
    let loaded = config::load_with(file, env).map_err(invalid)?;
    if !loaded.exists {
        return Err(Error::InvalidInput(format!(
            "{}: no such OpenClaw config",
            file.display()
        )));
    }
    let mut moved = Moved::default();
    let mut root = loaded.raw.clone();
    for p in &loaded.config.providers {
        let Some(ApiKey::Plain(key)) = &p.api_key else {
            continue;
        };
        // Only keys written in the main file itself ($include'd files are not rewritten).
        let in_main = root
            .get("models")
            .and_then(|m| m.get("providers"))
            .and_then(|ps| ps.get(&p.id))
            .and_then(|n| n.get("apiKey"))
            .and_then(Node::as_str)
            == Some(key.as_str());
        if !in_main {
            continue;
        }
        let secret = Secret::new(key.clone());
        store.set(&p.id, &secret)?;
        match store.get(&p.id)? {
            Some(back) if back == secret => {}
            _ => {
                return Err(Error::Keychain {
                    provider: p.id.clone(),
                    detail: "the key did not read back from the keychain; the file was not changed"
                        .into(),
                })
            }
        }
        if let Some(n) = root
            .get_mut("models")
            .and_then(|m| m.get_mut("providers"))
            .and_then(|ps| ps.get_mut(&p.id))
        {
            n.set("apiKey", exec_ref(&p.id));
        }
        moved.providers.push(p.id.clone());
    }
    if moved.providers.is_empty() {
        return Ok(moved);
    }
    let mut secrets = root
        .get("secrets")
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    let mut providers = secrets
        .get("providers")
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    providers.set(EXEC_ALIAS, exec_provider_node(command));
    secrets.set("providers", providers);
    root.set("secrets", secrets);
    let mut diags = Diags::default();
    schema::validate(&root, &mut diags);
    if diags.has_errors() {
        let lines: Vec<String> = diags
            .finish(&[file.to_path_buf()])
            .iter()
            .map(ToString::to_string)
            .collect();
        return Err(Error::InvalidInput(format!(
            "the rewritten file would not validate:\n{}",
            lines.join("\n")
        )));
    }
    let text = save::render(&loaded, &root);
    save::write_atomic(file, &text, loaded.fingerprint).map_err(invalid)?;
    let backup = save::backup_path(file);
    moved.backup = backup.exists().then_some(backup);
    Ok(moved)
}

//! Saving: [`apply`] writes a typed [`Config`] into the file's tree, keeping every other key,
//! [`render`] turns it into text by patching the file's own text (comments and layout stay),
//! and [`atomic`] puts the new text on disk (locked against other processes, atomic, one
//! `.bak`, 0600, refusing to overwrite a file that changed since it was loaded).
//!
//! A save also refuses to write a plaintext API key anywhere the user did not already put it.

use std::path::Path;

use super::include::{contains_include, INCLUDE_KEY};
use super::json5::{self, Node, Style};
use super::model::{ApiKey, Config};
use super::{ConfigError, Loaded};

mod atomic;

pub use atomic::written_here;
pub use atomic::{backup_path, lock_path, write_atomic, write_atomic_with, Fingerprint, Step};

/// The file's style: JSON for `*.json`, JSON5 otherwise.
pub fn style_for(path: &Path) -> Style {
    if path.extension().is_some_and(|e| e == "json") {
        Style::Json
    } else {
        Style::Json5
    }
}

/// Writes `config` into `raw` (the main file's tree): `models.mode`, `models.providers`,
/// `agents.defaults.model` and `agents.defaults.models`; every other key stays as it was.
pub fn apply(raw: &Node, config: &Config, file: &Path) -> Result<Node, ConfigError> {
    let not_writable = |reason: &str| ConfigError::NotWritable {
        path: file.to_path_buf(),
        reason: reason.to_owned(),
    };
    let mut root = if raw.members().is_some() {
        raw.clone()
    } else {
        Node::object([])
    };
    if root.get(INCLUDE_KEY).is_some()
        || root.get("models").is_some_and(contains_include)
        || root.get("agents").is_some_and(|a| {
            a.get(INCLUDE_KEY).is_some() || a.get("defaults").is_some_and(contains_include)
        })
    {
        return Err(not_writable(
            "it uses $include where Switchboard would write; edit the included file by hand",
        ));
    }
    check_plaintext_keys(raw, config)?;
    let mut models = root
        .get("models")
        .filter(|m| m.members().is_some())
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    let new_models = config.models_node();
    match new_models.get("mode") {
        Some(mode) => models.set("mode", mode.clone()),
        None => {
            models.remove("mode");
        }
    }
    if let Some(p) = new_models.get("providers") {
        if config.providers.is_empty() && models.get("providers").is_none() {
            // Nothing to write.
        } else {
            models.set("providers", p.clone());
        }
    }
    if models.members().is_some_and(|m| !m.is_empty()) || root.get("models").is_some() {
        root.set("models", models);
    }
    let has_agent_parts = config.model.is_some() || !config.models.is_empty();
    let mut agents = root
        .get("agents")
        .filter(|a| a.members().is_some())
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    let mut defaults = agents
        .get("defaults")
        .filter(|d| d.members().is_some())
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    match config.agent_model_node() {
        Some(m) => defaults.set("model", m),
        None => {
            defaults.remove("model");
        }
    }
    if config.models.is_empty() {
        defaults.remove("models");
    } else {
        defaults.set("models", config.agent_models_node());
    }
    if has_agent_parts || agents.get("defaults").is_some() {
        agents.set("defaults", defaults);
    }
    if has_agent_parts || root.get("agents").is_some() {
        root.set("agents", agents);
    }
    Ok(root)
}

/// A plaintext key may be written only where the file already holds that same key.
fn check_plaintext_keys(raw: &Node, config: &Config) -> Result<(), ConfigError> {
    for p in &config.providers {
        let Some(ApiKey::Plain(key)) = &p.api_key else {
            continue;
        };
        let existing = raw
            .get("models")
            .and_then(|m| m.get("providers"))
            .and_then(|ps| ps.get(&p.id))
            .and_then(|n| n.get("apiKey"))
            .and_then(Node::as_str);
        if existing != Some(key.as_str()) {
            return Err(ConfigError::rejected(
                &format!("models.providers.{}.apiKey", p.id),
                "a plaintext API key is not written to the config: use ${ENV_VAR}, a secret ref \
                 ({source, provider, id}) or `switchboard keys set`",
            ));
        }
    }
    Ok(())
}

/// Saves `config` over the file `loaded` came from and returns the reloaded file.
pub fn save(loaded: &Loaded, config: &Config) -> Result<Fingerprint, ConfigError> {
    let root = apply(&loaded.raw, config, &loaded.path)?;
    let text = render(loaded, &root);
    write_atomic(&loaded.path, &text, loaded.fingerprint)
}

/// The text that saves `root` over the file `loaded` came from: the file's own text with only
/// what changed edited ([`json5::patch`]: comments, order and layout stay), or, for a new file
/// or one with no usable structure, `root` written whole.
pub fn render(loaded: &Loaded, root: &Node) -> String {
    let style = style_for(&loaded.path);
    json5::patch(&loaded.text, &loaded.raw, root, style)
        .unwrap_or_else(|| json5::write(root, style))
}

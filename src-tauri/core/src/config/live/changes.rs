//! What changed between two valid configs, in the few words a banner has room for
//! ("primary is now lmstudio/qwen3-8b"). Only names: provider ids and model refs, never a key
//! or a header value.

use serde::Serialize;

use crate::config::model::Config;

/// One difference between the config in force and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(rename = "ConfigChange")]
pub enum Change {
    /// `agents.defaults.model.primary` changed (`None`: no primary).
    Primary {
        /// The new primary route.
        to: Option<String>,
    },
    /// The fallbacks changed (the new list, in order).
    Fallbacks {
        /// The new fallbacks.
        to: Vec<String>,
    },
    /// A provider profile was added.
    ProviderAdded {
        /// Its id.
        id: String,
    },
    /// A provider profile was removed.
    ProviderRemoved {
        /// Its id.
        id: String,
    },
    /// A provider profile's settings changed (URL, key reference, models, ...).
    ProviderChanged {
        /// Its id.
        id: String,
    },
    /// The model list and aliases (`agents.defaults.models`), or the merge mode, changed.
    Models,
    /// Something else the router reads changed (e.g. `secrets.providers`).
    Other,
}

impl Change {
    /// The change in English, for logs and `serve`'s output.
    pub fn describe(&self) -> String {
        match self {
            Change::Primary { to: Some(to) } => format!("primary is now {to}"),
            Change::Primary { to: None } => "no primary route".to_owned(),
            Change::Fallbacks { to } if to.is_empty() => "no fallbacks".to_owned(),
            Change::Fallbacks { to } => format!("fallbacks are now {}", to.join(", ")),
            Change::ProviderAdded { id } => format!("provider {id} added"),
            Change::ProviderRemoved { id } => format!("provider {id} removed"),
            Change::ProviderChanged { id } => format!("provider {id} changed"),
            Change::Models => "the model list changed".to_owned(),
            Change::Other => "other settings changed".to_owned(),
        }
    }
}

/// The differences from `old` to `new`, most telling first (the primary, the fallbacks, then
/// providers in file order).
pub fn between(old: &Config, new: &Config) -> Vec<Change> {
    let mut changes = Vec::new();
    let primary = |c: &Config| {
        c.model
            .as_ref()
            .and_then(|m| m.primary().map(str::to_owned))
    };
    let fallbacks = |c: &Config| {
        c.model
            .as_ref()
            .map(|m| m.fallbacks().to_vec())
            .unwrap_or_default()
    };
    if primary(old) != primary(new) {
        changes.push(Change::Primary { to: primary(new) });
    }
    if fallbacks(old) != fallbacks(new) {
        changes.push(Change::Fallbacks { to: fallbacks(new) });
    }
    for p in &new.providers {
        match old.provider(&p.id) {
            None => changes.push(Change::ProviderAdded { id: p.id.clone() }),
            Some(before) if before != p => {
                changes.push(Change::ProviderChanged { id: p.id.clone() });
            }
            Some(_) => {}
        }
    }
    for p in &old.providers {
        if new.provider(&p.id).is_none() {
            changes.push(Change::ProviderRemoved { id: p.id.clone() });
        }
    }
    if old.models != new.models || old.mode != new.mode {
        changes.push(Change::Models);
    }
    if changes.is_empty() && old != new {
        changes.push(Change::Other);
    }
    changes
}

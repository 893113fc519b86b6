//! Import from and export to OpenClaw's own config (`$OPENCLAW_CONFIG_PATH`, else
//! `~/.openclaw/openclaw.json`).
//!
//! Import copies providers, models, aliases and routes into our config and says what it skipped:
//! providers we already have, aliases that would clash, routes when we already have some, and
//! plaintext API keys (they stay only where the user put them). Export writes our `models` and
//! `agents.defaults.model/models` into the OpenClaw file, keeps every other key as it was, backs
//! the file up first and validates the result against OpenClaw's schema before writing.

use std::path::{Path, PathBuf};

use super::diag::Diags;
use super::env::Lookup;
use super::json5::{self, Style};
use super::model::{ApiKey, Config};
use super::{save, schema, ConfigError, Loaded};

/// OpenClaw's variable naming its config file.
pub const OPENCLAW_CONFIG_ENV: &str = "OPENCLAW_CONFIG_PATH";

/// OpenClaw's config file: `$OPENCLAW_CONFIG_PATH`, else `$HOME/.openclaw/openclaw.json`.
pub fn default_path(env: Lookup<'_>) -> Option<PathBuf> {
    if let Some(p) = env(OPENCLAW_CONFIG_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    env("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".openclaw").join("openclaw.json"))
}

/// What an import or export did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(rename = "ImportSummary")]
pub struct Summary {
    /// One line per thing taken over.
    pub imported: Vec<String>,
    /// One line per thing left out, with the reason.
    pub skipped: Vec<String>,
}

/// Merges OpenClaw's `theirs` into `ours`.
pub fn import(ours: &Config, theirs: &Config) -> (Config, Summary) {
    let mut next = ours.clone();
    let mut s = Summary::default();
    for p in &theirs.providers {
        if ours.provider(&p.id).is_some() {
            s.skipped
                .push(format!("provider {}: already configured here", p.id));
            continue;
        }
        let mut p = p.clone();
        if p.api_key.as_ref().is_some_and(ApiKey::is_plain) {
            p.api_key = None;
            s.skipped.push(format!(
                "provider {}: its plaintext apiKey stays in the OpenClaw file; run `switchboard keys set {}` or use ${{ENV_VAR}}",
                p.id, p.id
            ));
        }
        let n = p.models.as_ref().map_or(0, Vec::len);
        s.imported.push(format!("provider {} ({n} models)", p.id));
        next.providers.push(p);
    }
    for e in &theirs.models {
        if next.models.iter().any(|o| o.model_ref == e.model_ref) {
            s.skipped.push(format!(
                "model entry {}: already configured here",
                e.model_ref
            ));
            continue;
        }
        if let Some(alias) = &e.alias {
            let clash = next.models.iter().any(|o| {
                o.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(alias))
            });
            if clash {
                s.skipped.push(format!(
                    "alias {alias} for {}: the alias is already used here",
                    e.model_ref
                ));
                continue;
            }
            s.imported.push(format!("alias {alias} -> {}", e.model_ref));
        } else {
            s.imported.push(format!("model entry {}", e.model_ref));
        }
        next.models.push(e.clone());
    }
    match (&ours.model, &theirs.model) {
        (None, Some(m)) => {
            next.model = Some(m.clone());
            s.imported.push(format!(
                "routes: primary {}, {} fallbacks",
                m.primary().unwrap_or("(none)"),
                m.fallbacks().len()
            ));
        }
        (Some(_), Some(_)) => s
            .skipped
            .push("routes: the primary and fallbacks configured here are kept".into()),
        _ => {}
    }
    if next.mode.is_none() {
        next.mode = theirs.mode;
    }
    (next, s)
}

/// Reads the OpenClaw file at `from` and imports it into the config `loaded`, saving it.
pub fn import_file(loaded: &Loaded, from: &Path, env: Lookup<'_>) -> Result<Summary, ConfigError> {
    let theirs = super::load_with(from, env)?;
    if !theirs.exists {
        return Err(ConfigError::NotFound {
            what: format!("OpenClaw config {}", from.display()),
        });
    }
    let theirs = theirs.into_config()?;
    let ours = loaded.clone().into_config()?;
    let (next, summary) = import(&ours, &theirs);
    save::save(loaded, &next)?;
    Ok(summary)
}

/// Writes `ours` into the OpenClaw file at `to` (created if missing), keeping its other keys.
pub fn export_file(ours: &Config, to: &Path, env: Lookup<'_>) -> Result<Summary, ConfigError> {
    let target = super::load_with(to, env)?;
    if target.errors().next().is_some() && target.exists {
        return Err(ConfigError::Invalid {
            diagnostics: target.diagnostics,
        });
    }
    let theirs = &target.config;
    let mut merged = theirs.clone();
    let mut s = Summary::default();
    for p in &ours.providers {
        let mut p = p.clone();
        if p.api_key.as_ref().is_some_and(ApiKey::is_plain) {
            p.api_key = theirs.provider(&p.id).and_then(|t| t.api_key.clone());
            s.skipped
                .push(format!("provider {}: plaintext apiKey not copied", p.id));
        }
        match merged.providers.iter_mut().find(|t| t.id == p.id) {
            Some(slot) => *slot = p.clone(),
            None => merged.providers.push(p.clone()),
        }
        s.imported.push(format!("provider {}", p.id));
    }
    for e in &ours.models {
        match merged
            .models
            .iter_mut()
            .find(|t| t.model_ref == e.model_ref)
        {
            Some(slot) => *slot = e.clone(),
            None => merged.models.push(e.clone()),
        }
    }
    if ours.model.is_some() {
        merged.model = ours.model.clone();
        s.imported.push("routes (agents.defaults.model)".into());
    }
    if ours.mode.is_some() {
        merged.mode = ours.mode;
    }
    let root = save::apply(&target.raw, &merged, to)?;
    let mut diags = Diags::default();
    schema::validate(&root, &mut diags);
    if diags.has_errors() {
        return Err(ConfigError::Invalid {
            diagnostics: diags.finish(&[to.to_path_buf()]),
        });
    }
    // A person's own openclaw.json keeps its comments and layout; a new one is plain JSON.
    let text = json5::patch(&target.text, &target.raw, &root, Style::Json)
        .unwrap_or_else(|| json5::write(&root, Style::Json));
    save::write_atomic(to, &text, target.fingerprint)?;
    Ok(s)
}

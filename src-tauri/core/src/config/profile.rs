//! Profile edits used by the UI and the CLI. Each edit is applied to a copy and validated (the
//! OpenClaw schema plus our alias and fallback rules) before it is returned; a rejected edit
//! changes nothing.

use std::path::PathBuf;

use super::diag::{Diagnostic, Diags};
use super::json5::Node;
use super::model::{AgentModel, ApiKey, Config, ModelDef, ModelEntry, Provider};
use super::semantic::{self, Finding};
use super::{schema, ConfigError};

/// One edit of the profile.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Adds a provider, or replaces the one with the same id (keeping its place).
    UpsertProvider(Provider),
    /// Removes a provider and the alias entries of its models.
    RemoveProvider(String),
    /// Adds a model to a provider, or replaces the one with the same id.
    UpsertModel {
        /// The provider id.
        provider: String,
        /// The model.
        model: ModelDef,
    },
    /// Removes a model from a provider.
    RemoveModel {
        /// The provider id.
        provider: String,
        /// The model id.
        model: String,
    },
    /// Sets the primary route and ordered fallbacks.
    SetRoutes {
        /// The primary ref (`provider/model` or alias).
        primary: String,
        /// Fallback refs, in order.
        fallbacks: Vec<String>,
    },
    /// Sets the alias of a `provider/model` ref.
    SetAlias {
        /// The `provider/model` ref.
        model_ref: String,
        /// The alias.
        alias: String,
    },
    /// Removes the alias of a ref.
    RemoveAlias {
        /// The `provider/model` ref.
        model_ref: String,
    },
}

fn not_found(what: String) -> ConfigError {
    ConfigError::NotFound { what }
}

/// Applies `edit` to a copy of `config`; returns the new config and its warnings, or why the
/// edit is refused.
pub fn apply(config: &Config, edit: Edit) -> Result<(Config, Vec<Diagnostic>), ConfigError> {
    let mut next = config.clone();
    match edit {
        Edit::UpsertProvider(provider) => {
            if let Some(ApiKey::Plain(key)) = &provider.api_key {
                let same = config
                    .provider(&provider.id)
                    .and_then(|p| p.api_key.as_ref())
                    == Some(&ApiKey::Plain(key.clone()));
                if !same {
                    return Err(ConfigError::rejected(
                        &format!("models.providers.{}.apiKey", provider.id),
                        "plaintext API keys are not written to the config: use ${ENV_VAR}, a secret ref or `switchboard keys set`",
                    ));
                }
            }
            match next.providers.iter_mut().find(|p| p.id == provider.id) {
                Some(slot) => *slot = provider,
                None => next.providers.push(provider),
            }
        }
        Edit::RemoveProvider(id) => {
            let before = next.providers.len();
            next.providers.retain(|p| p.id != id);
            if next.providers.len() == before {
                return Err(not_found(format!("provider \"{id}\"")));
            }
            let prefix = format!("{id}/");
            next.models.retain(|e| !e.model_ref.starts_with(&prefix));
        }
        Edit::UpsertModel { provider, model } => {
            let p = next
                .providers
                .iter_mut()
                .find(|p| p.id == provider)
                .ok_or_else(|| not_found(format!("provider \"{provider}\"")))?;
            let models = p.models.get_or_insert_with(Vec::new);
            match models.iter_mut().find(|m| m.id == model.id) {
                Some(slot) => *slot = model,
                None => models.push(model),
            }
        }
        Edit::RemoveModel { provider, model } => {
            let p = next
                .providers
                .iter_mut()
                .find(|p| p.id == provider)
                .ok_or_else(|| not_found(format!("provider \"{provider}\"")))?;
            let models = p.models.get_or_insert_with(Vec::new);
            let before = models.len();
            models.retain(|m| m.id != model);
            if models.len() == before {
                return Err(not_found(format!("model \"{provider}/{model}\"")));
            }
        }
        Edit::SetRoutes { primary, fallbacks } => {
            next.model = Some(AgentModel::Routes {
                primary: Some(primary),
                fallbacks: Some(fallbacks),
            });
        }
        Edit::SetAlias { model_ref, alias } => {
            match next.models.iter_mut().find(|e| e.model_ref == model_ref) {
                Some(entry) => entry.alias = Some(alias),
                None => next.models.push(ModelEntry {
                    model_ref,
                    alias: Some(alias),
                    params: None,
                    extra: Vec::new(),
                }),
            }
        }
        Edit::RemoveAlias { model_ref } => {
            let entry = next
                .models
                .iter_mut()
                .find(|e| e.model_ref == model_ref && e.alias.is_some())
                .ok_or_else(|| not_found(format!("alias of \"{model_ref}\"")))?;
            entry.alias = None;
        }
    }
    let (before, _) = findings(config);
    let (after, diagnostics) = findings(&next);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(ConfigError::Invalid { diagnostics });
    }
    for kind in [
        Finding::DuplicateAlias,
        Finding::ShadowingAlias,
        Finding::RepeatedFallback,
    ] {
        let count = |f: &[Finding]| f.iter().filter(|x| **x == kind).count();
        if count(&after) > count(&before) {
            let diagnostics = diagnostics
                .into_iter()
                .map(|mut d| {
                    d.severity = super::Severity::Error;
                    d
                })
                .collect();
            return Err(ConfigError::Invalid { diagnostics });
        }
    }
    Ok((next, diagnostics))
}

/// The tree of `config` alone, as the edit validator sees it.
pub fn tree(config: &Config) -> Node {
    let mut defaults = Vec::new();
    if let Some(m) = config.agent_model_node() {
        defaults.push(("model".to_owned(), m));
    }
    if !config.models.is_empty() {
        defaults.push(("models".to_owned(), config.agent_models_node()));
    }
    let mut root = vec![("models".to_owned(), config.models_node())];
    if !defaults.is_empty() {
        root.push((
            "agents".to_owned(),
            Node::object([("defaults".to_owned(), Node::object(defaults))]),
        ));
    }
    Node::object(root)
}

fn findings(config: &Config) -> (Vec<Finding>, Vec<Diagnostic>) {
    let root = tree(config);
    let mut diags = Diags::default();
    schema::validate(&root, &mut diags);
    let found = semantic::check(&root, &mut diags);
    (found, diags.finish(&[PathBuf::from("<edit>")]))
}

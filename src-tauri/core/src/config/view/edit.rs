//! The edits the UI sends back: [`EditInput`] and the inputs it is made of.

use serde::Deserialize;

use super::headers::{self, HeaderInput};
use crate::config::diag::ConfigPath;
use crate::config::env::is_env_name;
use crate::config::model::{ApiKey, Config, ModelDef, Provider, SecretRef};
use crate::config::profile::Edit;
use crate::config::ConfigError;

/// How an edited provider's key is set. Values never come this way: a key is an env variable
/// name or a secret ref, or stays as it is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum KeyInput {
    /// Keep the key the provider has (the default).
    #[default]
    Keep,
    /// No key.
    None,
    /// `${VAR}`.
    Env {
        /// The variable's name (uppercase).
        var: String,
    },
    /// A secret-ref object.
    SecretRef {
        /// `env`, `file`, `exec` or `store`.
        source: String,
        /// The secret provider alias.
        provider: String,
        /// The secret's id.
        id: String,
    },
}

/// A provider as the UI sends it. Unmodelled keys of an existing provider are kept, and so are
/// its headers and models when the input leaves them out (`None`).
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct ProviderInput {
    /// The provider id.
    pub id: String,
    /// Base URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Default API adapter.
    #[serde(default)]
    pub api: Option<String>,
    /// Auth mode.
    #[serde(default)]
    pub auth: Option<String>,
    /// Whether the default Authorization header is sent.
    #[serde(default)]
    pub auth_header: Option<bool>,
    /// Default max output tokens.
    #[serde(default)]
    pub max_tokens: Option<f64>,
    /// Request timeout in seconds.
    #[serde(default)]
    pub timeout_seconds: Option<f64>,
    /// The key (default: keep).
    #[serde(default)]
    #[ts(as = "Option<KeyInput>", optional)]
    pub key: KeyInput,
    /// The headers, in order (`None`: keep them as they are; empty: remove them).
    #[serde(default)]
    pub headers: Option<Vec<HeaderInput>>,
    /// The models, in order (`None`: keep them as they are). Each keeps the unmodelled keys of
    /// the existing model with its `previousId` (else its `id`).
    #[serde(default)]
    pub models: Option<Vec<ModelInput>>,
}

/// Prices as the UI sends them.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct CostInput {
    /// Input tokens.
    #[serde(default)]
    pub input: Option<f64>,
    /// Output tokens.
    #[serde(default)]
    pub output: Option<f64>,
    /// Cache reads.
    #[serde(default)]
    pub cache_read: Option<f64>,
    /// Cache writes.
    #[serde(default)]
    pub cache_write: Option<f64>,
}

/// A model as the UI sends it. `compat` and unmodelled keys of an existing model are kept.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct ModelInput {
    /// The model id.
    pub id: String,
    /// The id the model had, when the user renamed it (its `compat` and other keys move along).
    #[serde(default)]
    pub previous_id: Option<String>,
    /// Display name.
    pub name: String,
    /// API adapter override.
    #[serde(default)]
    pub api: Option<String>,
    /// Whether it reasons.
    #[serde(default)]
    pub reasoning: Option<bool>,
    /// Input kinds.
    #[serde(default)]
    pub input: Option<Vec<String>>,
    /// Prices.
    #[serde(default)]
    pub cost: Option<CostInput>,
    /// Context window.
    #[serde(default)]
    pub context_window: Option<f64>,
    /// Max output tokens.
    #[serde(default)]
    pub max_tokens: Option<f64>,
}

/// One profile edit as camelCase JSON: `{"op": "setRoutes", "primary": …, "fallbacks": […]}`.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "ConfigEdit")]
pub enum EditInput {
    /// Add a provider or update the one with the same id.
    UpsertProvider {
        /// The provider.
        provider: ProviderInput,
    },
    /// Remove a provider (and its aliases).
    RemoveProvider {
        /// The provider id.
        id: String,
    },
    /// Add a model or update the one with the same id.
    UpsertModel {
        /// The provider id.
        provider: String,
        /// The model.
        model: ModelInput,
    },
    /// Remove a model.
    RemoveModel {
        /// The provider id.
        provider: String,
        /// The model id.
        model: String,
    },
    /// Set the primary route and ordered fallbacks.
    SetRoutes {
        /// Primary ref or alias.
        primary: String,
        /// Fallback refs or aliases.
        #[serde(default)]
        fallbacks: Vec<String>,
    },
    /// Set the alias of a `provider/model` ref.
    SetAlias {
        /// The ref.
        #[serde(rename = "ref")]
        model_ref: String,
        /// The alias.
        alias: String,
    },
    /// Remove the alias of a ref.
    RemoveAlias {
        /// The ref.
        #[serde(rename = "ref")]
        model_ref: String,
    },
}

impl EditInput {
    /// The [`Edit`] this input means for `current`, keeping what the UI does not edit.
    pub fn into_edit(self, current: &Config) -> Result<Edit, ConfigError> {
        Ok(match self {
            EditInput::UpsertProvider { provider } => {
                Edit::UpsertProvider(provider_def(current, provider)?)
            }
            EditInput::RemoveProvider { id } => Edit::RemoveProvider(id),
            EditInput::UpsertModel { provider, model } => {
                let existing = current
                    .provider(&provider)
                    .and_then(|p| p.models.as_deref())
                    .unwrap_or_default();
                let model = model_def(existing, model);
                Edit::UpsertModel { provider, model }
            }
            EditInput::RemoveModel { provider, model } => Edit::RemoveModel { provider, model },
            EditInput::SetRoutes { primary, fallbacks } => Edit::SetRoutes { primary, fallbacks },
            EditInput::SetAlias { model_ref, alias } => Edit::SetAlias { model_ref, alias },
            EditInput::RemoveAlias { model_ref } => Edit::RemoveAlias { model_ref },
        })
    }
}

fn provider_path(id: &str) -> ConfigPath {
    ConfigPath::root().key("models").key("providers").key(id)
}

/// The provider `input` describes, on top of the one `current` has with its id.
fn provider_def(current: &Config, input: ProviderInput) -> Result<Provider, ConfigError> {
    let old = current.provider(&input.id);
    let mut p = old.cloned().unwrap_or_default();
    let here = provider_path(&input.id);
    p.id = input.id;
    p.base_url = match input.base_url {
        // The view masks `user:pass@`; sent back unchanged, the URL as written stays.
        Some(url)
            if old
                .and_then(|o| o.base_url.as_deref())
                .map(super::mask_user_info)
                == Some(url.clone()) =>
        {
            old.and_then(|o| o.base_url.clone())
        }
        Some(url) => Some(checked_base_url(&here, url)?),
        None => None,
    };
    p.api = input.api;
    p.auth = input.auth;
    p.auth_header = input.auth_header;
    p.max_tokens = input.max_tokens;
    p.timeout_seconds = input.timeout_seconds;
    match input.key {
        KeyInput::Keep => {}
        KeyInput::None => p.api_key = None,
        KeyInput::Env { var } => {
            if !is_env_name(&var) {
                return Err(ConfigError::rejected(
                    &here.key("apiKey").to_string(),
                    "an environment variable name is uppercase letters, digits and _",
                ));
            }
            p.api_key = Some(ApiKey::Template(format!("${{{var}}}")));
        }
        KeyInput::SecretRef {
            source,
            provider,
            id,
        } => {
            p.api_key = Some(ApiKey::Ref(SecretRef {
                source,
                provider,
                id,
            }));
        }
    }
    if let Some(rows) = input.headers {
        p.headers = headers::merge(&p.id, p.headers.as_ref(), rows)?;
    }
    if let Some(models) = input.models {
        let existing = p.models.take().unwrap_or_default();
        let mut next: Vec<ModelDef> = Vec::with_capacity(models.len());
        for (i, m) in models.into_iter().enumerate() {
            if next.iter().any(|n| n.id == m.id) {
                return Err(ConfigError::rejected(
                    &here.key("models").index(i).key("id").to_string(),
                    format!("the model id \"{}\" is listed twice", m.id),
                ));
            }
            next.push(model_def(&existing, m));
        }
        p.models = Some(next);
    }
    Ok(p)
}

/// `url` if Switchboard can call it: `http://` or `https://` and a host.
fn checked_base_url(here: &ConfigPath, url: String) -> Result<String, ConfigError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with(['/', '?', '#']) && !url.contains(char::is_whitespace) => Ok(url),
        _ => Err(ConfigError::rejected(
            &here.key("baseUrl").to_string(),
            "the base URL must start with http:// or https:// and name a host, e.g. http://127.0.0.1:1234/v1",
        )),
    }
}

/// The model `input` describes, on top of the one in `existing` with its previous id (else
/// its id), whose `compat` and unmodelled keys stay.
fn model_def(existing: &[ModelDef], input: ModelInput) -> ModelDef {
    let was = input.previous_id.as_deref().unwrap_or(&input.id);
    let mut m = existing
        .iter()
        .find(|m| m.id == was)
        .cloned()
        .unwrap_or_default();
    m.id = input.id;
    m.name = input.name;
    m.api = input.api;
    m.reasoning = input.reasoning;
    m.input = input.input;
    m.cost = input.cost.map(|c| {
        let mut cost = m.cost.take().unwrap_or_default();
        cost.input = c.input;
        cost.output = c.output;
        cost.cache_read = c.cache_read;
        cost.cache_write = c.cache_write;
        cost
    });
    m.context_window = input.context_window;
    m.max_tokens = input.max_tokens;
    m
}

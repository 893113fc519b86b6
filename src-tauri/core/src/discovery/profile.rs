//! A detected server as a provider profile, written through the config core's profile edits
//! ([`crate::config::profile`]) and saver ([`crate::config::save`]).
//!
//! The profile: provider id = the server kind (`lmstudio`, `ollama`, …), `baseUrl` with `/v1`,
//! `api` as detected, and per chat model `contextWindow` (loaded context, else the maximum),
//! `maxTokens` (8192, never above the window), `reasoning`, `input` (`image` for vision models)
//! and zero cost. Embedding models are left out. A provider already in the config keeps its key,
//! headers and other settings; only its URL, API and models are replaced.
//!
//! Keys: a server that needs none gets no `apiKey` and `authHeader: false` (the config core
//! refuses to write plaintext keys, so the seed's `apiKey: "lmstudio"` placeholder cannot be
//! written); a server that needs one gets an `${ENV}` reference ([`key_env`]).

use std::path::Path;

use crate::config::model::{ApiKey, Cost, DEFAULT_MAX_TOKENS};
use crate::config::profile::{self, Edit};
use crate::config::{self, Config, Diagnostic, ModelDef, Provider};

use super::types::{DetectedModel, DetectedServer, ModelType, ServerKind};
use super::DiscoveryError;

/// The provider id a server's profile gets.
pub fn provider_id(server: &DetectedServer) -> String {
    match server.kind {
        ServerKind::OpenAiCompatible => {
            let port = server
                .base_url
                .rsplit_once(':')
                .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
                .unwrap_or_default();
            if port.is_empty() {
                "local".to_owned()
            } else {
                format!("local-{port}")
            }
        }
        kind => kind.id().to_owned(),
    }
}

/// The environment variable a key is read from for a server that needs one: the catalog's
/// conventional variable, `LOCAL_API_KEY` for a user-added URL.
pub fn key_env(kind: ServerKind) -> &'static str {
    kind.known()
        .and_then(|p| p.env_var)
        .unwrap_or("LOCAL_API_KEY")
}

/// The profile's entry for one chat model (`None` for embedding models).
pub fn model_def(model: &DetectedModel) -> Option<ModelDef> {
    if !model.is_chat() {
        return None;
    }
    let window = model.context_window.map(|w| w as f64);
    let mut input = vec!["text".to_owned()];
    if model.model_type == ModelType::Vlm {
        input.push("image".to_owned());
    }
    Some(ModelDef {
        id: model.id.clone(),
        name: model.name.clone(),
        reasoning: Some(model.reasoning.unwrap_or(false)),
        input: Some(input),
        cost: Some(Cost {
            input: Some(0.0),
            output: Some(0.0),
            cache_read: Some(0.0),
            cache_write: Some(0.0),
            extra: Vec::new(),
        }),
        context_window: window,
        max_tokens: Some(window.map_or(DEFAULT_MAX_TOKENS, |w| w.min(DEFAULT_MAX_TOKENS))),
        ..ModelDef::default()
    })
}

/// The provider for `server`, on top of `existing` (the config's provider with the same id).
pub fn provider_for(
    server: &DetectedServer,
    existing: Option<&Provider>,
) -> Result<Provider, DiscoveryError> {
    let models: Vec<ModelDef> = server.models.iter().filter_map(model_def).collect();
    if models.is_empty() {
        return Err(DiscoveryError::NoChatModels {
            server: server.kind.label(),
            base_url: server.base_url.clone(),
        });
    }
    let mut provider = existing.cloned().unwrap_or_default();
    provider.id = provider_id(server);
    provider.base_url = Some(server.base_url.clone());
    provider.api = Some(
        server
            .api
            .clone()
            .unwrap_or_else(|| "openai-completions".to_owned()),
    );
    if provider.api_key.is_none() {
        if server.needs_key {
            provider.api_key = Some(ApiKey::Template(format!("${{{}}}", key_env(server.kind))));
        } else if provider.auth_header.is_none() {
            provider.auth_header = Some(false);
        }
    }
    provider.models = Some(models);
    Ok(provider)
}

/// Adds (or refreshes) `server`'s profile in `config` through [`profile::apply`].
pub fn add_to(
    config: &Config,
    server: &DetectedServer,
) -> Result<(Config, Vec<Diagnostic>), DiscoveryError> {
    let id = provider_id(server);
    let provider = provider_for(server, config.provider(&id))?;
    Ok(profile::apply(config, Edit::UpsertProvider(provider))?)
}

/// What [`write`] did.
#[derive(Debug, Clone)]
pub struct Written {
    /// The provider id written.
    pub provider: String,
    /// The chat models in it.
    pub models: Vec<String>,
    /// Warnings from validating the edit.
    pub warnings: Vec<Diagnostic>,
}

/// Loads `config_file`, adds `server`'s profile and saves atomically (refusing a file that is
/// invalid or changed on disk meanwhile).
pub fn write(config_file: &Path, server: &DetectedServer) -> Result<Written, DiscoveryError> {
    let loaded = config::load(config_file)?;
    let current = loaded.clone().into_config()?;
    let (next, warnings) = add_to(&current, server)?;
    config::save::save(&loaded, &next)?;
    let provider = provider_id(server);
    let models = next
        .provider(&provider)
        .and_then(|p| p.models.as_ref())
        .map(|m| m.iter().map(|d| d.id.clone()).collect())
        .unwrap_or_default();
    Ok(Written {
        provider,
        models,
        warnings,
    })
}

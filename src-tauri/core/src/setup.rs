//! One-click start: from a suggested local model to a saved, verified route.
//!
//! [`quick_start`] probes the server again (the suggestion may be minutes old), checks that the
//! model is still there and answers a tiny chat live, and only then writes the local-only setup
//! in **one** save: the server's provider profile and the model as the primary route (fallbacks
//! already in the file are kept, minus this model). A model that does not answer writes nothing.
//! The desktop's first screen and the wizard's first step use it; the steps live here once.

use std::path::Path;
use std::time::Duration;

use crate::config::profile::{self, Edit};
use crate::config::{self, ConfigError};
use crate::discovery::{
    profile as discovered, DiscoveryError, ScanOptions, Scanner, Status, Target,
};
use crate::providers::check::{self, Draft, TEST_TIMEOUT};
use crate::providers::{CancellationToken, Client, ProviderError};

/// What [`quick_start`] saved.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickStarted {
    /// The primary route now saved (`lmstudio/minimax-m2.1`).
    pub model_ref: String,
    /// The provider id written.
    pub provider: String,
    /// The server's name.
    pub server: &'static str,
    /// The model's display name.
    pub model_name: String,
    /// From sending the test to its first token.
    pub first_token: Option<Duration>,
    /// The start of the test's answer.
    pub preview: String,
}

/// Why nothing was saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuickStartError {
    /// The server is not running (any more), or is not one that answers on this machine.
    #[error("{server} at {url} is {status}: start it and try again")]
    NotRunning {
        /// The server's name.
        server: &'static str,
        /// Where it was looked for.
        url: String,
        /// What the probe found.
        status: &'static str,
    },
    /// The model is no longer offered there.
    #[error("{server} no longer offers {model}: look again")]
    ModelGone {
        /// The server's name.
        server: &'static str,
        /// The model id.
        model: String,
    },
    /// The config already has this provider at another address; nothing was changed.
    #[error("{provider} is already set up for {url}: change it in Setup or Providers")]
    ProviderElsewhere {
        /// The provider id.
        provider: String,
        /// Its configured base URL.
        url: String,
    },
    /// The model did not answer the test; nothing was saved.
    #[error("{model_ref} did not answer: {source}")]
    NoAnswer {
        /// The route tested.
        model_ref: String,
        /// What failed.
        source: ProviderError,
    },
    /// Probing the server failed.
    #[error(transparent)]
    Discovery(#[from] DiscoveryError),
    /// The config refused the edit or could not be saved.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The background task reading or writing the config did not finish.
    #[error("the config task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Runs `work` on tokio's blocking threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, QuickStartError> + Send + 'static,
) -> Result<T, QuickStartError> {
    tokio::task::spawn_blocking(work).await?
}

/// Probes `target`, tests `model_id` there live and saves the local-only setup in one write (see
/// the module docs).
pub async fn quick_start(
    config_file: &Path,
    target: Target,
    model_id: &str,
    client: &Client,
    cancel: CancellationToken,
) -> Result<QuickStarted, QuickStartError> {
    let url = target.url.clone();
    let server = Scanner::new(ScanOptions {
        targets: vec![target],
        ..ScanOptions::loopback()
    })?
    .scan()
    .await
    .servers
    .into_iter()
    .next()
    .ok_or_else(|| QuickStartError::NotRunning {
        server: "the server",
        url,
        status: Status::NotRunning.label(),
    })?;
    let answers_here = server.kind.known().is_some_and(|k| k.serves_models_here());
    if server.status != Status::Running || server.needs_key || !answers_here {
        return Err(QuickStartError::NotRunning {
            server: server.kind.label(),
            url: server.base_url,
            status: if server.status == Status::Running {
                "not a server that answers on this machine without a key"
            } else {
                server.status.label()
            },
        });
    }
    let Some(model) = server.chat_models().find(|m| m.id == model_id) else {
        return Err(QuickStartError::ModelGone {
            server: server.kind.label(),
            model: model_id.to_owned(),
        });
    };
    let (draft_model, model_name) = (model.id.clone(), model.name.clone());

    // Reading the config and the keychain blocks: off the async threads.
    let file = config_file.to_path_buf();
    let chosen = server.clone();
    let (loaded, current, provider, target) = blocking(move || {
        let loaded = config::load(&file)?;
        let current = loaded.clone().into_config()?;
        let existing = current.provider(&discovered::provider_id(&chosen));
        // A provider of this id at another address may have a stored key for that host:
        // repointing it belongs in Setup or Providers, where the key is guarded.
        if let Some(existing) = existing {
            let configured = existing
                .base_url
                .as_deref()
                .or_else(|| crate::catalog::endpoint(&existing.id).map(|(base, _)| base));
            let same = |u: &str| u.trim_end_matches('/') == chosen.base_url.trim_end_matches('/');
            if !configured.is_some_and(same) {
                return Err(QuickStartError::ProviderElsewhere {
                    provider: existing.id.clone(),
                    url: configured.unwrap_or_default().to_owned(),
                });
            }
        }
        let provider = discovered::provider_for(&chosen, existing)?;
        let draft = Draft {
            provider: provider.id.clone(),
            model: draft_model,
            api: provider.api.clone().unwrap_or_default(),
            base_url: chosen.base_url.clone(),
            headers: Vec::new(),
        };
        let target = check::draft_target(&draft, None, &current);
        Ok((loaded, current, provider, target))
    })
    .await?;
    let model_ref = format!("{}/{}", provider.id, model_id);
    let no_answer = |source| QuickStartError::NoAnswer {
        model_ref: model_ref.clone(),
        source,
    };
    let tested = check::check_target(client, &target.map_err(no_answer)?, TEST_TIMEOUT, cancel)
        .await
        .map_err(no_answer)?;

    // One save: the profile and the route together, so the backup never holds a half state.
    let saved_ref = model_ref.clone();
    let provider_id = provider.id.clone();
    blocking(move || {
        let (with_profile, _) = profile::apply(&current, Edit::UpsertProvider(provider))?;
        let fallbacks = current
            .model
            .as_ref()
            .map(|m| {
                m.fallbacks()
                    .iter()
                    .filter(|f| **f != saved_ref)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let (next, _) = profile::apply(
            &with_profile,
            Edit::SetRoutes {
                primary: saved_ref,
                fallbacks,
            },
        )?;
        config::save::save(&loaded, &next)?;
        Ok(())
    })
    .await?;
    Ok(QuickStarted {
        model_ref,
        provider: provider_id,
        server: server.kind.label(),
        model_name,
        first_token: tested.first_token,
        preview: tested.preview,
    })
}

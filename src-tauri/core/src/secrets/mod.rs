//! API keys: the OS keychain, environment and secret-ref resolution, and the redaction rules.
//!
//! Keys live in the OS keychain ([`store`]: Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows), one entry per provider id under the service `switchboard`
//! (`switchboard-dev` in debug builds). [`resolve`] finds a provider's key in this order:
//!
//! 1. the keychain entry for the provider id;
//! 2. the config's `apiKey` when it is `${VAR}` or an OpenClaw secret ref (`env`, `file`, `exec`,
//!    see [`refs`]);
//! 3. the provider's conventional variable ([`crate::catalog`]: `OPENAI_API_KEY`, …);
//! 4. a literal `apiKey` in the config, with a plaintext warning.
//!
//! Local servers that need no key (LM Studio, Ollama, …) end with their placeholder and never
//! need a keychain. With no keychain at all, a provider that needs a key and has no other source
//! fails with [`Error::NoKeychain`], which says what is missing and how to fix it; nothing falls
//! back to plaintext. Every key is a [`Secret`]: redacted `Debug`/`Display`, no `Serialize`,
//! zeroized on drop, registered with the log redaction when loaded.

pub mod changes;
mod error;
pub mod exec;
pub mod import;
pub mod refs;
mod secret;
pub mod store;

pub use crate::config::secret_providers::{SecretProvider, SecretProviders};
pub use error::{Error, ErrorKind};
pub(crate) use secret::from_input;
pub use secret::Secret;
pub use store::{KeyringStore, MemoryStore, Store};

use crate::catalog;
use crate::config::env::{expand, Lookup};
use crate::config::{ApiKey, Config, Provider};

/// Where a resolved key came from (for `keys list` and the UI; never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// The OS keychain.
    Keychain,
    /// An environment variable (a `${VAR}`, an env ref or the conventional variable).
    Env {
        /// The variable's name.
        var: String,
    },
    /// A `file` or `exec` secret ref.
    ConfigRef {
        /// `file` or `exec`.
        source: String,
        /// The secret provider alias.
        provider: String,
    },
    /// A literal key in the config file.
    Plaintext,
    /// A local server that needs no key: its placeholder.
    Placeholder,
    /// Nothing.
    Missing,
}

/// A resolved key and where it came from.
#[derive(Debug)]
pub struct Resolved {
    /// The key (`None` for a local server that needs none).
    pub secret: Option<Secret>,
    /// Where it came from.
    pub source: Source,
    /// A warning for the user (a plaintext key in the config), never containing the key.
    pub warning: Option<String>,
    /// The placeholder a keyless local server gets (`"lmstudio"`, …).
    pub placeholder: Option<&'static str>,
}

impl Resolved {
    /// The value for the auth header: the key, else the placeholder.
    pub fn header_value(&self) -> Option<&str> {
        self.secret
            .as_ref()
            .map(Secret::expose)
            .or(self.placeholder)
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Resolves keys against a keychain, an environment and the config's `secrets.providers`.
pub struct Resolver<'a> {
    store: &'a dyn Store,
    env: Lookup<'a>,
    providers: SecretProviders,
}

impl<'a> Resolver<'a> {
    /// A resolver over `store` and the process environment, with no `secrets.providers`.
    pub fn new(store: &'a dyn Store) -> Self {
        Resolver {
            store,
            env: &process_env,
            providers: SecretProviders::default(),
        }
    }

    /// Uses `env` instead of the process environment.
    pub fn with_env(mut self, env: Lookup<'a>) -> Self {
        self.env = env;
        self
    }

    /// Uses `providers` (from [`SecretProviders::from_root`] over the loaded config).
    pub fn with_secret_providers(mut self, providers: SecretProviders) -> Self {
        self.providers = providers;
        self
    }

    /// The key for `provider_id` (see the module docs for the order).
    pub fn resolve(&self, provider_id: &str, provider: &Provider) -> Result<Resolved, Error> {
        let found = |secret: Secret, source: Source| Resolved {
            secret: Some(secret),
            source,
            warning: None,
            placeholder: None,
        };
        let local = catalog::placeholder(provider_id);
        let mut keychain_error = None;
        // A local server never touches the keychain: it works on machines without one, and a
        // locked keychain never prompts for a server that needs no key.
        if local.is_none() {
            match self.store.get(provider_id) {
                Ok(Some(secret)) => return Ok(found(secret, Source::Keychain)),
                Ok(None) => {}
                Err(e) if e.kind() == ErrorKind::NoKeychain => keychain_error = Some(e),
                Err(e) => return Err(e),
            }
        }
        let path = format!("models.providers.{provider_id}.apiKey");
        match &provider.api_key {
            Some(ApiKey::Template(t)) => {
                let var = crate::config::env::referenced_names(t).join(",");
                let value =
                    expand(t, self.env, &path).map_err(|e| Error::config(&path, e.to_string()))?;
                return Ok(found(Secret::new(value), Source::Env { var }));
            }
            Some(ApiKey::Ref(r)) => {
                let secret = refs::resolve_ref(r, &path, &self.providers, self.env)?;
                let source = if r.source == "env" {
                    Source::Env { var: r.id.clone() }
                } else {
                    Source::ConfigRef {
                        source: r.source.clone(),
                        provider: r.provider.clone(),
                    }
                };
                return Ok(found(secret, source));
            }
            Some(ApiKey::Plain(_)) | None => {}
        }
        if let Some(var) = catalog::env_var(provider_id) {
            if let Some(value) = (self.env)(var).filter(|v| !v.is_empty()) {
                return Ok(found(
                    Secret::new(value),
                    Source::Env {
                        var: var.to_owned(),
                    },
                ));
            }
        }
        if let Some(ApiKey::Plain(value)) = &provider.api_key {
            if local.is_none() || Some(value.as_str()) != local {
                let mut r = found(Secret::new(value.clone()), Source::Plaintext);
                r.warning = Some(format!(
                    "{path} is a plaintext key in the config file; move it to the keychain with \
                     `switchboard keys set {provider_id}` and remove it from the file"
                ));
                return Ok(r);
            }
        }
        if let Some(placeholder) = local {
            return Ok(Resolved {
                secret: None,
                source: Source::Placeholder,
                warning: None,
                placeholder: Some(placeholder),
            });
        }
        if let Some(e) = keychain_error {
            return Err(e);
        }
        Ok(Resolved {
            secret: None,
            source: Source::Missing,
            warning: None,
            placeholder: None,
        })
    }
}

/// The key for `provider_id` from the OS keychain, the config (with its `secrets.providers`
/// for `file` and `exec` refs) and the process environment.
pub fn resolve(provider_id: &str, provider: &Provider, config: &Config) -> Result<Resolved, Error> {
    Resolver::new(&KeyringStore::default())
        .with_secret_providers(config.secret_providers.clone())
        .resolve(provider_id, provider)
}

/// Like [`resolve`], but a missing key is an error naming where one could go.
pub fn require(resolved: Resolved, provider_id: &str) -> Result<Resolved, Error> {
    if resolved.source != Source::Missing {
        return Ok(resolved);
    }
    let env = catalog::env_var(provider_id).map_or(String::new(), |v| format!(", set {v}"));
    Err(Error::Missing {
        provider: provider_id.to_owned(),
        hint: format!("run `switchboard keys set {provider_id}`{env}, or give apiKey as ${{VAR}} or a secret ref"),
    })
}

#[cfg(test)]
mod tests;

//! Keys for requests: [`resolve_api_key`] finds a provider's key through
//! [`crate::secrets::Resolver`] (keychain first, then the config's `apiKey`, the conventional
//! variable and a literal key), and [`secret_input`] resolves header values.

use crate::config::env::expand;
use crate::config::model::{ApiKey, Provider};
use crate::secrets::{self, KeyringStore, Resolver};

use super::error::{ProviderError, ProviderErrorKind};

pub use crate::secrets::Secret;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The key for `provider_id` at `base_url`; `Ok(None)` when there is none (local servers need
/// none). `file`/`exec` key refs need the config's `secrets.providers`: use
/// [`resolve_api_key_with`] with [`crate::config::Config::secret_providers`].
pub fn resolve_api_key(
    provider_id: &str,
    provider: &Provider,
    base_url: &str,
) -> Result<Option<Secret>, ProviderError> {
    resolve_api_key_with(
        provider_id,
        provider,
        base_url,
        &KeyringStore::default(),
        &secrets::SecretProviders::default(),
        &env,
    )
}

/// [`resolve_api_key`] with an explicit keychain, `secrets.providers` and environment.
///
/// With no keychain at all, a server on this machine is asked without a key (it likely needs
/// none), while a remote one fails with the keychain's message: sending it no key would only
/// earn a 401 that hides the real problem.
pub fn resolve_api_key_with(
    provider_id: &str,
    provider: &Provider,
    base_url: &str,
    store: &dyn secrets::Store,
    secret_providers: &secrets::SecretProviders,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Secret>, ProviderError> {
    let resolver = Resolver::new(store)
        .with_env(lookup)
        .with_secret_providers(secret_providers.clone());
    match resolver.resolve(provider_id, provider) {
        Ok(resolved) => {
            if let Some(warning) = &resolved.warning {
                tracing::warn!("{warning}");
            }
            Ok(resolved.secret)
        }
        Err(e) if e.kind() == secrets::ErrorKind::NoKeychain && is_loopback(base_url) => {
            tracing::debug!("no keychain; asking {provider_id} on this machine without a key");
            Ok(None)
        }
        Err(e) => {
            let kind = match e.kind() {
                secrets::ErrorKind::NoKeychain | secrets::ErrorKind::Missing => {
                    ProviderErrorKind::Auth
                }
                _ => ProviderErrorKind::Config,
            };
            Err(ProviderError::new(kind, e.to_string()))
        }
    }
}

fn is_loopback(base_url: &str) -> bool {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Resolves a `SecretInput` (a header value) at `path`.
pub(crate) fn secret_input(
    input: &ApiKey,
    path: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Secret, ProviderError> {
    let config = |message: String| ProviderError::new(ProviderErrorKind::Config, message);
    match input {
        ApiKey::Plain(value) => Ok(Secret::new(value.clone())),
        ApiKey::Template(template) => expand(template, lookup, path)
            .map(Secret::new)
            .map_err(|e| config(e.to_string())),
        ApiKey::Ref(r) if r.source == "env" => lookup(&r.id)
            .map(Secret::new)
            .ok_or_else(|| config(format!("{path}: environment variable {} is not set", r.id))),
        ApiKey::Ref(r) => Err(config(format!(
            "{path}: secret source \"{}\" is not supported for headers yet (use a literal, \
             ${{VAR}} or an env ref)",
            r.source
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::SecretRef;
    use crate::secrets::{MemoryStore, Store};

    fn provider(key: Option<ApiKey>) -> Provider {
        Provider {
            id: "p".into(),
            api_key: key,
            ..Provider::default()
        }
    }

    fn lookup(name: &str) -> Option<String> {
        match name {
            "MY_KEY" => Some("from-my-key-var".into()),
            "OPENAI_API_KEY" => Some("from-openai-var".into()),
            _ => None,
        }
    }

    fn get(
        store: &dyn secrets::Store,
        p: &Provider,
        id: &str,
        url: &str,
    ) -> Result<Option<String>, String> {
        resolve_api_key_with(id, p, url, store, &Default::default(), &lookup)
            .map(|k| k.map(|k| k.expose().to_owned()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn keychain_then_config_key_forms_then_conventional_env() {
        let store = MemoryStore::default();
        let url = "https://api.example.com/v1";
        let plain = provider(Some(ApiKey::Plain("plain-key-1".into())));
        assert_eq!(
            get(&store, &plain, "x", url),
            Ok(Some("plain-key-1".into()))
        );
        let template = provider(Some(ApiKey::Template("${MY_KEY}".into())));
        assert_eq!(
            get(&store, &template, "x", url),
            Ok(Some("from-my-key-var".into()))
        );
        let env_ref = provider(Some(ApiKey::Ref(SecretRef {
            source: "env".into(),
            provider: "default".into(),
            id: "MY_KEY".into(),
        })));
        assert_eq!(
            get(&store, &env_ref, "x", url),
            Ok(Some("from-my-key-var".into()))
        );
        assert_eq!(
            get(&store, &provider(None), "openai", url),
            Ok(Some("from-openai-var".into()))
        );
        assert_eq!(
            get(
                &store,
                &provider(None),
                "lmstudio",
                "http://127.0.0.1:1234/v1"
            ),
            Ok(None)
        );
        let unset = provider(Some(ApiKey::Template("${NOPE}".into())));
        let err = get(&store, &unset, "x", url).expect_err("unset");
        assert!(err.contains("NOPE"), "{err}");

        store
            .set("openai", &Secret::new("from-the-keychain-123"))
            .expect("store");
        assert_eq!(
            get(&store, &provider(None), "openai", url),
            Ok(Some("from-the-keychain-123".into()))
        );
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for url in [
            "http://127.0.0.1:1234/v1",
            "http://localhost:8000",
            "http://[::1]:11434/v1",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://api.openai.com/v1",
            "http://192.168.1.5:1234/v1",
            "http://localhost.evil.com",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}

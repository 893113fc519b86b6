//! Resolving a `provider/model` ref against the config into a [`Target`]: where to send, which
//! wire API, the key and headers, the limits, the alias's `params` and the prices.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::config::env::referenced_names;
use crate::config::json5::{Node, Value as J5};
use crate::config::model::{ApiKey, Config, Cost, ModelDef, Provider, SecretRef};

use super::error::{ProviderError, ProviderErrorKind};
use super::secret::{resolve_api_key_with, secret_input, Secret};
use crate::secrets::{KeyringStore, Store};

pub use crate::catalog::Api;

/// How long to wait: for the connection, for the first byte of the reply, between pieces of
/// the answer, and (optionally) for the whole request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP + TLS connect.
    pub connect: Duration,
    /// From sending the request to the first byte of the body.
    pub first_byte: Duration,
    /// Between two stream events that carry data (keep-alive comments do not count, so a
    /// server that only sends comments still times out), or two chunks of a plain body.
    pub idle: Duration,
    /// From sending the request to the end of the reply; `None`: no limit.
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            // Local servers may process a long prompt (or load a model) before answering.
            first_byte: Duration::from_secs(180),
            idle: Duration::from_secs(60),
            total: None,
        }
    }
}

/// Everything a client needs to send one model a request.
#[derive(Debug, Clone)]
pub struct Target {
    /// The provider id.
    pub provider: String,
    /// The provider-facing model id.
    pub model: String,
    /// The `api` as configured (checked when sending).
    pub api: String,
    /// Base URL without a trailing slash.
    pub base_url: String,
    /// The key, if any.
    pub key: Option<Secret>,
    /// Extra headers from the config.
    pub headers: Vec<(String, Secret)>,
    /// `authHeader`: `false` sends no `Authorization`; for Anthropic, `true` sends
    /// `Authorization: Bearer` instead of `x-api-key`.
    pub auth_header: Option<bool>,
    /// Output token limit (the model's effective `maxTokens`).
    pub max_tokens: Option<u64>,
    /// Request parameters from the alias entry's `params`.
    pub params: Map<String, Value>,
    /// Prices, USD per million tokens.
    pub cost: Option<Cost>,
    /// `compat.maxTokensField`, else chosen from the URL.
    pub max_tokens_field: &'static str,
    /// `compat.supportsUsageInStreaming` (default true).
    pub usage_in_streaming: bool,
    /// Timeouts.
    pub timeouts: Timeouts,
}

fn config_error(message: String) -> ProviderError {
    ProviderError::new(ProviderErrorKind::Config, message)
}

/// Resolves `model_ref` (`provider/model`; the model id may itself contain `/`).
pub fn resolve_target(config: &Config, model_ref: &str) -> Result<Target, ProviderError> {
    resolve_target_with(config, model_ref, &KeyringStore::default(), &|name| {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    })
}

/// [`resolve_target`] with an explicit environment.
pub fn resolve_target_with(
    config: &Config,
    model_ref: &str,
    store: &dyn Store,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Target, ProviderError> {
    let Some((provider_id, model_id)) = model_ref
        .split_once('/')
        .filter(|(p, m)| !p.is_empty() && !m.is_empty())
    else {
        return Err(config_error(format!(
            "\"{model_ref}\" is not a provider/model ref (aliases need the router, which is not there yet)"
        )));
    };
    let built_in = crate::catalog::find(provider_id);
    let fallback;
    let provider: &Provider = match (config.provider(provider_id), built_in) {
        (Some(p), _) => p,
        (None, Some(_)) => {
            fallback = Provider {
                id: provider_id.to_owned(),
                ..Provider::default()
            };
            &fallback
        }
        (None, None) => {
            return Err(config_error(format!(
                "no provider \"{provider_id}\" in the config (models.providers)"
            )))
        }
    };
    let listed = provider.models.iter().flatten().find(|m| m.id == model_id);
    if listed.is_none() && built_in.is_none() && provider.models.is_some() {
        return Err(config_error(format!(
            "provider \"{provider_id}\" has no model \"{model_id}\" (models.providers.{provider_id}.models)"
        )));
    }
    let default_model = ModelDef {
        id: model_id.to_owned(),
        name: model_id.to_owned(),
        ..ModelDef::default()
    };
    let model = listed.unwrap_or(&default_model);
    let base_url = provider
        .base_url
        .clone()
        .or_else(|| built_in.map(|p| p.base_url.to_owned()))
        .ok_or_else(|| {
            config_error(format!("models.providers.{provider_id}.baseUrl is not set"))
        })?;
    let base_url = crate::config::env::expand(
        &base_url,
        lookup,
        &format!("models.providers.{provider_id}.baseUrl"),
    )
    .map_err(|e| config_error(e.to_string()))?;
    let api = model
        .api
        .clone()
        .or_else(|| provider.api.clone())
        .or_else(|| built_in.map(|p| p.api.name().to_owned()))
        .unwrap_or_else(|| "openai-completions".to_owned());
    let max_tokens = model.effective_max_tokens(provider);
    let compat = |key: &str| model.compat.as_ref().and_then(|c| c.get(key));
    let max_tokens_field = match compat("maxTokensField").and_then(Node::as_str) {
        Some("max_completion_tokens") => "max_completion_tokens",
        Some(_) => "max_tokens",
        None => max_tokens_field_for(&base_url),
    };
    let params = config
        .models
        .iter()
        .find(|e| e.model_ref == model_ref)
        .and_then(|e| e.params.as_ref())
        .map(node_to_json)
        .and_then(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default();
    let timeouts = match provider
        .timeout_seconds
        .filter(|s| s.is_finite() && *s > 0.0)
    {
        Some(seconds) => Timeouts {
            first_byte: Duration::from_secs_f64(seconds),
            idle: Duration::from_secs_f64(seconds),
            ..Timeouts::default()
        },
        None => Timeouts::default(),
    };
    Ok(Target {
        provider: provider_id.to_owned(),
        model: model.id.clone(),
        api,
        base_url: base_url.trim_end_matches('/').to_owned(),
        key: resolve_api_key_with(
            provider_id,
            provider,
            &base_url,
            store,
            &config.secret_providers,
            lookup,
        )?,
        headers: headers(provider_id, provider.headers.as_ref(), lookup)?,
        auth_header: provider.auth_header,
        max_tokens: (max_tokens.is_finite() && max_tokens >= 1.0).then_some(max_tokens as u64),
        params,
        cost: model.cost.clone(),
        max_tokens_field,
        usage_in_streaming: compat("supportsUsageInStreaming")
            .and_then(Node::as_bool)
            .unwrap_or(true),
        timeouts,
    })
}

/// The output-limit field a server expects when the config does not say: OpenAI's own API
/// wants `max_completion_tokens`, every compatible server `max_tokens`.
pub(crate) fn max_tokens_field_for(base_url: &str) -> &'static str {
    if base_url.contains("api.openai.com") {
        "max_completion_tokens"
    } else {
        "max_tokens"
    }
}

/// A literal header value: registered with the log redaction when its name says it carries a
/// credential (auth, key, token, secret).
pub(crate) fn header_secret(name: &str, value: String) -> Secret {
    let name = name.to_ascii_lowercase();
    let sensitive = ["auth", "key", "token", "secret"]
        .iter()
        .any(|w| name.contains(w));
    if sensitive {
        Secret::new(value)
    } else {
        Secret::unregistered(value)
    }
}

fn headers(
    provider_id: &str,
    node: Option<&Node>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, Secret)>, ProviderError> {
    let mut out = Vec::new();
    for member in node.and_then(Node::members).unwrap_or_default() {
        let path = format!("models.providers.{provider_id}.headers.{}", member.key);
        let input = match &member.value.value {
            J5::String(s) if referenced_names(s).is_empty() => {
                out.push((member.key.clone(), header_secret(&member.key, s.clone())));
                continue;
            }
            J5::String(s) => ApiKey::Template(s.clone()),
            J5::Object(_) => {
                let field = |k: &str| {
                    member
                        .value
                        .get(k)
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                ApiKey::Ref(SecretRef {
                    source: field("source"),
                    provider: field("provider"),
                    id: field("id"),
                })
            }
            _ => continue,
        };
        out.push((member.key.clone(), secret_input(&input, &path, lookup)?));
    }
    Ok(out)
}

/// A JSON5 tree as JSON (non-finite numbers become `null`).
pub(crate) fn node_to_json(node: &Node) -> Value {
    match &node.value {
        J5::Null => Value::Null,
        J5::Bool(b) => Value::Bool(*b),
        J5::Number(n) => serde_json::Number::from_f64(*n)
            .map(|num| {
                if n.fract() == 0.0 && n.abs() < 9e15 {
                    Value::from(*n as i64)
                } else {
                    Value::Number(num)
                }
            })
            .unwrap_or(Value::Null),
        J5::String(s) => Value::String(s.clone()),
        J5::Array(items) => Value::Array(items.iter().map(node_to_json).collect()),
        J5::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| (m.key.clone(), node_to_json(&m.value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{Error as SecretsError, MemoryStore};

    /// A machine with no keychain at all.
    struct NoKeychain;

    impl Store for NoKeychain {
        fn get(&self, _: &str) -> Result<Option<Secret>, SecretsError> {
            Err(SecretsError::NoKeychain {
                detail: "no session bus".into(),
            })
        }
        fn set(&self, _: &str, _: &Secret) -> Result<(), SecretsError> {
            Err(SecretsError::NoKeychain {
                detail: "no session bus".into(),
            })
        }
        fn delete(&self, _: &str) -> Result<bool, SecretsError> {
            Err(SecretsError::NoKeychain {
                detail: "no session bus".into(),
            })
        }
    }

    fn config(text: &str) -> Config {
        let loaded = crate::config::load_str(
            text,
            std::path::Path::new("/t/config.json5"),
            &|_| None,
            &|_| Err(std::io::Error::other("no includes")),
        );
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        loaded.config
    }

    #[test]
    fn file_key_refs_resolve_through_the_configs_secret_providers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let keys = dir.path().join("keys.json");
        std::fs::write(&keys, r#"{"hosted":{"key":"sk-from-a-file-ref-0123"}}"#).expect("write");
        let cfg = config(&format!(
            r#"{{ secrets: {{ providers: {{ vault: {{ source: "file", path: {:?} }} }} }},
                 models: {{ providers: {{ hosted: {{ baseUrl: "https://llm.example.com/v1",
                   apiKey: {{ source: "file", provider: "vault", id: "/hosted/key" }},
                   models: [{{ id: "m", name: "M" }}] }} }} }} }}"#,
            keys.display().to_string()
        ));
        let t = resolve_target_with(&cfg, "hosted/m", &MemoryStore::default(), &|_| None)
            .expect("resolves");
        assert_eq!(
            t.key.as_ref().map(Secret::expose),
            Some("sk-from-a-file-ref-0123")
        );
    }

    #[test]
    fn resolves_model_limits_params_and_headers() {
        let cfg = config(
            r#"{
              models: { providers: { local: {
                baseUrl: "http://127.0.0.1:9/v1/", api: "openai-responses", apiKey: "local-key-123",
                headers: { "X-Trace": "on", "X-Token": "${TOKEN_VAR}" }, timeoutSeconds: 5,
                models: [{ id: "org/m", name: "M", maxTokens: 1000, contextWindow: 4000,
                           cost: { input: 1, output: 2 } }] } } },
              agents: { defaults: { models: { "local/org/m": { alias: "m", params: { temperature: 0.2 } } } } },
            }"#,
        );
        let env = |n: &str| (n == "TOKEN_VAR").then(|| "tok-value-1".to_owned());
        let t = resolve_target_with(&cfg, "local/org/m", &MemoryStore::default(), &env)
            .expect("resolves");
        assert_eq!(t.base_url, "http://127.0.0.1:9/v1");
        assert_eq!(
            (t.model.as_str(), t.api.as_str()),
            ("org/m", "openai-responses")
        );
        assert_eq!(t.max_tokens, Some(1000));
        assert_eq!(t.params.get("temperature"), Some(&serde_json::json!(0.2)));
        assert_eq!(t.key.as_ref().map(Secret::expose), Some("local-key-123"));
        assert_eq!(t.headers.len(), 2);
        assert_eq!(t.headers[1].1.expose(), "tok-value-1");
        assert_eq!(t.timeouts.idle, Duration::from_secs(5));
        assert!(resolve_target_with(&cfg, "local/other", &MemoryStore::default(), &env).is_err());
        assert!(resolve_target_with(&cfg, "nope/x", &MemoryStore::default(), &env).is_err());
        assert!(resolve_target_with(&cfg, "alias-only", &MemoryStore::default(), &env).is_err());
    }

    #[test]
    fn built_in_providers_need_no_config() {
        let t = resolve_target_with(
            &Config::default(),
            "anthropic/claude-x",
            &MemoryStore::default(),
            &|n| (n == "ANTHROPIC_API_KEY").then(|| "ant-key-value".to_owned()),
        )
        .expect("resolves");
        assert_eq!(t.api, "anthropic-messages");
        assert_eq!(t.base_url, "https://api.anthropic.com/v1");
        assert_eq!(t.max_tokens, Some(8192));
        assert!(t.key.is_some());
        let o = resolve_target_with(
            &Config::default(),
            "openai/gpt-x",
            &MemoryStore::default(),
            &|_| None,
        )
        .expect("ok");
        assert_eq!(o.max_tokens_field, "max_completion_tokens");
        assert!(o.key.is_none());
        // With no keychain at all, a hosted provider without a key is a clear auth error.
        let err = resolve_target_with(&Config::default(), "openai/gpt-x", &NoKeychain, &|_| None)
            .expect_err("no keychain, no key");
        assert_eq!(err.kind(), crate::providers::ProviderErrorKind::Auth);
        assert!(err.to_string().contains("keychain"), "{err}");
    }
}

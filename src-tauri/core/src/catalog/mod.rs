//! The one table of known providers: for each id, its default base URL, wire API, auth header
//! style, conventional key variable, local placeholder key, default port and whether it runs on
//! this machine or is hosted.
//!
//! Everything that knows a provider by its id reads [`PROVIDERS`]: target resolution
//! ([`crate::providers::target`]) for ids a config lists without `baseUrl`, key resolution
//! ([`crate::secrets`]) for the conventional variable and the placeholder of keyless local
//! servers, discovery for the ports it scans and the names it shows, the key test for the
//! well-known endpoint, and the desktop UI's presets (through the `catalog_providers` command).
//! This module depends on nothing else in the crate.
//!
//! ```
//! use switchboard_core::catalog::{self, Locality};
//! let lmstudio = catalog::find(" LMStudio ").expect("known");
//! assert_eq!(lmstudio.base_url, "http://127.0.0.1:1234/v1");
//! assert_eq!(lmstudio.locality, Locality::Local);
//! assert_eq!(catalog::find("x-ai").map(|p| p.id), Some("xai"));
//! ```

use serde::Serialize;

/// The wire APIs this version speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "WireApi")]
pub enum Api {
    /// `POST {baseUrl}/chat/completions`.
    #[serde(rename = "openai-completions")]
    OpenAiCompletions,
    /// `POST {baseUrl}/responses`.
    #[serde(rename = "openai-responses")]
    OpenAiResponses,
    /// `POST {baseUrl}/messages`.
    #[serde(rename = "anthropic-messages")]
    AnthropicMessages,
}

impl Api {
    /// The config name; any other name OpenClaw accepts is "not supported yet" at send time.
    pub fn from_name(name: &str) -> Option<Api> {
        match name {
            "openai-completions" => Some(Api::OpenAiCompletions),
            "openai-responses" => Some(Api::OpenAiResponses),
            "anthropic-messages" => Some(Api::AnthropicMessages),
            _ => None,
        }
    }

    /// The config name (`openai-completions`, …).
    pub fn name(self) -> &'static str {
        match self {
            Api::OpenAiCompletions => "openai-completions",
            Api::OpenAiResponses => "openai-responses",
            Api::AnthropicMessages => "anthropic-messages",
        }
    }

    /// How a key is sent to a server of this API when the config says nothing (`authHeader`).
    pub fn auth(self) -> Auth {
        match self {
            Api::OpenAiCompletions | Api::OpenAiResponses => Auth::Bearer,
            Api::AnthropicMessages => Auth::XApiKey,
        }
    }
}

/// How a key travels in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "KeyAuth")]
pub enum Auth {
    /// `Authorization: Bearer <key>`.
    #[serde(rename = "bearer")]
    Bearer,
    /// `x-api-key: <key>` (Anthropic).
    #[serde(rename = "x-api-key")]
    XApiKey,
}

/// Where a provider's server runs out of the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Locality {
    /// On this machine (a loopback base URL). A proxy such as LiteLLM may still forward
    /// elsewhere: the router decides privacy from the resolved URL, not from this.
    Local,
    /// A hosted API.
    Hosted,
}

/// One known provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct KnownProvider {
    /// The provider id in the config (`models.providers.<id>`).
    pub id: &'static str,
    /// Other ids that mean the same provider (`x-ai` for `xai`).
    pub aliases: &'static [&'static str],
    /// The name people know it by.
    pub name: &'static str,
    /// One line about it.
    pub description: &'static str,
    /// The base URL used when the config omits `baseUrl` (no trailing slash).
    pub base_url: &'static str,
    /// The wire API used when the config omits `api`.
    pub api: Api,
    /// How the key is sent (follows from `api`).
    pub auth: Auth,
    /// The environment variable conventionally holding its key.
    pub env_var: Option<&'static str>,
    /// The key a local server that needs none is sent (`None`: a key is needed).
    pub placeholder: Option<&'static str>,
    /// The port it listens on out of the box (local servers).
    pub port: Option<u16>,
    /// On this machine or hosted.
    pub locality: Locality,
    /// A proxy that may pass requests on to other servers (LiteLLM): even on this machine it
    /// is not private unless the person says it stays here.
    pub forwards: bool,
}

impl KnownProvider {
    /// Whether it answers on this machine itself (a local inference server, not a proxy).
    pub fn serves_models_here(&self) -> bool {
        self.locality == Locality::Local && !self.forwards
    }
}

mod table;

pub use table::PROVIDERS;

/// The known providers, in [`PROVIDERS`] order.
pub fn all() -> &'static [KnownProvider] {
    PROVIDERS
}

/// The provider `id` names, compared as OpenClaw compares ids (trimmed, lowercase), aliases
/// included.
pub fn find(id: &str) -> Option<&'static KnownProvider> {
    let id = id.trim().to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|p| p.id == id || p.aliases.contains(&id.as_str()))
}

/// The environment variable conventionally holding `id`'s key.
pub fn env_var(id: &str) -> Option<&'static str> {
    find(id).and_then(|p| p.env_var)
}

/// The placeholder key of a local server that needs none (`None`: the provider needs a key).
pub fn placeholder(id: &str) -> Option<&'static str> {
    find(id).and_then(|p| p.placeholder)
}

/// Whether `value` is one of the catalog's placeholder keys (no secret at all).
pub fn is_placeholder(value: &str) -> bool {
    PROVIDERS.iter().any(|p| p.placeholder == Some(value))
}

/// The default base URL and API of a known provider whose config omits them.
pub fn endpoint(id: &str) -> Option<(&'static str, Api)> {
    find(id).map(|p| (p.base_url, p.api))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_aliases_are_unique_lowercase_config_keys() {
        let mut seen = std::collections::HashSet::new();
        for p in PROVIDERS {
            for id in std::iter::once(&p.id).chain(p.aliases) {
                assert!(seen.insert(*id), "{id} appears twice");
                assert_eq!(*id, id.trim().to_ascii_lowercase(), "{id}");
                assert!(
                    id.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn every_base_url_parses_without_a_trailing_slash() {
        for p in PROVIDERS {
            let url = reqwest::Url::parse(p.base_url)
                .unwrap_or_else(|e| panic!("{}: {} does not parse: {e}", p.id, p.base_url));
            assert!(!p.base_url.ends_with('/'), "{}", p.id);
            assert!(
                url.query().is_none() && url.fragment().is_none(),
                "{}",
                p.id
            );
            match p.locality {
                Locality::Hosted => assert_eq!(url.scheme(), "https", "{}", p.id),
                Locality::Local => assert_eq!(url.scheme(), "http", "{}", p.id),
            }
        }
    }

    #[test]
    fn local_servers_are_on_loopback_at_their_port_and_hosted_ones_have_none() {
        for p in PROVIDERS {
            let url = reqwest::Url::parse(p.base_url).expect("parses");
            match p.locality {
                Locality::Local => {
                    assert_eq!(url.host_str(), Some("127.0.0.1"), "{}", p.id);
                    assert_eq!(url.port(), p.port, "{}", p.id);
                    assert!(p.port.is_some(), "{}", p.id);
                }
                Locality::Hosted => {
                    assert_eq!(p.port, None, "{}", p.id);
                    assert_eq!(p.placeholder, None, "{}: hosted needs a key", p.id);
                    assert!(p.env_var.is_some(), "{}", p.id);
                }
            }
        }
    }

    #[test]
    fn the_auth_style_follows_the_api_and_env_vars_are_uppercase() {
        for p in PROVIDERS {
            assert_eq!(p.auth, p.api.auth(), "{}", p.id);
            assert_eq!(Api::from_name(p.api.name()), Some(p.api));
            if let Some(var) = p.env_var {
                assert!(
                    var.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                    "{var}"
                );
            }
        }
    }

    #[test]
    fn lookups_trim_lowercase_and_follow_aliases() {
        assert_eq!(find(" LMStudio ").map(|p| p.id), Some("lmstudio"));
        assert_eq!(find("gemini").map(|p| p.id), Some("google"));
        assert_eq!(find("llama-cpp").map(|p| p.id), Some("llamacpp"));
        assert_eq!(find("work"), None);
        assert_eq!(env_var("anthropic"), Some("ANTHROPIC_API_KEY"));
        assert_eq!(placeholder("ollama"), Some("ollama-local"));
        assert_eq!(placeholder("litellm"), None);
        assert_eq!(placeholder("openai"), None);
        assert_eq!(
            endpoint("anthropic"),
            Some(("https://api.anthropic.com/v1", Api::AnthropicMessages))
        );
    }
}

//! The key test: one cheap authenticated call (`GET {baseUrl}/models`) through the provider
//! [`Client`] to tell whether a key works, and the rule for where a stored key may be sent.
//!
//! The request carries the same auth headers a chat request would ([`Client`]'s rules:
//! `x-api-key` for `anthropic-messages`, else `Authorization: Bearer`) and follows redirects
//! only within the base URL's origin, so the key never reaches another server.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::auth::auth_headers;
use super::client::Client;
use super::secret::Secret;
use super::target::Api;
use crate::logging::redact::redact;

/// How long to wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the whole test may take.
const TEST_TIMEOUT: Duration = Duration::from_secs(15);

/// What testing a key found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The key was accepted (2xx).
    Ok,
    /// The key was rejected (401/403).
    Rejected {
        /// The HTTP status.
        status: u16,
    },
    /// The server could not be reached (connection, DNS, TLS, timeout).
    Unreachable {
        /// Why, without the key.
        reason: String,
    },
    /// Anything else (another status, a redirect to another origin).
    Unexpected {
        /// What happened, without the key.
        reason: String,
    },
}

fn unexpected(reason: String) -> Outcome {
    Outcome::Unexpected {
        reason: redact(&reason).into_owned(),
    }
}

impl Client {
    /// Tests `key` against `base_url` (`…/v1`) with a `GET /models`, sending it as `api` (a
    /// config name; an unknown one gets `Authorization: Bearer`) would. Never fails: every
    /// problem is an [`Outcome`], none holding the key.
    pub async fn test_key(&self, base_url: &str, api: &str, key: &Secret) -> Outcome {
        let url = format!("{}/models", base_url.trim().trim_end_matches('/'));
        let url = match reqwest::Url::parse(&url) {
            Ok(url) => url,
            Err(e) => return unexpected(format!("bad base URL {base_url}: {e}")),
        };
        let mut headers = HeaderMap::new();
        if let Err(e) = auth_headers(&mut headers, Api::from_name(api), None, Some(key)) {
            return unexpected(e.to_string());
        }
        let send = self.http().get(url).headers(headers).send();
        match tokio::time::timeout(TEST_TIMEOUT, send).await {
            Err(_) => Outcome::Unreachable {
                reason: format!("no answer within {} s", TEST_TIMEOUT.as_secs()),
            },
            Ok(Ok(r)) if r.status().is_success() => Outcome::Ok,
            Ok(Ok(r)) if matches!(r.status().as_u16(), 401 | 403) => Outcome::Rejected {
                status: r.status().as_u16(),
            },
            Ok(Ok(r)) if r.status().is_redirection() => unexpected(format!(
                "HTTP {} from {}: a redirect to another origin, not followed (the key was not \
                 sent there)",
                r.status().as_u16(),
                r.url()
            )),
            Ok(Ok(r)) => unexpected(format!("HTTP {} from {}", r.status().as_u16(), r.url())),
            Ok(Err(e)) if e.is_connect() || e.is_timeout() || e.is_request() => {
                Outcome::Unreachable {
                    reason: redact(&e.without_url().to_string()).into_owned(),
                }
            }
            Ok(Err(e)) => unexpected(e.without_url().to_string()),
        }
    }
}

/// [`Client::test_key`] on a fresh client.
pub async fn test_key(base_url: &str, api: &str, key: &Secret) -> Outcome {
    match Client::new(CONNECT_TIMEOUT) {
        Ok(client) => client.test_key(base_url, api, key).await,
        Err(e) => unexpected(e.to_string()),
    }
}

/// The origin of `url` as text (`https://api.example.com:443`, with the port always written);
/// `None` for something that is not a URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, host, port) = origin(url)?;
    Some(match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

fn origin(url: &str) -> Option<(String, String, Option<u16>)> {
    let url = reqwest::Url::parse(url.trim()).ok()?;
    Some((
        url.scheme().to_owned(),
        url.host_str().unwrap_or_default().to_owned(),
        url.port_or_known_default(),
    ))
}

/// Whether a key stored for `provider_id` (keychain, config, environment) may be sent to
/// `base_url`: only to the origin (scheme, host, port) of the provider's configured base URL,
/// or of its [`crate::catalog`] endpoint when the config has none. A base URL that comes from
/// the window (a test of a draft) can point anywhere; a stored key never follows it to another
/// server.
pub fn stored_key_may_go_to(
    provider_id: &str,
    configured_base: Option<&str>,
    base_url: &str,
) -> bool {
    let Some(target) = origin(base_url) else {
        return false;
    };
    let home = configured_base.or_else(|| crate::catalog::endpoint(provider_id).map(|(b, _)| b));
    home.and_then(origin).is_some_and(|home| home == target)
}

/// The base URL and API to test `provider_id`'s key against: `base_url`/`api` when given (not
/// blank), else the configured ones, else the catalog's; `None` when no base URL is known.
pub fn endpoint_for(
    provider_id: &str,
    base_url: Option<String>,
    api: Option<String>,
    configured: &crate::config::Provider,
) -> Option<(String, String)> {
    let known = crate::catalog::endpoint(provider_id);
    let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let base = given(base_url)
        .or_else(|| configured.base_url.clone())
        .or_else(|| known.map(|(b, _)| b.to_owned()))?;
    let api = given(api)
        .or_else(|| configured.api.clone())
        .or_else(|| known.map(|(_, a)| a.name().to_owned()))
        .unwrap_or_else(|| Api::OpenAiCompletions.name().to_owned());
    Some((base, api))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_key_only_goes_to_its_providers_own_server() {
        // The configured base URL's origin, whatever the path.
        let work = Some("https://llm.example.com/v1");
        let may = |id, configured, url| stored_key_may_go_to(id, configured, url);
        assert!(may("work", work, "https://llm.example.com/v1/"));
        assert!(may("work", work, "https://LLM.example.com:443/other"));
        assert!(!may("work", work, "https://evil.example.net/v1"));
        assert!(!may("work", work, "http://llm.example.com/v1"));
        assert!(!may("work", work, "https://llm.example.com:8443/v1"));
        // No configured base URL: the catalog's endpoint, else nowhere.
        assert!(may("openai", None, "https://api.openai.com/v1"));
        assert!(may("x-ai", None, "https://api.x.ai/v1"));
        assert!(!may("openai", None, "https://api.openai.com.evil.net/v1"));
        assert!(!may("work", None, "https://llm.example.com/v1"));
        assert!(!may("openai", None, "not a url"));
    }

    #[test]
    fn the_endpoint_comes_from_the_arguments_then_the_config_then_the_catalog() {
        let bare = crate::config::Provider::default();
        let endpoint = |id, base: Option<&str>, api: Option<&str>, p| {
            endpoint_for(id, base.map(Into::into), api.map(Into::into), p)
        };
        assert_eq!(
            endpoint("anthropic", None, None, &bare),
            Some((
                "https://api.anthropic.com/v1".into(),
                "anthropic-messages".into()
            ))
        );
        assert_eq!(
            endpoint("sglang", Some(" "), None, &bare).map(|e| e.0),
            Some("http://127.0.0.1:30000/v1".into())
        );
        let configured = crate::config::Provider {
            base_url: Some("https://gw.example.com/v1".into()),
            ..Default::default()
        };
        assert_eq!(
            endpoint("work", None, None, &configured),
            Some((
                "https://gw.example.com/v1".into(),
                "openai-completions".into()
            ))
        );
        assert_eq!(
            endpoint(
                "work",
                Some("http://h/v1"),
                Some("openai-responses"),
                &configured
            ),
            Some(("http://h/v1".into(), "openai-responses".into()))
        );
        assert_eq!(endpoint("work", None, None, &bare), None);
    }
}

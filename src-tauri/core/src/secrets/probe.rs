//! `keys test`: one cheap authenticated call (list models) to tell whether a key works.
//!
//! Redirects are followed by hand (at most five) so that `Authorization`, `x-api-key` and any
//! custom auth header are dropped as soon as a redirect leaves the original origin; reqwest
//! strips some of these by itself, but not all.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::Secret;

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
    /// Anything else (another status, a redirect loop).
    Unexpected {
        /// What happened, without the key.
        reason: String,
    },
}

/// Why a key test could not be set up. Messages never contain the key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The key cannot be sent in an HTTP header.
    #[error("the key has characters not allowed in an HTTP header")]
    BadHeaderValue,
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(reqwest::Error),
}

/// How to authenticate a request for `api`: the header names and values.
pub fn auth_headers(api: &str, key: &Secret) -> Result<HeaderMap, ProbeError> {
    let mut headers = HeaderMap::new();
    let value = |v: String| {
        let mut v = HeaderValue::from_str(&v).map_err(|_| ProbeError::BadHeaderValue)?;
        v.set_sensitive(true);
        Ok::<_, ProbeError>(v)
    };
    if api == "anthropic-messages" {
        headers.insert(
            HeaderName::from_static("x-api-key"),
            value(key.expose().to_owned())?,
        );
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static("2023-06-01"),
        );
    } else {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            value(format!("Bearer {}", key.expose()))?,
        );
    }
    Ok(headers)
}

/// The headers that carry credentials: dropped on a cross-origin redirect.
fn is_auth_header(name: &HeaderName, custom: &[HeaderName]) -> bool {
    let n = name.as_str();
    n == "authorization"
        || n == "x-api-key"
        || n == "proxy-authorization"
        || n == "cookie"
        || n == "api-key"
        || custom.contains(name)
}

fn origin(url: &reqwest::Url) -> (String, String, Option<u16>) {
    (
        url.scheme().to_owned(),
        url.host_str().unwrap_or_default().to_owned(),
        url.port_or_known_default(),
    )
}

/// GETs `url` with `headers`, following redirects by hand and dropping auth headers (the usual
/// ones and `custom`) once a redirect leaves the original origin.
pub async fn get_guarded(
    client: &reqwest::Client,
    url: reqwest::Url,
    mut headers: HeaderMap,
    custom: &[HeaderName],
) -> Result<reqwest::Response, reqwest::Error> {
    let start = origin(&url);
    let mut url = url;
    for _ in 0..5 {
        let response = client
            .get(url.clone())
            .headers(headers.clone())
            .send()
            .await?;
        if !response.status().is_redirection() {
            return Ok(response);
        }
        let Some(next) = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| url.join(l).ok())
        else {
            return Ok(response);
        };
        if origin(&next) != start {
            let names: Vec<HeaderName> = headers
                .keys()
                .filter(|n| is_auth_header(n, custom))
                .cloned()
                .collect();
            for name in names {
                headers.remove(&name);
            }
        }
        url = next;
    }
    client.get(url).headers(headers).send().await
}

/// A client for probes: no automatic redirects, short timeouts.
pub fn client() -> Result<reqwest::Client, ProbeError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(ProbeError::Client)
}

/// Tests `key` against `base_url` (`…/v1`) with a `GET /models`.
pub async fn test_key(base_url: &str, api: &str, key: &Secret) -> Outcome {
    let unexpected = |reason: String| Outcome::Unexpected {
        reason: crate::logging::redact::redact(&reason).into_owned(),
    };
    let url = match reqwest::Url::parse(&format!("{}/models", base_url.trim_end_matches('/'))) {
        Ok(url) => url,
        Err(e) => return unexpected(format!("bad base URL {base_url}: {e}")),
    };
    let headers = match auth_headers(api, key) {
        Ok(h) => h,
        Err(e) => return unexpected(e.to_string()),
    };
    let client = match client() {
        Ok(c) => c,
        Err(e) => return unexpected(e.to_string()),
    };
    match get_guarded(&client, url, headers, &[]).await {
        Ok(r) if r.status().is_success() => Outcome::Ok,
        Ok(r) if matches!(r.status().as_u16(), 401 | 403) => Outcome::Rejected {
            status: r.status().as_u16(),
        },
        Ok(r) => unexpected(format!("HTTP {} from {}", r.status().as_u16(), r.url())),
        Err(e) if e.is_connect() || e.is_timeout() || e.is_request() => Outcome::Unreachable {
            reason: crate::logging::redact::redact(&e.without_url().to_string()).into_owned(),
        },
        Err(e) => unexpected(e.without_url().to_string()),
    }
}

/// Whether a key stored for `provider_id` (keychain, config, environment) may be sent to
/// `base_url`: only to the origin (scheme, host, port) of the provider's configured base URL,
/// or of its well-known endpoint when the config has none. A base URL that comes from the window
/// (a test of a draft) can point anywhere; a stored key never follows it to another server.
pub fn stored_key_may_go_to(
    provider_id: &str,
    configured_base: Option<&str>,
    base_url: &str,
) -> bool {
    let parsed = |url: &str| reqwest::Url::parse(url.trim()).ok().map(|u| origin(&u));
    let Some(target) = parsed(base_url) else {
        return false;
    };
    let home = configured_base.or_else(|| builtin_endpoint(provider_id).map(|(base, _)| base));
    home.and_then(parsed).is_some_and(|home| home == target)
}

/// The base URL and API of a well-known provider whose config omits them (from
/// [`crate::catalog`]).
pub fn builtin_endpoint(provider_id: &str) -> Option<(&'static str, &'static str)> {
    crate::catalog::endpoint(provider_id).map(|(url, api)| (url, api.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_key_only_goes_to_its_providers_own_server() {
        // The configured base URL's origin, whatever the path.
        let work = Some("https://llm.example.com/v1");
        assert!(stored_key_may_go_to(
            "work",
            work,
            "https://llm.example.com/v1/"
        ));
        assert!(stored_key_may_go_to(
            "work",
            work,
            "https://LLM.example.com:443/other"
        ));
        assert!(!stored_key_may_go_to(
            "work",
            work,
            "https://evil.example.net/v1"
        ));
        assert!(!stored_key_may_go_to(
            "work",
            work,
            "http://llm.example.com/v1"
        ));
        assert!(!stored_key_may_go_to(
            "work",
            work,
            "https://llm.example.com:8443/v1"
        ));
        // No configured base URL: the well-known endpoint, else nowhere.
        assert!(stored_key_may_go_to(
            "openai",
            None,
            "https://api.openai.com/v1"
        ));
        assert!(!stored_key_may_go_to(
            "openai",
            None,
            "https://api.openai.com.evil.net/v1"
        ));
        assert!(!stored_key_may_go_to(
            "work",
            None,
            "https://llm.example.com/v1"
        ));
        assert!(!stored_key_may_go_to("openai", None, "not a url"));
    }
}

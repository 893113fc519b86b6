//! The auth headers of a request: one rule for chat requests and the key test alike.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};

use super::anthropic;
use super::error::{ProviderError, ProviderErrorKind as Kind};
use super::secret::Secret;
use super::target::Api;
use crate::catalog::Auth;

/// Adds the headers `api` needs and the key's header: `x-api-key` for Anthropic, else
/// `Authorization: Bearer`; `auth_header` is the config's `authHeader` (`false`: no key header;
/// `true` for Anthropic: `Bearer` instead of `x-api-key`). Used by chat requests and the key
/// test alike.
pub(super) fn auth_headers(
    map: &mut HeaderMap,
    api: Option<Api>,
    auth_header: Option<bool>,
    key: Option<&Secret>,
) -> Result<(), ProviderError> {
    if api == Some(Api::AnthropicMessages) {
        map.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(anthropic::ANTHROPIC_VERSION),
        );
    }
    let Some(key) = key else { return Ok(()) };
    let style = api.map_or(Auth::Bearer, Api::auth);
    let (name, value) = match (style, auth_header) {
        (_, Some(false)) => return Ok(()),
        (Auth::XApiKey, None) => (
            HeaderName::from_static("x-api-key"),
            key.expose().to_owned(),
        ),
        _ => (AUTHORIZATION, format!("Bearer {}", key.expose())),
    };
    let mut value = HeaderValue::from_str(&value)
        .map_err(|_| ProviderError::new(Kind::Config, "the API key is not a valid header value"))?;
    value.set_sensitive(true);
    map.insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(api: Option<Api>, auth_header: Option<bool>) -> Vec<(String, String)> {
        let mut map = HeaderMap::new();
        let key = Secret::new("k-1");
        auth_headers(&mut map, api, auth_header, Some(&key)).expect("valid");
        let mut pairs: Vec<(String, String)> = map
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        pairs.sort();
        pairs
    }

    #[test]
    fn the_api_picks_the_header_and_auth_header_overrides_it() {
        let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let version = pair("anthropic-version", anthropic::ANTHROPIC_VERSION);
        let bearer = pair("authorization", "Bearer k-1");
        assert_eq!(
            sent(Some(Api::AnthropicMessages), None),
            [version.clone(), pair("x-api-key", "k-1")]
        );
        assert_eq!(
            sent(Some(Api::AnthropicMessages), Some(true)),
            [version.clone(), bearer.clone()]
        );
        assert_eq!(sent(Some(Api::AnthropicMessages), Some(false)), [version]);
        assert_eq!(sent(Some(Api::OpenAiResponses), None), sent(None, None));
        assert_eq!(sent(None, None), [bearer]);
        assert!(sent(Some(Api::OpenAiCompletions), Some(false)).is_empty());
    }
}

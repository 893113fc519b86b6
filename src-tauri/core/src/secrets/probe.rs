//! A forwarder kept for the router's caller until it reads [`crate::catalog`] itself. The key
//! test moved to [`crate::providers::key_test`]: secrets only store and resolve keys.

/// The default base URL and API name of a known provider ([`crate::catalog::endpoint`]).
pub fn builtin_endpoint(provider_id: &str) -> Option<(&'static str, &'static str)> {
    crate::catalog::endpoint(provider_id).map(|(url, api)| (url, api.name()))
}

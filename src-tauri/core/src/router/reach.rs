//! Whether providers answer at all, apart from cooldowns: the app probes the providers served on
//! this machine or the local network ([`local_endpoints`], [`probe`]) and a successful answer
//! marks its provider reachable. Health reports an unreachable provider as down; failover never
//! looks at this table (a stopped local server refuses at once anyway), only at cooldowns.
//!
//! Hosted providers are never probed in the background: no traffic goes to a paid API unless
//! the user asked for it. What counts as local is [`is_local_url`]: loopback, private and
//! link-local addresses, and names that cannot be on the public internet.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures_util::future::join_all;

use crate::config::model::Config;

/// How long one probe may take before its provider counts as unreachable.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// What is known about one provider's reachability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// Whether it answered (any HTTP reply counts).
    pub reachable: bool,
    /// When that was found out (the probe's start, or the answer's).
    pub checked: SystemTime,
}

/// One probe's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The provider id.
    pub provider: String,
    /// Whether `GET {baseUrl}/models` got any HTTP reply in time.
    pub reachable: bool,
}

/// The shared table, by provider id. The lock is never held across an `.await`.
#[derive(Debug, Default)]
pub(crate) struct ReachTable {
    table: Mutex<HashMap<String, Reach>>,
}

impl ReachTable {
    /// Records `reach` for `provider` unless something newer is known; true if that changed
    /// what the table says.
    pub(crate) fn record(&self, provider: &str, reach: Reach) -> bool {
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        match table.get(provider) {
            // A probe that started before a newer answer (or probe) is stale.
            Some(known) if known.checked > reach.checked => false,
            Some(known) if *known == reach => false,
            _ => {
                table.insert(provider.to_owned(), reach);
                true
            }
        }
    }

    /// Every provider with a known state, sorted by id.
    pub(crate) fn snapshot(&self) -> Vec<(String, Reach)> {
        let table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        let mut all: Vec<_> = table.iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// The host of `url` (`scheme://host[:port]/…`), without brackets for IPv6.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    }
}

/// Whether `url` points at this machine or the local network: loopback, private (10/8,
/// 172.16/12, 192.168/16, fc00::/7), link-local, `localhost`, a name without a dot, or a name
/// under `.local`, `.lan`, `.internal`, `.home.arpa` or `.localhost`.
pub fn is_local_url(url: &str) -> bool {
    let host = host_of(url).trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return false;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local(),
        Ok(IpAddr::V6(ip)) => {
            let first = ip.segments()[0];
            ip.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
        Err(_) => {
            !host.contains('.')
                || [".local", ".lan", ".internal", ".home.arpa", ".localhost"]
                    .iter()
                    .any(|suffix| host.ends_with(suffix))
        }
    }
}

/// The base URL a provider's requests go to: its `baseUrl` (with `${VAR}`s from `lookup`;
/// unexpandable: `None`), else the built-in endpoint of a well-known id.
pub fn base_url_of(
    config: &Config,
    provider: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let written = config.provider(provider).and_then(|p| p.base_url.clone());
    match written {
        Some(url) => crate::config::env::expand(&url, lookup, "baseUrl").ok(),
        None => crate::catalog::endpoint(provider).map(|(url, _)| url.to_owned()),
    }
}

/// The configured providers served locally ([`is_local_url`]), with their base URLs.
pub fn local_endpoints(
    config: &Config,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    config
        .providers
        .iter()
        .filter_map(|p| {
            let url = base_url_of(config, &p.id, lookup)?;
            is_local_url(&url).then(|| (p.id.clone(), url))
        })
        .collect()
}

/// Probes each `(provider, base URL)` in parallel with `GET {baseUrl}/models`: any HTTP reply
/// (401 and 404 included) means reachable; a refused, reset or timed-out connection means not.
/// No key is sent. Results are in the order of `endpoints`.
pub async fn probe(endpoints: &[(String, String)], timeout: Duration) -> Vec<Probe> {
    let client = reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        // Local servers only: a system proxy must not see (or answer) these requests.
        .no_proxy()
        .build();
    let Ok(client) = client else {
        tracing::warn!("no HTTP client for the reachability probe");
        return Vec::new();
    };
    let checks = endpoints.iter().map(|(provider, base)| {
        let url = format!("{}/models", base.trim_end_matches('/'));
        let request = client.get(url);
        async move {
            let reachable = match request.send().await {
                Ok(_) => true,
                Err(e) => {
                    tracing::debug!(provider, "not reachable: {}", e.without_url());
                    false
                }
            };
            Probe {
                provider: provider.clone(),
                reachable,
            }
        }
    });
    join_all(checks).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_means_this_machine_or_the_local_network() {
        for url in [
            "http://127.0.0.1:1234/v1",
            "http://localhost:11434/v1",
            "http://[::1]:8000/v1",
            "http://192.168.1.5:1234/v1",
            "http://10.0.0.2:8001",
            "http://172.20.0.3/v1",
            "http://169.254.3.4/v1",
            "http://[fd00::1]:80/v1",
            "http://gpu-box:8080/v1",
            "http://studio.local:1234/v1",
            "http://user@nas.home.arpa/v1",
        ] {
            assert!(is_local_url(url), "{url} is local");
        }
        for url in [
            "https://api.openai.com/v1",
            "https://openrouter.ai/api/v1",
            "http://8.8.8.8/v1",
            "http://172.32.0.1/v1",
            "http://[2001:db8::1]/v1",
            "",
        ] {
            assert!(!is_local_url(url), "{url:?} is not local");
        }
    }

    #[test]
    fn only_local_providers_are_probed() {
        let text = r#"{ models: { providers: {
            lan: { baseUrl: "http://192.168.1.5:1234/v1", models: [{ id: "m", name: "M" }] },
            hosted: { baseUrl: "https://api.example.com/v1", models: [{ id: "m", name: "M" }] },
            moved: { baseUrl: "${LOCAL_URL}", models: [{ id: "m", name: "M" }] },
            lmstudio: {},
            openai: {},
        } } }"#;
        let env = |_: &str| None;
        let read = |_: &std::path::Path| Err(std::io::Error::other("no includes"));
        let loaded = crate::config::load_str(text, std::path::Path::new("c.json5"), &env, &read);
        let config = loaded.into_config().expect("valid");
        let lookup = |name: &str| (name == "LOCAL_URL").then(|| "http://127.0.0.1:9/v1".into());
        let ids: Vec<String> = local_endpoints(&config, &lookup)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, ["lan", "moved", "lmstudio"]);
        assert!(local_endpoints(&config, &|_| None)
            .iter()
            .all(|(id, _)| id != "moved"));
    }

    #[test]
    fn stale_results_do_not_replace_newer_ones() {
        let table = ReachTable::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let t1 = t0 + Duration::from_secs(1);
        let up = |checked| Reach {
            reachable: true,
            checked,
        };
        let down = |checked| Reach {
            reachable: false,
            checked,
        };
        assert!(table.record("a", up(t1)));
        assert!(
            !table.record("a", down(t0)),
            "a probe from before the answer"
        );
        assert!(!table.record("a", up(t1)), "nothing new");
        assert!(table.record("a", down(t1 + Duration::from_secs(1))));
        assert!(!table.snapshot()[0].1.reachable);
    }
}

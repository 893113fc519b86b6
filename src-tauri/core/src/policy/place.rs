//! Where a request goes: this machine, a local proxy that may forward it, or somewhere else.
//!
//! Decided from the resolved base URL's host, never from the provider's name alone:
//! - a host that is not this machine (a hosted API, and also a LAN host: private means "never
//!   leaves this machine") is [`Place::Leaves`];
//! - a host on this machine (loopback, `localhost`, or an address of one of this machine's
//!   interfaces) is [`Place::ThisMachine`] when the provider is a known inference server in the
//!   catalog (LM Studio, Ollama, vLLM, llama.cpp, SGLang, Jan) or the person marked it "stays on
//!   this machine", and [`Place::MayForward`] otherwise: a LiteLLM proxy or a custom gateway on
//!   localhost can pass the text on to the internet.
//!
//! [`Destination`] is the privacy trail's record of one attempt that was sent: host, whether
//! it left this machine, the region when the URL names one, and whether a key went with it.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// Where a base URL sends the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A server on this machine that answers itself.
    ThisMachine,
    /// A server on this machine that may pass the request on (a proxy, a custom gateway).
    MayForward,
    /// Another machine: a hosted API or a host on the network.
    Leaves,
}

impl Place {
    /// Whether a private conversation may use it.
    pub fn is_private(self) -> bool {
        self == Place::ThisMachine
    }
}

/// The privacy trail of one attempt that was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    /// `host[:port]` the request went to (no path, no query, no credentials).
    pub host: String,
    /// Where that is.
    pub place: Place,
    /// Whether the text (may have) left this machine: anything but [`Place::ThisMachine`].
    pub left_machine: bool,
    /// The region the URL names (`us-east-1`, `eu`), when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub region: Option<String>,
    /// Whether an API key went with it (a local server's placeholder is not a key).
    pub key_sent: bool,
}

/// The host and port of `url`, lowercased, without credentials; `None` if it does not parse.
pub fn host_port(url: &str) -> Option<(String, Option<u16>)> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let host = match parsed.host()? {
        url::Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
    };
    Some((host, parsed.port_or_known_default()))
}

/// `host[:port]` as the trail shows it (`[::1]:1234` for IPv6).
fn shown(host: &str, port: Option<u16>) -> String {
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    match port {
        Some(443) | Some(80) | None => host,
        Some(port) => format!("{host}:{port}"),
    }
}

/// This machine's own interface addresses, read once.
fn machine_addresses() -> &'static [IpAddr] {
    static ADDRESSES: OnceLock<Vec<IpAddr>> = OnceLock::new();
    ADDRESSES.get_or_init(|| {
        if_addrs::get_if_addrs()
            .map(|all| all.into_iter().map(|i| i.ip()).collect())
            .unwrap_or_default()
    })
}

/// Whether `host` (lowercased, no brackets) is this machine.
pub fn is_this_machine(host: &str) -> bool {
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip.is_unspecified() || machine_addresses().contains(&ip),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    }
}

/// Where `base_url` of provider `provider` sends the text; `stays_local` holds the providers
/// the person marked "stays on this machine". An unparsable URL leaves (nothing is assumed).
pub fn place_of(provider: &str, base_url: &str, stays_local: &BTreeSet<String>) -> Place {
    let Some((host, _)) = host_port(base_url) else {
        return Place::Leaves;
    };
    if !is_this_machine(&host) {
        return Place::Leaves;
    }
    let inference_server = crate::catalog::find(provider).is_some_and(|p| p.serves_models_here());
    if inference_server || stays_local.contains(provider) {
        Place::ThisMachine
    } else {
        Place::MayForward
    }
}

/// The trail record of a request to `base_url` of `provider`.
pub fn destination(place: Place, base_url: &str, key_sent: bool) -> Destination {
    let (host, port) = host_port(base_url).unwrap_or_else(|| (String::from("?"), None));
    Destination {
        region: region_of(&host),
        host: shown(&host, port),
        place,
        left_machine: !place.is_private(),
        key_sent,
    }
}

/// The region a host names: a cloud region label (`bedrock-runtime.us-east-1.amazonaws.com`,
/// `europe-west4-aiplatform.googleapis.com`) or a leading geography label of a regional
/// endpoint (`eu.openrouter.ai`).
pub fn region_of(host: &str) -> Option<String> {
    static CLOUD: OnceLock<Regex> = OnceLock::new();
    if host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let cloud = CLOUD.get_or_init(|| {
        Regex::new(
            r"(?:^|[.-])((?:us|eu|ap|ca|sa|me|af|il|mx|cn)-(?:gov-)?[a-z]+-\d|(?:us|europe|asia|australia|northamerica|southamerica|africa|me)-[a-z]+\d+)(?:$|[.-])",
        )
        .expect("valid regex")
    });
    if let Some(found) = cloud.captures(host) {
        return Some(found[1].to_owned());
    }
    const GEOGRAPHIES: &[&str] = &["eu", "us", "uk", "jp", "kr", "au", "ca", "in", "sg", "de"];
    let labels: Vec<&str> = host.split('.').collect();
    let first = *labels.first()?;
    (labels.len() >= 3 && GEOGRAPHIES.contains(&first)).then(|| first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> BTreeSet<String> {
        BTreeSet::new()
    }

    #[test]
    fn the_host_decides_not_the_name() {
        let marked = BTreeSet::from(["gw".to_owned()]);
        assert_eq!(
            place_of("lmstudio", "http://127.0.0.1:1234/v1", &none()),
            Place::ThisMachine
        );
        assert_eq!(
            place_of("ollama", "http://localhost:11434/v1", &none()),
            Place::ThisMachine
        );
        assert_eq!(
            place_of("lmstudio", "https://api.openai.com/v1", &none()),
            Place::Leaves,
            "a local name on a hosted URL leaves"
        );
        assert_eq!(
            place_of("lmstudio", "http://192.168.1.20:1234/v1", &none()),
            Place::Leaves,
            "another machine on the LAN is not this machine"
        );
        assert_eq!(
            place_of("litellm", "http://127.0.0.1:4000/v1", &none()),
            Place::MayForward
        );
        assert_eq!(
            place_of("gw", "http://[::1]:9000/v1", &none()),
            Place::MayForward
        );
        assert_eq!(
            place_of("gw", "http://[::1]:9000/v1", &marked),
            Place::ThisMachine
        );
        assert_eq!(
            place_of("gw", "https://gw.example.com/v1", &marked),
            Place::Leaves,
            "a mark never makes a remote host local"
        );
        assert_eq!(place_of("x", "not a url", &none()), Place::Leaves);
    }

    #[test]
    fn the_trail_names_host_region_and_key() {
        let d = destination(
            Place::Leaves,
            "https://user:pw@bedrock-runtime.us-east-1.amazonaws.com/v1?key=s",
            true,
        );
        assert_eq!(d.host, "bedrock-runtime.us-east-1.amazonaws.com");
        assert_eq!(d.region.as_deref(), Some("us-east-1"));
        assert!(d.left_machine && d.key_sent);
        let local = destination(Place::ThisMachine, "http://127.0.0.1:1234/v1", false);
        assert_eq!(local.host, "127.0.0.1:1234");
        assert!(!local.left_machine && local.region.is_none());
        assert_eq!(region_of("eu.openrouter.ai").as_deref(), Some("eu"));
        assert_eq!(
            region_of("europe-west4-aiplatform.googleapis.com").as_deref(),
            Some("europe-west4")
        );
        assert_eq!(region_of("api.anthropic.com"), None);
        assert_eq!(region_of("openrouter.ai"), None);
        assert_eq!(
            destination(Place::MayForward, "http://[::1]:4000", false).host,
            "[::1]:4000"
        );
    }

    #[test]
    fn this_machine_includes_its_own_addresses() {
        assert!(is_this_machine("127.0.0.1") && is_this_machine("::1"));
        assert!(is_this_machine("localhost") && is_this_machine("a.localhost"));
        assert!(!is_this_machine("8.8.8.8") && !is_this_machine("example.com"));
        for ip in machine_addresses() {
            assert!(is_this_machine(&ip.to_string()), "{ip}");
        }
    }
}

//! The scan: which targets to probe, with which deadlines, all in parallel.

use std::time::{Duration, Instant};

use super::http::Http;
use super::types::{DetectedServer, ScanReport, ServerKind};
use super::{lmstudio, others, DiscoveryError};

/// One place to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// What is expected there.
    pub kind: ServerKind,
    /// `http://host:port` for known kinds; the base URL (with `/v1`) for OpenAI-compatible ones.
    pub url: String,
}

impl Target {
    /// A known server on the loopback address at `port`.
    pub fn loopback(kind: ServerKind, port: u16) -> Self {
        Target {
            kind,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A user-added OpenAI-compatible base URL; `/v1` is added when it has no path.
    pub fn base_url(url: &str) -> Self {
        let url = url.trim_end_matches('/');
        let has_path = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .contains('/');
        let url = if has_path {
            url.to_owned()
        } else {
            format!("{url}/v1")
        };
        Target {
            kind: ServerKind::OpenAiCompatible,
            url,
        }
    }
}

/// What to scan and how long to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// The targets, in report order.
    pub targets: Vec<Target>,
    /// Deadline for each request's answer.
    pub timeout: Duration,
    /// Deadline for each connection.
    pub connect_timeout: Duration,
}

/// The default response deadline (the LM Studio SDK uses 500 ms for its greeting).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

impl ScanOptions {
    /// Every known server at its default port on `127.0.0.1`.
    pub fn loopback() -> Self {
        Self::ports(
            ServerKind::KNOWN
                .iter()
                .filter_map(|k| Some((*k, k.default_port()?))),
        )
    }

    /// Exactly these servers at these loopback ports (tests use random ports).
    pub fn ports(ports: impl IntoIterator<Item = (ServerKind, u16)>) -> Self {
        ScanOptions {
            targets: ports
                .into_iter()
                .map(|(kind, port)| Target::loopback(kind, port))
                .collect(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_TIMEOUT.min(Duration::from_millis(250)),
        }
    }

    /// Moves `kind` to `port` (a user-set LM Studio port, say); adds it when absent.
    pub fn with_port(mut self, kind: ServerKind, port: u16) -> Self {
        let target = Target::loopback(kind, port);
        match self.targets.iter_mut().find(|t| t.kind == kind) {
            Some(slot) => *slot = target,
            None => self.targets.push(target),
        }
        self
    }

    /// Adds a user's OpenAI-compatible base URL.
    pub fn with_url(mut self, url: &str) -> Self {
        self.targets.push(Target::base_url(url));
        self
    }

    /// Sets the response deadline (and caps the connect deadline at it).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.connect_timeout = self.connect_timeout.min(timeout);
        self
    }
}

/// Probes targets; holds one HTTP client so repeated scans reuse connections.
#[derive(Debug, Clone)]
pub struct Scanner {
    http: Http,
    options: ScanOptions,
}

impl Scanner {
    /// A scanner for `options`.
    pub fn new(options: ScanOptions) -> Result<Self, DiscoveryError> {
        let http = Http::new(options.connect_timeout, options.timeout)?;
        Ok(Scanner { http, options })
    }

    /// The options it scans with.
    pub fn options(&self) -> &ScanOptions {
        &self.options
    }

    /// Probes every target in parallel; one entry per target, in target order.
    pub async fn scan(&self) -> ScanReport {
        let probes = self.options.targets.iter().map(|t| self.probe(t));
        ScanReport {
            servers: futures_util::future::join_all(probes).await,
        }
    }

    /// Probes one target.
    pub async fn probe(&self, target: &Target) -> DetectedServer {
        let started = Instant::now();
        let http = &self.http;
        let url = target.url.trim_end_matches('/');
        let mut server = match target.kind {
            ServerKind::LmStudio => lmstudio::probe(http, url).await,
            ServerKind::Ollama => others::ollama(http, url).await,
            ServerKind::Vllm => others::vllm(http, url).await,
            ServerKind::LlamaCpp => others::llamacpp(http, url).await,
            ServerKind::LiteLlm => others::litellm(http, url).await,
            ServerKind::Jan => {
                others::openai_compatible(http, ServerKind::Jan, &format!("{url}/v1")).await
            }
            ServerKind::OpenAiCompatible => {
                others::openai_compatible(http, ServerKind::OpenAiCompatible, url).await
            }
        };
        server.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        tracing::debug!(
            kind = target.kind.id(),
            url,
            status = server.status.label(),
            elapsed_ms = server.elapsed_ms,
            "probed"
        );
        server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_get_v1_only_without_a_path() {
        assert_eq!(
            Target::base_url("http://10.0.0.2:8001").url,
            "http://10.0.0.2:8001/v1"
        );
        assert_eq!(
            Target::base_url("http://10.0.0.2:8001/openai/v1/").url,
            "http://10.0.0.2:8001/openai/v1"
        );
    }

    #[test]
    fn the_default_scan_puts_lm_studio_first_on_1234() {
        let options = ScanOptions::loopback().with_port(ServerKind::LmStudio, 4321);
        assert_eq!(options.targets.len(), 6);
        assert_eq!(
            options.targets[0],
            Target::loopback(ServerKind::LmStudio, 4321)
        );
        assert_eq!(options.targets[5].url, "http://127.0.0.1:1337");
    }
}

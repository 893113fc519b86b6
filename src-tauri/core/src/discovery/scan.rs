//! The scan: which targets to probe, with which deadlines, all in parallel; and identifying a
//! server by its own endpoints wherever it listens.
//!
//! A known server is first asked what its default port promises. A user-added URL, and a
//! default port where something else answers, are then tried against every fingerprint that
//! is a server's own ([`FINGERPRINTED`], then [`FINGERPRINTED_LAST`]), so llama.cpp on port
//! 9000 is reported as llama.cpp with its version, context and loaded state, not as a bare
//! OpenAI-compatible list.

use std::time::{Duration, Instant};

use super::http::Http;
use super::types::{DetectedServer, ScanReport, ServerKind, Status};
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

/// The kinds recognised by endpoints of their own, asked together; when several answer, the
/// first in this order wins (vLLM's `/version` is the least specific). Jan is not here: its
/// API is a bare OpenAI model list, found only on its own port.
pub const FINGERPRINTED: [ServerKind; 4] = [
    ServerKind::LmStudio,
    ServerKind::Ollama,
    ServerKind::LiteLlm,
    ServerKind::Vllm,
];

/// Asked only after the [`FINGERPRINTED`] kinds did not answer: llama.cpp's probe is
/// `GET /health`, which the LiteLLM proxy answers by calling every model it routes to.
pub const FINGERPRINTED_LAST: ServerKind = ServerKind::LlamaCpp;

/// Ports scanned besides a kind's catalog port: `llama-server` announces that its default port
/// moves from 8080 to 9931 in a future release.
pub const EXTRA_PORTS: &[(ServerKind, u16)] = &[(ServerKind::LlamaCpp, 9931)];

/// The default response deadline (the LM Studio SDK uses 500 ms for its greeting).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

impl ScanOptions {
    /// Every known server at its default port on `127.0.0.1`, then the [`EXTRA_PORTS`].
    pub fn loopback() -> Self {
        Self::ports(
            ServerKind::KNOWN
                .iter()
                .filter_map(|k| Some((*k, k.default_port()?)))
                .chain(EXTRA_PORTS.iter().copied()),
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
        ScanReport::new(futures_util::future::join_all(probes).await)
    }

    /// Probes one target: as what it promises, else by every fingerprint.
    pub async fn probe(&self, target: &Target) -> DetectedServer {
        let started = Instant::now();
        let url = target.url.trim_end_matches('/');
        let mut server = match target.kind {
            ServerKind::OpenAiCompatible => self.probe_url(url).await,
            kind => {
                let expected = self.probe_as(kind, url).await;
                if expected.status == Status::OtherService {
                    self.identify(url, Some(kind)).await.unwrap_or(expected)
                } else {
                    expected
                }
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

impl Scanner {
    /// Asks `origin` (`http://host:port`) whether it is a `kind` server.
    async fn probe_as(&self, kind: ServerKind, origin: &str) -> DetectedServer {
        let http = &self.http;
        match kind {
            ServerKind::LmStudio => lmstudio::probe(http, origin).await,
            ServerKind::Ollama => others::ollama(http, origin).await,
            ServerKind::Vllm => others::vllm(http, origin).await,
            ServerKind::LlamaCpp => others::llamacpp(http, origin).await,
            ServerKind::LiteLlm => others::litellm(http, origin).await,
            ServerKind::Jan => {
                others::openai_compatible(http, ServerKind::Jan, &format!("{origin}/v1")).await
            }
            ServerKind::OpenAiCompatible => {
                others::openai_compatible(http, kind, &format!("{origin}/v1")).await
            }
        }
    }

    /// What `origin` is among the [`FINGERPRINTED`] kinds and [`FINGERPRINTED_LAST`], but
    /// `tried`: the running server, else every answer of the first round.
    async fn identify(
        &self,
        origin: &str,
        tried: Option<ServerKind>,
    ) -> Result<DetectedServer, Vec<DetectedServer>> {
        let kinds = FINGERPRINTED.into_iter().filter(|k| Some(*k) != tried);
        let found = futures_util::future::join_all(kinds.map(|k| self.probe_as(k, origin))).await;
        if let Some(server) = found.iter().find(|s| s.status == Status::Running) {
            return Ok(server.clone());
        }
        let refused_or_silent = found
            .first()
            .is_some_and(|s| matches!(s.status, Status::NotRunning | Status::Error));
        if Some(FINGERPRINTED_LAST) != tried && !refused_or_silent {
            let last = self.probe_as(FINGERPRINTED_LAST, origin).await;
            if last.status == Status::Running {
                return Ok(last);
            }
        }
        Err(found)
    }

    /// A user-added base URL: a known server when one answers at its origin (the URL is the
    /// origin, with or without `/v1`), else any OpenAI-compatible model list.
    async fn probe_url(&self, base: &str) -> DetectedServer {
        let origin = base.strip_suffix("/v1").unwrap_or(base);
        if !is_origin(origin) {
            return others::openai_compatible(&self.http, ServerKind::OpenAiCompatible, base).await;
        }
        let found = match self.identify(origin, None).await {
            Ok(server) => return server,
            Err(found) => found,
        };
        // Refused or silent for one probe is refused or silent for all: no need to ask again.
        match found.into_iter().next() {
            Some(s) if matches!(s.status, Status::NotRunning | Status::Error) => {
                let mut server = DetectedServer::new(ServerKind::OpenAiCompatible, base, s.status);
                server.detail = s.detail;
                server
            }
            _ => others::openai_compatible(&self.http, ServerKind::OpenAiCompatible, base).await,
        }
    }
}

/// Whether `url` is `scheme://host[:port]` with no path.
fn is_origin(url: &str) -> bool {
    url.split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.contains('/'))
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
        assert_eq!(options.targets.len(), 7);
        assert_eq!(
            options.targets[0],
            Target::loopback(ServerKind::LmStudio, 4321)
        );
        assert_eq!(options.targets[5].url, "http://127.0.0.1:1337");
        assert_eq!(
            options.targets[6],
            Target::loopback(ServerKind::LlamaCpp, 9931)
        );
    }

    #[test]
    fn only_bare_origins_are_fingerprinted() {
        assert!(is_origin("http://127.0.0.1:9000"));
        assert!(is_origin("https://gpu-box"));
        assert!(!is_origin("http://10.0.0.2:8001/openai"));
        assert!(!is_origin("not a url"));
    }
}

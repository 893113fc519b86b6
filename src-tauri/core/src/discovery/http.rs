//! The probe client: one GET or POST with a response deadline, failures classified as refused,
//! timed out, too large or other. Every body is read through [`read_body`], which stops at
//! [`MAX_BODY`]: a model list or a status reply is a few kilobytes, and a port that streams more
//! is not a model server worth holding in memory.

use std::time::Duration;

use serde_json::Value;

use super::DiscoveryError;

/// Why a probe got no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProbeError {
    /// Connection refused: nothing listens.
    Refused,
    /// Connected (or tried to) but no answer in time.
    Timeout,
    /// The reply body is larger than [`MAX_BODY`].
    TooLarge,
    /// Anything else (reset, broken HTTP).
    Other(String),
}

/// The most a discovery reply body may hold: 1 MiB.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// More than [`MAX_BODY`] bytes (by `Content-Length`, or as they arrived).
    TooLarge,
    /// The connection failed while reading.
    Read(reqwest::Error),
}

impl BodyError {
    /// The text for an error message.
    pub(crate) fn describe(self) -> String {
        match self {
            BodyError::TooLarge => too_large(),
            BodyError::Read(e) => e.without_url().to_string(),
        }
    }
}

fn too_large() -> String {
    format!(
        "the reply is larger than {} MiB, more than any model server sends: not read",
        MAX_BODY >> 20
    )
}

/// Reads `response`'s body as text, refusing one larger than [`MAX_BODY`] before reading it
/// (when `Content-Length` says so) or as soon as it grows past the limit.
pub(crate) async fn read_body(mut response: reqwest::Response) -> Result<String, BodyError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// A reply: status and body.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(crate) fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The body's first line, shortened, to show what answered.
    pub(crate) fn summary(&self) -> String {
        let line = self.body.lines().next().unwrap_or_default().trim();
        let short: String = line.chars().take(60).collect();
        if short.is_empty() {
            format!("HTTP {}", self.status)
        } else if short.len() < line.len() {
            format!("HTTP {}: {short}…", self.status)
        } else {
            format!("HTTP {}: {short}", self.status)
        }
    }
}

/// A shared HTTP client with the scan's deadlines.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    pub(crate) timeout: Duration,
}

impl Http {
    pub(crate) fn new(connect: Duration, timeout: Duration) -> Result<Self, DiscoveryError> {
        let client = reqwest::Client::builder()
            .connect_timeout(connect)
            // Probes go to loopback: a system proxy must not see (or answer) them.
            .no_proxy()
            .pool_idle_timeout(Duration::from_secs(4))
            .build()
            .map_err(|e| DiscoveryError::Client(e.to_string()))?;
        Ok(Http { client, timeout })
    }

    pub(crate) async fn get(&self, url: impl Into<String>) -> Result<Reply, ProbeError> {
        self.send(self.client.get(url.into()), self.timeout).await
    }

    pub(crate) async fn post(
        &self,
        url: &str,
        body: &Value,
        timeout: Duration,
    ) -> Result<Reply, ProbeError> {
        self.send(self.client.post(url).json(body), timeout).await
    }

    /// Sends once, and once more after a failure that is neither a refusal nor a timeout: a
    /// pooled keep-alive connection the server closed (it quit, or its idle timer fired) fails
    /// that way, and a fresh connection tells the real story.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Reply, ProbeError> {
        let again = request.try_clone();
        match (Self::send_once(request, timeout).await, again) {
            (Err(ProbeError::Other(_)), Some(again)) => Self::send_once(again, timeout).await,
            (result, _) => result,
        }
    }

    async fn send_once(
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Reply, ProbeError> {
        let response = request.timeout(timeout).send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let body = read_body(response).await.map_err(|e| match e {
            BodyError::TooLarge => ProbeError::TooLarge,
            BodyError::Read(e) => classify(e),
        })?;
        Ok(Reply { status, body })
    }
}

fn classify(e: reqwest::Error) -> ProbeError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return ProbeError::Refused;
            }
        }
        source = err.source();
    }
    if e.is_timeout() {
        return ProbeError::Timeout;
    }
    ProbeError::Other(e.without_url().to_string())
}

impl ProbeError {
    /// The text for a server's `detail`.
    pub(crate) fn describe(&self, timeout: Duration) -> String {
        match self {
            ProbeError::Refused => "connection refused".to_owned(),
            ProbeError::Timeout => format!(
                "accepted the connection but did not answer within {} ms",
                timeout.as_millis()
            ),
            ProbeError::TooLarge => too_large(),
            ProbeError::Other(text) => text.clone(),
        }
    }
}

/// One request to a local server's management API (load, warm-up, download): `body` as JSON
/// when given, `token` as a bearer token, `timeout` for the whole reply. A body that is not
/// JSON reads as `Value::Null`; the caller judges the status and the body.
pub(crate) async fn call(
    method: reqwest::Method,
    url: &str,
    body: Option<&Value>,
    token: Option<&str>,
    timeout: Duration,
) -> Result<Reply, DiscoveryError> {
    let client = reqwest::Client::builder()
        // Loopback only: a system proxy must not see (or answer) these requests.
        .no_proxy()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| DiscoveryError::Client(e.to_string()))?;
    let mut request = client.request(method, url).timeout(timeout);
    if let Some(body) = body {
        request = request.json(body);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let unreachable = |e: reqwest::Error| DiscoveryError::Unreachable {
        url: url.to_owned(),
        message: match classify(e) {
            ProbeError::Timeout => format!("no answer within {} s", timeout.as_secs()),
            other => other.describe(timeout),
        },
    };
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    let body = read_body(response).await.map_err(|e| match e {
        BodyError::Read(e) => unreachable(e),
        too_large => DiscoveryError::Server {
            url: url.to_owned(),
            status,
            message: too_large.describe(),
        },
    })?;
    Ok(Reply { status, body })
}

/// The error text of an LM Studio reply: `{"error": "…"}` or `{"error": {"message": "…"}}`.
pub(crate) fn error_text(value: &Value) -> Option<String> {
    match &value["error"] {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => Some(
            o.get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        _ => None,
    }
}

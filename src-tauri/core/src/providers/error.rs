//! The providers' error: one pointer wide (a boxed inner, after reqwest's `error.rs`), with a
//! [`ProviderErrorKind`] the router picks its action from, the HTTP status, the provider's own
//! message (read up to a cap, redacted) and `Retry-After`. Messages never hold a URL or a key.

use std::fmt;
use std::time::Duration;

use crate::logging::redact::redact;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What kind of failure, for the router (fail over or not) and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProviderErrorKind {
    /// 401: the key is missing or wrong.
    Auth,
    /// 402: out of credit.
    Billing,
    /// 403: the key may not use this model or endpoint.
    Forbidden,
    /// 404 or "unknown model".
    NotFound,
    /// A local server (LM Studio) has the model but not loaded, and will not load it itself:
    /// loading it there fixes this.
    ModelNotLoaded,
    /// 429; see [`ProviderError::retry_after`].
    RateLimit,
    /// 503 / 529: the provider is overloaded.
    Overloaded,
    /// Other 5xx.
    Server,
    /// Connect, first byte or idle timeout (or a 408).
    Timeout,
    /// Refused, reset, DNS: no usable connection.
    Connection,
    /// The prompt does not fit the model's context window.
    ContextOverflow,
    /// Other 4xx: the request itself is wrong; failing over will not help.
    BadRequest,
    /// A malformed body or stream, or a redirect we will not follow.
    Protocol,
    /// The stream ended before the provider said it was done.
    Truncated,
    /// The user cancelled.
    Cancelled,
    /// The config cannot be used for this request (unknown provider, key variable unset, …).
    Config,
    /// The config names an API this version does not speak yet.
    Unsupported,
}

wire_names!(ProviderErrorKind {
    Auth => "auth",
    Billing => "billing",
    Forbidden => "forbidden",
    NotFound => "not_found",
    ModelNotLoaded => "model_not_loaded",
    RateLimit => "rate_limit",
    Overloaded => "overloaded",
    Server => "server",
    Timeout => "timeout",
    Connection => "connection",
    ContextOverflow => "context_overflow",
    BadRequest => "bad_request",
    Protocol => "protocol",
    Truncated => "truncated",
    Cancelled => "cancelled",
    Config => "config",
    Unsupported => "unsupported",
});

impl ProviderErrorKind {
    fn describe(self) -> &'static str {
        use ProviderErrorKind::*;
        match self {
            Auth => "authentication failed",
            Billing => "billing problem",
            Forbidden => "access denied",
            NotFound => "not found",
            ModelNotLoaded => "model not loaded",
            RateLimit => "rate limited",
            Overloaded => "provider overloaded",
            Server => "provider error",
            Timeout => "timed out",
            Connection => "connection failed",
            ContextOverflow => "prompt too long for the model's context window",
            BadRequest => "request rejected",
            Protocol => "malformed reply",
            Truncated => "the reply stream ended early",
            Cancelled => "cancelled",
            Config => "cannot use this model",
            Unsupported => "not supported yet",
        }
    }
}

/// A provider request failed.
pub struct ProviderError {
    inner: Box<Inner>,
}

struct Inner {
    kind: ProviderErrorKind,
    status: Option<u16>,
    message: String,
    retry_after: Option<Duration>,
    source: Option<BoxError>,
}

impl ProviderError {
    /// An error of `kind` with a message for people (redacted here).
    pub fn new(kind: ProviderErrorKind, message: impl AsRef<str>) -> Self {
        ProviderError {
            inner: Box::new(Inner {
                kind,
                status: None,
                message: redact(message.as_ref()).into_owned(),
                retry_after: None,
                source: None,
            }),
        }
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        self.inner.retry_after = after;
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Classifies a transport error from reqwest; its URL is dropped first.
    pub(crate) fn from_reqwest(err: reqwest::Error, what: &str) -> Self {
        let kind = if err.is_timeout() {
            ProviderErrorKind::Timeout
        } else if err.is_connect() || err.is_request() || err.is_body() {
            ProviderErrorKind::Connection
        } else if err.is_decode() {
            ProviderErrorKind::Protocol
        } else {
            ProviderErrorKind::Connection
        };
        let mut detail = String::new();
        let mut source: Option<&(dyn std::error::Error + 'static)> =
            std::error::Error::source(&err);
        while let Some(s) = source {
            detail = s.to_string();
            source = s.source();
        }
        let message = if detail.is_empty() {
            what.to_owned()
        } else {
            format!("{what}: {detail}")
        };
        ProviderError::new(kind, message).with_source(err.without_url())
    }

    /// The kind.
    pub fn kind(&self) -> ProviderErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when the server answered with one.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The provider's (or our) message, redacted.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// How long the provider asked us to wait (`Retry-After`, `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether this is a timeout (ours, a 408, or one found in the source chain).
    pub fn is_timeout(&self) -> bool {
        if self.inner.kind == ProviderErrorKind::Timeout {
            return true;
        }
        self.chain_any(|e| {
            e.downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_timeout)
                || e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        })
    }

    /// Whether no connection could be made (refused, DNS, TLS handshake).
    pub fn is_connect(&self) -> bool {
        self.chain_any(|e| {
            e.downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_connect)
                || e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        })
    }

    fn chain_any(&self, test: impl Fn(&(dyn std::error::Error + 'static)) -> bool) -> bool {
        let mut next: Option<&(dyn std::error::Error + 'static)> = self
            .inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static));
        while let Some(e) = next {
            if test(e) {
                return true;
            }
            next = e.source();
        }
        false
    }
}

impl fmt::Debug for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ProviderError");
        d.field("kind", &self.inner.kind);
        if let Some(status) = self.inner.status {
            d.field("status", &status);
        }
        d.field("message", &self.inner.message);
        if let Some(after) = self.inner.retry_after {
            d.field("retry_after", &after);
        }
        d.finish()
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.inner.kind.describe())?;
        if let Some(status) = self.inner.status {
            write!(f, " (HTTP {status})")?;
        }
        if !self.inner.message.is_empty() {
            write!(f, ": {}", self.inner.message)?;
        }
        if let Some(after) = self.inner.retry_after {
            write!(f, " (retry after {} s)", after.as_secs_f64().ceil())?;
        }
        Ok(())
    }
}

impl std::error::Error for ProviderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_pointer_wide() {
        assert_eq!(
            std::mem::size_of::<ProviderError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn display_has_kind_status_message_and_retry() {
        let err = ProviderError::new(ProviderErrorKind::RateLimit, "slow down")
            .with_status(429)
            .with_retry_after(Some(Duration::from_secs(7)));
        assert_eq!(
            err.to_string(),
            "rate limited (HTTP 429): slow down (retry after 7 s)"
        );
        assert!(!err.is_timeout());
    }

    #[test]
    fn messages_are_redacted() {
        let err = ProviderError::new(
            ProviderErrorKind::Auth,
            "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwx",
        );
        assert!(!err.to_string().contains("abcdefghijklmnop"));
    }

    #[test]
    fn kinds_serialize_as_wire_names() {
        crate::wire::tests::assert_wire_names(ProviderErrorKind::ALL, ProviderErrorKind::as_str);
        assert_eq!(ProviderErrorKind::ALL.len(), 17);
    }
}

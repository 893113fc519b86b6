//! The discovery module's error type. A scan itself never fails (problems are statuses); loading or
//! downloading a model and writing a profile can.

use crate::config::ConfigError;

/// A short, stable classification of a [`DiscoveryError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiscoveryErrorKind {
    /// Nothing answered, or not in time.
    Unreachable,
    /// The server answered with an error.
    Server,
    /// The HTTP client could not be built.
    Client,
    /// The server has nothing to put in a profile.
    NoChatModels,
    /// Writing the profile through the config core failed.
    Config,
    /// LM Studio reports a model download failed.
    DownloadFailed,
}

/// What went wrong loading a model or writing a profile.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// No answer from `url`.
    #[error("{url}: {message}")]
    Unreachable {
        /// The URL asked.
        url: String,
        /// Refused, timed out, …
        message: String,
    },
    /// The server refused the request.
    #[error("{url}: HTTP {status}: {message}")]
    Server {
        /// The URL asked.
        url: String,
        /// HTTP status.
        status: u16,
        /// The server's error message.
        message: String,
    },
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// The server lists no chat models.
    #[error("{server} at {base_url} has no chat models to add")]
    NoChatModels {
        /// The server's name.
        server: &'static str,
        /// Its base URL.
        base_url: String,
    },
    /// The config core refused or failed the write.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// LM Studio reports the download of `model` failed.
    #[error("downloading {model}: {message}")]
    DownloadFailed {
        /// The catalog id or URL asked for.
        model: String,
        /// What is known.
        message: String,
    },
}

impl DiscoveryError {
    /// The error's kind.
    pub fn kind(&self) -> DiscoveryErrorKind {
        match self {
            DiscoveryError::Unreachable { .. } => DiscoveryErrorKind::Unreachable,
            DiscoveryError::Server { .. } => DiscoveryErrorKind::Server,
            DiscoveryError::Client(_) => DiscoveryErrorKind::Client,
            DiscoveryError::NoChatModels { .. } => DiscoveryErrorKind::NoChatModels,
            DiscoveryError::Config(_) => DiscoveryErrorKind::Config,
            DiscoveryError::DownloadFailed { .. } => DiscoveryErrorKind::DownloadFailed,
        }
    }
}

//! The secrets module's error. Messages name providers, variables, files and commands, never a
//! key: values are redacted before they could get here.

/// What kind of failure a [`Error`] is, for the UI and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// No usable OS keychain (no D-Bus session, no Secret Service, locked, denied).
    NoKeychain,
    /// The keychain answered with an error.
    Keychain,
    /// No key for the provider anywhere.
    Missing,
    /// The config's `apiKey` could not be resolved (unset variable, bad secret ref).
    Config,
    /// Bad input (an empty key, a bad provider id, a bad exec request).
    InvalidInput,
    /// Reading or writing a file failed.
    Io,
}

/// A secrets failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No keychain is available; the message says what is missing and how to fix it.
    #[error(
        "no OS keychain is available ({detail}). Switchboard keeps API keys only in the keychain \
         and never falls back to a plaintext file. Fix: on Linux run a Secret Service provider \
         (install gnome-keyring or KWallet, start it in your desktop session so \
         DBUS_SESSION_BUS_ADDRESS is set, and unlock it); or put the key in an environment \
         variable and reference it as ${{VAR}} in the config"
    )]
    NoKeychain {
        /// What failed (no session bus, no Secret Service, locked collection, …).
        detail: String,
    },
    /// The keychain failed for `provider`.
    #[error("keychain error for provider {provider}: {detail}")]
    Keychain {
        /// The provider id.
        provider: String,
        /// The keychain's message (it never contains a key).
        detail: String,
    },
    /// No key was found for `provider`.
    #[error("no API key for provider {provider}: {hint}")]
    Missing {
        /// The provider id.
        provider: String,
        /// Where a key could be put.
        hint: String,
    },
    /// The config's `apiKey` (at `path`) could not be resolved.
    #[error("{path}: {message}")]
    Config {
        /// The config path (`models.providers.<id>.apiKey`).
        path: String,
        /// Why.
        message: String,
    },
    /// The input was not valid.
    #[error("{0}")]
    InvalidInput(String),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The error's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NoKeychain { .. } => ErrorKind::NoKeychain,
            Error::Keychain { .. } => ErrorKind::Keychain,
            Error::Missing { .. } => ErrorKind::Missing,
            Error::Config { .. } => ErrorKind::Config,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    pub(crate) fn config(path: &str, message: impl Into<String>) -> Self {
        Error::Config {
            path: path.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn io(path: impl Into<std::path::PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

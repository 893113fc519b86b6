//! The core crate's error type.
//!
//! Every error has a [`ErrorKind`] that the UI and the CLI branch on; the message is for people.
//! Messages never contain secrets: values that may be secret are redacted before they get here.

use std::path::PathBuf;

use crate::config::ConfigErrorKind;

/// A short, stable classification of an [`Error`], serialized in `snake_case` for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[ts(rename = "CoreErrorKind")]
pub enum ErrorKind {
    /// A file or directory could not be read or written.
    Io,
    /// The user asked for something that is not valid (bad flag, bad value).
    InvalidInput,
    /// No usable location exists for a file we need (no home directory, say).
    NoLocation,
    /// A conversation or other stored item does not exist (any more).
    NotFound,
    /// The history database failed (or was written by a newer Switchboard).
    Database,
    /// The config file has errors (or an edit would introduce one); the message lists them
    /// as `file:line:col: path: message` lines.
    InvalidConfig,
    /// The config file changed on disk since it was loaded: reload it, then apply again.
    Conflict,
    /// The config file cannot be rewritten safely (it uses `$include` where we would write).
    NotWritable,
    /// The OS keychain is missing, locked or failed (see [`crate::secrets`]).
    Keychain,
}

wire_names!(ErrorKind {
    Io => "io",
    InvalidInput => "invalid_input",
    NoLocation => "no_location",
    NotFound => "not_found",
    Database => "database",
    InvalidConfig => "invalid_config",
    Conflict => "conflict",
    NotWritable => "not_writable",
    Keychain => "keychain",
});

/// The core crate's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing `path` failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The input was not valid; the message says why.
    #[error("{0}")]
    InvalidInput(String),
    /// A needed location could not be determined.
    #[error("cannot determine the {what} directory: set {env} or HOME")]
    NoLocation {
        /// Which directory (config, data, log).
        what: &'static str,
        /// The environment variable that overrides it.
        env: &'static str,
    },
    /// The chat history store failed.
    #[error(transparent)]
    History(#[from] crate::history::Error),
    /// Loading, editing or saving the config failed.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// An API key could not be stored, found or resolved.
    #[error(transparent)]
    Secrets(#[from] crate::secrets::Error),
    /// The desktop settings were refused or could not be saved.
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
}

impl Error {
    /// The error's kind, for the UI and for exit codes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::NoLocation { .. } => ErrorKind::NoLocation,
            Error::History(e) => match e.kind() {
                crate::history::ErrorKind::Io => ErrorKind::Io,
                crate::history::ErrorKind::NotFound => ErrorKind::NotFound,
                crate::history::ErrorKind::InvalidInput => ErrorKind::InvalidInput,
                _ => ErrorKind::Database,
            },
            Error::Config(e) => match e.kind() {
                ConfigErrorKind::Io => ErrorKind::Io,
                ConfigErrorKind::Invalid => ErrorKind::InvalidConfig,
                ConfigErrorKind::ChangedOnDisk => ErrorKind::Conflict,
                ConfigErrorKind::NotWritable => ErrorKind::NotWritable,
                ConfigErrorKind::NotFound => ErrorKind::NotFound,
                ConfigErrorKind::MissingEnv => ErrorKind::InvalidInput,
            },
            Error::Secrets(e) => match e.kind() {
                crate::secrets::ErrorKind::NoKeychain | crate::secrets::ErrorKind::Keychain => {
                    ErrorKind::Keychain
                }
                crate::secrets::ErrorKind::Missing => ErrorKind::NotFound,
                crate::secrets::ErrorKind::Io => ErrorKind::Io,
                _ => ErrorKind::InvalidInput,
            },
            Error::Settings(e) => match e.kind() {
                crate::settings::SettingsErrorKind::Io => ErrorKind::Io,
                _ => ErrorKind::InvalidInput,
            },
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The core crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_error_names_the_path() {
        let err = Error::io("/x/config.json5", std::io::Error::other("denied"));
        assert_eq!(err.to_string(), "/x/config.json5: denied");
        assert_eq!(err.kind().as_str(), "io");
    }

    #[test]
    fn config_errors_keep_their_kind() {
        use crate::config::ConfigError;
        let conflict = Error::from(ConfigError::ChangedOnDisk {
            path: "/x/config.json5".into(),
        });
        assert_eq!(conflict.kind(), ErrorKind::Conflict);
        assert!(conflict
            .to_string()
            .starts_with("/x/config.json5: the file changed"));
        let invalid = Error::from(ConfigError::rejected("models", "bad"));
        assert_eq!(invalid.kind().as_str(), "invalid_config");
        let io = Error::from(ConfigError::io("/x", std::io::Error::other("denied")));
        assert_eq!(io.kind(), ErrorKind::Io);
    }

    #[test]
    fn kinds_serialize_as_their_wire_names() {
        crate::wire::tests::assert_wire_names(ErrorKind::ALL, ErrorKind::as_str);
        assert!(ErrorKind::ALL.contains(&ErrorKind::Keychain));
    }
}

//! The core crate's error type.
//!
//! Every error has a [`ErrorKind`] that the UI and the CLI branch on; the message is for people.
//! Messages never contain secrets: values that may be secret are redacted before they get here.

use std::path::PathBuf;

/// A short, stable classification of an [`Error`], serialized in `snake_case` for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
}

impl ErrorKind {
    /// The kind's wire name, as the UI sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::NoLocation => "no_location",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Database => "database",
        }
    }
}

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
    fn kinds_serialize_as_their_wire_names() {
        for kind in [
            ErrorKind::Io,
            ErrorKind::InvalidInput,
            ErrorKind::NoLocation,
            ErrorKind::NotFound,
            ErrorKind::Database,
        ] {
            let json = serde_json::to_string(&kind).expect("serializes");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}

//! The history store's error type.

use std::path::PathBuf;

/// A short, stable classification of a history [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file or directory could not be read, written or renamed.
    Io,
    /// SQLite reported an error (disk full, locked for too long, …).
    Database,
    /// The database was written by a newer Switchboard; it is left untouched.
    TooNew,
    /// The conversation or message does not exist (any more).
    NotFound,
    /// The request was not valid (empty title, empty search, …).
    InvalidInput,
}

impl ErrorKind {
    /// The kind's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Database => "database",
            ErrorKind::TooNew => "too_new",
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidInput => "invalid_input",
        }
    }
}

/// An error of the history store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file operation on `path` failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// SQLite failed while doing `op`.
    #[error("history database: cannot {op}: {source}")]
    Sqlite {
        /// What the store was doing, as a verb phrase ("save the message").
        op: &'static str,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database's schema version is newer than this build understands.
    #[error(
        "{}: written by a newer Switchboard (schema {found}, this build reads up to {supported}); \
         update Switchboard or set SWITCHBOARD_DATA_DIR to another folder",
        path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A conversation or message with this id does not exist.
    #[error("no {what} with id {id}")]
    NotFound {
        /// `"conversation"` or `"message"`.
        what: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// The input was not valid; the message says why.
    #[error("{0}")]
    InvalidInput(String),
    /// A stored value could not be encoded or decoded as JSON.
    #[error("history database: bad {what} JSON: {source}")]
    Json {
        /// Which value (`"route attempts"`, `"usage"`).
        what: &'static str,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// The error's kind, for the UI and for exit codes.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::Sqlite { .. } | Error::Json { .. } => ErrorKind::Database,
            Error::TooNew { .. } => ErrorKind::TooNew,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
        }
    }

    /// Wraps a SQLite error with what the store was doing.
    pub(crate) fn sqlite(op: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Error::Sqlite { op, source }
    }

    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// Whether SQLite said the file is not a database or is damaged.
    pub(crate) fn is_corruption(&self) -> bool {
        match self {
            Error::Sqlite {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } => matches!(
                e.code,
                rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
            ),
            _ => false,
        }
    }
}

/// The history store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_kinds() {
        let err = Error::NotFound {
            what: "conversation",
            id: 7,
        };
        assert_eq!(err.to_string(), "no conversation with id 7");
        assert_eq!(err.kind().as_str(), "not_found");
        let err = Error::sqlite("save the message")(rusqlite::Error::InvalidQuery);
        assert!(err
            .to_string()
            .starts_with("history database: cannot save the message: "));
        assert_eq!(err.kind(), ErrorKind::Database);
        assert!(!err.is_corruption());
    }

    #[test]
    fn kinds_serialize_as_their_wire_names() {
        for kind in [
            ErrorKind::Io,
            ErrorKind::Database,
            ErrorKind::TooNew,
            ErrorKind::NotFound,
            ErrorKind::InvalidInput,
        ] {
            let json = serde_json::to_string(&kind).expect("serializes");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}

//! The config module's error type.

use std::path::PathBuf;

use super::diag::Diagnostic;

/// A short, stable classification of a [`ConfigError`], for the UI and exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// A file could not be read or written.
    Io,
    /// The config (or an edit of it) is not valid; the diagnostics say where and why.
    Invalid,
    /// The file changed on disk since it was loaded; reload before saving.
    ChangedOnDisk,
    /// A `${VAR}` whose value is needed is not set.
    MissingEnv,
    /// The file cannot be rewritten safely (it uses `$include` where we would write).
    NotWritable,
    /// An edit names something that does not exist (a provider, a model, an alias).
    NotFound,
}

impl ConfigErrorKind {
    /// The kind's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigErrorKind::Io => "io",
            ConfigErrorKind::Invalid => "invalid",
            ConfigErrorKind::ChangedOnDisk => "changed_on_disk",
            ConfigErrorKind::MissingEnv => "missing_env",
            ConfigErrorKind::NotWritable => "not_writable",
            ConfigErrorKind::NotFound => "not_found",
        }
    }
}

/// What went wrong loading, editing or saving a config.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Reading or writing `path` failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The config is invalid: one diagnostic per problem (warnings included), one per line.
    #[error("{}", lines(diagnostics))]
    Invalid {
        /// Every problem found, errors and warnings.
        diagnostics: Vec<Diagnostic>,
    },
    /// The file on disk is not the one that was loaded.
    #[error("{}: the file changed on disk since it was loaded; reload it and apply the change again", path.display())]
    ChangedOnDisk {
        /// The config file.
        path: PathBuf,
    },
    /// `${name}` is needed at `path` but the variable is not set (or empty).
    #[error("{path}: environment variable {name} is not set")]
    MissingEnv {
        /// The variable's name (never its value).
        name: String,
        /// Where it is used.
        path: String,
    },
    /// The file cannot be rewritten safely.
    #[error("{}: {reason}", path.display())]
    NotWritable {
        /// The file.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// An edit names a provider, model or alias that is not in the config.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `provider "lmstudio"`.
        what: String,
    },
}

fn lines(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl ConfigError {
    /// The error's kind.
    pub fn kind(&self) -> ConfigErrorKind {
        match self {
            ConfigError::Io { .. } => ConfigErrorKind::Io,
            ConfigError::Invalid { .. } => ConfigErrorKind::Invalid,
            ConfigError::ChangedOnDisk { .. } => ConfigErrorKind::ChangedOnDisk,
            ConfigError::MissingEnv { .. } => ConfigErrorKind::MissingEnv,
            ConfigError::NotWritable { .. } => ConfigErrorKind::NotWritable,
            ConfigError::NotFound { .. } => ConfigErrorKind::NotFound,
        }
    }

    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ConfigError::Io {
            path: path.into(),
            source,
        }
    }

    /// An [`ConfigError::Invalid`] with a single error about an edit (no file position).
    pub fn rejected(path: &str, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            diagnostics: vec![Diagnostic {
                severity: super::diag::Severity::Error,
                file: PathBuf::from("<edit>"),
                line: 0,
                col: 0,
                path: path.to_owned(),
                message: message.into(),
            }],
        }
    }

    /// The diagnostics of an [`ConfigError::Invalid`] (empty for other errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ConfigError::Invalid { diagnostics } => diagnostics,
            _ => &[],
        }
    }
}

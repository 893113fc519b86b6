//! Diagnostics: one problem in a config file, with its file, line, column and config path.
//!
//! Every message is built from types and shapes, never from values that may be secret; the
//! text still passes [`crate::logging::redact::redact`] before it leaves the process.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a node starts: a file of the load (see [`super::Loaded::files`]) and a 1-based position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// Index of the file in the load's file table (0 = the main file).
    pub file: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// OpenClaw accepts the file, but something looks wrong or will not work.
    Warning,
    /// The file is invalid (OpenClaw rejects it too).
    Error,
}

/// One segment of a config path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A config path such as `models.providers.lmstudio.models[0].contextWindow`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigPath(pub Vec<Seg>);

impl ConfigPath {
    /// The root path (printed as `<root>`).
    pub fn root() -> Self {
        ConfigPath(Vec::new())
    }

    /// This path with `key` appended.
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        ConfigPath(segs)
    }

    /// This path with `index` appended.
    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        ConfigPath(segs)
    }

    /// Whether any key along the path names a value that may be a secret.
    pub fn is_sensitive(&self) -> bool {
        self.0.iter().any(|seg| {
            matches!(seg, Seg::Key(k) if matches!(k.as_str(),
                "apiKey" | "headers" | "token" | "value" | "passphrase" | "key" | "env" | "cert" | "ca"))
        })
    }

    /// Parses a dotted path (`models.providers.x.models[0]`) as the CLI or UI writes it.
    pub fn parse(text: &str) -> Self {
        let mut segs = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
            if !name.is_empty() {
                segs.push(Seg::Key(name.to_owned()));
            }
            for idx in rest.split('[') {
                if let Ok(i) = idx.trim_end_matches(']').parse() {
                    segs.push(Seg::Index(i));
                }
            }
        }
        ConfigPath(segs)
    }
}

fn is_ident(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '-')
}

impl fmt::Display for ConfigPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("<root>");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) if is_ident(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Key(k) => write!(f, "[{}]", quote(k))?,
            }
        }
        Ok(())
    }
}

/// One problem found in a config file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in (an included file when it came from one).
    pub file: PathBuf,
    /// 1-based line (0 when the problem has no position, such as a missing file).
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The config path, as printed (`<root>` for the whole file).
    pub path: String,
    /// What is wrong, for people; never contains a secret.
    pub message: String,
}

impl Diagnostic {
    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col)?;
        }
        let warn = if self.is_error() { "" } else { "warning: " };
        let message = crate::logging::redact::redact(&self.message);
        write!(f, ": {}: {warn}{message}", self.path)
    }
}

/// Collects diagnostics during one load; spans are turned into file names at the end.
#[derive(Debug, Default)]
pub struct Diags {
    items: Vec<(Severity, Span, String, String)>,
}

impl Diags {
    /// Records an error at `span` for `path`.
    pub fn error(&mut self, span: Span, path: &ConfigPath, message: impl Into<String>) {
        self.items
            .push((Severity::Error, span, path.to_string(), message.into()));
    }

    /// Records a warning at `span` for `path`.
    pub fn warn(&mut self, span: Span, path: &ConfigPath, message: impl Into<String>) {
        self.items
            .push((Severity::Warning, span, path.to_string(), message.into()));
    }

    /// Moves every diagnostic of `other` into this collection.
    pub fn extend(&mut self, other: Diags) {
        self.items.extend(other.items);
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|i| i.0 == Severity::Error)
    }

    /// Number of recorded errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|i| i.0 == Severity::Error).count()
    }

    /// Resolves the spans against `files`, sorted by file order, line and column.
    pub fn finish(mut self, files: &[PathBuf]) -> Vec<Diagnostic> {
        self.items
            .sort_by_key(|(sev, span, _, _)| (span.file, span.line, span.col, *sev));
        self.items.dedup();
        let fallback = PathBuf::from("<config>");
        self.items
            .into_iter()
            .map(|(severity, span, path, message)| Diagnostic {
                severity,
                file: files.get(span.file as usize).unwrap_or(&fallback).clone(),
                line: span.line,
                col: span.col,
                path,
                message,
            })
            .collect()
    }
}

/// A diagnostic for a whole file, without a position (a missing include, say).
pub fn file_diagnostic(file: &Path, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: file.to_path_buf(),
        line: 0,
        col: 0,
        path: ConfigPath::root().to_string(),
        message: message.into(),
    }
}

/// Quotes `text` as a JSON string, shortened to 60 characters.
pub fn quote(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    let mut out = serde_json::to_string(&short).unwrap_or_else(|_| format!("\"{short}\""));
    if short.len() < text.len() {
        out.insert(out.len() - 1, '…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_the_issue_says() {
        let p = ConfigPath::root()
            .key("models")
            .key("providers")
            .key("lmstudio")
            .key("models")
            .index(0)
            .key("contextWindow");
        assert_eq!(
            p.to_string(),
            "models.providers.lmstudio.models[0].contextWindow"
        );
        let q = ConfigPath::root().key("agents").key("anthropic/claude");
        assert_eq!(q.to_string(), "agents[\"anthropic/claude\"]");
        assert_eq!(ConfigPath::root().to_string(), "<root>");
        assert_eq!(ConfigPath::parse("models.providers.x.models[0].id"), {
            ConfigPath::root()
                .key("models")
                .key("providers")
                .key("x")
                .key("models")
                .index(0)
                .key("id")
        });
    }

    #[test]
    fn diagnostics_print_file_line_col_path_message() {
        let mut d = Diags::default();
        let path = ConfigPath::root().key("models");
        d.error(
            Span {
                file: 0,
                line: 14,
                col: 22,
            },
            &path,
            "expected an object",
        );
        d.warn(
            Span {
                file: 0,
                line: 2,
                col: 1,
            },
            &path,
            "looks odd",
        );
        let out = d.finish(&[PathBuf::from("config.json5")]);
        assert_eq!(
            out[0].to_string(),
            "config.json5:2:1: models: warning: looks odd"
        );
        assert_eq!(
            out[1].to_string(),
            "config.json5:14:22: models: expected an object"
        );
    }
}

//! The OpenClaw-compatible config: JSON5 provider profiles, validated as strictly as OpenClaw
//! 2026.9.6 validates them, with every problem reported at `file:line:col: path: message`.
//!
//! Loading runs OpenClaw's pipeline: read → [`json5::parse`] → [`mod@include`] (`$include`) →
//! [`mod@env`] (`${VAR}`) → [`schema`] (OpenClaw's own schema and rules) → [`semantic`] (our
//! warnings). All problems are found in one pass. The typed [`Config`] is read from the tree
//! before substitution, so saving never writes a substituted (possibly secret) value.
//!
//! ```no_run
//! use switchboard_core::config;
//! let loaded = config::load(std::path::Path::new("config.json5"))?;
//! for problem in &loaded.diagnostics {
//!     eprintln!("{problem}");
//! }
//! # Ok::<(), config::ConfigError>(())
//! ```
//!
//! Edits go through [`profile`], writes through [`save`] (atomic, one `.bak`, 0600, refusing to
//! overwrite a file that changed since it was loaded), and [`openclaw`] imports from and exports
//! to `~/.openclaw/openclaw.json`.

pub mod diag;
pub mod env;
mod error;
pub mod include;
pub mod json5;
pub mod live;
pub mod model;
pub mod openclaw;
pub mod profile;
pub mod save;
pub mod schema;
pub mod secret_providers;
pub mod semantic;
pub mod view;

use std::path::{Path, PathBuf};

pub use diag::{ConfigPath, Diagnostic, Severity};
pub use error::{ConfigError, ConfigErrorKind};
pub use model::{AgentModel, ApiKey, Config, ModelDef, ModelEntry, Provider, SecretRef};
pub use secret_providers::{SecretProvider, SecretProviders};

use diag::{Diags, Span};
use json5::Node;

/// A loaded config file: the trees, the typed model and every problem found.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The main file.
    pub path: PathBuf,
    /// Whether it exists (a missing file is a first run: an empty, valid config).
    pub exists: bool,
    /// The main file's text as read (empty if it did not exist or is not UTF-8); a save patches
    /// it (see [`json5::patch`]).
    pub text: String,
    /// The main file's tree as written (includes not followed); what saving edits.
    pub raw: Node,
    /// The tree with includes followed, before `${VAR}` substitution; the typed model's source.
    pub resolved: Node,
    /// Every file read: the main file first, then includes.
    pub files: Vec<PathBuf>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The typed model.
    pub config: Config,
    /// Fingerprint of the main file's bytes when loaded (`None` if it did not exist).
    pub fingerprint: Option<save::Fingerprint>,
}

impl Loaded {
    /// Whether no errors were found (warnings allowed).
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }

    /// The typed config, or every diagnostic when there are errors.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        if self.is_valid() {
            Ok(self.config)
        } else {
            Err(ConfigError::Invalid {
                diagnostics: self.diagnostics,
            })
        }
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn read_file(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Loads `path` with the process environment; only I/O failures other than "not found" are
/// errors, everything about the content is in [`Loaded::diagnostics`].
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    load_with(path, &process_env)
}

/// Loads `path`, looking variables up with `env`.
pub fn load_with(path: &Path, env: env::Lookup<'_>) -> Result<Loaded, ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let empty = Node::object([]);
            return Ok(Loaded {
                path: path.to_path_buf(),
                exists: false,
                text: String::new(),
                raw: empty.clone(),
                resolved: empty,
                files: vec![path.to_path_buf()],
                diagnostics: Vec::new(),
                config: Config::default(),
                fingerprint: None,
            });
        }
        Err(e) => return Err(ConfigError::io(path, e)),
    };
    let fingerprint = Some(save::Fingerprint::of(&bytes));
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let prefix = String::from_utf8_lossy(valid);
            let line = u32::try_from(prefix.matches('\n').count() + 1).unwrap_or(u32::MAX);
            let col =
                u32::try_from(prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
                    .unwrap_or(u32::MAX);
            let mut diags = Diags::default();
            diags.error(
                Span { file: 0, line, col },
                &ConfigPath::root(),
                "the file is not valid UTF-8 text",
            );
            return Ok(Loaded {
                path: path.to_path_buf(),
                exists: true,
                text: String::new(),
                raw: Node::object([]),
                resolved: Node::object([]),
                files: vec![path.to_path_buf()],
                diagnostics: diags.finish(&[path.to_path_buf()]),
                config: Config::default(),
                fingerprint,
            });
        }
    };
    let mut loaded = load_str(&text, path, env, &read_file);
    loaded.fingerprint = fingerprint;
    Ok(loaded)
}

/// Loads config `text` as if read from `path` (includes are read with `read`).
pub fn load_str(
    text: &str,
    path: &Path,
    env: env::Lookup<'_>,
    read: include::ReadFile<'_>,
) -> Loaded {
    let mut diags = Diags::default();
    let mut includes = include::Includes::new(path, read);
    let (raw, resolved) = match json5::parse(text, 0) {
        Ok(parsed) => {
            for (span, dup) in &parsed.duplicates {
                diags.warn(*span, dup, "this key is given twice; the later value wins");
            }
            let raw = parsed.root;
            let resolved = if include::contains_include(&raw) {
                includes.resolve(
                    raw.clone(),
                    &[path.to_path_buf()],
                    &ConfigPath::root(),
                    &mut diags,
                )
            } else {
                raw.clone()
            };
            (raw, resolved)
        }
        Err(e) => {
            let span = Span {
                file: 0,
                line: e.line,
                col: e.col,
            };
            diags.error(
                span,
                &ConfigPath::root(),
                format!("JSON5 syntax error: {}", e.message),
            );
            let empty = Node::object([]);
            let files = includes.files;
            return Loaded {
                path: path.to_path_buf(),
                exists: true,
                text: text.to_owned(),
                raw: empty.clone(),
                resolved: empty,
                diagnostics: diags.finish(&files),
                files,
                config: Config::default(),
                fingerprint: None,
            };
        }
    };
    let config = validate_tree(&resolved, env, &mut diags);
    let files = includes.files;
    Loaded {
        path: path.to_path_buf(),
        exists: true,
        text: text.to_owned(),
        raw,
        resolved,
        diagnostics: diags.finish(&files),
        files,
        config,
        fingerprint: None,
    }
}

/// Substitutes, validates and checks a resolved tree; returns the typed model.
pub(crate) fn validate_tree(resolved: &Node, env: env::Lookup<'_>, diags: &mut Diags) -> Config {
    let needs_env = text_has_vars(resolved);
    let substituted;
    let checked = if needs_env {
        let mut copy = resolved.clone();
        env::substitute_tree(&mut copy, &ConfigPath::root(), env, diags);
        substituted = copy;
        &substituted
    } else {
        resolved
    };
    schema::validate(checked, diags);
    semantic::check(checked, diags);
    Config::from_node(resolved)
}

fn text_has_vars(node: &Node) -> bool {
    match &node.value {
        json5::Value::String(s) => s.contains("${"),
        json5::Value::Array(items) => items.iter().any(text_has_vars),
        json5::Value::Object(members) => members.iter().any(|m| text_has_vars(&m.value)),
        _ => false,
    }
}

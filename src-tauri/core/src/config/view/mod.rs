//! What the UI and `switchboard models` show of a config, and the edits the UI sends back.
//!
//! A [`ConfigView`] is plain data: the file's state, every diagnostic as fields, the providers
//! with their models (defaults applied), the aliases and the routes. It never holds a key value:
//! a provider's key appears only as its [`KeyKind`], headers and parameters are left out, and
//! the view is built from the tree *before* `${VAR}` substitution.
//!
//! [`EditInput`] is the camelCase JSON form of a [`profile::Edit`]; [`apply`] checks the
//! file's [`ConfigView::revision`], applies the edit, validates and saves it atomically.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::env::{referenced_names, Lookup};
use super::model::{ApiKey, Config, Cost, ModelDef, ModelsMode, Provider};
use super::profile;
use super::{openclaw, save, ConfigError, Diagnostic, Loaded, Severity};

/// One diagnostic as data, so the UI can show it next to its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ConfigDiagnostic")]
pub struct DiagnosticView {
    /// `error` or `warning`.
    pub severity: Severity,
    /// The file it is in.
    pub file: String,
    /// 1-based line (0: no position).
    pub line: u32,
    /// 1-based column (0: no position).
    pub column: u32,
    /// The config path, e.g. `models.providers.lmstudio.models[0].contextWindow`.
    pub path: String,
    /// What is wrong (never a secret).
    pub message: String,
    /// The text of line `line` of `file` (redacted, shortened around `column`), when the file
    /// could be read; filled by [`load`].
    pub source_line: Option<String>,
    /// The 1-based column within `source_line` (it differs from `column` when the line was
    /// shortened).
    pub source_column: u32,
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> Self {
        DiagnosticView {
            severity: d.severity,
            file: d.file.display().to_string(),
            line: d.line,
            column: d.col,
            path: d.path.clone(),
            message: crate::logging::redact::redact(&d.message).into_owned(),
            source_line: None,
            source_column: 0,
        }
    }
}

/// The kind of a provider's key: `none`, `env:VAR` (names only), `secretRef` or `plaintext`.
/// Never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, ts_rs::TS)]
#[ts(type = "\"none\" | \"plaintext\" | \"secretRef\" | `env:${string}`")]
pub enum KeyKind {
    /// No key configured.
    None,
    /// `${VAR}` references (the names, comma-separated on the wire).
    Env(Vec<String>),
    /// A secret-ref object.
    SecretRef,
    /// A plaintext key in the file.
    Plaintext,
}

impl KeyKind {
    /// The kind of `key`.
    pub fn of(key: Option<&ApiKey>) -> Self {
        match key {
            None => KeyKind::None,
            Some(ApiKey::Plain(_)) => KeyKind::Plaintext,
            Some(ApiKey::Template(t)) => KeyKind::Env(referenced_names(t)),
            Some(ApiKey::Ref(_)) => KeyKind::SecretRef,
        }
    }

    /// The wire form: `none`, `env:A` (`env:A,B` for several), `secretRef`, `plaintext`.
    pub fn as_wire(&self) -> String {
        match self {
            KeyKind::None => "none".into(),
            KeyKind::Env(names) => format!("env:{}", names.join(",")),
            KeyKind::SecretRef => "secretRef".into(),
            KeyKind::Plaintext => "plaintext".into(),
        }
    }
}

impl Serialize for KeyKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_wire())
    }
}

/// Prices in USD per million tokens, defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ModelCost")]
pub struct CostView {
    /// Input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
    /// Cache reads.
    pub cache_read: f64,
    /// Cache writes.
    pub cache_write: f64,
}

impl From<Option<&Cost>> for CostView {
    fn from(c: Option<&Cost>) -> Self {
        let c = c.cloned().unwrap_or_default();
        CostView {
            input: c.input.unwrap_or(0.0),
            output: c.output.unwrap_or(0.0),
            cache_read: c.cache_read.unwrap_or(0.0),
            cache_write: c.cache_write.unwrap_or(0.0),
        }
    }
}

/// One configured model, with OpenClaw's defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ConfigModel")]
pub struct ModelView {
    /// `provider/model`.
    #[serde(rename = "ref")]
    pub model_ref: String,
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The API adapter in effect (the model's, else the provider's, else `openai-completions`).
    pub api: String,
    /// Context window in tokens, if set.
    pub context_window: Option<u64>,
    /// Maximum output tokens in effect.
    pub max_tokens: u64,
    /// Whether the model reasons.
    pub reasoning: bool,
    /// Input kinds.
    pub input: Vec<String>,
    /// Prices.
    pub cost: CostView,
    /// The model's alias, if it has one.
    pub alias: Option<String>,
}

/// One provider: its settings, the kind of its key and its models.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ConfigProvider")]
pub struct ProviderView {
    /// The provider id.
    pub id: String,
    /// Base URL (user info such as `user:pass@` is masked).
    pub base_url: Option<String>,
    /// The provider's default API adapter, as written.
    pub api: Option<String>,
    /// `api-key`, `aws-sdk`, `oauth` or `token`.
    pub auth: Option<String>,
    /// Whether the default Authorization header is sent.
    pub auth_header: Option<bool>,
    /// Provider-level default max output tokens.
    pub max_tokens: Option<f64>,
    /// Request timeout in seconds.
    pub timeout_seconds: Option<f64>,
    /// The kind of key; never the key.
    pub key: KeyKind,
    /// Whether extra headers are configured.
    pub has_headers: bool,
    /// The headers, values shown only where they cannot be secret.
    pub headers: Vec<HeaderView>,
    /// The models.
    pub models: Vec<ModelView>,
}

/// An alias of a `provider/model` ref.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "ConfigAlias")]
pub struct AliasView {
    /// The alias.
    pub alias: String,
    /// The `provider/model` ref it stands for.
    #[serde(rename = "ref")]
    pub model_ref: String,
    /// Whether that ref names a configured model.
    pub configured: bool,
}

/// The config as the UI renders it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView {
    /// The config file.
    pub path: String,
    /// Whether it exists (a missing file is a first run).
    pub exists: bool,
    /// Whether it has no errors (warnings allowed).
    pub valid: bool,
    /// The file's revision when read; pass it back to [`apply`]. `None` when absent.
    pub revision: Option<String>,
    /// Every problem found.
    pub diagnostics: Vec<DiagnosticView>,
    /// `models.mode` in effect.
    pub mode: ModelsMode,
    /// The providers, in file order.
    pub providers: Vec<ProviderView>,
    /// The aliases, in file order.
    pub aliases: Vec<AliasView>,
    /// The primary route, as written (a ref or an alias).
    pub primary: Option<String>,
    /// The fallbacks, in order, as written.
    pub fallbacks: Vec<String>,
    /// The `api` ids OpenClaw accepts, from its schema.
    pub apis: Vec<String>,
}

impl ConfigView {
    /// Every model of every provider, in order.
    pub fn models(&self) -> impl Iterator<Item = &ModelView> {
        self.providers.iter().flat_map(|p| p.models.iter())
    }

    /// The `provider/model` ref `text` names: itself if configured, else the model whose alias
    /// it is (case-insensitive), else `None`.
    pub fn resolve(&self, text: &str) -> Option<&str> {
        if let Some(m) = self.models().find(|m| m.model_ref == text) {
            return Some(&m.model_ref);
        }
        self.aliases
            .iter()
            .find(|a| a.alias.eq_ignore_ascii_case(text))
            .map(|a| a.model_ref.as_str())
    }
}

/// A positive whole number as an integer (`None` for anything else).
fn whole(n: f64) -> Option<u64> {
    // A whole number below 2^53 converts exactly.
    (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n < 9.0e15).then_some(n as u64)
}

/// Masks `user:pass@` in a URL.
fn mask_user_info(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}://***@{}", &url[..scheme_end], &rest[at + 1..]),
        None => url.to_owned(),
    }
}

fn model_view(p: &Provider, m: &ModelDef, config: &Config) -> ModelView {
    let model_ref = format!("{}/{}", p.id, m.id);
    let alias = config
        .models
        .iter()
        .find(|e| e.model_ref == model_ref)
        .and_then(|e| e.alias.clone());
    ModelView {
        provider: p.id.clone(),
        id: m.id.clone(),
        name: m.name.clone(),
        api: m.effective_api(p).to_owned(),
        context_window: m.context_window.and_then(whole),
        max_tokens: whole(m.effective_max_tokens(p)).unwrap_or(0),
        reasoning: m.reasoning(),
        input: m.input(),
        cost: CostView::from(m.cost.as_ref()),
        alias,
        model_ref,
    }
}

/// The view of `loaded`, with `revision` as the file's revision.
pub fn of(loaded: &Loaded, revision: Option<String>) -> ConfigView {
    let config = &loaded.config;
    let providers: Vec<ProviderView> = config
        .providers
        .iter()
        .map(|p| ProviderView {
            id: p.id.clone(),
            base_url: p.base_url.as_deref().map(mask_user_info),
            api: p.api.clone(),
            auth: p.auth.clone(),
            auth_header: p.auth_header,
            max_tokens: p.max_tokens,
            timeout_seconds: p.timeout_seconds,
            key: KeyKind::of(p.api_key.as_ref()),
            has_headers: p.headers.is_some(),
            headers: headers::views(p.headers.as_ref()),
            models: p
                .models
                .iter()
                .flatten()
                .map(|m| model_view(p, m, config))
                .collect(),
        })
        .collect();
    let refs = config.model_refs();
    let aliases = config
        .models
        .iter()
        .filter_map(|e| {
            Some(AliasView {
                alias: e.alias.clone()?,
                configured: refs.contains(&e.model_ref),
                model_ref: e.model_ref.clone(),
            })
        })
        .collect();
    ConfigView {
        path: loaded.path.display().to_string(),
        exists: loaded.exists,
        valid: loaded.is_valid(),
        revision,
        diagnostics: loaded
            .diagnostics
            .iter()
            .map(DiagnosticView::from)
            .collect(),
        mode: config.mode.unwrap_or_default(),
        providers,
        aliases,
        primary: config
            .model
            .as_ref()
            .and_then(|m| m.primary())
            .map(str::to_owned),
        fallbacks: config
            .model
            .as_ref()
            .map(|m| m.fallbacks().to_vec())
            .unwrap_or_default(),
        apis: super::schema::model_apis().to_vec(),
    }
}

/// A file's revision: a hash of its bytes (stable within one build of Switchboard).
pub fn revision_of(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}-{}", h.finish(), bytes.len())
}

/// Reads `path` with its revision: `(None, None)` when it does not exist.
fn read_revision(path: &Path) -> Result<Option<(Vec<u8>, String)>, ConfigError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let rev = revision_of(&bytes);
            Ok(Some((bytes, rev)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::io(path, e)),
    }
}

/// Loads `path` (looking variables up with `env`) with the revision of the bytes it read.
fn load_revision(path: &Path, env: Lookup<'_>) -> Result<(Loaded, Option<String>), ConfigError> {
    load_bytes(path, env).map(|(loaded, read)| (loaded, read.map(|(_, rev)| rev)))
}

/// The bytes of a file and their revision, if it exists.
type Read = Option<(Vec<u8>, String)>;

/// [`load_revision`], with the bytes read.
fn load_bytes(path: &Path, env: Lookup<'_>) -> Result<(Loaded, Read), ConfigError> {
    let read = read_revision(path)?;
    let loaded = match &read {
        Some((bytes, _)) => match std::str::from_utf8(bytes) {
            Ok(text) => {
                let mut loaded =
                    super::load_str(text, path, env, &|p: &Path| std::fs::read_to_string(p));
                loaded.fingerprint = Some(save::Fingerprint::of(bytes));
                loaded
            }
            // `load_with` reports the position of the bad byte.
            Err(_) => super::load_with(path, env)?,
        },
        None => super::load_with(path, env)?,
    };
    if loaded.exists != read.is_some() {
        // Created or deleted while we read it.
        return Err(ConfigError::ChangedOnDisk {
            path: path.to_path_buf(),
        });
    }
    Ok((loaded, read))
}

/// Loads the config at `path` as a view, each diagnostic with its source line.
pub fn load(path: &Path, env: Lookup<'_>) -> Result<ConfigView, ConfigError> {
    let (loaded, read) = load_bytes(path, env)?;
    let (bytes, revision) = read.unzip();
    let mut view = of(&loaded, revision);
    source::fill(&mut view.diagnostics, path, bytes.as_deref());
    Ok(view)
}

/// Applies `edit` to the config at `path` and saves it, if the file still has `revision` (the
/// one the caller loaded; `None`: it did not exist). Returns the new view.
pub fn apply(
    path: &Path,
    revision: Option<&str>,
    edit: EditInput,
    env: Lookup<'_>,
) -> Result<ConfigView, ConfigError> {
    apply_all(path, revision, vec![edit], env)
}

/// Applies `edits` in order (each judged on what the ones before it leave) and saves once: one
/// write, so the `.bak` holds the file as it was before all of them. A refused edit saves
/// nothing.
pub fn apply_all(
    path: &Path,
    revision: Option<&str>,
    edits: Vec<EditInput>,
    env: Lookup<'_>,
) -> Result<ConfigView, ConfigError> {
    let (loaded, mut config) = load_for_edit(path, revision, env)?;
    for edit in edits {
        let edit = edit.into_edit(&config)?;
        config = profile::apply(&config, edit)?.0;
    }
    save_edited(path, &loaded, &config, env)
}

/// The config at `path` to edit, if the file still has `revision` and is valid.
pub fn load_for_edit(
    path: &Path,
    revision: Option<&str>,
    env: Lookup<'_>,
) -> Result<(Loaded, Config), ConfigError> {
    let (loaded, current) = load_revision(path, env)?;
    if current.as_deref() != revision {
        return Err(ConfigError::ChangedOnDisk {
            path: path.to_path_buf(),
        });
    }
    let config = loaded.clone().into_config()?;
    Ok((loaded, config))
}

/// Saves `config` (edited from `loaded` through [`profile::apply`]) and returns the new view.
pub fn save_edited(
    path: &Path,
    loaded: &Loaded,
    config: &Config,
    env: Lookup<'_>,
) -> Result<ConfigView, ConfigError> {
    save::save(loaded, config)?;
    tracing::info!(path = %path.display(), "config saved");
    load(path, env)
}

/// OpenClaw's config file: `file`, else `$OPENCLAW_CONFIG_PATH`, else `~/.openclaw/openclaw.json`.
pub fn openclaw_path(file: Option<&Path>, env: Lookup<'_>) -> Result<PathBuf, ConfigError> {
    match file {
        Some(f) => Ok(f.to_path_buf()),
        None => openclaw::default_path(env).ok_or_else(|| ConfigError::NotFound {
            what: "OpenClaw config (set OPENCLAW_CONFIG_PATH or HOME, or pass a file)".into(),
        }),
    }
}

/// Imports OpenClaw's config (`from`, else its default place) into the config at `path`.
pub fn import_openclaw(
    path: &Path,
    from: Option<&Path>,
    env: Lookup<'_>,
) -> Result<openclaw::Summary, ConfigError> {
    let from = openclaw_path(from, env)?;
    let loaded = super::load_with(path, env)?;
    openclaw::import_file(&loaded, &from, env)
}

/// Exports the config at `path` into OpenClaw's config (`to`, else its default place).
pub fn export_openclaw(
    path: &Path,
    to: Option<&Path>,
    env: Lookup<'_>,
) -> Result<openclaw::Summary, ConfigError> {
    let to = openclaw_path(to, env)?;
    let ours = super::load_with(path, env)?.into_config()?;
    openclaw::export_file(&ours, &to, env)
}

mod edit;
mod headers;
mod source;

pub use edit::{CostInput, EditInput, KeyInput, ModelInput, ProviderInput};
pub use headers::{is_secret_header, HeaderInput, HeaderValueInput, HeaderView};

#[cfg(test)]
mod tests;

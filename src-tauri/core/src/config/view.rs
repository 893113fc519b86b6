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

use serde::{Deserialize, Serialize};

use super::env::{referenced_names, Lookup};
use super::model::{ApiKey, Config, Cost, ModelDef, ModelsMode, Provider, SecretRef};
use super::profile::{self, Edit};
use super::{openclaw, save, ConfigError, Diagnostic, Loaded, Severity};

/// One diagnostic as data, so the UI can show it next to its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
        }
    }
}

/// The kind of a provider's key: `none`, `env:VAR` (names only), `secretRef` or `plaintext`.
/// Never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// Whether extra headers are configured (their values are never shown).
    pub has_headers: bool,
    /// The models.
    pub models: Vec<ModelView>,
}

/// An alias of a `provider/model` ref.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    Ok((loaded, read.map(|(_, rev)| rev)))
}

/// Loads the config at `path` as a view.
pub fn load(path: &Path, env: Lookup<'_>) -> Result<ConfigView, ConfigError> {
    let (loaded, revision) = load_revision(path, env)?;
    Ok(of(&loaded, revision))
}

/// Applies `edit` to the config at `path` and saves it, if the file still has `revision` (the
/// one the caller loaded; `None`: it did not exist). Returns the new view.
pub fn apply(
    path: &Path,
    revision: Option<&str>,
    edit: EditInput,
    env: Lookup<'_>,
) -> Result<ConfigView, ConfigError> {
    let (loaded, current) = load_revision(path, env)?;
    if current.as_deref() != revision {
        return Err(ConfigError::ChangedOnDisk {
            path: path.to_path_buf(),
        });
    }
    let edit = edit.into_edit(&loaded.config)?;
    let config = loaded.clone().into_config()?;
    let (next, _warnings) = profile::apply(&config, edit)?;
    save::save(&loaded, &next)?;
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

/// How an edited provider's key is set. Values never come this way: a key is an env variable
/// name or a secret ref, or stays as it is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum KeyInput {
    /// Keep the key the provider has (the default).
    #[default]
    Keep,
    /// No key.
    None,
    /// `${VAR}`.
    Env {
        /// The variable's name (uppercase).
        var: String,
    },
    /// A secret-ref object.
    SecretRef {
        /// `env`, `file`, `exec` or `store`.
        source: String,
        /// The secret provider alias.
        provider: String,
        /// The secret's id.
        id: String,
    },
}

/// A provider as the UI sends it. Models, headers and unmodelled keys of an existing provider
/// are kept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderInput {
    /// The provider id.
    pub id: String,
    /// Base URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Default API adapter.
    #[serde(default)]
    pub api: Option<String>,
    /// Auth mode.
    #[serde(default)]
    pub auth: Option<String>,
    /// Whether the default Authorization header is sent.
    #[serde(default)]
    pub auth_header: Option<bool>,
    /// Default max output tokens.
    #[serde(default)]
    pub max_tokens: Option<f64>,
    /// Request timeout in seconds.
    #[serde(default)]
    pub timeout_seconds: Option<f64>,
    /// The key (default: keep).
    #[serde(default)]
    pub key: KeyInput,
}

/// Prices as the UI sends them.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CostInput {
    /// Input tokens.
    #[serde(default)]
    pub input: Option<f64>,
    /// Output tokens.
    #[serde(default)]
    pub output: Option<f64>,
    /// Cache reads.
    #[serde(default)]
    pub cache_read: Option<f64>,
    /// Cache writes.
    #[serde(default)]
    pub cache_write: Option<f64>,
}

/// A model as the UI sends it. `compat` and unmodelled keys of an existing model are kept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelInput {
    /// The model id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// API adapter override.
    #[serde(default)]
    pub api: Option<String>,
    /// Whether it reasons.
    #[serde(default)]
    pub reasoning: Option<bool>,
    /// Input kinds.
    #[serde(default)]
    pub input: Option<Vec<String>>,
    /// Prices.
    #[serde(default)]
    pub cost: Option<CostInput>,
    /// Context window.
    #[serde(default)]
    pub context_window: Option<f64>,
    /// Max output tokens.
    #[serde(default)]
    pub max_tokens: Option<f64>,
}

/// One profile edit as camelCase JSON: `{"op": "setRoutes", "primary": …, "fallbacks": […]}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub enum EditInput {
    /// Add a provider or update the one with the same id.
    UpsertProvider {
        /// The provider.
        provider: ProviderInput,
    },
    /// Remove a provider (and its aliases).
    RemoveProvider {
        /// The provider id.
        id: String,
    },
    /// Add a model or update the one with the same id.
    UpsertModel {
        /// The provider id.
        provider: String,
        /// The model.
        model: ModelInput,
    },
    /// Remove a model.
    RemoveModel {
        /// The provider id.
        provider: String,
        /// The model id.
        model: String,
    },
    /// Set the primary route and ordered fallbacks.
    SetRoutes {
        /// Primary ref or alias.
        primary: String,
        /// Fallback refs or aliases.
        #[serde(default)]
        fallbacks: Vec<String>,
    },
    /// Set the alias of a `provider/model` ref.
    SetAlias {
        /// The ref.
        #[serde(rename = "ref")]
        model_ref: String,
        /// The alias.
        alias: String,
    },
    /// Remove the alias of a ref.
    RemoveAlias {
        /// The ref.
        #[serde(rename = "ref")]
        model_ref: String,
    },
}

impl EditInput {
    /// The [`Edit`] this input means for `current`, keeping what the UI does not edit.
    pub fn into_edit(self, current: &Config) -> Result<Edit, ConfigError> {
        Ok(match self {
            EditInput::UpsertProvider { provider: input } => {
                let mut p = current.provider(&input.id).cloned().unwrap_or_default();
                p.id = input.id;
                p.base_url = input.base_url;
                p.api = input.api;
                p.auth = input.auth;
                p.auth_header = input.auth_header;
                p.max_tokens = input.max_tokens;
                p.timeout_seconds = input.timeout_seconds;
                match input.key {
                    KeyInput::Keep => {}
                    KeyInput::None => p.api_key = None,
                    KeyInput::Env { var } => {
                        if !super::env::is_env_name(&var) {
                            return Err(ConfigError::rejected(
                                &format!("models.providers.{}.apiKey", p.id),
                                "an environment variable name is uppercase letters, digits and _",
                            ));
                        }
                        p.api_key = Some(ApiKey::Template(format!("${{{var}}}")));
                    }
                    KeyInput::SecretRef {
                        source,
                        provider,
                        id,
                    } => {
                        p.api_key = Some(ApiKey::Ref(SecretRef {
                            source,
                            provider,
                            id,
                        }));
                    }
                }
                Edit::UpsertProvider(p)
            }
            EditInput::RemoveProvider { id } => Edit::RemoveProvider(id),
            EditInput::UpsertModel { provider, model } => {
                let mut m = current
                    .provider(&provider)
                    .and_then(|p| p.models.as_ref()?.iter().find(|m| m.id == model.id))
                    .cloned()
                    .unwrap_or_default();
                m.id = model.id;
                m.name = model.name;
                m.api = model.api;
                m.reasoning = model.reasoning;
                m.input = model.input;
                m.cost = model.cost.map(|c| {
                    let mut cost = m.cost.take().unwrap_or_default();
                    cost.input = c.input;
                    cost.output = c.output;
                    cost.cache_read = c.cache_read;
                    cost.cache_write = c.cache_write;
                    cost
                });
                m.context_window = model.context_window;
                m.max_tokens = model.max_tokens;
                Edit::UpsertModel { provider, model: m }
            }
            EditInput::RemoveModel { provider, model } => Edit::RemoveModel { provider, model },
            EditInput::SetRoutes { primary, fallbacks } => Edit::SetRoutes { primary, fallbacks },
            EditInput::SetAlias { model_ref, alias } => Edit::SetAlias { model_ref, alias },
            EditInput::RemoveAlias { model_ref } => Edit::RemoveAlias { model_ref },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_PLAIN: &str = "sk-plaintext-never-shown-4242";
    const SECRET_ENV: &str = "env-value-never-shown-9191";

    fn env(name: &str) -> Option<String> {
        (name == "VIEW_TEST_KEY").then(|| SECRET_ENV.to_owned())
    }

    const TEXT: &str = r#"{
  agents: { defaults: {
    model: { primary: "Minimax", fallbacks: ["hosted/big"] },
    models: { "lmstudio/minimax-m2.1-gs32": { alias: "Minimax" } },
  } },
  models: { providers: {
    lmstudio: {
      baseUrl: "http://127.0.0.1:1234/v1",
      apiKey: "sk-plaintext-never-shown-4242",
      api: "openai-responses",
      headers: { "X-Token": "sk-plaintext-never-shown-4242" },
      models: [{ id: "minimax-m2.1-gs32", name: "MiniMax", contextWindow: 196608, maxTokens: 8192 }],
    },
    hosted: {
      baseUrl: "https://user:pw@example.test/v1",
      apiKey: "${VIEW_TEST_KEY}",
      models: [{ id: "big", name: "Big", reasoning: true, cost: { input: 3, output: 15 } }],
    },
  } },
}"#;

    fn write(dir: &Path) -> PathBuf {
        let path = dir.join("config.json5");
        std::fs::write(&path, TEXT).expect("write");
        path
    }

    #[test]
    fn no_key_value_appears_in_a_serialized_view() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path());
        let view = load(&path, &env).expect("loads");
        assert!(view.valid, "{:?}", view.diagnostics);
        let json = serde_json::to_string(&view).expect("serializes");
        assert!(!json.contains(SECRET_PLAIN), "{json}");
        assert!(!json.contains(SECRET_ENV), "{json}");
        assert!(!json.contains(":pw@"), "{json}");
        let p = &view.providers;
        assert_eq!(p[0].key.as_wire(), "plaintext");
        assert_eq!(p[1].key.as_wire(), "env:VIEW_TEST_KEY");
        assert!(p[0].has_headers);
        assert_eq!(
            p[1].base_url.as_deref(),
            Some("https://***@example.test/v1")
        );
    }

    #[test]
    fn view_applies_defaults_and_lists_aliases_and_routes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let view = load(&write(dir.path()), &env).expect("loads");
        let json = serde_json::to_value(&view).expect("serializes");
        let m = &json["providers"][0]["models"][0];
        assert_eq!(m["ref"], "lmstudio/minimax-m2.1-gs32");
        assert_eq!(m["contextWindow"], 196_608);
        assert_eq!(m["maxTokens"], 8192);
        assert_eq!(m["alias"], "Minimax");
        assert_eq!(m["api"], "openai-responses");
        let big = &json["providers"][1]["models"][0];
        assert_eq!(big["api"], "openai-completions");
        assert_eq!(big["maxTokens"], 8192);
        assert_eq!(big["contextWindow"], serde_json::Value::Null);
        assert_eq!(big["input"], serde_json::json!(["text"]));
        assert_eq!(big["cost"]["output"], 15.0);
        assert_eq!(big["cost"]["cacheRead"], 0.0);
        assert_eq!(json["primary"], "Minimax");
        assert_eq!(json["fallbacks"], serde_json::json!(["hosted/big"]));
        assert_eq!(json["mode"], "merge");
        assert_eq!(view.resolve("minimax"), Some("lmstudio/minimax-m2.1-gs32"));
        assert!(view.revision.is_some());
    }

    #[test]
    fn diagnostics_are_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json5");
        std::fs::write(
            &path,
            "{\n  models: { providers: { x: { baseUrl: \"http://h/v1\", models: [{ id: \"m\", name: \"M\", contextWindow: \"big\" }] } } },\n}\n",
        )
        .expect("write");
        let view = load(&path, &env).expect("loads");
        assert!(!view.valid);
        let d = &view.diagnostics[0];
        assert_eq!(d.path, "models.providers.x.models[0].contextWindow");
        assert_eq!(d.line, 2);
        assert!(d.column > 1);
        let json = serde_json::to_value(d).expect("serializes");
        let keys: Vec<_> = json.as_object().expect("object").keys().cloned().collect();
        assert_eq!(
            keys,
            ["column", "file", "line", "message", "path", "severity"]
        );
        assert_eq!(json["severity"], "error");
    }

    #[test]
    fn edits_deserialize_from_camel_case_json() {
        let edit: EditInput = serde_json::from_value(serde_json::json!({
            "op": "upsertModel",
            "provider": "lmstudio",
            "model": { "id": "m", "name": "M", "contextWindow": 4096, "cost": { "cacheRead": 1 } },
        }))
        .expect("parses");
        assert!(matches!(edit, EditInput::UpsertModel { .. }));
        let edit: EditInput = serde_json::from_value(serde_json::json!({
            "op": "setAlias", "ref": "a/b", "alias": "B",
        }))
        .expect("parses");
        assert_eq!(
            edit.into_edit(&Config::default()).expect("edit"),
            Edit::SetAlias {
                model_ref: "a/b".into(),
                alias: "B".into()
            }
        );
        let edit: EditInput = serde_json::from_value(serde_json::json!({
            "op": "upsertProvider",
            "provider": { "id": "p", "baseUrl": "http://h/v1", "key": { "kind": "env", "var": "P_KEY" } },
        }))
        .expect("parses");
        let Edit::UpsertProvider(p) = edit.into_edit(&Config::default()).expect("edit") else {
            panic!("not an upsert");
        };
        assert_eq!(p.api_key, Some(ApiKey::Template("${P_KEY}".into())));
        let unknown = serde_json::from_value::<EditInput>(serde_json::json!({
            "op": "setAlias", "ref": "a/b", "alias": "B", "apiKey": "x",
        }));
        assert!(unknown.is_err());
    }

    #[test]
    fn apply_keeps_what_the_ui_does_not_edit_and_saves() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path());
        let view = load(&path, &env).expect("loads");
        let edit: EditInput = serde_json::from_value(serde_json::json!({
            "op": "upsertProvider",
            "provider": { "id": "lmstudio", "baseUrl": "http://127.0.0.1:1235/v1", "api": "openai-responses" },
        }))
        .expect("parses");
        let next = apply(&path, view.revision.as_deref(), edit, &env).expect("applies");
        assert_eq!(
            next.providers[0].base_url.as_deref(),
            Some("http://127.0.0.1:1235/v1")
        );
        assert_eq!(next.providers[0].models.len(), 1, "models kept");
        assert_eq!(next.providers[0].key, KeyKind::Plaintext, "key kept");
        assert!(next.providers[0].has_headers, "headers kept");
        assert_ne!(next.revision, view.revision);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("1235"));
        assert!(text.contains("${VIEW_TEST_KEY}"), "template kept: {text}");
        assert!(!text.contains(SECRET_ENV));
    }

    #[test]
    fn apply_refuses_a_stale_revision_and_a_bad_edit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path());
        let view = load(&path, &env).expect("loads");
        std::fs::write(&path, format!("{TEXT}\n")).expect("changed behind our back");
        let edit = EditInput::RemoveAlias {
            model_ref: "lmstudio/minimax-m2.1-gs32".into(),
        };
        let err = apply(&path, view.revision.as_deref(), edit.clone(), &env).expect_err("stale");
        assert_eq!(err.kind().as_str(), "changed_on_disk");
        assert_eq!(crate::Error::from(err).kind().as_str(), "conflict");

        let fresh = load(&path, &env).expect("reloads");
        let dup = EditInput::SetAlias {
            model_ref: "hosted/big".into(),
            alias: "Minimax".into(),
        };
        let err = apply(&path, fresh.revision.as_deref(), dup, &env).expect_err("duplicate alias");
        assert_eq!(crate::Error::from(err).kind().as_str(), "invalid_config");
        let next = apply(&path, fresh.revision.as_deref(), edit, &env).expect("applies");
        assert!(next.aliases.is_empty());
    }

    #[test]
    fn a_missing_file_is_an_empty_valid_view_and_can_be_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("new.json5");
        let view = load(&path, &env).expect("loads");
        assert!(!view.exists && view.valid && view.revision.is_none());
        let edit: EditInput = serde_json::from_value(serde_json::json!({
            "op": "upsertProvider",
            "provider": { "id": "local", "baseUrl": "http://127.0.0.1:8000/v1" },
        }))
        .expect("parses");
        let err = apply(&path, Some("stale"), edit.clone(), &env).expect_err("stale");
        assert_eq!(err.kind().as_str(), "changed_on_disk");
        let err = apply(&path, None, edit, &env).expect_err("custom provider needs models");
        assert_eq!(err.kind().as_str(), "invalid");
        assert!(!path.exists());
    }

    #[test]
    fn masks_only_user_info() {
        assert_eq!(mask_user_info("http://h:1/v1"), "http://h:1/v1");
        assert_eq!(mask_user_info("http://a:b@h/v1@x"), "http://***@h/v1@x");
        assert_eq!(mask_user_info("not a url"), "not a url");
    }
}

//! The typed model of the part of an OpenClaw config Switchboard owns, with OpenClaw's defaults.
//!
//! Values are kept as written (a `${VAR}` stays a template until [`super::env::expand`] is asked
//! for it), and keys Switchboard does not model ride along in each struct's `extra`, so a
//! load → edit → save keeps them. Secrets never serialize: an [`ApiKey`] serializes as its kind.

use serde::Serialize;

use super::json5::{Member, Node, Value};

/// `models.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ModelsMode {
    /// Built-in and detected providers plus the file's (OpenClaw's default).
    #[default]
    Merge,
    /// Only the file's providers.
    Replace,
}

/// A secret-reference object: `{source, provider, id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretRef {
    /// `env`, `file`, `exec` or `store`.
    pub source: String,
    /// The secret provider alias (`default` for env and store).
    pub provider: String,
    /// The secret's id (an env var name, a JSON pointer, …); a name, not a value.
    pub id: String,
}

/// An API key or header value as written in the config. Its `Debug` never prints a plaintext
/// value.
#[derive(Clone, PartialEq, Eq)]
pub enum ApiKey {
    /// A plaintext value. It stays only where the user put it.
    Plain(String),
    /// A string with `${VAR}` references, substituted when the value is needed.
    Template(String),
    /// A secret reference object.
    Ref(SecretRef),
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiKey::Plain(_) => f.write_str("Plain([REDACTED])"),
            ApiKey::Template(t) => f.debug_tuple("Template").field(t).finish(),
            ApiKey::Ref(r) => f.debug_tuple("Ref").field(r).finish(),
        }
    }
}

impl ApiKey {
    fn from_node(node: &Node) -> Option<ApiKey> {
        match &node.value {
            Value::String(s) if super::env::referenced_names(s).is_empty() => {
                Some(ApiKey::Plain(s.clone()))
            }
            Value::String(s) => Some(ApiKey::Template(s.clone())),
            Value::Object(_) => Some(ApiKey::Ref(SecretRef {
                source: node.get("source")?.as_str()?.to_owned(),
                provider: node.get("provider")?.as_str()?.to_owned(),
                id: node.get("id")?.as_str()?.to_owned(),
            })),
            _ => None,
        }
    }

    fn to_node(&self) -> Node {
        match self {
            ApiKey::Plain(s) | ApiKey::Template(s) => Node::string(s.clone()),
            ApiKey::Ref(r) => Node::object([
                ("source".to_owned(), Node::string(r.source.clone())),
                ("provider".to_owned(), Node::string(r.provider.clone())),
                ("id".to_owned(), Node::string(r.id.clone())),
            ]),
        }
    }

    /// Whether this is a plaintext key.
    pub fn is_plain(&self) -> bool {
        matches!(self, ApiKey::Plain(_))
    }
}

impl Serialize for ApiKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        match self {
            ApiKey::Plain(_) => map.serialize_entry("kind", "plain")?,
            ApiKey::Template(t) => {
                map.serialize_entry("kind", "env")?;
                map.serialize_entry("vars", &super::env::referenced_names(t))?;
            }
            ApiKey::Ref(r) => {
                map.serialize_entry("kind", "ref")?;
                map.serialize_entry("ref", r)?;
            }
        }
        map.end()
    }
}

/// Keys of an object that the typed model does not name, in file order.
pub type Extra = Vec<(String, Node)>;

/// `cost`, in USD per million tokens.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    /// Input tokens (default 0).
    pub input: Option<f64>,
    /// Output tokens (default 0).
    pub output: Option<f64>,
    /// Cache reads (default 0).
    pub cache_read: Option<f64>,
    /// Cache writes (default 0).
    pub cache_write: Option<f64>,
    /// Other keys (`tieredPricing`).
    #[serde(skip)]
    pub extra: Extra,
}

/// One model of a provider.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDef {
    /// The provider-facing model id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// API adapter override (else the provider's).
    pub api: Option<String>,
    /// Whether the model reasons (default false).
    pub reasoning: Option<bool>,
    /// Input kinds (default `["text"]`).
    pub input: Option<Vec<String>>,
    /// Prices.
    pub cost: Option<Cost>,
    /// Context window in tokens.
    pub context_window: Option<f64>,
    /// Maximum output tokens.
    pub max_tokens: Option<f64>,
    /// Compatibility flags, carried as written.
    pub compat: Option<Node>,
    /// Other keys.
    #[serde(skip)]
    pub extra: Extra,
}

/// Default maximum output tokens when neither the model nor the provider sets one.
pub const DEFAULT_MAX_TOKENS: f64 = 8192.0;
/// The context window assumed for the max-tokens clamp when a model sets none.
pub const DEFAULT_CONTEXT_WINDOW: f64 = 200_000.0;

impl ModelDef {
    /// `reasoning` with its default.
    pub fn reasoning(&self) -> bool {
        self.reasoning.unwrap_or(false)
    }

    /// `input` with its default.
    pub fn input(&self) -> Vec<String> {
        self.input
            .clone()
            .unwrap_or_else(|| vec!["text".to_owned()])
    }

    /// `maxTokens` as OpenClaw applies it: the model's, else `min(provider maxTokens or 8192,
    /// contextWindow or 200000)`; never above the context window.
    pub fn effective_max_tokens(&self, provider: &Provider) -> f64 {
        let window = self.context_window.unwrap_or(DEFAULT_CONTEXT_WINDOW);
        let wanted = self.max_tokens.unwrap_or_else(|| {
            provider
                .max_tokens
                .unwrap_or(DEFAULT_MAX_TOKENS)
                .min(window)
        });
        wanted.min(window)
    }

    /// The API adapter: the model's, else the provider's, else `openai-completions`.
    pub fn effective_api<'a>(&'a self, provider: &'a Provider) -> &'a str {
        self.api
            .as_deref()
            .or(provider.api.as_deref())
            .unwrap_or("openai-completions")
    }
}

/// One entry of `models.providers`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// The provider id (the key under `models.providers`).
    pub id: String,
    /// Base URL (required unless built in).
    pub base_url: Option<String>,
    /// API key, template or secret ref.
    pub api_key: Option<ApiKey>,
    /// `api-key`, `aws-sdk`, `oauth` or `token`.
    pub auth: Option<String>,
    /// Default API adapter for the provider's models.
    pub api: Option<String>,
    /// Extra request headers (values may be secret: carried, never serialized).
    #[serde(skip)]
    pub headers: Option<Node>,
    /// Whether the default Authorization header is sent.
    pub auth_header: Option<bool>,
    /// Provider-level default max output tokens.
    pub max_tokens: Option<f64>,
    /// Request timeout in seconds.
    pub timeout_seconds: Option<f64>,
    /// The models (required unless built in).
    pub models: Option<Vec<ModelDef>>,
    /// Other keys (`request`, `localService`, `params`, …).
    #[serde(skip)]
    pub extra: Extra,
}

/// `agents.defaults.model`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AgentModel {
    /// A single ref: the primary model.
    Ref(String),
    /// A primary and ordered fallbacks.
    Routes {
        /// The primary ref.
        primary: Option<String>,
        /// Fallback refs, in order.
        fallbacks: Option<Vec<String>>,
    },
}

impl AgentModel {
    /// The primary ref.
    pub fn primary(&self) -> Option<&str> {
        match self {
            AgentModel::Ref(r) => Some(r),
            AgentModel::Routes { primary, .. } => primary.as_deref(),
        }
    }

    /// The fallbacks, in order.
    pub fn fallbacks(&self) -> &[String] {
        match self {
            AgentModel::Ref(_) => &[],
            AgentModel::Routes { fallbacks, .. } => fallbacks.as_deref().unwrap_or_default(),
        }
    }
}

/// One entry of `agents.defaults.models`: a model ref with its alias and parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelEntry {
    /// The key: `provider/model`.
    #[serde(rename = "ref")]
    pub model_ref: String,
    /// The alias.
    pub alias: Option<String>,
    /// Parameters, as written.
    pub params: Option<Node>,
    /// Other keys.
    #[serde(skip)]
    pub extra: Extra,
}

/// The typed config.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// `models.mode` as written (`None` means merge).
    pub mode: Option<ModelsMode>,
    /// `models.providers`, in file order.
    pub providers: Vec<Provider>,
    /// `agents.defaults.model`.
    pub model: Option<AgentModel>,
    /// `agents.defaults.models`, in file order.
    pub models: Vec<ModelEntry>,
    /// `secrets.providers`, read so that `file` and `exec` key refs resolve; never written by
    /// us and never sent to the UI.
    #[serde(skip)]
    pub secret_providers: super::secret_providers::SecretProviders,
}

fn extra(node: &Node, known: &[&str]) -> Extra {
    node.members()
        .unwrap_or_default()
        .iter()
        .filter(|m| !known.contains(&m.key.as_str()))
        .map(|m| (m.key.clone(), m.value.clone()))
        .collect()
}

fn string(node: &Node, key: &str) -> Option<String> {
    node.get(key).and_then(Node::as_str).map(str::to_owned)
}

fn num(node: &Node, key: &str) -> Option<f64> {
    node.get(key).and_then(Node::as_f64)
}

fn strings(node: Option<&Node>) -> Option<Vec<String>> {
    Some(
        node?
            .items()?
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
    )
}

impl Config {
    /// Reads the typed model from a (validated) tree; shapes that do not fit are skipped.
    pub fn from_node(root: &Node) -> Config {
        let models = root.get("models");
        let mode = models
            .and_then(|m| m.get("mode"))
            .and_then(Node::as_str)
            .map(|m| {
                if m == "replace" {
                    ModelsMode::Replace
                } else {
                    ModelsMode::Merge
                }
            });
        let providers = models
            .and_then(|m| m.get("providers"))
            .and_then(Node::members)
            .unwrap_or_default()
            .iter()
            .map(provider_from)
            .collect();
        let defaults = root.get("agents").and_then(|a| a.get("defaults"));
        let model = defaults
            .and_then(|d| d.get("model"))
            .and_then(|m| match &m.value {
                Value::String(s) => Some(AgentModel::Ref(s.clone())),
                Value::Object(_) => Some(AgentModel::Routes {
                    primary: string(m, "primary"),
                    fallbacks: strings(m.get("fallbacks")),
                }),
                _ => None,
            });
        let entries = defaults
            .and_then(|d| d.get("models"))
            .and_then(Node::members)
            .unwrap_or_default()
            .iter()
            .map(|m| ModelEntry {
                model_ref: m.key.clone(),
                alias: string(&m.value, "alias"),
                params: m.value.get("params").cloned(),
                extra: extra(&m.value, &["alias", "params"]),
            })
            .collect();
        Config {
            mode,
            providers,
            model,
            models: entries,
            secret_providers: super::secret_providers::SecretProviders::from_root(root),
        }
    }

    /// The provider with `id`.
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// Every configured `provider/model` ref, in order.
    pub fn model_refs(&self) -> Vec<String> {
        self.providers
            .iter()
            .flat_map(|p| {
                p.models
                    .iter()
                    .flatten()
                    .map(move |m| format!("{}/{}", p.id, m.id))
            })
            .collect()
    }

    /// `models` as a tree, for writing.
    pub fn models_node(&self) -> Node {
        let mut members = Vec::new();
        if let Some(mode) = self.mode {
            let text = if mode == ModelsMode::Replace {
                "replace"
            } else {
                "merge"
            };
            members.push(("mode".to_owned(), Node::string(text)));
        }
        let providers = self
            .providers
            .iter()
            .map(|p| (p.id.clone(), provider_to(p)));
        members.push(("providers".to_owned(), Node::object(providers)));
        Node::object(members)
    }

    /// `agents.defaults.model`, for writing.
    pub fn agent_model_node(&self) -> Option<Node> {
        Some(match self.model.as_ref()? {
            AgentModel::Ref(r) => Node::string(r.clone()),
            AgentModel::Routes { primary, fallbacks } => {
                let mut m = Vec::new();
                if let Some(p) = primary {
                    m.push(("primary".to_owned(), Node::string(p.clone())));
                }
                if let Some(f) = fallbacks {
                    m.push(("fallbacks".to_owned(), string_array(f)));
                }
                Node::object(m)
            }
        })
    }

    /// `agents.defaults.models`, for writing.
    pub fn agent_models_node(&self) -> Node {
        Node::object(self.models.iter().map(|e| {
            let mut m = Vec::new();
            if let Some(a) = &e.alias {
                m.push(("alias".to_owned(), Node::string(a.clone())));
            }
            if let Some(p) = &e.params {
                m.push(("params".to_owned(), p.clone()));
            }
            m.extend(e.extra.iter().cloned());
            (e.model_ref.clone(), Node::object(m))
        }))
    }
}

fn string_array(items: &[String]) -> Node {
    Node::new(Value::Array(
        items.iter().map(|s| Node::string(s.clone())).collect(),
    ))
}

fn number(n: f64) -> Node {
    Node::new(Value::Number(n))
}

fn provider_from(m: &Member) -> Provider {
    let n = &m.value;
    Provider {
        id: m.key.clone(),
        base_url: string(n, "baseUrl"),
        api_key: n.get("apiKey").and_then(ApiKey::from_node),
        auth: string(n, "auth"),
        api: string(n, "api"),
        headers: n.get("headers").cloned(),
        auth_header: n.get("authHeader").and_then(Node::as_bool),
        max_tokens: num(n, "maxTokens"),
        timeout_seconds: num(n, "timeoutSeconds"),
        models: n
            .get("models")
            .and_then(Node::items)
            .map(|items| items.iter().map(model_from).collect()),
        extra: extra(n, PROVIDER_KEYS),
    }
}

const PROVIDER_KEYS: &[&str] = &[
    "baseUrl",
    "apiKey",
    "auth",
    "api",
    "headers",
    "authHeader",
    "maxTokens",
    "timeoutSeconds",
    "models",
];
const MODEL_KEYS: &[&str] = &[
    "id",
    "name",
    "api",
    "reasoning",
    "input",
    "cost",
    "contextWindow",
    "maxTokens",
    "compat",
];

fn model_from(n: &Node) -> ModelDef {
    ModelDef {
        id: string(n, "id").unwrap_or_default(),
        name: string(n, "name").unwrap_or_default(),
        api: string(n, "api"),
        reasoning: n.get("reasoning").and_then(Node::as_bool),
        input: strings(n.get("input")),
        cost: n.get("cost").map(|c| Cost {
            input: num(c, "input"),
            output: num(c, "output"),
            cache_read: num(c, "cacheRead"),
            cache_write: num(c, "cacheWrite"),
            extra: extra(c, &["input", "output", "cacheRead", "cacheWrite"]),
        }),
        context_window: num(n, "contextWindow"),
        max_tokens: num(n, "maxTokens"),
        compat: n.get("compat").cloned(),
        extra: extra(n, MODEL_KEYS),
    }
}

fn provider_to(p: &Provider) -> Node {
    let mut m: Vec<(String, Node)> = Vec::new();
    let mut put = |k: &str, v: Option<Node>| {
        if let Some(v) = v {
            m.push((k.to_owned(), v));
        }
    };
    put("baseUrl", p.base_url.clone().map(Node::string));
    put("apiKey", p.api_key.as_ref().map(ApiKey::to_node));
    put("auth", p.auth.clone().map(Node::string));
    put("api", p.api.clone().map(Node::string));
    put("headers", p.headers.clone());
    put(
        "authHeader",
        p.auth_header.map(|b| Node::new(Value::Bool(b))),
    );
    put("maxTokens", p.max_tokens.map(number));
    put("timeoutSeconds", p.timeout_seconds.map(number));
    m.extend(p.extra.iter().cloned());
    if let Some(models) = &p.models {
        m.push((
            "models".to_owned(),
            Node::new(Value::Array(models.iter().map(model_to).collect())),
        ));
    }
    Node::object(m)
}

fn model_to(d: &ModelDef) -> Node {
    let mut m: Vec<(String, Node)> = vec![
        ("id".to_owned(), Node::string(d.id.clone())),
        ("name".to_owned(), Node::string(d.name.clone())),
    ];
    let mut put = |k: &str, v: Option<Node>| {
        if let Some(v) = v {
            m.push((k.to_owned(), v));
        }
    };
    put("api", d.api.clone().map(Node::string));
    put("reasoning", d.reasoning.map(|b| Node::new(Value::Bool(b))));
    put("input", d.input.as_deref().map(string_array));
    put(
        "cost",
        d.cost.as_ref().map(|c| {
            let mut cm = Vec::new();
            for (k, v) in [
                ("input", c.input),
                ("output", c.output),
                ("cacheRead", c.cache_read),
                ("cacheWrite", c.cache_write),
            ] {
                if let Some(v) = v {
                    cm.push((k.to_owned(), number(v)));
                }
            }
            cm.extend(c.extra.iter().cloned());
            Node::object(cm)
        }),
    );
    put("contextWindow", d.context_window.map(number));
    put("maxTokens", d.max_tokens.map(number));
    put("compat", d.compat.clone());
    m.extend(d.extra.iter().cloned());
    Node::object(m)
}

//! What a scan finds: servers, their status and their models, as the CLI's `--json` and the UI
//! see them (camelCase).

use serde::Serialize;

use crate::catalog::{self, KnownProvider};

/// The kinds of local server Switchboard recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[non_exhaustive]
pub enum ServerKind {
    /// LM Studio.
    #[serde(rename = "lmstudio")]
    LmStudio,
    /// Ollama.
    #[serde(rename = "ollama")]
    Ollama,
    /// vLLM's OpenAI-compatible server.
    #[serde(rename = "vllm")]
    Vllm,
    /// llama.cpp's `llama-server`.
    #[serde(rename = "llamacpp")]
    LlamaCpp,
    /// The LiteLLM proxy.
    #[serde(rename = "litellm")]
    LiteLlm,
    /// Jan's local API server.
    #[serde(rename = "jan")]
    Jan,
    /// A user-added base URL of any OpenAI-compatible server.
    #[serde(rename = "openai-compatible")]
    OpenAiCompatible,
}

impl ServerKind {
    /// The known servers, in scan (and report) order: LM Studio first.
    pub const KNOWN: [ServerKind; 6] = [
        ServerKind::LmStudio,
        ServerKind::Ollama,
        ServerKind::Vllm,
        ServerKind::LlamaCpp,
        ServerKind::LiteLlm,
        ServerKind::Jan,
    ];

    /// The wire id, also the provider id of the generated profile.
    pub fn id(self) -> &'static str {
        match self {
            ServerKind::LmStudio => "lmstudio",
            ServerKind::Ollama => "ollama",
            ServerKind::Vllm => "vllm",
            ServerKind::LlamaCpp => "llamacpp",
            ServerKind::LiteLlm => "litellm",
            ServerKind::Jan => "jan",
            ServerKind::OpenAiCompatible => "openai-compatible",
        }
    }

    /// Its [`crate::catalog`] entry (`None` for a user-added URL).
    pub fn known(self) -> Option<&'static KnownProvider> {
        catalog::find(self.id())
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        self.known().map_or("OpenAI-compatible", |p| p.name)
    }

    /// The port the server listens on out of the box.
    pub fn default_port(self) -> Option<u16> {
        self.known().and_then(|p| p.port)
    }
}

/// Whether the expected server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ServerStatus")]
pub enum Status {
    /// The server answered and was recognised.
    Running,
    /// Nothing listens there (connection refused).
    NotRunning,
    /// Something answered, but it is not this kind of server.
    OtherService,
    /// The probe failed another way (no answer in time, a broken reply); see `detail`.
    Error,
}

impl Status {
    /// Short text for tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::NotRunning => "not running",
            Status::OtherService => "port in use by another service",
            Status::Error => "error",
        }
    }
}

/// What a model is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ModelType {
    /// A text chat model.
    Llm,
    /// A chat model that also reads images.
    Vlm,
    /// An embedding model: not a chat model, never put in a profile.
    Embeddings,
}

impl ModelType {
    /// A model type guessed from an id alone: embedding models usually say so.
    pub fn guess(id: &str) -> ModelType {
        let lower = id.to_ascii_lowercase();
        let mut words = lower.split(|c: char| !c.is_ascii_alphanumeric());
        let embedding = lower.contains("embed")
            || words.any(|w| matches!(w, "bge" | "e5" | "gte" | "minilm" | "rerank"));
        if embedding {
            ModelType::Embeddings
        } else {
            ModelType::Llm
        }
    }
}

/// Advice attached to a model, from the local-models guide.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Warning {
    /// The usable context is under 16K tokens.
    SmallContext {
        /// The context window in tokens.
        tokens: u64,
    },
    /// Quantized to 3 bits per weight or less.
    AggressiveQuantization {
        /// Bits per weight.
        bits: f64,
    },
    /// A small checkpoint (under 8B parameters, or named "small"/"mini"/…).
    SmallCheckpoint {
        /// What gave it away (`"4B"`, `"mini"`).
        size: String,
    },
    /// Not loaded: the first answer waits for the load.
    NotLoaded,
    /// The model was not trained for tool use.
    NoToolUse,
}

/// Context windows below this many tokens get [`Warning::SmallContext`].
pub const MIN_CONTEXT: u64 = 16_384;

impl Warning {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::SmallContext { .. } => "small_context",
            Warning::AggressiveQuantization { .. } => "aggressive_quantization",
            Warning::SmallCheckpoint { .. } => "small_checkpoint",
            Warning::NotLoaded => "not_loaded",
            Warning::NoToolUse => "no_tool_use",
        }
    }

    /// The advice, for people.
    pub fn message(&self) -> String {
        match self {
            Warning::SmallContext { tokens } => format!(
                "context window of {tokens} tokens is under 16K: long chats and tool output get cut; load it with a larger context"
            ),
            Warning::AggressiveQuantization { bits } => format!(
                "aggressive quantization ({bits} bits per weight) raises prompt-injection risk: use the largest version you can run"
            ),
            Warning::SmallCheckpoint { size } => format!(
                "small checkpoint ({size}) raises prompt-injection risk: use the largest version you can run"
            ),
            Warning::NotLoaded => {
                "not loaded: the first answer waits for the model to load; keep it loaded".to_owned()
            }
            Warning::NoToolUse => {
                "not trained for tool use: tool calls and agents will not work well".to_owned()
            }
        }
    }
}

/// How a [`Warning`] goes out: `{"code": "small_context", "message": "…", "tokens": 8192}`, the
/// code and its values for a face that words the advice itself (the window, in its language),
/// and core's English words.
#[derive(Serialize, ts_rs::TS)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(rename = "ModelWarning")]
pub(crate) enum WarningWire {
    /// [`Warning::SmallContext`].
    SmallContext {
        /// Core's words.
        message: String,
        /// The context window in tokens.
        tokens: u64,
    },
    /// [`Warning::AggressiveQuantization`].
    AggressiveQuantization {
        /// Core's words.
        message: String,
        /// Bits per weight.
        bits: f64,
    },
    /// [`Warning::SmallCheckpoint`].
    SmallCheckpoint {
        /// Core's words.
        message: String,
        /// What gave it away.
        size: String,
    },
    /// [`Warning::NotLoaded`].
    NotLoaded {
        /// Core's words.
        message: String,
    },
    /// [`Warning::NoToolUse`].
    NoToolUse {
        /// Core's words.
        message: String,
    },
}

impl From<&Warning> for WarningWire {
    fn from(warning: &Warning) -> WarningWire {
        let message = warning.message();
        match warning {
            Warning::SmallContext { tokens } => WarningWire::SmallContext {
                message,
                tokens: *tokens,
            },
            Warning::AggressiveQuantization { bits } => WarningWire::AggressiveQuantization {
                message,
                bits: *bits,
            },
            Warning::SmallCheckpoint { size } => WarningWire::SmallCheckpoint {
                message,
                size: size.clone(),
            },
            Warning::NotLoaded => WarningWire::NotLoaded { message },
            Warning::NoToolUse => WarningWire::NoToolUse { message },
        }
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WarningWire::from(self).serialize(serializer)
    }
}

/// One model a server offers.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DetectedModel {
    /// The id to send as `model`.
    pub id: String,
    /// Display name (the id when the server gives none).
    pub name: String,
    /// What it is for.
    #[serde(rename = "type")]
    pub model_type: ModelType,
    /// Whether it is loaded (`None`: the server does not say).
    pub loaded: Option<bool>,
    /// The context a request gets: the loaded context length if loaded, else the maximum.
    pub context_window: Option<u64>,
    /// The context length it is loaded with.
    pub loaded_context_window: Option<u64>,
    /// The largest context the model supports.
    pub max_context_window: Option<u64>,
    /// Quantization name (`Q4_K_M`, `4bit`, `F16`).
    pub quantization: Option<String>,
    /// Bits per weight, given or derived from the quantization name.
    pub bits_per_weight: Option<f64>,
    /// Parameter count as the server writes it (`7B`, `30B-A3B`).
    pub params: Option<String>,
    /// Architecture (`qwen3`, `llama`).
    pub arch: Option<String>,
    /// Weights format (`gguf`, `mlx`).
    pub format: Option<String>,
    /// Trained for tool use (`None`: unknown).
    pub tool_use: Option<bool>,
    /// A reasoning model (`None`: unknown).
    pub reasoning: Option<bool>,
    /// The seed's advice for this model.
    #[ts(as = "Vec<WarningWire>")]
    pub warnings: Vec<Warning>,
}

impl DetectedModel {
    /// A model known only by its id (from a bare `/v1/models` list).
    pub fn bare(id: impl Into<String>) -> Self {
        let id = id.into();
        DetectedModel {
            name: id.clone(),
            model_type: ModelType::guess(&id),
            id,
            loaded: None,
            context_window: None,
            loaded_context_window: None,
            max_context_window: None,
            quantization: None,
            bits_per_weight: None,
            params: None,
            arch: None,
            format: None,
            tool_use: None,
            reasoning: None,
            warnings: Vec::new(),
        }
    }

    /// Whether it can chat (embedding models cannot).
    pub fn is_chat(&self) -> bool {
        self.model_type != ModelType::Embeddings
    }
}

/// One probed server.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DetectedServer {
    /// Which server was looked for.
    pub kind: ServerKind,
    /// The OpenAI-compatible base URL, with `/v1`.
    pub base_url: String,
    /// Whether it answered as that server.
    pub status: Status,
    /// Why, for anything but a plain "running" (the other service's reply, the error, a
    /// missing API key).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
    /// The server's version, when it says.
    pub version: Option<String>,
    /// The API adapter to use (`openai-responses` or `openai-completions`), when running.
    pub api: Option<String>,
    /// How `api` was decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub api_reason: Option<String>,
    /// Whether listing models needs an API key the scan does not have.
    pub needs_key: bool,
    /// Its models (chat and embedding).
    pub models: Vec<DetectedModel>,
    /// How long the probe took, in milliseconds.
    pub elapsed_ms: u64,
}

impl DetectedServer {
    /// A server with `status` and no models.
    pub fn new(kind: ServerKind, base_url: impl Into<String>, status: Status) -> Self {
        DetectedServer {
            kind,
            base_url: base_url.into(),
            status,
            detail: None,
            version: None,
            api: None,
            api_reason: None,
            needs_key: false,
            models: Vec::new(),
            elapsed_ms: 0,
        }
    }

    /// Sets `detail`.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The server's chat models.
    pub fn chat_models(&self) -> impl Iterator<Item = &DetectedModel> {
        self.models.iter().filter(|m| m.is_chat())
    }

    /// The ids of its loaded models.
    pub fn loaded_models(&self) -> Vec<&str> {
        self.models
            .iter()
            .filter(|m| m.loaded == Some(true))
            .map(|m| m.id.as_str())
            .collect()
    }
}

/// The model a scan suggests starting with and where it runs (see [`super::suggest`]).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// The server kind.
    pub kind: ServerKind,
    /// The server's name (`LM Studio`).
    pub server: &'static str,
    /// Its base URL, with `/v1`.
    pub base_url: String,
    /// The model id to send.
    pub model_id: String,
    /// The model's display name.
    pub model_name: String,
    /// The context a request gets, when known.
    pub context_window: Option<u64>,
    /// Whether it is loaded (`None`: the server does not say).
    pub loaded: Option<bool>,
}

/// The result of one scan: one entry per target, in target order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ts_rs::TS)]
pub struct ScanReport {
    /// The probed servers.
    pub servers: Vec<DetectedServer>,
    /// The model to start with, if any server on this machine offers one
    /// ([`super::suggest::suggest`]; [`ScanReport::new`] fills it in).
    pub suggested: Option<Suggestion>,
}

impl ScanReport {
    /// The entry for `kind`, if it was scanned.
    pub fn server(&self, kind: ServerKind) -> Option<&DetectedServer> {
        self.servers.iter().find(|s| s.kind == kind)
    }

    /// The servers that are running.
    pub fn running(&self) -> impl Iterator<Item = &DetectedServer> {
        self.servers.iter().filter(|s| s.status == Status::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_server_is_a_local_catalog_entry() {
        for kind in ServerKind::KNOWN {
            let known = kind
                .known()
                .unwrap_or_else(|| panic!("{} not in the catalog", kind.id()));
            assert_eq!(known.locality, catalog::Locality::Local, "{}", kind.id());
            assert!(kind.default_port().is_some(), "{}", kind.id());
        }
        assert_eq!(ServerKind::LmStudio.label(), "LM Studio");
        assert_eq!(ServerKind::Jan.default_port(), Some(1337));
        assert_eq!(ServerKind::OpenAiCompatible.known(), None);
        assert_eq!(ServerKind::OpenAiCompatible.default_port(), None);
    }
}

//! What the fake LM Studio serves: its downloaded [`Model`]s and the [`Script`] (version,
//! token, load and just-in-time delays, answers, downloads).

use std::time::Duration;

use crate::lmstudio_jobs::Downloads;
use crate::openai;

/// What a model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text chat.
    Llm,
    /// Chat with vision.
    Vlm,
    /// Embeddings.
    Embedding,
}

/// One downloaded model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The model key (`qwen/qwen3-8b`).
    pub key: String,
    /// Display name.
    pub display_name: String,
    /// What it is.
    pub kind: Kind,
    /// Architecture.
    pub arch: String,
    /// Quantization name (`Q4_K_M`, `4bit`).
    pub quant: String,
    /// Bits per weight.
    pub bits: f64,
    /// Parameter count text (`8B`).
    pub params: String,
    /// Max context length.
    pub max_context: u64,
    /// Loaded with this context length; `None` when not loaded.
    pub loaded_context: Option<u64>,
    /// `gguf` or `mlx`.
    pub format: String,
    /// Trained for tool use.
    pub tool_use: bool,
    /// A reasoning model.
    pub reasoning: bool,
    /// When set, chat requests to this model fail with this status and message (a model that
    /// crashed or cannot be loaded).
    pub chat_error: Option<(u16, String)>,
    /// Loaded through `POST /api/v1/models/load` (no idle TTL).
    pub pinned: bool,
    /// The idle TTL of a just-in-time load, from the request that loaded it.
    pub ttl: Option<u64>,
}

impl Model {
    /// A GGUF text model, not loaded.
    pub fn llm(key: &str, params: &str, quant: &str, bits: f64, max_context: u64) -> Self {
        Model {
            key: key.to_owned(),
            display_name: key.rsplit('/').next().unwrap_or(key).to_owned(),
            kind: Kind::Llm,
            arch: "qwen3".to_owned(),
            quant: quant.to_owned(),
            bits,
            params: params.to_owned(),
            max_context,
            loaded_context: None,
            format: "gguf".to_owned(),
            tool_use: true,
            reasoning: false,
            chat_error: None,
            pinned: false,
            ttl: None,
        }
    }

    /// Loaded with `context` tokens.
    pub fn loaded(mut self, context: u64) -> Self {
        self.loaded_context = Some(context);
        self
    }

    /// With this kind.
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// Without tool-use training.
    pub fn no_tools(mut self) -> Self {
        self.tool_use = false;
        self
    }

    /// A reasoning model.
    pub fn reasoning(mut self) -> Self {
        self.reasoning = true;
        self
    }

    /// Chat requests to it fail with `status` and `message`.
    pub fn chat_fails(mut self, status: u16, message: &str) -> Self {
        self.chat_error = Some((status, message.to_owned()));
        self
    }
}

/// What the fake serves.
#[derive(Debug, Clone)]
pub struct Script {
    /// LM Studio version; gates the endpoints as the API changelog says.
    pub version: String,
    /// Downloaded models.
    pub models: Vec<Model>,
    /// When set, every route but the greeting and `/lms-status` needs `Bearer <token>`.
    pub token: Option<String>,
    /// How long `POST /api/v1/models/load` takes.
    pub load_delay: Duration,
    /// How chat models answer `/v1/responses` (its `models` list is not used: the downloaded
    /// models are); the default answers "OK.".
    pub answer: openai::Script,
    /// Just-in-time loading (on by default): a chat request loads its model. Off, a request
    /// for a model that is not loaded gets LM Studio's "No models loaded" 400.
    pub jit: bool,
    /// How long a just-in-time load takes before the answer starts.
    pub jit_delay: Duration,
    /// How downloads behave.
    pub downloads: Downloads,
}

impl Script {
    /// LM Studio 0.4.2 with a loaded Qwen3 8B (32K of 128K, tools, reasoning), a not-loaded
    /// vision model and an embedding model.
    pub fn v1() -> Self {
        Script {
            version: "0.4.2".to_owned(),
            models: vec![
                Model::llm("qwen/qwen3-8b", "8B", "Q4_K_M", 4.0, 131_072)
                    .loaded(32_768)
                    .reasoning(),
                Model::llm("google/gemma-3-27b", "27B", "Q4_K_M", 4.0, 131_072)
                    .kind(Kind::Vlm)
                    .no_tools(),
                Model::llm(
                    "text-embedding-nomic-embed-text-v1.5",
                    "",
                    "Q4_K_M",
                    4.0,
                    2048,
                )
                .kind(Kind::Embedding),
            ],
            token: None,
            load_delay: Duration::ZERO,
            answer: openai::Script::reply("OK."),
            jit: true,
            jit_delay: Duration::ZERO,
            downloads: Downloads::default(),
        }
    }

    /// LM Studio 0.3.20: v0 REST API only, no `/v1/responses`, no `/lms-status`.
    pub fn v0() -> Self {
        Script {
            version: "0.3.20".to_owned(),
            ..Script::v1()
        }
    }

    /// With this version.
    pub fn version(mut self, version: &str) -> Self {
        self.version = version.to_owned();
        self
    }

    /// With these models.
    pub fn models(mut self, models: Vec<Model>) -> Self {
        self.models = models;
        self
    }

    /// Every model unloaded.
    pub fn nothing_loaded(mut self) -> Self {
        for m in &mut self.models {
            m.loaded_context = None;
        }
        self
    }

    /// Requires an API token.
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Loads take `delay`.
    pub fn load_delay(mut self, delay: Duration) -> Self {
        self.load_delay = delay;
        self
    }

    /// Just-in-time loads take `delay`.
    pub fn jit_delay(mut self, delay: Duration) -> Self {
        self.jit_delay = delay;
        self
    }

    /// Downloads behave as `downloads` says.
    pub fn downloads(mut self, downloads: Downloads) -> Self {
        self.downloads = downloads;
        self
    }

    /// Only embedding models: no chat model downloaded.
    pub fn no_chat_models(mut self) -> Self {
        self.models.retain(|m| m.kind == Kind::Embedding);
        self
    }

    /// Just-in-time loading off: chat requests need their model loaded first.
    pub fn jit_off(mut self) -> Self {
        self.jit = false;
        self
    }

    /// Chat models answer as `answer` says (its reply, chunking, usage, reasoning, fault).
    pub fn answer(mut self, answer: openai::Script) -> Self {
        self.answer = answer;
        self
    }

    /// Makes `key` fail its chat requests with `status` and `message`.
    pub fn chat_fails(mut self, key: &str, status: u16, message: &str) -> Self {
        for m in &mut self.models {
            if m.key == key {
                *m = m.clone().chat_fails(status, message);
            }
        }
        self
    }
}

//! The rows of [`PROVIDERS`]. Facts only: each id's documented default endpoint, key variable,
//! placeholder and port; the checks on them are in the parent module's tests.

use super::{Api, Auth, KnownProvider, Locality};

const fn hosted(
    id: &'static str,
    name: &'static str,
    description: &'static str,
    base_url: &'static str,
    env_var: &'static str,
) -> KnownProvider {
    KnownProvider {
        id,
        aliases: &[],
        name,
        description,
        base_url,
        api: Api::OpenAiCompletions,
        auth: Auth::Bearer,
        env_var: Some(env_var),
        placeholder: None,
        port: None,
        locality: Locality::Hosted,
        forwards: false,
    }
}

const fn local(
    id: &'static str,
    name: &'static str,
    description: &'static str,
    base_url: &'static str,
    port: u16,
    env_var: Option<&'static str>,
    placeholder: Option<&'static str>,
) -> KnownProvider {
    KnownProvider {
        id,
        aliases: &[],
        name,
        description,
        base_url,
        api: Api::OpenAiCompletions,
        auth: Auth::Bearer,
        env_var,
        placeholder,
        port: Some(port),
        locality: Locality::Local,
        forwards: false,
    }
}

/// The known providers: hosted ones first (the UI's order), then local servers in scan order.
pub static PROVIDERS: &[KnownProvider] = &[
    KnownProvider {
        api: Api::AnthropicMessages,
        auth: Auth::XApiKey,
        ..hosted(
            "anthropic",
            "Anthropic",
            "Claude models",
            "https://api.anthropic.com/v1",
            "ANTHROPIC_API_KEY",
        )
    },
    hosted(
        "openai",
        "OpenAI",
        "GPT models",
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
    ),
    hosted(
        "openrouter",
        "OpenRouter",
        "Many models, one key",
        "https://openrouter.ai/api/v1",
        "OPENROUTER_API_KEY",
    ),
    KnownProvider {
        aliases: &["gemini"],
        ..hosted(
            "google",
            "Google Gemini",
            "Gemini models (OpenAI-compatible endpoint)",
            "https://generativelanguage.googleapis.com/v1beta/openai",
            "GEMINI_API_KEY",
        )
    },
    hosted(
        "groq",
        "Groq",
        "Fast open models",
        "https://api.groq.com/openai/v1",
        "GROQ_API_KEY",
    ),
    hosted(
        "mistral",
        "Mistral",
        "Mistral models",
        "https://api.mistral.ai/v1",
        "MISTRAL_API_KEY",
    ),
    hosted(
        "deepseek",
        "DeepSeek",
        "DeepSeek models",
        "https://api.deepseek.com/v1",
        "DEEPSEEK_API_KEY",
    ),
    KnownProvider {
        aliases: &["x-ai"],
        ..hosted(
            "xai",
            "xAI",
            "Grok models",
            "https://api.x.ai/v1",
            "XAI_API_KEY",
        )
    },
    hosted(
        "together",
        "Together AI",
        "Open models",
        "https://api.together.xyz/v1",
        "TOGETHER_API_KEY",
    ),
    hosted(
        "fireworks",
        "Fireworks AI",
        "Open models",
        "https://api.fireworks.ai/inference/v1",
        "FIREWORKS_API_KEY",
    ),
    hosted(
        "cerebras",
        "Cerebras",
        "Fast open models",
        "https://api.cerebras.ai/v1",
        "CEREBRAS_API_KEY",
    ),
    hosted(
        "moonshot",
        "Moonshot AI",
        "Kimi models",
        "https://api.moonshot.ai/v1",
        "MOONSHOT_API_KEY",
    ),
    local(
        "lmstudio",
        "LM Studio",
        "Local models in LM Studio",
        "http://127.0.0.1:1234/v1",
        1234,
        Some("LM_API_TOKEN"),
        Some("lmstudio"),
    ),
    local(
        "ollama",
        "Ollama",
        "Local models in Ollama",
        "http://127.0.0.1:11434/v1",
        11434,
        Some("OLLAMA_API_KEY"),
        Some("ollama-local"),
    ),
    local(
        "vllm",
        "vLLM",
        "vLLM's OpenAI-compatible server",
        "http://127.0.0.1:8000/v1",
        8000,
        Some("VLLM_API_KEY"),
        Some("vllm"),
    ),
    KnownProvider {
        aliases: &["llama-cpp"],
        ..local(
            "llamacpp",
            "llama.cpp",
            "llama.cpp's llama-server",
            "http://127.0.0.1:8080/v1",
            8080,
            Some("LLAMA_API_KEY"),
            Some("llamacpp"),
        )
    },
    KnownProvider {
        forwards: true,
        ..local(
            "litellm",
            "LiteLLM",
            "The LiteLLM proxy (needs its key)",
            "http://127.0.0.1:4000/v1",
            4000,
            Some("LITELLM_API_KEY"),
            None,
        )
    },
    local(
        "jan",
        "Jan",
        "Jan's local API server",
        "http://127.0.0.1:1337/v1",
        1337,
        Some("JAN_API_KEY"),
        Some("jan"),
    ),
    local(
        "sglang",
        "SGLang",
        "SGLang's OpenAI-compatible server",
        "http://127.0.0.1:30000/v1",
        30000,
        None,
        Some("sglang"),
    ),
];

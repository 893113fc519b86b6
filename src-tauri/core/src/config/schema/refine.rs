//! The rules OpenClaw adds on top of its JSON Schema (zod `refine`/`superRefine`), which the
//! generated schema cannot express: custom providers need `baseUrl` and `models`, file and exec
//! secret ids have their own grammar, the catalog URL must be https, and picker runtimes and code
//! mode need exact `provider/model` keys.

use crate::config::diag::{ConfigPath, Diags};
use crate::config::json5::Node;

/// Provider ids that may omit `baseUrl` and `models` (OpenClaw's built-in overlays, 2026.9.6).
pub const BUILT_IN_PROVIDER_IDS: &[&str] = &[
    "amazon-bedrock",
    "amazon-bedrock-mantle",
    "anthropic",
    "anthropic-vertex",
    "arcee",
    "azure-openai-responses",
    "byteplus",
    "byteplus-plan",
    "cerebras",
    "chutes",
    "claude-cli",
    "clawrouter",
    "cloudflare-ai-gateway",
    "codex",
    "comfy",
    "copilot-proxy",
    "dashscope",
    "deepinfra",
    "deepseek",
    "fal",
    "fireworks",
    "github-copilot",
    "gmi",
    "gmi-cloud",
    "gmicloud",
    "google",
    "google-antigravity",
    "google-gemini-cli",
    "google-vertex",
    "groq",
    "huggingface",
    "kilocode",
    "kimi",
    "kimi-coding",
    "litellm",
    "lmstudio",
    "meta",
    "microsoft-foundry",
    "minimax",
    "minimax-portal",
    "mistral",
    "modelstudio",
    "moonshot",
    "moonshot-ai",
    "moonshotai",
    "nvidia",
    "novita",
    "novita-ai",
    "novitaai",
    "ollama",
    "ollama-cloud",
    "openai",
    "opencode",
    "opencode-go",
    "openrouter",
    "qianfan",
    "qwen",
    "qwen-token-plan",
    "qwencloud",
    "sglang",
    "stepfun",
    "stepfun-plan",
    "synthetic",
    "tencent-tokenhub",
    "tencent-tokenplan",
    "together",
    "venice",
    "vercel-ai-gateway",
    "vllm",
    "volcengine",
    "volcengine-plan",
    "vydra",
    "x-ai",
    "xai",
    "xiaomi",
    "xiaomi-token-plan",
    "z.ai",
    "z-ai",
    "zai",
];

/// Whether `id` is a built-in provider (compared as OpenClaw does: trimmed, lowercase).
pub fn is_built_in_provider(id: &str) -> bool {
    let id = id.trim().to_lowercase();
    BUILT_IN_PROVIDER_IDS.contains(&id.as_str())
}

/// OpenClaw's own wording for the patterns its secret-ref schema uses.
pub(crate) fn pattern_message(pattern: &str) -> Option<&'static str> {
    match pattern {
        "^[a-z][a-z0-9_-]{0,63}$" => Some(
            "Secret reference provider must match /^[a-z][a-z0-9_-]{0,63}$/ (example: \"default\").",
        ),
        "^[A-Z][A-Z0-9_]{0,127}$" => Some(
            "secret reference id must be an environment-variable name matching \
             /^[A-Z][A-Z0-9_]{0,127}$/ (example: \"OPENAI_API_KEY\").",
        ),
        _ => None,
    }
}

/// Whether `id` is a valid `file` secret-ref id: an absolute JSON pointer or `value`.
pub fn is_valid_file_ref_id(id: &str) -> bool {
    if id == "value" {
        return true;
    }
    let Some(rest) = id.strip_prefix('/') else {
        return false;
    };
    rest.split('/').all(|segment| {
        let mut chars = segment.chars();
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                return false;
            }
        }
        true
    })
}

/// Whether `id` is a valid `exec` secret-ref id.
pub fn is_valid_exec_ref_id(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "._:/#-".contains(c));
    first_ok && rest_ok && id.chars().count() <= 256 && id.split('/').all(|s| s != "." && s != "..")
}

/// Secret-ref objects: the `id` grammar of the `file` and `exec` sources.
pub(crate) fn check_object_refinements(node: &Node, path: &ConfigPath, diags: &mut Diags) {
    let (Some(source), Some(id)) = (node.get("source"), node.get("id")) else {
        return;
    };
    let Some(text) = id.as_str() else { return };
    match source.as_str() {
        Some("file") if !is_valid_file_ref_id(text) => diags.error(
            id.span,
            &path.key("id"),
            "File secret reference id must be an absolute JSON pointer (example: \
             \"/providers/openai/apiKey\"), or \"value\" for singleValue mode.",
        ),
        Some("exec") if !is_valid_exec_ref_id(text) => diags.error(
            id.span,
            &path.key("id"),
            "Exec secret reference id must match /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,255}$/ and must \
             not include \".\" or \"..\" path segments (example: \"vault/openai/api-key\" or \
             \"aws/secret#json_key\").",
        ),
        _ => {}
    }
}

/// `models.providers`: custom (non-built-in) providers must declare `baseUrl` and `models`.
pub(crate) fn check_providers(providers: &Node, path: &ConfigPath, diags: &mut Diags) {
    for m in providers.members().unwrap_or_default() {
        let provider = &m.value;
        if provider.members().is_none() || is_built_in_provider(&m.key) {
            continue;
        }
        let here = path.key(&m.key);
        let base_ok = provider
            .get("baseUrl")
            .is_some_and(|b| b.as_str() != Some(""));
        if !base_ok {
            diags.error(
                provider.span,
                &here.key("baseUrl"),
                format!(
                    "custom provider \"{}\" must declare baseUrl (only built-in providers such as \
                     lmstudio, ollama, vllm or openai may leave it out)",
                    m.key
                ),
            );
        }
        if provider.get("models").and_then(Node::items).is_none() {
            diags.error(
                provider.span,
                &here.key("models"),
                format!(
                    "custom provider \"{}\" must declare models: a list of {{ id, name }} \
                     (only built-in providers may leave it out)",
                    m.key
                ),
            );
        }
    }
}

/// `models.catalogRefresh.url` must be https, or http on localhost.
pub(crate) fn check_catalog_url(models: &Node, path: &ConfigPath, diags: &mut Diags) {
    let Some(url) = models.get("catalogRefresh").and_then(|c| c.get("url")) else {
        return;
    };
    let Some(text) = url.as_str() else { return };
    let ok = text.starts_with("https://") && text.len() > "https://".len()
        || ["http://localhost", "http://127.0.0.1", "http://[::1]"]
            .iter()
            .any(|p| {
                text.strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/', '?', '#']))
            });
    if !ok {
        diags.error(
            url.span,
            &path.key("catalogRefresh").key("url"),
            "models.catalogRefresh.url must use https, or http on localhost",
        );
    }
}

/// Whether `text` is an exact `provider/model` reference.
pub fn is_provider_model_ref(text: &str) -> bool {
    text.split_once('/')
        .is_some_and(|(p, m)| !p.trim().is_empty() && !m.trim().is_empty())
}

/// `agents.defaults.models`: picker runtimes and code mode need exact `provider/model` keys,
/// and picker runtimes cannot be `auto` or `default`.
pub(crate) fn check_agent_models(models: &Node, path: &ConfigPath, diags: &mut Diags) {
    for m in models.members().unwrap_or_default() {
        let exact = !m.key.contains('*') && is_provider_model_ref(&m.key);
        let here = path.key(&m.key);
        if let Some(runtimes) = m.value.get("pickerRuntimes") {
            if !exact {
                diags.error(
                    runtimes.span,
                    &here.key("pickerRuntimes"),
                    "Picker runtimes require an exact provider/model entry.",
                );
            }
            for (i, r) in runtimes.items().unwrap_or_default().iter().enumerate() {
                if matches!(r.as_str().map(str::trim), Some("auto" | "default")) {
                    diags.error(
                        r.span,
                        &here.key("pickerRuntimes").index(i),
                        "\"auto\" and \"default\" are not picker runtimes",
                    );
                }
            }
        }
        if let Some(code) = m.value.get("codeMode") {
            if !exact {
                diags.error(
                    code.span,
                    &here.key("codeMode"),
                    "Code Mode requires an exact provider/model entry; wildcard and bare model \
                     keys are not supported.",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_id_grammars_match_openclaw() {
        assert!(is_valid_file_ref_id("value"));
        assert!(is_valid_file_ref_id("/providers/openai/apiKey"));
        assert!(is_valid_file_ref_id("/a~0b/c~1d"));
        assert!(!is_valid_file_ref_id("providers/openai"));
        assert!(!is_valid_file_ref_id("/a~2"));
        assert!(is_valid_exec_ref_id("vault/openai/api-key"));
        assert!(is_valid_exec_ref_id("aws/secret#json_key"));
        assert!(!is_valid_exec_ref_id("vault/../x"));
        assert!(!is_valid_exec_ref_id("-x"));
        assert!(is_built_in_provider(" LMStudio "));
        assert!(!is_built_in_provider("local"));
    }

    #[test]
    fn the_catalogs_hosted_providers_are_openclaw_built_ins() {
        // Each may omit baseUrl in the file, and the catalog then supplies it.
        for known in crate::catalog::all() {
            if known.locality == crate::catalog::Locality::Hosted {
                assert!(is_built_in_provider(known.id), "{}", known.id);
            }
        }
    }
}

//! The one redaction point for text that leaves the process: log records, panic messages and,
//! later, error texts built from upstream replies.
//!
//! Two nets: secrets the process knows (each key registered with [`register_secret`] when it is
//! loaded from the keychain or the environment) are replaced wherever they appear, and well-known
//! key shapes (`sk-…`, `Bearer …`, `x-api-key: …`, `"apiKey": "…"`, a URL's query string) are
//! replaced even when nobody registered them.

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

use regex::Regex;

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Shorter values are too likely to be ordinary words to be replaced everywhere.
const MIN_SECRET_LEN: usize = 8;

static KNOWN_SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

static KEY_SHAPES: LazyLock<[(Regex, &'static str); 4]> = LazyLock::new(|| {
    let re = |pattern: &str| Regex::new(pattern).unwrap_or_else(|e| panic!("bad pattern: {e}"));
    [
        (
            re(r"\b(sk-(?:ant-|or-|proj-)?)[A-Za-z0-9_\-]{16,}"),
            REDACTED,
        ),
        (
            re(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}"),
            "${1}[REDACTED]",
        ),
        (
            re(
                r#"(?i)\b((?:x-api-key|api[_-]?key|authorization|access[_-]?token)"?\s*[:=]\s*"?)[^\s",}']{8,}"#,
            ),
            "${1}[REDACTED]",
        ),
        // A URL's query string can carry a key (`?key=…`, `?sig=…`): it never leaves whole.
        (
            re(r#"\b(https?://[^\s?#"'<>]+)\?[^\s#"'<>]+"#),
            "${1}?[REDACTED]",
        ),
    ]
});

/// Remembers `secret` so that it is redacted from every later log line and message.
///
/// Values shorter than eight characters and the catalog's placeholder keys (`lmstudio`,
/// `ollama`, …) are ignored: they would redact ordinary words everywhere after.
pub fn register_secret(secret: &str) {
    if secret.len() < MIN_SECRET_LEN || crate::catalog::is_placeholder(secret) {
        return;
    }
    let mut known = KNOWN_SECRETS
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !known.iter().any(|s| s == secret) {
        known.push(secret.to_owned());
        // Longest first, so a secret that contains another is replaced whole.
        known.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Returns `text` with every registered secret and every key-shaped token replaced.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    {
        let known = KNOWN_SECRETS
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for secret in known.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
    }
    for (shape, replacement) in KEY_SHAPES.iter() {
        if let Cow::Owned(replaced) = shape.replace_all(&out, *replacement) {
            out = Cow::Owned(replaced);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_replaced_everywhere() {
        register_secret("hunter2-but-longer");
        assert_eq!(
            redact("a hunter2-but-longer b hunter2-but-longer"),
            "a [REDACTED] b [REDACTED]"
        );
    }

    #[test]
    fn short_values_and_placeholders_are_not_registered() {
        register_secret("abc");
        register_secret("lmstudio");
        assert_eq!(
            redact("abc abcdef: lmstudio is up"),
            "abc abcdef: lmstudio is up"
        );
    }

    #[test]
    fn query_strings_leave_urls() {
        assert_eq!(
            redact("GET https://generativelanguage.googleapis.com/v1/models?key=AIzaSyA123 failed"),
            "GET https://generativelanguage.googleapis.com/v1/models?[REDACTED] failed"
        );
        assert_eq!(
            redact("http://127.0.0.1:1234/v1"),
            "http://127.0.0.1:1234/v1"
        );
    }

    #[test]
    fn key_shapes_are_replaced_without_registration() {
        let cases = [
            (
                "key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA end",
                "key [REDACTED] end",
            ),
            ("sk-or-v1-0123456789abcdef0123", "[REDACTED]"),
            (
                "Authorization: Bearer abc.def.ghi-jkl",
                "Authorization: Bearer [REDACTED]",
            ),
            ("x-api-key: zzzzzzzzzzzz", "x-api-key: [REDACTED]"),
            (
                r#"{"apiKey": "plaintext-key-123"}"#,
                r#"{"apiKey": "[REDACTED]"}"#,
            ),
            ("api_key=plaintextvalue", "api_key=[REDACTED]"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact(input), expected, "input: {input}");
        }
    }

    #[test]
    fn ordinary_text_is_untouched_and_borrowed() {
        let text = "loaded 3 models from http://127.0.0.1:1234/v1 (sk- prefix alone is fine)";
        assert!(matches!(redact(text), Cow::Borrowed(_)));
    }
}

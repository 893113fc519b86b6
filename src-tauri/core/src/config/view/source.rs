//! The source line under each diagnostic, for the recovery screen: read from the file the
//! diagnostic names (the main file from the bytes just loaded, an `$include`d file from disk),
//! with anything that may be a secret masked, and shortened around the column.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::DiagnosticView;

/// Longest line shown, in characters; longer lines are cut around the column.
const MAX_CHARS: usize = 160;
/// Characters kept before the column when a line is cut.
const BEFORE: usize = 60;

/// A quoted string after a key that may hold a secret (`apiKey: "…"`, `"X-Api-Token": '…'`).
static SECRET_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)((?:^|[\s{,"'])(?:[\w-]*(?:key|token|secret|password|passphrase|auth|cookie)[\w-]*|value|cert|ca)["']?\s*:\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"#,
    )
    .unwrap_or_else(|e| panic!("bad pattern: {e}"))
});

static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^["']\$\{[A-Z_][A-Z0-9_]*\}["']$"#).unwrap_or_else(|e| panic!("bad pattern: {e}"))
});

/// Masks quoted values of secret-like keys (a lone `${VAR}` stays), then redacts key shapes.
fn mask(line: &str) -> String {
    let masked = SECRET_VALUE.replace_all(line, |c: &regex::Captures<'_>| {
        let value = &c[2];
        if TEMPLATE.is_match(value) {
            format!("{}{value}", &c[1])
        } else {
            format!("{}\"[REDACTED]\"", &c[1])
        }
    });
    crate::logging::redact::redact(&masked).into_owned()
}

/// Line `line` (1-based) of `text` and the column in it: masked, and cut to [`MAX_CHARS`]
/// around `col` with `…` marking the cuts.
pub(super) fn excerpt(text: &str, line: u32, col: u32) -> Option<(String, u32)> {
    let raw = text.lines().nth(line.checked_sub(1)? as usize)?;
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let masked = mask(raw);
    let chars: Vec<char> = masked.chars().collect();
    // Masking changes lengths; columns point at the start of a token, so the masked text
    // before the column is the mask of the text before it.
    let before: String = raw.chars().take((col.max(1) - 1) as usize).collect();
    let col = (mask(&before).chars().count() + 1).min(chars.len() + 1);
    if chars.len() <= MAX_CHARS {
        return Some((masked, col as u32));
    }
    let start = (col - 1)
        .saturating_sub(BEFORE)
        .min(chars.len() - MAX_CHARS);
    let end = start + MAX_CHARS;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    Some((out, (col - start + usize::from(start > 0)) as u32))
}

/// Sets `source_line` and `source_column` of every positioned diagnostic whose file is readable.
pub(super) fn fill(diagnostics: &mut [DiagnosticView], main: &Path, main_bytes: Option<&[u8]>) {
    let mut texts: HashMap<String, Option<Cow<'_, str>>> = HashMap::new();
    let main_name = main.display().to_string();
    for d in diagnostics.iter_mut().filter(|d| d.line > 0) {
        let text = texts.entry(d.file.clone()).or_insert_with(|| {
            if d.file == main_name {
                main_bytes.map(String::from_utf8_lossy)
            } else {
                std::fs::read(&d.file)
                    .ok()
                    .map(|b| Cow::Owned(String::from_utf8_lossy(&b).into_owned()))
            }
        });
        if let Some((line, column)) = text.as_deref().and_then(|t| excerpt(t, d.line, d.column)) {
            d.source_line = Some(line);
            d.source_column = column;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_and_column_come_back_as_written() {
        let text = "{\n  a: 1\r\n  b: [1 2],\n}";
        assert_eq!(excerpt(text, 3, 9), Some(("  b: [1 2],".into(), 9)));
        assert_eq!(excerpt(text, 2, 3), Some(("  a: 1".into(), 3)));
        assert_eq!(excerpt(text, 9, 1), None);
        assert_eq!(excerpt(text, 0, 1), None);
    }

    #[test]
    fn secrets_on_the_line_are_masked() {
        let (line, _) =
            excerpt(r#"  apiKey: "plain-secret-value" models: []"#, 1, 30).expect("line");
        assert!(!line.contains("plain-secret-value"), "{line}");
        assert!(line.contains("apiKey: \"[REDACTED]\""), "{line}");
        let (line, _) = excerpt(
            r#"headers: { "X-Auth-Token": 'tok-123456', X: "ok" }"#,
            1,
            1,
        )
        .expect("line");
        assert!(
            !line.contains("tok-123456") && line.contains("\"ok\""),
            "{line}"
        );
        // A template holds no secret; the shared redactor may still mask it, never more.
        let (line, _) = excerpt(r#"apiKey: "${LMSTUDIO_KEY}""#, 1, 1).expect("line");
        assert!(line.starts_with("apiKey: \""), "{line}");
        let (line, _) = excerpt("x: sk-abcdefghijklmnopqrstuvwx", 1, 1).expect("line");
        assert!(!line.contains("sk-abcdefghijklmnop"), "{line}");
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let text = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (line, col) = excerpt(&text, 1, 301).expect("line");
        assert_eq!(line.chars().count(), MAX_CHARS + 2);
        assert!(line.starts_with('…') && line.ends_with('…'));
        assert_eq!(line.chars().nth(col as usize - 1), Some('X'));
        let (line, col) = excerpt(&text, 1, 600).expect("end");
        assert!(line.starts_with('…') && !line.ends_with('…'));
        assert_eq!(line.chars().nth(col as usize - 1), Some('b'));
    }
}

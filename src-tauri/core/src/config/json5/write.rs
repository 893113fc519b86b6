//! Writes a [`Node`] tree back as text, two-space indented, in its key order.

use super::{Node, Value};

/// The output flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// JSON5 as a person writes it: bare identifier keys and trailing commas.
    Json5,
    /// Plain JSON (for `openclaw.json`); `Infinity`/`NaN`, which JSON lacks, stay JSON5 tokens.
    Json,
}

/// How text is laid out: what [`write`] uses for a whole file, and what [`super::patch`] takes
/// from the file around a value it puts in.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// One level of indentation (`"  "`, `"    "`, `"\t"`).
    pub unit: String,
    /// The indentation of the line the value starts on.
    pub base: String,
    /// A comma after the last member or item.
    pub trailing: bool,
    /// Keys quoted with this character; `None`: bare where JSON5 allows, else `"`.
    pub key_quote: Option<char>,
    /// The quote for string values.
    pub quote: char,
}

impl Layout {
    /// The layout [`write`] uses for a whole file in `style`.
    pub(super) fn of(style: Style) -> Self {
        Layout {
            unit: "  ".into(),
            base: String::new(),
            trailing: style == Style::Json5,
            key_quote: match style {
                Style::Json5 => None,
                Style::Json => Some('"'),
            },
            quote: '"',
        }
    }
}

/// Renders `node` as text ending in a newline.
pub fn write(node: &Node, style: Style) -> String {
    let mut out = String::with_capacity(4096);
    value(node, &Layout::of(style), 0, &mut out);
    out.push('\n');
    out
}

fn indent(out: &mut String, layout: &Layout, depth: usize) {
    out.push_str(&layout.base);
    for _ in 0..depth {
        out.push_str(&layout.unit);
    }
}

/// Whether `key` can be written without quotes.
pub(super) fn bare_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Writes `text` as a string literal in `quote`s.
pub(super) fn string(text: &str, quote: char, out: &mut String) {
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Writes an object key as `layout` says.
pub(super) fn key(text: &str, layout: &Layout, out: &mut String) {
    match layout.key_quote {
        None if bare_key(text) => out.push_str(text),
        None => string(text, '"', out),
        Some(q) => string(text, q, out),
    }
}

fn number(n: f64, out: &mut String) {
    if n.is_nan() {
        out.push_str("NaN");
    } else if n.is_infinite() {
        out.push_str(if n > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        // Rust prints the shortest text that reads back as the same double.
        out.push_str(&n.to_string());
    }
}

/// Writes `node` whose first line is already indented to `depth` levels past `layout.base`.
pub(super) fn value(node: &Node, layout: &Layout, depth: usize, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => number(*n, out),
        Value::String(s) => string(s, layout.quote, out),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            let inline = items.iter().all(|i| {
                matches!(
                    i.value,
                    Value::String(_) | Value::Number(_) | Value::Bool(_)
                )
            }) && items.len() <= 8;
            if inline {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    value(item, layout, depth, out);
                }
                out.push(']');
                return;
            }
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(out, layout, depth + 1);
                value(item, layout, depth + 1, out);
                if layout.trailing || i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, layout, depth);
            out.push(']');
        }
        Value::Object(members) if members.is_empty() => out.push_str("{}"),
        Value::Object(members) => {
            out.push_str("{\n");
            for (i, m) in members.iter().enumerate() {
                indent(out, layout, depth + 1);
                key(&m.key, layout, out);
                out.push_str(": ");
                value(&m.value, layout, depth + 1, out);
                if layout.trailing || i + 1 < members.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, layout, depth);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn written_text_reads_back_the_same() {
        let text =
            r#"{a: 1, "b-c": [1.5, "x\"y\n"], d: {e: null, f: true, g: [{h: -Infinity}]}, i: []}"#;
        let node = parse(text, 0).expect("parses").root;
        for style in [Style::Json5, Style::Json] {
            let out = write(&node, style);
            let back = parse(&out, 0).expect("reads back").root;
            assert_eq!(write(&back, style), out);
        }
        let json = write(&node, Style::Json);
        assert!(json.contains("\"b-c\": [1.5, \"x\\\"y\\n\"]"), "{json}");
        assert!(write(&node, Style::Json5).contains("\n  a: 1,\n"));
    }
}

//! Parsing: the `json5` crate judges the syntax and reads the values; [`super::scan`] adds where
//! each key and value is. The two passes meet in document order.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::scan::{self, Mark};
use super::{Member, Node, Value};
use crate::config::diag::{ConfigPath, Seg, Span};

/// A JSON5 syntax error at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line of the offending character.
    pub line: u32,
    /// 1-based column of the offending character.
    pub col: u32,
    /// What is wrong, e.g. `invalid character 't' (expected comma)`.
    pub message: String,
}

/// The result of a successful parse.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The root value.
    pub root: Node,
    /// Keys given twice in one object: where the later one is and its path.
    pub duplicates: Vec<(Span, ConfigPath)>,
}

/// Parses `text` as one JSON5 value; `file` is stored in every span.
pub fn parse(text: &str, file: u32) -> Result<Parsed, SyntaxError> {
    let marks = scan::scan(text).map_err(|deep| SyntaxError {
        line: deep.line,
        col: deep.col,
        message: format!("nested more than {} levels deep", scan::MAX_DEPTH),
    })?;
    let Raw(mut root) = json5::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let mut place = Place {
        marks: marks.iter(),
        file,
        path: Vec::new(),
        duplicates: Vec::new(),
    };
    // The crate accepted the text, so the scanner found the same keys and values in the same
    // order; a mismatch would be a bug in the scanner, and then only positions are lost.
    place.node(&mut root);
    Ok(Parsed {
        root,
        duplicates: place.duplicates,
    })
}

/// The crate's error at our line:col (lines end at `\n` only, as in the rest of the config
/// code; the crate also ends them at `\r`).
fn syntax_error(text: &str, e: &json5::Error) -> SyntaxError {
    let offset = e.position().map_or(text.len(), |p| offset_of(text, p));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let message = match e.code() {
        Some(code) if is_eof(code) => format!("invalid end of input ({code})"),
        Some(code) => match text[offset..].chars().next() {
            Some(c) => format!("invalid character {} ({code})", show(c)),
            None => format!("invalid end of input ({code})"),
        },
        // The crate's own words for a number or escape it could not convert, without the
        // position it appends (ours is in the span).
        None => {
            let full = e.to_string();
            match e.position() {
                Some(p) => full
                    .strip_suffix(&format!(" at {p}"))
                    .unwrap_or(&full)
                    .to_owned(),
                None => full,
            }
        }
    };
    SyntaxError {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        col: u32::try_from(col).unwrap_or(u32::MAX),
        message,
    }
}

fn is_eof(code: json5::ErrorCode) -> bool {
    use json5::ErrorCode as C;
    matches!(
        code,
        C::EofParsingArray
            | C::EofParsingBool
            | C::EofParsingComment
            | C::EofParsingEscapeSequence
            | C::EofParsingIdentifier
            | C::EofParsingNull
            | C::EofParsingNumber
            | C::EofParsingObject
            | C::EofParsingString
            | C::EofParsingValue
    )
}

/// The byte offset of the crate's 0-based position (its lines end at any line terminator,
/// `\r\n` counting once).
fn offset_of(text: &str, p: json5::Position) -> usize {
    let (mut line, mut col) = (0, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if line == p.line && col == p.column {
            return i;
        }
        if json5::char::is_json5_line_terminator(c) {
            if c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n') {
                chars.next();
            }
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
    }
    text.len()
}

fn show(c: char) -> String {
    match c {
        '\n' => "'\\n'".into(),
        '\r' => "'\\r'".into(),
        '\t' => "'\\t'".into(),
        c if c.is_control() => format!("'\\u{:04x}'", u32::from(c)),
        c => format!("'{c}'"),
    }
}

/// Puts the scanner's marks on the crate's tree and folds duplicate keys (the first position,
/// the last value, as JavaScript does).
struct Place<'a> {
    marks: std::slice::Iter<'a, Mark>,
    file: u32,
    path: Vec<Seg>,
    duplicates: Vec<(Span, ConfigPath)>,
}

impl Place<'_> {
    /// The next mark, if it is of the kind expected (after a mismatch, none is).
    fn next(&mut self, key: bool) -> Option<Mark> {
        let m = self.marks.next().copied().filter(|m| m.key == key);
        if m.is_none() {
            self.marks = [].iter();
        }
        m
    }

    fn span(&self, m: Mark) -> Span {
        Span {
            file: self.file,
            line: m.line,
            col: m.col,
        }
    }

    fn node(&mut self, node: &mut Node) {
        if let Some(m) = self.next(false) {
            node.span = self.span(m);
            node.range = m.start..m.end;
        }
        match &mut node.value {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.node(item);
                    self.path.pop();
                }
            }
            Value::Object(members) => {
                let mut kept: Vec<Member> = Vec::with_capacity(members.len());
                for mut member in std::mem::take(members) {
                    if let Some(k) = self.next(true) {
                        member.key_span = self.span(k);
                        member.key_range = k.start..k.end;
                    }
                    self.path.push(Seg::Key(member.key.clone()));
                    self.node(&mut member.value);
                    self.path.pop();
                    match kept.iter_mut().find(|m| m.key == member.key) {
                        Some(first) => {
                            let mut path = ConfigPath(self.path.clone());
                            path.0.push(Seg::Key(member.key));
                            self.duplicates.push((member.key_span, path));
                            first.value = member.value;
                        }
                        None => kept.push(member),
                    }
                }
                *members = kept;
            }
            _ => {}
        }
    }
}

/// The crate's values as a [`Node`] tree, positions not yet set, duplicate keys all kept.
struct Raw(Node);

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor).map(|v| Raw(Node::new(v)))
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON5 value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    // JSON5 numbers are doubles, as in JavaScript: larger integers round the same way.
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Number(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Raw(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let Raw(value) = map.next_value()?;
            members.push(Member {
                key,
                key_span: Span::default(),
                key_range: 0..0,
                value,
            });
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests;

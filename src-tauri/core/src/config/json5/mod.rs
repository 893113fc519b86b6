//! JSON5 trees that keep positions: every value and key knows the line and column it starts
//! at (so validation can point at the exact spot) and its byte range (so a save can change
//! only the text of what it edits, see [`patch`]).
//!
//! The syntax verdict and the values come from the `json5` crate (JSON5 1.0: comments,
//! trailing commas, identifier keys, single quotes, hex, `Infinity`, `NaN`, `.5`, `5.`, `+1`).
//! Our own code does only what the crate cannot: serde gives a visitor values but no offsets, so
//! [`scan`](self::scan) finds where each key and value is, and [`patch`] and [`write`] put text
//! back. Where the crate and json5@2.2.3 (OpenClaw's parser) differ, the crate's verdict stands:
//! a lone UTF-16 surrogate escape (`"\uD800"`) and a hex number above 2^128 are syntax errors
//! here, and JavaScript reads them. A duplicate key keeps its first position and its last
//! value, as in JavaScript, and is reported.

mod parse;
mod patch;
mod scan;
mod write;

pub use parse::{parse, Parsed, SyntaxError};
pub use patch::patch;
pub use scan::MAX_DEPTH;
pub use write::{write, Style};

use std::ops::Range;

use super::diag::Span;

/// A parsed value with the position it starts at. Equality ignores positions.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the value starts.
    pub span: Span,
    /// The value's bytes in the text it was read from (empty for a node built by code).
    pub range: Range<usize>,
    /// The value.
    pub value: Value,
    /// Set on strings produced by `${VAR}` substitution: they may hold a secret and are never
    /// quoted in a message.
    pub from_env: bool,
}

/// A JSON5 value. Objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number (JSON5 numbers are doubles, including `Infinity` and `NaN`).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, in source order.
    Object(Vec<Member>),
}

/// One `key: value` of an object. Equality ignores positions.
#[derive(Debug, Clone)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key starts.
    pub key_span: Span,
    /// The key's bytes (quotes included) in the text it was read from.
    pub key_range: Range<usize>,
    /// The value.
    pub value: Node,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl PartialEq for Member {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.value == other.value
    }
}

impl Node {
    /// A node without a position (built by code, not read from a file).
    pub fn new(value: Value) -> Self {
        Node {
            span: Span::default(),
            range: 0..0,
            value,
            from_env: false,
        }
    }

    /// A string node.
    pub fn string(text: impl Into<String>) -> Self {
        Node::new(Value::String(text.into()))
    }

    /// An object node from `(key, value)` pairs.
    pub fn object(members: impl IntoIterator<Item = (String, Node)>) -> Self {
        Node::new(Value::Object(
            members
                .into_iter()
                .map(|(key, value)| Member {
                    key,
                    key_span: Span::default(),
                    key_range: 0..0,
                    value,
                })
                .collect(),
        ))
    }

    /// The member `key` of an object node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// The mutable member `key` of an object node.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Object(members) => members
                .iter_mut()
                .find(|m| m.key == key)
                .map(|m| &mut m.value),
            _ => None,
        }
    }

    /// Sets (or appends) member `key` of an object node; does nothing on other nodes.
    pub fn set(&mut self, key: &str, value: Node) {
        if let Value::Object(members) = &mut self.value {
            match members.iter_mut().find(|m| m.key == key) {
                Some(member) => member.value = value,
                None => members.push(Member {
                    key: key.to_owned(),
                    key_span: Span::default(),
                    key_range: 0..0,
                    value,
                }),
            }
        }
    }

    /// Removes member `key` of an object node.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match &mut self.value {
            Value::Object(members) => {
                let at = members.iter().position(|m| m.key == key)?;
                Some(members.remove(at).value)
            }
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The JSON type name as OpenClaw's messages use it (`string`, `number`, `object`, …).
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match &self.value {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                // Exact for integers below 2^53, which is every integer a config holds.
                #[allow(clippy::cast_possible_truncation)]
                serializer.serialize_i64(*n as i64)
            }
            Value::Number(n) => serializer.serialize_f64(*n),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for m in members {
                    map.serialize_entry(&m.key, &m.value)?;
                }
                map.end()
            }
        }
    }
}

//! Compiles the subset of JSON Schema (draft-07) that OpenClaw's generated schema uses into a
//! tree the checker walks: `type`, `const`, `enum`, `anyOf`/`oneOf`, `properties`, `required`,
//! `additionalProperties`, `items` (one schema or a tuple), `additionalItems`, `minItems`,
//! `maxItems`, `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`, `exclusiveMinimum`.

use regex::Regex;
use serde_json::Value as Json;

/// A JSON type a schema allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Null,
    Bool,
    Int,
    Num,
    Str,
    Arr,
    Obj,
}

/// What an object allows besides its named properties.
#[derive(Debug, Default)]
pub(crate) enum Additional {
    /// Anything (no `additionalProperties`, or `{}`).
    #[default]
    Any,
    /// Nothing: a strict object.
    Forbid,
    /// Values matching the schema (records).
    Schema(Box<Schema>),
}

/// One compiled schema node.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    pub(crate) types: Vec<Ty>,
    pub(crate) consts: Vec<Json>,
    pub(crate) min_length: Option<usize>,
    pub(crate) max_length: Option<usize>,
    pub(crate) pattern: Option<(Regex, String)>,
    pub(crate) minimum: Option<f64>,
    pub(crate) maximum: Option<f64>,
    pub(crate) exclusive_minimum: Option<f64>,
    pub(crate) items: Option<Box<Schema>>,
    pub(crate) tuple: Vec<Schema>,
    pub(crate) min_items: Option<usize>,
    pub(crate) max_items: Option<usize>,
    pub(crate) properties: Vec<(String, Schema)>,
    pub(crate) required: Vec<String>,
    pub(crate) additional: Additional,
    pub(crate) any_of: Vec<Schema>,
}

fn ty(name: &str) -> Option<Ty> {
    Some(match name {
        "null" => Ty::Null,
        "boolean" => Ty::Bool,
        "integer" => Ty::Int,
        "number" => Ty::Num,
        "string" => Ty::Str,
        "array" => Ty::Arr,
        "object" => Ty::Obj,
        _ => return None,
    })
}

fn usize_of(v: Option<&Json>) -> Option<usize> {
    v.and_then(Json::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

impl Schema {
    /// Compiles `json`; unknown keywords are ignored, bad patterns are dropped.
    pub(crate) fn compile(json: &Json) -> Schema {
        let Some(obj) = json.as_object() else {
            return Schema::default();
        };
        let mut s = Schema::default();
        match obj.get("type") {
            Some(Json::String(t)) => s.types.extend(ty(t)),
            Some(Json::Array(ts)) => s
                .types
                .extend(ts.iter().filter_map(|t| t.as_str().and_then(ty))),
            _ => {}
        }
        if let Some(c) = obj.get("const") {
            s.consts.push(c.clone());
        }
        if let Some(Json::Array(values)) = obj.get("enum") {
            s.consts.extend(values.iter().cloned());
        }
        s.min_length = usize_of(obj.get("minLength"));
        s.max_length = usize_of(obj.get("maxLength"));
        if let Some(p) = obj.get("pattern").and_then(Json::as_str) {
            if let Ok(re) = Regex::new(p) {
                s.pattern = Some((re, p.to_owned()));
            }
        }
        s.minimum = obj.get("minimum").and_then(Json::as_f64);
        s.maximum = obj.get("maximum").and_then(Json::as_f64);
        s.exclusive_minimum = obj.get("exclusiveMinimum").and_then(Json::as_f64);
        match obj.get("items") {
            Some(Json::Array(tuple)) => s.tuple = tuple.iter().map(Schema::compile).collect(),
            Some(one) => s.items = Some(Box::new(Schema::compile(one))),
            None => {}
        }
        s.min_items = usize_of(obj.get("minItems"));
        s.max_items = usize_of(obj.get("maxItems"));
        if let Some(Json::Object(props)) = obj.get("properties") {
            s.properties = props
                .iter()
                .map(|(k, v)| (k.clone(), Schema::compile(v)))
                .collect();
        }
        if let Some(Json::Array(req)) = obj.get("required") {
            s.required = req
                .iter()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect();
        }
        s.additional = match obj.get("additionalProperties") {
            Some(Json::Bool(false)) => Additional::Forbid,
            Some(Json::Object(o)) if o.is_empty() => Additional::Any,
            Some(other @ Json::Object(_)) => Additional::Schema(Box::new(Schema::compile(other))),
            _ => Additional::Any,
        };
        for key in ["anyOf", "oneOf"] {
            if let Some(Json::Array(branches)) = obj.get(key) {
                for branch in branches {
                    let compiled = Schema::compile(branch);
                    // Flatten nested unions (`string | (env | file | …)`).
                    if compiled.is_bare_union() {
                        s.any_of.extend(compiled.any_of);
                    } else {
                        s.any_of.push(compiled);
                    }
                }
            }
        }
        s
    }

    fn is_bare_union(&self) -> bool {
        !self.any_of.is_empty() && self.types.is_empty() && self.properties.is_empty()
    }

    /// The named property's schema.
    pub(crate) fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, s)| s)
    }
}

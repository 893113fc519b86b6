//! Checks a [`Node`] tree against a compiled [`Schema`], recording every problem.

use serde_json::Value as Json;

use super::compile::{Additional, Schema, Ty};
use crate::config::diag::{quote, ConfigPath, Diags, Span};
use crate::config::json5::{Node, Value};

/// How a value is shown in a message: never its text when it may be a secret.
pub(crate) fn describe(node: &Node, path: &ConfigPath) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(*n),
        Value::String(_) if node.from_env => "a string from an environment variable".into(),
        Value::String(_) if path.is_sensitive() => "a string".into(),
        Value::String(s) => quote(s),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        n.to_string()
    }
}

fn const_text(value: &Json) -> String {
    value.to_string()
}

fn matches_ty(node: &Node, ty: Ty) -> bool {
    matches!(
        (&node.value, ty),
        (Value::Null, Ty::Null)
            | (Value::Bool(_), Ty::Bool)
            | (Value::String(_), Ty::Str)
            | (Value::Array(_), Ty::Arr)
            | (Value::Object(_), Ty::Obj)
            | (Value::Number(_), Ty::Num | Ty::Int)
    )
}

fn ty_phrase(ty: Ty) -> &'static str {
    match ty {
        Ty::Null => "null",
        Ty::Bool => "true or false",
        Ty::Int => "an integer",
        Ty::Num => "a number",
        Ty::Str => "a string",
        Ty::Arr => "an array",
        Ty::Obj => "an object",
    }
}

/// The JSON types a (possibly union) schema accepts, deduplicated.
fn accepted(schema: &Schema) -> Vec<Ty> {
    let mut out: Vec<Ty> = Vec::new();
    let mut add = |t: Ty| {
        if !out.contains(&t) {
            out.push(t);
        }
    };
    for t in &schema.types {
        add(*t);
    }
    for c in &schema.consts {
        add(json_ty(c));
    }
    for branch in &schema.any_of {
        for t in accepted(branch) {
            add(t);
        }
    }
    out
}

fn json_ty(value: &Json) -> Ty {
    match value {
        Json::Null => Ty::Null,
        Json::Bool(_) => Ty::Bool,
        Json::Number(_) => Ty::Num,
        Json::String(_) => Ty::Str,
        Json::Array(_) => Ty::Arr,
        Json::Object(_) => Ty::Obj,
    }
}

fn node_eq_json(node: &Node, value: &Json) -> bool {
    match (&node.value, value) {
        (Value::String(a), Json::String(b)) => a == b,
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::Null, Json::Null) => true,
        (Value::Number(a), Json::Number(b)) => b.as_f64() == Some(*a),
        _ => false,
    }
}

/// Edit distance, for "did you mean" hints.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.to_lowercase().chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `options` to `word`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(word: &str, options: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    options
        .map(|o| (distance(word, o), o))
        .filter(|(d, o)| *d <= 2.max(o.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// Checks `node` against `schema`, recording problems under `path`.
pub(crate) fn check(schema: &Schema, node: &Node, path: &ConfigPath, diags: &mut Diags) {
    if !schema.any_of.is_empty() {
        check_union(schema, node, path, diags);
        return;
    }
    if !schema.types.is_empty() && !schema.types.iter().any(|t| matches_ty(node, *t)) {
        let want = expected_phrase(schema);
        diags.error(
            node.span,
            path,
            format!("expected {want}, got {}", describe(node, path)),
        );
        return;
    }
    if !schema.consts.is_empty() && !schema.consts.iter().any(|c| node_eq_json(node, c)) {
        enum_error(schema, node, path, diags);
        return;
    }
    match &node.value {
        Value::Number(n) => check_number(schema, *n, node, path, diags),
        Value::String(s) => check_string(schema, s, node, path, diags),
        Value::Array(items) => check_array(schema, items, node, path, diags),
        Value::Object(_) => check_object(schema, node, path, diags),
        Value::Null | Value::Bool(_) => {}
    }
}

fn expected_phrase(schema: &Schema) -> String {
    let mut kinds: Vec<&str> = schema.types.iter().map(|t| ty_phrase(*t)).collect();
    if schema.types.contains(&Ty::Int) || schema.types.contains(&Ty::Num) {
        let base = if schema.types.contains(&Ty::Int) {
            "integer"
        } else {
            "number"
        };
        let article_word = if schema.exclusive_minimum == Some(0.0) {
            format!("a positive {base}")
        } else if schema.minimum == Some(0.0) {
            format!("a non-negative {base}")
        } else if base == "integer" {
            "an integer".into()
        } else {
            "a number".into()
        };
        kinds.retain(|k| *k != "an integer" && *k != "a number");
        let mut out = vec![article_word];
        out.extend(kinds.iter().map(|k| (*k).to_owned()));
        return out.join(" or ");
    }
    kinds.join(" or ")
}

fn enum_error(schema: &Schema, node: &Node, path: &ConfigPath, diags: &mut Diags) {
    if node.as_str() == Some("openai-codex-responses") {
        diags.error(
            node.span,
            path,
            "\"openai-codex-responses\" is a removed api id; use \"openai-chatgpt-responses\"",
        );
        return;
    }
    let options: Vec<String> = schema.consts.iter().map(const_text).collect();
    let hint = node
        .as_str()
        .and_then(|s| suggest(s, schema.consts.iter().filter_map(Json::as_str)))
        .map(|s| format!(" (did you mean \"{s}\"?)"))
        .unwrap_or_default();
    let msg = if options.len() == 1 {
        format!(
            "expected {}, got {}{hint}",
            options[0],
            describe(node, path)
        )
    } else {
        format!(
            "expected one of {}, got {}{hint}",
            options.join(", "),
            describe(node, path)
        )
    };
    diags.error(node.span, path, msg);
}

fn check_number(schema: &Schema, n: f64, node: &Node, path: &ConfigPath, diags: &mut Diags) {
    let want = || expected_phrase(schema);
    let bad = !n.is_finite()
        || (schema.types.contains(&Ty::Int)
            && !schema.types.contains(&Ty::Num)
            && n.fract() != 0.0)
        || schema.exclusive_minimum.is_some_and(|m| n <= m)
        || schema.minimum.is_some_and(|m| n < m);
    if bad {
        diags.error(
            node.span,
            path,
            format!("expected {}, got {}", want(), number(n)),
        );
    } else if let Some(max) = schema.maximum.filter(|m| n > *m) {
        diags.error(
            node.span,
            path,
            format!("expected at most {}, got {}", number(max), number(n)),
        );
    }
}

fn check_string(schema: &Schema, s: &str, node: &Node, path: &ConfigPath, diags: &mut Diags) {
    let len = s.chars().count();
    if let Some(min) = schema.min_length.filter(|m| len < *m) {
        let what = if min == 1 {
            "a non-empty string".to_owned()
        } else {
            format!("a string of at least {min} characters")
        };
        diags.error(
            node.span,
            path,
            format!("expected {what}, got {}", describe(node, path)),
        );
    } else if let Some(max) = schema.max_length.filter(|m| len > *m) {
        diags.error(
            node.span,
            path,
            format!("expected at most {max} characters, got {len}"),
        );
    } else if let Some((re, text)) = &schema.pattern {
        if !re.is_match(s) {
            let msg = super::refine::pattern_message(text).map_or_else(
                || {
                    format!(
                        "expected a string matching /{text}/, got {}",
                        describe(node, path)
                    )
                },
                str::to_owned,
            );
            diags.error(node.span, path, msg);
        }
    }
}

fn check_array(schema: &Schema, items: &[Node], node: &Node, path: &ConfigPath, diags: &mut Diags) {
    if let Some(min) = schema.min_items.filter(|m| items.len() < *m) {
        diags.error(
            node.span,
            path,
            format!("expected at least {min} items, got {}", items.len()),
        );
    }
    if let Some(max) = schema.max_items.filter(|m| items.len() > *m) {
        diags.error(
            node.span,
            path,
            format!("expected at most {max} items, got {}", items.len()),
        );
    }
    if !schema.tuple.is_empty() && items.len() > schema.tuple.len() {
        diags.error(
            node.span,
            path,
            format!(
                "expected at most {} items, got {}",
                schema.tuple.len(),
                items.len()
            ),
        );
    }
    for (i, item) in items.iter().enumerate() {
        let item_schema = schema.tuple.get(i).or(schema.items.as_deref());
        if let Some(s) = item_schema {
            check(s, item, &path.index(i), diags);
        }
    }
}

fn check_object(schema: &Schema, node: &Node, path: &ConfigPath, diags: &mut Diags) {
    let members = node.members().unwrap_or_default();
    for m in members {
        let sub = path.key(&m.key);
        if let Some(s) = schema.property(&m.key) {
            check(s, &m.value, &sub, diags);
            continue;
        }
        match &schema.additional {
            Additional::Any => {}
            Additional::Schema(s) => check(s, &m.value, &sub, diags),
            Additional::Forbid => unknown_key(&m.key, m.key_span, schema, path, diags),
        }
    }
    for req in &schema.required {
        if node.get(req).is_none() {
            let want = schema
                .property(req)
                .map(expected_phrase_any)
                .unwrap_or_default();
            diags.error(
                node.span,
                &path.key(req),
                format!("required key \"{req}\" is missing{want}"),
            );
        }
    }
    super::refine::check_object_refinements(node, path, diags);
}

fn expected_phrase_any(schema: &Schema) -> String {
    let tys = accepted(schema);
    if tys.is_empty() {
        return String::new();
    }
    let words: Vec<&str> = tys.iter().map(|t| ty_phrase(*t)).collect();
    format!(" (expected {})", words.join(" or "))
}

/// Records an unknown key with a "did you mean" hint or the list of allowed keys.
pub(crate) fn unknown_key(
    key: &str,
    span: Span,
    schema: &Schema,
    path: &ConfigPath,
    diags: &mut Diags,
) {
    let names = schema.properties.iter().map(|(k, _)| k.as_str());
    unknown_key_of(key, span, names, path, diags);
}

/// Like [`unknown_key`] with an explicit list of allowed names.
pub(crate) fn unknown_key_of<'a>(
    key: &str,
    span: Span,
    allowed: impl Iterator<Item = &'a str> + Clone,
    path: &ConfigPath,
    diags: &mut Diags,
) {
    let hint = match suggest(key, allowed.clone()) {
        Some(s) => format!(" (did you mean \"{s}\"?)"),
        None => {
            let all: Vec<&str> = allowed.collect();
            if all.len() <= 12 {
                format!("; allowed here: {}", all.join(", "))
            } else {
                String::new()
            }
        }
    };
    diags.error(span, path, format!("unknown key {}{hint}", quote(key)));
}

fn check_union(schema: &Schema, node: &Node, path: &ConfigPath, diags: &mut Diags) {
    let branches = &schema.any_of;
    // A union of constants reads as an enum.
    if branches
        .iter()
        .all(|b| !b.consts.is_empty() && b.properties.is_empty())
    {
        let flat = Schema {
            consts: branches
                .iter()
                .flat_map(|b| b.consts.iter().cloned())
                .collect(),
            ..Schema::default()
        };
        if !flat.consts.iter().any(|c| node_eq_json(node, c)) {
            enum_error(&flat, node, path, diags);
        }
        return;
    }
    let fitting: Vec<&Schema> = branches
        .iter()
        .filter(|b| {
            let tys = accepted(b);
            tys.is_empty() || tys.iter().any(|t| matches_ty(node, *t))
        })
        .collect();
    match fitting.as_slice() {
        [] => {
            let words: Vec<&str> = accepted(schema).iter().map(|t| ty_phrase(*t)).collect();
            diags.error(
                node.span,
                path,
                format!(
                    "expected {}, got {}",
                    words.join(" or "),
                    describe(node, path)
                ),
            );
        }
        [one] => check(one, node, path, diags),
        many => {
            if let Some(chosen) = discriminate(many, node, path, diags) {
                check(chosen, node, path, diags);
                return;
            }
            // Try each; keep the first that passes, else report the closest one.
            let mut best: Option<Diags> = None;
            for branch in many {
                let mut trial = Diags::default();
                check(branch, node, path, &mut trial);
                if !trial.has_errors() {
                    diags.extend(trial);
                    return;
                }
                if best
                    .as_ref()
                    .is_none_or(|b| trial.error_count() < b.error_count())
                {
                    best = Some(trial);
                }
            }
            if let Some(best) = best {
                diags.extend(best);
            }
        }
    }
}

/// For object branches told apart by a constant property (`source`, `mode`), picks the branch
/// the value names, or records why none fits. `None` when there is no such property.
fn discriminate<'s>(
    branches: &[&'s Schema],
    node: &Node,
    path: &ConfigPath,
    diags: &mut Diags,
) -> Option<&'s Schema> {
    node.members()?;
    let first = branches.first()?;
    let key = first.properties.iter().find_map(|(k, s)| {
        let is_tag = |b: &Schema| b.property(k).is_some_and(|p| p.consts.len() == 1);
        (s.consts.len() == 1 && branches.iter().all(|b| is_tag(b))).then_some(k.as_str())
    })?;
    let tags: Vec<&Json> = branches
        .iter()
        .filter_map(|b| b.property(key).and_then(|p| p.consts.first()))
        .collect();
    let Some(tag) = node.get(key) else {
        let options: Vec<String> = tags.iter().map(|t| const_text(t)).collect();
        diags.error(
            node.span,
            &path.key(key),
            format!(
                "required key \"{key}\" is missing (one of {})",
                options.join(", ")
            ),
        );
        return Some(&EMPTY);
    };
    for b in branches {
        if b.property(key)
            .and_then(|p| p.consts.first())
            .is_some_and(|c| node_eq_json(tag, c))
        {
            return Some(b);
        }
    }
    let flat = Schema {
        consts: tags.into_iter().cloned().collect(),
        ..Schema::default()
    };
    enum_error(&flat, tag, &path.key(key), diags);
    Some(&EMPTY)
}

static EMPTY: Schema = Schema {
    types: Vec::new(),
    consts: Vec::new(),
    min_length: None,
    max_length: None,
    pattern: None,
    minimum: None,
    maximum: None,
    exclusive_minimum: None,
    items: None,
    tuple: Vec::new(),
    min_items: None,
    max_items: None,
    properties: Vec::new(),
    required: Vec::new(),
    additional: Additional::Any,
    any_of: Vec::new(),
};

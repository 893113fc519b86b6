//! Switchboard's own checks on top of OpenClaw's schema. OpenClaw accepts everything these
//! find, so while loading they are warnings; a profile edit that would introduce one of the
//! alias or fallback problems is refused (see [`super::profile`]).

use std::collections::HashMap;

use super::diag::{quote, ConfigPath, Diags};
use super::env::is_env_name;
use super::json5::{Node, Value};
use super::schema::refine::is_built_in_provider;

/// Which kind of problem a semantic check found; profile edits refuse the first three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// Two entries share an alias.
    DuplicateAlias,
    /// An alias reads like a `provider/model` ref of another model.
    ShadowingAlias,
    /// A fallback repeats the primary or another fallback.
    RepeatedFallback,
    /// Anything else (unknown refs, odd ids, lowercase `${var}`, …).
    Other,
}

/// Runs every check on a resolved tree, recording warnings; returns what it found.
pub fn check(root: &Node, diags: &mut Diags) -> Vec<Finding> {
    let mut found = Vec::new();
    let root_path = ConfigPath::root();
    let providers_path = root_path.key("models").key("providers");
    let providers = root
        .get("models")
        .and_then(|m| m.get("providers"))
        .and_then(Node::members)
        .unwrap_or_default();
    let mut catalog: HashMap<&str, Option<Vec<&str>>> = HashMap::new();
    let mut normalized: HashMap<String, &str> = HashMap::new();
    for p in providers {
        let here = providers_path.key(&p.key);
        let models = p.value.get("models").and_then(Node::items).map(|items| {
            items
                .iter()
                .filter_map(|m| m.get("id").and_then(Node::as_str))
                .collect::<Vec<_>>()
        });
        if let Some(ids) = &models {
            for (i, id) in ids.iter().enumerate() {
                if ids[..i].contains(id) {
                    diags.warn(
                        p.value.span,
                        &here.key("models"),
                        format!("model id {} is listed twice", quote(id)),
                    );
                    found.push(Finding::Other);
                }
            }
        }
        catalog.insert(p.key.as_str(), models);
        let norm = p.key.trim().to_lowercase();
        if p.key.contains('/') || p.key.trim().is_empty() {
            diags.warn(
                p.key_span,
                &here,
                "a provider id cannot contain '/' or be blank: refs are written provider/model",
            );
            found.push(Finding::Other);
        } else if norm != p.key {
            diags.warn(
                p.key_span,
                &here,
                format!(
                    "OpenClaw matches provider ids in lowercase; write {}",
                    quote(&norm)
                ),
            );
            found.push(Finding::Other);
        }
        if let Some(other) = normalized.insert(norm, p.key.as_str()) {
            diags.warn(
                p.key_span,
                &here,
                format!(
                    "same provider as {} (ids are compared in lowercase)",
                    quote(other)
                ),
            );
            found.push(Finding::Other);
        }
        check_model_limits(&p.value, &here, diags);
    }

    let defaults = root.get("agents").and_then(|a| a.get("defaults"));
    let entries_path = root_path.key("agents").key("defaults").key("models");
    let entries = defaults
        .and_then(|d| d.get("models"))
        .and_then(Node::members)
        .unwrap_or_default();
    let mut aliases: HashMap<String, &str> = HashMap::new();
    for e in entries {
        let Some(alias_node) = e.value.get("alias") else {
            continue;
        };
        let Some(alias) = alias_node.as_str() else {
            continue;
        };
        let here = entries_path.key(&e.key).key("alias");
        if let Some(first) = aliases.insert(alias.trim().to_lowercase(), e.key.as_str()) {
            diags.warn(
                alias_node.span,
                &here,
                format!("alias {} is also used by {}", quote(alias), quote(first)),
            );
            found.push(Finding::DuplicateAlias);
        }
        let shadows = alias != e.key
            && (entries.iter().any(|o| o.key == alias)
                || is_configured(&catalog, alias) == Some(true));
        if shadows {
            diags.warn(
                alias_node.span,
                &here,
                format!(
                    "alias {} is the ref of another model and hides it",
                    quote(alias)
                ),
            );
            found.push(Finding::ShadowingAlias);
        }
    }

    if let Some(model) = defaults.and_then(|d| d.get("model")) {
        let mpath = root_path.key("agents").key("defaults").key("model");
        let mut seen: Vec<&str> = Vec::new();
        let mut refs: Vec<(&Node, ConfigPath)> = Vec::new();
        match &model.value {
            Value::String(_) => refs.push((model, mpath.clone())),
            Value::Object(_) => {
                if let Some(p) = model.get("primary") {
                    refs.push((p, mpath.key("primary")));
                }
                for (i, f) in model
                    .get("fallbacks")
                    .and_then(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    refs.push((f, mpath.key("fallbacks").index(i)));
                }
            }
            _ => {}
        }
        for (node, path) in refs {
            let Some(r) = node.as_str() else { continue };
            let target = entries
                .iter()
                .find(|e| e.value.get("alias").and_then(Node::as_str) == Some(r))
                .map_or(r, |e| e.key.as_str());
            if seen.contains(&target) {
                diags.warn(
                    node.span,
                    &path,
                    format!("{} is already earlier in the route", quote(r)),
                );
                found.push(Finding::RepeatedFallback);
            }
            seen.push(target);
            if let Some(problem) = unknown_ref(&catalog, target) {
                diags.warn(node.span, &path, problem);
                found.push(Finding::Other);
            }
        }
    }
    lowercase_vars(root, &root_path, diags, &mut found);
    found
}

/// `Some(true)` when `r` is `provider/model` of a configured model, `Some(false)` when its
/// provider is configured with a list that lacks it, `None` when we cannot tell.
fn is_configured(catalog: &HashMap<&str, Option<Vec<&str>>>, r: &str) -> Option<bool> {
    let (provider, model) = r.split_once('/')?;
    let models = catalog.get(provider)?.as_ref()?;
    Some(models.contains(&model))
}

fn unknown_ref(catalog: &HashMap<&str, Option<Vec<&str>>>, r: &str) -> Option<String> {
    let Some((provider, model)) = r.split_once('/') else {
        return Some(format!(
            "{} is neither an alias nor a provider/model ref",
            quote(r)
        ));
    };
    match catalog.get(provider) {
        Some(Some(models)) if !models.contains(&model) => Some(format!(
            "provider {} has no model {} (OpenClaw accepts this; requests to it will fail)",
            quote(provider),
            quote(model)
        )),
        None if !is_built_in_provider(provider) => Some(format!(
            "no provider {} is configured (OpenClaw accepts this; requests to it will fail)",
            quote(provider)
        )),
        _ => None,
    }
}

fn check_model_limits(provider: &Node, path: &ConfigPath, diags: &mut Diags) {
    for (i, m) in provider
        .get("models")
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let window = m.get("contextWindow").and_then(Node::as_f64);
        if let (Some(max), Some(window)) = (m.get("maxTokens"), window) {
            if max.as_f64().is_some_and(|x| x > window) {
                diags.warn(
                    max.span,
                    &path.key("models").index(i).key("maxTokens"),
                    format!("maxTokens is above contextWindow ({window}); OpenClaw caps it there"),
                );
            }
        }
    }
}

fn lowercase_vars(node: &Node, path: &ConfigPath, diags: &mut Diags, found: &mut Vec<Finding>) {
    match &node.value {
        Value::String(s) if s.contains("${") => {
            for part in s.split("${").skip(1) {
                let Some((name, _)) = part.split_once('}') else {
                    continue;
                };
                let close =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if close && !is_env_name(name) {
                    diags.warn(node.span, path, format!(
                        "${{{name}}} is not substituted: only uppercase names (A-Z, 0-9, _) are; write ${{{}}}",
                        name.to_uppercase()
                    ));
                    found.push(Finding::Other);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                lowercase_vars(item, &path.index(i), diags, found);
            }
        }
        Value::Object(members) => {
            for m in members {
                lowercase_vars(&m.value, &path.key(&m.key), diags, found);
            }
        }
        _ => {}
    }
}

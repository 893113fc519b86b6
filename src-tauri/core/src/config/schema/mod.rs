//! Validation against OpenClaw's own schema (openclaw@2026.9.6).
//!
//! `openclaw-schema.json` is cut from `openclaw config schema` by `regenerate.mjs`: the full
//! schemas of `models`, `agents.defaults.model` and `agents.defaults.models`, and the key lists of
//! the root, `agents` and `agents.defaults`. Those parts are checked strictly (unknown keys are
//! errors); the values of other top-level keys, which Switchboard does not model, are carried
//! through unchecked. [`refine`] adds the rules the JSON Schema cannot express.

mod check;
mod compile;
pub mod refine;

use std::sync::LazyLock;

use compile::Schema;

use super::diag::{ConfigPath, Diags};
use super::json5::Node;

pub(crate) use check::describe;

/// The OpenClaw version the embedded schema was cut from.
pub const OPENCLAW_VERSION: &str = "2026.9.6";

struct OpenClawSchema {
    root_keys: Vec<String>,
    agents_keys: Vec<String>,
    agents_defaults_keys: Vec<String>,
    models: Schema,
    agent_model: Schema,
    agent_models: Schema,
    apis: Vec<String>,
}

static SCHEMA: LazyLock<OpenClawSchema> = LazyLock::new(|| {
    // The file is part of the source tree and checked by a test, so it always parses.
    let json: serde_json::Value =
        serde_json::from_str(include_str!("openclaw-schema.json")).unwrap_or_default();
    let keys = |name: &str| -> Vec<String> {
        json.get(name)
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let schema = |name: &str| json.get(name).map(Schema::compile).unwrap_or_default();
    OpenClawSchema {
        root_keys: keys("rootKeys"),
        agents_keys: keys("agentsKeys"),
        agents_defaults_keys: keys("agentsDefaultsKeys"),
        models: schema("models"),
        agent_model: schema("agentModel"),
        agent_models: schema("agentModels"),
        apis: json
            .pointer("/models/properties/providers/additionalProperties/properties/api/enum")
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
});

/// The `api` ids OpenClaw accepts (`MODEL_APIS`), in its order.
pub fn model_apis() -> &'static [String] {
    &SCHEMA.apis
}

/// Validates a whole config tree (after `$include` and `${VAR}` processing).
pub fn validate(root: &Node, diags: &mut Diags) {
    let s = &*SCHEMA;
    let path = ConfigPath::root();
    let Some(members) = root.members() else {
        diags.error(
            root.span,
            &path,
            format!(
                "the config must be an object ({{ … }}), got {}",
                describe(root, &path)
            ),
        );
        return;
    };
    for m in members {
        let here = path.key(&m.key);
        if !s.root_keys.contains(&m.key) {
            check::unknown_key_of(
                &m.key,
                m.key_span,
                s.root_keys.iter().map(String::as_str),
                &path,
                diags,
            );
            continue;
        }
        match m.key.as_str() {
            "models" => {
                check::check(&s.models, &m.value, &here, diags);
                if let Some(providers) = m.value.get("providers") {
                    refine::check_providers(providers, &here.key("providers"), diags);
                }
                refine::check_catalog_url(&m.value, &here, diags);
            }
            "agents" => validate_agents(&m.value, &here, diags),
            _ => {}
        }
    }
}

fn expect_object(node: &Node, path: &ConfigPath, diags: &mut Diags) -> bool {
    if node.members().is_some() {
        return true;
    }
    diags.error(
        node.span,
        path,
        format!("expected an object, got {}", describe(node, path)),
    );
    false
}

fn validate_agents(agents: &Node, path: &ConfigPath, diags: &mut Diags) {
    let s = &*SCHEMA;
    if !expect_object(agents, path, diags) {
        return;
    }
    for m in agents.members().unwrap_or_default() {
        if !s.agents_keys.contains(&m.key) {
            check::unknown_key_of(
                &m.key,
                m.key_span,
                s.agents_keys.iter().map(String::as_str),
                path,
                diags,
            );
            continue;
        }
        if m.key != "defaults" {
            continue;
        }
        let dpath = path.key("defaults");
        if !expect_object(&m.value, &dpath, diags) {
            continue;
        }
        for d in m.value.members().unwrap_or_default() {
            let here = dpath.key(&d.key);
            if !s.agents_defaults_keys.contains(&d.key) {
                let allowed = s.agents_defaults_keys.iter().map(String::as_str);
                check::unknown_key_of(&d.key, d.key_span, allowed, &dpath, diags);
                continue;
            }
            match d.key.as_str() {
                "model" => check::check(&s.agent_model, &d.value, &here, diags),
                "models" => {
                    check::check(&s.agent_models, &d.value, &here, diags);
                    refine::check_agent_models(&d.value, &here, diags);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_schema_loads() {
        let s = &*SCHEMA;
        assert_eq!(s.root_keys.len(), 44);
        assert!(s.agents_defaults_keys.iter().any(|k| k == "model"));
        assert!(s.models.property("providers").is_some());
        assert!(s.agent_model.any_of.len() == 2);
        let apis = model_apis();
        assert_eq!(apis.len(), 11, "{apis:?}");
        assert_eq!(apis[0], "openai-completions");
        assert!(apis.iter().any(|a| a == "anthropic-messages"));
    }
}

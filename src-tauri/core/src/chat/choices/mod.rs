//! The models a chat can pick, with the facts the model picker shows about each: where it runs
//! (the policy's [`Place`] of its resolved base URL, never its name), context window,
//! quantization and loaded state from the last detection of local servers, and its measured
//! speed (median time to first token and tokens per second of its recent answers).
//!
//! Aliases come first (each with its model's facts), then every `provider/model`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::config::view::{ConfigView, ModelView};
use crate::discovery::{DetectedModel, ScanReport, Status};
use crate::policy::place::{host_port, place_of};
use crate::policy::{Place, Speed};

/// One model the chat window can pick.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ChatModel")]
pub struct ModelChoice {
    /// What to ask for: the alias, or `provider/model`.
    pub id: String,
    /// For people: the alias or `provider/model`.
    pub label: String,
    /// The `provider/model` it names.
    #[serde(rename = "ref")]
    pub model_ref: String,
    /// The alias, for alias rows.
    pub alias: Option<String>,
    /// The model's display name.
    pub name: String,
    /// Where its server sends the text.
    pub place: Place,
    /// Its server runs on this machine (it may still forward: see `private`).
    pub local: bool,
    /// A private conversation may use it: it stays on this machine.
    pub private: bool,
    /// Tokens of context: the configured window, else the detected one.
    pub context_window: Option<u64>,
    /// Whether it reasons.
    pub reasoning: bool,
    /// Whether it reads images (`input` includes `"image"`): the composer takes images for it.
    pub images: bool,
    /// Its quantization (`Q4_K_M`, `8bit`), when the last detection saw it.
    pub quantization: Option<String>,
    /// Whether its server had it loaded at the last detection; `None`: not seen, or a server
    /// that does not say.
    pub loaded: Option<bool>,
    /// How fast its recent answers came, once it answered.
    pub speed: Option<Speed>,
}

/// What [`choices`] needs besides the config.
pub struct Facts<'a> {
    /// Reads `${VAR}`s in base URLs.
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// Providers the person marked "stays on this machine".
    pub stays_local: &'a BTreeSet<String>,
    /// The last detection of local servers, if one ran.
    pub detected: Option<&'a ScanReport>,
    /// The measured speed of each `provider/model` that answered before.
    pub speeds: &'a BTreeMap<String, Speed>,
}

/// The models of `view` with their facts: aliases first, then every `provider/model`.
pub fn choices(view: &ConfigView, facts: &Facts<'_>) -> Vec<ModelChoice> {
    let mut refs = Vec::new();
    for provider in &view.providers {
        let base_url = resolved_base_url(&provider.id, provider.base_url.as_deref(), facts);
        let place = base_url.as_deref().map_or(Place::Leaves, |url| {
            place_of(&provider.id, url, facts.stays_local)
        });
        for model in &provider.models {
            let detected = base_url
                .as_deref()
                .and_then(|url| detected_model(facts.detected, url, &model.id));
            refs.push(choice(model, place, detected, facts));
        }
    }
    let aliases = view.aliases.iter().filter_map(|alias| {
        let target = refs.iter().find(|m| m.model_ref == alias.model_ref)?;
        Some(ModelChoice {
            id: alias.alias.clone(),
            label: alias.alias.clone(),
            alias: Some(alias.alias.clone()),
            ..target.clone()
        })
    });
    let mut all: Vec<ModelChoice> = aliases.collect();
    all.extend(refs);
    all
}

fn choice(
    model: &ModelView,
    place: Place,
    detected: Option<&DetectedModel>,
    facts: &Facts<'_>,
) -> ModelChoice {
    ModelChoice {
        id: model.model_ref.clone(),
        label: model.model_ref.clone(),
        model_ref: model.model_ref.clone(),
        alias: None,
        name: model.name.clone(),
        place,
        local: place != Place::Leaves,
        private: place.is_private(),
        context_window: model
            .context_window
            .or_else(|| detected.and_then(|d| d.context_window)),
        reasoning: model.reasoning,
        images: model.input.iter().any(|i| i == "image"),
        quantization: detected.and_then(|d| d.quantization.clone()),
        loaded: detected.and_then(|d| d.loaded),
        speed: facts.speeds.get(&model.model_ref).copied(),
    }
}

/// The provider's base URL with its `${VAR}`s read, else its catalog default.
fn resolved_base_url(provider: &str, written: Option<&str>, facts: &Facts<'_>) -> Option<String> {
    match written {
        Some(url) => crate::config::env::expand(url, facts.lookup, "baseUrl").ok(),
        None => crate::catalog::endpoint(provider).map(|(url, _)| url.to_owned()),
    }
}

/// The model `id` as the last detection saw it on the running server at `base_url`'s host and
/// port.
fn detected_model<'a>(
    report: Option<&'a ScanReport>,
    base_url: &str,
    id: &str,
) -> Option<&'a DetectedModel> {
    let wanted = host_port(base_url)?;
    report?
        .servers
        .iter()
        .filter(|s| s.status == Status::Running)
        .filter(|s| host_port(&s.base_url).is_some_and(|at| same_server(&at, &wanted)))
        .flat_map(|s| s.models.iter())
        .find(|m| m.id == id || m.id.eq_ignore_ascii_case(id))
}

/// Whether two `(host, port)`s are the same server (`localhost` is `127.0.0.1`).
fn same_server(a: &(String, Option<u16>), b: &(String, Option<u16>)) -> bool {
    let host = |h: &str| match h {
        "localhost" | "::1" => "127.0.0.1".to_owned(),
        other => other.to_owned(),
    };
    a.1 == b.1 && host(&a.0) == host(&b.0)
}

#[cfg(test)]
mod tests;

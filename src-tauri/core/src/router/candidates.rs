//! From a request's model ref (or none: the primary) to the ordered, de-duplicated candidate
//! list: the requested model, the configured fallbacks, then the primary, every alias resolved.
//! Also the prompt-size estimate the context-window check uses.

use crate::config::model::Config;
use crate::providers::ChatRequest;

use super::error::RouteError;

/// One model the router may try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// `provider/model` (or, for a fallback that names nothing known, the text as written).
    pub model_ref: String,
    /// The model's `contextWindow`, when the config lists the model.
    pub context_window: Option<u64>,
    /// Its effective `maxTokens`, when the config lists the model.
    pub max_tokens: Option<u64>,
}

impl Candidate {
    /// Whether a prompt of `estimated` tokens leaves room for the answer (unknown windows fit).
    pub fn fits(&self, estimated: u64) -> bool {
        match self.context_window {
            Some(window) => estimated + self.max_tokens.unwrap_or(0) <= window,
            None => true,
        }
    }
}

/// The aliases of `agents.defaults.models`: `(alias, provider/model)`, in file order.
pub fn aliases(config: &Config) -> Vec<(&str, &str)> {
    config
        .models
        .iter()
        .filter_map(|e| e.alias.as_deref().map(|a| (a, e.model_ref.as_str())))
        .collect()
}

/// Resolves `model_ref`: an alias gives its `provider/model`; a `provider/model` stays.
pub fn resolve_ref(config: &Config, model_ref: &str) -> Result<String, RouteError> {
    let wanted = model_ref.trim();
    if let Some((_, target)) = aliases(config).into_iter().find(|(a, _)| *a == wanted) {
        return Ok(target.to_owned());
    }
    match wanted.split_once('/') {
        Some((p, m)) if !p.is_empty() && !m.is_empty() => Ok(wanted.to_owned()),
        _ => Err(not_found(
            config,
            model_ref,
            "use provider/model or an alias".to_owned(),
        )),
    }
}

fn not_found(config: &Config, model_ref: &str, problem: String) -> RouteError {
    RouteError::ModelNotFound {
        model_ref: model_ref.to_owned(),
        problem,
        refs: config.model_refs(),
        aliases: aliases(config)
            .into_iter()
            .map(|(a, _)| a.to_owned())
            .collect(),
    }
}

/// Refuses a requested `provider/model` whose provider is neither configured nor a known
/// built-in, or whose provider lists its models without this one. A built-in provider, or one
/// that lists no models, takes any model id (the server has the last word).
fn check_configured(config: &Config, model_ref: &str) -> Result<(), RouteError> {
    let Some((provider_id, model_id)) = model_ref.split_once('/') else {
        return Ok(());
    };
    let built_in = crate::catalog::find(provider_id).is_some();
    let problem = match config.provider(provider_id) {
        None if built_in => return Ok(()),
        None => format!("no provider \"{provider_id}\" is configured (models.providers)"),
        Some(provider) => match &provider.models {
            Some(models) if !built_in && !models.iter().any(|m| m.id == model_id) => {
                format!("provider \"{provider_id}\" has no model \"{model_id}\"")
            }
            _ => return Ok(()),
        },
    };
    Err(not_found(config, model_ref, problem))
}

/// The candidates for `requested` (`None`: the primary route), in the order they are tried.
pub fn candidates(config: &Config, requested: Option<&str>) -> Result<Vec<Candidate>, RouteError> {
    let primary = config.model.as_ref().and_then(|m| m.primary());
    let fallbacks = config
        .model
        .as_ref()
        .map(|m| m.fallbacks())
        .unwrap_or_default();
    let first = match requested.filter(|r| !r.trim().is_empty()) {
        Some(r) => {
            let resolved = resolve_ref(config, r)?;
            check_configured(config, &resolved)?;
            resolved
        }
        None => resolve_ref(config, primary.ok_or(RouteError::NoPrimary)?)?,
    };
    let mut refs = vec![first];
    // A fallback or primary that resolves to nothing stays as written: trying it gives a
    // "config" route event instead of hiding a broken route.
    for r in fallbacks.iter().map(String::as_str).chain(primary) {
        let resolved = resolve_ref(config, r).unwrap_or_else(|_| r.to_owned());
        if !refs.contains(&resolved) {
            refs.push(resolved);
        }
    }
    Ok(refs.into_iter().map(|r| candidate(config, r)).collect())
}

fn candidate(config: &Config, model_ref: String) -> Candidate {
    let listed = model_ref.split_once('/').and_then(|(p, m)| {
        let provider = config.provider(p)?;
        let model = provider.models.iter().flatten().find(|d| d.id == m)?;
        Some((provider, model))
    });
    let (context_window, max_tokens) = match listed {
        Some((provider, model)) => (
            model.context_window.map(|w| w.max(0.0) as u64),
            model
                .context_window
                .map(|_| model.effective_max_tokens(provider).max(0.0) as u64),
        ),
        None => (None, None),
    };
    Candidate {
        model_ref,
        context_window,
        max_tokens,
    }
}

/// A rough token count for `request`'s prompt: about four characters per token plus a few per
/// turn. It only decides which windows are clearly too small; providers have the last word.
pub fn estimate_tokens(request: &ChatRequest) -> u64 {
    let chars: usize = request.system.as_deref().map_or(0, |s| s.chars().count())
        + request
            .turns
            .iter()
            .map(|t| t.text.chars().count())
            .sum::<usize>();
    (chars as u64).div_ceil(4) + 4 * (request.turns.len() as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Turn;

    fn config(text: &str) -> Config {
        let loaded = crate::config::load_str(
            text,
            std::path::Path::new("/t/config.json5"),
            &|_| None,
            &|_| Err(std::io::Error::other("no includes")),
        );
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        loaded.config
    }

    const ROUTES: &str = r#"{
      models: { providers: {
        a: { baseUrl: "http://127.0.0.1:9/v1", models: [{ id: "m", name: "M", contextWindow: 8192, maxTokens: 1024 }] },
        b: { baseUrl: "http://127.0.0.1:9/v1", models: [{ id: "n", name: "N" }] } } },
      agents: { defaults: {
        model: { primary: "big", fallbacks: ["b/n", "a/m", "small"] },
        models: { "a/m": { alias: "big" }, "b/n": { alias: "small" } } } },
    }"#;

    fn refs(c: &[Candidate]) -> Vec<&str> {
        c.iter().map(|c| c.model_ref.as_str()).collect()
    }

    #[test]
    fn requested_then_fallbacks_then_primary_resolved_and_deduplicated() {
        let cfg = config(ROUTES);
        assert_eq!(refs(&candidates(&cfg, None).expect("ok")), ["a/m", "b/n"]);
        assert_eq!(
            refs(&candidates(&cfg, Some("small")).expect("ok")),
            ["b/n", "a/m"]
        );
        // A built-in provider takes any model id, even unconfigured.
        assert_eq!(
            refs(&candidates(&cfg, Some("lmstudio/x")).expect("ok")),
            ["lmstudio/x", "b/n", "a/m"]
        );
        let first = &candidates(&cfg, None).expect("ok")[0];
        assert_eq!(
            (first.context_window, first.max_tokens),
            (Some(8192), Some(1024))
        );
        assert!(first.fits(7168) && !first.fits(7169));
    }

    #[test]
    fn unknown_refs_name_the_ref_and_the_aliases() {
        let cfg = config(ROUTES);
        let err = candidates(&cfg, Some("fast")).expect_err("unknown");
        assert!(err.to_string().contains("\"fast\""), "{err}");
        assert!(err.to_string().contains("big, small"), "{err}");
        // A provider or model the config lacks is refused, never answered by another model.
        let err = candidates(&cfg, Some("no-such/model")).expect_err("no provider");
        assert_eq!(err.kind(), super::super::RouteErrorKind::ModelNotFound);
        assert!(err.to_string().contains("no provider \"no-such\""), "{err}");
        assert!(
            err.to_string().contains("configured models: a/m, b/n"),
            "{err}"
        );
        let err = candidates(&cfg, Some("a/other")).expect_err("no model");
        assert!(err.to_string().contains("has no model \"other\""), "{err}");
        let err = candidates(&Config::default(), None).expect_err("no primary");
        assert_eq!(err.kind().as_str(), "no_primary");
    }

    #[test]
    fn estimate_grows_with_the_prompt() {
        let small = ChatRequest {
            turns: vec![Turn::user("hi")],
            ..ChatRequest::default()
        };
        let big = ChatRequest {
            turns: vec![Turn::user("x".repeat(40_000))],
            ..ChatRequest::default()
        };
        assert!(estimate_tokens(&small) < 20);
        assert_eq!(estimate_tokens(&big), 10_000 + 8);
    }
}

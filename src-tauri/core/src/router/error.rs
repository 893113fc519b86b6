//! The router's error: why a request got no (complete) answer, with a small [`RouteErrorKind`]
//! the CLI, the gateway and the UI branch on.

use crate::policy::{Refusal, RefusalReason};
use crate::providers::ProviderError;

/// Where a "retry on next route" call starts: the candidates after `after`, for the same
/// requested model (or the primary route when `requested` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryFrom {
    /// The model ref or alias the first call asked for.
    pub requested: Option<String>,
    /// The `provider/model` that failed after its first token.
    pub after: String,
}

/// What kind of routing failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RouteErrorKind {
    /// The requested ref is not an alias, or names a provider or model the config lacks.
    ModelNotFound,
    /// No model was asked for and the config has no primary.
    NoPrimary,
    /// The provider rejected the request itself (400); another model would too.
    BadRequest,
    /// The prompt fits no candidate's context window.
    ContextOverflow,
    /// Every candidate failed or is cooling down.
    NoRoute,
    /// The person cancelled.
    Cancelled,
    /// The answer failed after its first token; the partial text stands.
    Interrupted,
    /// The conversation is private (or the app offline) and every route would leave this
    /// machine; nothing was sent.
    Private,
    /// Every usable route's budget is spent; nothing was sent.
    OverBudget,
    /// The request has images and no model of the route reads images; nothing was sent.
    NoImageInput,
}

wire_names!(RouteErrorKind {
    ModelNotFound => "model_not_found",
    NoPrimary => "no_primary",
    BadRequest => "bad_request",
    ContextOverflow => "context_overflow",
    NoRoute => "no_route",
    Cancelled => "cancelled",
    Interrupted => "interrupted",
    Private => "private",
    OverBudget => "over_budget",
    NoImageInput => "no_image_input",
});

/// One candidate's window, for the "does not fit" message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowSize {
    /// `provider/model`.
    pub model: String,
    /// Its `contextWindow`.
    pub window: u64,
    /// Its output budget (`maxTokens`), kept free of the prompt.
    pub max_tokens: u64,
}

/// The router could not give a (complete) answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// A requested ref that is not an alias and not a configured `provider/model`.
    #[error("unknown model \"{model_ref}\": {problem}; {}", known(refs, aliases))]
    ModelNotFound {
        /// What was asked for.
        model_ref: String,
        /// What is wrong with it.
        problem: String,
        /// The configured `provider/model` refs.
        refs: Vec<String>,
        /// The aliases the config defines.
        aliases: Vec<String>,
    },
    /// No model asked for and no primary configured.
    #[error("no model given and no primary route: set agents.defaults.model or pass --model")]
    NoPrimary,
    /// The request was rejected (no failover on a bad request).
    #[error("{model}: {error}")]
    Rejected {
        /// The model that rejected it.
        model: String,
        /// Its error.
        error: ProviderError,
    },
    /// The prompt fits no candidate.
    #[error(
        "the prompt (about {estimated} tokens) fits no route: {}",
        sizes_text(sizes)
    )]
    ContextTooLarge {
        /// The prompt's estimated size in tokens.
        estimated: u64,
        /// Each candidate's window and output budget.
        sizes: Vec<WindowSize>,
    },
    /// Every candidate failed; `last` is the last failure.
    #[error("{}", exhausted(*attempts, model, last))]
    Exhausted {
        /// How many candidates were tried.
        attempts: u32,
        /// The last model tried.
        model: String,
        /// Its error.
        last: ProviderError,
    },
    /// A policy refused every usable candidate (private, budget); nothing was sent.
    #[error("{}", refused_text(refusals))]
    Refused {
        /// Each refused candidate, in route order.
        refusals: Vec<Refusal>,
    },
    /// The request has images and the model asked for, or every model of the route, takes
    /// text only (by its config's `input`); nothing was sent.
    #[error("{}", no_image_input(models))]
    NoImageInput {
        /// The text-only models, in route order.
        models: Vec<String>,
    },
    /// Nothing could be tried (every candidate unusable or skipped).
    #[error("no route: {0}")]
    NoRoute(String),
    /// The person cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The answer broke after its first token; `retry` starts from the next candidate.
    #[error("{model} failed mid-answer: {error}")]
    Interrupted {
        /// The model that was answering.
        model: String,
        /// Why it stopped.
        error: ProviderError,
        /// For "retry on next route".
        retry: RetryFrom,
    },
}

fn exhausted(attempts: u32, model: &str, last: &ProviderError) -> String {
    if attempts <= 1 {
        format!("{model}: {last}")
    } else {
        format!("no route answered ({attempts} tried); last: {model}: {last}")
    }
}

fn refused_text(refusals: &[Refusal]) -> String {
    let private = refusals.iter().any(|r| r.reason == RefusalReason::Private);
    let head = if private {
        "private: nothing was sent, every route would leave this machine"
    } else {
        "over budget: nothing was sent, every route's budget is spent"
    };
    let each: Vec<String> = refusals
        .iter()
        .map(|r| format!("{} ({}: {})", r.model, r.reason.as_str(), r.detail))
        .collect();
    format!("{head}: {}", each.join("; "))
}

fn no_image_input(models: &[String]) -> String {
    let (subject, verb) = match models {
        [one] => (one.clone(), "takes"),
        many => (many.join(", "), "take"),
    };
    format!(
        "{subject} {verb} text only (no \"image\" in the config's `input`): nothing was sent; \
         pick a model that reads images or remove the images"
    )
}

fn known(refs: &[String], aliases: &[String]) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    format!(
        "configured models: {}; aliases: {}",
        list(refs),
        list(aliases)
    )
}

fn sizes_text(sizes: &[WindowSize]) -> String {
    if sizes.is_empty() {
        return "no candidate".to_owned();
    }
    sizes
        .iter()
        .map(|s| {
            format!(
                "{} has a {}-token window with {} kept for the answer ({} for the prompt)",
                s.model,
                s.window,
                s.max_tokens,
                s.window.saturating_sub(s.max_tokens)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl RouteError {
    /// The kind.
    pub fn kind(&self) -> RouteErrorKind {
        match self {
            RouteError::ModelNotFound { .. } => RouteErrorKind::ModelNotFound,
            RouteError::NoPrimary => RouteErrorKind::NoPrimary,
            RouteError::Rejected { .. } => RouteErrorKind::BadRequest,
            RouteError::ContextTooLarge { .. } => RouteErrorKind::ContextOverflow,
            RouteError::Exhausted { .. } | RouteError::NoRoute(_) => RouteErrorKind::NoRoute,
            RouteError::Cancelled => RouteErrorKind::Cancelled,
            RouteError::NoImageInput { .. } => RouteErrorKind::NoImageInput,
            RouteError::Interrupted { .. } => RouteErrorKind::Interrupted,
            RouteError::Refused { refusals } => {
                if refusals.iter().any(|r| r.reason == RefusalReason::Private) {
                    RouteErrorKind::Private
                } else {
                    RouteErrorKind::OverBudget
                }
            }
        }
    }

    /// The provider error behind it, if any.
    pub fn provider_error(&self) -> Option<&ProviderError> {
        match self {
            RouteError::Rejected { error, .. } | RouteError::Interrupted { error, .. } => {
                Some(error)
            }
            RouteError::Exhausted { last, .. } => Some(last),
            _ => None,
        }
    }

    /// The reason to print: the provider's error class when there is one (`rate_limit`, …),
    /// else the route error's kind.
    pub fn reason(&self) -> &'static str {
        match self.provider_error() {
            Some(e) => e.kind().as_str(),
            None => self.kind().as_str(),
        }
    }

    /// The upstream HTTP status, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.provider_error().and_then(ProviderError::status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_as_wire_names() {
        crate::wire::tests::assert_wire_names(RouteErrorKind::ALL, RouteErrorKind::as_str);
    }

    #[test]
    fn messages_name_the_ref_aliases_and_sizes() {
        let e = RouteError::ModelNotFound {
            model_ref: "fast".into(),
            problem: "use provider/model or an alias".into(),
            refs: vec!["a/m".into()],
            aliases: vec!["local".into(), "smart".into()],
        };
        assert_eq!(
            e.to_string(),
            "unknown model \"fast\": use provider/model or an alias; \
             configured models: a/m; aliases: local, smart"
        );
        assert_eq!(e.kind().as_str(), "model_not_found");
        let e = RouteError::ContextTooLarge {
            estimated: 9000,
            sizes: vec![WindowSize {
                model: "a/m".into(),
                window: 8192,
                max_tokens: 1024,
            }],
        };
        assert!(e.to_string().contains("about 9000 tokens"), "{e}");
        assert!(
            e.to_string()
                .contains("a/m has a 8192-token window with 1024"),
            "{e}"
        );
        assert_eq!(e.kind().as_str(), "context_overflow");
    }
}

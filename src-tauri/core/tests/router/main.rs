//! The router against fake upstreams: every error class and its action, cooldowns with paused
//! time, return to the primary, all-in-cooldown, context-window skipping, cancel, streaming
//! failures after the first token, 50 concurrent requests while the primary flaps, the chat CLI
//! through the router, the real LiteLLM proxy, reachability probes of local servers, and
//! cooldowns shared between routers through the state store.

mod classes;
mod cli;
mod concurrency;
mod cooldowns;
mod litellm;
mod reach;
mod rekey;
mod shared;
mod streaming;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::config::model::Config;
use switchboard_core::providers::{
    resolve_target_with, CancellationToken, ChatRequest, Client, Completion, Turn,
};
use switchboard_core::router::AttemptOutcome;
use switchboard_core::router::{RouteError, RouteEvent, RouteItem, Router};
use switchboard_core::secrets::MemoryStore;

/// One provider for the test config: id, base URL (without `/v1`), optional
/// `(contextWindow, maxTokens)`, optional `timeoutSeconds`.
pub(crate) struct Up<'a> {
    pub id: &'a str,
    pub url: String,
    pub window: Option<(u64, u64)>,
    pub timeout: Option<f64>,
}

pub(crate) fn up(id: &str, url: String) -> Up<'_> {
    Up {
        id,
        url,
        window: None,
        timeout: None,
    }
}

/// The config text: each provider has model `fake-model` (alias = the provider id), the first
/// is the primary, the others the fallbacks in order.
pub(crate) fn config_text(ups: &[Up<'_>]) -> String {
    let mut providers = String::new();
    let mut aliases = String::new();
    for u in ups {
        let window = u.window.map_or(String::new(), |(w, m)| {
            format!(", contextWindow: {w}, maxTokens: {m}")
        });
        let timeout = u
            .timeout
            .map_or(String::new(), |t| format!(", timeoutSeconds: {t}"));
        providers.push_str(&format!(
            r#"{id}: {{ baseUrl: "{url}/v1", apiKey: "test-key"{timeout},
                 models: [{{ id: "fake-model", name: "Fake"{window} }}] }},"#,
            id = u.id,
            url = u.url,
        ));
        aliases.push_str(&format!(
            r#""{}/fake-model": {{ alias: "{}" }},"#,
            u.id, u.id
        ));
    }
    let refs: Vec<String> = ups
        .iter()
        .map(|u| format!("\"{}/fake-model\"", u.id))
        .collect();
    format!(
        r#"{{ models: {{ providers: {{ {providers} }} }},
             agents: {{ defaults: {{ model: {{ primary: {}, fallbacks: [{}] }},
                                     models: {{ {aliases} }} }} }} }}"#,
        refs[0],
        refs[1..].join(", ")
    )
}

pub(crate) fn config(text: &str) -> Config {
    let loaded = switchboard_core::config::load_str(
        text,
        std::path::Path::new("/t/config.json5"),
        &|_| None,
        &|_| Err(std::io::Error::other("no includes")),
    );
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    loaded.config
}

pub(crate) fn router(ups: &[Up<'_>]) -> Router {
    router_for(config(&config_text(ups)))
}

pub(crate) fn router_for(config: Config) -> Router {
    let client = Client::new(Duration::from_secs(5)).expect("client");
    Router::with_parts(
        config,
        client,
        Arc::new(|c: &Config, r: &str| {
            resolve_target_with(c, r, &MemoryStore::default(), &|_| None)
        }),
    )
}

pub(crate) fn ask(text: &str, stream: bool) -> ChatRequest {
    ChatRequest {
        system: None,
        turns: vec![Turn::user(text)],
        stream,
        ..ChatRequest::default()
    }
}

/// What one routed request gave.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub routes: Vec<RouteEvent>,
    pub answer: Completion,
    pub error: Option<RouteError>,
}

impl Outcome {
    /// `(model, outcome, reason)` of each route event.
    pub(crate) fn trail(&self) -> Vec<(String, AttemptOutcome, Option<String>)> {
        self.routes
            .iter()
            .map(|r| (r.model.clone(), r.outcome, r.reason.clone()))
            .collect()
    }

    pub(crate) fn answered_by(&self) -> Option<&str> {
        self.routes
            .iter()
            .find(|r| r.outcome == AttemptOutcome::Ok)
            .map(|r| r.model.as_str())
    }
}

pub(crate) async fn send(router: &Router, model: Option<&str>, request: ChatRequest) -> Outcome {
    send_with(router, model, request, CancellationToken::new()).await
}

pub(crate) async fn send_with(
    router: &Router,
    model: Option<&str>,
    request: ChatRequest,
    cancel: CancellationToken,
) -> Outcome {
    let mut out = Outcome {
        routes: Vec::new(),
        answer: Completion::default(),
        error: None,
    };
    let mut stream = match router.route(model, request, cancel) {
        Ok(s) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    while let Some(item) = stream.next().await {
        match item {
            Ok(RouteItem::Route(r)) => out.routes.push(r),
            Ok(RouteItem::Event(e)) => out.answer.add(e),
            Err(e) => out.error = Some(e),
        }
    }
    out
}

/// Moves the paused-able tokio clock forward by `by` (no request may be in flight).
pub(crate) async fn advance(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

pub(crate) fn ok(model: &str) -> (String, AttemptOutcome, Option<String>) {
    (model.to_owned(), AttemptOutcome::Ok, None)
}

pub(crate) fn failed(model: &str, reason: &str) -> (String, AttemptOutcome, Option<String>) {
    (
        model.to_owned(),
        AttemptOutcome::Failed,
        Some(reason.to_owned()),
    )
}

pub(crate) fn skipped(model: &str, reason: &str) -> (String, AttemptOutcome, Option<String>) {
    (
        model.to_owned(),
        AttemptOutcome::Skipped,
        Some(reason.to_owned()),
    )
}

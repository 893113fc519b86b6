//! Discovery and chat against the real llama.cpp `llama-server` (built by `install_llama_server`
//! in `.ci/lib.sh`) serving the tiny GGUF of `tests/peers/tiny_gguf.py`: detection on its own
//! port, on a port scanned for another server and as an extra URL; chat through the router,
//! streamed and not, with usage, cached prompt tokens and a `length` stop; the Responses API;
//! failover when the server dies mid-answer. Skipped loudly without the server, failed under
//! `CI=true`.

mod chat;
mod detect;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::config::model::Config;
use switchboard_core::providers::{
    resolve_target_with, CancellationToken, ChatRequest, Client, Completion, Turn,
};
use switchboard_core::router::{RouteError, RouteEvent, RouteItem, RouteStream, Router};
use switchboard_core::secrets::MemoryStore;
use switchboard_fakes::llama::{self, LlamaServer, Peer};

/// The real server for `test` with `flags`, or `None` (skipped) when it is not installed.
pub(crate) fn start(test: &str, flags: &[&str]) -> Option<(Peer, LlamaServer)> {
    let peer = llama::peer(test)?;
    let server = LlamaServer::start(&peer, flags).unwrap_or_else(|e| {
        panic!(
            "{test}: {} is set but did not start: {e}",
            llama::SERVER_ENV
        )
    });
    Some((peer, server))
}

/// A GET of `url` as JSON.
pub(crate) async fn get_json(url: &str) -> serde_json::Value {
    let reply = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    reply
        .json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
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

pub(crate) fn router(config: Config) -> Router {
    let client = Client::new(Duration::from_secs(30)).expect("client");
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
        system: Some("You are a test.".to_owned()),
        turns: vec![Turn::user(text)],
        stream,
        ..ChatRequest::default()
    }
}

/// What one routed request gave.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub routes: Vec<RouteEvent>,
    pub answer: Completion,
    pub error: Option<RouteError>,
}

/// Reads `stream` to its end.
pub(crate) async fn drain(mut stream: RouteStream) -> Outcome {
    let mut out = Outcome::default();
    while let Some(item) = stream.next().await {
        match item {
            Ok(RouteItem::Route(r)) => out.routes.push(r),
            Ok(RouteItem::Event(e)) => out.answer.add(e),
            Err(e) => out.error = Some(e),
        }
    }
    out
}

pub(crate) async fn send(router: &Router, request: ChatRequest) -> Outcome {
    match router.route(None, request, CancellationToken::new()) {
        Ok(stream) => drain(stream).await,
        Err(e) => Outcome {
            error: Some(e),
            ..Outcome::default()
        },
    }
}

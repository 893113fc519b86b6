//! `switchboard serve`'s gateway on a real loopback port: the token, the `Host` check, models,
//! chat completions streamed and not (through failover, with route headers), OpenAI error
//! shapes, the body limit and graceful shutdown, per-person tokens and their budgets. Our own
//! provider client is one of its clients.

mod apis;
mod chat;
mod cli;
mod live;
mod people;
mod timeouts;
mod tools;

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::config::model::Config;
use switchboard_core::gateway;
use switchboard_core::providers::{resolve_target_with, Client};
use switchboard_core::router::Router;
use switchboard_core::secrets::{MemoryStore, Secret};
use tokio::sync::oneshot;

pub(crate) const TOKEN: &str = "sb-test-token-0123456789";

/// Providers `a`, `b`, … (alias = id) at the given fake URLs; the first is the primary.
pub(crate) fn router(urls: &[(&str, String)]) -> Router {
    let mut providers = String::new();
    let mut aliases = String::new();
    for (id, url) in urls {
        providers.push_str(&format!(
            r#"{id}: {{ baseUrl: "{url}/v1", apiKey: "k", models: [{{ id: "fake-model", name: "F" }}] }},"#
        ));
        aliases.push_str(&format!(r#""{id}/fake-model": {{ alias: "{id}" }},"#));
    }
    let refs: Vec<String> = urls
        .iter()
        .map(|(id, _)| format!("\"{id}/fake-model\""))
        .collect();
    let text = format!(
        r#"{{ models: {{ providers: {{ {providers} }} }},
             agents: {{ defaults: {{ model: {{ primary: {}, fallbacks: [{}] }}, models: {{ {aliases} }} }} }} }}"#,
        refs[0],
        refs[1..].join(", ")
    );
    router_from(&text)
}

/// A router over the config `text`, keys from memory only.
pub(crate) fn router_from(text: &str) -> Router {
    let loaded = switchboard_core::config::load_str(
        text,
        std::path::Path::new("/t/config.json5"),
        &|_| None,
        &|_| Err(std::io::Error::other("no includes")),
    );
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    Router::with_parts(
        loaded.config,
        Client::new(Duration::from_secs(5)).expect("client"),
        Arc::new(|c: &Config, r: &str| {
            resolve_target_with(c, r, &MemoryStore::default(), &|_| None)
        }),
    )
}

/// A running gateway; dropping it shuts it down.
pub(crate) struct Gateway {
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Gateway {
    pub(crate) async fn start(router: Router) -> Gateway {
        let listener = gateway::bind(0).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        assert!(addr.ip().is_loopback());
        let (stop, stopped) = oneshot::channel::<()>();
        let app = gateway::app(
            switchboard_core::chat::Engine::without_history(router),
            Secret::new(TOKEN),
        );
        let done = tokio::spawn(gateway::serve(listener, app, async {
            let _ignored = stopped.await;
        }));
        Gateway {
            url: format!("http://{addr}"),
            stop: Some(stop),
            done: Some(done),
        }
    }

    /// Signals shutdown and waits for the server to end.
    pub(crate) async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ignored = stop.send(());
        }
        match self.done.take() {
            Some(done) => done.await.expect("join"),
            None => Ok(()),
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ignored = stop.send(());
        }
    }
}

pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::new()
}

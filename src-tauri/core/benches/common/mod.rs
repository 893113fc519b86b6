//! What the router and gateway benches share: percentiles, a router over a config text with an
//! in-memory key store, and the gateway on its own thread with one worker (one core, as the
//! goals count it). Each bench includes this file with `mod common;`.

use std::sync::Arc;
use std::time::Duration;

use switchboard_core::config::model::Config;
use switchboard_core::gateway;
use switchboard_core::providers::{resolve_target_with, Client};
use switchboard_core::router::Router;
use switchboard_core::secrets::{MemoryStore, Secret};

/// The gateway token the benches use.
pub(crate) const TOKEN: &str = "sb-bench-token";

/// The `p` percentile of `v` (sorts it).
pub(crate) fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// `d` in milliseconds.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A router over the JSON5 config `text` (valid, no includes), keys from an empty store.
pub(crate) fn router_over(text: &str) -> Router {
    let loaded = switchboard_core::config::load_str(
        text,
        std::path::Path::new("/bench/config.json5"),
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

/// `switchboard serve`'s app over `router` on its own thread and one-worker runtime; its URL.
pub(crate) fn start_gateway(router: Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = gateway::bind(0).await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let engine = switchboard_core::chat::Engine::without_history(router);
            let app = gateway::app(engine, Secret::new(TOKEN));
            gateway::serve(listener, app, std::future::pending())
                .await
                .expect("serve");
        });
    });
    format!("http://{}", rx.recv().expect("gateway address"))
}

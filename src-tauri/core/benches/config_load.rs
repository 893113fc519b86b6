//! Load + validate time of a config against plain JSON parsing of the same text (serde_json into
//! a `serde_json::Value`), in the same run: a generated 200-provider / 2,000-model file, and the
//! seed's LM Studio example. Run with `cargo bench -p switchboard-core --bench config_load`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use switchboard_core::config;

fn big_config(providers: usize, models_each: usize) -> String {
    let mut s =
        String::from("{\n  \"models\": {\n    \"mode\": \"merge\",\n    \"providers\": {\n");
    for p in 0..providers {
        let _ = write!(
            s,
            "      \"prov{p}\": {{\n        \"baseUrl\": \"http://127.0.0.1:{}/v1\",\n        \"apiKey\": \"${{PROV{p}_KEY}}\",\n        \"api\": \"openai-completions\",\n        \"models\": [\n",
            8000 + p
        );
        for m in 0..models_each {
            let _ = writeln!(
                s,
                "          {{ \"id\": \"model-{m}\", \"name\": \"Model {m}\", \"reasoning\": false, \"input\": [\"text\"], \"cost\": {{ \"input\": 0, \"output\": 0, \"cacheRead\": 0, \"cacheWrite\": 0 }}, \"contextWindow\": 131072, \"maxTokens\": 8192 }}{}",
                if m + 1 < models_each { "," } else { "" }
            );
        }
        let _ = write!(
            s,
            "        ]\n      }}{}\n",
            if p + 1 < providers { "," } else { "" }
        );
    }
    s.push_str("    }\n  },\n  \"agents\": { \"defaults\": { \"model\": { \"primary\": \"prov0/model-0\", \"fallbacks\": [\"prov1/model-0\", \"prov2/model-1\"] }, \"models\": { \"prov0/model-0\": { \"alias\": \"Main\" } } } }\n}\n");
    s
}

fn time<T>(iters: u32, mut f: impl FnMut() -> T) -> Duration {
    let _warm = f();
    let start = Instant::now();
    for _ in 0..iters {
        std::hint::black_box(f());
    }
    start.elapsed() / iters
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn some_env(name: &str) -> Option<String> {
    name.ends_with("_KEY").then(|| "set".to_owned())
}

fn no_read(_: &Path) -> std::io::Result<String> {
    Err(std::io::ErrorKind::NotFound.into())
}

fn bench(label: &str, text: &str, iters: u32) {
    let path = Path::new("bench.json5");
    let loaded = config::load_str(text, path, &some_env, &no_read);
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics.first());
    let ours = time(iters, || config::load_str(text, path, &some_env, &no_read));
    let parse_only = time(iters, || config::json5::parse(text, 0).map(|p| p.root.span));
    let json = time(iters, || {
        serde_json::from_str::<serde_json::Value>(text).map(|v| v.is_object())
    });
    let ratio = ours.as_secs_f64() / json.as_secs_f64();
    println!(
        "{label}: {} KiB, {} providers, {} models\n  load+validate {:>10.3?}   json5 parse only {:>10.3?}   serde_json parse {:>10.3?}   ratio load/json {ratio:.1}x",
        text.len() / 1024,
        loaded.config.providers.len(),
        loaded.config.model_refs().len(),
        ours,
        parse_only,
        json,
    );
    let _ = no_env;
}

fn main() {
    // `cargo test --benches` passes --bench too; keep that quick.
    let quick = std::env::args().any(|a| a == "--test");
    let big = big_config(200, 10);
    let seed = include_str!("../tests/fixtures/config/corpus/01-seed-lmstudio-responses.json5");
    // The seed example has comments and bare keys, so serde_json parses its JSON rendering.
    let seed_json = {
        let root = config::json5::parse(seed, 0)
            .map(|p| p.root)
            .unwrap_or_else(|_| config::json5::Node::object([]));
        config::json5::write(&root, config::json5::Style::Json)
    };
    let (big_iters, seed_iters) = if quick { (1, 1) } else { (20, 20_000) };
    bench("200 providers / 2,000 models", &big, big_iters);
    bench("seed example (JSON rendering)", &seed_json, seed_iters);
}

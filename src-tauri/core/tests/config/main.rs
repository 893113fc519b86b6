//! Integration tests of `switchboard_core::config`: the seed's examples, verdict parity with
//! OpenClaw's own validator over the corpus in `tests/fixtures/config/corpus`, round trips,
//! saving, import/export, the CLI and property tests of the loader.

mod cli;
mod comments;
mod kill;
mod models;
mod parity;
mod props;
mod roundtrip;
mod seed;
mod watch;

use std::path::{Path, PathBuf};

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config/corpus")
}

/// The environment every corpus file is checked with (for OpenClaw too).
pub fn test_env(name: &str) -> Option<String> {
    (name == "PARITY_SET_KEY").then(|| "set-in-test".to_owned())
}

/// Loads a corpus file with [`test_env`].
pub fn load(name: &str) -> switchboard_core::config::Loaded {
    switchboard_core::config::load_with(&corpus_dir().join(name), &test_env).expect("reads")
}

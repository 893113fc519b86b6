//! The end-to-end harness: a throw-away desktop (Xvfb, a private D-Bus session, an unlocked
//! throw-away gnome-keyring, private XDG folders), `tauri-driver` driving the real app binary,
//! and helpers to run the CLI headless.
//!
//! Everything started here is torn down on drop, also when a test fails or panics, and nothing
//! here ever reads or writes the real user's config, data or keychain.
#![deny(missing_docs)]

pub mod app;
pub mod desktop;
pub mod page;
pub mod process;
pub mod redis;
pub mod serve;
pub mod tray_host;

use std::path::PathBuf;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `switchboard` binary under test: `$SWITCHBOARD_BIN`, else the one cargo built next to
/// this test binary (`cargo build -p switchboard` must run first; `cargo test` does not build it).
pub fn app_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("SWITCHBOARD_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("no current exe: {e}"));
    // <target>/<profile>/deps/e2e-HASH → <target>/<profile>/switchboard
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap_or_else(|| panic!("odd test path {}", exe.display()));
    let bin = profile_dir.join("switchboard");
    assert!(
        bin.exists(),
        "{} does not exist: run `cargo build -p switchboard` before the end-to-end tests",
        bin.display()
    );
    bin
}

/// Where screenshots go: `<repo>/target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = repo_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

//! What this process last wrote to each file, so a file watcher can tell our own saves (the
//! window's edits, the tray's primary pick, a settings change) from edits made elsewhere (a text
//! editor, OpenClaw, the CLI in another process) without every caller of the saver having to
//! report its writes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use super::atomic::{resolve_links, Fingerprint};

fn table() -> &'static Mutex<HashMap<PathBuf, Fingerprint>> {
    static TABLE: OnceLock<Mutex<HashMap<PathBuf, Fingerprint>>> = OnceLock::new();
    TABLE.get_or_init(Mutex::default)
}

/// Notes that this process just wrote `written` to `path` (the link-resolved path).
pub(super) fn record(path: &Path, written: Fingerprint) {
    table()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(path.to_path_buf(), written);
}

/// Whether the bytes fingerprinted `now` at `path` are the ones this process last saved there.
pub fn written_here(path: &Path, now: Fingerprint) -> bool {
    let Ok(path) = resolve_links(path) else {
        return false;
    };
    table()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&path)
        .is_some_and(|ours| *ours == now)
}

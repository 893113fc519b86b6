//! Putting a file's new text on disk so that no reader, crash or second process ever sees it torn.
//!
//! A save takes an advisory lock on `.<name>.lock` next to the file (the CLI and the app may save
//! at once), then under that lock: checks the file still has the bytes it was loaded with
//! ([`ConfigError::ChangedOnDisk`] otherwise), removes temp files a killed save left behind,
//! writes the new text to a uniquely named temp file in the same directory and fsyncs it, copies
//! the old file to `<name>.bak` (through its own unique temp file), renames the temp file over
//! the original and fsyncs the directory. Any failure leaves the original untouched and the temp
//! files removed. Files are created with mode 0600.
//!
//! A config reached through a symbolic link is written to the link's target, so the link stays
//! a link (dotfile managers rely on that); the lock, temp files and `.bak` sit next to the target.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::config::ConfigError;

/// Identifies a file's content, to notice changes made behind our back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    len: u64,
    hash: u64,
}

impl Fingerprint {
    /// The fingerprint of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        Fingerprint {
            len: bytes.len() as u64,
            hash: h.finish(),
        }
    }
}

/// The steps of a save, for fault injection in tests of "the original survives".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Creating the temp file.
    CreateTemp,
    /// Writing the new text.
    Write,
    /// fsync of the temp file.
    Sync,
    /// Copying the old file to `.bak`.
    Backup,
    /// Renaming the temp file over the original.
    Rename,
}

/// The backup path of `path`: `<path>.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak", "")
}

/// The lock file guarding saves of `path` (a file that is not a link): `.<name>.lock` beside it.
/// It is never removed: removing a lock file lets two processes lock two different files.
pub fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".lock", ".")
}

/// Writes `text` to `path` atomically. `expected` is the fingerprint the file had when loaded
/// (`None`: it did not exist).
pub fn write_atomic(
    path: &Path,
    text: &str,
    expected: Option<Fingerprint>,
) -> Result<Fingerprint, ConfigError> {
    write_atomic_with(path, text, expected, &|_| Ok(()))
}

/// [`write_atomic`] with `hook` run before each [`Step`] (with the lock held); an error from it
/// fails that step.
pub fn write_atomic_with(
    path: &Path,
    text: &str,
    expected: Option<Fingerprint>,
    hook: &dyn Fn(Step) -> std::io::Result<()>,
) -> Result<Fingerprint, ConfigError> {
    let path = resolve_links(path).map_err(|e| ConfigError::io(path, e))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| ConfigError::io(&dir, e))?;
    let lock_file = lock_path(&path);
    let mut lock =
        fd_lock::RwLock::new(open_lock(&lock_file).map_err(|e| ConfigError::io(&lock_file, e))?);
    let _held = lock.write().map_err(|e| ConfigError::io(&lock_file, e))?;

    let current = match std::fs::read(&path) {
        Ok(bytes) => Some(Fingerprint::of(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(ConfigError::io(&path, e)),
    };
    if current != expected {
        return Err(ConfigError::ChangedOnDisk { path });
    }
    remove_stale_temps(&path, &dir);
    write_steps(&path, &dir, text, current.is_some(), hook)?;
    if let Ok(d) = File::open(&dir) {
        // Makes the rename durable; some file systems refuse directory fsync, which is fine.
        let _ignored = d.sync_all();
    }
    let written = Fingerprint::of(text.as_bytes());
    record(&path, written);
    Ok(written)
}

/// `<dir>/<lead><name><suffix>` for `path = <dir>/<name>`.
fn sibling(path: &Path, suffix: &str, lead: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(lead);
    name.push(path.file_name().unwrap_or_default());
    name.push(suffix);
    path.with_file_name(name)
}

/// Temp-file name prefixes of `path`: the new text's and the backup's.
fn temp_prefixes(path: &Path) -> [String; 2] {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    [format!(".{name}.tmp-"), format!(".{name}.bak-tmp")]
}

/// Follows symbolic links from `path` to the file they name (which may not exist yet).
pub(super) fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    // The same bound the kernel uses (ELOOP), so a link cycle is an error, not a hang.
    const MAX_LINKS: usize = 40;
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other(
        "too many levels of symbolic links (a link cycle?)",
    ))
}

fn open_lock(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Removes temp files of `path` left by a save that was killed. Only called with the lock held:
/// every live save holds it while its temp files exist, so any found now are leftovers.
fn remove_stale_temps(path: &Path, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefixes = temp_prefixes(path);
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if prefixes.iter().any(|p| name.starts_with(p.as_str()))
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(
            "removed {removed} temp file(s) an interrupted save of {} left behind",
            path.display()
        );
    }
}

/// A new temp file in `dir` named `<prefix><random>`, mode 0600 (tempfile's default on Unix);
/// removed again when dropped unless persisted.
fn new_temp(dir: &Path, prefix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new().prefix(prefix).tempfile_in(dir)
}

fn write_steps(
    path: &Path,
    dir: &Path,
    text: &str,
    exists: bool,
    hook: &dyn Fn(Step) -> std::io::Result<()>,
) -> Result<(), ConfigError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| ConfigError::io(p, e)
    };
    let [temp_prefix, bak_prefix] = temp_prefixes(path);
    hook(Step::CreateTemp).map_err(io(dir))?;
    let mut temp = new_temp(dir, &temp_prefix).map_err(io(dir))?;
    let temp_path = temp.path().to_path_buf();
    hook(Step::Write).map_err(io(&temp_path))?;
    temp.write_all(text.as_bytes()).map_err(io(&temp_path))?;
    hook(Step::Sync).map_err(io(&temp_path))?;
    temp.as_file().sync_all().map_err(io(&temp_path))?;
    if exists {
        let bak = backup_path(path);
        hook(Step::Backup).map_err(io(&bak))?;
        let copied = std::fs::read(path).and_then(|bytes| {
            let mut bak_temp = new_temp(dir, &bak_prefix)?;
            bak_temp.write_all(&bytes)?;
            bak_temp.as_file().sync_all()?;
            bak_temp.persist(&bak).map(drop).map_err(|e| e.error)
        });
        copied.map_err(io(&bak))?;
    }
    hook(Step::Rename).map_err(io(path))?;
    temp.persist(path).map(drop).map_err(|e| io(path)(e.error))
}

// What this process last wrote to each file, so a file watcher can tell our own saves (the
// window's edits, the tray's primary pick, a settings change) from edits made elsewhere (a text
// editor, OpenClaw, the CLI in another process) without every caller of the saver having to
// report its writes. Recorded under the save's lock, before a watcher can see the rename.

fn table() -> &'static Mutex<HashMap<PathBuf, Fingerprint>> {
    static TABLE: OnceLock<Mutex<HashMap<PathBuf, Fingerprint>>> = OnceLock::new();
    TABLE.get_or_init(Mutex::default)
}

/// Notes that this process just wrote `written` to `path` (the link-resolved path).
fn record(path: &Path, written: Fingerprint) {
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

#[cfg(test)]
mod tests;

//! Files only this user may read: chats, logs and the gateway token live in folders created
//! 0700 and files kept 0600. Folders and files left open to others by an older version (or a
//! wide umask) are tightened when they are opened, and the caller logs it once.
//!
//! On platforms without Unix modes these are no-ops: their per-user folders are private already.

use std::path::Path;

/// Creates `dir` (and its parents) readable by this user only; an existing `dir` open to
/// others is tightened to 0700. `true` when an existing folder was tightened.
pub fn private_dir(dir: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
            return Ok(false);
        }
        tighten(dir, 0o700)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir).map(|()| false)
    }
}

/// Tightens `file` to 0600 when it exists and others may read or write it. `true` when it
/// changed; a missing file is not an error.
pub fn private_file(file: &Path) -> std::io::Result<bool> {
    match std::fs::symlink_metadata(file) {
        Ok(meta) if meta.is_file() => tighten(file, 0o600),
        Ok(_) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether others (group or world) may read or write `path`.
pub fn open_to_others(path: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(false)
    }
}

#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current & 0o077 == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(true)
}

#[cfg(not(unix))]
fn tighten(_path: &Path, _mode: u32) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
    }

    #[test]
    fn new_folders_are_0700_and_open_ones_are_tightened() {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path().join("a/b");
        assert!(
            !private_dir(&dir).expect("creates"),
            "new, nothing tightened"
        );
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert!(open_to_others(&dir).expect("stat"));
        assert!(private_dir(&dir).expect("tightens"));
        assert_eq!(mode(&dir), 0o700);
        assert!(!private_dir(&dir).expect("again"), "already private");
    }

    #[test]
    fn files_open_to_others_become_0600_and_missing_ones_are_fine() {
        let root = tempfile::tempdir().expect("tempdir");
        let file = root.path().join("history.sqlite3");
        assert!(!private_file(&file).expect("missing is fine"));
        std::fs::write(&file, "x").expect("writes");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(private_file(&file).expect("tightens"));
        assert_eq!(mode(&file), 0o600);
        assert!(!open_to_others(&file).expect("stat"));
    }
}

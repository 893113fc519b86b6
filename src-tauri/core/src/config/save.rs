//! Saving: the new text goes to a temp file in the same directory, is fsynced, the old file is
//! copied to `<name>.bak` (one backup, replaced each save), and the temp file is renamed over the
//! original; the directory is fsynced last. Any failure leaves the original untouched and the
//! temp file removed. Files are created with mode 0600.
//!
//! A save refuses to overwrite a file whose bytes differ from the ones loaded
//! ([`ConfigError::ChangedOnDisk`]), and refuses to write a plaintext API key anywhere the user
//! did not already put it.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::include::{contains_include, INCLUDE_KEY};
use super::json5::{self, Node, Style};
use super::model::{ApiKey, Config};
use super::{ConfigError, Loaded};

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
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
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

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// [`write_atomic`] with `hook` run before each [`Step`]; an error from it fails that step.
pub fn write_atomic_with(
    path: &Path,
    text: &str,
    expected: Option<Fingerprint>,
    hook: &dyn Fn(Step) -> std::io::Result<()>,
) -> Result<Fingerprint, ConfigError> {
    let current = match std::fs::read(path) {
        Ok(bytes) => Some(Fingerprint::of(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(ConfigError::io(path, e)),
    };
    if current != expected {
        return Err(ConfigError::ChangedOnDisk {
            path: path.to_path_buf(),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| ConfigError::io(&dir, e))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = write_steps(path, &temp, text, current.is_some(), hook);
    if result.is_err() {
        // The temp file may not exist; the original is untouched either way.
        let _ignored = std::fs::remove_file(&temp);
    }
    result?;
    if let Ok(d) = std::fs::File::open(&dir) {
        // Makes the rename durable; some file systems refuse directory fsync, which is fine.
        let _ignored = d.sync_all();
    }
    Ok(Fingerprint::of(text.as_bytes()))
}

fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_steps(
    path: &Path,
    temp: &Path,
    text: &str,
    exists: bool,
    hook: &dyn Fn(Step) -> std::io::Result<()>,
) -> Result<(), ConfigError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| ConfigError::io(p, e)
    };
    hook(Step::CreateTemp).map_err(io(temp))?;
    let mut file = open_private(temp).map_err(io(temp))?;
    hook(Step::Write).map_err(io(temp))?;
    file.write_all(text.as_bytes()).map_err(io(temp))?;
    hook(Step::Sync).map_err(io(temp))?;
    file.sync_all().map_err(io(temp))?;
    drop(file);
    if exists {
        let bak = backup_path(path);
        hook(Step::Backup).map_err(io(&bak))?;
        let bak_temp = temp.with_extension("bak-tmp");
        let copied = std::fs::read(path).and_then(|bytes| {
            let mut f = open_private(&bak_temp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&bak_temp, &bak)
        });
        if copied.is_err() {
            let _ignored = std::fs::remove_file(&bak_temp);
        }
        copied.map_err(io(&bak))?;
    }
    hook(Step::Rename).map_err(io(path))?;
    std::fs::rename(temp, path).map_err(io(path))
}

/// The file's style: JSON for `*.json`, JSON5 otherwise.
pub fn style_for(path: &Path) -> Style {
    if path.extension().is_some_and(|e| e == "json") {
        Style::Json
    } else {
        Style::Json5
    }
}

/// Writes `config` into `raw` (the main file's tree): `models.mode`, `models.providers`,
/// `agents.defaults.model` and `agents.defaults.models`; every other key stays as it was.
pub fn apply(raw: &Node, config: &Config, file: &Path) -> Result<Node, ConfigError> {
    let not_writable = |reason: &str| ConfigError::NotWritable {
        path: file.to_path_buf(),
        reason: reason.to_owned(),
    };
    let mut root = if raw.members().is_some() {
        raw.clone()
    } else {
        Node::object([])
    };
    if root.get(INCLUDE_KEY).is_some()
        || root.get("models").is_some_and(contains_include)
        || root.get("agents").is_some_and(|a| {
            a.get(INCLUDE_KEY).is_some() || a.get("defaults").is_some_and(contains_include)
        })
    {
        return Err(not_writable(
            "it uses $include where Switchboard would write; edit the included file by hand",
        ));
    }
    check_plaintext_keys(raw, config)?;
    let mut models = root
        .get("models")
        .filter(|m| m.members().is_some())
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    let new_models = config.models_node();
    match new_models.get("mode") {
        Some(mode) => models.set("mode", mode.clone()),
        None => {
            models.remove("mode");
        }
    }
    if let Some(p) = new_models.get("providers") {
        if config.providers.is_empty() && models.get("providers").is_none() {
            // Nothing to write.
        } else {
            models.set("providers", p.clone());
        }
    }
    if models.members().is_some_and(|m| !m.is_empty()) || root.get("models").is_some() {
        root.set("models", models);
    }
    let has_agent_parts = config.model.is_some() || !config.models.is_empty();
    let mut agents = root
        .get("agents")
        .filter(|a| a.members().is_some())
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    let mut defaults = agents
        .get("defaults")
        .filter(|d| d.members().is_some())
        .cloned()
        .unwrap_or_else(|| Node::object([]));
    match config.agent_model_node() {
        Some(m) => defaults.set("model", m),
        None => {
            defaults.remove("model");
        }
    }
    if config.models.is_empty() {
        defaults.remove("models");
    } else {
        defaults.set("models", config.agent_models_node());
    }
    if has_agent_parts || agents.get("defaults").is_some() {
        agents.set("defaults", defaults);
    }
    if has_agent_parts || root.get("agents").is_some() {
        root.set("agents", agents);
    }
    Ok(root)
}

/// A plaintext key may be written only where the file already holds that same key.
fn check_plaintext_keys(raw: &Node, config: &Config) -> Result<(), ConfigError> {
    for p in &config.providers {
        let Some(ApiKey::Plain(key)) = &p.api_key else {
            continue;
        };
        let existing = raw
            .get("models")
            .and_then(|m| m.get("providers"))
            .and_then(|ps| ps.get(&p.id))
            .and_then(|n| n.get("apiKey"))
            .and_then(Node::as_str);
        if existing != Some(key.as_str()) {
            return Err(ConfigError::rejected(
                &format!("models.providers.{}.apiKey", p.id),
                "a plaintext API key is not written to the config: use ${ENV_VAR}, a secret ref \
                 ({source, provider, id}) or `switchboard keys set`",
            ));
        }
    }
    Ok(())
}

/// Saves `config` over the file `loaded` came from and returns the reloaded file.
pub fn save(loaded: &Loaded, config: &Config) -> Result<Fingerprint, ConfigError> {
    let root = apply(&loaded.raw, config, &loaded.path)?;
    let text = json5::write(&root, style_for(&loaded.path));
    write_atomic(&loaded.path, &text, loaded.fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_step_leaves_the_original_and_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json5");
        std::fs::write(&path, "{ old: 1 }").expect("write");
        let fp = Fingerprint::of(b"{ old: 1 }");
        for step in [
            Step::CreateTemp,
            Step::Write,
            Step::Sync,
            Step::Backup,
            Step::Rename,
        ] {
            let hook = move |s: Step| {
                if s == step {
                    Err(std::io::Error::other("disk full"))
                } else {
                    Ok(())
                }
            };
            let err = write_atomic_with(&path, "{ new: 2 }", Some(fp), &hook).expect_err("fails");
            assert_eq!(err.kind().as_str(), "io", "{step:?}");
            assert_eq!(
                std::fs::read_to_string(&path).expect("read"),
                "{ old: 1 }",
                "{step:?}"
            );
            let names: Vec<_> = std::fs::read_dir(dir.path())
                .expect("ls")
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("tmp"))
                .collect();
            assert!(names.is_empty(), "{step:?}: {names:?}");
        }
        let new = write_atomic(&path, "{ new: 2 }", Some(fp)).expect("saves");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{ new: 2 }");
        assert_eq!(
            std::fs::read_to_string(backup_path(&path)).expect("bak"),
            "{ old: 1 }"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let err = write_atomic(&path, "{ x: 3 }", Some(fp)).expect_err("stale");
        assert_eq!(err.kind().as_str(), "changed_on_disk");
        write_atomic(&path, "{ x: 3 }", Some(new)).expect("fresh fingerprint saves");
    }
}

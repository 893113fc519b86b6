//! Verdict parity with OpenClaw's own `openclaw config validate --json`.
//!
//! Every `*.json5` in the corpus has a `*.expect.json` with OpenClaw 2026.9.6's verdict. Our
//! validator must agree with it on every file. When `SWITCHBOARD_OPENCLAW_HOME` names an
//! install (made by `install_openclaw` in `.ci/lib.sh`), OpenClaw itself is run on every file
//! too and must still give the recorded verdicts.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{corpus_dir, test_env};

/// Environment variable naming the OpenClaw install (`node/` and `openclaw/` inside).
const OPENCLAW_HOME_ENV: &str = "SWITCHBOARD_OPENCLAW_HOME";

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json5"))
        .collect();
    files.sort();
    files
}

fn expected(file: &Path) -> bool {
    let text = std::fs::read_to_string(file.with_extension("expect.json")).expect("expect file");
    let json: serde_json::Value = serde_json::from_str(&text).expect("expect json");
    json["valid"].as_bool().expect("valid flag")
}

#[test]
fn our_verdicts_match_openclaws_recorded_ones() {
    let files = corpus();
    assert!(files.len() >= 30, "corpus has {} files", files.len());
    let mut wrong = Vec::new();
    for file in &files {
        let loaded = switchboard_core::config::load_with(file, &test_env).expect("reads");
        if loaded.is_valid() != expected(file) {
            wrong.push(format!(
                "{}: ours {} — {:#?}",
                file.display(),
                loaded.is_valid(),
                loaded.diagnostics
            ));
        }
        for d in loaded.errors() {
            let no_position = d.message.contains("include");
            assert!(d.line > 0 || no_position, "{d}");
        }
    }
    assert!(wrong.is_empty(), "verdicts differ:\n{}", wrong.join("\n"));
}

#[test]
fn errors_name_file_line_col_and_path() {
    let loaded = super::load("16-context-window-string.json5");
    let lines: Vec<String> = loaded.errors().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].ends_with("16-context-window-string.json5:6:55: models.providers.lmstudio.models[0].contextWindow: expected a positive number, got \"big\""),
        "{}",
        lines[0]
    );
    let many = super::load("50-many-errors.json5");
    assert_eq!(many.errors().count(), 6, "{:#?}", many.diagnostics);
    let syntax = super::load("33-syntax-missing-comma.json5");
    let first = syntax.errors().next().expect("an error").to_string();
    assert!(
        first.contains(
            "33-syntax-missing-comma.json5:4:5: <root>: JSON5 syntax error: invalid character 'p'"
        ),
        "{first}"
    );
    let secret = super::load("27-env-set.json5");
    assert!(secret.is_valid());
    let unset = super::load("28-env-unset.json5");
    let warning = unset.warnings().next().expect("a warning").to_string();
    assert!(warning.contains("PARITY_UNSET_KEY is not set"), "{warning}");
}

/// Runs OpenClaw's validator on `file`; `Some(valid)`, or `None` if it could not run.
pub(crate) fn openclaw_verdict(home: &Path, file: &Path) -> Option<(bool, String)> {
    let node = home.join("node/node_modules/.bin/node");
    let mjs = home.join("openclaw/node_modules/openclaw/openclaw.mjs");
    let work = tempfile::tempdir().ok()?;
    let w = work.path();
    for d in ["home", "tmp", "state", "cwd"] {
        std::fs::create_dir_all(w.join(d)).ok()?;
    }
    let out = Command::new(node)
        .arg(mjs)
        .args(["--no-color", "config", "validate", "--json"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", w.join("home"))
        .env("XDG_CONFIG_HOME", w.join("home/.config"))
        .env("XDG_DATA_HOME", w.join("home/.local/share"))
        .env("XDG_STATE_HOME", w.join("home/.local/state"))
        .env("XDG_CACHE_HOME", w.join("home/.cache"))
        .env("TMPDIR", w.join("tmp"))
        .env("OPENCLAW_STATE_DIR", w.join("state"))
        .env("OPENCLAW_LOG_LEVEL", "silent")
        .env("OPENCLAW_CONFIG_PATH", std::path::absolute(file).ok()?)
        .env("PARITY_SET_KEY", "set-in-test")
        .current_dir(w.join("cwd"))
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout).ok()?;
    Some((json["valid"].as_bool()?, stdout))
}

pub(crate) fn openclaw_home() -> Option<PathBuf> {
    let home = PathBuf::from(std::env::var_os(OPENCLAW_HOME_ENV)?);
    if home
        .join("openclaw/node_modules/openclaw/openclaw.mjs")
        .is_file()
    {
        Some(home)
    } else {
        panic!(
            "{OPENCLAW_HOME_ENV}={} has no OpenClaw install",
            home.display()
        );
    }
}

#[test]
fn openclaw_itself_still_gives_the_recorded_verdicts() {
    let Some(home) = openclaw_home() else {
        switchboard_fakes::peer::missing(
            "config parity with OpenClaw itself",
            &format!(
                "{OPENCLAW_HOME_ENV} is not set (`source .ci/lib.sh && install_openclaw`); only \
                 the recorded verdicts were checked"
            ),
        );
        return;
    };
    let files = corpus();
    let chunks: Vec<Vec<PathBuf>> = files
        .chunks(files.len().div_ceil(2))
        .map(<[PathBuf]>::to_vec)
        .collect();
    let results: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let home = home.clone();
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|f| match openclaw_verdict(&home, f) {
                            Some((valid, _)) if valid == expected(f) => None,
                            Some((valid, out)) => {
                                Some(format!("{}: OpenClaw says {valid}: {out}", f.display()))
                            }
                            None => Some(format!("{}: OpenClaw did not run", f.display())),
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    assert!(
        results.is_empty(),
        "recorded verdicts drifted:\n{}",
        results.join("\n")
    );
}

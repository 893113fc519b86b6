//! Saves keep the file as the person wrote it: route edits from the CLI and a provider added
//! from the window change only their own lines of a commented config, and OpenClaw's own
//! validator still accepts the result. The same holds for an export into a person's own
//! `openclaw.json`.

use std::path::Path;

use switchboard_core::cli::{dispatch, Cli, Command};
use switchboard_core::config::view::{self, EditInput, KeyInput, ModelInput, ProviderInput};
use switchboard_core::paths::Paths;

use super::parity::{openclaw_home, openclaw_verdict};
use super::test_env;

const COMMENTED: &str = r#"// Switchboard profiles, written by hand: keep these notes.
{
  /* Local first, then the small model. */
  agents: {
    defaults: {
      model: {
        primary: "lmstudio/minimax-m2.1", // the fast one
        fallbacks: ["lmstudio/qwen3-8b"],
      },
      models: {
        "lmstudio/minimax-m2.1": { alias: "MiniMax" },
        'lmstudio/qwen3-8b': { alias: "Qwen" }, // single quotes on purpose
      },
    },
  },
  models: {
    mode: "merge",
    providers: {
      // LM Studio on this machine.
      lmstudio: {
        baseUrl: "http://127.0.0.1:1234/v1",
        api: "openai-completions",
        authHeader: false,
        models: [
          { id: "minimax-m2.1", name: "MiniMax M2.1", contextWindow: 196608 },
          { id: "qwen3-8b", name: "Qwen3 8B" }, // small
          { id: "gemma-3", name: "Gemma 3" },
        ],
      },
    },
  },
}
"#;

/// `switchboard models ARGS…` against `file`, parsed as the binary parses it.
fn models(file: &Path, args: &[&str]) {
    use clap::Parser;
    let cli = Cli::try_parse_from(["switchboard", "models"].iter().chain(args)).expect("parses");
    let paths = Paths {
        config_file: file.to_path_buf(),
        data_dir: file.with_file_name("data"),
        log_dir: file.with_file_name("logs"),
    };
    let mut out = Vec::new();
    let command: Command = cli.command.expect("a command");
    dispatch(command, &paths, &mut out).unwrap_or_else(|e| panic!("{args:?}: {e}"));
}

fn add_ollama(file: &Path) {
    let revision = view::load(file, &test_env).expect("loads").revision;
    let provider = ProviderInput {
        id: "ollama".into(),
        base_url: Some("http://127.0.0.1:11434/v1".into()),
        api: Some("openai-completions".into()),
        auth: None,
        auth_header: Some(false),
        max_tokens: None,
        timeout_seconds: None,
        key: KeyInput::Keep,
        headers: None,
        models: Some(vec![serde_json::from_value::<ModelInput>(
            serde_json::json!({ "id": "qwen3:32b", "name": "Qwen3 32B" }),
        )
        .expect("model input")]),
    };
    view::apply(
        file,
        revision.as_deref(),
        EditInput::UpsertProvider { provider },
        &test_env,
    )
    .expect("adds the provider");
}

/// The lines of `after` that are not in `before` and those of `before` not in `after`, in order.
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    // Longest common subsequence of lines: what is left over on either side changed.
    let mut lcs = vec![vec![0usize; a.len() + 1]; b.len() + 1];
    for i in (0..b.len()).rev() {
        for j in (0..a.len()).rev() {
            lcs[i][j] = if b[i] == a[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    while i < b.len() || j < a.len() {
        if i < b.len() && j < a.len() && b[i] == a[j] {
            i += 1;
            j += 1;
        } else if j < a.len() && (i == b.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(a[j].to_owned());
            j += 1;
        } else {
            removed.push(b[i].to_owned());
            i += 1;
        }
    }
    (removed, added)
}

fn openclaw_accepts(file: &Path) {
    let Some(home) = openclaw_home() else {
        switchboard_fakes::peer::missing(
            "OpenClaw's validator on a patched config",
            "SWITCHBOARD_OPENCLAW_HOME is not set (`source .ci/lib.sh && install_openclaw`)",
        );
        return;
    };
    let (valid, out) = openclaw_verdict(&home, file).expect("OpenClaw runs");
    assert!(valid, "OpenClaw refuses the patched file: {out}");
}

#[test]
fn route_edits_and_a_new_provider_change_only_their_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("config.json5");
    std::fs::write(&file, COMMENTED).expect("write");
    models(&file, &["primary", "lmstudio/gemma-3"]);
    add_ollama(&file);
    models(&file, &["fallback", "add", "ollama/qwen3:32b"]);
    models(&file, &["alias", "lmstudio/qwen3-8b", "--remove"]);
    let after = std::fs::read_to_string(&file).expect("read");
    let (removed, added) = changed_lines(COMMENTED, &after);
    assert_eq!(
        removed,
        [
            r#"        primary: "lmstudio/minimax-m2.1", // the fast one"#,
            r#"        fallbacks: ["lmstudio/qwen3-8b"],"#,
            r#"        'lmstudio/qwen3-8b': { alias: "Qwen" }, // single quotes on purpose"#,
        ],
        "{after}"
    );
    assert_eq!(
        added,
        [
            r#"        primary: "lmstudio/gemma-3", // the fast one"#,
            r#"        fallbacks: ["lmstudio/qwen3-8b", "ollama/qwen3:32b"],"#,
            r#"        'lmstudio/qwen3-8b': {}, // single quotes on purpose"#,
            r#"      ollama: {"#,
            r#"        baseUrl: "http://127.0.0.1:11434/v1","#,
            r#"        api: "openai-completions","#,
            r#"        authHeader: false,"#,
            r#"        models: ["#,
            r#"          {"#,
            r#"            id: "qwen3:32b","#,
            r#"            name: "Qwen3 32B","#,
            r#"          },"#,
            r#"        ],"#,
            r#"      },"#,
        ],
        "{after}"
    );
    let loaded = switchboard_core::config::load_with(&file, &test_env).expect("reads");
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    openclaw_accepts(&file);
}

#[test]
fn an_export_into_a_commented_openclaw_json_keeps_its_comments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ours = dir.path().join("config.json5");
    std::fs::write(&ours, COMMENTED).expect("write");
    let theirs = dir.path().join("openclaw.json");
    let own = "{\n  // my gateway\n  \"gateway\": { \"port\": 18789 },\n  \"models\": {\n    \"providers\": {}\n  }\n}\n";
    std::fs::write(&theirs, own).expect("write");
    view::export_openclaw(&ours, Some(&theirs), &test_env).expect("exports");
    let after = std::fs::read_to_string(&theirs).expect("read");
    assert!(
        after.starts_with(
            "{\n  // my gateway\n  \"gateway\": { \"port\": 18789 },\n  \"models\": {\n"
        ),
        "{after}"
    );
    assert!(after.contains("\"lmstudio\": {"), "{after}");
    assert!(after.contains("\"agents\": {"), "{after}");
    openclaw_accepts(&theirs);
}

/// `switchboard models ARGS…` against `file`: its error text, if it failed.
fn models_err(file: &Path, args: &[&str]) -> Option<String> {
    use clap::Parser;
    let cli = Cli::try_parse_from(["switchboard", "models"].iter().chain(args)).expect("parses");
    let paths = Paths {
        config_file: file.to_path_buf(),
        data_dir: file.with_file_name("data"),
        log_dir: file.with_file_name("logs"),
    };
    dispatch(cli.command.expect("a command"), &paths, &mut Vec::new())
        .err()
        .map(|e| e.to_string())
}

#[test]
fn a_refused_route_edit_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("config.json5");
    std::fs::write(&file, COMMENTED).expect("write");
    for (args, says) in [
        (&["fallback", "remove", "lmstudio/gemma-3"][..], "not found"),
        (
            &["fallback", "add", "lmstudio/minimax-m2.1"][..],
            "already a route",
        ),
        (&["alias", "lmstudio/gemma-3", "--remove"][..], "not found"),
        (&["alias", "lmstudio/gemma-3", "MiniMax"][..], "MiniMax"),
    ] {
        let err = models_err(&file, args).unwrap_or_else(|| panic!("{args:?} was accepted"));
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            COMMENTED,
            "{args:?}"
        );
    }
    assert!(!file.with_file_name("config.json5.bak").exists());
}

//! `switchboard models [--json]`: the configured models, their aliases and the primary/fallback
//! order of `agents.defaults.model`; `switchboard models primary|fallback|alias …` edits them
//! ([`edit`]); `switchboard models download` downloads one through LM Studio ([`download`]).
//!
//! Human output is a table; `--json` prints one JSON document (a [`ModelsDoc`]). A config with
//! errors prints them to stderr as `file:line:col: path: message` and exits 1; warnings go to
//! stderr too. A missing config is a first run: it says so and how to add models (exit 0).

use std::io::Write;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Exit;
use crate::config::view::{self, AliasView, ConfigView, ModelView};
use crate::config::ConfigError;
use crate::paths::Paths;

mod download;
mod edit;

pub use download::DownloadArgs;
pub use edit::{FallbackEdit, RouteEdit};

/// What `switchboard models` does instead of listing.
#[derive(Debug, Clone, Subcommand)]
pub enum ModelsCommand {
    /// A route edit (`primary`, `fallback`, `alias`).
    #[command(flatten)]
    Edit(RouteEdit),
    /// Download a model through LM Studio (0.4.0 or later) and follow it to the end; without
    /// MODEL, the largest MiniMax M2.1 build this machine's memory fits (or a smaller model, with
    /// a warning). Interrupting stops following it; the download goes on in LM Studio.
    Download(DownloadArgs),
}

/// `switchboard models` options.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ModelsArgs {
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Edit the routes, or download a model, instead of listing them.
    #[command(subcommand)]
    pub edit: Option<ModelsCommand>,
}

/// What `--json` prints.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelsDoc<'a> {
    /// The config file.
    pub path: &'a str,
    /// Whether it exists.
    pub exists: bool,
    /// Every configured model, provider by provider.
    pub models: Vec<&'a ModelView>,
    /// The aliases.
    pub aliases: &'a [AliasView],
    /// The primary route as written (a ref or an alias).
    pub primary: Option<&'a str>,
    /// The fallbacks, in order, as written.
    pub fallbacks: &'a [String],
}

impl<'a> ModelsDoc<'a> {
    /// The document for `view`.
    pub fn of(view: &'a ConfigView) -> Self {
        ModelsDoc {
            path: &view.path,
            exists: view.exists,
            models: view.models().collect(),
            aliases: &view.aliases,
            primary: view.primary.as_deref(),
            fallbacks: &view.fallbacks,
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

const HOW_TO_ADD: &str = "Add a provider with models to it (see `switchboard config path`), \
import them with `switchboard config import-openclaw`, or use the app's setup.";

/// Runs `models`, printing results to `out` and problems to `err`.
pub fn run(args: &ModelsArgs, paths: &Paths, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    match &args.edit {
        Some(ModelsCommand::Edit(route_edit)) => return edit::run(route_edit, paths, out, err),
        Some(ModelsCommand::Download(download)) => return download::run(download, out, err),
        None => {}
    }
    let result = view::load(&paths.config_file, &env)
        .and_then(|v| print(args, &v, out, err).map_err(|e| ConfigError::io("<stdout>", e)));
    match result {
        Ok(exit) => exit,
        Err(e) => {
            let text = crate::logging::redact::redact(&e.to_string()).into_owned();
            // If stderr is gone there is nobody left to tell.
            let _ignored = writeln!(err, "switchboard: {text}");
            Exit::Failure
        }
    }
}

/// Prints `view` as `args` asks; the config's diagnostics go to `err`.
pub fn print(
    args: &ModelsArgs,
    view: &ConfigView,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    for d in &view.diagnostics {
        let position = if d.line > 0 {
            format!(":{}:{}", d.line, d.column)
        } else {
            String::new()
        };
        let warn = if d.severity == crate::config::Severity::Warning {
            "warning: "
        } else {
            ""
        };
        writeln!(err, "{}{position}: {}: {warn}{}", d.file, d.path, d.message)?;
    }
    if !view.valid {
        return Ok(Exit::Failure);
    }
    if args.json {
        let doc =
            serde_json::to_string_pretty(&ModelsDoc::of(view)).map_err(std::io::Error::other)?;
        writeln!(out, "{doc}")?;
        if view.models().next().is_none() {
            writeln!(err, "No models yet. {HOW_TO_ADD}")?;
        }
        return Ok(Exit::Success);
    }
    if !view.exists {
        writeln!(out, "No models yet: {} does not exist.", view.path)?;
        writeln!(out, "{HOW_TO_ADD}")?;
        return Ok(Exit::Success);
    }
    write_table(view, out)?;
    Ok(Exit::Success)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn price(n: f64) -> String {
    format!("{n}")
}

fn write_rows(out: &mut dyn Write, rows: &[Vec<String>]) -> std::io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[c] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The human table: models, then aliases, then routes.
fn write_table(view: &ConfigView, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Models ({})", view.path)?;
    let mut rows = vec![[
        "REF",
        "NAME",
        "API",
        "CONTEXT",
        "MAX OUT",
        "REASONING",
        "INPUT",
        "COST IN/OUT/CACHE R/W ($/M)",
    ]
    .map(str::to_owned)
    .to_vec()];
    for m in view.models() {
        rows.push(vec![
            m.model_ref.clone(),
            m.name.clone(),
            m.api.clone(),
            m.context_window
                .map_or_else(|| "-".into(), |n| n.to_string()),
            m.max_tokens.to_string(),
            yes_no(m.reasoning).into(),
            m.input.join(","),
            format!(
                "{}/{}/{}/{}",
                price(m.cost.input),
                price(m.cost.output),
                price(m.cost.cache_read),
                price(m.cost.cache_write)
            ),
        ]);
    }
    if rows.len() == 1 {
        writeln!(out, "  (none) {HOW_TO_ADD}")?;
    } else {
        write_rows(out, &rows)?;
    }
    writeln!(out)?;
    writeln!(out, "Aliases")?;
    if view.aliases.is_empty() {
        writeln!(out, "  (none)")?;
    } else {
        let rows: Vec<Vec<String>> = view
            .aliases
            .iter()
            .map(|a| {
                let note = if a.configured {
                    String::new()
                } else {
                    "(not configured here)".into()
                };
                vec![
                    format!("  {}", a.alias),
                    "->".into(),
                    a.model_ref.clone(),
                    note,
                ]
            })
            .collect();
        write_rows(out, &rows)?;
    }
    writeln!(out)?;
    writeln!(out, "Routes")?;
    let route = |r: &str| match view.resolve(r) {
        Some(to) if to == r => r.to_owned(),
        Some(to) => format!("{r} ({to})"),
        None => format!("{r} (not configured here)"),
    };
    match &view.primary {
        None => writeln!(out, "  primary:    (none; set agents.defaults.model)")?,
        Some(p) => writeln!(out, "  primary:    {}", route(p))?,
    }
    for (i, f) in view.fallbacks.iter().enumerate() {
        writeln!(out, "  fallback {}: {}", i + 1, route(f))?;
    }
    Ok(())
}

/// For [`super::dispatch`]: runs `models` and folds any failure into one [`crate::Error`].
pub fn dispatch(args: &ModelsArgs, paths: &Paths, out: &mut dyn Write) -> crate::Result<()> {
    let mut err = Vec::new();
    match run(args, paths, out, &mut err) {
        Exit::Success => Ok(()),
        Exit::Failure => Err(crate::Error::InvalidInput(
            String::from_utf8_lossy(&err).trim_end().to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths_for(file: std::path::PathBuf) -> Paths {
        let dir = file.parent().expect("dir").to_path_buf();
        Paths {
            config_file: file,
            data_dir: dir.join("data"),
            log_dir: dir.join("logs"),
        }
    }

    fn run_on(text: Option<&str>, json: bool) -> (Exit, String, String) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config.json5");
        if let Some(text) = text {
            std::fs::write(&file, text).expect("write");
        }
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = run(
            &ModelsArgs { json, edit: None },
            &paths_for(file),
            &mut out,
            &mut err,
        );
        (
            exit,
            String::from_utf8(out).expect("utf-8"),
            String::from_utf8(err).expect("utf-8"),
        )
    }

    const SEED: &str = r#"{
  agents: { defaults: {
    model: { primary: "Minimax", fallbacks: ["anthropic/claude-opus-4-6"] },
    models: {
      "anthropic/claude-opus-4-6": { alias: "Opus" },
      "lmstudio/minimax-m2.1-gs32": { alias: "Minimax" },
    },
  } },
  models: { providers: { lmstudio: {
    baseUrl: "http://127.0.0.1:1234/v1", apiKey: "lmstudio", api: "openai-responses",
    models: [{ id: "minimax-m2.1-gs32", name: "MiniMax M2.1 GS32", contextWindow: 196608, maxTokens: 8192 }],
  } } },
}"#;

    #[test]
    fn table_lists_models_aliases_and_routes() {
        let (exit, out, err) = run_on(Some(SEED), false);
        assert_eq!(exit, Exit::Success, "{err}");
        let header = out.lines().nth(1).expect("header");
        assert!(header.starts_with("REF  "), "{out}");
        let row = out
            .lines()
            .find(|l| l.starts_with("lmstudio/minimax-m2.1-gs32"))
            .expect("model row");
        for cell in [
            "MiniMax M2.1 GS32",
            "openai-responses",
            "196608",
            "8192",
            "no",
            "text",
            "0/0/0/0",
        ] {
            assert!(row.contains(cell), "{cell} in {row}");
        }
        // Columns line up: every cell of the header starts where the row's does.
        assert_eq!(header.find("API"), row.find("openai-responses"));
        assert!(
            out.contains("Minimax  ->  lmstudio/minimax-m2.1-gs32"),
            "{out}"
        );
        assert!(
            out.contains("Opus     ->  anthropic/claude-opus-4-6   (not configured here)"),
            "{out}"
        );
        assert!(
            out.contains("primary:    Minimax (lmstudio/minimax-m2.1-gs32)"),
            "{out}"
        );
        assert!(
            out.contains("fallback 1: anthropic/claude-opus-4-6 (not configured here)"),
            "{out}"
        );
        assert!(!out.contains("lmstudio\""), "no key value printed");
    }

    #[test]
    fn json_is_one_document() {
        let (exit, out, _) = run_on(Some(SEED), true);
        assert_eq!(exit, Exit::Success);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
        assert_eq!(doc["models"][0]["ref"], "lmstudio/minimax-m2.1-gs32");
        assert_eq!(doc["models"][0]["contextWindow"], 196_608);
        assert_eq!(doc["models"][0]["cost"]["input"], 0.0);
        assert_eq!(doc["aliases"][1]["alias"], "Minimax");
        assert_eq!(doc["primary"], "Minimax");
        assert_eq!(doc["fallbacks"][0], "anthropic/claude-opus-4-6");
        assert_eq!(doc["exists"], true);
    }

    #[test]
    fn errors_fail_with_file_line_col_lines() {
        let text = "{\n  models: { providers: { x: { baseUrl: \"http://h/v1\", models: [{ id: \"m\", name: \"M\", contextWindow: 0 }] } } },\n}\n";
        let (exit, out, err) = run_on(Some(text), false);
        assert_eq!(exit, Exit::Failure);
        assert!(out.is_empty(), "{out}");
        let line = err.lines().next().expect("a line");
        assert!(line.contains("config.json5:2:"), "{line}");
        assert!(
            line.contains(": models.providers.x.models[0].contextWindow: "),
            "{line}"
        );
    }

    #[test]
    fn a_missing_config_says_how_to_add_models() {
        let (exit, out, err) = run_on(None, false);
        assert_eq!(exit, Exit::Success, "{err}");
        assert!(out.starts_with("No models yet:"), "{out}");
        assert!(out.contains("import-openclaw"), "{out}");
        let (exit, out, err) = run_on(None, true);
        assert_eq!(exit, Exit::Success);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(doc["exists"], false);
        assert_eq!(doc["models"], serde_json::json!([]));
        assert!(err.contains("No models yet"), "{err}");
    }
}

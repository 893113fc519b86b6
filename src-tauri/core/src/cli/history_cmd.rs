//! `switchboard history list | search QUERY [--left-machine] | export ID [--format md|json] | export --all`.
//!
//! Output is for people on stdout; a damaged database that was moved aside is reported on
//! stderr (through the log's stderr layer) and the command goes on with a fresh one.

use std::io::{IsTerminal, Write};

use clap::{Subcommand, ValueEnum};

use crate::history::{ExportFormat, HistoryStore, SearchFilter, SearchHit};
use crate::paths::Paths;
use crate::{Error, Result};

/// `switchboard history …`
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// List conversations, pinned first, then most recent first.
    List {
        /// How many to show.
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: usize,
    },
    /// Search messages (every word must match; "quotes" for a phrase).
    Search {
        /// What to look for (may be empty with --left-machine).
        #[arg(required_unless_present = "left_machine", num_args = 0.., value_name = "QUERY")]
        query: Vec<String>,
        /// Only answers that sent the text off this machine.
        #[arg(long)]
        left_machine: bool,
        /// How many hits to show.
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: usize,
    },
    /// Print a conversation (or all of them) as Markdown or JSON.
    Export {
        /// The conversation's id, as `history list` shows it.
        #[arg(value_name = "ID", required_unless_present = "all")]
        id: Option<i64>,
        /// Export every conversation.
        #[arg(long, conflicts_with = "id")]
        all: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
    },
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown.
    Md,
    /// JSON.
    Json,
}

impl From<Format> for ExportFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Md => ExportFormat::Markdown,
            Format::Json => ExportFormat::Json,
        }
    }
}

/// Runs a history subcommand against the database in `paths.data_dir`.
pub(crate) fn run(command: HistoryCommand, paths: &Paths, out: &mut dyn Write) -> Result<()> {
    // A recovered (moved-aside) database is reported by the store as a warning, which the
    // CLI's log setup prints on stderr.
    let store = HistoryStore::open(&paths.data_dir)?.store;
    let stdout_err = |e| Error::io("<stdout>", e);
    match command {
        HistoryCommand::List { limit } => {
            let conversations = store.list_conversations(limit, 0)?;
            if conversations.is_empty() {
                return writeln!(out, "No conversations yet.").map_err(stdout_err);
            }
            for c in conversations {
                let title = if c.title.is_empty() {
                    "(untitled)"
                } else {
                    &c.title
                };
                let pin = if c.pinned { "* " } else { "" };
                writeln!(
                    out,
                    "{:>6}  {}  {:>4} msgs  {pin}{title}",
                    c.id,
                    c.updated_at.short(),
                    c.message_count
                )
                .map_err(stdout_err)?;
            }
            Ok(())
        }
        HistoryCommand::Search {
            query,
            limit,
            left_machine,
        } => {
            let query = query.join(" ");
            let filter = SearchFilter { left_machine };
            let hits = store.search_filtered(&query, limit, filter)?;
            if hits.is_empty() && left_machine && query.is_empty() {
                return writeln!(out, "No answer left this machine.").map_err(stdout_err);
            }
            if hits.is_empty() {
                return writeln!(out, "No messages match {query:?}.").map_err(stdout_err);
            }
            let bold = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for hit in &hits {
                write_hit(out, hit, bold).map_err(stdout_err)?;
            }
            Ok(())
        }
        HistoryCommand::Export { id, all, format } => {
            if all {
                store.export_all(format.into(), out)?;
                Ok(())
            } else if let Some(id) = id {
                Ok(store.export(id, format.into(), out)?)
            } else {
                Err(Error::InvalidInput(
                    "give a conversation id or --all".into(),
                ))
            }
        }
    }
}

/// One hit: where it is, then the snippet with matches in bold (terminal) or `[brackets]`.
fn write_hit(out: &mut dyn Write, hit: &SearchHit, bold: bool) -> std::io::Result<()> {
    let who = hit.model.as_deref().unwrap_or_else(|| hit.role.as_str());
    writeln!(
        out,
        "#{} {} · {} · {} (message {})",
        hit.conversation_id,
        hit.conversation_title,
        who,
        hit.created_at.short(),
        hit.message_id
    )?;
    let mut line = String::from("    ");
    for part in &hit.snippet {
        let text = part.text.replace(['\n', '\r'], " ");
        match (part.highlight, bold) {
            (true, true) => line.push_str(&format!("\x1b[1m{text}\x1b[0m")),
            (true, false) => line.push_str(&format!("[{text}]")),
            (false, _) => line.push_str(&text),
        }
    }
    writeln!(out, "{line}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use crate::history::Role;
    use clap::Parser;

    fn paths_in(dir: &std::path::Path) -> Paths {
        Paths {
            config_file: dir.join("config.json5"),
            data_dir: dir.join("data"),
            log_dir: dir.join("logs"),
        }
    }

    fn parse(args: &[&str]) -> HistoryCommand {
        let mut argv = vec!["switchboard", "history"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).expect("parses").command {
            Some(Command::History(cmd)) => cmd,
            other => panic!("not a history command: {other:?}"),
        }
    }

    fn run_to_string(cmd: HistoryCommand, paths: &Paths) -> Result<String> {
        let mut out = Vec::new();
        run(cmd, paths, &mut out)?;
        Ok(String::from_utf8(out).expect("utf-8"))
    }

    #[test]
    fn export_needs_an_id_or_all_but_not_both() {
        for bad in [&["export"][..], &["export", "1", "--all"], &["export", "x"]] {
            let mut argv = vec!["switchboard", "history"];
            argv.extend_from_slice(bad);
            let err = Cli::try_parse_from(argv).expect_err("usage error");
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        }
        assert!(matches!(
            parse(&["export", "--all", "--format", "json"]),
            HistoryCommand::Export {
                id: None,
                all: true,
                format: Format::Json
            }
        ));
    }

    #[test]
    fn list_search_and_export_print_for_people() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = paths_in(dir.path());
        assert_eq!(
            run_to_string(parse(&["list"]), &paths).expect("runs"),
            "No conversations yet.\n"
        );
        let store = HistoryStore::open(&paths.data_dir).expect("opens").store;
        let chat = store.create_conversation(None).expect("creates");
        store
            .add_message(chat.id, Role::User, "How do I enable WAL mode in SQLite?")
            .expect("adds");
        drop(store);

        let list = run_to_string(parse(&["list"]), &paths).expect("runs");
        assert!(
            list.contains("How do I enable WAL mode in SQLite?"),
            "{list}"
        );
        assert!(list.contains("1 msgs"), "{list}");

        let found = run_to_string(parse(&["search", "wal", "mode"]), &paths).expect("runs");
        assert!(found.starts_with("#1 How do I enable"), "{found}");
        assert!(found.contains("[WAL] [mode]"), "{found}");
        let none = run_to_string(parse(&["search", "zebra"]), &paths).expect("runs");
        assert_eq!(none, "No messages match \"zebra\".\n");

        let md = run_to_string(parse(&["export", "1"]), &paths).expect("runs");
        assert!(
            md.starts_with("# How do I enable WAL mode in SQLite?\n"),
            "{md}"
        );
        let json =
            run_to_string(parse(&["export", "1", "--format", "json"]), &paths).expect("runs");
        let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(doc["conversation"]["messages"][0]["role"], "user");
        let all =
            run_to_string(parse(&["export", "--all", "--format", "json"]), &paths).expect("runs");
        let doc: serde_json::Value = serde_json::from_str(&all).expect("json");
        assert_eq!(doc["conversations"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn user_errors_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = paths_in(dir.path());
        let err = run_to_string(parse(&["export", "42"]), &paths).expect_err("missing");
        assert_eq!(err.to_string(), "no conversation with id 42");
        assert_eq!(err.kind(), crate::ErrorKind::NotFound);
        let err = run_to_string(parse(&["search", "--", "--"]), &paths).expect_err("no words");
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
    }
}

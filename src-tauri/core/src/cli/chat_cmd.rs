//! `switchboard chat [--model REF] [--json] [--no-stream] [--no-history] [--system TEXT]
//! [--private] [--image FILE]… MESSAGE`: one question through the chat engine (default: the primary route; `REF` is
//! `provider/model` or an alias). Plain: the answer on stdout, reasoning and route notes on
//! stderr. `--json`: the engine's events, one JSON object per line (DESIGN.md's `chat --json`
//! events; `started`, whose ids are the desktop's, is not printed). Ctrl-C cancels (never fails
//! over). Saved to the history unless `--no-history`.

use std::io::Write;

use clap::Args;
use serde_json::json;

use super::Exit;
use crate::chat::{Ask, ChatError, ChatEvent, Engine, Reason, RetryPoints, TurnOptions};
use crate::config;
use crate::history::HistoryStore;
use crate::logging::redact::redact;
use crate::paths::Paths;
use crate::providers::{CancellationToken, StopReason};
use crate::router::{AttemptOutcome, RouteEvent, Router};
use crate::{Error, Result};

/// `switchboard chat …`
#[derive(Debug, Clone, Args)]
pub struct ChatArgs {
    /// The model: provider/model or an alias (default: the primary route).
    #[arg(long, value_name = "REF")]
    pub model: Option<String>,
    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Ask for the whole answer at once instead of streaming it.
    #[arg(long)]
    pub no_stream: bool,
    /// Do not save the conversation to the history.
    #[arg(long)]
    pub no_history: bool,
    /// A system prompt.
    #[arg(long, value_name = "TEXT")]
    pub system: Option<String>,
    /// Private: only routes that stay on this machine; refused (nothing sent) when none do.
    #[arg(long)]
    pub private: bool,
    /// An image to send with the message (PNG, JPEG, WebP or GIF, at most 20 MB); repeat for
    /// several. A model that takes text only refuses it before anything is sent.
    #[arg(long = "image", value_name = "FILE")]
    pub images: Vec<std::path::PathBuf>,
    /// The message (several words are joined with spaces).
    #[arg(required = true, num_args = 1.., value_name = "MESSAGE")]
    pub message: Vec<String>,
}

/// Runs the chat with the answer on `out` and reasoning and notes on `err`.
pub fn run(args: &ChatArgs, paths: &Paths, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    match chat(args, paths, out, err) {
        Ok(()) => Exit::Success,
        Err(failure) => {
            if args.json && !failure.printed {
                let line = json!({"type": "error", "reason": failure.reason,
                                  "message": redact(&failure.message)});
                let _ignored = writeln!(out, "{line}");
            }
            let _ignored = writeln!(err, "switchboard: {}", redact(&failure.message));
            Exit::Failure
        }
    }
}

/// [`run`] for callers with one writer: notes are dropped, failures become an [`Error`].
pub(crate) fn dispatch(args: &ChatArgs, paths: &Paths, out: &mut dyn Write) -> Result<()> {
    chat(args, paths, out, &mut std::io::sink())
        .map_err(|failure| Error::InvalidInput(failure.message))
}

/// Why the chat failed: the reason's wire name, the message, and whether the `--json` error
/// line is already out (it is for errors the engine reported as events).
struct Failure {
    reason: &'static str,
    message: String,
    printed: bool,
}

impl Failure {
    fn before_start(e: &ChatError) -> Failure {
        let reason = match e {
            ChatError::Route(route) => Reason::of(route).as_str(),
            ChatError::History(_) => "history",
            ChatError::InvalidInput(_) => "invalid_input",
            ChatError::Task(_) => "internal",
        };
        Failure {
            reason,
            message: e.to_string(),
            printed: false,
        }
    }

    fn other(e: &Error) -> Failure {
        Failure {
            reason: e.kind().as_str(),
            message: e.to_string(),
            printed: false,
        }
    }
}

/// The history store, unless `--no-history`; one that cannot be opened is a note, not a
/// failure (the history is a convenience for a CLI run, not its purpose).
fn history(args: &ChatArgs, paths: &Paths, err: &mut dyn Write) -> Option<HistoryStore> {
    if args.no_history {
        return None;
    }
    match HistoryStore::open(&paths.data_dir) {
        Ok(opened) => {
            if let Some(recovered) = &opened.recovered {
                let _ignored = writeln!(err, "switchboard: note: {recovered}");
            }
            Some(opened.store)
        }
        Err(e) => {
            let text = redact(&e.to_string()).into_owned();
            let _ignored = writeln!(err, "switchboard: note: not saved to the history: {text}");
            None
        }
    }
}

/// Shares cooldowns with the app, `serve` and the next run through the data dir's state file;
/// one that cannot be opened is a note (this run then only knows what it meets itself).
fn share_state(router: &Router, paths: &Paths, err: &mut dyn Write) {
    match crate::state::StateStore::open("local", &paths.data_dir) {
        Ok(store) => router.set_state(store),
        Err(e) => {
            let text = redact(&e.to_string()).into_owned();
            let _ignored = writeln!(err, "switchboard: note: cooldowns not shared: {text}");
        }
    }
}

fn chat(
    args: &ChatArgs,
    paths: &Paths,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::result::Result<(), Failure> {
    let invalid = |e: config::ConfigError| Failure::other(&Error::InvalidInput(e.to_string()));
    let config = config::load(&paths.config_file)
        .map_err(invalid)?
        .into_config()
        .map_err(invalid)?;
    let router = Router::new(config).map_err(|e| Failure {
        reason: e.kind().as_str(),
        message: e.to_string(),
        printed: false,
    })?;
    router.set_policy(super::policy(paths));
    share_state(&router, paths, err);
    let engine = Engine::new(router, history(args, paths, err), RetryPoints::default());
    let mut ask = Ask::new(args.message.join(" "));
    for path in &args.images {
        let bytes = std::fs::read(path).map_err(|e| Failure::other(&Error::io(path, e)))?;
        let image = crate::history::ImageData::new(bytes).map_err(|e| {
            Failure::other(&Error::InvalidInput(format!("{}: {e}", path.display())))
        })?;
        ask.images.push(image);
    }
    ask.private = args.private;
    ask.model.clone_from(&args.model);
    ask.system.clone_from(&args.system);
    ask.options = TurnOptions {
        stream: !args.no_stream,
        coalesce: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::other(&Error::io("<tokio runtime>", e)))?;
    runtime.block_on(async {
        let cancel = CancellationToken::new();
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let mut turn = engine
            .send(ask, cancel)
            .await
            .map_err(|e| Failure::before_start(&e))?;
        let mut printer = Printer {
            json: args.json,
            ended_with_newline: true,
        };
        let mut failure = None;
        while let Some(event) = turn.next().await {
            if let ChatEvent::Error {
                reason,
                message,
                retry_next,
                ..
            } = &event
            {
                failure = Some(Failure {
                    reason: reason.as_str(),
                    message: message.clone(),
                    printed: args.json,
                });
                if let (Some(next), false) = (retry_next, args.json) {
                    printer.newline(out);
                    let _ignored = writeln!(
                        err,
                        "[route: the partial answer is kept; retry on the next route with --model {next}]"
                    );
                }
            }
            if let ChatEvent::Done {
                stop: StopReason::Cancelled,
                ..
            } = &event
            {
                // Ctrl-C: the partial answer stands (saved as stopped); the run still failed.
                failure = Some(Failure {
                    reason: "cancelled",
                    message: "cancelled".to_owned(),
                    printed: args.json,
                });
            }
            if let Err(e) = printer.event(&event, out, err) {
                return Err(Failure::other(&Error::io("<stdout>", e)));
            }
        }
        failure.map_or(Ok(()), Err)
    })
}

/// Prints events as text (answer on `out`, the rest on `err`) or as JSON lines on `out`.
struct Printer {
    json: bool,
    ended_with_newline: bool,
}

impl Printer {
    fn newline(&mut self, out: &mut dyn Write) {
        if !self.ended_with_newline {
            let _ignored = writeln!(out);
            self.ended_with_newline = true;
        }
    }

    fn event(
        &mut self,
        event: &ChatEvent,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        if self.json {
            if matches!(event, ChatEvent::Started { .. }) {
                return Ok(());
            }
            let line = serde_json::to_string(event).map_err(std::io::Error::other)?;
            writeln!(out, "{line}")?;
            return out.flush();
        }
        match event {
            ChatEvent::Started { .. } => Ok(()),
            ChatEvent::Route(route) => route_note(route, err),
            ChatEvent::Reasoning { delta } => {
                err.write_all(delta.as_bytes())?;
                err.flush()
            }
            ChatEvent::Text { delta } => {
                out.write_all(delta.as_bytes())?;
                self.ended_with_newline = delta.ends_with('\n');
                out.flush()
            }
            // `chat` offers no tools; a model calling one anyway shows nothing but its text.
            ChatEvent::ToolCall { .. } => Ok(()),
            ChatEvent::Done {
                model,
                stop,
                usage,
                cost,
                timing,
                trail,
            } => {
                self.newline(out);
                let usage = match (usage, cost) {
                    (Some(u), Some(cost)) => format!(
                        "{} in, {} out, ${cost:.6}",
                        u.input + u.cache_read + u.cache_write,
                        u.output,
                    ),
                    _ => "usage unknown (the server reported none)".to_owned(),
                };
                let speed = timing
                    .tokens_per_second
                    .map_or(String::new(), |tps| format!(", {tps:.1} tok/s"));
                let ended = match stop {
                    StopReason::Stop => "",
                    StopReason::Length => ", stopped at the output token limit",
                    StopReason::ToolCalls => ", waiting for tool results",
                    StopReason::Cancelled => ", cancelled",
                };
                writeln!(err, "[{model}: {usage}{speed}{ended}]")?;
                writeln!(err, "[{}]", trail_line(trail))
            }
            ChatEvent::Warning { message, .. } => writeln!(err, "[budget: {message}]"),
            ChatEvent::Error { .. } => {
                self.newline(out);
                Ok(())
            }
        }
    }
}

/// The privacy trail in one line: "stayed on this machine" or where the text was sent.
fn trail_line(trail: &crate::chat::Trail) -> String {
    if !trail.left_machine {
        return "stayed on this machine".to_owned();
    }
    let places: Vec<String> = trail
        .destinations
        .iter()
        .filter(|d| d.left_machine)
        .map(|d| match &d.region {
            Some(region) => format!("{} ({region})", d.host),
            None => d.host.clone(),
        })
        .collect();
    format!("sent to {}", places.join(", "))
}

/// A failed, skipped or cancelled attempt as one note on stderr (an `ok` one says nothing).
fn route_note(route: &RouteEvent, err: &mut dyn Write) -> std::io::Result<()> {
    let outcome = match route.outcome {
        AttemptOutcome::Ok => return Ok(()),
        AttemptOutcome::Skipped => "skipped",
        AttemptOutcome::Cancelled => "cancelled",
        AttemptOutcome::Failed => "failed",
    };
    let reason = route.reason.as_deref().unwrap_or("unknown");
    let status = route
        .status
        .map_or(String::new(), |s| format!(" (HTTP {s})"));
    writeln!(err, "[route: {} {outcome}: {reason}{status}]", route.model)
}

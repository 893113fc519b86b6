//! `switchboard chat [--model REF] [--json] [--no-stream] [--no-history] [--system TEXT]
//! MESSAGE`: one question through the router (default: the primary route; `REF` is
//! `provider/model` or an alias). Plain: the answer on stdout, reasoning and route notes on
//! stderr. `--json`: one JSON object per line (DESIGN.md's `chat --json` events, a `route` line
//! per attempt). Ctrl-C cancels (never fails over). Route attempts are saved with the answer.

use std::io::Write;

use clap::Args;
use futures_util::StreamExt;
use serde_json::json;

use super::chat_history::Recorder;
use super::Exit;
use crate::config;
use crate::history::AttemptOutcome;
use crate::logging::redact::redact;
use crate::paths::Paths;
use crate::providers::{
    CancellationToken, ChatRequest, Event, ProviderError, StopReason, Turn, Usage,
};
use crate::router::{RouteError, RouteEvent, RouteItem, Router};
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
    /// The message (several words are joined with spaces).
    #[arg(required = true, num_args = 1.., value_name = "MESSAGE")]
    pub message: Vec<String>,
}

/// Runs the chat with the answer on `out` and reasoning and notes on `err`.
pub fn run(args: &ChatArgs, paths: &Paths, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    match chat(args, paths, out, err) {
        Ok(()) => Exit::Success,
        Err(failure) => {
            let line = match &failure {
                Failure::Provider(e) if args.json => {
                    error_line(e.kind().as_str(), e.message(), e.status())
                }
                Failure::Route(e) if args.json => {
                    error_line(e.reason(), &e.to_string(), e.status())
                }
                Failure::Other(e) if args.json => {
                    error_line(e.kind().as_str(), &e.to_string(), None)
                }
                _ => String::new(),
            };
            if !line.is_empty() {
                let _ignored = writeln!(out, "{line}");
            }
            let text = failure.to_string();
            let _ignored = writeln!(err, "switchboard: {}", redact(&text));
            Exit::Failure
        }
    }
}

/// [`run`] for callers with one writer: notes are dropped, failures become an [`Error`].
pub(crate) fn dispatch(args: &ChatArgs, paths: &Paths, out: &mut dyn Write) -> Result<()> {
    chat(args, paths, out, &mut std::io::sink()).map_err(|failure| match failure {
        Failure::Provider(e) => Error::InvalidInput(e.to_string()),
        Failure::Route(e) => Error::InvalidInput(e.to_string()),
        Failure::Other(e) => e,
    })
}

enum Failure {
    Provider(ProviderError),
    Route(RouteError),
    Other(Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Provider(e) => e.fmt(f),
            Failure::Route(e) => e.fmt(f),
            Failure::Other(e) => e.fmt(f),
        }
    }
}

impl From<RouteError> for Failure {
    fn from(e: RouteError) -> Self {
        Failure::Route(e)
    }
}

impl From<ProviderError> for Failure {
    fn from(e: ProviderError) -> Self {
        Failure::Provider(e)
    }
}

fn io(e: std::io::Error) -> Failure {
    Failure::Other(Error::io("<stdout>", e))
}

fn error_line(reason: &str, message: &str, status: Option<u16>) -> String {
    let mut line = json!({"type": "error", "reason": reason, "message": redact(message)});
    if let Some(status) = status {
        line["status"] = json!(status);
    }
    line.to_string()
}

fn chat(
    args: &ChatArgs,
    paths: &Paths,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::result::Result<(), Failure> {
    let loaded = config::load(&paths.config_file)
        .map_err(|e| Failure::Other(Error::InvalidInput(e.to_string())))?;
    let config = loaded
        .into_config()
        .map_err(|e| Failure::Other(Error::InvalidInput(e.to_string())))?;
    let router = Router::new(config)?;
    let first = router
        .candidates(args.model.as_deref())?
        .remove(0)
        .model_ref;
    let message = args.message.join(" ");
    let request = ChatRequest {
        system: args.system.clone(),
        turns: vec![Turn::user(message.clone())],
        stream: !args.no_stream,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(Error::io("<tokio runtime>", e)))?;
    // The user message is saved before the request goes out, so a crash never loses it.
    let mut recorder = if args.no_history {
        Recorder::disabled()
    } else {
        Recorder::start(paths, args.system.as_deref(), &message, &first, err)
    };
    let mut printer = Printer {
        args,
        router: &router,
        model: first,
        usage: None,
        ended_with_newline: true,
        recorder: &mut recorder,
    };
    let outcome: std::result::Result<(), Failure> = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let mut stream = router.route(args.model.as_deref(), request, cancel)?;
        while let Some(item) = stream.next().await {
            match item? {
                RouteItem::Route(route) => printer.route(&route, out, err).map_err(io)?,
                RouteItem::Event(event) => printer.event(event, out, err).map_err(io)?,
            }
        }
        Ok(())
    });
    if let Err(failure) = &outcome {
        if !printer.ended_with_newline {
            let _ignored = writeln!(out);
        }
        match failure {
            Failure::Route(RouteError::Cancelled) => {
                recorder.done(StopReason::Cancelled, None, err)
            }
            _ => recorder.failed(&failure.to_string(), err),
        }
        if let Failure::Route(RouteError::Interrupted { retry, .. }) = failure {
            let next = router
                .candidates(retry.requested.as_deref())
                .ok()
                .and_then(|c| {
                    let at = c.iter().position(|c| c.model_ref == retry.after)?;
                    c.get(at + 1).map(|c| c.model_ref.clone())
                });
            if let Some(next) = next {
                let _ignored = writeln!(
                    err,
                    "[route: the partial answer is kept; retry on the next route with --model {next}]"
                );
            }
        }
    }
    outcome
}

struct Printer<'a> {
    args: &'a ChatArgs,
    router: &'a Router,
    /// The model answering (or tried first, until one answers).
    model: String,
    usage: Option<Usage>,
    ended_with_newline: bool,
    recorder: &'a mut Recorder,
}

impl Printer<'_> {
    fn route(
        &mut self,
        route: &RouteEvent,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        self.recorder.attempt(route.to_attempt(), err);
        if route.outcome == AttemptOutcome::Ok {
            self.model = route.model.clone();
        }
        if self.args.json {
            let mut line = json!(route);
            line["type"] = json!("route");
            return writeln!(out, "{line}");
        }
        if route.outcome == AttemptOutcome::Ok {
            return Ok(());
        }
        let outcome = match route.outcome {
            AttemptOutcome::Skipped => "skipped",
            AttemptOutcome::Cancelled => "cancelled",
            _ => "failed",
        };
        let reason = route.reason.as_deref().unwrap_or("unknown");
        let status = route
            .status
            .map_or(String::new(), |s| format!(" (HTTP {s})"));
        writeln!(err, "[route: {} {outcome}: {reason}{status}]", route.model)
    }

    fn cost(&self) -> Option<crate::config::model::Cost> {
        self.router.target(&self.model).ok()?.cost.clone()
    }

    fn event(
        &mut self,
        event: Event,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        let model = self.model.clone();
        let cost = self.cost();
        match &event {
            Event::Text(t) => self.recorder.text(t, err),
            Event::Reasoning(r) => self.recorder.reasoning(r, err),
            Event::Done(stop) => {
                let usage = self.usage.map(|u| (u, u.cost(cost.as_ref())));
                self.recorder.done(*stop, usage, err);
            }
            _ => {}
        }
        match (event, self.args.json) {
            (Event::Text(t), true) => writeln!(out, "{}", json!({"type": "text", "delta": t}))?,
            (Event::Reasoning(r), true) => {
                writeln!(out, "{}", json!({"type": "reasoning", "delta": r}))?
            }
            (Event::Text(t), false) => {
                out.write_all(t.as_bytes())?;
                self.ended_with_newline = t.ends_with('\n');
                out.flush()?;
            }
            (Event::Reasoning(r), false) => {
                err.write_all(r.as_bytes())?;
                err.flush()?;
            }
            (Event::Usage(u), _) => self.usage = Some(u),
            (Event::Done(stop), true) => {
                let (usage, cost) = match self.usage {
                    Some(u) => (json!(u), json!(u.cost(cost.as_ref()))),
                    None => (json!("unknown"), json!("unknown")),
                };
                let line = json!({"type": "done", "model": model, "usage": usage,
                                  "cost": cost, "stop": stop});
                writeln!(out, "{line}")?;
            }
            (Event::Done(stop), false) => {
                if !self.ended_with_newline {
                    writeln!(out)?;
                }
                let usage = match self.usage {
                    Some(u) => format!(
                        "{} in, {} out, ${:.6}",
                        u.input + u.cache_read + u.cache_write,
                        u.output,
                        u.cost(cost.as_ref())
                    ),
                    None => "usage unknown (the server reported none)".to_owned(),
                };
                let ended = match stop {
                    StopReason::Stop => "",
                    StopReason::Length => ", stopped at the output token limit",
                    StopReason::Cancelled => ", cancelled",
                };
                writeln!(err, "[{model}: {usage}{ended}]")?;
            }
        }
        Ok(())
    }
}

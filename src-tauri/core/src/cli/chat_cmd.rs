//! `switchboard chat --model provider/model [--json] [--no-stream] [--no-history]
//! [--system TEXT] MESSAGE`: one question to one model. Plain: the answer on stdout, reasoning
//! and notes on stderr. `--json`: one JSON object per line (DESIGN.md's `chat --json` events).
//! Until the router lands, `--model` is required and names `provider/model`; Ctrl-C cancels.

use std::io::Write;

use clap::Args;
use futures_util::StreamExt;
use serde_json::json;

use super::chat_history::Recorder;
use super::Exit;
use crate::config;
use crate::logging::redact::redact;
use crate::paths::Paths;
use crate::providers::{
    resolve_target, CancellationToken, ChatRequest, Client, Event, ProviderError, StopReason,
    Target, Turn, Usage,
};
use crate::{Error, Result};

/// `switchboard chat …`
#[derive(Debug, Clone, Args)]
pub struct ChatArgs {
    /// The model, as provider/model (required until the router lands).
    #[arg(long, value_name = "REF", required = true)]
    pub model: String,
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
                Failure::Other(e) if args.json => {
                    error_line(e.kind().as_str(), &e.to_string(), None)
                }
                _ => String::new(),
            };
            if !line.is_empty() {
                let _ignored = writeln!(out, "{line}");
            }
            let text = match &failure {
                Failure::Provider(e) => e.to_string(),
                Failure::Other(e) => e.to_string(),
            };
            let _ignored = writeln!(err, "switchboard: {}", redact(&text));
            Exit::Failure
        }
    }
}

/// [`run`] for callers with one writer: notes are dropped, failures become an [`Error`].
pub(crate) fn dispatch(args: &ChatArgs, paths: &Paths, out: &mut dyn Write) -> Result<()> {
    chat(args, paths, out, &mut std::io::sink()).map_err(|failure| match failure {
        Failure::Provider(e) => Error::InvalidInput(e.to_string()),
        Failure::Other(e) => e,
    })
}

enum Failure {
    Provider(ProviderError),
    Other(Error),
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
    let target = resolve_target(&config, &args.model)?;
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
        let model = format!("{}/{}", target.provider, target.model);
        Recorder::start(paths, args.system.as_deref(), &message, &model, err)
    };
    let mut printer = Printer {
        args,
        target: &target,
        usage: None,
        ended_with_newline: true,
        recorder: &mut recorder,
    };
    let outcome = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let client = Client::new(target.timeouts.connect)?;
        let mut stream = client.send(&target, &request, cancel).await?;
        while let Some(event) = stream.next().await {
            printer.event(event?, out, err).map_err(io)?;
        }
        Ok(())
    });
    if let Err(failure) = &outcome {
        let reason = match failure {
            Failure::Provider(e) => e.to_string(),
            Failure::Other(e) => e.to_string(),
        };
        recorder.failed(&reason, err);
    }
    outcome
}

struct Printer<'a> {
    args: &'a ChatArgs,
    target: &'a Target,
    usage: Option<Usage>,
    ended_with_newline: bool,
    recorder: &'a mut Recorder,
}

impl Printer<'_> {
    fn event(
        &mut self,
        event: Event,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        let model = format!("{}/{}", self.target.provider, self.target.model);
        match &event {
            Event::Text(t) => self.recorder.text(t, err),
            Event::Reasoning(r) => self.recorder.reasoning(r, err),
            Event::Done(stop) => {
                let cost = self.target.cost.as_ref();
                let usage = self.usage.map(|u| (u, u.cost(cost)));
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
                    Some(u) => (json!(u), json!(u.cost(self.target.cost.as_ref()))),
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
                        u.cost(self.target.cost.as_ref())
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

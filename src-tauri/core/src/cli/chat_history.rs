//! Saving a `switchboard chat` exchange to the history, unless `--no-history`.
//!
//! The history is a convenience for a CLI run, not its purpose: a store that cannot be opened or
//! written is one note on stderr and the chat goes on unsaved.

use std::io::Write;

use crate::history::{
    self, AnswerWriter, AttemptOutcome, Finish, HistoryStore, MessageStatus, Role, RouteAttempt,
};
use crate::logging::redact::redact;
use crate::paths::Paths;
use crate::providers::{StopReason, Usage};

/// The answer being saved, if the history is in use.
pub(crate) struct Recorder {
    answer: Option<AnswerWriter>,
}

impl Recorder {
    /// A recorder that saves nothing.
    pub(crate) fn disabled() -> Self {
        Recorder { answer: None }
    }

    /// Saves the system prompt and the user message (before the request goes out) and opens
    /// the answer for `model`.
    pub(crate) fn start(
        paths: &Paths,
        system: Option<&str>,
        message: &str,
        model: &str,
        err: &mut dyn Write,
    ) -> Self {
        match begin(paths, system, message, model, err) {
            Ok(answer) => Recorder {
                answer: Some(answer),
            },
            Err(e) => {
                note(err, &e);
                Recorder::disabled()
            }
        }
    }

    /// Records one route attempt; an `ok` one also names the model that answers.
    pub(crate) fn attempt(&mut self, attempt: RouteAttempt, err: &mut dyn Write) {
        let answering = (attempt.outcome == AttemptOutcome::Ok).then(|| attempt.model.clone());
        self.write(err, |answer| answer.record_attempt(attempt));
        if let Some(model) = answering {
            self.write(err, |answer| answer.set_model(&model));
        }
    }

    /// Adds answer text.
    pub(crate) fn text(&mut self, delta: &str, err: &mut dyn Write) {
        self.write(err, |answer| answer.append(delta));
    }

    /// Adds reasoning text.
    pub(crate) fn reasoning(&mut self, delta: &str, err: &mut dyn Write) {
        self.write(err, |answer| answer.append_reasoning(delta));
    }

    /// Ends the answer as the stream ended.
    pub(crate) fn done(
        &mut self,
        stop: StopReason,
        usage: Option<(Usage, f64)>,
        err: &mut dyn Write,
    ) {
        let status = match stop {
            StopReason::Cancelled => MessageStatus::Stopped,
            StopReason::Stop | StopReason::Length => MessageStatus::Complete,
        };
        let mut end = Finish::new(status);
        if let Some((usage, cost)) = usage {
            end.usage = Some(history::Usage {
                input: usage.input,
                output: usage.output,
                cache_read: usage.cache_read,
                cache_write: usage.cache_write,
            });
            end.cost = Some(cost);
        }
        self.finish(end, err);
    }

    /// Ends the answer as failed with `reason`.
    pub(crate) fn failed(&mut self, reason: &str, err: &mut dyn Write) {
        let mut end = Finish::new(MessageStatus::Failed);
        end.error = Some(redact(reason).into_owned());
        self.finish(end, err);
    }

    fn finish(&mut self, end: Finish, err: &mut dyn Write) {
        if let Some(answer) = self.answer.take() {
            if let Err(e) = answer.finish(end) {
                note(err, &e);
            }
        }
    }

    fn write(
        &mut self,
        err: &mut dyn Write,
        op: impl FnOnce(&mut AnswerWriter) -> history::Result<()>,
    ) {
        if let Some(answer) = self.answer.as_mut() {
            if let Err(e) = op(answer) {
                note(err, &e);
                // Dropping the writer keeps what was saved, marked unfinished.
                self.answer = None;
            }
        }
    }
}

fn begin(
    paths: &Paths,
    system: Option<&str>,
    message: &str,
    model: &str,
    err: &mut dyn Write,
) -> history::Result<AnswerWriter> {
    let opened = HistoryStore::open(&paths.data_dir)?;
    if let Some(recovered) = &opened.recovered {
        let _ignored = writeln!(err, "switchboard: note: {recovered}");
    }
    let store = opened.store;
    let conversation = store.create_conversation(None)?;
    if let Some(system) = system {
        store.add_message(conversation.id, Role::System, system)?;
    }
    store.add_message(conversation.id, Role::User, message)?;
    store.begin_answer(conversation.id, Some(model))
}

fn note(err: &mut dyn Write, e: &history::Error) {
    let _ignored = writeln!(
        err,
        "switchboard: note: not saved to the history: {}",
        redact(&e.to_string())
    );
}

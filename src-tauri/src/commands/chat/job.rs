//! One streaming answer, run on its own task: it saves the answer as it streams and sends its
//! events to the page.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::history::{
    self, AnswerWriter, AttemptOutcome, ConversationId, Finish, HistoryStore, MessageStatus,
};
use switchboard_core::logging::redact::redact;
use switchboard_core::providers::{self, Event, ProviderErrorKind, StopReason};
use switchboard_core::router::{RetryFrom, RouteError, RouteItem, RouteStream, Router};
use tauri::ipc::Channel;

use super::ChatEvent;
use crate::state::{ChatRequestGuard, Retries};

/// One streaming answer, run on its own task.
pub(super) struct Job {
    pub(super) store: HistoryStore,
    pub(super) router: Arc<Router>,
    pub(super) retries: Retries,
    /// The model tried first (the answer's model until one answers).
    pub(super) first: String,
    pub(super) conversation: ConversationId,
    pub(super) channel: Channel<ChatEvent>,
    /// Dropped when the task ends, which forgets the request.
    pub(super) guard: ChatRequestGuard,
}

/// The shortest time between two delta messages to the page. Each channel message costs the
/// page a script evaluation on its main thread, so at 500 tokens/s one message per token would
/// starve its frames; one per frame is all it can paint anyway.
const SEND_EVERY: Duration = Duration::from_millis(16);

/// Deltas waiting to be sent. The first delta after a quiet spell goes out at once (no added
/// latency to the first token); the ones after it wait until [`SEND_EVERY`] has passed.
#[derive(Default)]
struct Outbox {
    text: String,
    reasoning: String,
    last_sent: Option<tokio::time::Instant>,
}

impl Outbox {
    /// When the waiting deltas are due, if any wait.
    fn due(&self) -> Option<tokio::time::Instant> {
        if self.text.is_empty() && self.reasoning.is_empty() {
            return None;
        }
        Some(
            self.last_sent
                .map_or_else(tokio::time::Instant::now, |at| at + SEND_EVERY),
        )
    }
}

/// How a stream ended.
enum Outcome {
    Done(StopReason),
    Failed {
        kind: &'static str,
        message: String,
        /// Set when it broke after its first token.
        retry: Option<RetryFrom>,
    },
}

impl Job {
    fn send(&self, event: ChatEvent) {
        if let Err(e) = self.channel.send(event) {
            // The page went away; the answer is still saved.
            tracing::debug!("chat event not delivered: {e}");
        }
    }

    /// Sends the waiting deltas (reasoning first: the page shows it above the answer).
    fn send_deltas(&self, outbox: &mut Outbox) {
        if !outbox.reasoning.is_empty() {
            let delta = std::mem::take(&mut outbox.reasoning);
            self.send(ChatEvent::Reasoning { delta });
        }
        if !outbox.text.is_empty() {
            let delta = std::mem::take(&mut outbox.text);
            self.send(ChatEvent::Text { delta });
        }
        outbox.last_sent = Some(tokio::time::Instant::now());
    }

    /// Sends the waiting deltas now if they are due.
    fn send_due(&self, outbox: &mut Outbox) {
        if outbox
            .due()
            .is_some_and(|due| due <= tokio::time::Instant::now())
        {
            self.send_deltas(outbox);
        }
    }

    pub(super) async fn run(self, mut stream: RouteStream) {
        let mut answer = match self
            .store
            .begin_answer(self.conversation, Some(&self.first))
        {
            Ok(answer) => Some(answer),
            Err(e) => {
                tracing::warn!("the answer will not be saved: {e}");
                None
            }
        };
        self.send(ChatEvent::Started {
            model: self.first.clone(),
            message_id: answer.as_ref().map(AnswerWriter::id),
        });
        let mut usage = None;
        let mut model = self.first.clone();
        let outcome = self
            .stream(&mut stream, &mut answer, &mut usage, &mut model)
            .await;
        // Closes the connection in use (after a Stop, say).
        drop(stream);
        let mut priced = None;
        if let Some(u) = usage {
            let rates = self.router.target(&model).ok().and_then(|t| t.cost.clone());
            let cost = u.cost(rates.as_ref());
            priced = Some((u, cost));
            self.send(ChatEvent::Usage {
                input: u.input,
                output: u.output,
                cache_read: u.cache_read,
                cache_write: u.cache_write,
                reasoning: u.reasoning,
                cost,
            });
        }
        self.finish(answer, outcome, priced).await;
    }

    /// Streams into `answer` and the channel until the stream ends or is cancelled; `model`
    /// follows the model that answers.
    async fn stream(
        &self,
        stream: &mut RouteStream,
        answer: &mut Option<AnswerWriter>,
        usage: &mut Option<providers::Usage>,
        model: &mut String,
    ) -> Outcome {
        let mut outbox = Outbox::default();
        let outcome = self
            .stream_into(stream, answer, usage, model, &mut outbox)
            .await;
        // Everything streamed reaches the page before how it ended.
        self.send_deltas(&mut outbox);
        outcome
    }

    async fn stream_into(
        &self,
        stream: &mut RouteStream,
        answer: &mut Option<AnswerWriter>,
        usage: &mut Option<providers::Usage>,
        model: &mut String,
        outbox: &mut Outbox,
    ) -> Outcome {
        let cancel = self.guard.token.clone();
        loop {
            let deadline = answer.as_ref().and_then(AnswerWriter::flush_deadline);
            let wake = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            let deltas_due = outbox.due();
            let send_wake = async {
                match deltas_due {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let item = tokio::select! {
                biased;
                () = cancel.cancelled() => return Outcome::Done(StopReason::Cancelled),
                () = send_wake => {
                    self.send_deltas(outbox);
                    continue;
                }
                () = wake => {
                    save(answer, AnswerWriter::flush_if_due);
                    continue;
                }
                item = stream.next() => item,
            };
            match item {
                None => {
                    return Outcome::Failed {
                        kind: ProviderErrorKind::Truncated.as_str(),
                        message: "the stream ended before the answer was done".into(),
                        retry: None,
                    }
                }
                Some(Err(e)) => return ended(e, &cancel),
                Some(Ok(RouteItem::Route(event))) => {
                    save(answer, |a| a.record_attempt(event.to_attempt()));
                    if event.outcome == AttemptOutcome::Ok {
                        model.clone_from(&event.model);
                        save(answer, |a| a.set_model(&event.model));
                    }
                    self.send_deltas(outbox);
                    self.send(ChatEvent::route(&event));
                }
                Some(Ok(RouteItem::Event(Event::Text(delta)))) => {
                    save(answer, |a| a.append(&delta));
                    outbox.text.push_str(&delta);
                    self.send_due(outbox);
                }
                Some(Ok(RouteItem::Event(Event::Reasoning(delta)))) => {
                    save(answer, |a| a.append_reasoning(&delta));
                    outbox.reasoning.push_str(&delta);
                    self.send_due(outbox);
                }
                Some(Ok(RouteItem::Event(Event::Usage(u)))) => *usage = Some(u),
                Some(Ok(RouteItem::Event(Event::Done(stop)))) => return Outcome::Done(stop),
            }
        }
    }

    /// Saves how the answer ended, then sends the terminal event.
    async fn finish(
        &self,
        answer: Option<AnswerWriter>,
        outcome: Outcome,
        usage: Option<(providers::Usage, f64)>,
    ) {
        let (mut end, terminal) = match outcome {
            Outcome::Done(stop) => {
                let status = match stop {
                    StopReason::Cancelled => MessageStatus::Stopped,
                    StopReason::Stop | StopReason::Length => MessageStatus::Complete,
                };
                (Finish::new(status), ChatEvent::Done { stop })
            }
            Outcome::Failed {
                kind,
                message,
                retry,
            } => {
                let mut end = Finish::new(MessageStatus::Failed);
                end.error = Some(message.clone());
                let retry_next = retry.is_some();
                if let (Some(retry), Some(answer)) = (retry, answer.as_ref()) {
                    self.retries.remember(answer.id(), retry);
                }
                (
                    end,
                    ChatEvent::Error {
                        kind,
                        message,
                        retry_next,
                    },
                )
            }
        };
        if let Some((u, cost)) = usage {
            end.usage = Some(history::Usage {
                input: u.input,
                output: u.output,
                cache_read: u.cache_read,
                cache_write: u.cache_write,
            });
            end.cost = Some(cost);
        }
        if let Some(answer) = answer {
            let saved = tauri::async_runtime::spawn_blocking(move || answer.finish(end)).await;
            match saved {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!("the answer's end was not saved: {e}"),
                Err(e) => tracing::warn!("the answer's end was not saved: {e}"),
            }
        }
        self.send(terminal);
    }
}

/// How a route error ends the answer: a cancel (or any error after Stop) is a stop.
fn ended(e: RouteError, cancel: &providers::CancellationToken) -> Outcome {
    if cancel.is_cancelled() || matches!(e, RouteError::Cancelled) {
        return Outcome::Done(StopReason::Cancelled);
    }
    let retry = match &e {
        RouteError::Interrupted { retry, .. } => Some(retry.clone()),
        _ => None,
    };
    Outcome::Failed {
        kind: e.reason(),
        message: redact(&e.to_string()).into_owned(),
        retry,
    }
}

/// Runs one write on the answer; a failed write stops saving (what was saved stays, marked
/// unfinished) but never the stream.
fn save(
    answer: &mut Option<AnswerWriter>,
    op: impl FnOnce(&mut AnswerWriter) -> history::Result<()>,
) {
    if let Some(writer) = answer.as_mut() {
        if let Err(e) = op(writer) {
            tracing::warn!("the answer is no longer saved: {e}");
            *answer = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_go_out_at_once_after_a_quiet_spell_then_at_most_once_per_frame() {
        let mut outbox = Outbox::default();
        assert_eq!(outbox.due(), None, "nothing waits");
        outbox.text.push_str("first");
        let now = tokio::time::Instant::now();
        assert!(
            outbox
                .due()
                .is_some_and(|due| due <= tokio::time::Instant::now()),
            "the first delta waits"
        );
        outbox.text.clear();
        outbox.last_sent = Some(now);
        outbox.reasoning.push_str("next");
        assert_eq!(outbox.due(), Some(now + SEND_EVERY));
        outbox.last_sent = now.checked_sub(SEND_EVERY * 10);
        assert!(
            outbox.last_sent.is_some(),
            "the clock starts later than that"
        );
        assert!(
            outbox
                .due()
                .is_some_and(|due| due <= tokio::time::Instant::now()),
            "after a quiet spell the delta goes at once"
        );
    }
}

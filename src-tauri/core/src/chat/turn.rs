//! One turn, streaming: routes, records, coalesces, prices and times the answer, and ends with
//! one `done` or `error`. Driven by its reader (no task of its own): dropping it closes the
//! connection in use and leaves what was saved marked unfinished, as a crash would.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use tokio::time::Instant;

use crate::config::model::{Config, Cost};
use crate::history::{self, AnswerWriter, ConversationId, Finish, MessageId, MessageStatus};
use crate::logging::redact::redact;
use crate::providers::{CancellationToken, Event, ProviderErrorKind, StopReason, Timing, Usage};
use crate::router::{AttemptOutcome, RouteError, RouteItem, RouteStream};

use super::{ChatEvent, Engine, Reason, Trail};

/// A running turn; read its events with [`Turn::next`] or [`Turn::into_stream`].
pub struct Turn {
    engine: Engine,
    conversation: Option<ConversationId>,
    answer: Option<AnswerWriter>,
    message_id: Option<MessageId>,
    stream: Option<RouteStream>,
    cancel: CancellationToken,
    coalesce: Option<Duration>,
    /// The model answering (the one tried first until one answers).
    model: String,
    started_at: Instant,
    first_token: Option<Instant>,
    usage: Option<Usage>,
    /// Where the attempts were sent.
    trail: Trail,
    /// Whether the answering attempt left this machine.
    answer_left: bool,
    outbox: Outbox,
    queue: VecDeque<ChatEvent>,
    ended: bool,
}

impl std::fmt::Debug for Turn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Turn")
            .field("conversation", &self.conversation)
            .field("message_id", &self.message_id)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

/// Deltas waiting to go out while coalescing.
#[derive(Default)]
struct Outbox {
    text: String,
    reasoning: String,
    last_sent: Option<Instant>,
}

impl Outbox {
    /// When the waiting deltas are due, if any wait: at once after a quiet spell, else one
    /// interval after the last send.
    fn due(&self, every: Duration) -> Option<Instant> {
        if self.text.is_empty() && self.reasoning.is_empty() {
            return None;
        }
        Some(self.last_sent.map_or_else(Instant::now, |at| at + every))
    }
}

/// How the stream ended.
enum Outcome {
    Done(StopReason),
    Failed(RouteError),
    /// The stream ended with neither `done` nor an error.
    Truncated,
}

impl Turn {
    pub(super) fn new(
        engine: Engine,
        conversation: Option<ConversationId>,
        answer: Option<AnswerWriter>,
        first: String,
        stream: RouteStream,
        cancel: CancellationToken,
        coalesce: Option<Duration>,
    ) -> Turn {
        let message_id = answer.as_ref().map(AnswerWriter::id);
        let started = ChatEvent::Started {
            conversation_id: conversation,
            message_id,
            model: first.clone(),
        };
        Turn {
            engine,
            conversation,
            answer,
            message_id,
            stream: Some(stream),
            cancel,
            coalesce,
            model: first,
            started_at: Instant::now(),
            first_token: None,
            usage: None,
            trail: Trail::default(),
            answer_left: false,
            outbox: Outbox::default(),
            queue: VecDeque::from([started]),
            ended: false,
        }
    }

    /// The conversation the turn is saved in, if it is saved.
    pub fn conversation_id(&self) -> Option<ConversationId> {
        self.conversation
    }

    /// The saved answer's id, if it is saved.
    pub fn message_id(&self) -> Option<MessageId> {
        self.message_id
    }

    /// The token that stops the turn (a stop never fails over).
    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// The next event; `None` after the terminal one.
    pub async fn next(&mut self) -> Option<ChatEvent> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            if let Some(outcome) = self.step().await {
                self.end(outcome).await;
            }
        }
    }

    /// The turn as a stream of events.
    pub fn into_stream(self) -> impl Stream<Item = ChatEvent> + Send {
        futures_util::stream::unfold(self, |mut turn| async move {
            let event = turn.next().await?;
            Some((event, turn))
        })
    }

    /// Waits for the next thing to do: a route item, a cancel, a due flush or delivery.
    async fn step(&mut self) -> Option<Outcome> {
        let Some(stream) = self.stream.as_mut() else {
            return Some(Outcome::Done(StopReason::Cancelled));
        };
        let flush_at = self.answer.as_ref().and_then(AnswerWriter::flush_deadline);
        let deliver_at = self.coalesce.and_then(|every| self.outbox.due(every));
        let flush = async {
            match flush_at {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let deliver = async {
            match deliver_at {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let item = tokio::select! {
            biased;
            () = self.cancel.cancelled() => return Some(Outcome::Done(StopReason::Cancelled)),
            () = deliver => {
                self.release();
                return None;
            }
            () = flush => {
                self.save(AnswerWriter::flush_if_due);
                return None;
            }
            item = stream.next() => item,
        };
        match item {
            None => Some(Outcome::Truncated),
            Some(Err(e)) => Some(Outcome::Failed(e)),
            Some(Ok(RouteItem::Route(event))) => {
                self.save(|a| a.record_attempt(event.to_attempt()));
                if let Some(destination) = &event.destination {
                    self.trail.add(destination);
                }
                if event.outcome == AttemptOutcome::Ok {
                    self.answer_left = event.destination.as_ref().is_some_and(|d| d.left_machine);
                    self.model.clone_from(&event.model);
                    self.save(|a| a.set_model(&event.model));
                }
                self.release();
                self.queue.push_back(ChatEvent::Route(event));
                None
            }
            Some(Ok(RouteItem::Event(Event::Text(delta)))) => {
                self.save(|a| a.append(&delta));
                self.outbox.text.push_str(&delta);
                self.delivered_a_token();
                None
            }
            Some(Ok(RouteItem::Event(Event::Reasoning(delta)))) => {
                self.save(|a| a.append_reasoning(&delta));
                self.outbox.reasoning.push_str(&delta);
                self.delivered_a_token();
                None
            }
            Some(Ok(RouteItem::Event(Event::ToolCall(call)))) => {
                // Tool calls go out in order with the text around them, never coalesced.
                self.delivered_a_token();
                self.release();
                self.queue.push_back(ChatEvent::ToolCall {
                    index: call.index,
                    id: call.id,
                    name: call.name,
                    arguments: call.arguments,
                });
                None
            }
            Some(Ok(RouteItem::Event(Event::Usage(usage)))) => {
                self.usage = Some(usage);
                None
            }
            Some(Ok(RouteItem::Event(Event::Done(stop)))) => Some(Outcome::Done(stop)),
        }
    }

    /// A delta arrived: note the first token's time, and send now unless coalescing holds it.
    fn delivered_a_token(&mut self) {
        self.first_token.get_or_insert_with(Instant::now);
        let due_now = match self.coalesce {
            None => true,
            Some(every) => self
                .outbox
                .due(every)
                .is_some_and(|at| at <= Instant::now()),
        };
        if due_now {
            self.release();
        }
    }

    /// Queues the waiting deltas (reasoning first: it is shown above the answer).
    fn release(&mut self) {
        if !self.outbox.reasoning.is_empty() {
            let delta = std::mem::take(&mut self.outbox.reasoning);
            self.queue.push_back(ChatEvent::Reasoning { delta });
        }
        if !self.outbox.text.is_empty() {
            let delta = std::mem::take(&mut self.outbox.text);
            self.queue.push_back(ChatEvent::Text { delta });
        }
        self.outbox.last_sent = Some(Instant::now());
    }

    /// Runs one write on the answer; a failed write stops saving (what was saved stays,
    /// marked unfinished) but never the stream.
    fn save(&mut self, op: impl FnOnce(&mut AnswerWriter) -> history::Result<()>) {
        if let Some(writer) = self.answer.as_mut() {
            if let Err(e) = op(writer) {
                tracing::warn!("the answer is no longer saved: {e}");
                self.answer = None;
            }
        }
    }

    /// Saves how the answer ended and queues the terminal event.
    async fn end(&mut self, outcome: Outcome) {
        self.ended = true;
        self.release();
        // Closes the connection in use (after a Stop, say).
        self.stream = None;
        let cancelled = self.cancel.is_cancelled();
        let outcome = match outcome {
            Outcome::Failed(RouteError::Cancelled) => Outcome::Done(StopReason::Cancelled),
            Outcome::Failed(_) | Outcome::Truncated if cancelled => {
                Outcome::Done(StopReason::Cancelled)
            }
            other => other,
        };
        let usage = self.usage;
        let rates = rates(&self.engine.router().config(), &self.model);
        let cost = usage.and_then(|u| match &rates {
            Some(rates) => Some(u.cost(Some(rates))),
            // Without rates a local model costs nothing; a hosted one has an unknown price.
            None => (!self.answer_left).then_some(0.0),
        });
        let trail = self.trail.clone();
        let elapsed_ms = |at: Instant| at.duration_since(self.started_at).as_millis() as u64;
        let timing = Timing::new(
            self.first_token.map(elapsed_ms),
            elapsed_ms(Instant::now()),
            usage.map(|u| u.output),
        );
        let (mut end, terminal) = match outcome {
            Outcome::Done(stop) => {
                let status = match stop {
                    StopReason::Cancelled => MessageStatus::Stopped,
                    StopReason::Stop | StopReason::Length | StopReason::ToolCalls => {
                        MessageStatus::Complete
                    }
                };
                let done = ChatEvent::Done {
                    model: self.model.clone(),
                    stop,
                    usage,
                    cost,
                    timing,
                    trail,
                };
                let router = self.engine.router();
                router.record_spend(&self.model, super::spend::usd(cost, self.answer_left));
                if let (Some(first), StopReason::Stop | StopReason::Length) =
                    (timing.first_token_ms, stop)
                {
                    router.record_speed(&self.model, first, timing.tokens_per_second);
                }
                let provider = self.model.split_once('/').map_or("", |(p, _)| p);
                let warning = router.ledger().warning(&router.policy().budgets, provider);
                if let Some(budget) = warning {
                    self.queue.push_back(ChatEvent::Warning {
                        message: budget.to_string(),
                        budget,
                    });
                }
                (Finish::new(status), done)
            }
            Outcome::Failed(error) => {
                let message = redact(&error.to_string()).into_owned();
                let retry = match &error {
                    RouteError::Interrupted { retry, .. } => Some(retry.clone()),
                    _ => None,
                };
                let mut end = Finish::new(MessageStatus::Failed);
                end.error = Some(message.clone());
                if self.first_token.is_some() {
                    // Broke mid-answer: what was generated was paid for, price unknown if hosted
                    // (as the history counts it when the ledger is loaded again).
                    let usd = super::spend::usd(cost, self.answer_left);
                    self.engine.router().record_spend(&self.model, usd);
                }
                let retry_next = retry.as_ref().and_then(|r| self.engine.next_route(r));
                if let (Some(retry), Some(id)) = (retry, self.message_id) {
                    self.engine.retries().remember(id, retry);
                }
                let failed = ChatEvent::Error {
                    reason: Reason::of(&error),
                    message,
                    status: error.status(),
                    retry_next,
                    trail,
                };
                (end, failed)
            }
            Outcome::Truncated => {
                let message = "the stream ended before the answer was done".to_owned();
                let mut end = Finish::new(MessageStatus::Failed);
                end.error = Some(message.clone());
                let failed = ChatEvent::Error {
                    reason: Reason::Provider(ProviderErrorKind::Truncated),
                    message,
                    status: None,
                    retry_next: None,
                    trail,
                };
                (end, failed)
            }
        };
        end.usage = usage;
        end.cost = cost;
        end.timing = Some(timing);
        if let Some(answer) = self.answer.take() {
            let saved = tokio::task::spawn_blocking(move || answer.finish(end)).await;
            match saved {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!("the answer's end was not saved: {e}"),
                Err(e) => tracing::warn!("the answer's end was not saved: {e}"),
            }
        }
        self.queue.push_back(terminal);
    }
}

/// The rates of `model_ref` (`provider/model`) from the config, when it lists them.
fn rates(config: &Config, model_ref: &str) -> Option<Cost> {
    let (provider, model) = model_ref.split_once('/')?;
    config
        .provider(provider)?
        .models
        .iter()
        .flatten()
        .find(|m| m.id == model)?
        .cost
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_go_out_at_once_after_a_quiet_spell_then_at_most_once_per_interval() {
        let every = Duration::from_millis(16);
        let mut outbox = Outbox::default();
        assert_eq!(outbox.due(every), None, "nothing waits");
        outbox.text.push_str("first");
        assert!(outbox.due(every).is_some_and(|due| due <= Instant::now()));
        let now = Instant::now();
        outbox.last_sent = Some(now);
        assert_eq!(outbox.due(every), Some(now + every));
    }
}

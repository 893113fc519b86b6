//! One routed request: tries the candidates in order and turns provider events, failures and
//! skips into one stream of [`RouteItem`]s. No task is spawned: the stream is driven by its
//! reader, and dropping it closes the connection in use.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};
use tokio::time::Instant;

use super::attempt::AttemptOutcome;
use crate::policy::{place, Destination, Refusal};
use crate::providers::{
    CancellationToken, ChatRequest, Event, EventStream, ProviderError, ProviderErrorKind as Kind,
    StopReason,
};

use super::candidates::{estimate_tokens, Candidate};
use super::error::{RetryFrom, RouteError, WindowSize};
use super::health::RouteEvent;
use super::shared::Pending;
use super::{RouteOptions, Router};

mod pick;
mod share;

/// What a routed request produces: route events (one per attempt, before the answer's first
/// token for the model that answers) and the answering model's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteItem {
    /// An attempt's outcome.
    Route(RouteEvent),
    /// An event of the answer.
    Event(Event),
}

/// The stream of a routed request; it ends after [`Event::Done`] or an `Err`.
pub struct RouteStream {
    inner: Pin<Box<dyn Stream<Item = Result<RouteItem, RouteError>> + Send>>,
}

impl std::fmt::Debug for RouteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteStream").finish_non_exhaustive()
    }
}

impl Stream for RouteStream {
    type Item = Result<RouteItem, RouteError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

pub(super) fn start(
    router: Router,
    requested: Option<String>,
    plan: Vec<Candidate>,
    request: ChatRequest,
    options: RouteOptions,
    cancel: CancellationToken,
) -> RouteStream {
    let run = Run {
        router,
        estimated: estimate_tokens(&request),
        request,
        options,
        refusals: Vec::new(),
        cancel,
        requested,
        plan,
        next: 0,
        attempt: 0,
        tried: 0,
        overflowed: None,
        too_small: Vec::new(),
        cooled: Vec::new(),
        soonest_used: false,
        text_only: Vec::new(),
        last: None,
        current: None,
        queue: VecDeque::new(),
        finished: false,
        synced: false,
        pending: Vec::new(),
    };
    let inner = futures_util::stream::unfold(run, |mut run| async move {
        let item = run.next().await?;
        Some((item, run))
    });
    RouteStream {
        inner: Box::pin(inner),
    }
}

struct Current {
    stream: EventStream,
    model: String,
    attempt: u32,
    started: Instant,
    answering: bool,
    destination: Destination,
}

struct Run {
    router: Router,
    request: ChatRequest,
    options: RouteOptions,
    /// Candidates a policy refused (private, budget), in order.
    refusals: Vec<Refusal>,
    cancel: CancellationToken,
    requested: Option<String>,
    plan: Vec<Candidate>,
    next: usize,
    attempt: u32,
    /// Requests actually sent.
    tried: u32,
    estimated: u64,
    /// The largest window that overflowed: smaller or equal ones are skipped.
    overflowed: Option<u64>,
    too_small: Vec<WindowSize>,
    cooled: Vec<(usize, Instant)>,
    soonest_used: bool,
    /// Candidates skipped because the request has images and they take text only.
    text_only: Vec<String>,
    last: Option<(String, ProviderError)>,
    current: Option<Current>,
    queue: VecDeque<Result<RouteItem, RouteError>>,
    finished: bool,
    /// Whether the shared cooldowns of the plan were read (once, before the first pick).
    synced: bool,
    /// Failures and successes not yet written to the shared store.
    pending: Vec<Pending>,
}

/// Whether a failure of this class moves on to the next candidate with a cooldown.
pub(super) fn fails_over(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Auth
            | Kind::Billing
            | Kind::Forbidden
            | Kind::NotFound
            | Kind::ModelNotLoaded
            | Kind::RateLimit
            | Kind::Overloaded
            | Kind::Server
            | Kind::Timeout
            | Kind::Connection
            | Kind::Protocol
            | Kind::Truncated
    )
}

/// A route event with no status, time or cooldown yet.
fn route_event(
    attempt: u32,
    model: &str,
    outcome: AttemptOutcome,
    reason: Option<&str>,
) -> RouteEvent {
    RouteEvent {
        attempt,
        model: model.to_owned(),
        outcome,
        reason: reason.map(str::to_owned),
        status: None,
        elapsed_ms: 0,
        cooldown_ms: None,
        destination: None,
    }
}

/// An attempt that went out: its number, start and where it went.
struct Sent {
    attempt: u32,
    started: Instant,
    destination: Destination,
}

/// Whether a request to `target` carries an API key (a local server's placeholder is none).
fn key_is_sent(target: &crate::providers::Target) -> bool {
    let Some(key) = &target.key else { return false };
    let placeholder = crate::catalog::placeholder(&target.provider);
    target.auth_header != Some(false) && placeholder != Some(key.expose())
}

fn ms(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

impl Run {
    async fn next(&mut self) -> Option<Result<RouteItem, RouteError>> {
        loop {
            self.flush_shared().await;
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            match self.current.take() {
                Some(current) => self.pump(current).await,
                None => self.start_next().await,
            }
        }
    }

    fn route(&mut self, event: RouteEvent) {
        self.router.emit(&event);
        self.queue.push_back(Ok(RouteItem::Route(event)));
    }

    fn fail(&mut self, error: RouteError) {
        self.queue.push_back(Err(error));
        self.finished = true;
    }

    async fn pump(&mut self, mut cur: Current) {
        match cur.stream.next().await {
            Some(Ok(event)) => {
                if !cur.answering {
                    cur.answering = true;
                    let cancelled = event == Event::Done(StopReason::Cancelled);
                    let (outcome, reason) = if cancelled {
                        (AttemptOutcome::Cancelled, Some("cancelled"))
                    } else {
                        self.answered(&cur.model, cur.started);
                        (AttemptOutcome::Ok, None)
                    };
                    let elapsed = ms(cur.started);
                    self.route(RouteEvent {
                        elapsed_ms: elapsed,
                        destination: Some(cur.destination.clone()),
                        ..route_event(cur.attempt, &cur.model, outcome, reason)
                    });
                }
                let done = matches!(event, Event::Done(_));
                self.queue.push_back(Ok(RouteItem::Event(event)));
                if done {
                    self.finished = true;
                } else {
                    self.current = Some(cur);
                }
            }
            Some(Err(error)) if cur.answering => {
                // After the first token: no silent failover; the partial answer stands.
                let cooldown =
                    fails_over(error.kind()).then(|| self.cool(&cur.model, &error, cur.started));
                let (reason, status) = (error.kind().as_str(), error.status());
                let elapsed = ms(cur.started);
                let cooldown_ms = cooldown.map(|d| d.as_millis() as u64);
                let outcome = if error.kind() == Kind::Cancelled {
                    AttemptOutcome::Cancelled
                } else {
                    AttemptOutcome::Failed
                };
                self.route(RouteEvent {
                    status,
                    elapsed_ms: elapsed,
                    cooldown_ms,
                    destination: Some(cur.destination.clone()),
                    ..route_event(cur.attempt, &cur.model, outcome, Some(reason))
                });
                let retry = RetryFrom {
                    requested: self.requested.clone(),
                    after: cur.model.clone(),
                };
                self.fail(RouteError::Interrupted {
                    model: cur.model,
                    error,
                    retry,
                });
            }
            Some(Err(error)) => {
                let window = self.plan.iter().find(|c| c.model_ref == cur.model).cloned();
                let sent = Sent {
                    attempt: cur.attempt,
                    started: cur.started,
                    destination: cur.destination,
                };
                self.failure(&cur.model, sent, window, error);
            }
            None => self.finished = true,
        }
    }

    async fn start_next(&mut self) {
        if self.cancel.is_cancelled() {
            return self.fail(RouteError::Cancelled);
        }
        self.sync_once().await;
        let Some(index) = self.pick() else {
            return self.give_up();
        };
        let candidate = self.plan[index].clone();
        let model = candidate.model_ref.clone();
        self.attempt += 1;
        let attempt = self.attempt;
        let started = Instant::now();
        let target = match self.router.target_async(&model).await {
            Ok(target) => target,
            Err(error) => {
                // Not usable as configured (no key, unknown provider): skip, no cooldown.
                let (reason, elapsed) = (error.kind().as_str(), ms(started));
                self.route(RouteEvent {
                    elapsed_ms: elapsed,
                    ..route_event(attempt, &model, AttemptOutcome::Skipped, Some(reason))
                });
                if self.last.is_none() {
                    self.last = Some((model, error));
                }
                return;
            }
        };
        let policy = self.router.policy();
        let place = place::place_of(&target.provider, &target.base_url, &policy.stays_local);
        if self.private() && !place.is_private() {
            // The resolved target disagrees with the plan's check: never send.
            let detail = format!("it would send the text to {}", target.base_url);
            self.refuse(Refusal {
                model,
                reason: crate::policy::RefusalReason::Private,
                detail,
            });
            return;
        }
        let key_sent = key_is_sent(&target);
        let destination = place::destination(place, &target.base_url, key_sent);
        self.tried += 1;
        let sent = self
            .router
            .send_rekeying(&model, &target, &self.request, &self.cancel)
            .await;
        match sent {
            Ok(stream) => {
                self.current = Some(Current {
                    stream,
                    model,
                    attempt,
                    started,
                    answering: false,
                    destination,
                })
            }
            Err(error) => {
                let sent = Sent {
                    attempt,
                    started,
                    destination,
                };
                self.failure(&model, sent, Some(candidate), error);
            }
        }
    }

    fn failure(
        &mut self,
        model: &str,
        sent: Sent,
        candidate: Option<Candidate>,
        error: ProviderError,
    ) {
        let Sent {
            attempt,
            started,
            destination,
        } = sent;
        let (kind, status, elapsed) = (error.kind(), error.status(), ms(started));
        let reason = Some(kind.as_str());
        let destination = Some(destination);
        match kind {
            Kind::Cancelled => {
                self.route(RouteEvent {
                    status,
                    elapsed_ms: elapsed,
                    destination: destination.clone(),
                    ..route_event(attempt, model, AttemptOutcome::Cancelled, reason)
                });
                self.fail(RouteError::Cancelled);
            }
            Kind::BadRequest => {
                self.route(RouteEvent {
                    status,
                    elapsed_ms: elapsed,
                    destination: destination.clone(),
                    ..route_event(attempt, model, AttemptOutcome::Failed, reason)
                });
                self.fail(RouteError::Rejected {
                    model: model.to_owned(),
                    error,
                });
            }
            Kind::ContextOverflow => {
                self.route(RouteEvent {
                    status,
                    elapsed_ms: elapsed,
                    destination: destination.clone(),
                    ..route_event(attempt, model, AttemptOutcome::Failed, reason)
                });
                if let Some(c) = candidate {
                    if let Some(window) = c.context_window {
                        self.overflowed = Some(self.overflowed.map_or(window, |o| o.max(window)));
                        self.too_small.push(WindowSize {
                            model: c.model_ref,
                            window,
                            max_tokens: c.max_tokens.unwrap_or(0),
                        });
                    }
                }
                self.last = Some((model.to_owned(), error));
            }
            kind if fails_over(kind) => {
                let cooldown = self.cool(model, &error, started);
                let cooldown_ms = Some(cooldown.as_millis() as u64);
                self.route(RouteEvent {
                    status,
                    elapsed_ms: elapsed,
                    destination: destination.clone(),
                    cooldown_ms,
                    ..route_event(attempt, model, AttemptOutcome::Failed, reason)
                });
                self.last = Some((model.to_owned(), error));
            }
            _ => {
                // Config or an API this version does not speak: move on, no cooldown.
                self.route(RouteEvent {
                    status,
                    elapsed_ms: elapsed,
                    destination: destination.clone(),
                    ..route_event(attempt, model, AttemptOutcome::Failed, reason)
                });
                if self.last.is_none() {
                    self.last = Some((model.to_owned(), error));
                }
            }
        }
    }

    fn give_up(&mut self) {
        // Nothing was sent and the last word is a text-only model's: the images fit no model.
        let images_nowhere = self.tried == 0
            && self
                .last
                .as_ref()
                .is_some_and(|(model, _)| self.text_only.contains(model));
        if images_nowhere {
            let models = std::mem::take(&mut self.text_only);
            return self.fail(RouteError::NoImageInput { models });
        }
        // "Fits no route" only names windows it knows; a server's own "too large" (a 413 for a
        // big image, say) on a model without a configured window keeps its words.
        let overflow = !self.too_small.is_empty()
            && self
                .last
                .as_ref()
                .is_some_and(|(_, e)| e.kind() == Kind::ContextOverflow);
        let error = match self.last.take() {
            Some(_) if overflow => RouteError::ContextTooLarge {
                estimated: self.estimated,
                sizes: std::mem::take(&mut self.too_small),
            },
            Some((model, last)) => RouteError::Exhausted {
                attempts: self.tried,
                model,
                last,
            },
            None if !self.refusals.is_empty() => RouteError::Refused {
                refusals: std::mem::take(&mut self.refusals),
            },
            None if !self.too_small.is_empty() => RouteError::ContextTooLarge {
                estimated: self.estimated,
                sizes: std::mem::take(&mut self.too_small),
            },
            None => RouteError::NoRoute("every candidate is cooling down".to_owned()),
        };
        self.fail(error);
    }
}

//! Which candidate goes next: the policies (private, budget), the context-window check and
//! cooldowns, each a skipped attempt with its reason.

use tokio::time::Instant;

use super::{route_event, Run};
use crate::policy::Refusal;
use crate::providers::{ProviderError, ProviderErrorKind as Kind};
use crate::router::attempt::AttemptOutcome;
use crate::router::candidates::Candidate;
use crate::router::error::WindowSize;
use crate::router::health::RouteEvent;

impl Run {
    /// Whether only routes that stay on this machine may be used.
    pub(super) fn private(&self) -> bool {
        self.options.private || self.router.policy().offline
    }

    /// Why a policy refuses `candidate`, if one does. Cheap when no policy applies.
    fn refusal(&self, candidate: &Candidate) -> Option<Refusal> {
        let policy = self.router.policy();
        let private = self.private();
        if !private && policy.budgets.is_empty() {
            return None;
        }
        let provider = crate::router::health::provider_of(&candidate.model_ref);
        let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let base_url = crate::router::reach::base_url_of(&self.router.config(), provider, &lookup);
        let ledger = self.router.ledger();
        policy.refuses(
            private,
            &candidate.model_ref,
            provider,
            base_url.as_deref(),
            &ledger,
        )
    }

    /// Records a refused candidate as a skipped attempt.
    pub(super) fn refuse(&mut self, refusal: Refusal) {
        self.attempt += 1;
        let reason = Some(refusal.reason.as_str());
        self.route(route_event(
            self.attempt,
            &refusal.model,
            AttemptOutcome::Skipped,
            reason,
        ));
        self.refusals.push(refusal);
    }

    /// The next candidate to send to, skipping (with route events) those too small for the
    /// prompt and those cooling down; when every usable one is cooling down and nothing was
    /// sent yet, the one whose cooldown ends first.
    pub(super) fn pick(&mut self) -> Option<usize> {
        let now = Instant::now();
        while self.next < self.plan.len() {
            let index = self.next;
            self.next += 1;
            let c = self.plan[index].clone();
            let after_overflow =
                matches!((self.overflowed, c.context_window), (Some(o), Some(w)) if w <= o);
            if !c.fits(self.estimated) || after_overflow {
                if let (Some(window), Some(max_tokens)) = (c.context_window, c.max_tokens) {
                    self.too_small.push(WindowSize {
                        model: c.model_ref.clone(),
                        window,
                        max_tokens,
                    });
                }
                self.attempt += 1;
                let reason = Some(Kind::ContextOverflow.as_str());
                self.route(route_event(
                    self.attempt,
                    &c.model_ref,
                    AttemptOutcome::Skipped,
                    reason,
                ));
                continue;
            }
            if let Some(refusal) = self.refusal(&c) {
                self.refuse(refusal);
                continue;
            }
            if self.skips_incapable(&c) {
                continue;
            }
            if let Some(left) = self.router.inner.cooldowns.remaining(&c.model_ref, now) {
                self.cooled.push((index, now + left));
                self.attempt += 1;
                let left_ms = Some(left.as_millis() as u64);
                self.route(RouteEvent {
                    cooldown_ms: left_ms,
                    ..route_event(
                        self.attempt,
                        &c.model_ref,
                        AttemptOutcome::Skipped,
                        Some(crate::router::COOLDOWN),
                    )
                });
                continue;
            }
            return Some(index);
        }
        if self.tried == 0 && !self.soonest_used {
            self.soonest_used = true;
            return self
                .cooled
                .iter()
                .min_by_key(|(_, until)| *until)
                .map(|(i, _)| *i);
        }
        None
    }

    /// Skips `c` with a route event when the request has images or tools it cannot take.
    pub(super) fn skips_incapable(&mut self, c: &Candidate) -> bool {
        let config = self.router.config();
        let Some(reason) = crate::router::capability::refusal(&config, &c.model_ref, &self.request)
        else {
            return false;
        };
        self.attempt += 1;
        let event = route_event(
            self.attempt,
            &c.model_ref,
            AttemptOutcome::Skipped,
            Some(reason),
        );
        self.route(event);
        if reason == crate::router::capability::NO_IMAGE_INPUT {
            self.text_only.push(c.model_ref.clone());
        }
        if self.last.is_none() {
            // When nothing else is tried, this is why the request failed.
            let why = crate::router::capability::missing(&config, &c.model_ref, &self.request);
            let why = format!("{} {}", c.model_ref, why.unwrap_or_default());
            self.last = Some((
                c.model_ref.clone(),
                ProviderError::new(Kind::BadRequest, why),
            ));
        }
        true
    }
}

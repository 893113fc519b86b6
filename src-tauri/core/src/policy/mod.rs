//! The router's policies: privacy (private conversations and the offline switch), budgets, and
//! the optional "fastest local first" order. The router asks [`Policy::refuses`] about each
//! candidate before anything is sent; a refused candidate becomes a route event `skipped:
//! private` or `skipped: budget`, and when every candidate is refused the turn fails with the
//! list of what was refused and why, having sent nothing.
//!
//! - [`place`]: where a base URL sends the text (this machine, a local proxy that may forward,
//!   elsewhere), and the per-attempt privacy trail ([`Destination`]).
//! - [`spend`]: spend by provider per local day and month, budgets, the spend report.
//! - [`speed`]: each model's measured median time to first token and tokens per second.
//!
//! The policy itself comes from Switchboard's settings (offline switch, providers marked "stays
//! on this machine", budgets, speed order); nothing here is in the OpenClaw file.

pub mod place;
pub mod speed;
pub mod spend;
pub mod warning;

use std::collections::BTreeSet;

use serde::Serialize;

pub use place::{Destination, Place};
pub use speed::{Speed, SpeedBook};
pub use spend::{Budget, Budgets, Ledger, Report, Standing, Stop};
pub use warning::BudgetWarning;

/// What the settings ask of the router.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// Every conversation is private: nothing leaves this machine.
    pub offline: bool,
    /// Providers on this machine the person marked "stays on this machine" (a proxy that
    /// does not forward).
    pub stays_local: BTreeSet<String>,
    /// Spending limits.
    pub budgets: Budgets,
    /// Order the local candidates by their measured median time to first token.
    pub fastest_local_first: bool,
}

/// Why a candidate was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// `provider/model`.
    pub model: String,
    /// `private` or `budget`.
    pub reason: RefusalReason,
    /// For people: where it would have gone, or which budget is spent.
    pub detail: String,
}

/// The class of a [`Refusal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// The conversation is private and the route may leave this machine.
    Private,
    /// A budget is spent.
    Budget,
}

impl RefusalReason {
    /// Every reason.
    pub const ALL: &'static [RefusalReason] = &[RefusalReason::Private, RefusalReason::Budget];

    /// The wire name (the route event's `reason`).
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalReason::Private => "private",
            RefusalReason::Budget => "budget",
        }
    }
}

impl Policy {
    /// Why `model_ref` (of `provider`, sending to `base_url`; `None`: unknown) may not be
    /// used for a request that is `private`, given the spend in `ledger`.
    pub fn refuses(
        &self,
        private: bool,
        model_ref: &str,
        provider: &str,
        base_url: Option<&str>,
        ledger: &Ledger,
    ) -> Option<Refusal> {
        let place = base_url.map_or(Place::Leaves, |url| {
            place::place_of(provider, url, &self.stays_local)
        });
        let refusal = |reason, detail: String| Refusal {
            model: model_ref.to_owned(),
            reason,
            detail,
        };
        if (private || self.offline) && !place.is_private() {
            let host = base_url
                .and_then(place::host_port)
                .map_or_else(|| "an unknown address".to_owned(), |(host, _)| host);
            let detail = match place {
                Place::MayForward => format!(
                    "{host} is a server on this machine that may forward to the internet \
                     (mark \"{provider}\" as staying on this machine in Providers to allow it)"
                ),
                _ => format!("it would send the text to {host}"),
            };
            return Some(refusal(RefusalReason::Private, detail));
        }
        if self.budgets.is_empty() {
            return None;
        }
        let stop = ledger.stops(&self.budgets, provider, place != Place::ThisMachine)?;
        Some(refusal(RefusalReason::Budget, stop.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn ledger() -> Ledger {
        Ledger::new(NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"))
    }

    #[test]
    fn private_refuses_what_leaves_and_names_where_it_would_go() {
        let policy = Policy::default();
        let l = ledger();
        let hosted = "https://api.anthropic.com/v1";
        assert_eq!(
            policy.refuses(false, "anthropic/c", "anthropic", Some(hosted), &l),
            None
        );
        let refused = policy
            .refuses(true, "anthropic/c", "anthropic", Some(hosted), &l)
            .expect("refused");
        assert_eq!(refused.reason, RefusalReason::Private);
        assert_eq!(
            refused.detail,
            "it would send the text to api.anthropic.com"
        );
        let local = "http://127.0.0.1:1234/v1";
        assert_eq!(
            policy.refuses(true, "lmstudio/m", "lmstudio", Some(local), &l),
            None
        );
        let proxy = policy
            .refuses(
                true,
                "litellm/m",
                "litellm",
                Some("http://127.0.0.1:4000"),
                &l,
            )
            .expect("may forward");
        assert!(proxy.detail.contains("may forward"), "{}", proxy.detail);
        assert!(policy.refuses(true, "x/y", "x", None, &l).is_some());
        let offline = Policy {
            offline: true,
            stays_local: BTreeSet::from(["litellm".to_owned()]),
            ..Policy::default()
        };
        assert!(offline
            .refuses(false, "anthropic/c", "anthropic", Some(hosted), &l)
            .is_some());
        assert_eq!(
            offline.refuses(
                false,
                "litellm/m",
                "litellm",
                Some("http://127.0.0.1:4000"),
                &l
            ),
            None,
            "marked as staying here"
        );
    }

    #[test]
    fn a_spent_budget_refuses_with_its_reason() {
        let mut policy = Policy::default();
        policy.budgets.providers.insert(
            "openai".into(),
            Budget {
                daily_usd: Some(0.5),
                monthly_usd: None,
            },
        );
        let mut l = ledger();
        let url = Some("https://api.openai.com/v1");
        assert_eq!(policy.refuses(false, "openai/g", "openai", url, &l), None);
        l.record(spend::Spent {
            provider: "openai".into(),
            usd: Some(0.5),
            day: l.today(),
        });
        let refused = policy
            .refuses(false, "openai/g", "openai", url, &l)
            .expect("over");
        assert_eq!(refused.reason.as_str(), "budget");
        assert_eq!(refused.detail, "its daily budget of $0.50 is spent");
    }
}

//! Spend and budgets: what each provider cost today and this month, and whether a budget
//! stops it.
//!
//! Spend is the sum of the answers' costs at the models' `cost` rates, as the history records
//! them; the [`Ledger`] is loaded from the history when a process starts and grows with every
//! answer. Days and months are the machine's local calendar. An answer from a hosted model
//! without rates (or without usage) has an unknown price: it is counted apart, never as free.
//!
//! Budgets live in Switchboard's own settings, not in the OpenClaw file. A provider over its
//! daily or monthly budget is skipped with reason `budget`; over the overall budget, every
//! route that leaves this machine is skipped (local models cost nothing). At 80 % a warning.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::BudgetWarning;

/// The share of a budget at which a warning shows.
pub const WARN_AT: f64 = 0.8;

/// A spending limit in USD per day and per month; `None`: no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, rename_all = "camelCase")]
pub struct Budget {
    /// USD per local calendar day.
    pub daily_usd: Option<f64>,
    /// USD per local calendar month.
    pub monthly_usd: Option<f64>,
}

impl Budget {
    /// Whether no limit is set.
    pub fn is_empty(&self) -> bool {
        self.daily_usd.is_none() && self.monthly_usd.is_none()
    }

    /// The limits, with the period each applies to.
    fn limits(&self) -> impl Iterator<Item = (Period, f64)> {
        [
            (Period::Day, self.daily_usd),
            (Period::Month, self.monthly_usd),
        ]
        .into_iter()
        .filter_map(|(p, l)| l.map(|l| (p, l)))
    }
}

/// The budgets: one overall and one per provider id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, rename_all = "camelCase")]
pub struct Budgets {
    /// All providers together.
    pub overall: Budget,
    /// By provider id.
    pub providers: BTreeMap<String, Budget>,
}

impl Budgets {
    /// Whether no budget is set at all (the router then skips the check).
    pub fn is_empty(&self) -> bool {
        self.overall.is_empty() && self.providers.values().all(Budget::is_empty)
    }
}

/// A budget's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "BudgetPeriod")]
pub enum Period {
    /// The local calendar day.
    Day,
    /// The local calendar month.
    Month,
}

/// Where spend stands against one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    /// Under 80 %.
    Ok,
    /// At 80 % or more.
    Warning,
    /// At or over the limit: routes are skipped.
    Over,
}

/// One answer's spend, as the history has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spent {
    /// The provider id.
    pub provider: String,
    /// USD; `None`: unknown price.
    pub usd: Option<f64>,
    /// The local day it was answered on.
    pub day: NaiveDate,
}

/// Totals of one provider (or of all) for the current day and month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// USD today.
    pub today_usd: f64,
    /// USD this month.
    pub month_usd: f64,
    /// Answers today whose price is unknown.
    pub unknown_today: u32,
    /// Answers this month whose price is unknown.
    pub unknown_month: u32,
}

impl Totals {
    fn add(&mut self, usd: Option<f64>, today: bool) {
        match usd {
            Some(usd) if usd.is_finite() => {
                self.month_usd += usd;
                if today {
                    self.today_usd += usd;
                }
            }
            _ => {
                self.unknown_month += 1;
                if today {
                    self.unknown_today += 1;
                }
            }
        }
    }

    fn spent(&self, period: Period) -> f64 {
        match period {
            Period::Day => self.today_usd,
            Period::Month => self.month_usd,
        }
    }

    /// The worst standing of these totals against `budget`, with the limit that gives it.
    fn standing(&self, budget: &Budget) -> Option<(Standing, Period, f64)> {
        budget
            .limits()
            .map(|(period, limit)| {
                let spent = self.spent(period);
                let standing = if spent >= limit {
                    Standing::Over
                } else if spent >= limit * WARN_AT {
                    Standing::Warning
                } else {
                    Standing::Ok
                };
                (standing, period, limit)
            })
            .max_by_key(|(s, _, _)| *s as u8)
    }
}

/// The spend of the current month, by provider and overall.
#[derive(Debug, Clone)]
pub struct Ledger {
    today: NaiveDate,
    providers: HashMap<String, Totals>,
    overall: Totals,
}

impl Ledger {
    /// An empty ledger for `today`.
    pub fn new(today: NaiveDate) -> Ledger {
        Ledger {
            today,
            providers: HashMap::new(),
            overall: Totals::default(),
        }
    }

    /// The ledger of `today` from `entries` (answers of any time; only this month counts).
    pub fn from_entries(today: NaiveDate, entries: impl IntoIterator<Item = Spent>) -> Ledger {
        let mut ledger = Ledger::new(today);
        for entry in entries {
            ledger.record(entry);
        }
        ledger
    }

    /// The first day of the month `today` is in.
    pub fn month_start(today: NaiveDate) -> NaiveDate {
        today.with_day(1).unwrap_or(today)
    }

    /// Adds one answer; a newer day starts a new day (and month) first.
    pub fn record(&mut self, entry: Spent) {
        if entry.day > self.today {
            self.roll_to(entry.day);
        }
        let same_month = Ledger::month_start(entry.day) == Ledger::month_start(self.today);
        if !same_month || entry.day > self.today {
            return;
        }
        let today = entry.day == self.today;
        self.overall.add(entry.usd, today);
        self.providers
            .entry(entry.provider)
            .or_default()
            .add(entry.usd, today);
    }

    /// Moves to `today`: a new day clears the day's totals, a new month everything.
    pub fn roll_to(&mut self, today: NaiveDate) {
        if today <= self.today {
            return;
        }
        let new_month = Ledger::month_start(today) != Ledger::month_start(self.today);
        self.today = today;
        let clear = |t: &mut Totals| {
            if new_month {
                *t = Totals::default();
            } else {
                t.today_usd = 0.0;
                t.unknown_today = 0;
            }
        };
        clear(&mut self.overall);
        self.providers.values_mut().for_each(clear);
    }

    /// The day the totals are for.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The totals of `provider`.
    pub fn provider(&self, provider: &str) -> Totals {
        self.providers.get(provider).copied().unwrap_or_default()
    }

    /// The totals of all providers.
    pub fn overall(&self) -> Totals {
        self.overall
    }

    /// Why `provider`'s routes are stopped, if a budget stops them: its own budget, or, for a
    /// route that leaves this machine, the overall one.
    pub fn stops(&self, budgets: &Budgets, provider: &str, leaves: bool) -> Option<Stop> {
        if let Some(budget) = budgets.providers.get(provider) {
            if let Some((Standing::Over, period, limit)) = self.provider(provider).standing(budget)
            {
                return Some(Stop {
                    overall: false,
                    period,
                    limit_usd: limit,
                });
            }
        }
        if leaves {
            if let Some((Standing::Over, period, limit)) = self.overall.standing(&budgets.overall) {
                return Some(Stop {
                    overall: true,
                    period,
                    limit_usd: limit,
                });
            }
        }
        None
    }

    /// A warning when `provider`'s budget or the overall one is at 80 % or more, with the
    /// share used and the limit.
    pub fn warning(&self, budgets: &Budgets, provider: &str) -> Option<BudgetWarning> {
        let own = budgets
            .providers
            .get(provider)
            .map(|b| (Some(provider.to_owned()), self.provider(provider), *b));
        let overall = Some((None, self.overall, budgets.overall));
        own.into_iter()
            .chain(overall)
            .find_map(|(whose, totals, budget)| {
                let (standing, period, limit) = totals.standing(&budget)?;
                if standing == Standing::Ok {
                    return None;
                }
                let spent = totals.spent(period);
                let share = if limit > 0.0 {
                    spent / limit * 100.0
                } else {
                    100.0
                };
                Some(BudgetWarning {
                    provider: whose,
                    period,
                    spent_usd: spent,
                    limit_usd: limit,
                    // A share of a real budget: finite, never negative, well within u32.
                    percent: share.round().clamp(0.0, f64::from(u32::MAX)) as u32,
                })
            })
    }

    /// The report for `budgets`: every provider with spend or a budget, and the overall line.
    pub fn report(&self, budgets: &Budgets) -> Report {
        let mut ids: Vec<&String> = self
            .providers
            .keys()
            .chain(budgets.providers.keys())
            .collect();
        ids.sort();
        ids.dedup();
        let line = |provider: Option<&str>, totals: Totals, budget: Budget| Line {
            provider: provider.map(str::to_owned),
            standing: totals.standing(&budget).map_or(Standing::Ok, |(s, _, _)| s),
            totals,
            budget,
        };
        Report {
            day: self.today.to_string(),
            month: Ledger::month_start(self.today).format("%Y-%m").to_string(),
            overall: line(None, self.overall, budgets.overall),
            providers: ids
                .into_iter()
                .map(|id| {
                    let budget = budgets.providers.get(id).copied().unwrap_or_default();
                    line(Some(id), self.provider(id), budget)
                })
                .collect(),
        }
    }
}

/// A budget that stops a route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// The overall budget (else the provider's own).
    pub overall: bool,
    /// The period whose limit is reached.
    pub period: Period,
    /// The limit, USD.
    pub limit_usd: f64,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whose = if self.overall { "the overall" } else { "its" };
        let period = match self.period {
            Period::Day => "daily",
            Period::Month => "monthly",
        };
        write!(
            f,
            "{whose} {period} budget of ${:.2} is spent",
            self.limit_usd
        )
    }
}

/// Spend against budgets, for `switchboard spend`, Providers and the tray.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SpendReport")]
pub struct Report {
    /// The local day, `YYYY-MM-DD`.
    pub day: String,
    /// The local month, `YYYY-MM`.
    pub month: String,
    /// All providers together, against the overall budget.
    pub overall: Line,
    /// Each provider with spend or a budget, by id.
    pub providers: Vec<Line>,
}

/// One line of the [`Report`].
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SpendLine")]
pub struct Line {
    /// The provider id; `None` for the overall line.
    pub provider: Option<String>,
    /// Spend so far.
    #[serde(flatten)]
    pub totals: Totals,
    /// The budget (empty: none).
    pub budget: Budget,
    /// The worst standing against the budget.
    pub standing: Standing,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("date")
    }

    fn spent(provider: &str, usd: Option<f64>, on: NaiveDate) -> Spent {
        Spent {
            provider: provider.into(),
            usd,
            day: on,
        }
    }

    fn budgets(provider_daily: f64, overall_monthly: f64) -> Budgets {
        Budgets {
            overall: Budget {
                daily_usd: None,
                monthly_usd: Some(overall_monthly),
            },
            providers: BTreeMap::from([(
                "anthropic".to_owned(),
                Budget {
                    daily_usd: Some(provider_daily),
                    monthly_usd: None,
                },
            )]),
        }
    }

    #[test]
    fn a_budget_crossed_mid_day_stops_the_provider_and_a_new_day_frees_it() {
        let budgets = budgets(1.0, 100.0);
        let mut ledger = Ledger::from_entries(
            day(7),
            [
                spent("anthropic", Some(0.5), day(6)),
                spent("anthropic", Some(0.7), day(7)),
                spent(
                    "anthropic",
                    Some(5.0),
                    NaiveDate::from_ymd_opt(2026, 11, 30).expect("d"),
                ),
            ],
        );
        assert_eq!(ledger.provider("anthropic").today_usd, 0.7);
        assert_eq!(
            ledger.provider("anthropic").month_usd,
            1.2,
            "November is not counted"
        );
        assert_eq!(ledger.stops(&budgets, "anthropic", true), None);
        assert_eq!(ledger.report(&budgets).providers[0].standing, Standing::Ok);
        assert_eq!(ledger.warning(&budgets, "anthropic"), None);
        ledger.record(spent("anthropic", Some(0.15), day(7)));
        assert_eq!(
            ledger.report(&budgets).providers[0].standing,
            Standing::Warning
        );
        assert_eq!(
            ledger
                .warning(&budgets, "anthropic")
                .map(|w| w.to_string())
                .as_deref(),
            Some("85 % of anthropic's daily budget is used ($0.85 of $1.00)")
        );
        ledger.record(spent("anthropic", Some(0.2), day(7)));
        let stop = ledger.stops(&budgets, "anthropic", true).expect("over");
        assert_eq!((stop.overall, stop.period), (false, Period::Day));
        assert_eq!(stop.to_string(), "its daily budget of $1.00 is spent");
        assert_eq!(ledger.stops(&budgets, "openai", true), None, "others go on");
        ledger.roll_to(day(8));
        assert_eq!(ledger.stops(&budgets, "anthropic", true), None);
        assert!((ledger.provider("anthropic").month_usd - 1.55).abs() < 1e-9);
    }

    #[test]
    fn the_overall_budget_stops_only_routes_that_leave_the_machine() {
        let budgets = budgets(100.0, 2.0);
        let ledger = Ledger::from_entries(
            day(3),
            [
                spent("openai", Some(1.5), day(1)),
                spent("anthropic", Some(0.5), day(2)),
            ],
        );
        let stop = ledger.stops(&budgets, "openai", true).expect("over");
        assert!(stop.overall);
        assert_eq!(ledger.stops(&budgets, "lmstudio", false), None);
        let new_month = {
            let mut l = ledger.clone();
            l.roll_to(NaiveDate::from_ymd_opt(2027, 1, 1).expect("d"));
            l
        };
        assert_eq!(new_month.stops(&budgets, "openai", true), None);
    }

    #[test]
    fn unknown_prices_are_counted_apart_never_as_free() {
        let ledger = Ledger::from_entries(
            day(7),
            [
                spent("openrouter", None, day(7)),
                spent("openrouter", None, day(1)),
            ],
        );
        let totals = ledger.provider("openrouter");
        assert_eq!((totals.unknown_today, totals.unknown_month), (1, 2));
        assert_eq!(totals.month_usd, 0.0);
        let json = serde_json::to_value(ledger.report(&Budgets::default())).expect("json");
        assert_eq!(json["providers"][0]["unknownMonth"], 2);
        assert_eq!(json["overall"]["provider"], serde_json::Value::Null);
        assert_eq!(json["month"], "2026-12");
    }
}

//! A budget near its limit: what the spend guard tells a person after an answer, as data, so
//! each face words it in its own language (the CLI and `serve` print [`Display`]'s English;
//! the window says it in its own words from the fields).

use std::fmt;

use serde::Serialize;

use super::spend::Period;

/// A budget at 80 % or more of its limit.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BudgetWarning {
    /// The provider whose budget it is; none for the overall budget.
    pub provider: Option<String>,
    /// The budget's period.
    pub period: Period,
    /// Spent in the period so far, USD.
    pub spent_usd: f64,
    /// The period's limit, USD.
    pub limit_usd: f64,
    /// The share of the limit used, in whole percent.
    pub percent: u32,
}

impl fmt::Display for BudgetWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let period = match self.period {
            Period::Day => "daily",
            Period::Month => "monthly",
        };
        let whose = match &self.provider {
            Some(provider) => format!("{provider}'s"),
            None => "the overall".to_owned(),
        };
        write!(
            f,
            "{} % of {whose} {period} budget is used (${:.2} of ${:.2})",
            self.percent, self.spent_usd, self.limit_usd
        )
    }
}

//! The spend ledger and the measured speeds from the history: loaded when a process first
//! chats (or reports spend) and again when older than [`STALE_AFTER`], so spend by the CLI,
//! `serve` and the app adds up across processes. Without a history they hold this process's
//! answers only.

use std::time::{Duration, Instant};

use chrono::{Local, NaiveDate, TimeZone};

use crate::history::{self, HistoryStore, SpendRow, Timestamp};
use crate::policy::spend::Spent;
use crate::policy::{Ledger, SpeedBook};
use crate::router::Router;

/// How many recent answers the measured speeds are loaded from.
const RECENT_ANSWERS: usize = 500;

/// How old a loaded ledger may get before the history is read again.
pub(super) const STALE_AFTER: Duration = Duration::from_secs(30);

/// Loads the ledger and the speeds from `store` into `router` if they were never loaded or are
/// stale. The time of the last load is the router's, so every engine built over one router
/// (the desktop builds one per command) shares it. Blocking (reads the history).
pub(super) fn refresh(store: &HistoryStore, router: &Router) -> history::Result<()> {
    let mut loaded = router.ledger_loaded();
    if loaded.is_some_and(|at| at.elapsed() < STALE_AFTER) {
        return Ok(());
    }
    let today = Local::now().date_naive();
    let rows = store.spend_since(month_start_ms(today))?;
    router.set_ledger(ledger_of(today, rows));
    let mut book = SpeedBook::default();
    for (model, first_token_ms, tokens_per_second) in store.recent_timings(RECENT_ANSWERS)? {
        book.record(&model, first_token_ms, tokens_per_second);
    }
    router.set_speed_book(book);
    *loaded = Some(Instant::now());
    Ok(())
}

/// The spend of an answer: its cost, where an answer that stayed on this machine without a
/// price costs nothing, and one that left without a price is unknown.
pub(super) fn usd(cost: Option<f64>, left_machine: bool) -> Option<f64> {
    match cost {
        None if !left_machine => Some(0.0),
        cost => cost,
    }
}

/// The ledger of `today` from the history's rows.
fn ledger_of(today: NaiveDate, rows: Vec<SpendRow>) -> Ledger {
    let entries = rows.into_iter().filter_map(|row| {
        let day = Local.timestamp_millis_opt(row.at.0).single()?.date_naive();
        let provider = row
            .model
            .split_once('/')
            .map_or(row.model.as_str(), |(p, _)| p);
        Some(Spent {
            provider: provider.to_owned(),
            usd: usd(row.cost, row.left_machine.unwrap_or(true)),
            day,
        })
    });
    Ledger::from_entries(today, entries)
}

/// Midnight of the first day of `today`'s month, local time, as a history timestamp.
fn month_start_ms(today: NaiveDate) -> Timestamp {
    let first = Ledger::month_start(today);
    let midnight = first.and_hms_opt(0, 0, 0).unwrap_or_default();
    let ms = Local
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(0, |t| t.timestamp_millis());
    Timestamp(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_spend_and_a_local_answer_without_a_price_is_free() {
        let today = Local::now().date_naive();
        let now = Timestamp::now();
        let row = |model: &str, cost, left| SpendRow {
            model: model.into(),
            cost,
            left_machine: left,
            at: now,
        };
        let ledger = ledger_of(
            today,
            vec![
                row("openai/g", Some(0.5), Some(true)),
                row("openai/g", None, Some(true)),
                row("lmstudio/m", None, Some(false)),
                row("old/m", None, None),
            ],
        );
        let openai = ledger.provider("openai");
        assert_eq!((openai.today_usd, openai.unknown_today), (0.5, 1));
        assert_eq!(ledger.provider("lmstudio").unknown_today, 0);
        assert_eq!(
            ledger.provider("old").unknown_today,
            1,
            "unknown stays unknown"
        );
        assert!(month_start_ms(today).0 <= now.0);
    }
}

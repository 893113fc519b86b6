//! What the history knows about where answers went and what they cost: the "left this
//! machine" filter over search, and the spend entries the budgets are computed from.
//!
//! Whether an answer left this machine is stored per answer (`left_machine`, set from its
//! route attempts' privacy trail when it is saved). Answers saved before the trail existed
//! have no value and match neither "left" nor "stayed".

use rusqlite::params;

use super::model::{MessageId, Role, Timestamp};
use super::search::SearchHit;
use super::{Error, HistoryStore, Result, SnippetPart};

/// How many characters of an answer a filter-only hit shows.
const PREVIEW_CHARS: usize = 100;

/// Narrows a search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only answers that sent the text off this machine.
    pub left_machine: bool,
}

/// One answer's cost, for the spend ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendRow {
    /// `provider/model` that answered.
    pub model: String,
    /// USD; `None`: unknown.
    pub cost: Option<f64>,
    /// Whether it left this machine (`None`: saved before the trail existed).
    pub left_machine: Option<bool>,
    /// When it was answered.
    pub at: Timestamp,
}

impl HistoryStore {
    /// [`HistoryStore::search`] narrowed by `filter`. With a filter, `query` may be empty: then
    /// the newest matching answers come, newest first. With both, the filter applies to the
    /// best 200 text matches.
    pub fn search_filtered(
        &self,
        query: &str,
        limit: usize,
        filter: SearchFilter,
    ) -> Result<Vec<SearchHit>> {
        if !filter.left_machine {
            return self.search(query, limit);
        }
        if !query.chars().any(char::is_alphanumeric) {
            return self.answers_that_left(limit);
        }
        let hits = self.search(query, usize::MAX)?;
        let ids: Vec<MessageId> = hits.iter().map(|h| h.message_id).collect();
        let left = self.read(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT left_machine FROM messages WHERE id = ?1")
                .map_err(Error::sqlite("filter the search"))?;
            ids.iter()
                .map(|id| {
                    stmt.query_row([id], |row| row.get::<_, Option<bool>>(0))
                        .map_err(Error::sqlite("filter the search"))
                })
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(hits
            .into_iter()
            .zip(left)
            .filter(|(_, left)| *left == Some(true))
            .map(|(hit, _)| hit)
            .take(limit.max(1))
            .collect())
    }

    /// The newest answers that sent the text off this machine.
    fn answers_that_left(&self, limit: usize) -> Result<Vec<SearchHit>> {
        let op = "list the answers that left this machine";
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT m.id, m.conversation_id, c.title, m.model, m.created_at, m.content
                     FROM messages m JOIN conversations c ON c.id = m.conversation_id
                     WHERE m.left_machine = 1 ORDER BY m.id DESC LIMIT ?1",
                )
                .map_err(Error::sqlite(op))?;
            let rows = stmt
                .query_map([limit.clamp(1, 200) as i64], |row| {
                    let content: String = row.get(5)?;
                    Ok(SearchHit {
                        message_id: row.get(0)?,
                        conversation_id: row.get(1)?,
                        conversation_title: row.get(2)?,
                        role: Role::Assistant,
                        model: row.get(3)?,
                        created_at: Timestamp(row.get(4)?),
                        snippet: vec![SnippetPart {
                            text: content.chars().take(PREVIEW_CHARS).collect(),
                            highlight: false,
                        }],
                    })
                })
                .map_err(Error::sqlite(op))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(Error::sqlite(op))
        })
    }

    /// The timing of the newest `limit` complete answers that had a first token, oldest
    /// first: `(model, first_token_ms, tokens_per_second)`, for the measured speeds.
    pub fn recent_timings(&self, limit: usize) -> Result<Vec<(String, u64, Option<f64>)>> {
        let op = "read the answers' timing";
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT model, first_token_ms, duration_ms, usage_output FROM messages
                     WHERE role = 'assistant' AND model IS NOT NULL AND status = 'complete'
                       AND first_token_ms IS NOT NULL
                     ORDER BY id DESC LIMIT ?1",
                )
                .map_err(Error::sqlite(op))?;
            let rows = stmt
                .query_map([limit as i64], |row| {
                    let first: i64 = row.get(1)?;
                    let duration: Option<i64> = row.get(2)?;
                    let output: Option<i64> = row.get(3)?;
                    let as_u64 = |n: i64| u64::try_from(n).unwrap_or(0);
                    let timing = crate::providers::Timing::new(
                        Some(as_u64(first)),
                        duration.map_or(0, as_u64),
                        output.map(as_u64),
                    );
                    Ok((row.get(0)?, as_u64(first), timing.tokens_per_second))
                })
                .map_err(Error::sqlite(op))?;
            let mut all: Vec<_> = rows
                .collect::<rusqlite::Result<_>>()
                .map_err(Error::sqlite(op))?;
            all.reverse();
            Ok(all)
        })
    }

    /// The answers since `since` with the model that answered, for the spend ledger.
    pub fn spend_since(&self, since: Timestamp) -> Result<Vec<SpendRow>> {
        let op = "read the spend";
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT model, cost, left_machine, created_at FROM messages
                     WHERE role = 'assistant' AND model IS NOT NULL AND created_at >= ?1
                       AND status != 'unfinished'",
                )
                .map_err(Error::sqlite(op))?;
            let rows = stmt
                .query_map(params![since.0], |row| {
                    Ok(SpendRow {
                        model: row.get(0)?,
                        cost: row.get(1)?,
                        left_machine: row.get(2)?,
                        at: Timestamp(row.get(3)?),
                    })
                })
                .map_err(Error::sqlite(op))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(Error::sqlite(op))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Finish, MessageStatus};
    use crate::policy::{Destination, Place};
    use crate::router::{AttemptOutcome, RouteAttempt};

    fn attempt(left: bool) -> RouteAttempt {
        RouteAttempt {
            attempt: 1,
            model: if left { "anthropic/c" } else { "lmstudio/m" }.into(),
            outcome: AttemptOutcome::Ok,
            reason: None,
            status: None,
            elapsed_ms: 1,
            destination: Some(Destination {
                host: if left {
                    "api.anthropic.com"
                } else {
                    "127.0.0.1:1234"
                }
                .into(),
                place: if left {
                    Place::Leaves
                } else {
                    Place::ThisMachine
                },
                left_machine: left,
                region: None,
                key_sent: left,
            }),
        }
    }

    #[test]
    fn the_filter_finds_answers_that_left_and_spend_reads_their_costs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let chat = store.create_conversation(None).expect("creates");
        for (left, text, cost) in [
            (true, "weather in Seoul, hosted", Some(0.25)),
            (false, "weather in Seoul, local", Some(0.0)),
            (true, "unrelated hosted answer", None),
        ] {
            store
                .add_message(chat.id, Role::User, "question")
                .expect("adds");
            let model = attempt(left).model;
            let mut answer = store.begin_answer(chat.id, Some(&model)).expect("begins");
            answer.record_attempt(attempt(left)).expect("records");
            answer.append(text).expect("appends");
            let mut end = Finish::new(MessageStatus::Complete);
            end.cost = cost;
            answer.finish(end).expect("finishes");
        }
        let filter = SearchFilter { left_machine: true };
        let hits = store
            .search_filtered("weather", 10, filter)
            .expect("searches");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].model.as_deref(), Some("anthropic/c"));
        assert_eq!(store.search("weather", 10).expect("searches").len(), 2);
        let all_left = store.search_filtered("", 10, filter).expect("lists");
        assert_eq!(all_left.len(), 2, "newest first");
        assert_eq!(all_left[0].snippet[0].text, "unrelated hosted answer");
        let spend = store.spend_since(Timestamp(0)).expect("reads");
        let costs: Vec<_> = spend.iter().map(|r| (r.cost, r.left_machine)).collect();
        assert_eq!(
            costs,
            [
                (Some(0.25), Some(true)),
                (Some(0.0), Some(false)),
                (None, Some(true))
            ]
        );
    }
}

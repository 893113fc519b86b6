//! Saving a streaming answer: [`AnswerWriter`] keeps the text in memory and rewrites the row at
//! most once per flush interval, and once more when the answer ends.
//!
//! A flush is one small transaction that replaces the row's text (SQLite rewrites a row whole
//! anyway), so the row is never torn: a crash leaves the last flushed text with the status
//! `unfinished`. Deltas arriving faster than the interval cost only a string append.
//!
//! `append` flushes when a flush is due, but a stalled stream sends no deltas, so text that
//! arrived just before a stall would wait for the next delta. Callers that loop over a stream
//! should also wake at [`AnswerWriter::flush_deadline`] and call [`AnswerWriter::flush_if_due`]
//! (with `tokio::select!` on the stream and a `sleep_until`).

use std::time::Instant;

use rusqlite::{params, Connection};

use super::model::{ConversationId, Message, MessageId, MessageStatus, Role, Timestamp};
use super::write::touch;
use super::{Error, HistoryStore, Result};
use crate::providers::{Timing, Usage};
use crate::router::RouteAttempt;

/// How an answer ended, for [`AnswerWriter::finish`].
#[derive(Debug, Clone, PartialEq)]
pub struct Finish {
    /// `Complete`, `Stopped` or `Failed` (`Unfinished` is rejected).
    pub status: MessageStatus,
    /// Token counts, if the provider reported them.
    pub usage: Option<Usage>,
    /// Cost in USD, if known.
    pub cost: Option<f64>,
    /// How fast it came, if measured.
    pub timing: Option<Timing>,
    /// Why it failed (for `Failed`).
    pub error: Option<String>,
}

impl Finish {
    /// An end with `status` and nothing else known.
    pub fn new(status: MessageStatus) -> Self {
        Finish {
            status,
            usage: None,
            cost: None,
            timing: None,
            error: None,
        }
    }
}

/// Writes one streaming answer; made by [`HistoryStore::begin_answer`].
///
/// Dropping it without [`finish`](AnswerWriter::finish) saves what it has and leaves the
/// message `unfinished`, as a crash would.
#[derive(Debug)]
pub struct AnswerWriter {
    store: HistoryStore,
    id: MessageId,
    conversation: ConversationId,
    content: String,
    reasoning: String,
    model: Option<String>,
    route: Vec<RouteAttempt>,
    /// Whether something changed since the last flush.
    dirty: bool,
    last_flush: Instant,
    finished: bool,
}

impl HistoryStore {
    /// Inserts an empty, `unfinished` assistant message and returns its writer.
    ///
    /// Call it when the request goes out (after saving the user message); `model` is the
    /// model tried first, if known (route attempts and [`AnswerWriter::set_model`] refine it).
    /// It answers the conversation's newest user message; to ask a question again, start a
    /// version of its answer with [`HistoryStore::begin_version`] instead.
    pub fn begin_answer(
        &self,
        conversation: ConversationId,
        model: Option<&str>,
    ) -> Result<AnswerWriter> {
        let now = Timestamp::now();
        let id = self.write(|conn| {
            let tx = conn
                .transaction()
                .map_err(Error::sqlite("start the answer"))?;
            touch(&tx, conversation, now)?;
            let question: Option<MessageId> = tx
                .query_row(
                    "SELECT max(id) FROM messages WHERE conversation_id = ?1 AND role = 'user'",
                    [conversation],
                    |row| row.get(0),
                )
                .map_err(Error::sqlite("start the answer"))?;
            let id = insert_answer(&tx, conversation, model, question, now)?;
            tx.commit().map_err(Error::sqlite("start the answer"))?;
            Ok(id)
        })?;
        Ok(AnswerWriter::new(self.clone(), id, conversation, model))
    }
}

/// Inserts an empty, `unfinished` answer to `question` as the version shown (the question's
/// other answers are no longer shown); returns its id.
pub(super) fn insert_answer(
    conn: &Connection,
    conversation: ConversationId,
    model: Option<&str>,
    question: Option<MessageId>,
    now: Timestamp,
) -> Result<MessageId> {
    if let Some(question) = question {
        conn.execute(
            "UPDATE messages SET selected = 0 WHERE answer_to = ?1 AND selected",
            [question],
        )
        .map_err(Error::sqlite("start the answer"))?;
    }
    conn.execute(
        "INSERT INTO messages (conversation_id, role, model, status, created_at, updated_at,
                               answer_to)
         VALUES (?1, ?2, ?3, 'unfinished', ?4, ?4, ?5)",
        params![
            conversation,
            Role::Assistant.as_str(),
            model,
            now.0,
            question
        ],
    )
    .map_err(Error::sqlite("start the answer"))?;
    Ok(conn.last_insert_rowid())
}

impl AnswerWriter {
    /// The writer of the answer just inserted as row `id`.
    pub(super) fn new(
        store: HistoryStore,
        id: MessageId,
        conversation: ConversationId,
        model: Option<&str>,
    ) -> AnswerWriter {
        AnswerWriter {
            store,
            id,
            conversation,
            content: String::new(),
            reasoning: String::new(),
            model: model.map(str::to_owned),
            route: Vec::new(),
            dirty: false,
            last_flush: Instant::now(),
            finished: false,
        }
    }

    /// The answer's message id.
    pub fn id(&self) -> MessageId {
        self.id
    }

    /// The conversation it belongs to.
    pub fn conversation_id(&self) -> ConversationId {
        self.conversation
    }

    /// The answer text so far.
    pub fn content(&self) -> &str {
        &self.content
    }

    /// Adds answer text; saves if a flush is due.
    pub fn append(&mut self, delta: &str) -> Result<()> {
        self.content.push_str(delta);
        self.changed()
    }

    /// Adds reasoning text; saves if a flush is due.
    pub fn append_reasoning(&mut self, delta: &str) -> Result<()> {
        self.reasoning.push_str(delta);
        self.changed()
    }

    /// Records a route attempt (in the order they happen); saves if a flush is due.
    pub fn record_attempt(&mut self, attempt: RouteAttempt) -> Result<()> {
        self.route.push(attempt);
        self.changed()
    }

    /// Sets the model that is answering (after a failover, say); saves if a flush is due.
    pub fn set_model(&mut self, model: &str) -> Result<()> {
        self.model = Some(model.to_owned());
        self.changed()
    }

    /// When the unsaved changes must be saved, if there are any.
    pub fn flush_deadline(&self) -> Option<Instant> {
        self.dirty
            .then(|| self.last_flush + self.store.flush_interval())
    }

    /// Saves if there are changes and the flush interval has passed since the last save.
    pub fn flush_if_due(&mut self) -> Result<()> {
        match self.flush_deadline() {
            Some(due) if Instant::now() >= due => self.flush(),
            _ => Ok(()),
        }
    }

    /// Saves the text so far now (the message stays `unfinished`).
    pub fn flush(&mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        self.save(MessageStatus::Unfinished, None)?;
        self.dirty = false;
        self.last_flush = Instant::now();
        Ok(())
    }

    /// Saves the whole answer with how it ended, and returns the stored message.
    pub fn finish(mut self, end: Finish) -> Result<Message> {
        if end.status == MessageStatus::Unfinished {
            return Err(Error::InvalidInput(
                "an answer cannot finish as unfinished".into(),
            ));
        }
        self.save(end.status, Some(&end))?;
        self.finished = true;
        self.store.message(self.id)
    }

    fn changed(&mut self) -> Result<()> {
        self.dirty = true;
        self.flush_if_due()
    }

    fn save(&self, status: MessageStatus, end: Option<&Finish>) -> Result<()> {
        let route = serde_json::to_string(&self.route).map_err(|source| Error::Json {
            what: "route attempts",
            source,
        })?;
        let usage = end.and_then(|e| e.usage);
        let timing = end.and_then(|e| e.timing);
        let now = Timestamp::now();
        let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        self.store.write(|conn| {
            let tx = conn
                .transaction()
                .map_err(Error::sqlite("save the answer"))?;
            let changed = tx
                .execute(
                    "UPDATE messages SET content = ?2, reasoning = ?3, model = ?4,
                         route_attempts = ?5, status = ?6, usage_input = ?7, usage_output = ?8,
                         usage_cache_read = ?9, usage_cache_write = ?10, cost = ?11, error = ?12,
                         updated_at = ?13, usage_reasoning = ?14, first_token_ms = ?15,
                         duration_ms = ?16, left_machine = ?17
                     WHERE id = ?1",
                    params![
                        self.id,
                        self.content,
                        self.reasoning,
                        self.model,
                        route,
                        status.as_str(),
                        usage.map(|u| as_i64(u.input)),
                        usage.map(|u| as_i64(u.output)),
                        usage.map(|u| as_i64(u.cache_read)),
                        usage.map(|u| as_i64(u.cache_write)),
                        end.and_then(|e| e.cost),
                        end.and_then(|e| e.error.as_deref()),
                        now.0,
                        usage.and_then(|u| u.reasoning).map(as_i64),
                        timing.and_then(|t| t.first_token_ms).map(as_i64),
                        timing.map(|t| as_i64(t.duration_ms)),
                        self.route.iter().any(RouteAttempt::left_machine),
                    ],
                )
                .map_err(Error::sqlite("save the answer"))?;
            if changed == 0 {
                // The conversation was deleted while the answer streamed.
                return Err(Error::NotFound {
                    what: "message",
                    id: self.id,
                });
            }
            touch(&tx, self.conversation, now)?;
            tx.commit().map_err(Error::sqlite("save the answer"))
        })
    }
}

impl Drop for AnswerWriter {
    fn drop(&mut self) {
        if !self.finished {
            if let Err(err) = self.flush() {
                tracing::warn!(
                    message = self.id,
                    "the unfinished answer was not saved: {err}"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::providers::Usage;
    use crate::router::AttemptOutcome;

    fn store(interval: Duration) -> (tempfile::TempDir, HistoryStore) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("h.sqlite3");
        let store = HistoryStore::with_flush_interval(&path, interval)
            .expect("opens")
            .store;
        (dir, store)
    }

    #[test]
    fn appends_are_saved_on_the_cadence_and_at_the_end() {
        let (_dir, store) = store(Duration::from_millis(50));
        let chat = store.create_conversation(None).expect("creates");
        store.add_message(chat.id, Role::User, "hi").expect("adds");
        let mut answer = store.begin_answer(chat.id, Some("a/b")).expect("begins");
        let stored = store
            .message(answer.id())
            .expect("row exists before any token");
        assert_eq!(stored.status, MessageStatus::Unfinished);
        assert_eq!(stored.content, "");

        answer.append("Hel").expect("appends");
        assert!(answer.flush_deadline().is_some());
        assert_eq!(store.message(answer.id()).expect("loads").content, "");
        std::thread::sleep(Duration::from_millis(60));
        answer.append("lo").expect("appends and flushes");
        assert!(answer.flush_deadline().is_none());
        assert_eq!(store.message(answer.id()).expect("loads").content, "Hello");

        answer.append_reasoning("thinking").expect("appends");
        answer
            .record_attempt(RouteAttempt {
                attempt: 1,
                model: "a/b".into(),
                outcome: AttemptOutcome::Ok,
                reason: None,
                status: None,
                elapsed_ms: 3,
                destination: None,
            })
            .expect("records");
        let done = answer
            .finish(Finish {
                status: MessageStatus::Complete,
                usage: Some(Usage {
                    input: 12,
                    output: 40,
                    cache_read: 0,
                    cache_write: 0,
                    reasoning: Some(30),
                }),
                cost: Some(0.25),
                timing: Some(Timing::new(Some(100), 600, Some(40))),
                error: None,
            })
            .expect("finishes");
        assert_eq!(done.content, "Hello");
        assert_eq!(done.usage.and_then(|u| u.reasoning), Some(30));
        let timing = done.timing.expect("timing saved");
        assert_eq!(
            (timing.first_token_ms, timing.duration_ms),
            (Some(100), 600)
        );
        assert_eq!(timing.tokens_per_second, Some(80.0));
        assert_eq!(done.reasoning, "thinking");
        assert_eq!(done.status, MessageStatus::Complete);
        assert_eq!(done.route.len(), 1);
        assert_eq!(done.usage.map(|u| u.input), Some(12));
        assert_eq!(done.cost, Some(0.25));
        assert_eq!(store.search("hello", 5).expect("searches").len(), 1);
    }

    #[test]
    fn dropping_without_finish_saves_and_stays_unfinished() {
        let (_dir, store) = store(Duration::from_secs(3600));
        let chat = store.create_conversation(None).expect("creates");
        let mut answer = store.begin_answer(chat.id, None).expect("begins");
        let id = answer.id();
        answer.append("partial").expect("appends");
        drop(answer);
        let stored = store.message(id).expect("loads");
        assert_eq!(stored.content, "partial");
        assert_eq!(stored.status, MessageStatus::Unfinished);
    }

    #[test]
    fn failed_answers_keep_the_reason_and_unfinished_is_not_an_end() {
        let (_dir, store) = store(Duration::from_secs(1));
        let chat = store.create_conversation(None).expect("creates");
        let answer = store.begin_answer(chat.id, None).expect("begins");
        let err = answer
            .finish(Finish::new(MessageStatus::Unfinished))
            .expect_err("rejected");
        assert_eq!(err.kind(), super::super::ErrorKind::InvalidInput);
        let mut answer = store.begin_answer(chat.id, None).expect("begins");
        answer.append("half an ans").expect("appends");
        let done = answer
            .finish(Finish {
                error: Some("connection reset".into()),
                ..Finish::new(MessageStatus::Failed)
            })
            .expect("finishes");
        assert_eq!(done.status, MessageStatus::Failed);
        assert_eq!(done.error.as_deref(), Some("connection reset"));
        assert!(store.begin_answer(404, None).is_err());
    }

    #[test]
    fn an_answer_to_a_deleted_conversation_fails_cleanly() {
        let (_dir, store) = store(Duration::ZERO);
        let chat = store.create_conversation(None).expect("creates");
        let mut answer = store.begin_answer(chat.id, None).expect("begins");
        store.delete_conversation(chat.id).expect("deletes");
        let err = answer.append("x").expect_err("gone");
        assert_eq!(err.kind(), super::super::ErrorKind::NotFound);
    }
}

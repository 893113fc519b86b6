//! Reading conversations and messages, with paging for the chat window.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::model::Parameters;
use super::model::{
    Conversation, ConversationId, Message, MessageId, MessageStatus, Role, Timestamp,
};
use super::{Error, HistoryStore, Result};
use crate::providers::{Timing, Usage};
use crate::router::RouteAttempt;

/// The most messages or conversations one call returns.
pub(crate) const MAX_PAGE: usize = 500;

/// A page of a conversation's messages, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// The messages, oldest first.
    pub messages: Vec<Message>,
    /// Whether older messages exist before the first one here.
    pub has_more: bool,
}

const CONVERSATION_COLUMNS: &str = "c.id, c.title, c.title_is_custom, c.pinned, c.created_at,
    c.updated_at, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.selected),
    c.private,
    (SELECT content FROM messages s WHERE s.conversation_id = c.id AND s.role = 'system'
     ORDER BY s.id DESC LIMIT 1),
    c.temperature, c.top_p, c.max_tokens";

/// A message's columns, for `FROM messages` without an alias (the versions' subquery refers to
/// the outer row by the table's name).
pub(crate) const MESSAGE_COLUMNS: &str = "id, conversation_id, role, content, reasoning, model,
    route_attempts, usage_input, usage_output, usage_cache_read, usage_cache_write, cost,
    status, error, created_at, updated_at, usage_reasoning, first_token_ms, duration_ms,
    answer_to, selected,
    (SELECT group_concat(v.id, ',' ORDER BY v.id) FROM messages v
     WHERE v.answer_to = messages.answer_to)";

/// Where a message stands in its conversation: an answer's versions stand right after the
/// question they answer (a version asked later is still shown in its place), everything else
/// by its id. Sort by this, then by id.
pub(crate) const POSITION: &str = "coalesce(answer_to, id)";

impl HistoryStore {
    /// Conversations, pinned first, then most recently updated first.
    pub fn list_conversations(&self, limit: usize, offset: usize) -> Result<Vec<Conversation>> {
        let limit = limit.clamp(1, MAX_PAGE);
        self.read(|conn| {
            let sql = format!(
                "SELECT {CONVERSATION_COLUMNS} FROM conversations c
                 ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?1 OFFSET ?2"
            );
            let mut stmt = conn
                .prepare_cached(&sql)
                .map_err(Error::sqlite("list conversations"))?;
            let rows = stmt
                .query_map(params![limit as i64, offset as i64], conversation_from_row)
                .map_err(Error::sqlite("list conversations"))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(Error::sqlite("list conversations"))
        })
    }

    /// One conversation.
    pub fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        self.read(|conn| conversation(conn, id))
    }

    /// Up to `limit` messages of a conversation as it is shown, oldest first, ending just
    /// before `before` (or with the newest message). Of an answer's versions only the selected
    /// one is here, in the place of the first. The chat window loads the newest page, then
    /// passes the first id it has as `before` to load older ones.
    pub fn messages(
        &self,
        conversation: ConversationId,
        before: Option<MessageId>,
        limit: usize,
    ) -> Result<MessagePage> {
        let limit = limit.clamp(1, MAX_PAGE);
        self.read(|conn| {
            // Fail clearly for a conversation that does not exist (or was just deleted).
            self::conversation(conn, conversation)?;
            // The page ends before `before`'s place (a message deleted since: its id).
            let cursor = match before {
                Some(id) => conn
                    .query_row(
                        &format!("SELECT {POSITION}, id FROM messages WHERE id = ?1"),
                        [id],
                        |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
                    )
                    .optional()
                    .map_err(Error::sqlite("load messages"))?
                    .unwrap_or((id, id)),
                None => (i64::MAX, i64::MAX),
            };
            let sql = format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages
                 WHERE conversation_id = ?1 AND selected AND ({POSITION}, id) < (?2, ?3)
                 ORDER BY {POSITION} DESC, id DESC LIMIT ?4"
            );
            let mut stmt = conn
                .prepare_cached(&sql)
                .map_err(Error::sqlite("load messages"))?;
            let rows = stmt
                .query_map(
                    params![conversation, cursor.0, cursor.1, limit as i64 + 1],
                    message_from_row,
                )
                .map_err(Error::sqlite("load messages"))?;
            let mut messages = rows
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(Error::sqlite("load messages"))?;
            let has_more = messages.len() > limit;
            messages.truncate(limit);
            messages.reverse();
            super::attachments::fill(conn, &mut messages)?;
            Ok(MessagePage { messages, has_more })
        })
    }

    /// Every message of a conversation, every version of its answers included, in the order
    /// shown (an answer's versions together, oldest first), for export and for the context.
    pub fn all_messages(&self, conversation: ConversationId) -> Result<Vec<Message>> {
        self.read(|conn| all_messages(conn, conversation))
    }

    /// One message.
    pub fn message(&self, id: MessageId) -> Result<Message> {
        self.read(|conn| {
            let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1");
            let message = conn
                .query_row(&sql, [id], message_from_row)
                .optional()
                .map_err(Error::sqlite("load the message"))?
                .ok_or(Error::NotFound {
                    what: "message",
                    id,
                })?;
            let mut one = [message];
            super::attachments::fill(conn, &mut one)?;
            let [message] = one;
            Ok(message)
        })
    }
}

pub(crate) fn conversation(conn: &Connection, id: ConversationId) -> Result<Conversation> {
    let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?1");
    conn.query_row(&sql, [id], conversation_from_row)
        .optional()
        .map_err(Error::sqlite("load the conversation"))?
        .ok_or(Error::NotFound {
            what: "conversation",
            id,
        })
}

pub(crate) fn all_messages(
    conn: &Connection,
    conversation: ConversationId,
) -> Result<Vec<Message>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1
         ORDER BY {POSITION}, id"
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(Error::sqlite("load messages"))?;
    let rows = stmt
        .query_map([conversation], message_from_row)
        .map_err(Error::sqlite("load messages"))?;
    let mut messages = rows
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::sqlite("load messages"))?;
    super::attachments::fill(conn, &mut messages)?;
    Ok(messages)
}

fn conversation_from_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: row.get(0)?,
        title: row.get(1)?,
        title_is_custom: row.get(2)?,
        pinned: row.get(3)?,
        created_at: Timestamp(row.get(4)?),
        updated_at: Timestamp(row.get(5)?),
        message_count: row.get::<_, i64>(6)?.try_into().unwrap_or(0),
        private: row.get(7)?,
        system_prompt: row.get(8)?,
        parameters: Parameters {
            temperature: row.get(9)?,
            top_p: row.get(10)?,
            max_tokens: row
                .get::<_, Option<i64>>(11)?
                .and_then(|m| u64::try_from(m).ok()),
        },
    })
}

pub(crate) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let bad = |i: usize, what: &str, value: String| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown {what} {value:?}").into(),
        )
    };
    let role: String = row.get(2)?;
    let route: String = row.get(6)?;
    let status: String = row.get(12)?;
    let usage: [Option<i64>; 4] = [row.get(7)?, row.get(8)?, row.get(9)?, row.get(10)?];
    let count = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
    let known = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok());
    let reasoning = known(row.get(16)?);
    let first_token_ms = known(row.get(17)?);
    let usage = usage.iter().any(Option::is_some).then(|| Usage {
        input: count(usage[0]),
        output: count(usage[1]),
        cache_read: count(usage[2]),
        cache_write: count(usage[3]),
        reasoning,
    });
    let duration: Option<i64> = row.get(18)?;
    let timing = known(duration)
        .map(|duration_ms| Timing::new(first_token_ms, duration_ms, usage.map(|u| u.output)));
    Ok(Message {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        role: Role::parse(&role).ok_or_else(|| bad(2, "role", role.clone()))?,
        content: row.get(3)?,
        reasoning: row.get(4)?,
        model: row.get(5)?,
        route: serde_json::from_str::<Vec<RouteAttempt>>(&route).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, e.into())
        })?,
        usage,
        cost: row.get(11)?,
        timing,
        status: MessageStatus::parse(&status).ok_or_else(|| bad(12, "status", status.clone()))?,
        error: row.get(13)?,
        created_at: Timestamp(row.get(14)?),
        updated_at: Timestamp(row.get(15)?),
        answer_to: row.get(19)?,
        selected: row.get(20)?,
        version_ids: row
            .get::<_, Option<String>>(21)?
            .map(|ids| ids.split(',').filter_map(|id| id.parse().ok()).collect())
            .unwrap_or_default(),
        attachments: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::Role;
    use super::*;

    #[test]
    fn messages_page_backwards_from_the_newest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let chat = store.create_conversation(None).expect("creates");
        let ids: Vec<MessageId> = (0..7)
            .map(|i| {
                store
                    .add_message(chat.id, Role::User, &format!("message {i}"))
                    .expect("adds")
                    .id
            })
            .collect();
        let newest = store.messages(chat.id, None, 3).expect("loads");
        assert!(newest.has_more);
        let got: Vec<_> = newest.messages.iter().map(|m| m.id).collect();
        assert_eq!(got, ids[4..]);
        let older = store.messages(chat.id, Some(ids[4]), 3).expect("loads");
        assert_eq!(
            older.messages.iter().map(|m| m.id).collect::<Vec<_>>(),
            ids[1..4]
        );
        assert!(older.has_more);
        let oldest = store.messages(chat.id, Some(ids[1]), 3).expect("loads");
        assert_eq!(oldest.messages.len(), 1);
        assert!(!oldest.has_more);
        let err = store.messages(99, None, 3).expect_err("missing");
        assert_eq!(err.kind(), super::super::ErrorKind::NotFound);
    }

    #[test]
    fn pinned_then_recent_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let a = store.create_conversation(Some("a")).expect("creates");
        let b = store.create_conversation(Some("b")).expect("creates");
        let c = store.create_conversation(Some("c")).expect("creates");
        store.set_pinned(a.id, true).expect("pins");
        let order: Vec<_> = store
            .list_conversations(10, 0)
            .expect("lists")
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(order, [a.id, c.id, b.id]);
        let second: Vec<_> = store
            .list_conversations(1, 1)
            .expect("lists")
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(second, [c.id]);
    }
}

//! The database schema and its forward migrations, versioned with SQLite's `user_version`.
//!
//! `MIGRATIONS[i]` takes a database from version `i` to `i + 1`; a new database runs them all.
//! Migrations only ever move forward and run inside one `BEGIN IMMEDIATE` transaction, so two
//! processes opening an old database at once cannot both migrate it, and a crash mid-migration
//! leaves the old version intact. A database newer than [`LATEST`] is refused and left untouched.
//! Never edit a released migration: add a new one, and a fixture for it in the tests below.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::{Error, Result};

/// Version 1: conversations and their messages.
const V1_TABLES: &str = "
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    title           TEXT    NOT NULL DEFAULT '',
    title_is_custom INTEGER NOT NULL DEFAULT 0,
    pinned          INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,            -- Unix milliseconds, UTC
    updated_at      INTEGER NOT NULL
);
CREATE INDEX conversations_by_recency ON conversations (pinned DESC, updated_at DESC);
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content         TEXT    NOT NULL DEFAULT '',
    model           TEXT,
    status          TEXT    NOT NULL DEFAULT 'complete'
                    CHECK (status IN ('complete', 'stopped', 'failed', 'unfinished')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
";

/// Version 2: what an answer carries besides its text.
const V2_ANSWER_DETAILS: &str = "
ALTER TABLE messages ADD COLUMN reasoning TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN route_attempts TEXT NOT NULL DEFAULT '[]'; -- JSON array
ALTER TABLE messages ADD COLUMN usage_input INTEGER;
ALTER TABLE messages ADD COLUMN usage_output INTEGER;
ALTER TABLE messages ADD COLUMN usage_cache_read INTEGER;
ALTER TABLE messages ADD COLUMN usage_cache_write INTEGER;
ALTER TABLE messages ADD COLUMN cost REAL;
ALTER TABLE messages ADD COLUMN error TEXT;
";

/// Version 3: full-text search. See the `search` module for why there are two indexes.
///
/// `unspaced` is true for text with characters of scripts written without spaces between
/// words (Han, Kana, Hangul, Thai, Lao, Myanmar, Khmer); only those messages go into the
/// trigram index. SQLite's GLOB compares `[a-b]` ranges by code point, so this needs no
/// custom function and works from any SQLite client.
const V3_SEARCH: &str = "
ALTER TABLE messages ADD COLUMN unspaced INTEGER GENERATED ALWAYS AS (
    content   GLOB '*[฀-໿က-႟ᄀ-ᇿក-៿⺀-⿟぀-ㆿ㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ𠀀-𯿿]*'
    OR reasoning GLOB '*[฀-໿က-႟ᄀ-ᇿក-៿⺀-⿟぀-ㆿ㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ𠀀-𯿿]*'
) VIRTUAL;
CREATE INDEX messages_unspaced ON messages (id) WHERE unspaced;

CREATE VIRTUAL TABLE messages_words USING fts5 (
    content, reasoning,
    content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO messages_words (messages_words, rank) VALUES ('rank', 'bm25(1.0, 0.3)');
CREATE VIRTUAL TABLE messages_trigrams USING fts5 (
    content, reasoning,
    content = 'messages', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
);

CREATE TRIGGER messages_words_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_words (rowid, content, reasoning)
    VALUES (new.id, new.content, new.reasoning);
END;
CREATE TRIGGER messages_words_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_words (messages_words, rowid, content, reasoning)
    VALUES ('delete', old.id, old.content, old.reasoning);
END;
CREATE TRIGGER messages_words_update AFTER UPDATE OF content, reasoning ON messages BEGIN
    INSERT INTO messages_words (messages_words, rowid, content, reasoning)
    VALUES ('delete', old.id, old.content, old.reasoning);
    INSERT INTO messages_words (rowid, content, reasoning)
    VALUES (new.id, new.content, new.reasoning);
END;

CREATE TRIGGER messages_trigrams_insert AFTER INSERT ON messages WHEN new.unspaced BEGIN
    INSERT INTO messages_trigrams (rowid, content, reasoning)
    VALUES (new.id, new.content, new.reasoning);
END;
CREATE TRIGGER messages_trigrams_delete AFTER DELETE ON messages WHEN old.unspaced BEGIN
    INSERT INTO messages_trigrams (messages_trigrams, rowid, content, reasoning)
    VALUES ('delete', old.id, old.content, old.reasoning);
END;
CREATE TRIGGER messages_trigrams_update_old AFTER UPDATE OF content, reasoning ON messages
WHEN old.unspaced BEGIN
    INSERT INTO messages_trigrams (messages_trigrams, rowid, content, reasoning)
    VALUES ('delete', old.id, old.content, old.reasoning);
END;
CREATE TRIGGER messages_trigrams_update_new AFTER UPDATE OF content, reasoning ON messages
WHEN new.unspaced BEGIN
    INSERT INTO messages_trigrams (rowid, content, reasoning)
    VALUES (new.id, new.content, new.reasoning);
END;

INSERT INTO messages_words (messages_words) VALUES ('rebuild');
INSERT INTO messages_trigrams (rowid, content, reasoning)
    SELECT id, content, reasoning FROM messages WHERE unspaced;
";

/// Version 4: reasoning tokens and how fast an answer came.
const V4_TIMING: &str = "
ALTER TABLE messages ADD COLUMN usage_reasoning INTEGER;
ALTER TABLE messages ADD COLUMN first_token_ms INTEGER;
ALTER TABLE messages ADD COLUMN duration_ms INTEGER;
";

/// Version 5: private conversations (the router keeps them on this machine) and, per answer,
/// whether any attempt sent the text off this machine (the privacy trail's search filter;
/// NULL for answers saved before the trail existed).
const V5_PRIVACY: &str = "
ALTER TABLE conversations ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN left_machine INTEGER;
";

/// Version 6: a conversation's generation parameters (NULL: the model's default). Its system
/// prompt stays its system message.
const V6_PARAMETERS: &str = "
ALTER TABLE conversations ADD COLUMN temperature REAL;
ALTER TABLE conversations ADD COLUMN top_p REAL;
ALTER TABLE conversations ADD COLUMN max_tokens INTEGER;
";

/// Version 7: versions of an answer. Asking a question again ("Retry", "Retry on next route") adds a
/// sibling answer instead of a message. `answer_to` is the user message an answer answers (its
/// versions share it; NULL for an answer with no question before it, or a client's own turn);
/// `selected` marks the version shown and sent as context (1 for every other message).
///
/// Old answers: an answer right after a user message answers it. Where several answers follow
/// one user message and every one but the last failed or never ended, the question was retried
/// on the next route: they become versions of one answer, the newest shown. Runs where an
/// earlier answer is complete (a client's own turns) keep only their first answer as the
/// answer; the rest stay as they were (no question, each shown). A user message asked again
/// (the old "Retry" sent it anew) cannot be told from a person asking again and stays a
/// message of its own.
const ANSWER_VERSIONS: &str = "
ALTER TABLE messages ADD COLUMN answer_to INTEGER;
ALTER TABLE messages ADD COLUMN selected INTEGER NOT NULL DEFAULT 1;
CREATE INDEX messages_by_question ON messages (answer_to) WHERE answer_to IS NOT NULL;
CREATE INDEX messages_in_order ON messages (conversation_id, coalesce(answer_to, id), id)
    WHERE selected;

CREATE TEMP TABLE answer_runs AS
WITH answers AS (
    SELECT a.id, a.status,
           (SELECT max(p.id) FROM messages p
            WHERE p.conversation_id = a.conversation_id AND p.role <> 'assistant'
              AND p.id < a.id) AS after
    FROM messages a WHERE a.role = 'assistant'
)
SELECT answers.id, answers.status, answers.after AS question,
       row_number() OVER (PARTITION BY answers.after ORDER BY answers.id) AS nth,
       count(*) OVER (PARTITION BY answers.after) AS answers
FROM answers JOIN messages q ON q.id = answers.after AND q.role = 'user';
CREATE TEMP TABLE retried AS
SELECT DISTINCT r.question FROM temp.answer_runs r
WHERE NOT EXISTS (SELECT 1 FROM temp.answer_runs e
                  WHERE e.question = r.question AND e.nth < e.answers
                    AND e.status = 'complete');
UPDATE messages SET answer_to = (SELECT r.question FROM temp.answer_runs r
                                 WHERE r.id = messages.id)
WHERE id IN (SELECT r.id FROM temp.answer_runs r
             WHERE r.nth = 1 OR r.question IN (SELECT question FROM temp.retried));
UPDATE messages SET selected = 0
WHERE id IN (SELECT r.id FROM temp.answer_runs r
             WHERE r.nth < r.answers AND r.question IN (SELECT question FROM temp.retried));
DROP TABLE temp.retried;
DROP TABLE temp.answer_runs;
";

/// Version 8: images attached to user messages. The bytes live in files named by their hash
/// (see the `attachments` module), never in this database or its search index; a row says
/// which message shows which image, in order.
const V8_ATTACHMENTS: &str = "
CREATE TABLE attachments (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    sha256     TEXT    NOT NULL,                 -- lowercase hex; the file is <sha256>.<ext>
    media_type TEXT    NOT NULL,
    bytes      INTEGER NOT NULL,
    PRIMARY KEY (message_id, position)
) WITHOUT ROWID;
CREATE INDEX attachments_by_hash ON attachments (sha256);
";

/// Every migration, oldest first: `MIGRATIONS[i]` moves version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    V1_TABLES,
    V2_ANSWER_DETAILS,
    V3_SEARCH,
    V4_TIMING,
    V5_PRIVACY,
    V6_PARAMETERS,
    ANSWER_VERSIONS,
    V8_ATTACHMENTS,
];

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The database's `user_version`.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(Error::sqlite("read the schema version"))
}

/// Brings the database at `path` up to [`LATEST`].
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    migrate_to(conn, path, LATEST)
}

/// Brings the database up to `target` (tests stop at earlier versions to build fixtures).
pub(crate) fn migrate_to(conn: &mut Connection, path: &Path, target: i64) -> Result<()> {
    let too_new = |found| Error::TooNew {
        path: path.to_path_buf(),
        found,
        supported: LATEST,
    };
    // The common case, up to date, takes no write lock.
    let found = version(conn)?;
    if found > LATEST {
        return Err(too_new(found));
    }
    if found >= target {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(Error::sqlite("start the schema migration"))?;
    // Another process may have migrated between the check and the lock.
    let found = version(&tx)?;
    if found > LATEST {
        return Err(too_new(found));
    }
    for from in found..target {
        let sql = usize::try_from(from)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
            .ok_or_else(|| too_new(found))?;
        tx.execute_batch(sql)
            .map_err(Error::sqlite("migrate the schema"))?;
        tracing::debug!(from, to = from + 1, "migrated the history schema");
    }
    tx.pragma_update(None, "user_version", target)
        .map_err(Error::sqlite("record the schema version"))?;
    tx.commit()
        .map_err(Error::sqlite("commit the schema migration"))
}

#[cfg(test)]
mod tests {
    //! Migrations from every earlier version: a fixture per version writes what that version
    //! could hold, then the store opens it and everything must be readable and searchable.

    use super::*;
    use crate::history::{HistoryStore, MessageStatus, Role};

    /// Rows as each version could have written them; `FIXTURES[v]` is for version `v`.
    /// What versions 2 and 3 could hold: an answer with its details.
    const ANSWER_DETAILS: &str = "INSERT INTO conversations (id, title, created_at, updated_at)
             VALUES (1, 'Weather in Seoul', 1000, 2000);
         INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)
             VALUES (1, 'user', '서울에서 날씨가 어때요? Tell me about the weather.', 'complete', 1000, 1000);
         INSERT INTO messages (conversation_id, role, content, reasoning, model, route_attempts,
                               usage_input, usage_output, cost, status, created_at, updated_at)
             VALUES (1, 'assistant', 'It is sunny in Seoul.', 'They asked about Seoul.',
                     'lmstudio/qwen3',
                     '[{\"attempt\":1,\"model\":\"lmstudio/qwen3\",\"outcome\":\"ok\",\"elapsedMs\":5}]',
                     12, 40, 0.0, 'complete', 1500, 2000);";

    const FIXTURES: &[&str] = &[
        "",
        "INSERT INTO conversations (id, title, created_at, updated_at)
             VALUES (1, 'Weather in Seoul', 1000, 2000);
         INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)
             VALUES (1, 'user', '서울에서 날씨가 어때요? Tell me about the weather.', 'complete', 1000, 1000);
         INSERT INTO messages (conversation_id, role, content, model, status, created_at, updated_at)
             VALUES (1, 'assistant', 'It is sunny in Seoul.', 'lmstudio/qwen3', 'unfinished', 1500, 2000);",
        ANSWER_DETAILS,
        ANSWER_DETAILS,
        ANSWER_DETAILS,
        // Version 5: a private conversation; its answer's trail flag.
        "INSERT INTO conversations (id, title, created_at, updated_at, private)
             VALUES (1, 'Weather in Seoul', 1000, 2000, 1);
         INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)
             VALUES (1, 'user', '서울에서 날씨가 어때요? Tell me about the weather.', 'complete', 1000, 1000);
         INSERT INTO messages (conversation_id, role, content, reasoning, model, route_attempts,
                               usage_input, usage_output, cost, status, created_at, updated_at,
                               left_machine)
             VALUES (1, 'assistant', 'It is sunny in Seoul.', 'They asked about Seoul.',
                     'lmstudio/qwen3',
                     '[{\"attempt\":1,\"model\":\"lmstudio/qwen3\",\"outcome\":\"ok\",\"elapsedMs\":5}]',
                     12, 40, 0.0, 'complete', 1500, 2000, 0);",
        // Version 6: the same, with parameters set.
        V6_FIXTURE,
        // Version 7: the same, its answer an answer to the question (versions).
        V7_FIXTURE,
    ];

    /// What version 6 could hold: a private conversation with parameters.
    const V6_FIXTURE: &str = "INSERT INTO conversations (id, title, created_at, updated_at, private,
                                    temperature, max_tokens)
             VALUES (1, 'Weather in Seoul', 1000, 2000, 1, 0.7, 256);
         INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)
             VALUES (1, 'user', '서울에서 날씨가 어때요? Tell me about the weather.', 'complete', 1000, 1000);
         INSERT INTO messages (conversation_id, role, content, reasoning, model, route_attempts,
                               usage_input, usage_output, cost, status, created_at, updated_at,
                               left_machine)
             VALUES (1, 'assistant', 'It is sunny in Seoul.', 'They asked about Seoul.',
                     'lmstudio/qwen3',
                     '[{\"attempt\":1,\"model\":\"lmstudio/qwen3\",\"outcome\":\"ok\",\"elapsedMs\":5}]',
                     12, 40, 0.0, 'complete', 1500, 2000, 0);";

    /// What version 7 could hold: version 6's, its answer marked as the answer to the question.
    const V7_FIXTURE: &str = "INSERT INTO conversations (id, title, created_at, updated_at, private,
                                    temperature, max_tokens)
             VALUES (1, 'Weather in Seoul', 1000, 2000, 1, 0.7, 256);
         INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)
             VALUES (1, 1, 'user', '서울에서 날씨가 어때요? Tell me about the weather.', 'complete', 1000, 1000);
         INSERT INTO messages (id, conversation_id, role, content, reasoning, model, route_attempts,
                               usage_input, usage_output, cost, status, created_at, updated_at,
                               left_machine, answer_to, selected)
             VALUES (2, 1, 'assistant', 'It is sunny in Seoul.', 'They asked about Seoul.',
                     'lmstudio/qwen3',
                     '[{\"attempt\":1,\"model\":\"lmstudio/qwen3\",\"outcome\":\"ok\",\"elapsedMs\":5}]',
                     12, 40, 0.0, 'complete', 1500, 2000, 0, 1, 1);";

    #[test]
    fn there_is_a_fixture_for_every_earlier_version() {
        assert_eq!(FIXTURES.len(), MIGRATIONS.len());
    }

    #[test]
    fn every_earlier_version_migrates_to_the_latest() {
        for (from, fixture) in FIXTURES.iter().enumerate() {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("history.sqlite3");
            {
                let mut conn = Connection::open(&path).expect("opens");
                migrate_to(&mut conn, &path, from as i64).expect("old schema");
                conn.execute_batch(fixture).expect("fixture");
                assert_eq!(version(&conn).expect("version"), from as i64);
            }
            let opened = HistoryStore::open_file(&path).expect("migrates");
            assert!(opened.recovered.is_none());
            let store = opened.store;
            store
                .read(|conn| {
                    assert_eq!(version(conn)?, LATEST, "from version {from}");
                    Ok(())
                })
                .expect("reads");
            if from == 0 {
                assert!(store.list_conversations(10, 0).expect("lists").is_empty());
                continue;
            }
            let list = store.list_conversations(10, 0).expect("lists");
            assert_eq!(list.len(), 1, "from version {from}");
            assert_eq!(list[0].title, "Weather in Seoul");
            assert_eq!(list[0].message_count, 2);
            let page = store.messages(1, None, 10).expect("loads");
            assert_eq!(page.messages.len(), 2);
            assert_eq!(page.messages[0].role, Role::User);
            let answer = &page.messages[1];
            assert_eq!(answer.model.as_deref(), Some("lmstudio/qwen3"));
            if from == 1 {
                assert_eq!(answer.status, MessageStatus::Unfinished);
                assert!(answer.reasoning.is_empty() && answer.route.is_empty());
            } else {
                assert_eq!(answer.reasoning, "They asked about Seoul.");
                assert_eq!(answer.route.len(), 1);
                assert_eq!(answer.usage.map(|u| u.output), Some(40));
            }
            // Old rows are in both search indexes.
            let hits = store.search("sunny", 10).expect("searches");
            assert_eq!(hits.len(), 1, "from version {from}");
            let hits = store.search("서울", 10).expect("searches");
            assert_eq!(hits.len(), 1, "from version {from}");
            let hits = store.search("날씨가 어때", 10).expect("searches");
            assert_eq!(hits.len(), 1, "from version {from}");
            // Versions 6 and 7 kept parameters, versions 5 and on privacy; older ones neither.
            let read = store.conversation(1).expect("reads");
            assert_eq!(read.parameters.is_empty(), from < 6, "from version {from}");
            assert!(read.system_prompt.is_none());
            assert_eq!(read.private, from >= 5, "from version {from}");
            // No message had images before version 8.
            assert!(page.messages.iter().all(|m| m.attachments.is_empty()));
            // Writing after the migration keeps working.
            let parameters = crate::history::Parameters {
                temperature: Some(0.4),
                top_p: None,
                max_tokens: Some(100),
            };
            store.set_parameters(1, &parameters).expect("sets");
            store.set_system_prompt(1, "Be brief.").expect("sets");
            let read = store.conversation(1).expect("reads");
            assert_eq!(read.parameters, parameters);
            assert_eq!(read.system_prompt.as_deref(), Some("Be brief."));
            store.rename(1, "Seoul").expect("renames");
            store.delete_conversation(1).expect("deletes");
            assert!(store.search("sunny", 10).expect("searches").is_empty());
        }
    }

    /// Answers as the schema before versions held them: retries of a cut answer, a client's
    /// own earlier turns, an answer with no question before it.
    const BEFORE_VERSIONS: &str = "
        INSERT INTO conversations (id, title, created_at, updated_at)
            VALUES (1, 'Retried', 1000, 2000), (2, 'Client turns', 1000, 2000),
                   (3, 'No question first', 1000, 2000);
        INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)
            VALUES (1, 1, 'system', 'Be brief.', 'complete', 1000, 1000),
                   (2, 1, 'user', 'Who finishes?', 'complete', 1000, 1000),
                   (3, 1, 'assistant', 'half an answer', 'failed', 1000, 1000),
                   (4, 1, 'assistant', 'half again', 'failed', 1000, 1000),
                   (5, 1, 'assistant', 'the whole answer', 'complete', 1000, 1000),
                   (6, 1, 'user', 'And then?', 'complete', 1000, 1000),
                   (7, 1, 'assistant', 'Then it ends.', 'complete', 1000, 1000),
                   (8, 2, 'user', 'Look it up', 'complete', 1000, 1000),
                   (9, 2, 'assistant', 'Let me check.', 'complete', 1000, 1000),
                   (10, 2, 'assistant', 'Found it.', 'complete', 1000, 1000),
                   (11, 3, 'assistant', 'Hello, ask me anything.', 'complete', 1000, 1000),
                   (12, 3, 'user', 'Anything?', 'complete', 1000, 1000),
                   (13, 3, 'assistant', 'Anything.', 'unfinished', 1000, 1000);";

    #[test]
    fn answers_retried_before_versions_become_versions_of_one_answer() {
        let before = MIGRATIONS
            .iter()
            .position(|m| *m == ANSWER_VERSIONS)
            .expect("listed") as i64;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.sqlite3");
        {
            let mut conn = Connection::open(&path).expect("opens");
            migrate_to(&mut conn, &path, before).expect("old schema");
            conn.execute_batch(BEFORE_VERSIONS).expect("fixture");
        }
        let store = HistoryStore::open_file(&path).expect("migrates").store;
        let shown = |id| -> Vec<(i64, Option<i64>, Vec<i64>)> {
            let page = store.messages(id, None, 50).expect("loads");
            page.messages
                .iter()
                .map(|m| (m.id, m.answer_to, m.version_ids.clone()))
                .collect()
        };
        // The cut answers and their retry are one answer in three versions, the newest shown.
        assert_eq!(
            shown(1),
            [
                (1, None, vec![]),
                (2, None, vec![]),
                (5, Some(2), vec![3, 4, 5]),
                (6, None, vec![]),
                (7, Some(6), vec![7]),
            ]
        );
        assert!(!store.message(3).expect("kept").selected);
        assert_eq!(store.message(4).expect("kept").answer_to, Some(2));
        assert_eq!(store.conversation(1).expect("reads").message_count, 5);
        // A client's own turns stay as they were: two answers shown.
        assert_eq!(
            shown(2),
            [(8, None, vec![]), (9, Some(8), vec![9]), (10, None, vec![])]
        );
        assert_eq!(
            shown(3),
            [
                (11, None, vec![]),
                (12, None, vec![]),
                (13, Some(12), vec![13])
            ]
        );
        // Every version is still found.
        assert_eq!(store.search("half", 10).expect("searches").len(), 2);
    }

    #[test]
    fn version_8_attaches_images_to_messages_of_a_version_7_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.sqlite3");
        {
            let mut conn = Connection::open(&path).expect("opens");
            migrate_to(&mut conn, &path, 7).expect("old schema");
            conn.execute_batch(V7_FIXTURE).expect("fixture");
        }
        let store = HistoryStore::open_file(&path).expect("migrates").store;
        let columns: Vec<String> = store
            .read(|conn| {
                let mut stmt = conn
                    .prepare("SELECT name FROM pragma_table_info('attachments')")
                    .map_err(Error::sqlite("columns"))?;
                let names = stmt
                    .query_map([], |row| row.get(0))
                    .map_err(Error::sqlite("columns"))?;
                names
                    .collect::<rusqlite::Result<_>>()
                    .map_err(Error::sqlite("columns"))
            })
            .expect("reads");
        assert_eq!(
            columns,
            ["message_id", "position", "sha256", "media_type", "bytes"]
        );
        let png =
            crate::history::ImageData::new(crate::history::attachments::tiny_png()).expect("a png");
        let added = store
            .add_user_message(1, "and this?", std::slice::from_ref(&png))
            .expect("saves");
        let page = store.messages(1, None, 10).expect("loads");
        assert_eq!(page.messages.len(), 3);
        assert!(page.messages[0].attachments.is_empty());
        assert_eq!(page.messages[2].id, added.id);
        assert_eq!(page.messages[2].attachments, added.attachments);
        assert!(dir
            .path()
            .join("attachments")
            .join(&added.attachments[0].file_name)
            .is_file());
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.sqlite3");
        {
            let conn = Connection::open(&path).expect("opens");
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .expect("future schema");
        }
        let before = std::fs::read(&path).expect("reads");
        let err = HistoryStore::open_file(&path).expect_err("too new");
        assert_eq!(err.kind(), crate::history::ErrorKind::TooNew);
        assert!(err.to_string().contains("schema 99"), "{err}");
        assert!(
            std::fs::read(&path).expect("reads") == before,
            "the file changed"
        );
        for entry in std::fs::read_dir(dir.path()).expect("lists") {
            let name = entry.expect("entry").file_name();
            assert!(!name.to_string_lossy().contains("corrupt"), "moved aside");
        }
    }
}

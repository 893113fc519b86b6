//! Versions of an answer: asking a question again ("Retry", "Retry on next route") adds a
//! version to its answer instead of a message, as Jan and ChatGPT show them (‹ 2/3 ›).
//!
//! The versions of an answer are sibling assistant messages that share the user message they
//! answer (`answer_to`); one of them is `selected`: the one the conversation shows, exports in
//! full and sends as context for the next question. A new version is selected as it starts;
//! [`HistoryStore::select_version`] shows another, and the choice is saved. Every version
//! stays searchable, and deleting the conversation deletes them all.

use rusqlite::{params, OptionalExtension};

use super::answer::{insert_answer, AnswerWriter};
use super::model::{ConversationId, Message, MessageId, Role, Timestamp};
use super::read::{message_from_row, MESSAGE_COLUMNS};
use super::write::touch;
use super::{Error, HistoryStore, Result};

/// What a version is a version of.
struct Slot {
    conversation: ConversationId,
    role: Role,
    /// The user message answered: saved, or for an answer saved before versions existed, the
    /// nearest user message before it.
    question: Option<MessageId>,
}

impl HistoryStore {
    /// Starts a new version of answer `answer` (any of its versions): an empty, `unfinished`
    /// answer to the same question, shown from now on in the answer's place. `model` is the
    /// model tried first, if known. Fails with `InvalidInput` for a message that is not an
    /// answer or an answer with no question before it.
    pub fn begin_version(&self, answer: MessageId, model: Option<&str>) -> Result<AnswerWriter> {
        let now = Timestamp::now();
        let (id, conversation) = self.write(|conn| {
            let tx = conn
                .transaction()
                .map_err(Error::sqlite("start the version"))?;
            let slot = slot(&tx, answer)?;
            if slot.role != Role::Assistant {
                return Err(Error::InvalidInput("only an answer has versions".into()));
            }
            let Some(question) = slot.question else {
                return Err(Error::InvalidInput(
                    "that answer has no question to ask again".into(),
                ));
            };
            // An answer saved before versions existed joins its question now.
            tx.execute(
                "UPDATE messages SET answer_to = ?2 WHERE id = ?1 AND answer_to IS NULL",
                params![answer, question],
            )
            .map_err(Error::sqlite("start the version"))?;
            touch(&tx, slot.conversation, now)?;
            let id = insert_answer(&tx, slot.conversation, model, Some(question), now)?;
            tx.commit().map_err(Error::sqlite("start the version"))?;
            Ok((id, slot.conversation))
        })?;
        Ok(AnswerWriter::new(self.clone(), id, conversation, model))
    }

    /// Shows version `version` of its answer (and sends it as context from now on); returns
    /// it. A message without other versions is returned as it is. The conversation keeps its
    /// place in the list: nothing was said.
    pub fn select_version(&self, version: MessageId) -> Result<Message> {
        let found = self.message(version)?;
        if found.selected || found.answer_to.is_none() {
            return Ok(found);
        }
        self.write(|conn| {
            conn.execute(
                "UPDATE messages SET selected = (id = ?1) WHERE answer_to = ?2",
                params![version, found.answer_to],
            )
            .map_err(Error::sqlite("select the version"))
        })?;
        self.message(version)
    }

    /// Every version of the answer `answer` is one of, oldest first (just `answer` when it has
    /// no others).
    pub fn versions(&self, answer: MessageId) -> Result<Vec<Message>> {
        let found = self.message(answer)?;
        let Some(question) = found.answer_to else {
            return Ok(vec![found]);
        };
        self.read(|conn| {
            let sql =
                format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE answer_to = ?1 ORDER BY id");
            let mut stmt = conn
                .prepare_cached(&sql)
                .map_err(Error::sqlite("load the versions"))?;
            let rows = stmt
                .query_map([question], message_from_row)
                .map_err(Error::sqlite("load the versions"))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(Error::sqlite("load the versions"))
        })
    }
}

fn slot(conn: &rusqlite::Connection, answer: MessageId) -> Result<Slot> {
    conn.query_row(
        "SELECT conversation_id, role,
                coalesce(answer_to, (SELECT max(u.id) FROM messages u
                                     WHERE u.conversation_id = a.conversation_id
                                       AND u.role = 'user' AND u.id < a.id))
         FROM messages a WHERE a.id = ?1",
        [answer],
        |row| {
            let role: String = row.get(1)?;
            Ok(Slot {
                conversation: row.get(0)?,
                role: Role::parse(&role).unwrap_or(Role::User),
                question: row.get(2)?,
            })
        },
    )
    .optional()
    .map_err(Error::sqlite("find the answer"))?
    .ok_or(Error::NotFound {
        what: "message",
        id: answer,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{ErrorKind, Finish, MessageStatus};
    use super::*;

    /// A conversation: a question, a cut answer, then the question's second version.
    fn retried(store: &HistoryStore) -> (ConversationId, [MessageId; 3]) {
        let chat = store.create_conversation(None).expect("creates");
        let question = store
            .add_message(chat.id, Role::User, "Who finishes?")
            .expect("adds")
            .id;
        let mut first = store.begin_answer(chat.id, Some("a/m")).expect("begins");
        first.append("half an").expect("appends");
        let first = first
            .finish(Finish::new(MessageStatus::Failed))
            .expect("ends")
            .id;
        let mut second = store.begin_version(first, Some("b/m")).expect("versions");
        second.append("the whole answer").expect("appends");
        let second = second
            .finish(Finish::new(MessageStatus::Complete))
            .expect("ends");
        assert_eq!(second.answer_to, Some(question));
        (chat.id, [question, first, second.id])
    }

    #[test]
    fn a_version_takes_the_answers_place_and_the_choice_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let (chat, [question, first, second]) = retried(&store);
        let later = store
            .add_message(chat, Role::User, "And then?")
            .expect("adds")
            .id;
        let shown = |store: &HistoryStore| -> Vec<MessageId> {
            let page = store.messages(chat, None, 10).expect("loads");
            page.messages.iter().map(|m| m.id).collect()
        };
        assert_eq!(shown(&store), [question, second, later]);
        assert_eq!(store.conversation(chat).expect("reads").message_count, 3);
        let versions = store.versions(first).expect("lists");
        assert_eq!(
            versions.iter().map(|v| v.id).collect::<Vec<_>>(),
            [first, second]
        );
        assert!(versions.iter().all(|v| v.version_ids == [first, second]));
        assert_eq!(
            versions.iter().map(|v| v.selected).collect::<Vec<_>>(),
            [false, true]
        );

        let updated = store.conversation(chat).expect("reads").updated_at;
        let picked = store.select_version(first).expect("selects");
        assert!(picked.selected);
        assert_eq!(picked.content, "half an");
        // Saved: another store on the same file shows the same version, in the same place.
        let reopened = HistoryStore::open(dir.path()).expect("opens").store;
        assert_eq!(shown(&reopened), [question, first, later]);
        assert_eq!(
            reopened.conversation(chat).expect("reads").updated_at,
            updated,
            "looking at another version moved the conversation up the list"
        );
        // A third version of the older answer goes into the same place, shown.
        let third = store
            .begin_version(first, None)
            .expect("versions")
            .finish(Finish::new(MessageStatus::Complete))
            .expect("ends");
        assert_eq!(third.version_ids, [first, second, third.id]);
        assert_eq!(shown(&store), [question, third.id, later]);
        // The messages before a place page the same way.
        let page = store.messages(chat, Some(later), 1).expect("loads");
        assert_eq!(page.messages[0].id, third.id);
        assert!(page.has_more);
        let page = store.messages(chat, Some(third.id), 5).expect("loads");
        assert_eq!(
            page.messages.iter().map(|m| m.id).collect::<Vec<_>>(),
            [question]
        );
        // Every version is found; deleting the conversation removes them all.
        assert_eq!(store.search("half", 10).expect("searches").len(), 1);
        assert_eq!(store.all_messages(chat).expect("reads").len(), 5);
        store.delete_conversation(chat).expect("deletes");
        for id in [first, second, third.id] {
            let err = store.message(id).expect_err("deleted");
            assert_eq!(err.kind(), ErrorKind::NotFound);
        }
        assert!(store.search("half", 10).expect("searches").is_empty());
    }

    #[test]
    fn exports_show_the_selected_version_and_list_the_others() {
        use super::super::ExportFormat;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let (chat, [_, first, second]) = retried(&store);
        let export = |format| {
            let mut out = Vec::new();
            store.export(chat, format, &mut out).expect("exports");
            String::from_utf8(out).expect("utf-8")
        };
        let md = export(ExportFormat::Markdown);
        assert!(md.contains("· 2 messages_"), "{md}");
        assert!(md.contains("## b/m · "), "{md}");
        assert!(!md.contains("## a/m · "), "{md}");
        assert!(md.contains("_Version 2 of 2 · other versions: 1_"), "{md}");
        assert!(
            md.contains("<summary>Version 1 · a/m · failed</summary>\n\nhalf an\n"),
            "{md}"
        );
        assert!(
            md.find("the whole answer") < md.find("half an"),
            "the shown version comes first: {md}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&export(ExportFormat::Json)).expect("json");
        let messages = json["conversation"]["messages"].as_array().expect("array");
        let versions: Vec<_> = messages
            .iter()
            .filter(|m| m["role"] == "assistant")
            .map(|m| {
                (
                    m["id"].clone(),
                    m["selected"].clone(),
                    m["versionIds"].clone(),
                )
            })
            .collect();
        let ids = serde_json::json!([first, second]);
        assert_eq!(
            versions,
            [
                (first.into(), false.into(), ids.clone()),
                (second.into(), true.into(), ids)
            ]
        );
    }

    #[test]
    fn only_answers_with_a_question_have_versions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let chat = store.create_conversation(None).expect("creates");
        // A client's turn saved as it came, with no question before it.
        let lone = store
            .add_message(chat.id, Role::Assistant, "Hello.")
            .expect("adds");
        let err = store.begin_version(lone.id, None).expect_err("no question");
        assert!(err.to_string().contains("no question"), "{err}");
        let question = store.add_message(chat.id, Role::User, "Hi").expect("adds");
        let err = store
            .begin_version(question.id, None)
            .expect_err("not an answer");
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = store.begin_version(404, None).expect_err("missing");
        assert_eq!(err.kind(), ErrorKind::NotFound);
        // A message without versions selects as itself.
        assert_eq!(
            store.select_version(question.id).expect("selects"),
            question
        );
        assert_eq!(store.versions(lone.id).expect("lists"), [lone]);
    }
}

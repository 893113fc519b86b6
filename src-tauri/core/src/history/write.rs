//! Writing conversations and whole messages: create, add, rename, pin, delete, auto-title.

use rusqlite::{params, Connection, TransactionBehavior};

use super::image::ImageData;
use super::model::{
    Attachment, Conversation, ConversationId, Message, MessageId, MessageStatus, Parameters, Role,
    Timestamp,
};
use super::{Error, HistoryStore, Result};

/// The longest title kept, in characters.
pub(crate) const MAX_TITLE_CHARS: usize = 80;
/// Automatic titles are cut near this many characters, at a word boundary when there is one.
const AUTO_TITLE_CHARS: usize = 60;

impl HistoryStore {
    /// Starts a conversation; without a title it gets one from its first user message.
    pub fn create_conversation(&self, title: Option<&str>) -> Result<Conversation> {
        let custom = title.map(clean_title).transpose()?;
        let now = Timestamp::now();
        let id = self.write(|conn| {
            conn.execute(
                "INSERT INTO conversations (title, title_is_custom, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![custom.as_deref().unwrap_or(""), custom.is_some(), now.0],
            )
            .map_err(Error::sqlite("create the conversation"))?;
            Ok(conn.last_insert_rowid())
        })?;
        Ok(Conversation {
            id,
            title: custom.clone().unwrap_or_default(),
            title_is_custom: custom.is_some(),
            pinned: false,
            created_at: now,
            updated_at: now,
            message_count: 0,
            private: false,
            system_prompt: None,
            parameters: Parameters::default(),
        })
    }

    /// Makes conversation `id` private (the router keeps it on this machine) or not.
    pub fn set_private(&self, id: ConversationId, private: bool) -> Result<()> {
        let changed = self.write(|conn| {
            conn.execute(
                "UPDATE conversations SET private = ?2 WHERE id = ?1",
                params![id, private],
            )
            .map_err(Error::sqlite("mark the conversation private"))
        })?;
        if changed == 0 {
            return Err(Error::NotFound {
                what: "conversation",
                id,
            });
        }
        Ok(())
    }

    /// Saves a finished message (a user message or a system prompt) in one transaction.
    ///
    /// Call it for the user message *before* sending the request, so it survives whatever
    /// happens next. The first user message of a conversation without a custom title sets the
    /// title. Answers that stream use [`HistoryStore::begin_answer`] instead.
    pub fn add_message(
        &self,
        conversation: ConversationId,
        role: Role,
        content: &str,
    ) -> Result<Message> {
        let now = Timestamp::now();
        let id = self.write(|conn| {
            let tx = conn
                .transaction()
                .map_err(Error::sqlite("save the message"))?;
            let id = insert_message(&tx, conversation, role, content, now)?;
            tx.commit().map_err(Error::sqlite("save the message"))?;
            Ok(id)
        })?;
        Ok(finished(id, conversation, role, content, now, Vec::new()))
    }

    /// Saves a user message with `images` (files first, then the message and its rows, in one
    /// transaction). Like [`HistoryStore::add_message`], call it before the request goes out.
    pub fn add_user_message(
        &self,
        conversation: ConversationId,
        content: &str,
        images: &[ImageData],
    ) -> Result<Message> {
        if images.len() > super::attachments::MAX_IMAGES_PER_MESSAGE {
            return Err(Error::InvalidInput(format!(
                "{} images in one message; the limit is {}",
                images.len(),
                super::attachments::MAX_IMAGES_PER_MESSAGE
            )));
        }
        let dir = self.attachments_dir();
        let now = Timestamp::now();
        let (id, attachments) = self.write(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(Error::sqlite("save the message"))?;
            let mut attachments = Vec::with_capacity(images.len());
            for image in images {
                attachments.push(super::attachments::store_file(&dir, image)?);
            }
            let id = insert_message(&tx, conversation, Role::User, content, now)?;
            for (position, a) in attachments.iter().enumerate() {
                tx.execute(
                    "INSERT INTO attachments (message_id, position, sha256, media_type, bytes)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        id,
                        position as i64,
                        a.sha256,
                        a.media_type.as_str(),
                        a.bytes as i64
                    ],
                )
                .map_err(Error::sqlite("save the message's images"))?;
            }
            tx.commit().map_err(Error::sqlite("save the message"))?;
            Ok((id, attachments))
        })?;
        Ok(finished(
            id,
            conversation,
            Role::User,
            content,
            now,
            attachments,
        ))
    }

    /// Gives a conversation a title of a person's choosing; it is never replaced automatically.
    pub fn rename(&self, conversation: ConversationId, title: &str) -> Result<Conversation> {
        let title = clean_title(title)?;
        self.write(|conn| {
            let changed = conn
                .execute(
                    "UPDATE conversations SET title = ?2, title_is_custom = 1 WHERE id = ?1",
                    params![conversation, title],
                )
                .map_err(Error::sqlite("rename the conversation"))?;
            found(changed, conversation)
        })?;
        self.conversation(conversation)
    }

    /// Pins or unpins a conversation (pinned ones list first).
    pub fn set_pinned(&self, conversation: ConversationId, pinned: bool) -> Result<()> {
        self.write(|conn| {
            let changed = conn
                .execute(
                    "UPDATE conversations SET pinned = ?2 WHERE id = ?1",
                    params![conversation, pinned],
                )
                .map_err(Error::sqlite("pin the conversation"))?;
            found(changed, conversation)
        })
    }

    /// Deletes a conversation, its messages and their search-index rows, in one transaction;
    /// then the files of its images that no other message shows.
    pub fn delete_conversation(&self, conversation: ConversationId) -> Result<()> {
        let dir = self.attachments_dir();
        self.write(|conn| {
            let tx = conn
                .transaction()
                .map_err(Error::sqlite("delete the conversation"))?;
            let images = super::attachments::forget(&tx, conversation)?;
            // Explicitly, not only by cascade: the triggers remove the search rows either way,
            // and this does not depend on the connection's foreign-key setting.
            tx.execute(
                "DELETE FROM messages WHERE conversation_id = ?1",
                [conversation],
            )
            .map_err(Error::sqlite("delete the messages"))?;
            let changed = tx
                .execute("DELETE FROM conversations WHERE id = ?1", [conversation])
                .map_err(Error::sqlite("delete the conversation"))?;
            found(changed, conversation)?;
            tx.commit()
                .map_err(Error::sqlite("delete the conversation"))?;
            // The conversation is gone either way; a file left behind is only disk space.
            if let Err(e) = super::attachments::remove_unreferenced(conn, &dir, &images) {
                tracing::warn!("an unused image file could not be removed: {e}");
            }
            Ok(())
        })
    }
}

/// A whole message just saved (a question or a system prompt): complete, shown, with no answer
/// details.
fn finished(
    id: MessageId,
    conversation: ConversationId,
    role: Role,
    content: &str,
    at: Timestamp,
    attachments: Vec<Attachment>,
) -> Message {
    Message {
        id,
        conversation_id: conversation,
        role,
        content: content.to_owned(),
        reasoning: String::new(),
        model: None,
        route: Vec::new(),
        usage: None,
        cost: None,
        timing: None,
        status: MessageStatus::Complete,
        error: None,
        created_at: at,
        updated_at: at,
        answer_to: None,
        selected: true,
        version_ids: Vec::new(),
        attachments,
    }
}

/// Inserts a finished message in `tx`: bumps the conversation (failing with `NotFound` when
/// it is gone) and titles it from its first user message.
pub(crate) fn insert_message(
    tx: &Connection,
    conversation: ConversationId,
    role: Role,
    content: &str,
    now: Timestamp,
) -> Result<MessageId> {
    touch(tx, conversation, now)?;
    tx.execute(
        "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'complete', ?4, ?4)",
        params![conversation, role.as_str(), content, now.0],
    )
    .map_err(Error::sqlite("save the message"))?;
    let id = tx.last_insert_rowid();
    if role == Role::User {
        let title = auto_title(content);
        if !title.is_empty() {
            tx.execute(
                "UPDATE conversations SET title = ?2
                 WHERE id = ?1 AND title_is_custom = 0 AND title = ''",
                params![conversation, title],
            )
            .map_err(Error::sqlite("set the title"))?;
        }
    }
    Ok(id)
}

/// Bumps the conversation's `updated_at`, failing with `NotFound` if it does not exist.
pub(crate) fn touch(conn: &Connection, conversation: ConversationId, now: Timestamp) -> Result<()> {
    let changed = conn
        .execute(
            "UPDATE conversations SET updated_at = max(updated_at, ?2) WHERE id = ?1",
            params![conversation, now.0],
        )
        .map_err(Error::sqlite("update the conversation"))?;
    found(changed, conversation)
}

fn found(changed: usize, conversation: ConversationId) -> Result<()> {
    if changed == 0 {
        Err(Error::NotFound {
            what: "conversation",
            id: conversation,
        })
    } else {
        Ok(())
    }
}

/// A person's title, trimmed, on one line, not empty, at most [`MAX_TITLE_CHARS`].
fn clean_title(title: &str) -> Result<String> {
    let one_line = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return Err(Error::InvalidInput("a title cannot be empty".into()));
    }
    Ok(one_line.chars().take(MAX_TITLE_CHARS).collect())
}

/// A title from a first message: its first non-empty line, whitespace collapsed, cut at a word
/// boundary near [`AUTO_TITLE_CHARS`] characters with an ellipsis.
pub(crate) fn auto_title(text: &str) -> String {
    let line = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if line.chars().count() <= AUTO_TITLE_CHARS {
        return line;
    }
    let cut: String = line.chars().take(AUTO_TITLE_CHARS).collect();
    // Prefer the last space in the second half; CJK text without spaces is cut as is.
    let at = cut
        .rfind(' ')
        .filter(|&i| cut[..i].chars().count() >= AUTO_TITLE_CHARS / 2)
        .unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_titles_take_the_first_line_and_cut_at_a_word() {
        assert_eq!(auto_title("  Hello   there\nsecond line"), "Hello there");
        assert_eq!(auto_title("\n\n  \nSecond"), "Second");
        assert_eq!(auto_title(""), "");
        let long =
            "Please explain how write-ahead logging works in SQLite and why it helps readers";
        let title = auto_title(long);
        assert_eq!(
            title,
            "Please explain how write-ahead logging works in SQLite and…"
        );
        let korean = "서울".repeat(40);
        let title = auto_title(&korean);
        assert_eq!(title.chars().count(), AUTO_TITLE_CHARS + 1);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn titles_are_cleaned_and_never_empty() {
        assert_eq!(clean_title("  My\n chat ").expect("valid"), "My chat");
        assert!(clean_title(" \n ").is_err());
        assert_eq!(
            clean_title(&"x".repeat(200)).expect("valid").len(),
            MAX_TITLE_CHARS
        );
    }

    #[test]
    fn the_first_user_message_titles_the_conversation_until_renamed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let chat = store.create_conversation(None).expect("creates");
        store
            .add_message(chat.id, Role::System, "You are terse.")
            .expect("adds");
        store
            .add_message(chat.id, Role::User, "How big is the Moon?")
            .expect("adds");
        store
            .add_message(chat.id, Role::User, "And the Sun?")
            .expect("adds");
        let loaded = store.conversation(chat.id).expect("loads");
        assert_eq!(loaded.title, "How big is the Moon?");
        assert!(!loaded.title_is_custom);
        assert_eq!(loaded.message_count, 3);
        let renamed = store.rename(chat.id, "Astronomy").expect("renames");
        assert_eq!(renamed.title, "Astronomy");
        assert!(renamed.title_is_custom);
        store.set_pinned(chat.id, true).expect("pins");
        assert!(store.conversation(chat.id).expect("loads").pinned);
    }

    #[test]
    fn missing_conversations_are_not_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        for err in [
            store.add_message(9, Role::User, "hi").expect_err("missing"),
            store.rename(9, "x").map(|_| ()).expect_err("missing"),
            store.set_pinned(9, true).expect_err("missing"),
            store.delete_conversation(9).expect_err("missing"),
        ] {
            assert_eq!(err.kind(), super::super::ErrorKind::NotFound, "{err}");
        }
        assert_eq!(store.list_conversations(10, 0).expect("lists").len(), 0);
    }
}

//! Images attached to user messages, kept as files beside the database, never as blobs in it
//! (and never in the search index).
//!
//! Each image is stored once, by content, as `<data dir>/attachments/<sha256>.<ext>` (folder
//! 0700, files 0600); the `attachments` table (schema version 7) says which message shows which
//! image, in order. Only checked [`ImageData`] is stored (see `image.rs`), whoever sends it (the
//! window, the gateway), at most [`MAX_IMAGES_PER_MESSAGE`] per message.
//!
//! Files are written and removed inside the database's write lock (`BEGIN IMMEDIATE`), so a
//! conversation being deleted in one process never removes a file another is attaching.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::image::{ImageData, MediaType};
use super::model::{Attachment, ConversationId, Message, Role};
use super::{Error, HistoryStore, Result};

/// The most images one message may carry.
pub const MAX_IMAGES_PER_MESSAGE: usize = 16;
/// The folder under the data dir that holds the image files.
pub const ATTACHMENTS_DIR: &str = "attachments";

impl HistoryStore {
    /// The folder holding the image files, beside the database.
    pub fn attachments_dir(&self) -> PathBuf {
        self.path()
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(ATTACHMENTS_DIR)
    }

    /// Whether any message of `conversation` shows an image (they are sent again each turn).
    pub fn has_images(&self, conversation: ConversationId) -> Result<bool> {
        self.read(|conn| {
            conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM attachments a JOIN messages m ON m.id = a.message_id
                                WHERE m.conversation_id = ?1)",
                [conversation],
                |row| row.get(0),
            )
            .map_err(Error::sqlite("look for images"))
        })
    }

    /// The bytes of an attached image, checked against its hash (a changed or damaged file is
    /// an error, never sent).
    pub fn image(&self, attachment: &Attachment) -> Result<ImageData> {
        let path = self.attachments_dir().join(&attachment.file_name);
        let bytes = std::fs::read(&path).map_err(Error::io(&path))?;
        let image = ImageData::new(bytes)?;
        if image.sha256() != attachment.sha256 {
            return Err(Error::InvalidInput(format!(
                "{}: the file changed since it was attached",
                path.display()
            )));
        }
        Ok(image)
    }

    /// The image stored under `sha256`, if a message refers to it (the window shows images by
    /// hash; no path from it is ever opened).
    pub fn image_by_hash(&self, sha256: &str) -> Result<ImageData> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !valid {
            return Err(Error::InvalidInput("not an image hash".into()));
        }
        let found = self.read(|conn| {
            conn.query_row(
                "SELECT media_type, bytes FROM attachments WHERE sha256 = ?1 LIMIT 1",
                [sha256],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
            )
            .optional()
            .map_err(Error::sqlite("find the image"))
        })?;
        let (media, bytes) = found.ok_or_else(|| Error::InvalidInput("no such image".into()))?;
        let media_type = MediaType::parse(&media)
            .ok_or_else(|| Error::InvalidInput(format!("unknown image type {media:?}")))?;
        self.image(&Attachment::new(
            sha256.to_owned(),
            media_type,
            bytes.try_into().unwrap_or(0),
        ))
    }
}

/// Writes `image` to `dir` under its hash unless it is there already; the file is complete
/// or absent (a temporary file renamed into place), 0600 in a 0700 folder.
pub(crate) fn store_file(dir: &Path, image: &ImageData) -> Result<Attachment> {
    let attachment = Attachment::new(
        image.sha256(),
        image.media_type(),
        image.bytes().len() as u64,
    );
    let path = dir.join(&attachment.file_name);
    let present = std::fs::metadata(&path).is_ok_and(|m| m.len() == attachment.bytes);
    if present {
        return Ok(attachment);
    }
    crate::private_files::private_dir(dir).map_err(Error::io(dir))?;
    // tempfile creates the file 0600.
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(Error::io(dir))?;
    std::io::Write::write_all(&mut temp, image.bytes()).map_err(Error::io(&path))?;
    temp.as_file().sync_all().map_err(Error::io(&path))?;
    temp.persist(&path).map_err(|e| Error::Io {
        path: path.clone(),
        source: e.error,
    })?;
    Ok(attachment)
}

/// Fills in the attachments of `messages` (user messages only carry any).
pub(crate) fn fill(conn: &Connection, messages: &mut [Message]) -> Result<()> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT sha256, media_type, bytes FROM attachments WHERE message_id = ?1
             ORDER BY position",
        )
        .map_err(Error::sqlite("load the images"))?;
    for message in messages.iter_mut().filter(|m| m.role == Role::User) {
        let rows = stmt
            .query_map([message.id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .map_err(Error::sqlite("load the images"))?;
        for row in rows {
            let (sha256, media, bytes) = row.map_err(Error::sqlite("load the images"))?;
            let Some(media_type) = MediaType::parse(&media) else {
                tracing::warn!(media, "an attached image of an unknown type is left out");
                continue;
            };
            let bytes = u64::try_from(bytes).unwrap_or(0);
            message
                .attachments
                .push(Attachment::new(sha256, media_type, bytes));
        }
    }
    Ok(())
}

/// Removes the rows of conversation `conversation`'s images and returns their hashes (call it
/// in the deleting transaction, then [`remove_unreferenced`] after it).
pub(crate) fn forget(conn: &Connection, conversation: ConversationId) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT a.sha256 FROM attachments a JOIN messages m ON m.id = a.message_id
             WHERE m.conversation_id = ?1",
        )
        .map_err(Error::sqlite("find the conversation's images"))?;
    let hashes = stmt
        .query_map([conversation], |row| row.get::<_, String>(0))
        .map_err(Error::sqlite("find the conversation's images"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::sqlite("find the conversation's images"))?;
    conn.execute(
        "DELETE FROM attachments
         WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = ?1)",
        [conversation],
    )
    .map_err(Error::sqlite("delete the conversation's images"))?;
    Ok(hashes)
}

/// Removes the files of `hashes` no message refers to any more, under the write lock.
pub(crate) fn remove_unreferenced(
    conn: &mut Connection,
    dir: &Path,
    hashes: &[String],
) -> Result<()> {
    if hashes.is_empty() {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(Error::sqlite("remove unused images"))?;
    for sha256 in hashes {
        let used: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?1)",
                [sha256],
                |row| row.get(0),
            )
            .map_err(Error::sqlite("remove unused images"))?;
        if used {
            continue;
        }
        for media_type in MediaType::ALL {
            let path = dir.join(format!("{sha256}.{}", media_type.extension()));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path)(e)),
            }
        }
    }
    tx.commit().map_err(Error::sqlite("remove unused images"))
}

#[cfg(test)]
pub(crate) use super::image::tiny_png;

#[cfg(test)]
#[path = "attachments_tests.rs"]
mod tests;

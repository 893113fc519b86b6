//! Chat history: a crash-safe SQLite store with full-text search and export.
//!
//! One database file, `history.sqlite3` in the data dir ([`crate::paths::Paths::data_dir`],
//! `SWITCHBOARD_DATA_DIR` overrides), holds conversations and their messages: role, content,
//! reasoning, the model that answered, every route attempt with its reason, usage, cost, status
//! and timestamps. Images attached to user messages are files in `attachments/` beside it,
//! stored once by content (`attachments.rs`). SQLite comes bundled (`rusqlite`'s `bundled`
//! feature), so no system library is needed.
//!
//! # Using it
//!
//! ```no_run
//! # fn demo() -> switchboard_core::history::Result<()> {
//! use switchboard_core::history::{Finish, HistoryStore, MessageStatus, Role};
//!
//! let opened = HistoryStore::open(std::path::Path::new("/tmp/switchboard-data"))?;
//! if let Some(recovered) = &opened.recovered {
//!     eprintln!("{recovered}"); // a damaged file was moved aside: tell the person
//! }
//! let store = opened.store;
//! let chat = store.create_conversation(None)?;
//! // The user message is saved before the request goes out.
//! store.add_message(chat.id, Role::User, "What is WAL mode?")?;
//! let mut answer = store.begin_answer(chat.id, Some("lmstudio/qwen3-8b"))?;
//! for delta in ["WAL ", "keeps ", "readers ", "and the writer apart."] {
//!     answer.append(delta)?; // saved at least once a second
//! }
//! answer.finish(Finish::new(MessageStatus::Complete))?;
//! # Ok(()) }
//! ```
//!
//! # Crash safety
//!
//! The database runs in WAL mode with `synchronous = NORMAL`: every committed transaction
//! survives the process being killed, and a power cut can lose at most the last transactions,
//! never leave a torn row (SQLite's transactions are atomic). The caller writes the user message
//! before sending the request; [`HistoryStore::begin_answer`] inserts the answer row as
//! `unfinished` before the first token, and its [`AnswerWriter`] rewrites that row at most once
//! per flush interval (1 s) while tokens arrive and once more at the end. A crash therefore loses
//! at most about a second of tokens and leaves the answer `unfinished`.
//!
//! # Concurrency
//!
//! A [`HistoryStore`] is cheap to clone and can be shared across threads. Writes go through one
//! connection behind a mutex (SQLite allows one writer at a time anyway); reads take a
//! connection from a small pool and, thanks to WAL, never wait for the writer. Other processes
//! (the CLI while the app runs) may use the same file; they wait up to five seconds for a
//! write lock. Every method blocks on SQLite: async callers run them in `spawn_blocking`.
//!
//! # Damaged files
//!
//! A file that SQLite says is not a database, or is corrupt, is renamed to
//! `history.sqlite3.corrupt-<UTC time>` (with its `-wal` and `-shm` files), a fresh database is
//! started, and [`Opened::recovered`] says where the old one went. Nothing is deleted. A file
//! written by a newer Switchboard is refused with [`ErrorKind::TooNew`] and left alone.
//!
//! # Versions of an answer
//!
//! Asking a question again ("Retry", "Retry on next route") adds a version to its answer
//! instead of a message: [`HistoryStore::begin_version`]. The conversation shows one version
//! of each answer ([`HistoryStore::messages`]), the one [`HistoryStore::select_version`] last
//! picked; [`HistoryStore::versions`] lists them all. See `versions.rs`.
//!
//! Search is described in the [`search`](self::HistoryStore::search) method and the module
//! source `search.rs`; the schema and its migrations in `schema.rs`.

mod answer;
mod attachments;
mod error;
mod export;
mod export_file;
mod image;
mod model;
mod open;
mod parameters;
mod read;
mod schema;
mod search;
mod trail;
mod versions;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

pub use answer::{AnswerWriter, Finish};
pub use attachments::{ATTACHMENTS_DIR, MAX_IMAGES_PER_MESSAGE};
pub use error::{Error, ErrorKind, Result};
pub use export::{ExportFormat, JSON_EXPORT_VERSION};
pub use image::{ImageData, MediaType, MAX_IMAGE_BYTES};
pub use model::Attachment;
pub use model::{
    Conversation, ConversationId, Message, MessageId, MessageStatus, Parameters, Role, Timestamp,
};
pub use open::{Opened, Recovered, FILE_NAME};
pub use parameters::{MAX_SYSTEM_PROMPT_CHARS, MAX_TEMPERATURE};
pub use read::MessagePage;
pub use schema::LATEST as SCHEMA_VERSION;
pub use search::{SearchHit, SnippetPart};
pub use trail::{SearchFilter, SpendRow};

/// How often a streaming answer is saved, at the most.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// Reader connections kept open for reuse; more are opened on demand and then closed.
const POOLED_READERS: usize = 4;

/// The history database. Clone it freely; clones share the connections.
#[derive(Clone)]
pub struct HistoryStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    flush_interval: Duration,
}

impl fmt::Debug for HistoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistoryStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl HistoryStore {
    /// Opens (creating if needed) `history.sqlite3` in `data_dir`, migrating it to the latest
    /// schema; a damaged file is moved aside and reported in [`Opened::recovered`].
    pub fn open(data_dir: &Path) -> Result<Opened> {
        Self::open_file(&data_dir.join(FILE_NAME))
    }

    /// Like [`HistoryStore::open`], with the database file named directly.
    pub fn open_file(path: &Path) -> Result<Opened> {
        open::open(path, FLUSH_INTERVAL)
    }

    /// The same store with another flush interval for its answer writers (for tests and
    /// benchmarks; the app uses [`FLUSH_INTERVAL`]).
    pub fn with_flush_interval(path: &Path, interval: Duration) -> Result<Opened> {
        open::open(path, interval)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Checks the whole file for damage (`PRAGMA quick_check`); reads every page, so it takes
    /// time on a large history. Returns SQLite's findings, empty when the file is sound.
    pub fn check_integrity(&self) -> Result<Vec<String>> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare("PRAGMA quick_check")
                .map_err(Error::sqlite("check the database"))?;
            let rows = stmt
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(Error::sqlite("check the database"))?;
            let mut problems = Vec::new();
            for row in rows {
                let line = row.map_err(Error::sqlite("check the database"))?;
                if line != "ok" {
                    problems.push(line);
                }
            }
            Ok(problems)
        })
    }

    /// Runs `f` on the writer connection.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        // A panic while holding the lock cannot leave a half-done transaction behind (an
        // unfinished rusqlite transaction rolls back on drop), so the connection is still good.
        let mut conn = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }

    /// Runs `f` on a reader connection, which sees the last committed state.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = open::connect(&self.inner.path)?;
                open::prepare(&conn)?;
                conn
            }
        };
        let result = f(&conn);
        let mut readers = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if readers.len() < POOLED_READERS {
            readers.push(conn);
        }
        result
    }

    pub(crate) fn flush_interval(&self) -> Duration {
        self.inner.flush_interval
    }
}

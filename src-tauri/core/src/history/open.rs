//! Opening the database: connection settings, migration, and moving a damaged file aside.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::model::Timestamp;
use super::{schema, Error, HistoryStore, Inner, Result};

/// The database's file name inside the data dir.
pub const FILE_NAME: &str = "history.sqlite3";

/// How long a write waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open store, and what had to be done to open it.
#[derive(Debug)]
#[must_use = "a recovered database must be reported to the person"]
pub struct Opened {
    /// The store, ready to use.
    pub store: HistoryStore,
    /// Set when the old file was damaged and moved aside.
    pub recovered: Option<Recovered>,
}

/// A damaged database that was moved aside, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Recovered {
    /// Where the damaged file is now.
    pub moved_to: PathBuf,
    /// What SQLite said about it.
    pub reason: String,
}

impl fmt::Display for Recovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the chat history database could not be read ({}); it was moved to {} and a new, \
             empty history was started",
            self.reason,
            self.moved_to.display()
        )
    }
}

/// Opens `path`, moving it aside first if SQLite finds it damaged.
pub(super) fn open(path: &Path, flush_interval: Duration) -> Result<Opened> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if crate::private_files::private_dir(dir).map_err(Error::io(dir))? {
            tracing::info!("{} was readable by other users; now 0700", dir.display());
        }
    }
    create_private(path).map_err(Error::io(path))?;
    let opened = open_repaired(path, flush_interval)?;
    // SQLite gives the -wal and -shm files the database's mode, so a private database keeps
    // them private; files an older version left open are tightened here.
    let mut tightened = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let file = with_suffix(path, suffix);
        if crate::private_files::private_file(&file).map_err(Error::io(&file))? {
            tightened.push(file.display().to_string());
        }
    }
    if !tightened.is_empty() {
        tracing::info!(
            "chat history files made private (0600): {}",
            tightened.join(", ")
        );
    }
    Ok(opened)
}

/// Creates an empty database file 0600 before SQLite does (SQLite would use the umask's mode).
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn open_repaired(path: &Path, flush_interval: Duration) -> Result<Opened> {
    match open_store(path, flush_interval) {
        Ok(store) => Ok(Opened {
            store,
            recovered: None,
        }),
        Err(err) if err.is_corruption() => {
            let moved_to = move_aside(path)?;
            create_private(path).map_err(Error::io(path))?;
            let recovered = Recovered {
                moved_to,
                reason: sqlite_reason(&err),
            };
            tracing::warn!("{recovered}");
            let store = open_store(path, flush_interval)?;
            Ok(Opened {
                store,
                recovered: Some(recovered),
            })
        }
        Err(err) => Err(err),
    }
}

fn open_store(path: &Path, flush_interval: Duration) -> Result<HistoryStore> {
    let mut writer = connect(path)?;
    schema::migrate(&mut writer, path)?;
    prepare(&writer)?;
    // Touch both tables so a damaged schema or root page shows up now, not mid-chat.
    writer
        .query_row(
            "SELECT (SELECT count(*) FROM sqlite_schema),
                    (SELECT max(id) FROM conversations), (SELECT max(id) FROM messages)",
            [],
            |_| Ok(()),
        )
        .map_err(Error::sqlite("read the database"))?;
    Ok(HistoryStore {
        inner: Arc::new(Inner {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            flush_interval,
        }),
    })
}

/// A connection with the store's settings: WAL, `synchronous = NORMAL`, foreign keys, and a
/// busy timeout.
pub(super) fn connect(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(Error::sqlite("open the file"))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(Error::sqlite("configure the connection"))?;
    // Reads the header: a file that is not a database fails here. A newer schema is refused
    // before anything (even the journal mode) is changed in the file.
    let found = schema::version(&conn)?;
    if found > schema::LATEST {
        return Err(Error::TooNew {
            path: path.to_path_buf(),
            found,
            supported: schema::LATEST,
        });
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(Error::sqlite("switch to WAL mode"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!("history database: journal mode is {mode}, not WAL");
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        .map_err(Error::sqlite("configure the connection"))?;
    Ok(conn)
}

/// Per-connection helpers that live in the `temp` schema (never in the file): the trigram
/// index's vocabulary, which search uses to expand two-character terms. Needs the schema, so
/// it is made after migrating.
pub(super) fn prepare(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.trigram_vocab
             USING fts5vocab(main, messages_trigrams, row);",
    )
    .map_err(Error::sqlite("prepare the connection"))
}

/// SQLite's own words for a corruption error, without our "cannot …" prefix.
fn sqlite_reason(err: &Error) -> String {
    match err {
        Error::Sqlite { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// Renames `path` (and its `-wal`/`-shm` files) to `<name>.corrupt-<UTC time>[-n]`.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = Timestamp::now().compact();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| FILE_NAME.to_owned());
    let mut target = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
    }
    std::fs::rename(path, &target).map_err(Error::io(path))?;
    for suffix in ["-wal", "-shm"] {
        let side = with_suffix(path, suffix);
        if side.exists() {
            let to = with_suffix(&target, suffix);
            std::fs::rename(&side, &to).map_err(Error::io(&side))?;
        }
    }
    Ok(target)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_database_is_moved_aside_and_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        let junk = b"this is not an SQLite database, just some text that happens to be here";
        std::fs::write(&path, junk.repeat(100)).expect("writes");
        let opened = HistoryStore::open(dir.path()).expect("opens");
        let recovered = opened.recovered.expect("recovered");
        assert!(recovered.reason.contains("not a database"), "{recovered:?}");
        let name = recovered
            .moved_to
            .file_name()
            .expect("name")
            .to_string_lossy();
        assert!(name.starts_with("history.sqlite3.corrupt-"), "{name}");
        assert_eq!(
            std::fs::read(&recovered.moved_to).expect("kept"),
            junk.repeat(100)
        );
        assert!(recovered.to_string().contains("moved to"));
        // The fresh store works.
        let chat = opened.store.create_conversation(None).expect("creates");
        assert_eq!(chat.id, 1);
    }

    #[test]
    fn moving_aside_twice_in_one_second_keeps_both_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "one").expect("writes");
        std::fs::write(with_suffix(&path, "-wal"), "wal").expect("writes");
        let first = move_aside(&path).expect("moves");
        std::fs::write(&path, "two").expect("writes");
        let second = move_aside(&path).expect("moves");
        assert_ne!(first, second);
        assert_eq!(std::fs::read_to_string(&first).expect("kept"), "one");
        assert_eq!(std::fs::read_to_string(&second).expect("kept"), "two");
        assert_eq!(
            std::fs::read_to_string(with_suffix(&first, "-wal")).expect("kept"),
            "wal"
        );
    }
}

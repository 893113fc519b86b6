//! The router state in a SQLite file in the data dir (`router-state.db`), shared by the
//! processes of one machine: WAL (readers never wait for the writer), a busy timeout for the
//! writer, the file 0600 in a 0700 dir. Each call runs on tokio's blocking pool and holds the
//! connection's mutex only inside that call, never across an `.await`; a failure's count is
//! read and written in one `IMMEDIATE` transaction, so two processes failing together count by
//! the same rule as two requests of one process.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{
    decode, encode, now_ms, unix_ms, SharedCooldown, SharedFailure, StateError, Tally, REACH_TTL,
    TALLY_TTL,
};
use crate::router::cooldown::count;
use crate::router::reach::Reach;

/// The file's name in the data dir.
pub const FILE_NAME: &str = "router-state.db";
/// How long a writer waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cooldown (model TEXT PRIMARY KEY, entry TEXT NOT NULL,
  until_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reach (provider TEXT PRIMARY KEY, reachable INTEGER NOT NULL,
  checked_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tally (day TEXT NOT NULL, key TEXT NOT NULL, usd REAL NOT NULL,
  requests INTEGER NOT NULL, touched_ms INTEGER NOT NULL, PRIMARY KEY (day, key));
";

/// The SQLite store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LocalStore {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

impl LocalStore {
    /// Opens (or creates) `router-state.db` in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<LocalStore, StateError> {
        crate::private_files::private_dir(data_dir)?;
        let path = data_dir.join(FILE_NAME);
        let conn = Connection::open(&path).map_err(StateError::sqlite("open the file"))?;
        crate::private_files::private_file(&path)?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(StateError::sqlite("set the busy timeout"))?;
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(StateError::sqlite("turn on WAL"))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL;")
            .and_then(|()| conn.execute_batch(SCHEMA))
            .map_err(StateError::sqlite("create the tables"))?;
        Ok(LocalStore {
            path,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `job` with the connection on the blocking pool.
    async fn with<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> Result<T, StateError> + Send + 'static,
    ) -> Result<T, StateError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            job(&mut conn)
        })
        .await
        .map_err(|e| StateError::Io(std::io::Error::other(e.to_string())))?
    }

    pub(super) async fn cooldowns(
        &self,
        models: Option<&[String]>,
    ) -> Result<Vec<(String, SharedCooldown)>, StateError> {
        let wanted = models.map(<[String]>::to_vec);
        self.with(move |conn| {
            let mut select = conn
                .prepare_cached("SELECT model, entry FROM cooldown WHERE until_ms > ?1")
                .map_err(StateError::sqlite("read cooldowns"))?;
            let rows = select
                .query_map([now_ms() as i64], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(StateError::sqlite("read cooldowns"))?;
            let mut found = Vec::new();
            for row in rows {
                let (model, entry) = row.map_err(StateError::sqlite("read cooldowns"))?;
                if wanted.as_ref().is_none_or(|w| w.contains(&model)) {
                    found.push((model, decode(&entry)?));
                }
            }
            Ok(found)
        })
        .await
    }

    pub(super) async fn fail(
        &self,
        model: &str,
        failure: SharedFailure,
    ) -> Result<SharedCooldown, StateError> {
        let model = model.to_owned();
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StateError::sqlite("record a cooldown"))?;
            let before: Option<String> = tx
                .query_row(
                    "SELECT entry FROM cooldown WHERE model = ?1 AND until_ms > ?2",
                    params![model, unix_ms(failure.now) as i64],
                    |r| r.get(0),
                )
                .optional()
                .map_err(StateError::sqlite("record a cooldown"))?;
            let before = before.as_deref().map(decode).transpose()?;
            let after = count(before, failure);
            let until = unix_ms(after.until.unwrap_or(failure.now));
            tx.execute(
                "INSERT INTO cooldown (model, entry, until_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (model) DO UPDATE SET entry = ?2, until_ms = ?3",
                params![model, encode(&after), until as i64],
            )
            .and_then(|_| {
                // Expiry: what ended is gone (the counting restarts, as in Redis).
                tx.execute(
                    "DELETE FROM cooldown WHERE until_ms <= ?1",
                    [unix_ms(failure.now) as i64],
                )
            })
            .and_then(|_| tx.commit())
            .map_err(StateError::sqlite("record a cooldown"))?;
            Ok(after)
        })
        .await
    }

    pub(super) async fn succeed(&self, model: &str, started: SystemTime) -> Result<(), StateError> {
        let model = model.to_owned();
        self.with(move |conn| {
            let entry: Option<String> = conn
                .query_row(
                    "SELECT entry FROM cooldown WHERE model = ?1",
                    [&model],
                    |r| r.get(0),
                )
                .optional()
                .map_err(StateError::sqlite("clear a cooldown"))?;
            let Some(entry) = entry else { return Ok(()) };
            if started >= decode(&entry)?.failed_at {
                // Only the entry that was read: a failure counted meanwhile stays.
                conn.execute(
                    "DELETE FROM cooldown WHERE model = ?1 AND entry = ?2",
                    params![model, entry],
                )
                .map_err(StateError::sqlite("clear a cooldown"))?;
            }
            Ok(())
        })
        .await
    }

    pub(super) async fn clear(&self) -> Result<(), StateError> {
        self.with(|conn| {
            conn.execute("DELETE FROM cooldown", [])
                .map_err(StateError::sqlite("clear the cooldowns"))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn mark_reach(&self, provider: &str, reach: Reach) -> Result<(), StateError> {
        let provider = provider.to_owned();
        self.with(move |conn| {
            let checked = super::unix_ms(reach.checked) as i64;
            // An older mark never replaces a newer one.
            conn.execute(
                "INSERT INTO reach (provider, reachable, checked_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (provider) DO UPDATE SET reachable = ?2, checked_ms = ?3
                 WHERE checked_ms <= ?3",
                params![provider, reach.reachable, checked],
            )
            .map_err(StateError::sqlite("record reachability"))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn reach(
        &self,
        providers: &[String],
    ) -> Result<Vec<(String, Reach)>, StateError> {
        let wanted = providers.to_vec();
        self.with(move |conn| {
            let since = now_ms().saturating_sub(REACH_TTL.as_millis() as u64) as i64;
            let mut select = conn
                .prepare_cached(
                    "SELECT provider, reachable, checked_ms FROM reach WHERE checked_ms > ?1",
                )
                .map_err(StateError::sqlite("read reachability"))?;
            let rows = select
                .query_map([since], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, bool>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .map_err(StateError::sqlite("read reachability"))?;
            let mut found = Vec::new();
            for row in rows {
                let (provider, reachable, checked) =
                    row.map_err(StateError::sqlite("read reachability"))?;
                if wanted.contains(&provider) {
                    let checked = std::time::UNIX_EPOCH
                        + Duration::from_millis(u64::try_from(checked).unwrap_or(0));
                    found.push((provider, Reach { reachable, checked }));
                }
            }
            Ok(found)
        })
        .await
    }

    pub(super) async fn tally(&self, day: &str, key: &str, usd: f64) -> Result<(), StateError> {
        self.add(day, key, usd, 1).await
    }

    pub(super) async fn spend(&self, day: &str, key: &str, usd: f64) -> Result<(), StateError> {
        self.add(day, key, usd, 0).await
    }

    async fn add(&self, day: &str, key: &str, usd: f64, requests: i64) -> Result<(), StateError> {
        let (day, key) = (day.to_owned(), key.to_owned());
        self.with(move |conn| {
            let now = now_ms() as i64;
            let usd = if usd.is_finite() { usd } else { 0.0 };
            conn.execute(
                "INSERT INTO tally (day, key, usd, requests, touched_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (day, key) DO UPDATE SET usd = usd + ?3, requests = requests + ?4,
                 touched_ms = ?5",
                params![day, key, usd, requests, now],
            )
            .and_then(|_| {
                conn.execute(
                    "DELETE FROM tally WHERE touched_ms < ?1",
                    [now - TALLY_TTL.as_millis() as i64],
                )
            })
            .map_err(StateError::sqlite("count"))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn today(&self, day: &str, key: &str) -> Result<Tally, StateError> {
        let (day, key) = (day.to_owned(), key.to_owned());
        self.with(move |conn| {
            let found = conn
                .query_row(
                    "SELECT usd, requests FROM tally WHERE day = ?1 AND key = ?2",
                    params![day, key],
                    |r| Ok((r.get::<_, f64>(0)?, r.get::<_, i64>(1)?)),
                )
                .optional()
                .map_err(StateError::sqlite("read the counters"))?;
            Ok(found.map_or_else(Tally::default, |(usd, requests)| Tally {
                usd,
                requests: u64::try_from(requests).unwrap_or(0),
            }))
        })
        .await
    }
}

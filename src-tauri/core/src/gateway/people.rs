//! Per-person gateway tokens (`switchboard serve token add NAME [--budget-daily USD]`), kept in
//! `<data dir>/gateway-people.json` (0600): each person's name, the SHA-256 of their token and
//! an optional daily budget. The token itself is printed once and never stored.
//!
//! Why a plain SHA-256 and not a password hash (argon2, bcrypt): a token is 32 random bytes
//! from the OS, so there is no dictionary to try and 2^256 guesses to make; a slow hash only
//! protects low-entropy secrets. A fast hash lets every request be checked in microseconds,
//! and the file (copied to each gateway of a team) gives nobody a usable token.
//!
//! A running gateway reads the file again when it changes ([`LivePeople`]), so `token add` and
//! `token remove` apply from the next request, without a restart.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::secrets::Secret;

/// The file's name in the data dir.
pub const FILE_NAME: &str = "gateway-people.json";
/// What a person token starts with (the owner's starts with `sb-`).
const PREFIX: &str = "sbp-";

/// Why the people file could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not in the shape this version writes.
    #[error("{}: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The cause (with line and column).
        source: serde_json::Error,
    },
    /// The name is taken.
    #[error("a token named {0:?} exists: `switchboard serve token remove {0}` first")]
    Taken(String),
    /// The name is empty or has characters that do not fit a log line or a Redis key.
    #[error("token names are 1-64 letters, digits, '.', '_', '-' or '@' ({0:?} is not)")]
    BadName(String),
    /// The budget is not a positive amount.
    #[error("--budget-daily must be a positive number of USD")]
    BadBudget,
}

/// One person with a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Who (unique).
    pub name: String,
    /// The SHA-256 of the token, hex.
    pub sha256: String,
    /// USD per local calendar day this person's requests may cost (none: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_daily_usd: Option<f64>,
    /// When the token was made (Unix ms).
    pub created_ms: u64,
}

impl Person {
    /// The key of this person's counters in the state store.
    pub fn tally_key(&self) -> String {
        format!("token:{}", self.name)
    }
}

/// Everyone with a token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct People {
    /// In the order they were added.
    pub people: Vec<Arc<Person>>,
}

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares without an early exit, so timing does not reveal a prefix.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl People {
    /// Reads `path`; a missing file is nobody.
    pub fn load(path: &Path) -> Result<People, PeopleError> {
        let io = |source| PeopleError::Io {
            path: path.to_owned(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|source| PeopleError::Parse {
                path: path.to_owned(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(People::default()),
            Err(e) => Err(io(e)),
        }
    }

    /// Writes `path` atomically, 0600 in a 0700 dir.
    pub fn save(&self, path: &Path) -> Result<(), PeopleError> {
        let io = |source| PeopleError::Io {
            path: path.to_owned(),
            source,
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::private_files::private_dir(dir).map_err(io)?;
        let text = serde_json::to_string_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)?;
        file.as_file().sync_all().map_err(io)?;
        // NamedTempFile is created 0600.
        file.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// Whether anyone has a token.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The person whose token is `sent`. Every entry is compared, so the time taken does not
    /// say which one matched.
    pub fn find(&self, sent: &str) -> Option<Arc<Person>> {
        if !sent.starts_with(PREFIX) {
            return None;
        }
        let hash = digest(sent);
        let mut found = None;
        for person in &self.people {
            if same(person.sha256.as_bytes(), hash.as_bytes()) {
                found = Some(person.clone());
            }
        }
        found
    }

    /// Adds `name` with a new token, which is returned (and nowhere kept).
    pub fn add(
        &mut self,
        name: &str,
        budget_daily_usd: Option<f64>,
    ) -> Result<Secret, PeopleError> {
        let good = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
        if name.is_empty() || name.len() > 64 || !name.chars().all(good) {
            return Err(PeopleError::BadName(name.to_owned()));
        }
        if budget_daily_usd.is_some_and(|b| !(b.is_finite() && b > 0.0)) {
            return Err(PeopleError::BadBudget);
        }
        if self.people.iter().any(|p| p.name == name) {
            return Err(PeopleError::Taken(name.to_owned()));
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| PeopleError::Io {
            path: PathBuf::from("<random>"),
            source: std::io::Error::other(e.to_string()),
        })?;
        let token: String = std::iter::once(PREFIX.to_owned())
            .chain(bytes.iter().map(|b| format!("{b:02x}")))
            .collect();
        self.people.push(Arc::new(Person {
            name: name.to_owned(),
            sha256: digest(&token),
            budget_daily_usd,
            created_ms: crate::state::now_ms(),
        }));
        Ok(Secret::new(token))
    }

    /// Removes `name`; false if there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.people.len();
        self.people.retain(|p| p.name != name);
        self.people.len() != before
    }
}

/// What tells one version of the file from the next: saves are renames of a new file, so the
/// inode changes with each; the time and length catch an edit in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl Stamp {
    /// The file's stamp; `None` when there is no file.
    fn of(path: &Path) -> std::io::Result<Option<Stamp>> {
        match std::fs::metadata(path) {
            Ok(meta) => Ok(Some(Stamp {
                modified: meta.modified().ok(),
                len: meta.len(),
                inode: inode(&meta),
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}

/// The people file as a running gateway sees it: looked at (one `stat`) on each request and
/// read again when it changed. A file that can no longer be read or parsed is nobody until it
/// is fixed — failing closed, so a person removed by hand never keeps access through a broken
/// file (the owner's token still works); a warning says so once per change.
#[derive(Debug)]
pub struct LivePeople {
    /// The file; none for a fixed set (tests, a gateway without people).
    path: Option<PathBuf>,
    /// The stamp the set was read at, and the set.
    current: Mutex<(Option<Stamp>, Arc<People>)>,
}

impl LivePeople {
    /// A set that never changes.
    pub fn fixed(people: People) -> LivePeople {
        LivePeople {
            path: None,
            current: Mutex::new((None, Arc::new(people))),
        }
    }

    /// Reads `path` now (a missing file is nobody) and again whenever it changes.
    pub fn watch(path: &Path) -> Result<LivePeople, PeopleError> {
        let io = |source| PeopleError::Io {
            path: path.to_owned(),
            source,
        };
        let stamp = Stamp::of(path).map_err(io)?;
        let people = People::load(path)?;
        Ok(LivePeople {
            path: Some(path.to_owned()),
            current: Mutex::new((stamp, Arc::new(people))),
        })
    }

    /// Everyone with a token now.
    pub fn current(&self) -> Arc<People> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(path) = &self.path else {
            return current.1.clone();
        };
        let stamp = match Stamp::of(path) {
            Ok(stamp) => stamp,
            Err(e) => {
                // Said once, not at every request, until the file can be looked at again.
                if current.0.is_some() || !current.1.is_empty() {
                    tracing::warn!(file = %path.display(), error = %e, "people file unreadable: person tokens are refused until it is fixed");
                }
                *current = (None, Arc::new(People::default()));
                return current.1.clone();
            }
        };
        if stamp != current.0 {
            let people = People::load(path).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "people file unreadable: person tokens are refused until it is fixed");
                People::default()
            });
            tracing::info!(file = %path.display(), people = people.people.len(), "people file read again");
            *current = (stamp, Arc::new(people));
        }
        current.1.clone()
    }

    /// The person whose token is `sent`, in the file as it is now.
    pub fn find(&self, sent: &str) -> Option<Arc<Person>> {
        self.current().find(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_found_by_its_hash_and_only_the_hash_is_saved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join(FILE_NAME);
        let mut people = People::default();
        let ann = people.add("ann", Some(2.5)).expect("adds");
        let bob = people.add("bob@team", None).expect("adds");
        assert!(ann.expose().starts_with(PREFIX) && ann.expose().len() == 68);
        people.save(&path).expect("saves");
        let text = std::fs::read_to_string(&path).expect("reads");
        assert!(!text.contains(ann.expose()) && !text.contains(bob.expose()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = People::load(&path).expect("loads");
        let found = again.find(ann.expose()).expect("ann");
        assert_eq!(
            (found.name.as_str(), found.budget_daily_usd),
            ("ann", Some(2.5))
        );
        assert_eq!(again.find(bob.expose()).expect("bob").name, "bob@team");
        assert!(again.find("sbp-0000").is_none());
        assert!(again.find("sb-owner").is_none());
    }

    #[test]
    fn names_budgets_and_duplicates_are_checked() {
        let mut people = People::default();
        people.add("ann", None).expect("adds");
        assert!(matches!(
            people.add("ann", None),
            Err(PeopleError::Taken(_))
        ));
        for bad in ["", "a b", "x:y", &"n".repeat(65)] {
            assert!(
                matches!(people.add(bad, None), Err(PeopleError::BadName(_))),
                "{bad}"
            );
        }
        for bad in [0.0, -1.0, f64::NAN] {
            assert!(matches!(
                people.add("c", Some(bad)),
                Err(PeopleError::BadBudget)
            ));
        }
        assert!(people.remove("ann") && !people.remove("ann"));
        assert!(people.is_empty());
        assert_eq!(
            People::load(Path::new("/nonexistent/people.json")).expect("none"),
            People::default()
        );
    }

    #[test]
    fn a_running_gateway_sees_tokens_added_and_removed_and_refuses_all_when_the_file_breaks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        let live = LivePeople::watch(&path).expect("no file is nobody");
        let mut people = People::default();
        let ann = people.add("ann", None).expect("adds");
        assert!(live.find(ann.expose()).is_none(), "not saved yet");
        people.save(&path).expect("saves");
        assert_eq!(live.find(ann.expose()).expect("added").name, "ann");
        let bob = people.add("bob", None).expect("adds");
        people.save(&path).expect("saves");
        assert_eq!(live.find(bob.expose()).expect("bob").name, "bob");
        assert!(people.remove("ann"));
        people.save(&path).expect("saves");
        assert!(
            live.find(ann.expose()).is_none(),
            "removed: refused at once"
        );
        assert!(live.find(bob.expose()).is_some());
        // A broken file: nobody (not the last good set), until it is fixed.
        std::fs::write(&path, "{ not json").expect("breaks");
        assert!(
            live.find(bob.expose()).is_none(),
            "a broken file keeps no one"
        );
        people.save(&path).expect("fixed");
        assert!(live.find(bob.expose()).is_some());
        std::fs::remove_file(&path).expect("removes");
        assert!(live.find(bob.expose()).is_none(), "no file is nobody");
    }
}

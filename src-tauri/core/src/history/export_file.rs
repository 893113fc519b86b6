//! Export of one conversation to a new file in a folder (the desktop's "Export" writes to the
//! Downloads folder): the same exporter as `switchboard history export`, a name from the title
//! and the time that never replaces an existing file, and a file only this user may read
//! (exports hold chats).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::export::ExportFormat;
use super::model::{ConversationId, Timestamp};
use super::{Error, HistoryStore, Result};

/// The most characters of the title in a file name.
const NAME_CHARS: usize = 40;
/// How many `-2`, `-3`, … names are tried before giving up.
const TRIES: u32 = 100;

impl HistoryStore {
    /// Writes conversation `id` to a new file in `dir` (created 0700 if missing) and returns
    /// its path. The whole export is made before the file is created, so a failure leaves no
    /// partial file.
    pub fn export_to_dir(
        &self,
        id: ConversationId,
        format: ExportFormat,
        dir: &Path,
    ) -> Result<PathBuf> {
        let title = self.conversation(id)?.title;
        let mut text = Vec::new();
        self.export(id, format, &mut text)?;
        if !dir.exists() {
            crate::private_files::private_dir(dir).map_err(Error::io(dir))?;
        }
        let stem = format!("{}-{}", slug(&title), Timestamp::now().compact());
        let extension = match format {
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
        };
        for n in 1..=TRIES {
            let name = match n {
                1 => format!("{stem}.{extension}"),
                n => format!("{stem}-{n}.{extension}"),
            };
            let path = dir.join(name);
            match create_new(&path) {
                Ok(mut file) => {
                    let written = file.write_all(&text).and_then(|()| file.sync_all());
                    if let Err(e) = written {
                        // Best effort: a half-written export is worse than none.
                        let _ = std::fs::remove_file(&path);
                        return Err(Error::io(&path)(e));
                    }
                    return Ok(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&path)(e)),
            }
        }
        Err(Error::InvalidInput(format!(
            "{} already has {TRIES} exports named {stem}; move some away",
            dir.display()
        )))
    }
}

/// A new file readable by this user only; fails when the name is taken.
fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// `switchboard-` and the title's letters and digits (any script), other runs of characters
/// as one `-`, at most [`NAME_CHARS`] of them.
fn slug(title: &str) -> String {
    let mut slug = String::from("switchboard");
    let mut dash = true;
    let mut kept = 0;
    slug.push('-');
    for c in title.chars().flat_map(char::to_lowercase) {
        if kept == NAME_CHARS {
            break;
        }
        if c.is_alphanumeric() {
            slug.push(c);
            dash = false;
            kept += 1;
        } else if !dash {
            slug.push('-');
            dash = true;
        }
    }
    let trimmed = slug.trim_end_matches('-');
    if trimmed == "switchboard" {
        "switchboard-chat".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{ErrorKind, Role};

    #[test]
    fn names_come_from_the_title_in_any_script() {
        assert_eq!(slug("Which is faster?"), "switchboard-which-is-faster");
        assert_eq!(slug("서울 날씨 / weather"), "switchboard-서울-날씨-weather");
        assert_eq!(slug("../../etc/passwd"), "switchboard-etc-passwd");
        assert_eq!(slug("   "), "switchboard-chat");
        assert_eq!(
            slug(&"a".repeat(100)).len(),
            "switchboard-".len() + NAME_CHARS
        );
    }

    #[test]
    fn each_export_is_a_new_private_file_with_the_cli_exporters_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let chat = store.create_conversation(None).expect("creates");
        store
            .add_message(chat.id, Role::User, "Which is faster?")
            .expect("adds");
        let out = dir.path().join("Downloads");
        let first = store
            .export_to_dir(chat.id, ExportFormat::Markdown, &out)
            .expect("exports");
        let second = store
            .export_to_dir(chat.id, ExportFormat::Markdown, &out)
            .expect("exports");
        assert_ne!(first, second, "an export never replaces another");
        let mut cli = Vec::new();
        store
            .export(chat.id, ExportFormat::Markdown, &mut cli)
            .expect("exports");
        assert_eq!(std::fs::read(&first).expect("reads"), cli);
        let name = first
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with("switchboard-which-is-faster-") && name.ends_with(".md"),
            "{name}"
        );
        let json = store
            .export_to_dir(chat.id, ExportFormat::Json, &out)
            .expect("exports");
        assert!(json.extension().is_some_and(|e| e == "json"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            let mode = std::fs::metadata(&out).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let missing = store
            .export_to_dir(999, ExportFormat::Json, &out)
            .expect_err("no such conversation");
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        assert_eq!(std::fs::read_dir(&out).expect("lists").count(), 3);
    }
}

//! A conversation's own settings: its system prompt and its generation parameters
//! (temperature, top-p, max tokens). They are saved with the conversation, sent with each of
//! its turns, and shown in its exports.
//!
//! The system prompt is the conversation's system message (the CLI's `--system` writes one
//! too), so a saved conversation has one place for it; changing it rewrites that message in
//! place, as LM Studio's per-chat system prompt does. The parameters are columns of the
//! conversation (schema version 6); unset ones leave the model's defaults (and an alias's
//! `params`) in charge.

use rusqlite::{params, OptionalExtension};

use super::model::{ConversationId, Parameters, Role, Timestamp};
use super::write::touch;
use super::{Error, HistoryStore, Result};
use crate::providers::RequestOptions;

/// The highest temperature accepted (OpenAI's and Anthropic's limit is 2 and 1).
pub const MAX_TEMPERATURE: f64 = 2.0;
/// The longest system prompt kept, in characters.
pub const MAX_SYSTEM_PROMPT_CHARS: usize = 100_000;

impl Parameters {
    /// Whether none is set.
    pub fn is_empty(&self) -> bool {
        *self == Parameters::default()
    }

    /// The parameters a request carries (a gateway client's), to save with its conversation.
    pub fn of_request(options: &RequestOptions) -> Parameters {
        Parameters {
            temperature: options.temperature,
            top_p: options.top_p,
            max_tokens: options.max_tokens,
        }
    }

    /// Puts the set ones into `options` (the unset ones leave what `options` has).
    pub fn apply(&self, options: &mut RequestOptions) {
        if let Some(t) = self.temperature {
            options.temperature = Some(t);
        }
        if let Some(p) = self.top_p {
            options.top_p = Some(p);
        }
        if let Some(m) = self.max_tokens {
            options.max_tokens = Some(m);
        }
    }

    /// Refuses values no API takes, naming the parameter.
    pub fn validate(&self) -> Result<()> {
        if let Some(t) = self.temperature {
            if !(0.0..=MAX_TEMPERATURE).contains(&t) {
                return Err(Error::InvalidInput(format!(
                    "temperature must be 0 to {MAX_TEMPERATURE}, not {t}"
                )));
            }
        }
        if let Some(p) = self.top_p {
            if !(p > 0.0 && p <= 1.0) {
                return Err(Error::InvalidInput(format!(
                    "top-p must be more than 0 and at most 1, not {p}"
                )));
            }
        }
        if self.max_tokens == Some(0) {
            return Err(Error::InvalidInput("max tokens must be at least 1".into()));
        }
        Ok(())
    }

    /// "temperature 0.2 · top-p 0.9 · max tokens 512", for exports; `None` when none is set.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(t) = self.temperature {
            parts.push(format!("temperature {t}"));
        }
        if let Some(p) = self.top_p {
            parts.push(format!("top-p {p}"));
        }
        if let Some(m) = self.max_tokens {
            parts.push(format!("max tokens {m}"));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

impl HistoryStore {
    /// Sets conversation `id`'s parameters (validated first; nothing changes when refused).
    pub fn set_parameters(&self, id: ConversationId, parameters: &Parameters) -> Result<()> {
        parameters.validate()?;
        self.write(|conn| {
            let changed = conn
                .execute(
                    "UPDATE conversations SET temperature = ?2, top_p = ?3, max_tokens = ?4
                     WHERE id = ?1",
                    params![
                        id,
                        parameters.temperature,
                        parameters.top_p,
                        parameters
                            .max_tokens
                            .map(|m| i64::try_from(m).unwrap_or(i64::MAX)),
                    ],
                )
                .map_err(Error::sqlite("save the parameters"))?;
            if changed == 0 {
                return Err(Error::NotFound {
                    what: "conversation",
                    id,
                });
            }
            Ok(())
        })
    }

    /// Sets conversation `id`'s system prompt: rewrites its system message in place, adds one
    /// when it has none, removes it when `prompt` is blank. Unchanged text writes nothing.
    pub fn set_system_prompt(&self, id: ConversationId, prompt: &str) -> Result<()> {
        if prompt.chars().count() > MAX_SYSTEM_PROMPT_CHARS {
            return Err(Error::InvalidInput(format!(
                "a system prompt may have at most {MAX_SYSTEM_PROMPT_CHARS} characters"
            )));
        }
        let prompt = prompt.trim();
        let now = Timestamp::now();
        self.write(|conn| {
            let tx = conn
                .transaction()
                .map_err(Error::sqlite("save the system prompt"))?;
            let current: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, content FROM messages WHERE conversation_id = ?1 AND role = ?2
                     ORDER BY id DESC LIMIT 1",
                    params![id, Role::System.as_str()],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(Error::sqlite("read the system prompt"))?;
            match (current, prompt.is_empty()) {
                (Some((_, text)), false) if text == prompt => return Ok(()),
                (None, true) => {
                    // Nothing to remove; still refuse a missing conversation.
                    touch(&tx, id, Timestamp(0))?;
                    return Ok(());
                }
                (Some(_), true) => {
                    touch(&tx, id, now)?;
                    tx.execute(
                        "DELETE FROM messages WHERE conversation_id = ?1 AND role = ?2",
                        params![id, Role::System.as_str()],
                    )
                    .map_err(Error::sqlite("remove the system prompt"))?;
                }
                (Some((message, _)), false) => {
                    touch(&tx, id, now)?;
                    tx.execute(
                        "UPDATE messages SET content = ?2, updated_at = ?3 WHERE id = ?1",
                        params![message, prompt, now.0],
                    )
                    .map_err(Error::sqlite("save the system prompt"))?;
                }
                (None, false) => {
                    touch(&tx, id, now)?;
                    tx.execute(
                        "INSERT INTO messages (conversation_id, role, content, status,
                                               created_at, updated_at)
                         VALUES (?1, ?2, ?3, 'complete', ?4, ?4)",
                        params![id, Role::System.as_str(), prompt, now.0],
                    )
                    .map_err(Error::sqlite("save the system prompt"))?;
                }
            }
            tx.commit().map_err(Error::sqlite("save the system prompt"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ErrorKind;

    fn store() -> (tempfile::TempDir, HistoryStore) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        (dir, store)
    }

    #[test]
    fn parameters_are_saved_with_the_conversation_and_checked() {
        let (_dir, store) = store();
        let chat = store.create_conversation(None).expect("creates");
        assert!(chat.parameters.is_empty());
        let set = Parameters {
            temperature: Some(0.2),
            top_p: Some(0.9),
            max_tokens: Some(512),
        };
        store.set_parameters(chat.id, &set).expect("saves");
        assert_eq!(store.conversation(chat.id).expect("reads").parameters, set);
        for bad in [
            Parameters {
                temperature: Some(2.5),
                ..set
            },
            Parameters {
                temperature: Some(f64::NAN),
                ..set
            },
            Parameters {
                top_p: Some(0.0),
                ..set
            },
            Parameters {
                max_tokens: Some(0),
                ..set
            },
        ] {
            let err = store.set_parameters(chat.id, &bad).expect_err("refused");
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}");
        }
        assert_eq!(store.conversation(chat.id).expect("reads").parameters, set);
        let missing = store.set_parameters(999, &set).expect_err("no such");
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        assert_eq!(
            set.describe().as_deref(),
            Some("temperature 0.2 · top-p 0.9 · max tokens 512")
        );
        assert_eq!(Parameters::default().describe(), None);
    }

    #[test]
    fn the_system_prompt_is_one_message_rewritten_in_place() {
        let (_dir, store) = store();
        let chat = store.create_conversation(None).expect("creates");
        store
            .set_system_prompt(chat.id, "  ")
            .expect("nothing to do");
        assert_eq!(
            store.conversation(chat.id).expect("reads").system_prompt,
            None
        );
        store.set_system_prompt(chat.id, "Be brief.").expect("adds");
        store.add_message(chat.id, Role::User, "hi").expect("adds");
        store
            .set_system_prompt(chat.id, "Be kind.")
            .expect("rewrites");
        let messages = store.all_messages(chat.id).expect("reads");
        let roles: Vec<Role> = messages.iter().map(|m| m.role).collect();
        assert_eq!(roles, [Role::System, Role::User]);
        assert_eq!(messages[0].content, "Be kind.");
        let read = store.conversation(chat.id).expect("reads");
        assert_eq!(read.system_prompt.as_deref(), Some("Be kind."));
        // The search index follows the rewrite.
        assert_eq!(store.search("kind", 10).expect("searches").len(), 1);
        assert!(store.search("brief", 10).expect("searches").is_empty());
        store.set_system_prompt(chat.id, "").expect("removes");
        let read = store.conversation(chat.id).expect("reads");
        assert_eq!((read.system_prompt, read.message_count), (None, 1));
        let missing = store.set_system_prompt(999, "x").expect_err("no such");
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        let long = "x".repeat(MAX_SYSTEM_PROMPT_CHARS + 1);
        let err = store
            .set_system_prompt(chat.id, &long)
            .expect_err("too long");
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn set_parameters_override_a_request_and_unset_ones_leave_it() {
        let mut options = RequestOptions {
            temperature: Some(1.0),
            max_tokens: Some(64),
            ..RequestOptions::default()
        };
        Parameters {
            temperature: Some(0.3),
            top_p: None,
            max_tokens: None,
        }
        .apply(&mut options);
        assert_eq!(options.temperature, Some(0.3));
        assert_eq!(options.max_tokens, Some(64));
        assert_eq!(Parameters::of_request(&options).temperature, Some(0.3));
    }
}

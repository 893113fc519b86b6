//! Export of one conversation or all of them, as Markdown (for people) or JSON (for programs).
//!
//! JSON documents carry `"format": "switchboard-history"` and a `version`; a single
//! conversation exports as `{format, version, conversation: {…, messages: […]}}`, all of them as
//! `{format, version, conversations: [{…, messages: […]}, …]}`. Everything is written to a
//! `Write` one conversation at a time, so exporting a large history needs little memory.
//! Markdown shows the version of each answer the conversation shows, the others folded under
//! it; JSON lists every version, the one shown marked `selected`.
//! Attached images are named (file, media type, size), never embedded.

use std::io::Write;
use std::str::FromStr;

use serde::Serialize;

use super::model::{Conversation, ConversationId, Message, MessageStatus, Role};
use super::read::{all_messages, conversation};
use super::{Error, HistoryStore, Result};

/// The JSON export's format version. Version 2: every version of an answer is listed, each
/// message with `answerTo`, `selected` (the version shown) and `versionIds`.
pub const JSON_EXPORT_VERSION: u32 = 2;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Markdown, for reading.
    #[default]
    #[serde(alias = "md")]
    Markdown,
    /// JSON, for programs.
    Json,
}

impl FromStr for ExportFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "md" | "markdown" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            other => Err(Error::InvalidInput(format!(
                "unknown export format {other:?}: use md or json"
            ))),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportedConversation<'a> {
    #[serde(flatten)]
    conversation: &'a Conversation,
    messages: &'a [Message],
}

impl HistoryStore {
    /// Writes one conversation to `out`.
    pub fn export(
        &self,
        id: ConversationId,
        format: ExportFormat,
        out: &mut dyn Write,
    ) -> Result<()> {
        let (conversation, messages) =
            self.read(|conn| Ok((conversation(conn, id)?, all_messages(conn, id)?)))?;
        let io = Error::io("<export>");
        match format {
            ExportFormat::Markdown => {
                write_markdown(out, &conversation, &messages).map_err(io)?;
            }
            ExportFormat::Json => {
                let doc = serde_json::json!({
                    "format": "switchboard-history",
                    "version": JSON_EXPORT_VERSION,
                    "conversation": ExportedConversation {
                        conversation: &conversation,
                        messages: &messages,
                    },
                });
                write_json(out, &doc)?;
                writeln!(out).map_err(io)?;
            }
        }
        Ok(())
    }

    /// Writes every conversation to `out`, most recent first; returns how many.
    pub fn export_all(&self, format: ExportFormat, out: &mut dyn Write) -> Result<usize> {
        let ids: Vec<ConversationId> = self.read(|conn| {
            let mut stmt = conn
                .prepare("SELECT id FROM conversations ORDER BY updated_at DESC, id DESC")
                .map_err(Error::sqlite("list conversations"))?;
            let rows = stmt
                .query_map([], |row| row.get(0))
                .map_err(Error::sqlite("list conversations"))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(Error::sqlite("list conversations"))
        })?;
        let io = || Error::io("<export>");
        if format == ExportFormat::Json {
            write!(
                out,
                "{{\"format\":\"switchboard-history\",\"version\":{JSON_EXPORT_VERSION},\
                 \"conversations\":["
            )
            .map_err(io())?;
        }
        let mut written = 0;
        for id in ids {
            let loaded = self.read(|conn| Ok((conversation(conn, id)?, all_messages(conn, id)?)));
            let (conversation, messages) = match loaded {
                Ok(loaded) => loaded,
                // Deleted while we were exporting.
                Err(Error::NotFound { .. }) => continue,
                Err(err) => return Err(err),
            };
            match format {
                ExportFormat::Markdown => {
                    if written > 0 {
                        writeln!(out, "\n---\n").map_err(io())?;
                    }
                    write_markdown(out, &conversation, &messages).map_err(io())?;
                }
                ExportFormat::Json => {
                    if written > 0 {
                        write!(out, ",").map_err(io())?;
                    }
                    write_json(
                        out,
                        &ExportedConversation {
                            conversation: &conversation,
                            messages: &messages,
                        },
                    )?;
                }
            }
            written += 1;
        }
        if format == ExportFormat::Json {
            writeln!(out, "]}}").map_err(io())?;
        }
        Ok(written)
    }
}

fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(|source| {
        if source.is_io() {
            Error::Io {
                path: "<export>".into(),
                source: source.into(),
            }
        } else {
            Error::Json {
                what: "export",
                source,
            }
        }
    })
}

fn write_markdown(
    out: &mut dyn Write,
    conversation: &Conversation,
    messages: &[Message],
) -> std::io::Result<()> {
    let title = if conversation.title.is_empty() {
        "Untitled conversation"
    } else {
        &conversation.title
    };
    writeln!(out, "# {title}\n")?;
    writeln!(
        out,
        "_Conversation {} · started {} · {} messages_",
        conversation.id,
        conversation.created_at.short(),
        messages.iter().filter(|m| m.selected).count()
    )?;
    if let Some(parameters) = conversation.parameters.describe() {
        writeln!(out, "\n_Parameters: {parameters}_")?;
    }
    if conversation.private {
        writeln!(out, "\n_Private: kept on this machine_")?;
    }
    // The versions shown; the others are listed under them.
    for message in messages.iter().filter(|m| m.selected) {
        let who = match message.role {
            Role::System => "System".to_owned(),
            Role::User => "You".to_owned(),
            Role::Assistant => message
                .model
                .clone()
                .unwrap_or_else(|| "Assistant".to_owned()),
        };
        writeln!(out, "\n## {who} · {}\n", message.created_at.short())?;
        if !message.reasoning.is_empty() {
            writeln!(out, "<details><summary>Reasoning</summary>\n")?;
            writeln!(out, "{}\n", message.reasoning.trim_end())?;
            writeln!(out, "</details>\n")?;
        }
        writeln!(out, "{}", message.content.trim_end())?;
        // Images by file name and type (the files are in the data dir's attachments folder),
        // never their bytes.
        for image in &message.attachments {
            writeln!(
                out,
                "\n_Image: `attachments/{}` ({}, {} bytes)_",
                image.file_name,
                image.media_type.as_str(),
                image.bytes
            )?;
        }
        if let Some(notes) = notes(message) {
            writeln!(out, "\n_{notes}_")?;
        }
        write_other_versions(out, message, messages)?;
    }
    Ok(())
}

/// Under an answer with versions: which one is shown, and each other one folded, with its
/// model, how it went and its text.
fn write_other_versions(
    out: &mut dyn Write,
    shown: &Message,
    messages: &[Message],
) -> std::io::Result<()> {
    let ids = &shown.version_ids;
    if ids.len() < 2 {
        return Ok(());
    }
    let number = |id| ids.iter().position(|v| *v == id).map_or(0, |i| i + 1);
    writeln!(
        out,
        "\n_Version {} of {} · other versions: {}_",
        number(shown.id),
        ids.len(),
        ids.len() - 1
    )?;
    let others = messages
        .iter()
        .filter(|m| m.id != shown.id && ids.contains(&m.id));
    for other in others {
        let model = other.model.as_deref().unwrap_or("Assistant");
        let notes = notes(other).map(|n| format!(" · {n}")).unwrap_or_default();
        writeln!(
            out,
            "\n<details><summary>Version {} · {model}{notes}</summary>\n",
            number(other.id)
        )?;
        writeln!(out, "{}\n", other.content.trim_end())?;
        writeln!(out, "</details>")?;
    }
    Ok(())
}

/// The line under an answer: route, usage, cost, and how it ended if not complete.
fn notes(message: &Message) -> Option<String> {
    let mut notes = Vec::new();
    if message.route.len() > 1 || message.route.iter().any(|a| a.reason.is_some()) {
        let route: Vec<String> = message
            .route
            .iter()
            .map(|a| {
                let outcome = serde_json::to_value(a.outcome)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                match (&a.reason, a.status) {
                    (Some(reason), Some(status)) => {
                        format!("{} {outcome} ({reason}, {status})", a.model)
                    }
                    (Some(reason), None) => format!("{} {outcome} ({reason})", a.model),
                    _ => format!("{} {outcome}", a.model),
                }
            })
            .collect();
        notes.push(format!("route: {}", route.join(" → ")));
    }
    if let Some(usage) = message.usage {
        notes.push(format!("{} in / {} out tokens", usage.input, usage.output));
    }
    if let Some(cost) = message.cost.filter(|c| *c > 0.0) {
        notes.push(format!("${cost:.4}"));
    }
    if let Some(timing) = message.timing {
        if let Some(first) = timing.first_token_ms {
            notes.push(format!("first token {:.2} s", first as f64 / 1000.0));
        }
        if let Some(rate) = timing.tokens_per_second {
            notes.push(format!("{rate:.1} tokens/s"));
        }
    }
    if let Some(trail) = trail(message) {
        notes.push(trail);
    }
    match message.status {
        MessageStatus::Complete => {}
        MessageStatus::Failed => notes.push(match &message.error {
            Some(error) => format!("failed: {error}"),
            None => "failed".to_owned(),
        }),
        other => notes.push(other.as_str().to_owned()),
    }
    (!notes.is_empty()).then(|| notes.join(" · "))
}

/// The privacy trail of an answer: "sent to api.example.com (left this machine), 127.0.0.1:1234
/// (this machine)"; `None` when no attempt was sent.
fn trail(message: &Message) -> Option<String> {
    let mut places: Vec<String> = Vec::new();
    for destination in message.route.iter().filter_map(|a| a.destination.as_ref()) {
        let place = if destination.left_machine {
            "left this machine"
        } else {
            "this machine"
        };
        let key = if destination.key_sent {
            ", key sent"
        } else {
            ""
        };
        let shown = format!("{} ({place}{key})", destination.host);
        if !places.contains(&shown) {
            places.push(shown);
        }
    }
    (!places.is_empty()).then(|| format!("sent to {}", places.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_from_their_cli_names() {
        assert_eq!(
            "md".parse::<ExportFormat>().expect("md"),
            ExportFormat::Markdown
        );
        assert_eq!(
            "json".parse::<ExportFormat>().expect("json"),
            ExportFormat::Json
        );
        assert!("pdf".parse::<ExportFormat>().is_err());
    }

    #[test]
    fn markdown_shows_parameters_speed_and_where_the_text_went() {
        use crate::policy::{Destination, Place};
        use crate::providers::Timing;
        use crate::router::{AttemptOutcome, RouteAttempt};
        let dir = tempfile::tempdir().expect("tempdir");
        let store = HistoryStore::open(dir.path()).expect("opens").store;
        let chat = store.create_conversation(None).expect("creates");
        let parameters = super::super::Parameters {
            temperature: Some(0.2),
            top_p: None,
            max_tokens: Some(256),
        };
        store.set_parameters(chat.id, &parameters).expect("sets");
        store.set_private(chat.id, true).expect("sets");
        store.add_message(chat.id, Role::User, "hi").expect("adds");
        let mut answer = store
            .begin_answer(chat.id, Some("lmstudio/qwen"))
            .expect("begins");
        answer
            .record_attempt(RouteAttempt {
                attempt: 1,
                model: "lmstudio/qwen".into(),
                outcome: AttemptOutcome::Ok,
                reason: None,
                status: None,
                elapsed_ms: 5,
                destination: Some(Destination {
                    host: "127.0.0.1:1234".into(),
                    place: Place::ThisMachine,
                    left_machine: false,
                    region: None,
                    key_sent: false,
                }),
            })
            .expect("records");
        answer.append("Hello.").expect("appends");
        let mut finish = super::super::Finish::new(MessageStatus::Complete);
        finish.timing = Some(Timing::new(Some(420), 1420, Some(40)));
        // Tokens per second are worked out from the saved usage.
        finish.usage = Some(crate::providers::Usage {
            input: 3,
            output: 40,
            cache_read: 0,
            cache_write: 0,
            reasoning: None,
        });
        answer.finish(finish).expect("finishes");
        let mut md = Vec::new();
        store
            .export(chat.id, ExportFormat::Markdown, &mut md)
            .expect("exports");
        let md = String::from_utf8(md).expect("utf-8");
        assert!(
            md.contains("_Parameters: temperature 0.2 · max tokens 256_"),
            "{md}"
        );
        assert!(md.contains("_Private: kept on this machine_"), "{md}");
        assert!(
            md.contains(
                "_3 in / 40 out tokens · first token 0.42 s · 40.0 tokens/s · sent to 127.0.0.1:1234 (this machine)_"
            ),
            "{md}"
        );
        let mut json = Vec::new();
        store
            .export(chat.id, ExportFormat::Json, &mut json)
            .expect("exports");
        let doc: serde_json::Value = serde_json::from_slice(&json).expect("json");
        let conversation = &doc["conversation"];
        assert_eq!(conversation["parameters"]["temperature"], 0.2);
        assert_eq!(conversation["parameters"]["maxTokens"], 256);
        assert_eq!(conversation["messages"][1]["timing"]["firstTokenMs"], 420);
    }
}

//! The values the history store reads and writes: conversations, messages, route attempts,
//! usage, and timestamps. They serialize in `camelCase` for the UI and for JSON export.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::image::MediaType;
use crate::providers::{Timing, Usage};
use crate::router::RouteAttempt;

/// A conversation's id (SQLite rowid; stable for the life of the conversation).
pub type ConversationId = i64;
/// A message's id (SQLite rowid); ids grow, so they order messages within a conversation.
pub type MessageId = i64;

/// A conversation as the list and the export show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// Its id.
    pub id: ConversationId,
    /// Its title: automatic from the first user message until renamed.
    pub title: String,
    /// Whether the title was set by a person (then it is never replaced automatically).
    pub title_is_custom: bool,
    /// Pinned conversations list first.
    pub pinned: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it or one of its messages last changed.
    pub updated_at: Timestamp,
    /// How many messages it holds.
    pub message_count: u64,
    /// Private: the router never sends it off this machine.
    pub private: bool,
    /// Its system prompt (its system message), if it has one.
    pub system_prompt: Option<String>,
    /// Its generation parameters, sent with each of its turns.
    pub parameters: Parameters,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "MessageRole")]
pub enum Role {
    /// A system prompt.
    System,
    /// The person.
    User,
    /// A model's answer.
    Assistant,
}

impl Role {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "system" => Role::System,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            _ => return None,
        })
    }
}

/// How a message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Written in full (user messages are complete when saved).
    Complete,
    /// The person stopped the answer; the text so far is kept.
    Stopped,
    /// The answer failed after it started; `error` says why.
    Failed,
    /// Still streaming, or the writer died (crash, kill) before it ended.
    Unfinished,
}

impl MessageStatus {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Complete => "complete",
            MessageStatus::Stopped => "stopped",
            MessageStatus::Failed => "failed",
            MessageStatus::Unfinished => "unfinished",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "complete" => MessageStatus::Complete,
            "stopped" => MessageStatus::Stopped,
            "failed" => MessageStatus::Failed,
            "unfinished" => MessageStatus::Unfinished,
            _ => return None,
        })
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Its id.
    pub id: MessageId,
    /// The conversation it belongs to.
    pub conversation_id: ConversationId,
    /// Who wrote it.
    pub role: Role,
    /// The text (for answers: the visible answer).
    pub content: String,
    /// The model's reasoning, separate from the answer; empty if none.
    pub reasoning: String,
    /// The model that answered (`provider/model`), for assistant messages.
    pub model: Option<String>,
    /// Every route attempt made for this answer, in order.
    pub route: Vec<RouteAttempt>,
    /// Token counts, when the provider reported them.
    pub usage: Option<Usage>,
    /// Cost in USD, when known.
    pub cost: Option<f64>,
    /// How fast it came, for answers saved since timing was recorded.
    pub timing: Option<Timing>,
    /// How it ended.
    pub status: MessageStatus,
    /// Why it failed, for failed answers.
    pub error: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was last saved (while streaming: the last flush).
    pub updated_at: Timestamp,
    /// For an answer: the user message it answers, which all its versions share.
    pub answer_to: Option<MessageId>,
    /// Whether it is the version shown (and sent as context); true for every other message.
    pub selected: bool,
    /// For an answer: the ids of all its versions, oldest first (this one among them); empty
    /// for other messages.
    pub version_ids: Vec<MessageId>,
    /// The images a user message carries, in order (files in the attachments folder).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<Attachment>>")]
    pub attachments: Vec<Attachment>,
}

/// Milliseconds since the Unix epoch (UTC). Serializes as RFC 3339, `2026-11-25T10:15:00.123Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ts_rs::TS)]
#[ts(type = "string")]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp(ms)
    }

    /// The time as `YYYYMMDDTHHMMSSZ`, for file names.
    pub fn compact(self) -> String {
        let (y, mo, d, h, mi, s, _) = civil(self.0);
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }

    /// The time as `YYYY-MM-DD HH:MM UTC`, for people.
    pub fn short(self) -> String {
        let (y, mo, d, h, mi, _, _) = civil(self.0);
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with milliseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s, ms) = civil(self.0);
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Splits Unix milliseconds into UTC (year, month, day, hour, minute, second, millisecond),
/// with the days-to-civil algorithm of Howard Hinnant (proleptic Gregorian calendar).
fn civil(ms: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000) as u32;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        milli,
    )
}

/// A conversation's generation parameters; `None` leaves the model's default.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "ConversationParameters")]
pub struct Parameters {
    /// Sampling temperature, 0 to [`super::MAX_TEMPERATURE`].
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Nucleus sampling, more than 0 and at most 1.
    #[serde(default)]
    pub top_p: Option<f64>,
    /// The most tokens an answer may have, at least 1.
    #[serde(default)]
    pub max_tokens: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_format_as_utc() {
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00.000Z");
        // 2026-11-25T10:15:00.123Z
        let t = Timestamp(1_795_601_700_123);
        assert_eq!(t.to_string(), "2026-11-25T10:15:00.123Z");
        assert_eq!(t.compact(), "20261125T101500Z");
        assert_eq!(t.short(), "2026-11-25 10:15 UTC");
        // A leap day and a time before the epoch.
        assert_eq!(
            Timestamp(951_782_400_000).to_string(),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(Timestamp(-1).to_string(), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn names_round_trip() {
        for role in [Role::System, Role::User, Role::Assistant] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for status in [
            MessageStatus::Complete,
            MessageStatus::Stopped,
            MessageStatus::Failed,
            MessageStatus::Unfinished,
        ] {
            assert_eq!(MessageStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).expect("serializes");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
    }
}

/// An image a message shows: which file, its format and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// The SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The format (its MIME type, as [`MediaType`]'s serializer writes it).
    #[ts(type = "'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif'")]
    pub media_type: MediaType,
    /// The size in bytes.
    pub bytes: u64,
    /// The file's name in the attachments folder, `<sha256>.<ext>`.
    pub file_name: String,
}

impl Attachment {
    pub(crate) fn new(sha256: String, media_type: MediaType, bytes: u64) -> Attachment {
        let file_name = format!("{sha256}.{}", media_type.extension());
        Attachment {
            sha256,
            media_type,
            bytes,
            file_name,
        }
    }
}

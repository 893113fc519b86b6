//! Full-text search over message content and reasoning (SQLite FTS5).
//!
//! # Two indexes, and why
//!
//! No single FTS5 tokenizer fits every script a chat holds:
//!
//! - `unicode61` splits at spaces and punctuation. With `remove_diacritics 2` and case folding,
//!   `cafe` finds `Café`, and prefix queries make `write` find `writes`. Korean puts spaces
//!   between words but glues particles on (`서울에서` = Seoul + "in"), so the prefix `서울`
//!   still finds it. But Chinese and Japanese (and Thai, Lao, Khmer, Myanmar) write no spaces:
//!   a whole sentence becomes one token, and a word inside it can never be found.
//! - `trigram` indexes every three-character sequence, so any substring of three or more
//!   characters is found in any script. But it cannot find one- or two-character terms, which
//!   are most Chinese and Korean words, and its index is several times the size of the text.
//!
//! So there are two external-content indexes over `messages (content, reasoning)`:
//! `messages_words` (`unicode61 remove_diacritics 2`, with 2- and 3-character prefix indexes)
//! holds every message, and `messages_trigrams` (`trigram case_sensitive 0 remove_diacritics 1`)
//! holds only messages with text in a script written without spaces (the generated column
//! `unspaced`), which keeps the big index small for people who write no such text.
//!
//! # Query semantics
//!
//! The query is split at whitespace into terms; `"double quotes"` make one phrase. Terms
//! without a letter or digit are ignored; FTS5 operators in the query are plain words. A
//! message matches when every term matches it:
//!
//! 1. as a word prefix, in any script (`seoul` → `Seoul's`, `서울` → `서울에서`); or, for messages
//!    with unspaced text,
//! 2. as a substring, through the trigram index: three or more characters directly; two
//!    characters (`天气`, `민국`) as the OR of the indexed trigrams starting with them, looked up
//!    in the index's vocabulary (so a pair at the very end of a message is missed); single
//!    characters only as word prefixes.
//!
//! Word matches come first, ranked by BM25 (content weighs more than reasoning) among the
//! newest 1 000 matches (ranking every match of a common word costs ~100 ms on 100k messages),
//! with a snippet from FTS5. Substring-only matches fill the remaining places, newest first,
//! with a snippet cut around the first match. Every step is an index lookup; nothing scans the
//! messages. Snippets come as parts with a `highlight` flag, so no caller ever builds HTML from
//! message text.

use std::collections::HashMap;

use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde::Serialize;

use super::model::{ConversationId, MessageId, Role, Timestamp};
use super::{Error, HistoryStore, Result};

/// The most hits one search returns.
const MAX_HITS: usize = 200;
/// Marks around highlighted text inside FTS5 snippets (private-use characters).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
/// Context kept around the first match in a substring snippet, in characters.
const CONTEXT_BEFORE: usize = 30;
const SNIPPET_CHARS: usize = 100;
/// How many of the newest word matches are ranked by BM25.
const RANK_WINDOW: usize = 1000;
/// The most trigrams a two-character term expands to.
const MAX_EXPANSION: usize = 512;

/// One message that matched a search.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// The conversation it is in.
    pub conversation_id: ConversationId,
    /// That conversation's title.
    pub conversation_title: String,
    /// The message.
    pub message_id: MessageId,
    /// Who wrote it.
    pub role: Role,
    /// The model that answered, for answers.
    pub model: Option<String>,
    /// When it was written.
    pub created_at: Timestamp,
    /// Text around the match, the matching parts flagged.
    pub snippet: Vec<SnippetPart>,
}

/// A piece of a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether it matched the query.
    pub highlight: bool,
}

/// A query term.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    text: String,
    phrase: bool,
}

impl HistoryStore {
    /// Finds up to `limit` messages matching `query`; see the module docs for the semantics.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let terms = parse(query);
        if terms.is_empty() {
            return Err(Error::InvalidInput(
                "a search needs at least one letter or digit".into(),
            ));
        }
        let limit = limit.clamp(1, MAX_HITS);
        self.read(|conn| {
            let words = words_query(&terms);
            let mut hits = word_hits(conn, &words, limit)?;
            if hits.len() < limit {
                let seen: Vec<MessageId> = hits.iter().map(|h| h.message_id).collect();
                let more = substring_hits(conn, &terms, &seen, limit - hits.len())?;
                hits.extend(more);
            }
            Ok(hits)
        })
    }
}

/// Splits a query into terms: whitespace separates, double quotes group a phrase.
fn parse(query: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    for (i, chunk) in query.split('"').enumerate() {
        let quoted = i % 2 == 1;
        if quoted {
            let text = chunk.split_whitespace().collect::<Vec<_>>().join(" ");
            terms.push(Term { text, phrase: true });
        } else {
            terms.extend(chunk.split_whitespace().map(|w| Term {
                text: w.to_owned(),
                phrase: false,
            }));
        }
    }
    terms.retain(|t| t.text.chars().any(char::is_alphanumeric));
    terms
}

/// FTS5 query for the words index: every term a prefix (phrases exact), all required.
fn words_query(terms: &[Term]) -> String {
    let parts: Vec<String> = terms
        .iter()
        .map(|t| {
            let quoted = fts_string(&t.text);
            if t.phrase {
                quoted
            } else {
                format!("{quoted}*")
            }
        })
        .collect();
    parts.join(" AND ")
}

/// A double-quoted FTS5 string.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn word_hits(conn: &Connection, words: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let op = "search";
    // Rank the most recent RANK_WINDOW matches only: BM25 over every match of a common word
    // costs a hundred milliseconds on a large history, and recent chats matter more anyway.
    let mut ranked: Vec<(f64, MessageId)> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT rowid, rank FROM messages_words WHERE messages_words MATCH ?1
                 ORDER BY rowid DESC LIMIT ?2",
            )
            .map_err(Error::sqlite(op))?;
        let rows = stmt
            .query_map(rusqlite::params![words, RANK_WINDOW as i64], |row| {
                Ok((row.get::<_, f64>(1)?, row.get(0)?))
            })
            .map_err(Error::sqlite(op))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(Error::sqlite(op))?
    };
    // BM25 is negative in FTS5: lower is better. Ties go to the newer message.
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    ranked.truncate(limit);
    let (Some(low), Some(high)) = (
        ranked.iter().map(|r| r.1).min(),
        ranked.iter().map(|r| r.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    // Snippets in one pass over the rowid range of the winners: FTS5 answers a `rowid = ?`
    // lookup about as slowly as a whole query, so twenty lookups would cost twenty queries.
    // The CASE keeps snippet() from running on the rows in between.
    let wanted: String = ranked
        .iter()
        .map(|r| format!(",{}", r.1))
        .collect::<String>()
        + ",";
    let mut snippets: HashMap<MessageId, String> = HashMap::with_capacity(ranked.len());
    {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT rowid, CASE WHEN instr(?4, ',' || rowid || ',') > 0
                    THEN snippet(messages_words, -1, '{OPEN}', '{CLOSE}', '…', 16) END
                 FROM messages_words
                 WHERE messages_words MATCH ?1 AND rowid >= ?2 AND rowid <= ?3"
            ))
            .map_err(Error::sqlite(op))?;
        let rows = stmt
            .query_map(rusqlite::params![words, low, high, wanted], |row| {
                Ok((
                    row.get::<_, MessageId>(0)?,
                    row.get::<_, Option<String>>(1)?,
                ))
            })
            .map_err(Error::sqlite(op))?;
        for row in rows {
            if let (id, Some(snippet)) = row.map_err(Error::sqlite(op))? {
                snippets.insert(id, snippet);
            }
        }
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT m.conversation_id, c.title, m.role, m.model, m.created_at
             FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?1",
        )
        .map_err(Error::sqlite(op))?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (_, id) in ranked {
        let snippet = snippets.remove(&id).unwrap_or_default();
        let hit = stmt
            .query_row([id], |row| {
                let role: String = row.get(2)?;
                Ok(SearchHit {
                    conversation_id: row.get(0)?,
                    conversation_title: row.get(1)?,
                    message_id: id,
                    role: Role::parse(&role).unwrap_or(Role::User),
                    model: row.get(3)?,
                    created_at: Timestamp(row.get(4)?),
                    snippet: marked_parts(&snippet),
                })
            })
            .optional()
            .map_err(Error::sqlite(op))?;
        // A message deleted between the two queries is left out.
        hits.extend(hit);
    }
    Ok(hits)
}

/// Messages with unspaced text where every term occurs as a substring (those not in `seen`),
/// newest first, all through the trigram index: a term of three or more characters is a
/// trigram phrase; a two-character term becomes the OR of the indexed trigrams that start with
/// it (looked up in the index's vocabulary); a one-character term must match as a word prefix.
fn substring_hits(
    conn: &Connection,
    terms: &[Term],
    seen: &[MessageId],
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let op = "search";
    let mut parts = Vec::new();
    let mut word_filters = Vec::new();
    for term in terms {
        match term.text.chars().count() {
            0 => {}
            1 => word_filters.push(format!("{}*", fts_string(&term.text))),
            2 => {
                let expanded = trigrams_starting_with(conn, &term.text)?;
                if expanded.is_empty() {
                    return Ok(Vec::new());
                }
                parts.push(format!("({})", expanded.join(" OR ")));
            }
            _ => parts.push(fts_string(&term.text)),
        }
    }
    if parts.is_empty() {
        // Only one-character terms: the word index has answered already.
        return Ok(Vec::new());
    }
    let mut sql = String::from(
        "SELECT m.id, m.conversation_id, c.title, m.role, m.model, m.created_at, m.content,
                m.reasoning
         FROM messages_trigrams t
         JOIN messages m ON m.id = t.rowid
         JOIN conversations c ON c.id = m.conversation_id
         WHERE messages_trigrams MATCH ?",
    );
    let mut args = vec![parts.join(" AND ")];
    for filter in word_filters {
        sql.push_str(
            " AND t.rowid IN (SELECT rowid FROM messages_words WHERE messages_words MATCH ?)",
        );
        args.push(filter);
    }
    sql.push_str(" ORDER BY t.rowid DESC LIMIT ?");
    args.push((limit + seen.len()).to_string());
    let needles: Vec<&str> = terms.iter().map(|t| t.text.as_str()).collect();
    let mut stmt = conn.prepare(&sql).map_err(Error::sqlite(op))?;
    let rows = stmt
        .query_map(params_from_iter(args.iter()), |row| {
            let role: String = row.get(3)?;
            let content: String = row.get(6)?;
            let reasoning: String = row.get(7)?;
            let snippet = substring_snippet(&content, &needles)
                .or_else(|| substring_snippet(&reasoning, &needles))
                .unwrap_or_else(|| plain_start(&content));
            Ok(SearchHit {
                message_id: row.get(0)?,
                conversation_id: row.get(1)?,
                conversation_title: row.get(2)?,
                role: Role::parse(&role).unwrap_or(Role::User),
                model: row.get(4)?,
                created_at: Timestamp(row.get(5)?),
                snippet,
            })
        })
        .map_err(Error::sqlite(op))?;
    let mut hits = Vec::new();
    for hit in rows {
        let hit = hit.map_err(Error::sqlite(op))?;
        if !seen.contains(&hit.message_id) {
            hits.push(hit);
        }
        if hits.len() == limit {
            break;
        }
    }
    Ok(hits)
}

/// The indexed trigrams that start with the two characters of `pair`, as FTS5 strings (at most
/// [`MAX_EXPANSION`]). A pair at the very end of a text has no such trigram and is missed.
fn trigrams_starting_with(conn: &Connection, pair: &str) -> Result<Vec<String>> {
    let op = "search";
    // The trigram index holds case-folded text; fold the query the same way.
    let folded: String = pair.chars().map(fold).collect();
    let mut upper = folded.clone();
    upper.push(char::MAX);
    let mut stmt = conn
        .prepare_cached(
            "SELECT term FROM temp.trigram_vocab WHERE term >= ?1 AND term < ?2 LIMIT ?3",
        )
        .map_err(Error::sqlite(op))?;
    let rows = stmt
        .query_map(
            rusqlite::params![folded, upper, MAX_EXPANSION as i64],
            |row| row.get::<_, String>(0),
        )
        .map_err(Error::sqlite(op))?;
    rows.map(|term| term.map(|t| fts_string(&t)))
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::sqlite(op))
}

/// Splits an FTS5 snippet with [`OPEN`]/[`CLOSE`] marks into parts.
fn marked_parts(snippet: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut highlight = false;
    let mut text = String::new();
    for c in snippet.chars() {
        if c == OPEN || c == CLOSE {
            push_part(&mut parts, std::mem::take(&mut text), highlight);
            highlight = c == OPEN;
        } else {
            text.push(c);
        }
    }
    push_part(&mut parts, text, highlight);
    parts
}

fn push_part(parts: &mut Vec<SnippetPart>, text: String, highlight: bool) {
    if !text.is_empty() {
        parts.push(SnippetPart { text, highlight });
    }
}

/// A snippet around the first case-insensitive occurrence of any needle in `text`, with every
/// occurrence inside it highlighted; `None` if no needle occurs.
fn substring_snippet(text: &str, needles: &[&str]) -> Option<Vec<SnippetPart>> {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
    let mut marked = vec![false; chars.len()];
    for needle in needles {
        let needle: Vec<char> = needle.chars().map(fold).collect();
        if needle.is_empty() || needle.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - needle.len() {
            if folded[start..start + needle.len()] == needle[..] {
                marked[start..start + needle.len()].fill(true);
            }
        }
    }
    let first = marked.iter().position(|&m| m)?;
    let start = first.saturating_sub(CONTEXT_BEFORE);
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut parts = Vec::new();
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    let mut highlight = false;
    for i in start..end {
        if marked[i] != highlight {
            push_part(&mut parts, std::mem::take(&mut text), highlight);
            highlight = marked[i];
        }
        text.push(if chars[i].is_whitespace() {
            ' '
        } else {
            chars[i]
        });
    }
    push_part(&mut parts, text, highlight);
    if end < chars.len() {
        parts.push(SnippetPart {
            text: "…".into(),
            highlight: false,
        });
    }
    Some(parts)
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn plain_start(text: &str) -> Vec<SnippetPart> {
    let mut cut: String = text.chars().take(SNIPPET_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    vec![SnippetPart {
        text: cut,
        highlight: false,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, phrase: bool) -> Term {
        Term {
            text: text.into(),
            phrase,
        }
    }

    #[test]
    fn queries_split_into_terms_and_phrases() {
        assert_eq!(
            parse(r#"  rust "write ahead"  log -- "#),
            vec![
                term("rust", false),
                term("write ahead", true),
                term("log", false)
            ]
        );
        assert_eq!(parse(r#"say "unclosed quote"#), {
            vec![term("say", false), term("unclosed quote", true)]
        });
        assert!(parse(" -- ** \"\" ").is_empty());
        assert_eq!(words_query(&parse(r#"a"b" c"#)), r#""a"* AND "b" AND "c"*"#);
        // Quotes inside a term cannot break out of the FTS5 string.
        assert_eq!(fts_string(r#"x"y"#), r#""x""y""#);
    }

    #[test]
    fn fts_snippets_become_parts() {
        let parts = marked_parts("…the \u{E000}Seoul\u{E001} weather…");
        assert_eq!(
            parts,
            vec![
                SnippetPart {
                    text: "…the ".into(),
                    highlight: false
                },
                SnippetPart {
                    text: "Seoul".into(),
                    highlight: true
                },
                SnippetPart {
                    text: " weather…".into(),
                    highlight: false
                },
            ]
        );
    }

    #[test]
    fn substring_snippets_mark_every_occurrence_in_the_window() {
        let text = format!(
            "{}北京天气很好，天气不错{}",
            "前".repeat(40),
            "后".repeat(200)
        );
        let parts = substring_snippet(&text, &["天气"]).expect("found");
        let marked: Vec<_> = parts.iter().filter(|p| p.highlight).collect();
        assert_eq!(marked.len(), 2);
        assert!(parts[0].text.starts_with('…'));
        assert_eq!(parts.last().map(|p| p.text.as_str()), Some("…"));
        assert!(substring_snippet("nothing here", &["天气"]).is_none());
        let parts = substring_snippet("Hello WORLD", &["world"]).expect("found");
        assert_eq!(parts[1].text, "WORLD");
    }
}

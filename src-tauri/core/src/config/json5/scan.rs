//! Where each key and value of a JSON5 text is: the one thing the `json5` crate does not tell.
//!
//! The crate reads the text through serde, which hands values to a visitor but never their
//! offsets. Validation needs the line:col of every value (schema errors point at it) and a save
//! needs the byte range of every key and value (it patches the text in place). This scanner
//! finds them: one pass over the bytes that only tracks strings, comments, brackets and bare
//! tokens, and lists every key and value in document order, which is the order the crate
//! visits them in. It does not judge the syntax (the crate does) and never fails, except on
//! nesting deeper than [`MAX_DEPTH`], which it checks before the crate recurses into it.

use memchr::memchr_iter;

/// Deepest nesting accepted; deeper input is an error rather than a stack overflow.
pub const MAX_DEPTH: usize = 200;

/// One key or value: its byte range and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mark {
    /// First byte.
    pub start: usize,
    /// One past the last byte (for a container, past its closing bracket).
    pub end: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
    /// An object key (else a value).
    pub key: bool,
}

/// Nesting deeper than [`MAX_DEPTH`], at 1-based `line`:`col`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TooDeep {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Object { expect_key: bool },
    Array,
}

/// Lines and columns, counted forward from the last position asked for.
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u32,
    line_start: usize,
}

impl Lines<'_> {
    fn position(&mut self, pos: usize) -> (u32, u32) {
        for nl in memchr_iter(b'\n', &self.bytes[self.at..pos]) {
            self.line = self.line.saturating_add(1);
            self.line_start = self.at + nl + 1;
        }
        self.at = pos;
        let chars = self.bytes[self.line_start..pos]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count();
        (self.line, u32::try_from(chars + 1).unwrap_or(u32::MAX))
    }
}

/// Lists the keys and values of `text` in document order.
pub(super) fn scan(text: &str) -> Result<Vec<Mark>, TooDeep> {
    let bytes = text.as_bytes();
    let mut lines = Lines {
        bytes,
        at: 0,
        line: 1,
        line_start: 0,
    };
    let mut marks: Vec<Mark> = Vec::with_capacity(text.len() / 16);
    // Each open container and the index of its mark.
    let mut stack: Vec<(Frame, usize)> = Vec::new();
    let mut pos = 0;
    loop {
        pos = skip_blank(text, pos);
        let Some(&b) = bytes.get(pos) else { break };
        let as_key = matches!(stack.last(), Some((Frame::Object { expect_key: true }, _)));
        match b {
            b'{' | b'[' => {
                let (line, col) = lines.position(pos);
                if stack.len() >= MAX_DEPTH {
                    return Err(TooDeep { line, col });
                }
                stack.push((
                    if b == b'{' {
                        Frame::Object { expect_key: true }
                    } else {
                        Frame::Array
                    },
                    marks.len(),
                ));
                marks.push(Mark {
                    start: pos,
                    end: pos + 1,
                    line,
                    col,
                    key: false,
                });
                pos += 1;
            }
            b'}' | b']' => {
                if let Some((_, at)) = stack.pop() {
                    marks[at].end = pos + 1;
                }
                pos += 1;
            }
            b',' => {
                if let Some((Frame::Object { expect_key }, _)) = stack.last_mut() {
                    *expect_key = true;
                }
                pos += 1;
            }
            b':' => pos += 1,
            _ => {
                let end = if b == b'"' || b == b'\'' {
                    string_end(bytes, pos, b)
                } else {
                    token_end(text, pos)
                };
                let (line, col) = lines.position(pos);
                marks.push(Mark {
                    start: pos,
                    end,
                    line,
                    col,
                    key: as_key,
                });
                if as_key {
                    if let Some((Frame::Object { expect_key }, _)) = stack.last_mut() {
                        *expect_key = false;
                    }
                }
                pos = end;
            }
        }
    }
    Ok(marks)
}

/// Past a quoted string starting at `pos` (its opening `quote`), or the end of the text.
fn string_end(bytes: &[u8], pos: usize, quote: u8) -> usize {
    let mut i = pos + 1;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            i += 2;
        } else if b == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Past a bare token (number, word, identifier key) starting at `pos`.
fn token_end(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = pos;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if matches!(
                b,
                b',' | b':' | b'[' | b']' | b'{' | b'}' | b'"' | b'\'' | b'/'
            ) || is_ascii_blank(b)
            {
                break;
            }
            i += 1;
        } else {
            match text.get(i..).and_then(|t| t.chars().next()) {
                Some(c) if json5::char::is_json5_whitespace(c) => break,
                Some(c) => i += c.len_utf8(),
                None => i += 1,
            }
        }
    }
    i.min(bytes.len()).max(pos + 1)
}

fn is_ascii_blank(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ')
}

/// Past the whitespace and comments from `pos`.
pub(super) fn skip_blank(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        let Some(&b) = bytes.get(pos) else {
            return pos;
        };
        if is_ascii_blank(b) {
            pos += 1;
        } else if b == b'/' && bytes.get(pos + 1) == Some(&b'/') {
            pos += 2;
            // A line comment ends at any JSON5 line terminator, as the crate ends it.
            while let Some(c) = text.get(pos..).and_then(|t| t.chars().next()) {
                if json5::char::is_json5_line_terminator(c) {
                    break;
                }
                pos += c.len_utf8();
            }
        } else if b == b'/' && bytes.get(pos + 1) == Some(&b'*') {
            pos = memchr::memmem::find(&bytes[pos + 2..], b"*/")
                .map_or(bytes.len(), |i| pos + 2 + i + 2);
        } else if b >= 0x80 {
            match text.get(pos..).and_then(|t| t.chars().next()) {
                Some(c) if json5::char::is_json5_whitespace(c) => pos += c.len_utf8(),
                _ => return pos,
            }
        } else {
            return pos;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slices(text: &str) -> Vec<(bool, &str, u32, u32)> {
        scan(text)
            .expect("scans")
            .into_iter()
            .map(|m| (m.key, &text[m.start..m.end], m.line, m.col))
            .collect()
    }

    #[test]
    fn lists_keys_and_values_in_document_order() {
        let text = "// c\n{a: 1, 'b:}': [\"x\\\"]\", /* ] */ 2,], 키: -Infinity}";
        assert_eq!(
            slices(text),
            vec![
                (false, &text[5..], 2, 1),
                (true, "a", 2, 2),
                (false, "1", 2, 5),
                (true, "'b:}'", 2, 8),
                (false, "[\"x\\\"]\", /* ] */ 2,]", 2, 15),
                (false, "\"x\\\"]\"", 2, 16),
                (false, "2", 2, 32),
                (true, "키", 2, 37),
                (false, "-Infinity", 2, 40),
            ]
        );
    }

    #[test]
    fn nesting_past_the_limit_is_refused_where_it_happens() {
        let deep = format!("{}{}", " ".repeat(3), "[".repeat(MAX_DEPTH + 1));
        let e = scan(&deep).expect_err("too deep");
        assert_eq!(
            (e.line, e.col),
            (1, u32::try_from(MAX_DEPTH + 4).unwrap_or(0))
        );
        assert!(scan(&"[".repeat(MAX_DEPTH)).is_ok());
    }

    #[test]
    fn escapes_before_wide_characters_never_split_them() {
        for text in [
            "{a\\é: 1}",
            "'\\é'",
            "[\\",
            "{\\u00e9x: 1}",
            "\"\\\u{2028}\"",
        ] {
            assert!(scan(text).is_ok(), "{text:?}");
        }
        assert_eq!(slices("{\\u0061b: 1}")[1], (true, "\\u0061b", 1, 2));
    }

    #[test]
    fn a_line_comment_ends_at_a_carriage_return_too() {
        assert_eq!(slices("// c\r{}"), vec![(false, "{}", 1, 6)]);
    }
}

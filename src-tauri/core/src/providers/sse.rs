//! An incremental Server-Sent Events parser (the WHATWG event-stream grammar) fed network
//! chunks as they come: CRLF, LF or CR line ends (a CR at a chunk's end is settled by the next
//! chunk), multi-line `data:`, comments and keep-alives, chunks split at any byte (lines are
//! decoded only when whole, so a split UTF-8 character is never broken), and a last event
//! without its trailing blank line (given by [`SseParser::finish`]).

use memchr::memchr2;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field; empty means the default (`message`).
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// Events larger than this are a protocol error (a 10 MB chunk is fine).
pub const MAX_EVENT_BYTES: usize = 64 * 1024 * 1024;

/// The parser's state between chunks.
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// The last chunk ended in a CR: a LF starting the next one belongs to it.
    after_cr: bool,
    /// Whether the stream's first bytes were seen (to drop a BOM).
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    too_big: bool,
    /// The current line went over the limit: drop it up to its end.
    discarding: bool,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one network chunk; complete events are pushed to `out`.
    pub fn push(&mut self, mut chunk: &[u8], out: &mut Vec<SseEvent>) {
        if chunk.is_empty() {
            return; // an empty read must not settle a pending CR
        }
        if !self.started {
            // A BOM may itself be split; only a whole one at the very start is dropped.
            if self.line.len() + chunk.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.joined(chunk))
            {
                self.line.extend_from_slice(chunk);
                return;
            }
            self.started = true;
            if !self.line.is_empty() {
                let mut head = std::mem::take(&mut self.line);
                head.extend_from_slice(chunk);
                let rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
                self.push(&rest, out);
                return;
            }
            chunk = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
        }
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(at) = memchr2(b'\n', b'\r', chunk) {
            let line_end = &chunk[..at];
            if self.discarding {
                self.discarding = false;
            } else if self.line.is_empty() {
                self.line_done(line_end, out);
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(line_end);
                self.line_done(&line, out);
                line.clear();
                self.line = line;
            }
            if chunk[at] == b'\r' {
                match chunk.get(at + 1) {
                    Some(b'\n') => chunk = &chunk[at + 2..],
                    Some(_) => chunk = &chunk[at + 1..],
                    None => {
                        self.after_cr = true;
                        chunk = &[];
                    }
                }
            } else {
                chunk = &chunk[at + 1..];
            }
        }
        if self.discarding {
            return;
        }
        if self.line.len() + chunk.len() > MAX_EVENT_BYTES {
            self.too_big = true;
            self.discarding = true;
            self.line.clear();
        } else {
            self.line.extend_from_slice(chunk);
        }
    }

    fn joined(&self, chunk: &[u8]) -> Vec<u8> {
        let mut all = self.line.clone();
        all.extend_from_slice(chunk);
        all
    }

    /// Ends the stream: a last line without its line end and a last event without its blank
    /// line are still given.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if !self.line.is_empty() && !self.discarding {
            let line = std::mem::take(&mut self.line);
            if self.started || !b"\xEF\xBB\xBF".starts_with(&line) {
                self.line_done(&line, out);
            }
        }
        self.dispatch(out);
    }

    /// Whether an event went over [`MAX_EVENT_BYTES`] (it was dropped).
    pub fn overflowed(&self) -> bool {
        self.too_big
    }

    fn line_done(&mut self, line: &[u8], out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return; // a comment or keep-alive
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.data.len() + value.len() > MAX_EVENT_BYTES {
                    self.too_big = true;
                    return;
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.has_data = true;
                match std::str::from_utf8(value) {
                    Ok(text) => self.data.push_str(text),
                    Err(_) => self.data.push_str(&String::from_utf8_lossy(value)),
                }
            }
            b"event" => {
                self.event.clear();
                self.event.push_str(&String::from_utf8_lossy(value));
            }
            _ => {} // `id`, `retry` and unknown fields: nothing we use
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        if self.has_data {
            out.push(SseEvent {
                event: std::mem::take(&mut self.event),
                data: std::mem::take(&mut self.data),
            });
        } else {
            self.event.clear();
        }
        self.has_data = false;
    }
}

/// Parses a whole byte string at once (tests and non-streaming bodies).
pub fn parse_all(bytes: &[u8]) -> Vec<SseEvent> {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    parser.push(bytes, &mut out);
    parser.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.to_owned(),
            data: data.to_owned(),
        }
    }

    #[test]
    fn parses_lf_crlf_cr_comments_and_multiline_data() {
        let input = b": keep-alive\n\nevent: a\ndata: one\ndata:two\r\n\r\ndata: x\r\rid: 5\nretry: 10\ndata\n\n";
        assert_eq!(
            parse_all(input),
            vec![ev("a", "one\ntwo"), ev("", "x"), ev("", "")]
        );
    }

    #[test]
    fn last_event_without_blank_line_and_bom() {
        assert_eq!(
            parse_all(b"\xEF\xBB\xBFdata: [DONE]"),
            vec![ev("", "[DONE]")]
        );
        assert_eq!(parse_all(b"event: only\n\n"), vec![]);
    }

    #[test]
    fn utf8_split_inside_a_character() {
        let text = "data: héllo ✓\n\n".as_bytes();
        let mut parser = SseParser::new();
        let mut out = Vec::new();
        for byte in text {
            parser.push(std::slice::from_ref(byte), &mut out);
        }
        parser.finish(&mut out);
        assert_eq!(out, vec![ev("", "héllo ✓")]);
    }

    #[test]
    fn cr_at_chunk_end_then_lf() {
        let mut parser = SseParser::new();
        let mut out = Vec::new();
        parser.push(b"data: a\r", &mut out);
        parser.push(b"\n\r", &mut out);
        parser.push(b"\ndata: b\n\n", &mut out);
        assert_eq!(out, vec![ev("", "a"), ev("", "b")]);
    }

    fn chunked(bytes: &[u8], cuts: &[usize]) -> Vec<SseEvent> {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut parser = SseParser::new();
        let mut out = Vec::new();
        let mut from = 0;
        for cut in cuts {
            parser.push(&bytes[from..cut], &mut out);
            from = cut;
        }
        parser.push(&bytes[from..], &mut out);
        parser.finish(&mut out);
        out
    }

    fn sse_like() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"data: ".to_vec()),
            Just(b"data:".to_vec()),
            Just(b"event: x".to_vec()),
            Just(b": c".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just("é✓".as_bytes().to_vec()),
            Just(b"[DONE]".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..6),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512),
                                 cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
            let _events = chunked(&bytes, &cuts);
        }

        #[test]
        fn any_chunking_gives_the_same_events(bytes in sse_like(),
                                              cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
            prop_assert_eq!(chunked(&bytes, &cuts), parse_all(&bytes));
        }
    }
}

//! Splitting inline `<think>…</think>` (also `<thinking>`, `<thought>`) out of answer text that
//! arrives in pieces. A tag may be split across pieces, so a possible tag (or backtick run) at
//! a piece's end is held back until the next piece settles it. Tags inside fenced code blocks
//! (```` ``` ```` or `~~~` at a line start) and inline code are answer text.

use super::types::Event;

const OPEN_TAGS: [(&str, &str); 3] = [
    ("<think>", "</think>"),
    ("<thinking>", "</thinking>"),
    ("<thought>", "</thought>"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Answer,
    Reasoning(&'static str),
}

/// The splitter's state between pieces.
#[derive(Debug)]
pub struct ThinkSplitter {
    pending: String,
    mode: Mode,
    /// Inside a fenced block: the fence character and run length.
    fence: Option<(u8, usize)>,
    /// Inside inline code: the opening backtick run length (0 = not).
    inline: usize,
    /// Only blanks so far on the current line.
    line_start: bool,
    /// Drop blanks at the start of the answer after a closing tag.
    skip_blanks: bool,
}

impl Default for ThinkSplitter {
    fn default() -> Self {
        ThinkSplitter {
            pending: String::new(),
            mode: Mode::Answer,
            fence: None,
            inline: 0,
            line_start: true,
            skip_blanks: false,
        }
    }
}

enum TagMatch {
    No,
    Partial,
    Full(usize, &'static str),
}

fn match_open(rest: &[u8]) -> TagMatch {
    let mut partial = false;
    for (open, close) in OPEN_TAGS {
        if rest.starts_with(open.as_bytes()) {
            return TagMatch::Full(open.len(), close);
        }
        partial |= rest.len() < open.len() && open.as_bytes().starts_with(rest);
    }
    if partial {
        TagMatch::Partial
    } else {
        TagMatch::No
    }
}

impl ThinkSplitter {
    /// A splitter at the start of an answer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Splits `text` (answer text as the server sent it) into text and reasoning events.
    pub fn push(&mut self, text: &str, out: &mut Vec<Event>) {
        if self.pending.is_empty()
            && self.mode == Mode::Answer
            && !self.skip_blanks
            && self.fence.is_none()
            && !text
                .bytes()
                .any(|b| matches!(b, b'<' | b'`' | b'~' | b'\n'))
        {
            // The common case: nothing that could start a tag or code.
            if !text.is_empty() {
                if text.bytes().any(|b| b != b' ' && b != b'\t') {
                    self.line_start = false;
                }
                out.push(Event::Text(text.to_owned()));
            }
            return;
        }
        self.pending.push_str(text);
        self.run(false, out);
    }

    /// Ends the answer: whatever was held back is given out (an unclosed tag stays reasoning).
    pub fn finish(&mut self, out: &mut Vec<Event>) {
        self.run(true, out);
    }

    fn run(&mut self, last: bool, out: &mut Vec<Event>) {
        let buf = std::mem::take(&mut self.pending);
        let mut at = 0;
        while at < buf.len() {
            let next = match self.mode {
                Mode::Answer => self.answer(&buf, at, last, out),
                Mode::Reasoning(close) => self.reasoning(&buf, at, close, last, out),
            };
            match next {
                Some(next) => at = next,
                None => break, // the rest is held in `pending`
            }
        }
    }

    /// Scans answer text from `from`; returns where the next mode starts, or `None` when the
    /// rest was held back in `pending`.
    fn answer(
        &mut self,
        buf: &str,
        from: usize,
        last: bool,
        out: &mut Vec<Event>,
    ) -> Option<usize> {
        let b = buf.as_bytes();
        let mut i = from;
        if self.skip_blanks {
            while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            if i == b.len() && !last {
                return Some(i);
            }
            self.skip_blanks = false;
        }
        let start = i;
        let emit = |out: &mut Vec<Event>, end: usize| {
            if end > start {
                out.push(Event::Text(buf[start..end].to_owned()));
            }
        };
        while i < b.len() {
            match b[i] {
                b'\n' => {
                    self.line_start = true;
                    self.inline = 0;
                    i += 1;
                }
                b' ' | b'\t' | b'\r' => i += 1,
                c @ (b'`' | b'~') => {
                    let mut j = i;
                    while j < b.len() && b[j] == c {
                        j += 1;
                    }
                    if j == b.len() && !last {
                        emit(out, i);
                        return self.hold(buf, i);
                    }
                    let run = j - i;
                    match self.fence {
                        Some((f, len)) if self.line_start && c == f && run >= len => {
                            self.fence = None
                        }
                        Some(_) => {}
                        None if self.line_start && run >= 3 && self.inline == 0 => {
                            self.fence = Some((c, run));
                        }
                        None if c == b'`' => {
                            if self.inline == 0 {
                                self.inline = run;
                            } else if self.inline == run {
                                self.inline = 0;
                            }
                        }
                        None => {}
                    }
                    self.line_start = false;
                    i = j;
                }
                b'<' if self.fence.is_none() && self.inline == 0 => match match_open(&b[i..]) {
                    TagMatch::Full(len, close) => {
                        emit(out, i);
                        self.mode = Mode::Reasoning(close);
                        self.line_start = false;
                        return Some(i + len);
                    }
                    TagMatch::Partial if !last => {
                        emit(out, i);
                        return self.hold(buf, i);
                    }
                    _ => {
                        self.line_start = false;
                        i += 1;
                    }
                },
                _ => {
                    self.line_start = false;
                    i += 1;
                }
            }
        }
        emit(out, i);
        Some(i)
    }

    fn reasoning(
        &mut self,
        buf: &str,
        from: usize,
        close: &'static str,
        last: bool,
        out: &mut Vec<Event>,
    ) -> Option<usize> {
        let rest = &buf[from..];
        if let Some(pos) = rest.find(close) {
            if pos > 0 {
                out.push(Event::Reasoning(rest[..pos].to_owned()));
            }
            self.mode = Mode::Answer;
            self.skip_blanks = true;
            self.line_start = false;
            return Some(from + pos + close.len());
        }
        // Hold back the longest tail that may begin the closing tag.
        let keep = if last {
            0
        } else {
            (1..close.len().min(rest.len() + 1))
                .rev()
                .find(|&n| {
                    rest.is_char_boundary(rest.len() - n)
                        && close.starts_with(&rest[rest.len() - n..])
                })
                .unwrap_or(0)
        };
        let cut = rest.len() - keep;
        if cut > 0 {
            out.push(Event::Reasoning(rest[..cut].to_owned()));
        }
        if keep > 0 {
            return self.hold(buf, from + cut);
        }
        Some(buf.len())
    }

    fn hold(&mut self, buf: &str, from: usize) -> Option<usize> {
        self.pending.push_str(&buf[from..]);
        None
    }
}

/// Splits a whole text at once (non-streaming replies).
pub fn split_all(text: &str) -> Vec<Event> {
    let mut splitter = ThinkSplitter::new();
    let mut out = Vec::new();
    splitter.push(text, &mut out);
    splitter.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (answer, reasoning), joined.
    fn joined(events: &[Event]) -> (String, String) {
        let (mut text, mut reasoning) = (String::new(), String::new());
        for e in events {
            match e {
                Event::Text(t) => text.push_str(t),
                Event::Reasoning(r) => reasoning.push_str(r),
                _ => {}
            }
        }
        (text, reasoning)
    }

    fn pieces(text: &str, size: usize) -> (String, String) {
        let mut s = ThinkSplitter::new();
        let mut out = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        for c in chars.chunks(size) {
            s.push(&c.iter().collect::<String>(), &mut out);
        }
        s.finish(&mut out);
        joined(&out)
    }

    #[test]
    fn tags_split_across_pieces() {
        let text = "<think>Let me see.</think>\n\nThe answer is 4.";
        for size in 1..=text.len() {
            assert_eq!(
                pieces(text, size),
                ("The answer is 4.".to_owned(), "Let me see.".to_owned()),
                "piece size {size}"
            );
        }
    }

    #[test]
    fn other_tags_and_unclosed() {
        assert_eq!(
            pieces("a<thinking>b</thinking>c", 2),
            ("ac".into(), "b".into())
        );
        assert_eq!(pieces("<thought>x</thought>y", 3), ("y".into(), "x".into()));
        assert_eq!(
            pieces("<think>never closed", 4),
            ("".into(), "never closed".into())
        );
        assert_eq!(pieces("a < b <th", 2), ("a < b <th".into(), "".into()));
    }

    #[test]
    fn tags_in_code_are_answer_text() {
        let fenced = "Use it like this:\n```html\n<think>x</think>\n```\nDone <think>r</think>ok";
        assert_eq!(
            pieces(fenced, 3),
            (
                "Use it like this:\n```html\n<think>x</think>\n```\nDone ok".into(),
                "r".into()
            )
        );
        let inline = "Write `<think>` to start.";
        assert_eq!(pieces(inline, 1), (inline.into(), "".into()));
        let tilde = "~~~\n<thought>a</thought>\n~~~\n";
        assert_eq!(pieces(tilde, 5), (tilde.into(), "".into()));
    }

    proptest! {
        #[test]
        fn any_piece_size_gives_the_same_split(
            text in "(<think>|</think>|<th|`|```|\n|a|é| |<|~~~){0,30}",
            size in 1usize..8,
        ) {
            prop_assert_eq!(pieces(&text, size), pieces(&text, usize::MAX));
        }
    }
}

//! Saves that keep the file as the person wrote it: [`patch`] turns the difference between the
//! tree read from a text and the tree to save into small edits of that text.
//!
//! A changed scalar is replaced where it stands (a string keeps its quote character); arrays of
//! the same length are compared item by item, others replaced whole; objects are compared key
//! by key: a removed member goes with its line and comma, an added one goes on a new line
//! before the closing brace, in the indentation, key quotes and trailing-comma habit of its
//! siblings. Every other byte (comments, key order, blank lines, number spellings) stays.
//!
//! Where the text gives no usable structure (an object written on one line, members sharing a
//! line, keys in a new order) that one object is rewritten whole; where the tree has no
//! positions (a new file) there is no patch and the caller writes the whole file. The patched
//! text is read back and must give exactly the tree to save, or there is no patch either.

use std::ops::Range;

use super::scan::skip_blank;
use super::write::{self, Layout};
use super::{parse, Member, Node, Style, Value};

/// `text` (which `old` was read from) changed so that it reads as `new`, or `None` when the
/// text cannot be patched and must be written whole.
pub fn patch(text: &str, old: &Node, new: &Node, style: Style) -> Option<String> {
    if old.range.is_empty() || old.range.end > text.len() {
        return None;
    }
    let mut p = Patcher {
        text,
        unit: file_unit(text),
        key_quote: match style {
            Style::Json => Some('"'),
            Style::Json5 => None,
        },
        trailing: style == Style::Json5,
        edits: Vec::new(),
    };
    p.diff(old, new);
    p.edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for (range, with) in &p.edits {
        if range.start < at {
            return None;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(with);
        at = range.end;
    }
    out.push_str(&text[at..]);
    let back = parse(&out, 0).ok()?;
    (back.root == *new).then_some(out)
}

struct Patcher<'a> {
    text: &'a str,
    /// One level of the file's indentation.
    unit: String,
    /// Key quotes and trailing commas for text with no siblings to follow.
    key_quote: Option<char>,
    trailing: bool,
    edits: Vec<(Range<usize>, String)>,
}

/// The first indentation found in `text`, else two spaces.
fn file_unit(text: &str) -> String {
    text.lines()
        .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
        .find(|ws| !ws.is_empty())
        .unwrap_or("  ")
        .to_owned()
}

impl Patcher<'_> {
    fn line_start(&self, pos: usize) -> usize {
        self.text[..pos].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The indentation of the line `pos` is on.
    fn indent_at(&self, pos: usize) -> &str {
        let line = &self.text[self.line_start(pos)..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// Whether only indentation stands before `pos` on its line.
    fn first_on_line(&self, pos: usize) -> bool {
        self.text[self.line_start(pos)..pos]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
    }

    /// The comma after the value ending at `end` (past comments and whitespace), if any.
    fn comma_after(&self, end: usize) -> Option<usize> {
        let at = skip_blank(self.text, end);
        (self.text.as_bytes().get(at) == Some(&b',')).then_some(at)
    }

    /// Past the newline ending the line of a member whose text (with its comma) ends at `end`,
    /// if only blanks and a line comment follow it there.
    fn line_end_after(&self, end: usize) -> Option<usize> {
        let rest = &self.text[end..];
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let skipped = rest.len() - trimmed.len();
        if trimmed.is_empty() {
            return Some(self.text.len());
        }
        if trimmed.starts_with('\n') || trimmed.starts_with("//") || trimmed.starts_with("\r\n") {
            let nl = trimmed.find('\n').map_or(trimmed.len(), |i| i + 1);
            return Some(end + skipped + nl);
        }
        None
    }

    fn layout(&self, at: usize, key_quote: Option<char>, trailing: bool, quote: char) -> Layout {
        Layout {
            unit: self.unit.clone(),
            base: self.indent_at(at).to_owned(),
            trailing,
            key_quote,
            quote,
        }
    }

    fn replace(&mut self, old: &Node, new: &Node) {
        let quote = match self.text.as_bytes().get(old.range.start) {
            Some(b'\'') => '\'',
            _ => '"',
        };
        let layout = self.layout(old.range.start, self.key_quote, self.trailing, quote);
        let mut out = String::new();
        write::value(new, &layout, 0, &mut out);
        self.edits.push((old.range.clone(), out));
    }

    fn diff(&mut self, old: &Node, new: &Node) {
        if old == new {
            return;
        }
        match (&old.value, &new.value) {
            (Value::Object(om), Value::Object(nm)) if !om.is_empty() => {
                if !self.object(old, om, nm) {
                    self.replace(old, new);
                }
            }
            (Value::Array(oi), Value::Array(ni)) if oi.len() == ni.len() => {
                for (o, n) in oi.iter().zip(ni) {
                    self.diff(o, n);
                }
            }
            _ => self.replace(old, new),
        }
    }

    /// Patches the members of object `old`; `false` when its text has no usable layout.
    fn object(&mut self, old: &Node, om: &[Member], nm: &[Member]) -> bool {
        let kept_old: Vec<&str> = om
            .iter()
            .filter(|m| nm.iter().any(|n| n.key == m.key))
            .map(|m| m.key.as_str())
            .collect();
        let kept_new: Vec<&str> = nm
            .iter()
            .filter(|n| om.iter().any(|m| m.key == n.key))
            .map(|n| n.key.as_str())
            .collect();
        if kept_old != kept_new {
            return false;
        }
        if kept_old.len() == om.len() && kept_new.len() == nm.len() {
            // The same keys: only values change, wherever they stand.
            for (o, n) in om.iter().zip(nm) {
                self.diff(&o.value, &n.value);
            }
            return true;
        }
        // Every member alone on its lines, the closing brace on a line of its own.
        let close = old.range.end - 1;
        if !self.first_on_line(close) {
            return false;
        }
        let mut tails = Vec::with_capacity(om.len());
        for m in om {
            if m.key_range.is_empty() || !self.first_on_line(m.key_range.start) {
                return false;
            }
            let comma = self.comma_after(m.value.range.end);
            let end = comma.map_or(m.value.range.end, |c| c + 1);
            let Some(line_end) = self.line_end_after(end) else {
                return false;
            };
            tails.push((comma, line_end));
        }
        let trailing = tails.last().is_some_and(|(c, _)| c.is_some());
        let member_at = om[0].key_range.start;
        if self.indent_at(member_at).len() <= self.indent_at(close).len() {
            return false;
        }
        let key_quote = match self.text.as_bytes().get(om[0].key_range.start) {
            Some(b'"') => Some('"'),
            Some(b'\'') => Some('\''),
            _ => None,
        };
        let added: Vec<&Member> = nm
            .iter()
            .filter(|n| om.iter().all(|m| m.key != n.key))
            .collect();
        let last_kept = om.iter().rposition(|m| nm.iter().any(|n| n.key == m.key));
        let mut edits = Vec::new();
        for (i, m) in om.iter().enumerate() {
            match nm.iter().find(|n| n.key == m.key) {
                Some(n) => self.diff(&m.value, &n.value),
                None => edits.push((
                    self.line_start(m.key_range.start)..tails[i].1,
                    String::new(),
                )),
            }
        }
        // The new last member gets a comma only as the old last one had one.
        if let Some(k) = last_kept {
            let removed_tail = k + 1 < om.len();
            match (tails[k].0, added.is_empty()) {
                (None, false) => {
                    let end = om[k].value.range.end;
                    edits.push((end..end, ",".into()));
                }
                (Some(c), true) if removed_tail && !trailing => {
                    edits.push((c..c + 1, String::new()))
                }
                _ => {}
            }
        }
        if !added.is_empty() {
            let layout = self.layout(member_at, key_quote, trailing, '"');
            let mut out = String::new();
            for (i, n) in added.iter().enumerate() {
                out.push_str(&layout.base);
                write::key(&n.key, &layout, &mut out);
                out.push_str(": ");
                write::value(&n.value, &layout, 0, &mut out);
                if trailing || i + 1 < added.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            let at = self.line_start(close);
            edits.push((at..at, out));
        }
        self.edits.extend(edits);
        true
    }
}

#[cfg(test)]
mod tests;

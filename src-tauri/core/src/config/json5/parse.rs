//! The JSON5 parser: recursive descent over the text, one syntax error at the offending character.

use super::{Member, Node, Value};
use crate::config::diag::{ConfigPath, Span};

/// Deepest nesting accepted; deeper input is an error rather than a stack overflow.
pub const MAX_DEPTH: usize = 200;

/// A JSON5 syntax error at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line of the offending character.
    pub line: u32,
    /// 1-based column of the offending character.
    pub col: u32,
    /// What is wrong, e.g. `invalid character 't' (expected ',' or '}')`.
    pub message: String,
}

/// The result of a successful parse.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The root value.
    pub root: Node,
    /// Keys given twice in one object: where the later one is and its path.
    pub duplicates: Vec<(Span, ConfigPath)>,
}

/// Parses `text` as one JSON5 value; `file` is stored in every span.
pub fn parse(text: &str, file: u32) -> Result<Parsed, SyntaxError> {
    let mut p = Parser {
        text,
        pos: 0,
        line: 1,
        col: 1,
        file,
        depth: 0,
        path: Vec::new(),
        duplicates: Vec::new(),
    };
    p.skip_ws()?;
    let root = p.value()?;
    p.skip_ws()?;
    if let Some(c) = p.peek() {
        return Err(p.invalid(c, "expected the end of the file"));
    }
    Ok(Parsed {
        root,
        duplicates: p.duplicates,
    })
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    col: u32,
    file: u32,
    depth: usize,
    path: Vec<crate::config::diag::Seg>,
    duplicates: Vec<(Span, ConfigPath)>,
}

fn is_ws(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{B}'
            | '\u{C}'
            | '\r'
            | ' '
            | '\u{A0}'
            | '\u{FEFF}'
            | '\u{2028}'
            | '\u{2029}'
    ) || (c > '\u{7F}' && c != '\u{85}' && c.is_whitespace())
}

fn is_id_start(c: char) -> bool {
    c == '$' || c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_id_continue(c: char) -> bool {
    is_id_start(c)
        || c.is_ascii_digit()
        || c == '\u{200C}'
        || c == '\u{200D}'
        || (!c.is_ascii() && c.is_alphanumeric())
}

fn show(c: char) -> String {
    match c {
        '\n' => "'\\n'".into(),
        '\r' => "'\\r'".into(),
        '\t' => "'\\t'".into(),
        c if c.is_control() => format!("'\\u{:04x}'", u32::from(c)),
        c => format!("'{c}'"),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.text[self.pos..].chars();
        it.next();
        it.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn span(&self) -> Span {
        Span {
            file: self.file,
            line: self.line,
            col: self.col,
        }
    }

    fn invalid(&self, c: char, expected: &str) -> SyntaxError {
        SyntaxError {
            line: self.line,
            col: self.col,
            message: format!("invalid character {} ({expected})", show(c)),
        }
    }

    fn end(&self) -> SyntaxError {
        SyntaxError {
            line: self.line,
            col: self.col,
            message: "invalid end of input".into(),
        }
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        match self.peek() {
            Some(c) => self.invalid(c, expected),
            None => self.end(),
        }
    }

    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(c) if is_ws(c) => {
                    self.bump();
                }
                Some('/') => {
                    self.bump();
                    match self.peek() {
                        Some('/') => {
                            while let Some(c) = self.peek() {
                                if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                                    break;
                                }
                                self.bump();
                            }
                        }
                        Some('*') => {
                            self.bump();
                            loop {
                                match self.bump() {
                                    None => return Err(self.end()),
                                    Some('*') if self.peek() == Some('/') => {
                                        self.bump();
                                        break;
                                    }
                                    Some(_) => {}
                                }
                            }
                        }
                        _ => return Err(self.unexpected("expected '/' or '*' after '/'")),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let span = self.span();
        let value = match self.peek() {
            None => return Err(self.end()),
            Some('{') => self.object()?,
            Some('[') => self.array()?,
            Some('"' | '\'') => Value::String(self.string()?),
            Some(c) if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'I' | 'N') => {
                Value::Number(self.number()?)
            }
            Some('n') => {
                self.word("null")?;
                Value::Null
            }
            Some('t') => {
                self.word("true")?;
                Value::Bool(true)
            }
            Some('f') => {
                self.word("false")?;
                Value::Bool(false)
            }
            Some(c) => return Err(self.invalid(c, "expected a value")),
        };
        Ok(Node {
            span,
            value,
            from_env: false,
        })
    }

    fn word(&mut self, word: &str) -> Result<(), SyntaxError> {
        for expected in word.chars() {
            match self.peek() {
                Some(c) if c == expected => {
                    self.bump();
                }
                _ => return Err(self.unexpected(&format!("expected `{word}`"))),
            }
        }
        Ok(())
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                line: self.line,
                col: self.col,
                message: format!("nested more than {MAX_DEPTH} levels deep"),
            });
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        self.bump();
        let mut members: Vec<Member> = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek() == Some('}') {
                self.bump();
                break;
            }
            let key_span = self.span();
            let key = match self.peek() {
                Some('"' | '\'') => self.string()?,
                Some(c) if is_id_start(c) || c == '\\' => self.identifier()?,
                _ => return Err(self.unexpected("expected a key or '}'")),
            };
            self.skip_ws()?;
            if self.peek() != Some(':') {
                return Err(self.unexpected("expected ':' after the key"));
            }
            self.bump();
            self.skip_ws()?;
            let container = matches!(self.peek(), Some('{' | '['));
            if container {
                self.path.push(crate::config::diag::Seg::Key(key.clone()));
            }
            let value = self.value()?;
            if container {
                self.path.pop();
            }
            if let Some(existing) = members.iter_mut().find(|m| m.key == key) {
                let mut path = ConfigPath(self.path.clone());
                path.0.push(crate::config::diag::Seg::Key(key));
                self.duplicates.push((key_span, path));
                existing.value = value;
            } else {
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
            }
            self.skip_ws()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    break;
                }
                _ => return Err(self.unexpected("expected ',' or '}'")),
            }
        }
        self.depth -= 1;
        Ok(Value::Object(members))
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        self.bump();
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek() == Some(']') {
                self.bump();
                break;
            }
            self.path.push(crate::config::diag::Seg::Index(items.len()));
            let item = self.value()?;
            self.path.pop();
            items.push(item);
            self.skip_ws()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {
                    self.bump();
                    break;
                }
                _ => return Err(self.unexpected("expected ',' or ']'")),
            }
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    fn identifier(&mut self) -> Result<String, SyntaxError> {
        let mut out = String::new();
        let mut first = true;
        loop {
            let c = match self.peek() {
                Some('\\') => {
                    self.bump();
                    if self.peek() != Some('u') {
                        return Err(self.unexpected("expected 'u' after '\\' in a key"));
                    }
                    self.bump();
                    let c = self.hex_char(4)?;
                    let ok = if first {
                        is_id_start(c)
                    } else {
                        is_id_continue(c)
                    };
                    if !ok {
                        return Err(SyntaxError {
                            line: self.line,
                            col: self.col,
                            message: "invalid identifier character".into(),
                        });
                    }
                    c
                }
                Some(c) if (first && is_id_start(c)) || (!first && is_id_continue(c)) => {
                    self.bump();
                    c
                }
                _ => return Ok(out),
            };
            out.push(c);
            first = false;
        }
    }

    fn hex_char(&mut self, digits: usize) -> Result<char, SyntaxError> {
        let mut code = 0u32;
        for _ in 0..digits {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    code = code * 16 + d;
                    self.bump();
                }
                None => return Err(self.unexpected("expected a hex digit")),
            }
        }
        // Lone surrogates cannot live in a Rust string; JavaScript keeps them, we replace them.
        Ok(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let quote = self.bump().unwrap_or('"');
        let mut out = String::new();
        loop {
            let start = self.pos;
            // Fast path: copy a run of plain characters at once.
            while let Some(c) = self.peek() {
                if c == quote || c == '\\' || c == '\n' || c == '\r' {
                    break;
                }
                self.bump();
            }
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                None => return Err(self.end()),
                Some(c) if c == quote => {
                    self.bump();
                    return Ok(out);
                }
                Some('\\') => {
                    self.bump();
                    self.escape(&mut out)?;
                }
                Some(c) => return Err(self.invalid(c, "strings cannot span lines")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let Some(c) = self.peek() else {
            return Err(self.end());
        };
        match c {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{C}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{B}'),
            '0' => {
                self.bump();
                if self.peek().is_some_and(|d| d.is_ascii_digit()) {
                    return Err(self.unexpected("digits cannot follow \\0"));
                }
                out.push('\0');
                return Ok(());
            }
            'x' => {
                self.bump();
                out.push(self.hex_char(2)?);
                return Ok(());
            }
            'u' => {
                self.bump();
                let first = self.hex_char(4)?;
                out.push(first);
                return Ok(());
            }
            '1'..='9' => return Err(self.invalid(c, "octal escapes are not allowed")),
            '\r' => {
                self.bump();
                if self.peek() == Some('\n') {
                    self.bump();
                }
                return Ok(());
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            other => out.push(other),
        }
        self.bump();
        Ok(())
    }

    fn number(&mut self) -> Result<f64, SyntaxError> {
        let mut sign = 1.0;
        if let Some(c @ ('-' | '+')) = self.peek() {
            if c == '-' {
                sign = -1.0;
            }
            self.bump();
        }
        match self.peek() {
            Some('I') => {
                self.word("Infinity")?;
                return Ok(sign * f64::INFINITY);
            }
            Some('N') => {
                self.word("NaN")?;
                return Ok(f64::NAN);
            }
            Some('0') if matches!(self.peek2(), Some('x' | 'X')) => {
                self.bump();
                self.bump();
                let mut value = 0f64;
                let mut any = false;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
                    value = value * 16.0 + f64::from(d);
                    any = true;
                    self.bump();
                }
                if !any {
                    return Err(self.unexpected("expected a hex digit"));
                }
                return Ok(sign * value);
            }
            _ => {}
        }
        let start = self.pos;
        let mut int_digits = 0;
        if self.peek() == Some('0') {
            self.bump();
            int_digits = 1;
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.unexpected("leading zeros are not allowed"));
            }
        } else {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
                int_digits += 1;
            }
        }
        let mut frac_digits = 0;
        if self.peek() == Some('.') {
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
                frac_digits += 1;
            }
        }
        if int_digits == 0 && frac_digits == 0 {
            return Err(self.unexpected("expected a digit"));
        }
        if let Some('e' | 'E') = self.peek() {
            self.bump();
            if let Some('+' | '-') = self.peek() {
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.unexpected("expected a digit in the exponent"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        let text = &self.text[start..self.pos];
        let text = text.strip_suffix('.').unwrap_or(text);
        let value: f64 = if text.starts_with('.') {
            format!("0{text}").parse()
        } else {
            text.replace(".e", "e").replace(".E", "E").parse()
        }
        .map_err(|_| SyntaxError {
            line: self.line,
            col: self.col,
            message: "invalid number".into(),
        })?;
        Ok(sign * value)
    }
}

#[cfg(test)]
mod tests;

//! [`Secret`]: an API key in memory. It prints as `[REDACTED]`, has no `Serialize` (a leak into
//! JSON fails to compile), is zeroized when dropped and is registered with the log redaction
//! when made. [`Secret::expose`] is the one way to read it, for building a request header.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

use crate::logging::redact::{register_secret, REDACTED};

/// A secret value (an API key). See the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value` (taking ownership, so no copy is left behind) and registers it with the
    /// log redaction.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        register_secret(&value);
        Secret(Zeroizing::new(value))
    }

    /// Wraps a value that is not secret by itself (a plain, non-credential config header); it is
    /// not registered with the log redaction.
    pub(crate) fn unregistered(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }

    /// The value, for the one place it is needed: the request header being built.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// At most the last four characters, for `keys list` (none for keys shorter than 12).
    pub fn hint(&self) -> Option<String> {
        let chars: Vec<char> = self.0.chars().collect();
        (chars.len() >= 12).then(|| chars[chars.len() - 4..].iter().collect())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Reads a whole key from `text`, trimming the line ending; the input buffer is zeroized.
pub(crate) fn from_input(mut text: String) -> Option<Secret> {
    let trimmed = text.trim().to_owned();
    text.zeroize();
    (!trimmed.is_empty()).then(|| Secret::new(trimmed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_and_is_redacted_from_logs() {
        let s = Secret::new("sb-unit-secret-value-0001");
        assert_eq!(
            format!("{s:?} {s} {s:#?}"),
            "Secret([REDACTED]) [REDACTED] Secret([REDACTED])"
        );
        let line = format!("sending {} now", s.expose());
        assert_eq!(
            crate::logging::redact::redact(&line),
            "sending [REDACTED] now"
        );
        assert_eq!(s.hint().as_deref(), Some("0001"));
        assert_eq!(Secret::new("short-key").hint(), None);
    }

    #[test]
    fn input_is_trimmed_and_empty_input_is_none() {
        let s = from_input("  sb-input-secret-xyz\r\n".into()).expect("a key");
        assert_eq!(s.expose(), "sb-input-secret-xyz");
        assert!(from_input(" \n".into()).is_none());
    }
}

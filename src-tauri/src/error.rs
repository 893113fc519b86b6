//! The error that crosses IPC: `{ "kind": "...", "message": "..." }`, never a bare string.

use serde::Serialize;
use switchboard_core::logging::redact::redact;

/// An error as the UI receives it: a stable `kind` to branch on and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    /// A `snake_case` kind from core's `ErrorKind` (`io`, `invalid_input`, …).
    pub kind: &'static str,
    /// What went wrong, already redacted.
    pub message: String,
}

impl From<switchboard_core::Error> for IpcError {
    fn from(err: switchboard_core::Error) -> Self {
        IpcError {
            kind: err.kind().as_str(),
            message: redact(&err.to_string()).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let err = IpcError::from(switchboard_core::Error::InvalidInput("bad value".into()));
        let json = serde_json::to_value(&err).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"kind": "invalid_input", "message": "bad value"})
        );
    }

    #[test]
    fn messages_are_redacted() {
        let err =
            switchboard_core::Error::InvalidInput("rejected key sk-abcdefghijklmnop1234".into());
        assert_eq!(IpcError::from(err).message, "rejected key [REDACTED]");
    }
}

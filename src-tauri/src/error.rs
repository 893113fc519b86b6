//! The error that crosses IPC: `{ "kind": "...", "message": "..." }`, never a bare string.

use serde::Serialize;
use switchboard_core::config::view::DiagnosticView;
use switchboard_core::config::ConfigError;
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

/// An [`IpcError`] that also carries a refused config edit's problems as data, so the UI can show
/// each next to its field: `{ "kind", "message", "diagnostics": [{ "path", "message", … }] }`.
/// Config commands that write return it; `diagnostics` is empty for other failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{error}")]
pub(crate) struct ConfigIpcError {
    /// The kind and message.
    #[serde(flatten)]
    pub error: IpcError,
    /// Every problem of an `invalid_config` refusal (paths and messages, never a value).
    pub diagnostics: Vec<DiagnosticView>,
}

impl From<IpcError> for ConfigIpcError {
    fn from(error: IpcError) -> Self {
        ConfigIpcError {
            error,
            diagnostics: Vec::new(),
        }
    }
}

impl From<ConfigError> for ConfigIpcError {
    fn from(err: ConfigError) -> Self {
        let diagnostics = err.diagnostics().iter().map(DiagnosticView::from).collect();
        ConfigIpcError {
            error: IpcError::from(switchboard_core::Error::from(err)),
            diagnostics,
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

    #[test]
    fn a_refused_edit_carries_its_field_paths_as_data() {
        let err = ConfigIpcError::from(ConfigError::rejected(
            "models.providers.x.baseUrl",
            "the base URL must start with http:// or https://",
        ));
        let json = serde_json::to_value(&err).expect("serializes");
        assert_eq!(json["kind"], "invalid_config");
        assert_eq!(json["diagnostics"][0]["path"], "models.providers.x.baseUrl");
        assert!(json["message"]
            .as_str()
            .is_some_and(|m| m.contains("http://")));
        let plain = ConfigIpcError::from(ConfigError::NotFound { what: "x".into() });
        let json = serde_json::to_value(&plain).expect("serializes");
        assert_eq!(json["diagnostics"], serde_json::json!([]));
    }
}

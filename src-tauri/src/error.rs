//! The error that crosses IPC: `{ "kind": "...", "message": "..." }`, never a bare string.

use serde::Serialize;
use switchboard_core::chat::Reason;
use switchboard_core::config::view::DiagnosticView;
use switchboard_core::config::ConfigError;
use switchboard_core::logging::redact::redact;
use switchboard_core::ErrorKind;

/// Every `kind` an [`IpcError`] can carry, serialized as its `snake_case` wire name: the shell's
/// own kinds by name, core's kinds and the chat reasons as theirs. The UI's `IpcErrorKind` union is
/// generated from this enum (see `crate::bindings`), so a kind added here is one the UI's label
/// map must word before it compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum IpcErrorKind {
    /// A service (the router, the history) is still starting: try again shortly.
    NotReady,
    /// A bug or a failed background task; the message says what.
    Internal,
    /// A local server did not answer (discovery).
    Unreachable,
    /// A local server answered with an error (discovery).
    Server,
    /// A local server has no chat models to add (discovery).
    NoChatModels,
    /// A core error's kind (`io`, `invalid_input`, `not_found`, `invalid_config`, …).
    #[serde(untagged)]
    Core(ErrorKind),
    /// Why a chat turn could not start (`model_not_found`, `no_primary`, a provider's class).
    #[serde(untagged)]
    Chat(Reason),
}

impl IpcErrorKind {
    /// The shell's own kinds (core's and the chat reasons come from core's lists).
    const SHELL: [IpcErrorKind; 5] = [
        IpcErrorKind::NotReady,
        IpcErrorKind::Internal,
        IpcErrorKind::Unreachable,
        IpcErrorKind::Server,
        IpcErrorKind::NoChatModels,
    ];

    /// The wire name the UI branches on.
    pub fn as_str(self) -> &'static str {
        match self {
            IpcErrorKind::Core(kind) => kind.as_str(),
            IpcErrorKind::Chat(reason) => reason.as_str(),
            IpcErrorKind::NotReady => "not_ready",
            IpcErrorKind::Internal => "internal",
            IpcErrorKind::Unreachable => "unreachable",
            IpcErrorKind::Server => "server",
            IpcErrorKind::NoChatModels => "no_chat_models",
        }
    }

    /// Every kind, so a test can list the wire names.
    pub fn all() -> impl Iterator<Item = IpcErrorKind> {
        let core = ErrorKind::ALL.iter().copied().map(IpcErrorKind::Core);
        let chat = Reason::all().map(IpcErrorKind::Chat);
        core.chain(chat).chain(Self::SHELL)
    }

    /// The set of wire names (several kinds share one: `not_found`, `server`, …).
    pub fn wire_names() -> std::collections::BTreeSet<&'static str> {
        Self::all().map(Self::as_str).collect()
    }
}

impl From<ErrorKind> for IpcErrorKind {
    fn from(kind: ErrorKind) -> Self {
        IpcErrorKind::Core(kind)
    }
}

/// Compares the wire name, so tests read `assert_eq!(err.kind, "not_ready")`.
impl PartialEq<&str> for IpcErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An error as the UI receives it: a stable `kind` to branch on and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{message}")]
#[ts(rename = "IpcErrorReply")]
pub struct IpcError {
    /// What kind of failure, as a `snake_case` wire name.
    pub kind: IpcErrorKind,
    /// What went wrong, already redacted.
    pub message: String,
}

impl IpcError {
    /// An error of `kind` with `message` (redacted here).
    pub(crate) fn new(kind: impl Into<IpcErrorKind>, message: impl AsRef<str>) -> Self {
        IpcError {
            kind: kind.into(),
            message: redact(message.as_ref()).into_owned(),
        }
    }
}

impl From<switchboard_core::Error> for IpcError {
    fn from(err: switchboard_core::Error) -> Self {
        IpcError::new(err.kind(), err.to_string())
    }
}

/// An [`IpcError`] that also carries a refused config edit's problems as data, so the UI can show
/// each next to its field: `{ "kind", "message", "diagnostics": [{ "path", "message", … }] }`.
/// Config commands that write return it; `diagnostics` is empty for other failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{error}")]
#[ts(rename = "ConfigIpcErrorReply")]
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
    fn every_kind_serializes_as_its_wire_name() {
        for kind in IpcErrorKind::all() {
            let json = serde_json::to_value(kind).expect("serializes");
            assert_eq!(json, serde_json::json!(kind.as_str()));
        }
        let names = IpcErrorKind::wire_names();
        for name in [
            "io",
            "not_ready",
            "internal",
            "rate_limit",
            "model_not_loaded",
            "no_route",
        ] {
            assert!(names.contains(name), "{name}");
        }
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

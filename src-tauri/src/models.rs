//! Data types the UI receives. Field names are camelCase on the wire; their TypeScript types are
//! generated from these (`crate::bindings`).

use serde::Serialize;

use crate::error::{IpcError, IpcErrorKind};

/// Whether one part of the desktop environment is there, and what to do if it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub(crate) struct Probe {
    /// The part is present and usable.
    pub available: bool,
    /// What was found, or what is missing and how to fix it.
    pub detail: String,
}

impl Probe {
    pub(crate) fn found(detail: impl Into<String>) -> Self {
        Probe {
            available: true,
            detail: detail.into(),
        }
    }

    pub(crate) fn missing(detail: impl Into<String>) -> Self {
        Probe {
            available: false,
            detail: detail.into(),
        }
    }
}

/// The parts of the desktop the app can live without, probed once at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "EnvironmentProbes")]
pub(crate) struct Environment {
    /// A D-Bus session bus (needed on Linux for the keychain, the tray and single-instance).
    pub dbus_session: Probe,
    /// A system tray host that shows our tray icon.
    pub tray_host: Probe,
    /// An OS keychain (Secret Service on Linux) to keep API keys in.
    pub keyring: Probe,
}

/// What the Settings screen shows about this installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppStatus {
    /// The app's version.
    pub version: &'static str,
    /// The active config file (it may not exist yet).
    pub config_path: String,
    /// The data directory.
    pub data_dir: String,
    /// The log directory.
    pub log_dir: String,
    /// What the desktop offers.
    pub environment: Environment,
}

/// A provider profile the wizard wrote for a detected server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddedProfile {
    /// The provider id (`lmstudio`, `ollama`, …).
    pub provider: String,
    /// Its chat models.
    pub models: Vec<String>,
    /// Warnings from validating the edit (`file:line:col: path: message`).
    pub warnings: Vec<String>,
}

/// Where one provider's key comes from; never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeyStatus {
    /// The provider id.
    pub provider: String,
    /// Where it comes from; the window words each state itself.
    pub state: KeyState,
    /// The variable(s) for `env`.
    pub var: Option<String>,
    /// The last four characters of a keychain key (none for short keys).
    pub hint: Option<String>,
    /// In English: "set in keychain · …1234", "from env OPENAI_API_KEY", "missing".
    pub detail: String,
}

/// Where a provider's key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub(crate) enum KeyState {
    /// The OS keychain.
    Keychain,
    /// An environment variable (`${VAR}` in the config, or the provider's usual variable).
    Env,
    /// An environment variable the config names that is not set.
    EnvUnset,
    /// A secret ref in the config.
    ConfigRef,
    /// A plaintext key in the config file.
    Plaintext,
    /// A local server that needs none.
    NotNeeded,
    /// None anywhere.
    Missing,
}

/// Every provider's key status, and whether the keychain answers (with the fix when not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeysStatus {
    /// The OS keychain.
    pub keychain: Probe,
    /// Configured providers, then well-known ones that have a key.
    pub providers: Vec<KeyStatus>,
}

/// What testing a key found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeyTestResult {
    /// How it went.
    pub outcome: KeyTestOutcome,
    /// The HTTP status, for `rejected`.
    pub status: Option<u16>,
    /// For people, without the key.
    pub message: String,
}

/// How a key test went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub(crate) enum KeyTestOutcome {
    /// The provider accepted it.
    Ok,
    /// The provider refused it (HTTP status in `status`).
    Rejected,
    /// The provider could not be reached.
    Unreachable,
    /// Something else went wrong.
    Unexpected,
}

impl From<switchboard_core::providers::key_test::Outcome> for KeyTestResult {
    fn from(outcome: switchboard_core::providers::key_test::Outcome) -> Self {
        use switchboard_core::providers::key_test::Outcome;
        let (outcome, status, message) = match outcome {
            Outcome::Ok => (
                KeyTestOutcome::Ok,
                None,
                "the provider accepted it and listed its models".to_owned(),
            ),
            Outcome::Rejected { status } => (
                KeyTestOutcome::Rejected,
                Some(status),
                format!("key rejected (HTTP {status}): it is wrong, revoked or lacks access"),
            ),
            Outcome::Unreachable { reason } => (
                KeyTestOutcome::Unreachable,
                None,
                format!("unreachable: {reason}"),
            ),
            Outcome::Unexpected { reason } => (
                KeyTestOutcome::Unexpected,
                None,
                format!("unexpected: {reason}"),
            ),
        };
        KeyTestResult {
            outcome,
            status,
            message,
        }
    }
}

/// A route to test that is not saved yet (the wizard's last step): where and what to ask.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RouteTestTarget {
    /// The provider id it will be saved under; a stored key is looked up by it.
    pub provider: String,
    /// The provider-facing model id.
    pub model: String,
    /// The wire API.
    pub api: String,
    /// The base URL, with `/v1`.
    pub base_url: String,
    /// Extra headers (none in the wizard's presets).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub headers: Option<std::collections::BTreeMap<String, String>>,
}

/// Token counts of a route test's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub(crate) struct RouteTestUsage {
    /// Input tokens (cached ones included).
    pub input: u64,
    /// Output tokens (reasoning included).
    pub output: u64,
}

/// How one route test went: it answered, or the provider error class and message. Never a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RouteTestResult {
    /// `provider/model`.
    #[serde(rename = "ref")]
    pub model_ref: String,
    /// It answered.
    pub ok: bool,
    /// For a failure: `auth`, `connection`, `timeout`, `not_found`, `rate_limit`, `server`, …
    pub kind: Option<switchboard_core::providers::ProviderErrorKind>,
    /// The HTTP status, when the server answered with one.
    pub status: Option<u16>,
    /// For people: what failed (redacted), or empty when it answered.
    pub message: String,
    /// From sending to the first token (answer or reasoning).
    pub first_token_ms: Option<u64>,
    /// From sending to the end of the answer or the failure.
    pub elapsed_ms: u64,
    /// The start of the answer, on one line.
    pub preview: String,
    /// The model reasoned before answering.
    pub reasoned: bool,
    /// Token counts, when the server reported them.
    pub usage: Option<RouteTestUsage>,
}

/// What `chat_send` returns once the user message is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChatStarted {
    /// Pass to `chat_cancel` to stop the answer.
    pub request_id: u64,
    /// The conversation (new when none was given).
    pub conversation_id: i64,
}

/// The models to pick from (aliases first) and the configured primary.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChatModels {
    /// Aliases first, then each `provider/model`, with the picker's facts.
    pub models: Vec<switchboard_core::chat::ModelChoice>,
    /// The primary route as written (an alias or a ref), if set.
    pub primary: Option<String>,
}

/// Where Switchboard keeps its files, for the Settings screen's Locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Locations {
    /// The active config file (it may not exist yet).
    pub config_file: String,
    /// The desktop settings file, beside the config.
    pub settings_file: String,
    /// The data directory.
    pub data_dir: String,
    /// The chat history database in it.
    pub history_file: String,
    /// The log directory.
    pub log_dir: String,
}

/// What `settings_get` returns.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SettingsView {
    /// The settings in effect.
    pub settings: switchboard_core::settings::AppSettings,
    /// Why the settings file was not used (the defaults are in effect until the next save).
    pub warning: Option<String>,
    /// Where every file lives.
    pub locations: Locations,
    /// The desktop's locale (`LC_ALL`, `LC_MESSAGES` or `LANG`), which the `system` language
    /// follows; `None` when none is set.
    pub system_locale: Option<String>,
}

/// Why `settings_set` refused or failed: an [`IpcError`]'s `kind` and `message`, and for a value
/// that is not allowed the setting it is about (`field`, the JSON key) and, in a list, the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SettingsSetError {
    /// `invalid_input` for a refused value, `io` for a failed write, `internal`.
    pub kind: IpcErrorKind,
    /// For people, naming the setting.
    pub message: String,
    /// The setting that is wrong (`detectIntervalSecs`, `extraServerUrls`, …).
    #[ts(type = "keyof AppSettings | null")]
    pub field: Option<&'static str>,
    /// The item of a list setting that is wrong.
    pub index: Option<usize>,
}

impl From<switchboard_core::settings::SettingsError> for SettingsSetError {
    fn from(err: switchboard_core::settings::SettingsError) -> Self {
        let place = err.field();
        let ipc = IpcError::from(switchboard_core::Error::from(err));
        SettingsSetError {
            kind: ipc.kind,
            message: ipc.message,
            field: place.map(|(field, _)| field.as_str()),
            index: place.and_then(|(_, index)| index),
        }
    }
}

impl From<IpcError> for SettingsSetError {
    fn from(err: IpcError) -> Self {
        SettingsSetError {
            kind: err.kind,
            message: err.message,
            field: None,
            index: None,
        }
    }
}

#[cfg(test)]
mod tests;

/// Where "Export" wrote a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportedFile {
    /// The new file's full path.
    pub path: String,
}

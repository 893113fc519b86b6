//! The desktop app's own settings: theme, tray behaviour, local-server detection. They are not
//! part of the OpenClaw-compatible config (nothing here routes a chat), so they live in their
//! own small JSON file beside it ([`crate::paths::Paths::settings_file`]).
//!
//! - [`load`] never fails: a missing file gives the defaults; an unreadable, malformed or
//!   invalid one gives the defaults plus a [`Loaded::warning`] for the UI, and the file is left
//!   as it is until the user saves.
//! - [`AppSettings::validate`] checks every field and names the one that is wrong
//!   ([`SettingsError::Invalid`] with a [`Field`] and, for a list, the item's index), so the UI
//!   can show the message next to it. It also normalizes (trims and de-duplicates the URLs).
//! - [`save`] validates, then writes through the config core's atomic writer (temp file,
//!   fsync, rename, one `.bak`): a failed save leaves the old file whole.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::save::{write_atomic, Fingerprint};
use crate::config::ConfigError;
use crate::policy::{Budgets, Policy};

/// The settings file's name, beside the config file.
pub const FILE_NAME: &str = "settings.json";
/// The detection interval when none is set, in seconds.
pub const DEFAULT_DETECT_INTERVAL_SECS: u32 = 30;
/// The shortest detection interval (other than 0, off), in seconds.
pub const MIN_DETECT_INTERVAL_SECS: u32 = 5;
/// The longest detection interval, in seconds (one hour).
pub const MAX_DETECT_INTERVAL_SECS: u32 = 3600;
/// The most extra server URLs kept (each one is probed on every scan).
pub const MAX_EXTRA_SERVER_URLS: usize = 32;

/// The window's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the desktop's light or dark preference, also when it changes.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The language of the window and the tray menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Follow the system locale (`LANG`, the webview's language).
    #[default]
    System,
    /// English.
    En,
    /// Korean.
    Ko,
}

/// The desktop app's settings, as stored (camelCase JSON) and as the UI edits them. The
/// router's policies (offline, providers that stay on this machine, budgets, speed order) are
/// here too: the CLI and `serve` read the same file, so a policy holds in every face.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, rename_all = "camelCase")]
pub struct AppSettings {
    /// The window's colours.
    pub theme: Theme,
    /// Closing the window keeps the app running in the tray (only where a tray host exists).
    pub close_to_tray: bool,
    /// Start with the window hidden in the tray (only where a tray host exists).
    pub start_hidden: bool,
    /// Start the app when the person logs in (the desktop's autostart entry); off by default.
    pub start_at_login: bool,
    /// How often local servers are re-detected in the background, in seconds; 0 is off.
    pub detect_interval_secs: u32,
    /// OpenAI-compatible base URLs to scan besides the well-known local ports.
    pub extra_server_urls: Vec<String>,
    /// Offline: every chat is private, nothing leaves this machine.
    pub offline: bool,
    /// Providers on this machine marked "stays on this machine" (a local proxy or gateway the
    /// person knows does not forward), allowed in private chats.
    pub stays_local: Vec<String>,
    /// Spending limits, overall and per provider.
    pub budgets: Budgets,
    /// Order local routes by their measured median time to first token.
    pub fastest_local_first: bool,
    /// The language of the window and the tray menu; an unknown one is refused like a bad theme.
    pub language: Language,
    /// The system prompt a new chat starts with (each chat can change its own); empty: none.
    pub default_system_prompt: String,
}

impl AppSettings {
    /// The router's policy these settings ask for.
    pub fn policy(&self) -> Policy {
        Policy {
            offline: self.offline,
            stays_local: self.stays_local.iter().cloned().collect(),
            budgets: self.budgets.clone(),
            fastest_local_first: self.fastest_local_first,
        }
    }
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            theme: Theme::System,
            close_to_tray: true,
            start_hidden: false,
            start_at_login: false,
            detect_interval_secs: DEFAULT_DETECT_INTERVAL_SECS,
            extra_server_urls: Vec::new(),
            offline: false,
            stays_local: Vec::new(),
            budgets: Budgets::default(),
            fastest_local_first: false,
            language: Language::System,
            default_system_prompt: String::new(),
        }
    }
}

/// A setting, as the UI names it (the JSON key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Field {
    /// [`AppSettings::theme`].
    Theme,
    /// [`AppSettings::close_to_tray`].
    CloseToTray,
    /// [`AppSettings::start_hidden`].
    StartHidden,
    /// [`AppSettings::start_at_login`] (refused when the login entry cannot be made).
    StartAtLogin,
    /// [`AppSettings::detect_interval_secs`].
    DetectIntervalSecs,
    /// [`AppSettings::extra_server_urls`].
    ExtraServerUrls,
    /// [`AppSettings::stays_local`].
    StaysLocal,
    /// [`AppSettings::budgets`].
    Budgets,
    /// [`AppSettings::default_system_prompt`].
    DefaultSystemPrompt,
}

impl Field {
    /// The JSON key, as the UI names the field.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Theme => "theme",
            Field::CloseToTray => "closeToTray",
            Field::StartHidden => "startHidden",
            Field::StartAtLogin => "startAtLogin",
            Field::DetectIntervalSecs => "detectIntervalSecs",
            Field::ExtraServerUrls => "extraServerUrls",
            Field::StaysLocal => "staysLocal",
            Field::Budgets => "budgets",
            Field::DefaultSystemPrompt => "defaultSystemPrompt",
        }
    }

    /// The field's label, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Field::Theme => "Theme",
            Field::CloseToTray => "Keep running in the tray",
            Field::StartHidden => "Start hidden",
            Field::StartAtLogin => "Start at login",
            Field::DetectIntervalSecs => "Detection interval",
            Field::ExtraServerUrls => "Extra server URL",
            Field::StaysLocal => "Stays on this machine",
            Field::Budgets => "Budget",
            Field::DefaultSystemPrompt => "Default system prompt",
        }
    }
}

/// A short, stable classification of a [`SettingsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsErrorKind {
    /// A value is not allowed; the error names the field.
    Invalid,
    /// The file could not be written.
    Io,
}

/// Why settings were refused or not saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// `field` (item `index` of a list) is not allowed, for the reason in `message`.
    #[error("{}: {message}", field.label())]
    Invalid {
        /// The field that is wrong.
        field: Field,
        /// The item of a list field that is wrong.
        index: Option<usize>,
        /// Why, for people.
        message: String,
    },
    /// Writing the settings file failed; the old file is unchanged.
    #[error("cannot save the settings: {0}")]
    Save(#[source] ConfigError),
}

impl SettingsError {
    /// The error's kind.
    pub fn kind(&self) -> SettingsErrorKind {
        match self {
            SettingsError::Invalid { .. } => SettingsErrorKind::Invalid,
            SettingsError::Save(_) => SettingsErrorKind::Io,
        }
    }

    /// The field (and list index) an [`SettingsError::Invalid`] is about.
    pub fn field(&self) -> Option<(Field, Option<usize>)> {
        match self {
            SettingsError::Invalid { field, index, .. } => Some((*field, *index)),
            SettingsError::Save(_) => None,
        }
    }

    fn invalid(field: Field, index: Option<usize>, message: impl Into<String>) -> Self {
        SettingsError::Invalid {
            field,
            index,
            message: message.into(),
        }
    }
}

impl AppSettings {
    /// Checks every field; returns the settings as they are saved (URLs trimmed, without a
    /// trailing slash, de-duplicated in order) or the first field that is wrong.
    pub fn validate(mut self) -> Result<AppSettings, SettingsError> {
        let interval = self.detect_interval_secs;
        if interval != 0
            && !(MIN_DETECT_INTERVAL_SECS..=MAX_DETECT_INTERVAL_SECS).contains(&interval)
        {
            return Err(SettingsError::invalid(
                Field::DetectIntervalSecs,
                None,
                format!(
                    "{interval} s is not allowed: use 0 (off) or {MIN_DETECT_INTERVAL_SECS} to \
                     {MAX_DETECT_INTERVAL_SECS} seconds"
                ),
            ));
        }
        let mut urls: Vec<String> = Vec::with_capacity(self.extra_server_urls.len());
        for (index, url) in self.extra_server_urls.iter().enumerate() {
            let url = normalize_url(url, index)?;
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
        if urls.len() > MAX_EXTRA_SERVER_URLS {
            return Err(SettingsError::invalid(
                Field::ExtraServerUrls,
                Some(MAX_EXTRA_SERVER_URLS),
                format!("at most {MAX_EXTRA_SERVER_URLS} URLs are scanned; remove some first"),
            ));
        }
        self.extra_server_urls = urls;
        let mut ids: Vec<String> = Vec::with_capacity(self.stays_local.len());
        for (index, id) in self.stays_local.iter().enumerate() {
            let id = id.trim();
            if id.is_empty() {
                let message = "give a provider id";
                return Err(SettingsError::invalid(
                    Field::StaysLocal,
                    Some(index),
                    message,
                ));
            }
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
        self.stays_local = ids;
        let budgets = std::iter::once(("overall", &self.budgets.overall)).chain(
            self.budgets
                .providers
                .iter()
                .map(|(id, b)| (id.as_str(), b)),
        );
        for (whose, budget) in budgets {
            for limit in [budget.daily_usd, budget.monthly_usd].into_iter().flatten() {
                if !limit.is_finite() || limit < 0.0 {
                    return Err(SettingsError::invalid(
                        Field::Budgets,
                        None,
                        format!("the {whose} budget must be 0 or more US dollars, not {limit}"),
                    ));
                }
            }
        }
        self.budgets.providers.retain(|_, b| !b.is_empty());
        let limit = crate::history::MAX_SYSTEM_PROMPT_CHARS;
        if self.default_system_prompt.chars().count() > limit {
            return Err(SettingsError::invalid(
                Field::DefaultSystemPrompt,
                None,
                format!("a system prompt may have at most {limit} characters"),
            ));
        }
        self.default_system_prompt = self.default_system_prompt.trim().to_owned();
        Ok(self)
    }
}

/// `text` as a server base URL: `http://` or `https://`, a host, no user name or password (a
/// secret never goes into a settings file), no query or fragment; trimmed, without a trailing
/// slash, host lower-cased and default port dropped.
fn normalize_url(text: &str, index: usize) -> Result<String, SettingsError> {
    let refuse =
        |message: String| SettingsError::invalid(Field::ExtraServerUrls, Some(index), message);
    let text = text.trim();
    if text.is_empty() {
        return Err(refuse(
            "enter a URL such as http://192.168.1.20:8000/v1".into(),
        ));
    }
    let url =
        reqwest::Url::parse(text).map_err(|e| refuse(format!("{text:?} is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse(format!(
            "{text:?} must start with http:// or https://"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse(format!("{text:?} has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "a user name or password does not belong in a server URL: \
             set the provider's key in Providers instead"
                .into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(format!(
            "{text:?} has a query or fragment; give the server's base URL only"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Settings as loaded, and why the defaults are used instead of the file, if they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The settings in effect.
    pub settings: AppSettings,
    /// Set when the file exists but could not be used (the defaults are in effect; the file
    /// is untouched until the next save).
    pub warning: Option<String>,
}

/// Loads the settings at `path`: the defaults when it does not exist; the defaults and a
/// warning when it cannot be read, is not valid JSON, or holds a value that is not allowed.
pub fn load(path: &Path) -> Loaded {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                settings: AppSettings::default(),
                warning: None,
            }
        }
        Err(e) => return with_warning(path, &format!("it cannot be read ({e})")),
    };
    let parsed = serde_json::from_str::<AppSettings>(&text)
        .map_err(|e| format!("it is not valid settings JSON ({e})"))
        .and_then(|s| s.validate().map_err(|e| e.to_string()));
    match parsed {
        Ok(settings) => Loaded {
            settings,
            warning: None,
        },
        Err(reason) => with_warning(path, &reason),
    }
}

fn with_warning(path: &Path, reason: &str) -> Loaded {
    let warning = format!(
        "{}: {reason}. Using the default settings; the file is left as it is until you change \
         a setting (then the old file is kept as {}).",
        path.display(),
        crate::config::save::backup_path(path).display()
    );
    tracing::warn!("{warning}");
    Loaded {
        settings: AppSettings::default(),
        warning: Some(warning),
    }
}

/// Validates `settings` and writes them to `path` atomically; returns what was saved.
pub fn save(path: &Path, settings: AppSettings) -> Result<AppSettings, SettingsError> {
    let settings = settings.validate()?;
    let mut text = serde_json::to_string_pretty(&settings).map_err(|e| {
        SettingsError::Save(ConfigError::io(path, std::io::Error::other(e.to_string())))
    })?;
    text.push('\n');
    // The settings file has one writer (this app), and a broken file is replaced on purpose, so
    // the expected fingerprint is simply what is on disk now.
    let current = match std::fs::read(path) {
        Ok(bytes) => Some(Fingerprint::of(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(SettingsError::Save(ConfigError::io(path, e))),
    };
    write_atomic(path, &text, current).map_err(SettingsError::Save)?;
    Ok(settings)
}

/// The settings file for the config file `config_file`: [`FILE_NAME`] in the same directory.
pub fn file_beside(config_file: &Path) -> PathBuf {
    match config_file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(FILE_NAME),
        _ => PathBuf::from(FILE_NAME),
    }
}

#[cfg(test)]
mod tests;

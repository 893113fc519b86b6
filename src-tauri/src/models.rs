//! Data types the UI receives. Field names are camelCase on the wire; `ui/src/lib/ipc.ts` mirrors
//! them.

use serde::Serialize;

/// Whether one part of the desktop environment is there, and what to do if it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Environment {
    /// A D-Bus session bus (needed on Linux for the keychain, the tray and single-instance).
    pub dbus_session: Probe,
    /// A system tray host that shows our tray icon.
    pub tray_host: Probe,
    /// An OS keychain (Secret Service on Linux) to keep API keys in.
    pub keyring: Probe,
}

/// What the Settings screen shows about this installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Field names of `export interface NAME { … }` in `ui/src/lib/ipc.ts`.
    fn ts_fields(name: &str) -> BTreeSet<String> {
        let ts = include_str!("../../ui/src/lib/ipc.ts");
        let start = ts
            .find(&format!("export interface {name} {{"))
            .unwrap_or_else(|| panic!("ipc.ts has no interface {name}"));
        let body = &ts[start..];
        let body = &body[body.find('{').expect("open") + 1..body.find('}').expect("close")];
        body.lines()
            .map(str::trim)
            .filter(|line| {
                !line.starts_with("//") && !line.starts_with('*') && !line.starts_with("/*")
            })
            .filter_map(|line| {
                line.split_once(':')
                    .map(|(field, _)| field.trim().trim_end_matches('?').to_owned())
            })
            .collect()
    }

    fn json_fields(value: &serde_json::Value) -> BTreeSet<String> {
        value
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn ipc_types_match_the_typescript_interfaces() {
        let probe = Probe::found("ok");
        let status = AppStatus {
            version: "0",
            config_path: String::new(),
            data_dir: String::new(),
            log_dir: String::new(),
            environment: Environment {
                dbus_session: probe.clone(),
                tray_host: probe.clone(),
                keyring: probe.clone(),
            },
        };
        let json = serde_json::to_value(&status).expect("serializes");
        assert_eq!(json_fields(&json), ts_fields("AppStatus"));
        assert_eq!(
            json_fields(&json["environment"]),
            ts_fields("EnvironmentProbes")
        );
        assert_eq!(
            json_fields(&serde_json::to_value(&probe).expect("probe")),
            ts_fields("Probe")
        );
    }

    #[test]
    fn config_view_types_match_the_typescript_interfaces_and_carry_no_key() {
        use switchboard_core::config::{self, view};
        let text = r#"{
          agents: { defaults: { model: { primary: "M", fallbacks: [] },
            models: { "p/m": { alias: "M" } } } },
          models: { providers: {
            p: { baseUrl: "http://h/v1", apiKey: "plain-key-do-not-show-1234", headers: { A: "b" },
                 maxTokens: 100, timeoutSeconds: 5, auth: "api-key", authHeader: true,
                 api: "openai-completions",
                 models: [{ id: "m", name: "M", contextWindow: 10, x: 1 }] },
            q: { baseUrl: "http://h/v1", apiKey: "${CONTRACT_KEY}", models: [] },
          } },
        }"#;
        let env = |name: &str| (name == "CONTRACT_KEY").then(|| "env-secret-value-5678".to_owned());
        let read = |_: &std::path::Path| Err(std::io::ErrorKind::NotFound.into());
        let loaded = config::load_str(text, std::path::Path::new("c.json5"), &env, &read);
        let view = view::of(&loaded, Some("rev".into()));
        let json = serde_json::to_value(&view).expect("serializes");
        let text = json.to_string();
        assert!(!text.contains("plain-key-do-not-show-1234"), "{text}");
        assert!(!text.contains("env-secret-value-5678"), "{text}");
        assert_eq!(json["providers"][1]["key"], "env:CONTRACT_KEY");
        assert_eq!(json_fields(&json), ts_fields("ConfigView"));
        assert_eq!(
            json_fields(&json["diagnostics"][0]),
            ts_fields("ConfigDiagnostic")
        );
        assert_eq!(
            json_fields(&json["providers"][0]),
            ts_fields("ConfigProvider")
        );
        let model = &json["providers"][0]["models"][0];
        assert_eq!(json_fields(model), ts_fields("ConfigModel"));
        assert_eq!(json_fields(&model["cost"]), ts_fields("ModelCost"));
        assert_eq!(json_fields(&json["aliases"][0]), ts_fields("ConfigAlias"));
        let summary = serde_json::to_value(config::openclaw::Summary::default()).expect("summary");
        assert_eq!(json_fields(&summary), ts_fields("ImportSummary"));
    }
}

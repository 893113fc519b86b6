//! The IPC types checked against their TypeScript mirrors in `ui/src/lib/ipc-types.ts` and
//! `ipc.ts`: every field the Rust side sends is declared there, and nothing more.

use super::*;
use std::collections::BTreeSet;

/// The UI's IPC module: `ui/src/lib/ipc.ts` and the types it re-exports from
/// `ui/src/lib/ipc-types.ts`.
const TS: &str = concat!(
    include_str!("../../../ui/src/lib/ipc.ts"),
    "\n",
    include_str!("../../../ui/src/lib/ipc-types.ts"),
    "\n",
    include_str!("../../../ui/src/lib/policy-types.ts"),
    "\n",
    include_str!("../../../ui/src/lib/config-types.ts"),
    "\n",
    include_str!("../../../ui/src/lib/lmstudio-types.ts"),
);

/// Field names of `export interface NAME { … }` in `ui/src/lib/ipc.ts` (or `ipc-types.ts`).
fn ts_fields(name: &str) -> BTreeSet<String> {
    let ts = TS;
    let start = ts
        .find(&format!("export interface {name} {{"))
        .unwrap_or_else(|| panic!("ipc.ts has no interface {name}"));
    let body = &ts[start..];
    let body = &body[body.find('{').expect("open") + 1..body.find('}').expect("close")];
    body.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//") && !line.starts_with('*') && !line.starts_with("/*"))
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
fn settings_types_match_the_typescript_interfaces() {
    use switchboard_core::settings::{AppSettings, Language, Theme};
    let view = SettingsView {
        settings: AppSettings::default(),
        warning: Some("w".into()),
        locations: Locations {
            config_file: String::new(),
            settings_file: String::new(),
            data_dir: String::new(),
            history_file: String::new(),
            log_dir: String::new(),
        },
        system_locale: Some("ko_KR.UTF-8".into()),
    };
    let json = serde_json::to_value(&view).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("SettingsView"));
    for language in [Language::System, Language::En, Language::Ko] {
        let name = serde_json::to_value(language).expect("language");
        let name = format!("'{}'", name.as_str().expect("a string"));
        assert!(TS.contains(&name), "{name} is not a TypeScript language");
    }
    assert_eq!(json_fields(&json["settings"]), ts_fields("AppSettings"));
    assert_eq!(json_fields(&json["locations"]), ts_fields("Locations"));
    for theme in [Theme::System, Theme::Light, Theme::Dark] {
        let name = serde_json::to_value(theme).expect("theme");
        let name = format!("'{}'", name.as_str().expect("a string"));
        assert!(
            TS.contains("export type Theme = ") && TS.contains(&name),
            "ipc-types.ts has no Theme {name}"
        );
    }
    let refused = SettingsSetError {
        kind: switchboard_core::ErrorKind::InvalidInput.into(),
        message: String::new(),
        field: Some("extraServerUrls"),
        index: Some(0),
    };
    let json = serde_json::to_value(&refused).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("SettingsSetError"));
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
    assert_eq!(
        json_fields(&json["providers"][0]["headers"][0]),
        ts_fields("ConfigHeader")
    );
    let model = &json["providers"][0]["models"][0];
    assert_eq!(json_fields(model), ts_fields("ConfigModel"));
    assert_eq!(json_fields(&model["cost"]), ts_fields("ModelCost"));
    assert_eq!(json_fields(&json["aliases"][0]), ts_fields("ConfigAlias"));
    let summary = serde_json::to_value(config::openclaw::Summary::default()).expect("summary");
    assert_eq!(json_fields(&summary), ts_fields("ImportSummary"));
}

#[test]
fn discovery_types_match_the_typescript_interfaces() {
    use switchboard_core::discovery::{
        DetectedModel, DetectedServer, LoadedModel, ScanReport, ServerKind, Status,
    };
    let mut model = DetectedModel::bare("qwen/qwen3-8b");
    model
        .warnings
        .push(switchboard_core::discovery::Warning::NotLoaded);
    let mut server =
        DetectedServer::new(ServerKind::LmStudio, "http://h/v1", Status::Running).with_detail("d");
    server.api_reason = Some("why".into());
    server.models.push(model);
    let mut report = ScanReport::new(vec![server]);
    report.suggested = Some(switchboard_core::discovery::Suggestion {
        kind: ServerKind::LmStudio,
        server: "LM Studio",
        base_url: "http://h/v1".into(),
        model_id: "m".into(),
        model_name: "M".into(),
        context_window: None,
        loaded: None,
    });
    let json = serde_json::to_value(&report).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("ScanReport"));
    assert_eq!(json_fields(&json["suggested"]), ts_fields("Suggestion"));
    let started = crate::commands::quick_start::QuickStarted {
        model_ref: "p/m".into(),
        server: "LM Studio",
        model_name: "M".into(),
        first_token_ms: None,
    };
    let started = serde_json::to_value(&started).expect("serializes");
    assert_eq!(json_fields(&started), ts_fields("QuickStarted"));
    assert_eq!(
        json_fields(&json["servers"][0]),
        ts_fields("DetectedServer")
    );
    assert_eq!(
        json_fields(&json["servers"][0]["models"][0]),
        ts_fields("DetectedModel")
    );
    assert!(json["servers"][0]["models"][0]["warnings"][0].is_string());
    let loaded = LoadedModel {
        model: "m".into(),
        instance_id: "m".into(),
        context_length: None,
        load_time_seconds: None,
        pinned: false,
        idle_ttl_seconds: Some(3600),
    };
    let json = serde_json::to_value(&loaded).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("LoadedModel"));
    let added = AddedProfile {
        provider: "lmstudio".into(),
        models: vec![],
        warnings: vec![],
    };
    let json = serde_json::to_value(&added).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("AddedProfile"));
}

#[test]
fn route_health_matches_the_typescript_interfaces() {
    use switchboard_core::router::{Health, Overall, ProviderHealth, ProviderState};
    let health = Health {
        overall: Overall::OnFallback,
        current: Some("p/m".into()),
        providers: vec![ProviderHealth {
            provider: "p".into(),
            state: ProviderState::Cooldown,
            until_ms: Some(1),
            reason: Some("rate_limit".into()),
            cooling: vec!["p/m".into()],
            local: true,
            reachable: Some(true),
            checked_ms: Some(2),
        }],
    };
    let json = serde_json::to_value(&health).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("RouteHealth"));
    assert_eq!(
        json_fields(&json["providers"][0]),
        ts_fields("ProviderHealth")
    );
    let ts = TS;
    for overall in [Overall::OnPrimary, Overall::OnFallback, Overall::NoRoute] {
        let tag = serde_json::to_value(overall).expect("serializes");
        let tag = format!("'{}'", tag.as_str().expect("a string"));
        assert!(ts.contains(&tag), "RouteOverall lacks {tag}");
    }
}

#[test]
fn key_types_match_the_typescript_interfaces() {
    let status = KeysStatus {
        keychain: Probe::found("ok"),
        providers: vec![KeyStatus {
            provider: "openai".into(),
            state: "keychain",
            var: None,
            hint: Some("1234".into()),
            detail: String::new(),
        }],
    };
    let json = serde_json::to_value(&status).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("KeysStatus"));
    assert_eq!(json_fields(&json["providers"][0]), ts_fields("KeyStatus"));
    let tested = KeyTestResult::from(switchboard_core::providers::key_test::Outcome::Rejected {
        status: 401,
    });
    let json = serde_json::to_value(&tested).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("KeyTestResult"));
    assert_eq!(json["outcome"], "rejected");
}

#[test]
fn catalog_types_match_the_typescript_interfaces() {
    for known in switchboard_core::catalog::all() {
        let json = serde_json::to_value(known).expect("serializes");
        assert_eq!(
            json_fields(&json),
            ts_fields("KnownProvider"),
            "{}",
            known.id
        );
        for field in ["api", "auth", "locality"] {
            let value = format!("'{}'", json[field].as_str().expect("a string"));
            assert!(TS.contains(&value), "ipc-types.ts lacks {field} {value}");
        }
    }
}

#[test]
fn route_test_types_match_the_typescript_interfaces() {
    let result = RouteTestResult {
        model_ref: "p/m".into(),
        ok: true,
        kind: None,
        status: None,
        message: String::new(),
        first_token_ms: Some(5),
        elapsed_ms: 9,
        preview: "OK.".into(),
        reasoned: false,
        usage: Some(RouteTestUsage {
            input: 1,
            output: 2,
        }),
    };
    let json = serde_json::to_value(&result).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("RouteTestResult"));
    assert_eq!(json_fields(&json["usage"]), ts_fields("RouteTestUsage"));
    // Every field the page sends is one the command reads (unknown fields are refused).
    let sent: serde_json::Map<String, serde_json::Value> = ts_fields("RouteTestTarget")
        .into_iter()
        .map(|field| {
            let value = if field == "headers" {
                serde_json::json!({"X-Title": "Switchboard"})
            } else {
                serde_json::json!(field)
            };
            (field, value)
        })
        .collect();
    let target: RouteTestTarget =
        serde_json::from_value(serde_json::Value::Object(sent)).expect("deserializes");
    assert_eq!(target.base_url, "baseUrl");
    assert_eq!(target.headers.map(|h| h.len()), Some(1));
}

#[test]
fn chat_types_match_the_typescript_interfaces() {
    use switchboard_core::chat::{ChatEvent, Reason};
    use switchboard_core::providers::{ProviderErrorKind, StopReason, Timing, Usage};
    use switchboard_core::router::{AttemptOutcome, RouteEvent};
    let started = ChatStarted {
        request_id: 1,
        conversation_id: 2,
    };
    let json = serde_json::to_value(&started).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("ChatStarted"));
    let model = switchboard_core::chat::ModelChoice {
        id: "fast".into(),
        label: "fast".into(),
        model_ref: "p/m".into(),
        alias: Some("fast".into()),
        name: "M".into(),
        place: switchboard_core::policy::Place::ThisMachine,
        local: true,
        private: true,
        context_window: Some(10),
        reasoning: false,
        quantization: Some("Q4_K_M".into()),
        loaded: Some(true),
        speed: Some(switchboard_core::policy::Speed {
            median_first_token_ms: 100,
            median_tokens_per_second: Some(40.0),
            answers: 2,
        }),
    };
    let models = ChatModels {
        models: vec![model],
        primary: None,
    };
    let json = serde_json::to_value(&models).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("ChatModels"));
    assert_eq!(json_fields(&json["models"][0]), ts_fields("ChatModel"));
    assert_eq!(
        json_fields(&json["models"][0]["speed"]),
        ts_fields("ModelSpeed")
    );
    let exported = serde_json::to_value(ExportedFile { path: "/x".into() }).expect("json");
    assert_eq!(json_fields(&exported), ts_fields("ExportedFile"));
    let usage = Usage {
        input: 1,
        output: 2,
        cache_read: 0,
        cache_write: 0,
        reasoning: Some(1),
    };
    let events = [
        (
            ChatEvent::Started {
                conversation_id: Some(1),
                message_id: Some(2),
                model: "p/m".into(),
            },
            "ChatStartedEvent",
        ),
        (ChatEvent::Text { delta: "a".into() }, "ChatDeltaEvent"),
        (ChatEvent::Reasoning { delta: "a".into() }, "ChatDeltaEvent"),
        (
            ChatEvent::Done {
                model: "p/m".into(),
                stop: StopReason::Stop,
                usage: Some(usage),
                cost: Some(0.0),
                timing: Timing::new(Some(1), 2, Some(2)),
                trail: trail(),
            },
            "ChatDoneEvent",
        ),
        (
            ChatEvent::Warning {
                message: "80 %".into(),
            },
            "ChatWarningEvent",
        ),
        (
            ChatEvent::Error {
                reason: Reason::Provider(ProviderErrorKind::Auth),
                message: "m".into(),
                status: Some(401),
                retry_next: Some("p/n".into()),
                trail: trail(),
            },
            "ChatErrorEvent",
        ),
        (
            ChatEvent::Route(RouteEvent {
                attempt: 1,
                model: "p/m".into(),
                outcome: AttemptOutcome::Failed,
                reason: Some("rate_limit".into()),
                status: Some(429),
                elapsed_ms: 3,
                cooldown_ms: Some(30_000),
                destination: Some(destination()),
            }),
            "ChatRouteEvent",
        ),
    ];
    for (event, interface) in events {
        let json = serde_json::to_value(&event).expect("serializes");
        assert_eq!(json_fields(&json), ts_fields(interface), "{interface}");
        let tag = json["type"].as_str().expect("tag");
        assert!(
            TS.contains(&format!("'{tag}'")),
            "ipc-types.ts names no `{tag}` event"
        );
    }
    let done = serde_json::to_value(&ChatEvent::Done {
        model: "p/m".into(),
        stop: StopReason::Stop,
        usage: Some(usage),
        cost: None,
        timing: Timing::default(),
        trail: trail(),
    })
    .expect("serializes");
    assert_eq!(json_fields(&done["usage"]), ts_fields("ChatUsage"));
    assert_eq!(json_fields(&done["timing"]), ts_fields("ChatTiming"));
    assert_eq!(json_fields(&done["trail"]), ts_fields("ChatTrail"));
    assert_eq!(
        json_fields(&done["trail"]["destinations"][0]),
        ts_fields("Destination")
    );
    assert_eq!(done["cost"], "unknown");
}

fn destination() -> switchboard_core::policy::Destination {
    switchboard_core::policy::Destination {
        host: "api.example.com".into(),
        place: switchboard_core::policy::Place::Leaves,
        left_machine: true,
        region: Some("eu".into()),
        key_sent: true,
    }
}

fn trail() -> switchboard_core::chat::Trail {
    switchboard_core::chat::Trail {
        left_machine: true,
        destinations: vec![destination()],
    }
}

#[test]
fn conversation_types_match_the_typescript_interfaces() {
    use switchboard_core::history::{Conversation, Parameters, Timestamp};
    let conversation = Conversation {
        id: 1,
        title: "t".into(),
        title_is_custom: false,
        pinned: false,
        created_at: Timestamp(0),
        updated_at: Timestamp(0),
        message_count: 0,
        private: false,
        system_prompt: Some("Be brief.".into()),
        parameters: Parameters {
            temperature: Some(0.2),
            top_p: Some(0.9),
            max_tokens: Some(64),
        },
    };
    let json = serde_json::to_value(&conversation).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("Conversation"));
    assert_eq!(
        json_fields(&json["parameters"]),
        ts_fields("ConversationParameters")
    );
    // What the UI sends back parses (unknown fields are refused).
    let sent: Parameters =
        serde_json::from_value(json["parameters"].clone()).expect("deserializes");
    assert_eq!(sent, conversation.parameters);
}

#[test]
fn config_updates_match_the_typescript_interfaces() {
    use switchboard_core::config::live::{Change, Update};
    let applied = Update::Applied {
        config: Default::default(),
        changes: vec![Change::Primary {
            to: Some("a/b".into()),
        }],
        outside: true,
    };
    let json = serde_json::to_value(&applied).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("ConfigApplied"));
    assert_eq!(json["kind"], "applied");
    let kept = Update::Kept {
        errors: vec!["f:1:2: x: broken".into()],
        routes_kept: true,
    };
    let json = serde_json::to_value(&kept).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("ConfigKept"));
    assert_eq!(json["kind"], "kept");
    // Every kind of change, with its fields, is in the TypeScript union.
    let changes = [
        Change::Primary { to: None },
        Change::Fallbacks { to: vec![] },
        Change::ProviderAdded { id: "x".into() },
        Change::ProviderRemoved { id: "x".into() },
        Change::ProviderChanged { id: "x".into() },
        Change::Models,
        Change::Other,
    ];
    for change in changes {
        let json = serde_json::to_value(&change).expect("serializes");
        let kind = json["kind"].as_str().expect("kind");
        assert!(
            TS.contains(&format!("'{kind}'")),
            "{kind} is not in ConfigChange"
        );
        for field in json_fields(&json) {
            assert!(TS.contains(&format!("{field}: ")), "{kind}.{field}");
        }
    }
}

#[test]
fn lmstudio_download_types_match_the_typescript_interfaces() {
    use switchboard_core::discovery::candidate;
    use switchboard_core::discovery::download::{DownloadProgress, DownloadStatus};
    let offer = candidate::pick(Some(16_000_000_000)).expect("a build fits 16 GB");
    let json = serde_json::to_value(&offer).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("DownloadCandidate"));
    assert_eq!(json_fields(&json["request"]), ts_fields("DownloadRequest"));
    let progress = DownloadProgress {
        job_id: Some("job_1".into()),
        status: DownloadStatus::AlreadyDownloaded,
        downloaded_bytes: None,
        total_bytes: None,
        bytes_per_second: None,
        seconds_left: None,
        percent: None,
    };
    let json = serde_json::to_value(&progress).expect("serializes");
    assert_eq!(json_fields(&json), ts_fields("DownloadProgress"));
    assert_eq!(json["status"], "already_downloaded");
}

//! The UI's TypeScript types for everything that crosses IPC, generated from the Rust types: the
//! shell's replies (`crate::models`, the commands' own), core's types the commands return and
//! the events they emit, and every error kind. `ui/src/lib/generated/ipc.ts` is this module's
//! output; nothing there is written by hand.
//!
//! The generator is ts-rs: its derive reads the serde attributes the wire format already has
//! (`rename_all`, `tag`, `untagged`, `flatten`, `skip`), it has no tie to a Tauri version, and it
//! adds no runtime code. specta (with tauri-specta) would also type the commands themselves, but
//! it follows Tauri's release line and wraps the command macro; the commands' few TypeScript
//! wrappers in `ipc.ts` stay hand-written instead.
//!
//! Conventions: 64-bit integers become `number` (serde_json sends them as numbers; every value
//! here is a count, an id or milliseconds, far under 2^53); a field serde leaves out when empty
//! (`skip_serializing_if`) carries `#[ts(optional)]`; values serialized by hand carry a
//! `#[ts(type)]` or `#[ts(as)]` that says what the serializer writes.
//!
//! `bash .ci/ipc-types` writes the file: it runs [`tests::export_bindings`] with
//! `SWITCHBOARD_BINDINGS_OUT` set, then formats the result with the UI's prettier. With `--check`
//! it writes into a temp dir and fails when the committed file differs.

use std::any::TypeId;
use std::collections::BTreeMap;

use ts_rs::{Config, TypeVisitor, TS};

/// The generated file's name, in `ui/src/lib/generated/`.
pub(crate) const FILE: &str = "ipc.ts";

/// The first lines of the generated file.
const HEADER: &str = "\
// Generated from the Rust types by `bash .ci/ipc-types` (src-tauri/src/bindings.rs): do not edit.
// Change the Rust type, then run that command again.
";

/// Every type declaration reachable from `T`, by TypeScript name.
struct Collect<'a> {
    cfg: &'a Config,
    /// Name → (the Rust type, its declaration).
    decls: BTreeMap<String, (TypeId, &'static str, String)>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives and containers have no declaration of their own.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(self.cfg);
        let id = TypeId::of::<T>();
        if let Some((seen, rust, _)) = self.decls.get(&name) {
            assert!(
                *seen == id,
                "two Rust types are `{name}` in TypeScript: {rust} and {}; give one a \
                 #[ts(rename = \"…\")]",
                std::any::type_name::<T>()
            );
            return;
        }
        let mut decl = T::docs().unwrap_or_default();
        decl.push_str("export ");
        decl.push_str(&T::decl(self.cfg));
        self.decls
            .insert(name, (id, std::any::type_name::<T>(), decl));
        T::visit_dependencies(self);
    }
}

/// What the UI receives and sends: command replies and inputs, events, and error kinds. Their
/// dependencies come along.
fn roots(c: &mut Collect<'_>) {
    use switchboard_core::{catalog, chat, config, discovery, history, policy, router, settings};
    // The shell's own.
    c.visit::<crate::models::AppStatus>();
    c.visit::<crate::models::KeysStatus>();
    c.visit::<crate::models::KeyTestResult>();
    c.visit::<crate::models::RouteTestTarget>();
    c.visit::<crate::models::RouteTestResult>();
    c.visit::<crate::models::ChatStarted>();
    c.visit::<crate::models::ChatModels>();
    c.visit::<crate::models::SettingsView>();
    c.visit::<crate::models::SettingsSetError>();
    c.visit::<crate::models::ExportedFile>();
    c.visit::<crate::models::AddedProfile>();
    c.visit::<crate::commands::quick_start::QuickStarted>();
    c.visit::<crate::commands::discovery::SetupSaved>();
    c.visit::<crate::commands::history::LoadedConversation>();
    c.visit::<crate::services::ScanRequest>();
    c.visit::<crate::error::IpcErrorKind>();
    c.visit::<crate::error::IpcError>();
    c.visit::<crate::error::ConfigIpcError>();
    c.visit::<crate::commands::history::HistoryStatus>();
    // Core's, as commands return them and events carry them.
    c.visit::<catalog::KnownProvider>();
    c.visit::<config::view::ConfigView>();
    c.visit::<config::view::DiagnosticView>();
    c.visit::<config::view::EditInput>();
    c.visit::<config::live::Update>();
    c.visit::<config::openclaw::Summary>();
    c.visit::<discovery::ScanReport>();
    c.visit::<discovery::LoadedModel>();
    c.visit::<history::Conversation>();
    c.visit::<history::Parameters>();
    c.visit::<history::Message>();
    c.visit::<history::SearchHit>();
    c.visit::<history::ExportFormat>();
    c.visit::<chat::ChatEvent>();
    c.visit::<router::Health>();
    c.visit::<router::AttemptReason>();
    c.visit::<router::health::HealthReason>();
    c.visit::<policy::spend::Report>();
    c.visit::<settings::AppSettings>();
}

/// The generated file's text (before prettier): the header, then every declaration by name.
pub(crate) fn render() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut collect = Collect {
        cfg: &cfg,
        decls: BTreeMap::new(),
    };
    roots(&mut collect);
    let mut out = HEADER.to_owned();
    for (_, _, decl) in collect.decls.values() {
        out.push('\n');
        out.push_str(decl);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders the bindings and checks them; with `SWITCHBOARD_BINDINGS_OUT` set (by
    /// `.ci/ipc-types`) also writes them there.
    #[test]
    fn export_bindings() {
        let text = render();
        assert!(!text.contains("bigint"), "a 64-bit integer became bigint");
        for name in [
            "IpcErrorKind",
            "ChatEvent",
            "Message",
            "Conversation",
            "SearchHit",
            "ConfigView",
            "ScanReport",
            "SettingsView",
            "SpendReport",
            "RouteAttemptReason",
        ] {
            assert!(
                text.contains(&format!("export type {name} =")),
                "{name} is not generated"
            );
        }
        if let Some(dir) = std::env::var_os("SWITCHBOARD_BINDINGS_OUT") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).expect("the output dir");
            std::fs::write(dir.join(FILE), &text).expect("writes the bindings");
        }
    }

    /// A field serde leaves out (`skip_serializing_if`) is optional in TypeScript only when it
    /// says so (`#[ts(optional)]`): ts-rs reads that serde attribute only beside `default`.
    /// Checked in the sources, for every type that derives `TS`, so a field added later is too.
    #[test]
    fn fields_serde_leaves_out_are_optional() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        for dir in [root.join("src"), root.join("core/src")] {
            check_dir(&dir, &mut missing);
        }
        assert!(
            missing.is_empty(),
            "add #[ts(optional)] to these fields (serde leaves them out):\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn the_optional_check_finds_a_field_without_ts_optional() {
        let text = "#[derive(\n    Debug,\n    Serialize,\n    ts_rs::TS,\n)]\nstruct A {\n    \
            #[serde(skip_serializing_if = \"Option::is_none\")]\n    pub a: Option<u8>,\n    \
            #[serde(skip_serializing_if = \"Option::is_none\")]\n    #[ts(optional)]\n    \
            pub b: Option<u8>,\n}\n#[derive(Serialize)]\nstruct B {\n    \
            #[serde(skip_serializing_if = \"Option::is_none\")]\n    pub c: Option<u8>,\n}\n";
        let mut missing = Vec::new();
        check_file(std::path::Path::new("x.rs"), text, &mut missing);
        assert_eq!(missing, ["x.rs:7: pub a: Option<u8>,"]);
    }

    fn check_dir(dir: &std::path::Path, missing: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("a source dir")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                check_dir(&path, missing);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                check_file(&path, &text, missing);
            }
        }
    }

    fn check_file(path: &std::path::Path, text: &str, missing: &mut Vec<String>) {
        // The last `#[derive(…)]` (it may span lines), and whether it derives `TS`.
        let mut derive = String::new();
        let mut derives_ts = false;
        // Since the last `skip_serializing_if`: (its line, whether a `#[ts(optional…)]` came).
        let mut pending: Option<(usize, bool)> = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with("#[derive(") || !derive.is_empty() {
                derive.push_str(line);
                if derive.ends_with(")]") {
                    derives_ts = derive
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|word| word == "TS");
                    derive.clear();
                }
            } else if line.contains("skip_serializing_if") {
                pending = Some((n + 1, false));
            } else if line.starts_with("#[ts(") && line.contains("optional") {
                if let Some((_, optional)) = pending.as_mut() {
                    *optional = true;
                }
            } else if !line.starts_with("#[") && !line.starts_with("//") {
                // The field the attributes belong to.
                if let Some((at, false)) = pending.take() {
                    if derives_ts {
                        missing.push(format!("{}:{at}: {line}", path.display()));
                    }
                }
            }
        }
    }
}

//! The UI's TypeScript types for everything that crosses IPC, generated from the Rust types: the
//! shell's replies (`crate::models`, the commands' own), core's types the commands return and
//! the events they emit, and every error kind. `ui/src/lib/generated/ipc.ts` is this module's
//! output; nothing there is written by hand.
//!
//! The generator is ts-rs: its derive reads the serde attributes the wire format already has
//! (`rename_all`, `tag`, `untagged`, `flatten`, `skip`), it has no tie to a Tauri version, and it
//! adds no runtime code. specta's reason to be chosen would be tauri-specta, which also types the
//! commands; but that ties the shell to tauri-specta's Tauri versions and replaces how commands
//! are registered, for the few typed wrappers `ipc.ts` already has. One generator: ts-rs.
//!
//! The test binary also checks that every type a command takes, returns or streams is generated
//! (so a new command's reply cannot be missed) and that fields serde leaves out are optional.
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
    c.visit::<crate::commands::discovery::ServerRef>();
    c.visit::<crate::commands::history::LoadedConversation>();
    c.visit::<crate::services::ScanRequest>();
    c.visit::<crate::error::IpcErrorKind>();
    c.visit::<crate::error::IpcError>();
    c.visit::<crate::error::ConfigIpcError>();
    c.visit::<crate::commands::history::HistoryStatus>();
    c.visit::<crate::commands::lmstudio::DownloadEvent>();
    // Core's, as commands return them and events carry them.
    c.visit::<catalog::KnownProvider>();
    c.visit::<config::view::ConfigView>();
    c.visit::<config::view::DiagnosticView>();
    c.visit::<config::view::EditInput>();
    c.visit::<config::live::Update>();
    c.visit::<config::openclaw::Summary>();
    c.visit::<discovery::ScanReport>();
    c.visit::<discovery::LoadedModel>();
    c.visit::<discovery::candidate::Candidate>();
    c.visit::<discovery::download::DownloadRequest>();
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

/// Every declaration the file has: TypeScript name → (the Rust type, its path, the declaration).
fn collected() -> BTreeMap<String, (TypeId, &'static str, String)> {
    let cfg = Config::new().with_large_int("number");
    let mut collect = Collect {
        cfg: &cfg,
        decls: BTreeMap::new(),
    };
    roots(&mut collect);
    collect.decls
}

/// The generated file's text (before prettier): the header, then every declaration by name.
pub(crate) fn render() -> String {
    let mut out = HEADER.to_owned();
    for (_, _, decl) in collected().values() {
        out.push('\n');
        out.push_str(decl);
        out.push('\n');
    }
    out
}

/// The Rust names (last path segment) of the generated types.
pub(crate) fn rust_names() -> std::collections::BTreeSet<String> {
    collected()
        .values()
        .map(|(_, path, _)| {
            let path = path.split('<').next().unwrap_or(path);
            path.rsplit("::").next().unwrap_or(path).to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests;

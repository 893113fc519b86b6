//! Checks of the generated bindings: they render (and `.ci/ipc-types` takes them from here), every
//! command's reply, input and channel is among them, and fields serde leaves out are optional.

use std::collections::BTreeSet;
use std::path::Path;

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for dir in [root.join("src"), root.join("core/src")] {
        for_each_source(&dir, &mut |path, text| check_file(path, text, &mut missing));
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
    check_file(Path::new("x.rs"), text, &mut missing);
    assert_eq!(missing, ["x.rs:7: pub a: Option<u8>,"]);
}

fn check_file(path: &Path, text: &str, missing: &mut Vec<String>) {
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

/// Framework types and id aliases (numbers) in command signatures: not IPC types of their own.
const NOT_IPC_TYPES: [&str; 13] = [
    "AppHandle",
    "AppState",
    "Channel",
    "ConversationId",
    "MessageId",
    "Option",
    "R",
    "RequestId",
    "Result",
    "Runtime",
    "State",
    "String",
    "Vec",
];

/// Every type a command takes, returns or streams is generated, so a new command's reply is
/// in the UI's types without anyone listing it twice (add it to [`roots`] when this fails).
#[test]
fn every_command_type_is_generated() {
    let generated = rust_names();
    let mut used = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    for_each_source(&root, &mut |_, text| used.extend(command_types(text)));
    assert!(used.contains("ChatEvent"), "the chat channel is read");
    let missing: Vec<_> = used
        .iter()
        .filter(|name| !NOT_IPC_TYPES.contains(&name.as_str()) && !generated.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "commands use types that are not generated: {missing:?}; derive ts_rs::TS on them and \
         add them to the roots in src-tauri/src/bindings.rs"
    );
}

#[test]
fn command_types_are_read_from_the_signature() {
    let text = "#[tauri::command]\npub(crate) async fn f(\n    state: State<'_, AppState>,\n    \
                x: Vec<Input>,\n    channel: Channel<Event>,\n) -> Result<Reply, IpcError> {\n    \
                let y: Other = todo();\n}\nfn g(z: Helper) {}\n";
    let names: BTreeSet<String> = command_types(text).collect();
    let expected = [
        "AppState", "Channel", "Event", "Input", "IpcError", "Reply", "Result", "State", "Vec",
    ];
    assert_eq!(names, expected.iter().map(|s| s.to_string()).collect());
}

/// The type names (capitalized identifiers) in the signatures of the `#[tauri::command]`s of
/// `text`.
fn command_types(text: &str) -> impl Iterator<Item = String> + '_ {
    text.match_indices("#[tauri::command]")
        .flat_map(move |(at, _)| {
            let rest = &text[at..];
            let start = rest.find("fn ").unwrap_or(0);
            let end = rest.find('{').unwrap_or(rest.len());
            rest[start..end]
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
}

/// Calls `f` with every `.rs` file under `dir`, in name order.
fn for_each_source(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a source dir")
        .map(|e| e.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            for_each_source(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("a source file");
            f(&path, &text);
        }
    }
}

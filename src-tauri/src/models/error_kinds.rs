//! The error kinds' wire names against the string-literal unions in `ui/src/lib/ipc-types.ts`:
//! a kind added on one side only fails here, so the UI's exhaustive label map and its branches
//! on `kind` / `reason` always cover what Rust sends.

use std::collections::BTreeSet;

use switchboard_core::chat::Reason;
use switchboard_core::policy::RefusalReason;
use switchboard_core::providers::ProviderErrorKind;
use switchboard_core::router::{capability, health, RouteErrorKind, COOLDOWN};
use switchboard_core::ErrorKind;

use crate::error::IpcErrorKind;

const TS: &str = include_str!("../../../ui/src/lib/ipc-types.ts");

/// The string literals of `export type NAME = 'a' | 'b' | Other;`, with the named types
/// resolved (they must be unions of string literals too).
fn ts_union(name: &str) -> BTreeSet<String> {
    let head = format!("export type {name} =");
    let start = TS
        .find(&head)
        .unwrap_or_else(|| panic!("ipc-types.ts has no type {name}"))
        + head.len();
    let body = &TS[start..];
    let body = &body[..body.find(';').expect("a `;` ends the type")];
    let mut names = BTreeSet::new();
    let mut literals = BTreeSet::new();
    for part in body.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(literal) = part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')) {
            assert!(literals.insert(literal), "{name}: '{literal}' twice");
            names.insert(literal.to_owned());
        } else {
            assert!(
                part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{name}: {part:?} is neither a string literal nor a type name"
            );
            names.extend(ts_union(part));
        }
    }
    names
}

fn owned(names: impl IntoIterator<Item = &'static str>) -> BTreeSet<String> {
    names.into_iter().map(str::to_owned).collect()
}

fn provider_kinds() -> BTreeSet<String> {
    owned(ProviderErrorKind::ALL.iter().map(|k| k.as_str()))
}

#[test]
fn provider_and_route_kinds_match_the_typescript_unions() {
    assert_eq!(ts_union("ProviderErrorKind"), provider_kinds());
    assert_eq!(
        ts_union("RouteErrorKind"),
        owned(RouteErrorKind::ALL.iter().map(|k| k.as_str()))
    );
}

#[test]
fn chat_error_reasons_match_the_typescript_union() {
    assert_eq!(
        ts_union("ChatErrorReason"),
        owned(Reason::all().map(Reason::as_str))
    );
}

#[test]
fn ipc_error_kinds_match_the_typescript_union() {
    assert_eq!(
        ts_union("CoreErrorKind"),
        owned(ErrorKind::ALL.iter().map(|k| k.as_str()))
    );
    assert_eq!(ts_union("IpcErrorKind"), owned(IpcErrorKind::wire_names()));
}

#[test]
fn route_and_health_reasons_match_the_typescript_unions() {
    let mut attempt = provider_kinds();
    attempt.insert(COOLDOWN.to_owned());
    attempt.extend(RefusalReason::ALL.iter().map(|r| r.as_str().to_owned()));
    attempt.extend(owned([capability::NO_IMAGE_INPUT, capability::NO_TOOL_USE]));
    assert_eq!(ts_union("RouteAttemptReason"), attempt);
    let mut probed = provider_kinds();
    probed.insert(health::UNREACHABLE.to_owned());
    assert_eq!(ts_union("HealthReason"), probed);
}

#[test]
fn the_union_parser_reads_literals_and_named_types() {
    // `Theme` is a plain literal union; `ChatErrorReason` names two others.
    assert_eq!(ts_union("Theme"), owned(["system", "light", "dark"]));
    assert!(ts_union("ChatErrorReason").contains("model_not_found"));
}

//! Thin Tauri commands, one file per domain: each takes state and typed arguments, calls into
//! core, and returns `Result<T, IpcError>`. Every command must also be listed in `build.rs` and
//! granted in `capabilities/main-window.json`; the test below keeps the three lists in step.

pub(crate) mod app;
pub(crate) mod catalog;
pub(crate) mod chat;
pub(crate) mod config;
pub(crate) mod discovery;
pub(crate) mod history;
pub(crate) mod keys;
pub(crate) mod lmstudio;
pub(crate) mod quick_start;
pub(crate) mod routes;
pub(crate) mod settings;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Names inside the first `[ ... ]` after `marker` in `text`, with `prefix` stripped.
    fn names_after(text: &str, marker: &str, prefix: &str) -> BTreeSet<String> {
        let start = text.find(marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len();
        let rest = &text[start..];
        let open = rest.find('[').expect("opening bracket");
        let close = rest.find(']').expect("closing bracket");
        rest[open + 1..close]
            .split(',')
            .map(|s| s.trim().trim_matches('"').trim())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.strip_prefix(prefix).map(str::to_owned))
            .collect()
    }

    #[test]
    fn handler_build_manifest_and_capability_agree() {
        let handler: BTreeSet<String> =
            names_after(include_str!("../lib.rs"), "generate_handler!", "commands::")
                .into_iter()
                .map(|path| path.rsplit("::").next().unwrap_or_default().to_owned())
                .collect();
        let manifest = names_after(
            include_str!("../../build.rs"),
            "const COMMANDS: &[&str] =",
            "",
        );
        let granted: BTreeSet<String> = names_after(
            include_str!("../../capabilities/main-window.json"),
            "\"permissions\"",
            "allow-",
        )
        .into_iter()
        .map(|name| name.replace('-', "_"))
        .collect();
        assert!(!handler.is_empty());
        assert_eq!(handler, manifest, "generate_handler! and build.rs differ");
        assert_eq!(
            handler, granted,
            "generate_handler! and the capability differ"
        );
    }
}

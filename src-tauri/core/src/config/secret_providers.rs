//! `secrets.providers`: the named sources (`env`, `file`, `exec`) that OpenClaw secret refs
//! point at, read from the config tree. Resolving a ref against them is
//! [`crate::secrets::refs`]'s job; the config only parses them.

use std::collections::HashMap;
use std::time::Duration;

use super::json5::Node;

const DEFAULT_TIMEOUT_MS: f64 = 5000.0;
const DEFAULT_MAX_BYTES: f64 = 1_048_576.0;

/// One entry of `secrets.providers`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SecretProvider {
    /// `{source: "env", allowlist?}`.
    Env {
        /// Only these variables may be read, when set.
        allowlist: Option<Vec<String>>,
    },
    /// `{source: "file", path, mode?, maxBytes?}`.
    File {
        /// The file (`~` expanded).
        path: String,
        /// `mode: "singleValue"` (else a JSON object addressed by JSON pointers).
        single_value: bool,
        /// Size limit.
        max_bytes: u64,
    },
    /// `{source: "exec", command, args?, timeoutMs?, maxOutputBytes?, jsonOnly?, env?, passEnv?}`.
    Exec {
        /// Absolute path of the command.
        command: String,
        /// Its arguments.
        args: Vec<String>,
        /// Overall timeout.
        timeout: Duration,
        /// Output limit.
        max_output_bytes: u64,
        /// Whether the answer must be the JSON protocol (default true).
        json_only: bool,
        /// Variables set for the command.
        env: Vec<(String, String)>,
        /// Variables passed through from our environment.
        pass_env: Vec<String>,
    },
    /// A source Switchboard does not resolve (`store`, plugin integrations).
    Unsupported(String),
}

/// `secrets.providers`, by alias.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretProviders(pub HashMap<String, SecretProvider>);

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect()
}

fn num(node: &Node, key: &str, default: f64) -> f64 {
    node.get(key)
        .and_then(Node::as_f64)
        .filter(|v| *v > 0.0)
        .unwrap_or(default)
}

impl SecretProviders {
    /// Reads `secrets.providers` from a config root (the resolved tree, before `${VAR}`).
    pub fn from_root(root: &Node) -> Self {
        let members = root
            .get("secrets")
            .and_then(|s| s.get("providers"))
            .and_then(Node::members)
            .unwrap_or_default();
        SecretProviders(
            members
                .iter()
                .map(|m| (m.key.clone(), Self::one(&m.value)))
                .collect(),
        )
    }

    fn one(n: &Node) -> SecretProvider {
        let source = n.get("source").and_then(Node::as_str).unwrap_or_default();
        match source {
            "env" if n.get("allowlist").is_some() => SecretProvider::Env {
                allowlist: Some(strings(n.get("allowlist"))),
            },
            "env" => SecretProvider::Env { allowlist: None },
            "file" => SecretProvider::File {
                path: n
                    .get("path")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .into(),
                single_value: n.get("mode").and_then(Node::as_str) == Some("singleValue"),
                max_bytes: num(n, "maxBytes", DEFAULT_MAX_BYTES) as u64,
            },
            "exec" if n.get("command").is_some() => SecretProvider::Exec {
                command: n
                    .get("command")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .into(),
                args: strings(n.get("args")),
                timeout: Duration::from_millis(num(n, "timeoutMs", DEFAULT_TIMEOUT_MS) as u64),
                max_output_bytes: num(n, "maxOutputBytes", DEFAULT_MAX_BYTES) as u64,
                json_only: n.get("jsonOnly").and_then(Node::as_bool).unwrap_or(true),
                env: n
                    .get("env")
                    .and_then(Node::members)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|m| Some((m.key.clone(), m.value.as_str()?.to_owned())))
                    .collect(),
                pass_env: strings(n.get("passEnv")),
            },
            other => SecretProvider::Unsupported(other.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    /// The config module is below secrets: it parses `secrets.providers`, secrets resolve them.
    #[test]
    fn the_config_module_does_not_use_secrets() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/config");
        let mut stack = vec![dir];
        let mut offenders = Vec::new();
        // Built from parts so this file does not match itself.
        let needles = [
            ["crate", "::secrets"].concat(),
            ["super", "::secrets"].concat(),
        ];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read src/config") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read");
                    let code = text
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("//"))
                        .any(|l| needles.iter().any(|n| l.contains(n.as_str())));
                    if code {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "config uses secrets: {offenders:?}");
    }
}

//! A provider's extra request headers as the editor sees and sends them.
//!
//! The view shows a header's value only when it cannot be a secret: a `${VAR}` template (names,
//! not values) or plain text under a name that is not auth-like and has no key shape. Every
//! other value is hidden and kept as written unless the user replaces it. A new literal value
//! under an auth-like name (`Authorization`, `X-Api-Key`, `…-Token`) is refused: keys belong in
//! the keychain or behind `${ENV_VAR}`.

use serde::{Deserialize, Serialize};

use crate::config::diag::ConfigPath;
use crate::config::env::referenced_names;
use crate::config::json5::{Node, Value};
use crate::config::ConfigError;

/// One header as the UI renders it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "ConfigHeader")]
pub struct HeaderView {
    /// The header's name.
    pub name: String,
    /// Its value when it cannot be a secret; `None` when hidden (a secret ref, a literal under
    /// an auth-like name, or anything key-shaped).
    pub value: Option<String>,
}

/// The value of an edited header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum HeaderValueInput {
    /// Keep the value the header has (the default; for hidden values).
    #[default]
    Keep,
    /// A text value, possibly with `${VAR}` references.
    Text {
        /// The value.
        value: String,
    },
}

/// One header as the UI sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HeaderInput {
    /// The header's name.
    pub name: String,
    /// Its value (default: keep).
    #[serde(default)]
    pub value: HeaderValueInput,
}

/// Whether a header by this name usually carries a credential.
pub fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "auth", "key", "token", "secret", "cookie", "password", "session",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// The headers of a provider, values shown only where they cannot be secret.
pub(super) fn views(headers: Option<&Node>) -> Vec<HeaderView> {
    let Some(members) = headers.and_then(Node::members) else {
        return Vec::new();
    };
    members
        .iter()
        .map(|m| HeaderView {
            name: m.key.clone(),
            value: match &m.value.value {
                Value::String(s) if !referenced_names(s).is_empty() => Some(s.clone()),
                Value::String(s)
                    if !is_secret_header(&m.key)
                        && crate::logging::redact::redact(s) == s.as_str() =>
                {
                    Some(s.clone())
                }
                _ => None,
            },
        })
        .collect()
}

/// The `headers` node for `rows`, taking kept values from `current`; `None` for no rows.
pub(super) fn merge(
    provider: &str,
    current: Option<&Node>,
    rows: Vec<HeaderInput>,
) -> Result<Option<Node>, ConfigError> {
    let base = ConfigPath::root()
        .key("models")
        .key("providers")
        .key(provider)
        .key("headers");
    let mut out: Vec<(String, Node)> = Vec::new();
    for row in rows {
        let name = row.name.trim().to_owned();
        let here = base.key(&name).to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(c))
        {
            return Err(ConfigError::rejected(
                &here,
                "a header name is letters, digits and - (no spaces or separators)",
            ));
        }
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(ConfigError::rejected(
                &here,
                format!("the header {name} is given twice"),
            ));
        }
        let old = current.and_then(|h| h.get(&name));
        let value = match row.value {
            HeaderValueInput::Keep => old.cloned().ok_or_else(|| {
                ConfigError::rejected(&here, format!("the header {name} has no value to keep"))
            })?,
            HeaderValueInput::Text { value } => {
                let unchanged = old.and_then(Node::as_str) == Some(value.as_str());
                if is_secret_header(&name) && referenced_names(&value).is_empty() && !unchanged {
                    return Err(ConfigError::rejected(
                        &here,
                        format!(
                            "{name} looks like a credential: a literal value is not written to the \
                             config. Use ${{ENV_VAR}} (e.g. Bearer ${{MY_TOKEN}}) or store the key \
                             in the keychain"
                        ),
                    ));
                }
                Node::string(value)
            }
        };
        out.push((name, value));
    }
    Ok((!out.is_empty()).then(|| Node::object(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Node {
        Node::object([
            (
                "Authorization".to_owned(),
                Node::string("Bearer sk-abcdefghijklmnopqrstu"),
            ),
            ("X-Title".to_owned(), Node::string("Switchboard")),
            ("X-Org".to_owned(), Node::string("${ORG_ID}")),
        ])
    }

    fn text(name: &str, value: &str) -> HeaderInput {
        HeaderInput {
            name: name.into(),
            value: HeaderValueInput::Text {
                value: value.into(),
            },
        }
    }

    #[test]
    fn views_hide_what_may_be_secret() {
        let shown = views(Some(&current()));
        assert_eq!(shown[0].value, None, "auth-like literal hidden");
        assert_eq!(shown[1].value.as_deref(), Some("Switchboard"));
        assert_eq!(shown[2].value.as_deref(), Some("${ORG_ID}"));
        let keyish = Node::object([(
            "X-Trace".to_owned(),
            Node::string("sk-abcdefghijklmnopqrstu"),
        )]);
        assert_eq!(
            views(Some(&keyish))[0].value,
            None,
            "key-shaped value hidden"
        );
        assert!(views(None).is_empty());
    }

    #[test]
    fn kept_values_stay_as_written_and_rows_replace_the_rest() {
        let rows = vec![
            HeaderInput {
                name: "Authorization".into(),
                value: HeaderValueInput::Keep,
            },
            text("X-Title", "Other"),
        ];
        let node = merge("p", Some(&current()), rows)
            .expect("merges")
            .expect("some");
        assert_eq!(
            node.get("Authorization").and_then(Node::as_str),
            Some("Bearer sk-abcdefghijklmnopqrstu")
        );
        assert_eq!(node.get("X-Title").and_then(Node::as_str), Some("Other"));
        assert!(node.get("X-Org").is_none(), "a removed row is gone");
        assert_eq!(
            merge("p", Some(&current()), Vec::new()).expect("empty"),
            None
        );
    }

    #[test]
    fn a_literal_credential_is_refused_but_a_template_is_not() {
        let err = merge(
            "p",
            None,
            vec![text("Authorization", "Bearer abc123456789")],
        )
        .expect_err("literal secret");
        let d = &err.diagnostics()[0];
        assert_eq!(d.path, "models.providers.p.headers.Authorization");
        assert!(!d.message.contains("abc123456789"), "{}", d.message);
        assert!(merge("p", None, vec![text("X-Api-Key", "${MY_KEY}")]).is_ok());
        assert!(merge("p", None, vec![text("Authorization", "Bearer ${MY_TOKEN}")]).is_ok());
    }

    #[test]
    fn bad_and_duplicate_names_are_refused_at_their_row() {
        let err = merge("p", None, vec![text("X A", "b")]).expect_err("space");
        assert_eq!(
            err.diagnostics()[0].path,
            "models.providers.p.headers[\"X A\"]"
        );
        let err = merge("p", None, vec![text("X-A", "1"), text("x-a", "2")]).expect_err("twice");
        assert!(err.diagnostics()[0].message.contains("twice"));
        let err = merge(
            "p",
            None,
            vec![HeaderInput {
                name: "X-New".into(),
                value: HeaderValueInput::Keep,
            }],
        )
        .expect_err("nothing to keep");
        assert!(err.diagnostics()[0].message.contains("no value"));
    }
}

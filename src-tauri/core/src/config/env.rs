//! `${VAR}` substitution, as OpenClaw does it: only `${NAME}` with `NAME` matching
//! `[A-Z_][A-Z0-9_]*` is replaced, `$${NAME}` stands for a literal `${NAME}`, and anything else
//! (`$NAME`, `${lower}`) is left alone.
//!
//! While validating, an unset (or empty) variable is a warning and the `${NAME}` text stays in
//! place (OpenClaw accepts such a file). When a value is actually needed, [`expand`] fails with
//! an error naming the variable. Substituted values are never put in a message.

use super::diag::{ConfigPath, Diags};
use super::error::ConfigError;
use super::json5::{Node, Value};

/// Looks up an environment variable.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Whether `name` is a variable name OpenClaw substitutes.
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

enum Token<'a> {
    Escaped(&'a str),
    Var(&'a str),
}

/// The token starting at byte `i` (a `$`), and the byte index just past it.
fn token_at(text: &str, i: usize) -> Option<(Token<'_>, usize)> {
    let rest = &text[i..];
    let (escaped, start) = if rest.starts_with("$${") {
        (true, i + 3)
    } else if rest.starts_with("${") {
        (false, i + 2)
    } else {
        return None;
    };
    let end = start + text[start..].find('}')?;
    let name = &text[start..end];
    if !is_env_name(name) {
        return None;
    }
    Some((
        if escaped {
            Token::Escaped(name)
        } else {
            Token::Var(name)
        },
        end + 1,
    ))
}

/// Substitutes `text`; `missing` is called for each unset variable, whose `${NAME}` is kept.
/// Returns `None` when the text has nothing to substitute (the common case, no allocation).
pub fn substitute(
    text: &str,
    lookup: Lookup<'_>,
    mut missing: impl FnMut(&str),
) -> Option<(String, bool)> {
    if !text.contains("${") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut substituted = false;
    let mut i = 0;
    while let Some(offset) = text[i..].find('$') {
        let at = i + offset;
        out.push_str(&text[i..at]);
        match token_at(text, at) {
            Some((Token::Escaped(name), next)) => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
                i = next;
            }
            Some((Token::Var(name), next)) => {
                match lookup(name).filter(|v| !v.is_empty()) {
                    Some(value) => {
                        out.push_str(&value);
                        substituted = true;
                    }
                    None => {
                        missing(name);
                        out.push_str(&text[at..next]);
                    }
                }
                i = next;
            }
            None => {
                out.push('$');
                i = at + 1;
            }
        }
    }
    out.push_str(&text[i..]);
    Some((out, substituted))
}

/// Expands `text` for use; an unset variable is an error naming it (and `path`).
pub fn expand(text: &str, lookup: Lookup<'_>, path: &str) -> Result<String, ConfigError> {
    let mut first_missing = None;
    let out = substitute(text, lookup, |name| {
        first_missing.get_or_insert_with(|| name.to_owned());
    });
    if let Some(name) = first_missing {
        return Err(ConfigError::MissingEnv {
            name,
            path: path.to_owned(),
        });
    }
    Ok(out.map_or_else(|| text.to_owned(), |(s, _)| s))
}

/// The variable names `text` refers to (not the escaped ones).
pub fn referenced_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(offset) = text[i..].find('$') {
        let at = i + offset;
        match token_at(text, at) {
            Some((Token::Var(name), next)) => {
                names.push(name.to_owned());
                i = next;
            }
            Some((Token::Escaped(_), next)) => i = next,
            None => i = at + 1,
        }
    }
    names
}

/// Substitutes every string value in the tree, warning once per unset variable use.
pub fn substitute_tree(node: &mut Node, path: &ConfigPath, lookup: Lookup<'_>, diags: &mut Diags) {
    let span = node.span;
    match &mut node.value {
        Value::String(text) => {
            let mut unset = Vec::new();
            if let Some((out, substituted)) = substitute(text, lookup, |n| unset.push(n.to_owned()))
            {
                for name in unset {
                    diags.warn(
                        span,
                        path,
                        format!(
                            "environment variable {name} is not set; whatever uses this value \
                             will not work until it is"
                        ),
                    );
                }
                *text = out;
                node.from_env |= substituted;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                substitute_tree(item, &path.index(i), lookup, diags);
            }
        }
        Value::Object(members) => {
            for m in members {
                substitute_tree(&mut m.value, &path.key(&m.key), lookup, diags);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "KEY" => Some("s3cr3t-value".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn substitutes_uppercase_names_and_honours_the_escape() {
        let mut missing = Vec::new();
        let out = substitute(
            "a ${KEY} $${KEY} ${lower} $KEY ${UNSET} ${EMPTY}",
            &env,
            |n| missing.push(n.to_owned()),
        );
        assert_eq!(
            out,
            Some((
                "a s3cr3t-value ${KEY} ${lower} $KEY ${UNSET} ${EMPTY}".into(),
                true
            ))
        );
        assert_eq!(missing, ["UNSET", "EMPTY"]);
        assert_eq!(substitute("plain", &env, |_| {}), None);
    }

    #[test]
    fn expand_names_the_missing_variable_and_never_the_value() {
        let err = expand("${KEY}/${UNSET}", &env, "models.providers.x.baseUrl").expect_err("unset");
        assert_eq!(
            err.to_string(),
            "models.providers.x.baseUrl: environment variable UNSET is not set"
        );
        assert_eq!(expand("${KEY}", &env, "p").expect("set"), "s3cr3t-value");
        assert_eq!(referenced_names("${A} $${B} ${C_1}"), ["A", "C_1"]);
    }
}

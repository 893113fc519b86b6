//! `$include`, as OpenClaw reads it: an object with a `"$include"` key (a path or a list of paths,
//! relative to the including file) is replaced by the included content, deep-merged with the
//! object's other keys (objects merge, arrays concatenate, other values are replaced). Includes
//! must stay inside the main file's directory, may nest ten deep and may not form a cycle.

use std::path::{Component, Path, PathBuf};

use super::diag::{ConfigPath, Diags, Span};
use super::json5::{self, Member, Node, Value};

/// The include key.
pub const INCLUDE_KEY: &str = "$include";
const MAX_DEPTH: usize = 10;
const MAX_BYTES: u64 = 2 * 1024 * 1024;

/// Reads a file's text (the real file system, or a test double).
pub type ReadFile<'a> = &'a dyn Fn(&Path) -> std::io::Result<String>;

/// Resolves includes in trees read from files; records the files it reads.
pub(crate) struct Includes<'a> {
    pub(crate) files: Vec<PathBuf>,
    root_dir: PathBuf,
    read: ReadFile<'a>,
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl<'a> Includes<'a> {
    /// Starts with the main file (file 0).
    pub(crate) fn new(main: &Path, read: ReadFile<'a>) -> Self {
        let abs = std::path::absolute(main).unwrap_or_else(|_| main.to_path_buf());
        let root_dir = normalize(abs.parent().unwrap_or(Path::new("/")));
        Includes {
            files: vec![main.to_path_buf()],
            root_dir,
            read,
        }
    }

    /// Resolves every `$include` in `node`, read from file `chain.last()`.
    pub(crate) fn resolve(
        &mut self,
        node: Node,
        chain: &[PathBuf],
        path: &ConfigPath,
        diags: &mut Diags,
    ) -> Node {
        let Node {
            span,
            range,
            value,
            from_env,
        } = node;
        let value = match value {
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| self.resolve(item, chain, &path.index(i), diags))
                    .collect(),
            ),
            Value::Object(members) => {
                if members.iter().any(|m| m.key == INCLUDE_KEY) {
                    return self.include(span, members, chain, path, diags);
                }
                Value::Object(
                    members
                        .into_iter()
                        .map(|m| {
                            let sub = path.key(&m.key);
                            Member {
                                value: self.resolve(m.value, chain, &sub, diags),
                                ..m
                            }
                        })
                        .collect(),
                )
            }
            other => other,
        };
        Node {
            span,
            range,
            value,
            from_env,
        }
    }

    fn include(
        &mut self,
        span: Span,
        members: Vec<Member>,
        chain: &[PathBuf],
        path: &ConfigPath,
        diags: &mut Diags,
    ) -> Node {
        let mut included = Node {
            span,
            range: 0..0,
            value: Value::Object(Vec::new()),
            from_env: false,
        };
        let mut rest = Vec::new();
        for m in members {
            if m.key != INCLUDE_KEY {
                rest.push(m);
                continue;
            }
            let ipath = path.key(INCLUDE_KEY);
            let targets: Vec<&Node> = match &m.value.value {
                Value::String(_) => vec![&m.value],
                Value::Array(items) => items.iter().collect(),
                _ => {
                    diags.error(
                        m.value.span,
                        &ipath,
                        "$include must be a path or a list of paths",
                    );
                    continue;
                }
            };
            let single = targets.len() == 1 && m.value.as_str().is_some();
            for target in targets {
                let Some(rel) = target.as_str() else {
                    diags.error(
                        target.span,
                        &ipath,
                        "$include list items must be paths (strings)",
                    );
                    continue;
                };
                if let Some(loaded) = self.load(rel, target.span, chain, &ipath, diags) {
                    if single {
                        included = loaded;
                    } else {
                        included = deep_merge(included, loaded);
                    }
                }
            }
        }
        if rest.is_empty() {
            return included;
        }
        if included.members().is_none() {
            diags.error(
                span,
                path,
                "keys beside $include need the included file to hold an object",
            );
            return included;
        }
        let siblings = rest
            .into_iter()
            .map(|m| {
                let sub = path.key(&m.key);
                Member {
                    value: self.resolve(m.value, chain, &sub, diags),
                    ..m
                }
            })
            .collect();
        deep_merge(
            included,
            Node {
                span,
                range: 0..0,
                value: Value::Object(siblings),
                from_env: false,
            },
        )
    }

    fn load(
        &mut self,
        rel: &str,
        span: Span,
        chain: &[PathBuf],
        ipath: &ConfigPath,
        diags: &mut Diags,
    ) -> Option<Node> {
        let including = chain.last().map(PathBuf::as_path).unwrap_or(Path::new("."));
        let base = std::path::absolute(including).unwrap_or_else(|_| including.to_path_buf());
        let target = normalize(&base.parent().unwrap_or(Path::new("/")).join(rel));
        if !target.starts_with(&self.root_dir) {
            diags.error(
                span,
                ipath,
                format!("include {rel:?} is outside the config file's directory"),
            );
            return None;
        }
        if chain
            .iter()
            .any(|c| normalize(&std::path::absolute(c).unwrap_or_else(|_| c.clone())) == target)
        {
            let names: Vec<String> = chain
                .iter()
                .chain(std::iter::once(&target))
                .map(|p| p.display().to_string())
                .collect();
            diags.error(
                span,
                ipath,
                format!("circular include: {}", names.join(" -> ")),
            );
            return None;
        }
        if chain.len() > MAX_DEPTH {
            diags.error(
                span,
                ipath,
                format!("includes nest more than {MAX_DEPTH} deep at {rel:?}"),
            );
            return None;
        }
        let text = match std::fs::metadata(&target) {
            Ok(meta) if meta.len() > MAX_BYTES => {
                diags.error(span, ipath, format!("include {rel:?} is larger than 2 MiB"));
                return None;
            }
            _ => match (self.read)(&target) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    diags.error(
                        span,
                        ipath,
                        format!("include file {} does not exist", target.display()),
                    );
                    return None;
                }
                Err(e) => {
                    diags.error(
                        span,
                        ipath,
                        format!("cannot read include file {}: {e}", target.display()),
                    );
                    return None;
                }
            },
        };
        let file = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(target.clone());
        match json5::parse(&text, file) {
            Ok(parsed) => {
                let mut next = chain.to_vec();
                next.push(target);
                Some(self.resolve(parsed.root, &next, &ConfigPath::root(), diags))
            }
            Err(e) => {
                let at = Span {
                    file,
                    line: e.line,
                    col: e.col,
                };
                diags.error(
                    at,
                    &ConfigPath::root(),
                    format!("JSON5 syntax error: {}", e.message),
                );
                None
            }
        }
    }
}

/// OpenClaw's deep merge: objects merge key by key, arrays concatenate, anything else is replaced.
pub(crate) fn deep_merge(target: Node, source: Node) -> Node {
    match (target.value, source.value) {
        (Value::Object(mut into), Value::Object(from)) => {
            for m in from {
                match into.iter().position(|t| t.key == m.key) {
                    Some(i) => {
                        let old = std::mem::replace(&mut into[i].value, Node::new(Value::Null));
                        into[i].value = deep_merge(old, m.value);
                    }
                    None => into.push(m),
                }
            }
            Node {
                span: target.span,
                range: 0..0,
                value: Value::Object(into),
                from_env: false,
            }
        }
        (Value::Array(mut a), Value::Array(b)) => {
            a.extend(b);
            Node {
                span: target.span,
                range: 0..0,
                value: Value::Array(a),
                from_env: false,
            }
        }
        (_, value) => Node { value, ..source },
    }
}

/// Whether `$include` appears anywhere in `node`.
pub fn contains_include(node: &Node) -> bool {
    match &node.value {
        Value::Object(members) => members
            .iter()
            .any(|m| m.key == INCLUDE_KEY || contains_include(&m.value)),
        Value::Array(items) => items.iter().any(contains_include),
        _ => false,
    }
}

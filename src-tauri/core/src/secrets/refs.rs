//! OpenClaw secret refs (`{source, provider, id}`) and the `secrets.providers` they name, resolved
//! as OpenClaw 2026.9.6 resolves them (`dist/resolve-*.mjs`): `env` (optional allowlist), `file`
//! (`json` with a JSON pointer id, or `singleValue` with id `value`) and `exec` (the command gets
//! `{"protocolVersion":1,"provider":…,"ids":[…]}` on stdin, a clean environment plus `passEnv`
//! and `env`, and answers `{"protocolVersion":1,"values":{…},"errors":{…}}` on stdout).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use wait_timeout::ChildExt;

use crate::config::env::Lookup;
use crate::config::secret_providers::{SecretProvider, SecretProviders};
use crate::config::SecretRef;

use super::{Error, Secret};

/// Resolves `r` (found at config `path`) with `providers` and the environment `env`.
pub fn resolve_ref(
    r: &SecretRef,
    path: &str,
    providers: &SecretProviders,
    env: Lookup<'_>,
) -> Result<Secret, Error> {
    let configured = providers.0.get(&r.provider);
    let spec = match (configured, r.source.as_str()) {
        (Some(spec), _) => spec.clone(),
        (None, "env") if r.provider == "default" => SecretProvider::Env { allowlist: None },
        (None, _) => {
            return Err(Error::config(
                path,
                format!(
                    "secret provider \"{}\" is not configured (add secrets.providers.{} with source \"{}\")",
                    r.provider, r.provider, r.source
                ),
            ))
        }
    };
    let name = &r.provider;
    match (&spec, r.source.as_str()) {
        (SecretProvider::Env { allowlist }, "env") => {
            if allowlist.as_ref().is_some_and(|a| !a.contains(&r.id)) {
                return Err(Error::config(
                    path,
                    format!("environment variable \"{}\" is not allowlisted in secrets.providers.{name}.allowlist", r.id),
                ));
            }
            env(&r.id)
                .filter(|v| !v.is_empty())
                .map(Secret::new)
                .ok_or_else(|| Error::config(path, format!("environment variable {} is not set", r.id)))
        }
        (SecretProvider::File { path: file, single_value, max_bytes }, "file") => {
            read_file_ref(file, *single_value, *max_bytes, &r.id, env)
                .map_err(|m| Error::config(path, format!("file secret provider \"{name}\": {m}")))
        }
        (SecretProvider::Exec { .. }, "exec") => {
            let mut values = run_exec(name, &spec, std::slice::from_ref(&r.id), env)
                .map_err(|m| Error::config(path, m.to_string()))?;
            values
                .remove(&r.id)
                .ok_or_else(|| Error::config(path, format!("exec provider \"{name}\" returned no value for id \"{}\"", r.id)))
        }
        (SecretProvider::Unsupported(s), _) => Err(Error::config(
            path,
            format!("secret provider \"{name}\" (source \"{s}\") is not supported by Switchboard; use env, file or exec"),
        )),
        _ => Err(Error::config(
            path,
            format!("secret provider \"{name}\" has a different source than the ref's \"{}\"", r.source),
        )),
    }
}

fn home_path(file: &str, env: Lookup<'_>) -> std::path::PathBuf {
    match (file.strip_prefix("~/"), env("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => file.into(),
    }
}

/// Why a file secret provider gave no value. Messages never contain a value.
#[derive(Debug, thiserror::Error)]
enum FileRefError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: writable by group or others; chmod 600 it", path.display())]
    Writable { path: PathBuf },
    #[error("{}: larger than {max_bytes} bytes", path.display())]
    TooLarge { path: PathBuf, max_bytes: u64 },
    #[error("a singleValue file provider expects ref id \"value\"")]
    SingleValueId,
    #[error("{}: not a JSON object", path.display())]
    NotJson { path: PathBuf },
    #[error("{id}: not a string")]
    NotString { id: String },
    #[error("{id}: not found in {}", path.display())]
    NotFound { id: String, path: PathBuf },
}

fn read_file_ref(
    file: &str,
    single_value: bool,
    max_bytes: u64,
    id: &str,
    env: Lookup<'_>,
) -> Result<Secret, FileRefError> {
    let path = home_path(file, env);
    let io = |source: std::io::Error| FileRefError::Io {
        path: path.clone(),
        source,
    };
    let meta = std::fs::metadata(&path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o022 != 0 {
            return Err(FileRefError::Writable { path: path.clone() });
        }
    }
    if meta.len() > max_bytes {
        return Err(FileRefError::TooLarge {
            path: path.clone(),
            max_bytes,
        });
    }
    let text = std::fs::read_to_string(&path).map_err(io)?;
    let text = zeroize::Zeroizing::new(text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if single_value {
        if id != "value" {
            return Err(FileRefError::SingleValueId);
        }
        let value = text.strip_suffix('\n').unwrap_or(text);
        return Ok(Secret::new(
            value.strip_suffix('\r').unwrap_or(value).to_owned(),
        ));
    }
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|_| FileRefError::NotJson { path: path.clone() })?;
    match json.pointer(id) {
        Some(serde_json::Value::String(s)) => Ok(Secret::new(s.clone())),
        Some(_) => Err(FileRefError::NotString { id: id.to_owned() }),
        None => Err(FileRefError::NotFound {
            id: id.to_owned(),
            path,
        }),
    }
}

/// Why an exec secret provider gave no values. Messages never contain a value.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExecError {
    #[error("secret provider \"{name}\" is not an exec provider")]
    NotExec { name: String },
    #[error("secrets.providers.{name}.command must be an absolute path")]
    RelativeCommand { name: String },
    #[error("exec provider \"{name}\": cannot run {}: {source}", command.display())]
    Run {
        name: String,
        command: PathBuf,
        source: std::io::Error,
    },
    #[error("exec provider \"{name}\" timed out after {millis}ms")]
    TimedOut { name: String, millis: u128 },
    #[error("exec provider output exceeded maxOutputBytes ({limit})")]
    OutputTooLarge { limit: u64 },
    #[error("exec provider \"{name}\" exited with code {code}")]
    Exited { name: String, code: String },
    #[error("exec provider \"{name}\" returned empty stdout")]
    EmptyStdout { name: String },
    #[error("exec provider \"{name}\" returned invalid JSON")]
    InvalidJson { name: String },
    #[error("exec provider \"{name}\" response must be an object")]
    NotObject { name: String },
    #[error("exec provider \"{name}\" protocolVersion must be 1")]
    ProtocolVersion { name: String },
    #[error("exec provider \"{name}\" response missing \"values\"")]
    MissingValues { name: String },
    #[error("exec provider \"{name}\" failed for id \"{id}\" ({code})")]
    Failed {
        name: String,
        id: String,
        code: String,
    },
    #[error("exec provider \"{name}\" value for id \"{id}\" is not a string")]
    NotString { name: String, id: String },
    #[error("exec provider \"{name}\" response missing id \"{id}\"")]
    MissingId { name: String, id: String },
}

/// Runs an exec secret provider for `ids`; the values it returned, by id.
pub(crate) fn run_exec(
    name: &str,
    spec: &SecretProvider,
    ids: &[String],
    env: Lookup<'_>,
) -> Result<HashMap<String, Secret>, ExecError> {
    let SecretProvider::Exec {
        command,
        args,
        timeout,
        max_output_bytes,
        json_only,
        env: set,
        pass_env,
    } = spec
    else {
        return Err(ExecError::NotExec {
            name: name.to_owned(),
        });
    };
    let command = Path::new(command);
    if !command.is_absolute() {
        return Err(ExecError::RelativeCommand {
            name: name.to_owned(),
        });
    }
    let request = serde_json::json!({"protocolVersion": 1, "provider": name, "ids": ids});
    let mut cmd = Command::new(command);
    cmd.args(args)
        .env_clear()
        .envs(pass_env.iter().filter_map(|k| Some((k, env(k)?))))
        .envs(set.iter().map(|(k, v)| (k, v)))
        .current_dir(command.parent().unwrap_or(Path::new("/")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let failed = |e: std::io::Error| ExecError::Run {
        name: name.to_owned(),
        command: command.to_path_buf(),
        source: e,
    };
    let mut child = cmd.spawn().map_err(failed)?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that exits without reading its input is judged by its answer below.
        let _ignored = stdin.write_all(request.to_string().as_bytes());
    }
    let stdout = child.stdout.take();
    let limit = *max_output_bytes;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(out) = stdout {
            let _partial = out.take(limit + 1).read_to_end(&mut buf);
        }
        buf
    });
    let status = match child.wait_timeout(*timeout).map_err(failed)? {
        Some(status) => status,
        None => {
            // Best effort: the command is being abandoned either way.
            let _killed = child.kill();
            let _reaped = child.wait();
            return Err(ExecError::TimedOut {
                name: name.to_owned(),
                millis: timeout.as_millis(),
            });
        }
    };
    let out = zeroize::Zeroizing::new(reader.join().unwrap_or_default());
    if out.len() as u64 > limit {
        return Err(ExecError::OutputTooLarge { limit });
    }
    if !status.success() {
        let code = status
            .code()
            .map_or("a signal".to_owned(), |c| c.to_string());
        return Err(ExecError::Exited {
            name: name.to_owned(),
            code,
        });
    }
    parse_exec_values(name, ids, &String::from_utf8_lossy(&out), *json_only)
}

/// OpenClaw's `parseExecValues`: the protocol answer, or (when `jsonOnly` is false and one id was
/// asked for) the raw output as the value.
pub(crate) fn parse_exec_values(
    name: &str,
    ids: &[String],
    stdout: &str,
    json_only: bool,
) -> Result<HashMap<String, Secret>, ExecError> {
    let trimmed = stdout.trim();
    if trimmed.is_empty() {
        return Err(ExecError::EmptyStdout {
            name: name.to_owned(),
        });
    }
    let single = !json_only && ids.len() == 1;
    let parsed: serde_json::Value = match serde_json::from_str(trimmed) {
        Ok(v) => v,
        Err(_) if single => {
            return Ok(HashMap::from([(
                ids[0].clone(),
                Secret::new(trimmed.to_owned()),
            )]))
        }
        Err(_) => {
            return Err(ExecError::InvalidJson {
                name: name.to_owned(),
            })
        }
    };
    let Some(obj) = parsed.as_object() else {
        if let (true, Some(s)) = (single, parsed.as_str()) {
            return Ok(HashMap::from([(ids[0].clone(), Secret::new(s.to_owned()))]));
        }
        return Err(ExecError::NotObject {
            name: name.to_owned(),
        });
    };
    if obj
        .get("protocolVersion")
        .and_then(serde_json::Value::as_f64)
        != Some(1.0)
    {
        return Err(ExecError::ProtocolVersion {
            name: name.to_owned(),
        });
    }
    let Some(values) = obj.get("values").and_then(serde_json::Value::as_object) else {
        return Err(ExecError::MissingValues {
            name: name.to_owned(),
        });
    };
    let errors = obj.get("errors").and_then(serde_json::Value::as_object);
    let mut out = HashMap::new();
    for id in ids {
        if let Some(entry) = errors.and_then(|e| e.get(id)) {
            let code = entry
                .get("code")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("error");
            let code = if ["NOT_FOUND", "AMBIGUOUS_DUPLICATE_KEY"].contains(&code) {
                code
            } else {
                "error"
            };
            return Err(ExecError::Failed {
                name: name.to_owned(),
                id: id.clone(),
                code: code.to_owned(),
            });
        }
        match values.get(id) {
            Some(serde_json::Value::String(s)) => {
                out.insert(id.clone(), Secret::new(s.clone()));
            }
            Some(_) => {
                return Err(ExecError::NotString {
                    name: name.to_owned(),
                    id: id.clone(),
                })
            }
            None => {
                return Err(ExecError::MissingId {
                    name: name.to_owned(),
                    id: id.clone(),
                })
            }
        }
    }
    Ok(out)
}

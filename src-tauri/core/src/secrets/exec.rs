//! `switchboard keys get`: the answering side of OpenClaw's `exec` secret-provider protocol, as
//! `openclaw@2026.9.6` defines it (`resolveExecRefs`/`parseExecValues` in `dist/resolve-*.mjs`).
//!
//! OpenClaw runs the command with a clean environment (only `passEnv` and `env`), writes
//! `{"protocolVersion":1,"provider":"<alias>","ids":["<id>",…]}` to its stdin and reads one JSON
//! object from its stdout: `{"protocolVersion":1,"values":{"<id>":"<secret>"},
//! "errors":{"<id>":{"code":"NOT_FOUND","message":"…"}}}`, exit status 0. Here each id is a
//! provider id and each value the key stored for it in the keychain.

use std::io::{Read, Write};

use zeroize::Zeroizing;

use super::{Error, Store};

/// The protocol version OpenClaw requires.
pub const PROTOCOL_VERSION: u64 = 1;
/// The largest request accepted (OpenClaw's own batch limit).
const MAX_REQUEST_BYTES: u64 = 262_144;

/// A parsed request: the provider alias and the ids asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The `secrets.providers` alias OpenClaw resolved through.
    pub provider: String,
    /// The ids (provider ids here).
    pub ids: Vec<String>,
}

/// Parses a request; errors are for stderr (OpenClaw reports a non-zero exit).
pub fn parse_request(text: &str) -> Result<Request, Error> {
    let bad = |m: &str| {
        Error::InvalidInput(format!(
            "keys get: {m} (expected OpenClaw's exec protocol request on stdin)"
        ))
    };
    let v: serde_json::Value =
        serde_json::from_str(text.trim()).map_err(|_| bad("stdin is not JSON"))?;
    if v.get("protocolVersion").and_then(serde_json::Value::as_u64) != Some(PROTOCOL_VERSION) {
        return Err(bad("protocolVersion must be 1"));
    }
    let provider = v
        .get("provider")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let ids = v
        .get("ids")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| bad("\"ids\" must be an array of strings"))?
        .iter()
        .map(|id| {
            id.as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad("\"ids\" must be an array of strings"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Request { provider, ids })
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Answers `request` from `store`: the response JSON (one line, no trailing newline).
///
/// A missing key is `NOT_FOUND`; a keychain failure is reported per id with code
/// `KEYCHAIN_UNAVAILABLE` (OpenClaw shows it as a provider error) and logged without the key.
pub fn respond(request: &Request, store: &dyn Store) -> Zeroizing<String> {
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for id in &request.ids {
        match store.get(id) {
            Ok(Some(secret)) => values.push(format!("{}:{}", quoted(id), quoted(secret.expose()))),
            Ok(None) => errors.push(format!(
                "{}:{{\"code\":\"NOT_FOUND\",\"message\":{}}}",
                quoted(id),
                quoted(&format!(
                    "no key for {id} in the keychain; run `switchboard keys set {id}`"
                ))
            )),
            Err(e) => {
                tracing::warn!("keys get {id}: {e}");
                errors.push(format!(
                    "{}:{{\"code\":\"KEYCHAIN_UNAVAILABLE\",\"message\":{}}}",
                    quoted(id),
                    quoted(&e.to_string())
                ));
            }
        }
    }
    let mut out = Zeroizing::new(format!(
        "{{\"protocolVersion\":{PROTOCOL_VERSION},\"values\":{{"
    ));
    out.push_str(&values.join(","));
    values.iter_mut().for_each(zeroize::Zeroize::zeroize);
    out.push('}');
    if !errors.is_empty() {
        out.push_str(",\"errors\":{");
        out.push_str(&errors.join(","));
        out.push('}');
    }
    out.push('}');
    out
}

/// Reads a request from `input` and writes the answer to `out`.
pub fn serve(input: &mut dyn Read, out: &mut dyn Write, store: &dyn Store) -> Result<(), Error> {
    let mut text = String::new();
    input
        .take(MAX_REQUEST_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| Error::io("<stdin>", e))?;
    let request = parse_request(&text)?;
    let answer = respond(&request, store);
    out.write_all(answer.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{refs::parse_exec_values, MemoryStore, Secret};

    #[test]
    fn answers_in_the_shape_openclaw_parses() {
        let store = MemoryStore::new();
        store
            .set("openai", &Secret::new("sb-exec-unit-key-1"))
            .expect("set");
        let mut out = Vec::new();
        let input =
            br#"{"protocolVersion":1,"provider":"switchboard","ids":["openai","anthropic"]}"#;
        serve(&mut &input[..], &mut out, &store).expect("serves");
        let text = String::from_utf8(out).expect("utf-8");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["protocolVersion"], 1);
        assert_eq!(v["values"]["openai"], "sb-exec-unit-key-1");
        assert_eq!(v["errors"]["anthropic"]["code"], "NOT_FOUND");
        // Our own reader of the protocol (OpenClaw's rules) agrees.
        let ids = ["openai".to_owned()];
        let got = parse_exec_values("switchboard", &ids, &text, true).expect("parses");
        assert_eq!(got["openai"].expose(), "sb-exec-unit-key-1");
        let both = ["openai".to_owned(), "anthropic".to_owned()];
        let err = parse_exec_values("switchboard", &both, &text, true).expect_err("not found");
        assert!(err.to_string().contains("(NOT_FOUND)"), "{err}");
    }

    #[test]
    fn bad_requests_are_errors() {
        for bad in [
            "",
            "[]",
            r#"{"protocolVersion":2,"ids":[]}"#,
            r#"{"protocolVersion":1,"ids":[1]}"#,
        ] {
            assert!(parse_request(bad).is_err(), "{bad}");
        }
        let none = MemoryStore::unavailable();
        let r = parse_request(r#"{"protocolVersion":1,"provider":"p","ids":["x"]}"#).expect("ok");
        let text = respond(&r, &none);
        assert!(text.contains("KEYCHAIN_UNAVAILABLE"), "{}", *text);
        assert!(text.contains("\"values\":{}"), "{}", *text);
    }
}

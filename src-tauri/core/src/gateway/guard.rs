//! The gateway's gate: the owner's token (a file created 0600 on first start) or a person's
//! ([`super::people`]), sent as a bearer token or, as Anthropic clients do, as `x-api-key`; the
//! `Host` check that defeats DNS rebinding (only loopback names, unless the gateway listens
//! beyond loopback, where every request needs a token anyway); the `Origin` check that refuses
//! web pages elsewhere; and errors in the shape of the API that was called. Who called goes to
//! the handlers as a [`Caller`] request extension.

use std::io::Write;
use std::path::Path;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::people::{LivePeople, People, Person};
use crate::secrets::Secret;

/// Who sent a request, for budgets and counters.
#[derive(Debug, Clone)]
pub enum Caller {
    /// The token file's owner.
    Owner,
    /// A person with their own token.
    Person(Arc<Person>),
}

impl Caller {
    /// The key of the caller's counters in the state store.
    pub fn tally_key(&self) -> String {
        match self {
            Caller::Owner => "owner".to_owned(),
            Caller::Person(p) => p.tally_key(),
        }
    }
}

/// What the gate checks requests against.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The owner's token.
    pub owner: Secret,
    /// People with their own tokens (the file as it is now).
    pub people: Arc<LivePeople>,
    /// Any `Host` is answered (the gateway listens beyond loopback, behind a proxy).
    pub any_host: bool,
}

impl Gate {
    /// Only the owner's token, only loopback names.
    pub fn owner(owner: Secret) -> Gate {
        Gate {
            owner,
            people: Arc::new(LivePeople::fixed(People::default())),
            any_host: false,
        }
    }
}

/// The token file: read it, or create it (0600) with a new random token.
/// Returns the token and whether it was created.
pub fn load_or_create_token(path: &Path) -> std::io::Result<(Secret, bool)> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => {
            if crate::private_files::open_to_others(path)? {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!(
                        "the token file is readable by other users; run `chmod 600 {}` (or \
                         delete it for a new token)",
                        path.display()
                    ),
                ));
            }
            return Ok((Secret::new(text.trim()), false));
        }
        Ok(_) => std::fs::remove_file(path)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_files::private_dir(dir)?;
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    let token: String = std::iter::once("sb-".to_owned())
        .chain(bytes.iter().map(|b| format!("{b:02x}")))
        .collect();
    let mut options = std::fs::OpenOptions::new();
    // A file that appears meanwhile (another gateway starting) is an error, never overwritten.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    writeln!(file, "{token}")?;
    file.sync_all()?;
    Ok((Secret::new(token), true))
}

/// Which API a request called, for the shape of its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// OpenAI's (chat completions, responses, models): `{"error": {message, type, param, code}}`.
    OpenAi,
    /// Anthropic's (messages): `{"type": "error", "error": {type, message}}`.
    Anthropic,
}

impl Dialect {
    /// The dialect of a request path.
    pub fn of_path(path: &str) -> Dialect {
        if path.starts_with("/v1/messages") {
            Dialect::Anthropic
        } else {
            Dialect::OpenAi
        }
    }

    /// An error response in this dialect's shape. `kind` and `code` are OpenAI's; Anthropic's
    /// error type follows from the status, as its API documents.
    pub fn error(
        self,
        status: StatusCode,
        kind: &str,
        code: Option<&str>,
        message: &str,
    ) -> Response {
        match self {
            Dialect::OpenAi => error(status, kind, code, message),
            Dialect::Anthropic => {
                let kind = match status.as_u16() {
                    400 | 422 => "invalid_request_error",
                    401 => "authentication_error",
                    402 => "billing_error",
                    403 => "permission_error",
                    404 => "not_found_error",
                    413 => "request_too_large",
                    429 => "rate_limit_error",
                    503 | 529 => "overloaded_error",
                    504 => "timeout_error",
                    _ => "api_error",
                };
                let body = json!({"type": "error", "error": {"type": kind, "message": message}});
                json_body(status, &body)
            }
        }
    }
}

/// An error response in OpenAI's shape: `{"error": {message, type, param, code}}`.
pub fn error(status: StatusCode, kind: &str, code: Option<&str>, message: &str) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    json_body(status, &body)
}

/// A JSON response.
pub(super) fn json_body(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// Whether `host` (a `Host` header value) names this machine's loopback.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:port
        rest.split_once(']').map_or("", |(h, _)| h)
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(h, _)| h)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name == "127.0.0.1" || name == "::1"
}

/// Whether an `Origin` header names a page on this machine's loopback (`http://localhost:3000`).
fn is_loopback_origin(origin: &str) -> bool {
    origin
        .split_once("://")
        .is_some_and(|(scheme, host)| matches!(scheme, "http" | "https") && is_loopback_host(host))
}

/// The token sent: `Authorization: Bearer`, else `x-api-key` (Anthropic's clients).
fn sent_token(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    bearer.or_else(|| {
        let key = headers.get("x-api-key")?.to_str().ok()?;
        Some(key.trim())
    })
}

/// Compares without an early exit, so timing does not reveal a prefix.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The middleware: loopback `Host` first, then no `Origin` from a web page elsewhere (a browser
/// always sends one), then the bearer token.
pub async fn gate(State(gate): State<Gate>, mut request: Request<Body>, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let dialect = Dialect::of_path(request.uri().path());
    if !gate.any_host && !host.is_some_and(is_loopback_host) {
        return dialect.error(
            StatusCode::FORBIDDEN,
            "permission_error",
            Some("host_not_allowed"),
            "this gateway only answers requests addressed to localhost or 127.0.0.1",
        );
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        if !origin.to_str().is_ok_and(is_loopback_origin) {
            return dialect.error(
                StatusCode::FORBIDDEN,
                "permission_error",
                Some("origin_not_allowed"),
                "this gateway does not answer web pages: requests with an Origin header from \
                 another site are refused",
            );
        }
    }
    let sent = sent_token(request.headers()).map(str::to_owned);
    let caller = match sent.as_deref() {
        Some(sent) if same(sent.as_bytes(), gate.owner.expose().as_bytes()) => Some(Caller::Owner),
        Some(sent) => gate.people.find(sent).map(Caller::Person),
        None => None,
    };
    match (caller, sent) {
        (Some(caller), _) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        (None, Some(_)) => dialect.error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            Some("invalid_api_key"),
            "wrong token: use the one in the gateway's token file, or your own from \
             `switchboard serve token add`",
        ),
        (None, None) => dialect.error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            Some("missing_api_key"),
            "missing token: send Authorization: Bearer <token from the gateway's token file> \
             (or x-api-key: <token>)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_only() {
        for ok in [
            "localhost",
            "localhost:4141",
            "127.0.0.1:4141",
            "[::1]:4141",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:4141",
            "127.0.0.1.nip.io",
            "192.168.1.2:4141",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
        assert!(is_loopback_origin("http://localhost:3000"));
        assert!(is_loopback_origin("http://127.0.0.1"));
        for bad in [
            "https://evil.example",
            "null",
            "file://",
            "http://localhost.evil.example",
        ] {
            assert!(!is_loopback_origin(bad), "{bad}");
        }
    }

    #[test]
    fn token_file_is_created_private_then_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/token");
        let (token, created) = load_or_create_token(&path).expect("create");
        assert!(created && token.expose().len() > 60);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, created) = load_or_create_token(&path).expect("read");
        assert!(!created);
        assert_eq!(again.expose(), token.expose());
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("token");
        std::fs::write(&path, "sb-leaked\n").expect("writes");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let err = load_or_create_token(&path).expect_err("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(err.to_string().contains("chmod 600"), "{err}");
        assert!(
            !err.to_string().contains("sb-leaked"),
            "the token is never shown"
        );
        // An empty file someone left is replaced by a new private one.
        std::fs::write(&path, "").expect("writes");
        let (_, created) = load_or_create_token(&path).expect("creates");
        assert!(created);
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

//! Turning an HTTP error reply (status, headers, body of any shape) or an in-stream error frame
//! into a typed [`ProviderError`].

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::error::{ProviderError, ProviderErrorKind as Kind};

/// Error bodies are read up to this many bytes.
pub const ERROR_BODY_CAP: usize = 16 * 1024;
/// Messages are cut to this many characters.
const MESSAGE_CAP: usize = 500;

/// The error for an HTTP reply with a non-success `status`.
pub fn http_error(status: u16, retry_after: Option<Duration>, body: &[u8]) -> ProviderError {
    let (message, code, kind_text) = error_fields(body);
    let kind = status_kind(status, &message, code.as_deref(), kind_text.as_deref());
    ProviderError::new(kind, message)
        .with_status(status)
        .with_retry_after(retry_after)
}

/// The error for an error object found inside a stream or a 200 body (no HTTP status).
pub fn frame_error(error: &Value) -> ProviderError {
    let (message, code, kind_text) = fields_of(error);
    let status = code
        .as_deref()
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|s| (400..600).contains(s));
    let kind = match status {
        Some(status) => status_kind(status, &message, code.as_deref(), kind_text.as_deref()),
        None => text_kind(&message, code.as_deref(), kind_text.as_deref()).unwrap_or(Kind::Server),
    };
    let err = ProviderError::new(kind, message);
    match status {
        Some(status) => err.with_status(status),
        None => err,
    }
}

fn status_kind(status: u16, message: &str, code: Option<&str>, kind: Option<&str>) -> Kind {
    let by_text = text_kind(message, code, kind);
    match status {
        401 => Kind::Auth,
        402 => Kind::Billing,
        403 => Kind::Forbidden,
        404 => Kind::NotFound,
        408 => Kind::Timeout,
        413 => Kind::ContextOverflow,
        429 if by_text == Some(Kind::Billing) => Kind::Billing,
        429 => Kind::RateLimit,
        503 | 529 => Kind::Overloaded,
        400..=499 => match by_text {
            Some(
                k @ (Kind::ContextOverflow
                | Kind::NotFound
                | Kind::ModelNotLoaded
                | Kind::Billing
                | Kind::Auth),
            ) => k,
            _ => Kind::BadRequest,
        },
        500..=599 if by_text == Some(Kind::ContextOverflow) => Kind::ContextOverflow,
        _ => Kind::Server,
    }
}

/// A kind read from the message, the `code` and the `type` (Anthropic's error types too).
fn text_kind(message: &str, code: Option<&str>, kind: Option<&str>) -> Option<Kind> {
    let lookup = |name: Option<&str>| match name.unwrap_or_default() {
        "authentication_error" | "invalid_api_key" | "auth_error" => Some(Kind::Auth),
        "permission_error" => Some(Kind::Forbidden),
        "billing_error" | "insufficient_quota" => Some(Kind::Billing),
        "not_found_error" | "model_not_found" => Some(Kind::NotFound),
        "rate_limit_error" | "rate_limit_exceeded" => Some(Kind::RateLimit),
        "overloaded_error" => Some(Kind::Overloaded),
        "api_error" | "server_error" => Some(Kind::Server),
        "timeout_error" => Some(Kind::Timeout),
        "request_too_large" | "context_length_exceeded" => Some(Kind::ContextOverflow),
        _ => None,
    };
    let typed = lookup(kind).or_else(|| lookup(code));
    if code == Some("insufficient_quota") || code == Some("context_length_exceeded") {
        return typed;
    }
    let lower = message.to_ascii_lowercase();
    const OVERFLOW: &[&str] = &[
        "context length",
        "context_length",
        "context window",
        "contextwindowexceeded",
        "maximum context",
        "prompt is too long",
        "too many tokens",
        "input is too long",
        "n_keep",
        "greater than the context",
        "exceeds the model's context",
    ];
    // LM Studio with just-in-time loading off: "No models loaded. Please load a model …".
    const NOT_LOADED: &[&str] = &["no models loaded", "no model loaded", "model is not loaded"];
    const NOT_FOUND: &[&str] = &[
        "invalid model identifier",
        "model not found",
        "unknown model",
        "model_not_found",
        "unexpected endpoint or method",
    ];
    if OVERFLOW.iter().any(|p| lower.contains(p)) {
        Some(Kind::ContextOverflow)
    } else if NOT_LOADED.iter().any(|p| lower.contains(p)) {
        Some(Kind::ModelNotLoaded)
    } else if code == Some("model_not_found") || NOT_FOUND.iter().any(|p| lower.contains(p)) {
        Some(Kind::NotFound)
    } else {
        typed
    }
}

/// The message, code and type of an error body, whatever its shape (JSON or not).
fn error_fields(body: &[u8]) -> (String, Option<String>, Option<String>) {
    let body = &body[..body.len().min(ERROR_BODY_CAP)];
    let text = String::from_utf8_lossy(body);
    match serde_json::from_str::<Value>(text.trim()) {
        Ok(value) => fields_of(&value),
        Err(_) => (plain_message(&text), None, None),
    }
}

fn fields_of(value: &Value) -> (String, Option<String>, Option<String>) {
    // `{"error":{…}}`, `{"error":"…"}`, Anthropic's `{"type":"error","error":{…}}`, `{"message":…}`.
    let error = value.get("error").unwrap_or(value);
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let message = match error {
        Value::String(s) => s.clone(),
        _ => text(error.get("message"))
            .or_else(|| text(value.get("message")))
            .or_else(|| text(value.get("detail")))
            .unwrap_or_else(|| value.to_string()),
    };
    (
        cap(message.trim()),
        text(error.get("code")),
        text(error.get("type")),
    )
}

/// A non-JSON body (an HTML error page, plain text): its text without tags, cut short.
fn plain_message(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MESSAGE_CAP));
    let mut in_tag = false;
    let mut last_space = true;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            c => {
                out.push(c);
                last_space = false;
            }
        }
        if out.len() > MESSAGE_CAP * 2 {
            break;
        }
    }
    cap(out.trim())
}

fn cap(text: &str) -> String {
    match text.char_indices().nth(MESSAGE_CAP) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    parse_retry_after(get("retry-after")?, SystemTime::now())
}

/// Parses a `Retry-After` value relative to `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(86_400.0)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(status: u16, body: &str) -> Kind {
        http_error(status, None, body.as_bytes()).kind()
    }

    #[test]
    fn statuses_map_to_kinds() {
        let openai = |m: &str| format!(r#"{{"error":{{"message":"{m}","type":"x","code":null}}}}"#);
        assert_eq!(kind(401, &openai("bad key")), Kind::Auth);
        assert_eq!(kind(402, "{}"), Kind::Billing);
        assert_eq!(kind(403, "{}"), Kind::Forbidden);
        assert_eq!(kind(404, "{}"), Kind::NotFound);
        assert_eq!(kind(408, "{}"), Kind::Timeout);
        assert_eq!(kind(429, &openai("slow")), Kind::RateLimit);
        assert_eq!(kind(503, "{}"), Kind::Overloaded);
        assert_eq!(kind(529, "{}"), Kind::Overloaded);
        assert_eq!(
            kind(500, "<html><body><h1>Oops</h1></body></html>"),
            Kind::Server
        );
        assert_eq!(kind(502, "{}"), Kind::Server);
        assert_eq!(kind(400, &openai("bad temperature")), Kind::BadRequest);
        assert_eq!(kind(422, "{}"), Kind::BadRequest);
    }

    #[test]
    fn context_overflow_messages_are_recognized() {
        for body in [
            r#"{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
            r#"{"error":"The number of tokens to keep from the initial prompt is greater than the context length (n_keep: 9000>= n_ctx: 4096). Try to load the model with a larger context length, or provide a shorter input."}"#,
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#,
            r#"{"error":{"message":"litellm.ContextWindowExceededError: boom","type":"invalid_request_error","param":null,"code":"400"}}"#,
        ] {
            assert_eq!(kind(400, body), Kind::ContextOverflow, "{body}");
        }
    }

    #[test]
    fn lm_studio_model_errors_are_not_found_or_not_loaded() {
        let body = r#"{"error":{"message":"Invalid model identifier \"x\". Please specify a valid downloaded model (e.g., a, b).","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#;
        assert_eq!(kind(400, body), Kind::NotFound);
        let not_loaded = "No models loaded. Please load a model in the developer page or use the 'lms load' command.";
        assert_eq!(
            kind(400, &format!(r#"{{"error":"{not_loaded}"}}"#)),
            Kind::ModelNotLoaded
        );
        // The shape LM Studio 0.3 sends (and the tests' fake LM Studio), with `param: model`.
        assert_eq!(
            kind(
                400,
                &format!(
                    r#"{{"error":{{"message":"{not_loaded}","type":"invalid_request_error","param":"model","code":null}}}}"#
                )
            ),
            Kind::ModelNotLoaded
        );
        let frame: Value =
            serde_json::from_str(&format!(r#"{{"error":{{"message":"{not_loaded}"}}}}"#))
                .expect("json");
        assert_eq!(frame_error(&frame).kind(), Kind::ModelNotLoaded);
        assert_eq!(
            kind(
                429,
                r#"{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}"#
            ),
            Kind::Billing
        );
    }

    #[test]
    fn html_bodies_become_short_text() {
        let err = http_error(500, None, b"<html><head><title>500</title></head><body><h1>Internal Server Error</h1></body></html>");
        assert_eq!(err.message(), "500Internal Server Error");
        let long = "x".repeat(100_000);
        assert!(
            http_error(500, None, long.as_bytes())
                .message()
                .chars()
                .count()
                <= MESSAGE_CAP + 1
        );
    }

    #[test]
    fn anthropic_stream_errors_are_typed() {
        let frame: Value = serde_json::from_str(
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .expect("json");
        assert_eq!(frame_error(&frame).kind(), Kind::Overloaded);
        let litellm: Value =
            serde_json::from_str(r#"{"error":{"message":"boom","type":null,"code":"429"}}"#)
                .expect("json");
        let err = frame_error(&litellm);
        assert_eq!((err.kind(), err.status()), (Kind::RateLimit, Some(429)));
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}

//! Testing a route before it is saved: one tiny chat ("Reply with OK.") to a [`Draft`] — a
//! model that is not in the config yet — so the Setup wizard can test every route and still
//! write nothing until the person saves.
//!
//! [`draft_target_with`] turns a draft into a [`Target`] without touching the config file: the
//! key is the one the person typed (not stored yet), else the provider's key resolved the usual
//! way (keychain, the configured `apiKey`, the conventional variable; local servers need
//! none). [`check_target`] sends the message, streaming so the first token is timed as it
//! arrives, within a bounded time, and returns the latency, a short preview of the reply and
//! the usage, or the typed [`ProviderError`] (never holding the key).

use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::model::{Config, Provider};
use crate::secrets::{KeyringStore, Store};

use super::client::Client;
use super::error::{ProviderError, ProviderErrorKind as Kind};
use super::key_test::stored_key_may_go_to;
use super::secret::{resolve_api_key_with, Secret};
use super::target::{header_secret, max_tokens_field_for, Api, Target, Timeouts};
use super::types::{ChatRequest, Event, StopReason, Turn, Usage};

/// What a route test asks.
pub const TEST_PROMPT: &str = "Reply with OK.";
/// Enough output for a reasoning model to think a little and still say "OK".
pub const TEST_MAX_TOKENS: u64 = 64;
/// How long a whole test may take (a local model may still be loading).
pub const TEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of the reply is kept, in characters.
pub const PREVIEW_CHARS: usize = 80;

/// A model to test that is not (necessarily) in the config yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The provider id it will be saved under (`lmstudio`, `anthropic`, …); keys are looked up
    /// by it.
    pub provider: String,
    /// The provider-facing model id.
    pub model: String,
    /// The wire API (`openai-completions`, `openai-responses`, `anthropic-messages`).
    pub api: String,
    /// The base URL (`http://127.0.0.1:1234/v1`).
    pub base_url: String,
    /// Extra headers; a header whose name says auth/key/token/secret is treated as a secret.
    pub headers: Vec<(String, String)>,
}

/// What a route that answered did.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteCheck {
    /// From sending to the first token (answer or reasoning); `None` for an empty answer.
    pub first_token: Option<Duration>,
    /// From sending to the end of the answer.
    pub elapsed: Duration,
    /// The answer, whitespace collapsed, cut to [`PREVIEW_CHARS`] (with "…").
    pub preview: String,
    /// The model reasoned before (or instead of) answering.
    pub reasoned: bool,
    /// Token counts, when the server reports them.
    pub usage: Option<Usage>,
    /// Why the answer ended (`length` is fine: the budget is small on purpose).
    pub stop: StopReason,
}

fn invalid(message: impl AsRef<str>) -> ProviderError {
    ProviderError::new(Kind::Config, message)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// [`draft_target_with`] over the OS keychain and the process environment.
pub fn draft_target(
    draft: &Draft,
    key: Option<Secret>,
    config: &Config,
) -> Result<Target, ProviderError> {
    draft_target_with(draft, key, config, &KeyringStore::default(), &env)
}

/// The [`Target`] for `draft`. `key` is a key typed but not saved; without one, the key is
/// resolved for the draft's provider id: from `store`, else from `config`'s provider of that
/// id (its `apiKey`, with `config`'s `secrets.providers`), else the conventional variable —
/// but only when the draft's base URL is that provider's own server (its configured base URL,
/// or its well-known endpoint); elsewhere no stored key is sent.
/// `config` is only read (an empty one is fine: nothing needs to be on disk).
pub fn draft_target_with(
    draft: &Draft,
    key: Option<Secret>,
    config: &Config,
    store: &dyn Store,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Target, ProviderError> {
    let provider_id = draft.provider.trim();
    let model = draft.model.trim();
    let base_url = draft.base_url.trim().trim_end_matches('/');
    if provider_id.is_empty() || provider_id.contains('/') {
        return Err(invalid("give a provider id (letters, digits, dot, dash)"));
    }
    if model.is_empty() {
        return Err(invalid(format!("{provider_id}: give a model id")));
    }
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(invalid(format!(
            "{provider_id}: the base URL must start with http:// or https://"
        )));
    }
    if Api::from_name(&draft.api).is_none() {
        return Err(ProviderError::new(
            Kind::Unsupported,
            format!(
                "api \"{}\" is not supported yet; use openai-completions, openai-responses or \
                 anthropic-messages",
                draft.api
            ),
        ));
    }
    let configured_base = config
        .provider(provider_id)
        .and_then(|p| p.base_url.as_deref());
    let key = match key {
        Some(key) => Some(key),
        // The draft's base URL comes from the window: a stored key only goes to its
        // provider's own server, never wherever a draft points.
        None if !stored_key_may_go_to(provider_id, configured_base, base_url) => None,
        None => {
            let bare = Provider {
                id: provider_id.to_owned(),
                base_url: Some(base_url.to_owned()),
                ..Provider::default()
            };
            let configured = config.provider(provider_id).unwrap_or(&bare);
            resolve_api_key_with(
                provider_id,
                configured,
                base_url,
                store,
                &config.secret_providers,
                lookup,
            )?
        }
    };
    Ok(Target {
        provider: provider_id.to_owned(),
        model: model.to_owned(),
        api: draft.api.clone(),
        base_url: base_url.to_owned(),
        key,
        headers: draft
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), header_secret(name, value.clone())))
            .collect(),
        auth_header: None,
        max_tokens: Some(TEST_MAX_TOKENS),
        params: serde_json::Map::new(),
        cost: None,
        max_tokens_field: max_tokens_field_for(base_url),
        usage_in_streaming: true,
        timeouts: Timeouts {
            connect: Duration::from_secs(10),
            first_byte: TEST_TIMEOUT,
            idle: TEST_TIMEOUT,
            // A key test is one short answer: it never needs longer than this in all.
            total: Some(TEST_TIMEOUT),
        },
    })
}

/// The test request: one user turn, streamed.
pub fn test_request() -> ChatRequest {
    ChatRequest {
        system: None,
        turns: vec![Turn::user(TEST_PROMPT)],
        stream: true,
        ..ChatRequest::default()
    }
}

/// Sends [`TEST_PROMPT`] to `target` and reads the whole (short) answer, giving up after
/// `limit`. Cancelling `cancel` ends the test with a [`Kind::Cancelled`] error.
pub async fn check_target(
    client: &Client,
    target: &Target,
    limit: Duration,
    cancel: CancellationToken,
) -> Result<RouteCheck, ProviderError> {
    let started = Instant::now();
    let run = async {
        let mut stream = client.send(target, &test_request(), cancel.clone()).await?;
        let mut text = String::new();
        let mut first_token = None;
        let mut reasoned = false;
        let mut usage = None;
        let mut stop = None;
        while let Some(event) = stream.next().await {
            match event? {
                Event::Text(piece) => {
                    if !piece.is_empty() {
                        first_token.get_or_insert_with(|| started.elapsed());
                    }
                    // The preview needs little; a chatty model must not grow this unbounded.
                    if text.len() < PREVIEW_CHARS * 8 {
                        text.push_str(&piece);
                    }
                }
                Event::Reasoning(piece) => {
                    if !piece.is_empty() {
                        first_token.get_or_insert_with(|| started.elapsed());
                        reasoned = true;
                    }
                }
                Event::Usage(u) => usage = Some(u),
                Event::ToolCall(_) => {
                    first_token.get_or_insert_with(|| started.elapsed());
                }
                Event::Done(reason) => {
                    stop = Some(reason);
                    break;
                }
            }
        }
        match stop {
            Some(StopReason::Cancelled) => Err(ProviderError::new(
                Kind::Cancelled,
                "the test was cancelled",
            )),
            Some(stop) => Ok(RouteCheck {
                first_token,
                elapsed: started.elapsed(),
                preview: preview(&text),
                reasoned,
                usage,
                stop,
            }),
            None => Err(ProviderError::new(
                Kind::Truncated,
                "the stream ended before the provider said it was done",
            )),
        }
    };
    let result = tokio::select! {
        biased;
        () = cancel.cancelled() => Err(ProviderError::new(Kind::Cancelled, "the test was cancelled")),
        r = tokio::time::timeout(limit, run) => r.unwrap_or_else(|_| Err(ProviderError::new(
            Kind::Timeout,
            format!("no complete answer within {} s", limit.as_secs_f64()),
        ))),
    };
    result.map_err(|e| explain(e, target))
}

/// A rejected request that carried no key says so: the fix is to enter one.
fn explain(error: ProviderError, target: &Target) -> ProviderError {
    if error.kind() == Kind::Auth && target.key.is_none() {
        let message = format!(
            "{} (no key was sent: enter one, or set it in Providers)",
            error.message()
        );
        let status = error.status();
        let explained = ProviderError::new(Kind::Auth, message);
        return match status {
            Some(s) => explained.with_status(s),
            None => explained,
        };
    }
    error
}

/// `text` with whitespace collapsed, cut to [`PREVIEW_CHARS`] characters.
pub fn preview(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= PREVIEW_CHARS {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(PREVIEW_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    fn draft(provider: &str, base_url: &str, api: &str) -> Draft {
        Draft {
            provider: provider.into(),
            model: "m".into(),
            api: api.into(),
            base_url: base_url.into(),
            headers: vec![("X-Title".into(), "Switchboard".into())],
        }
    }

    #[test]
    fn a_typed_key_wins_over_the_stored_one_and_nothing_else_is_needed() {
        let store = MemoryStore::new();
        store
            .set("work", &Secret::new("stored-key-value-0001"))
            .expect("stores");
        let d = draft("work", "https://gw.example.com/v1/", "openai-completions");
        let typed = draft_target_with(
            &d,
            Some(Secret::new("typed-key-value-0002")),
            &Config::default(),
            &store,
            &|_| None,
        )
        .expect("a target");
        assert_eq!(
            typed.key.as_ref().map(Secret::expose),
            Some("typed-key-value-0002")
        );
        assert_eq!(typed.base_url, "https://gw.example.com/v1");
        assert_eq!(typed.max_tokens, Some(TEST_MAX_TOKENS));
        assert_eq!(typed.timeouts.first_byte, TEST_TIMEOUT);
        // Without a typed key, the stored one goes only to the provider's own server.
        let config = Config {
            providers: vec![Provider {
                id: "work".into(),
                base_url: Some("https://gw.example.com/v1".into()),
                ..Provider::default()
            }],
            ..Config::default()
        };
        let stored = draft_target_with(&d, None, &config, &store, &|_| None).expect("a target");
        assert_eq!(
            stored.key.as_ref().map(Secret::expose),
            Some("stored-key-value-0001")
        );
        assert_eq!(stored.headers[0].0, "X-Title");
    }

    #[test]
    fn a_stored_key_never_follows_a_draft_to_another_server() {
        let store = MemoryStore::new();
        store
            .set("work", &Secret::new("stored-key-value-0004"))
            .expect("stores");
        let config = Config {
            providers: vec![Provider {
                id: "work".into(),
                base_url: Some("https://gw.example.com/v1".into()),
                ..Provider::default()
            }],
            ..Config::default()
        };
        let elsewhere = draft(
            "work",
            "https://collector.example.net/v1",
            "openai-completions",
        );
        let target =
            draft_target_with(&elsewhere, None, &config, &store, &|_| None).expect("a target");
        assert!(
            target.key.is_none(),
            "the stored key would leave for another host"
        );
        // Not configured and not a well-known provider: no stored key at all.
        let unknown = draft("work", "https://gw.example.com/v1", "openai-completions");
        let target = draft_target_with(&unknown, None, &Config::default(), &store, &|_| None)
            .expect("a target");
        assert!(target.key.is_none());
        // The conventional variable of a well-known provider goes to its endpoint only.
        let env = |name: &str| (name == "OPENAI_API_KEY").then(|| "env-key-value-0005".to_owned());
        let moved = draft(
            "openai",
            "https://proxy.example.net/v1",
            "openai-completions",
        );
        let target =
            draft_target_with(&moved, None, &Config::default(), &store, &env).expect("a target");
        assert!(target.key.is_none());
    }

    #[test]
    fn local_servers_need_no_key_and_never_ask_the_keychain() {
        let d = draft("lmstudio", "http://127.0.0.1:1234/v1", "openai-responses");
        let target = draft_target_with(
            &d,
            None,
            &Config::default(),
            &MemoryStore::unavailable(),
            &|_| None,
        )
        .expect("a target");
        assert!(target.key.is_none());
        let openai = draft("openai", "https://api.openai.com/v1", "openai-completions");
        let target = draft_target_with(
            &openai,
            None,
            &Config::default(),
            &MemoryStore::new(),
            &|name| (name == "OPENAI_API_KEY").then(|| "env-key-value-0003".to_owned()),
        )
        .expect("a target");
        assert_eq!(target.max_tokens_field, "max_completion_tokens");
        assert_eq!(
            target.key.as_ref().map(Secret::expose),
            Some("env-key-value-0003")
        );
    }

    #[test]
    fn bad_drafts_are_config_errors() {
        let store = MemoryStore::new();
        let kind = |d: Draft| {
            draft_target_with(&d, None, &Config::default(), &store, &|_| None)
                .err()
                .map(|e| e.kind())
        };
        assert_eq!(
            kind(draft("p", "ftp://h/v1", "openai-completions")),
            Some(Kind::Config)
        );
        assert_eq!(
            kind(draft("", "http://h/v1", "openai-completions")),
            Some(Kind::Config)
        );
        assert_eq!(
            kind(draft("p", "http://h/v1", "ollama")),
            Some(Kind::Unsupported)
        );
        let mut no_model = draft("p", "http://h/v1", "openai-completions");
        no_model.model = " ".into();
        assert_eq!(kind(no_model), Some(Kind::Config));
    }

    #[test]
    fn previews_are_short_and_on_one_line() {
        assert_eq!(preview("  OK.\n\n "), "OK.");
        let long = "word ".repeat(40);
        let cut = preview(&long);
        assert_eq!(cut.chars().count(), PREVIEW_CHARS);
        assert!(cut.ends_with('…'), "{cut}");
    }
}

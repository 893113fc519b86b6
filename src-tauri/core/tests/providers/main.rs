//! Provider clients against the in-repo wire-exact fakes (all three APIs, every fault) and
//! against a real third-party server (the LiteLLM proxy, when `.ci/lib.sh` installed it).

mod check;
mod cli;
mod faults;
mod keepalive;
mod key_test;
mod litellm;
mod wire;

use futures_util::StreamExt;
use switchboard_core::providers::{
    CancellationToken, ChatRequest, Client, Completion, Event, ProviderError, Target, Timeouts,
    Turn,
};

/// A target for the fake at `url` (its base URL is `url/v1`) speaking `api`.
pub(crate) fn target(api: &str, url: &str) -> Target {
    Target {
        provider: "fake".to_owned(),
        model: "fake-model".to_owned(),
        api: api.to_owned(),
        base_url: format!("{url}/v1"),
        key: None,
        headers: Vec::new(),
        auth_header: None,
        max_tokens: Some(256),
        params: Default::default(),
        cost: None,
        max_tokens_field: "max_tokens",
        usage_in_streaming: true,
        timeouts: Timeouts::default(),
    }
}

pub(crate) fn request(stream: bool) -> ChatRequest {
    ChatRequest {
        system: Some("Be brief.".to_owned()),
        turns: vec![Turn::user("Hello?")],
        stream,
        ..ChatRequest::default()
    }
}

pub(crate) fn client() -> Client {
    Client::new(std::time::Duration::from_secs(5)).expect("client")
}

/// Every event until the end, and the error that ended the stream, if any.
pub(crate) async fn run(
    target: &Target,
    request: &ChatRequest,
) -> (Vec<Event>, Option<ProviderError>) {
    let mut events = Vec::new();
    let mut stream = match client()
        .send(target, request, CancellationToken::new())
        .await
    {
        Ok(stream) => stream,
        Err(e) => return (events, Some(e)),
    };
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(e) => return (events, Some(e)),
        }
    }
    (events, None)
}

/// The events folded into a completion.
pub(crate) fn collect(events: &[Event]) -> Completion {
    let mut completion = Completion::default();
    for e in events {
        completion.add(e.clone());
    }
    completion
}

//! Wire clients for the APIs a config's `api` names: `openai-completions`, `openai-responses`
//! and `anthropic-messages`. One normalized request ([`ChatRequest`]) in, one normalized
//! stream of [`Event`]s out (text, reasoning, usage, done), or a typed [`ProviderError`] the
//! router acts on.
//!
//! - [`target`]: a `provider/model` ref resolved against the config (URL, key, headers,
//!   limits, alias `params`, prices, timeouts).
//! - [`secret`]: [`Secret`] keys that never print, and [`resolve_api_key`].
//! - [`client`]: HTTP (rustls, same-origin redirects only), timeouts, cancellation.
//! - [`sse`]: the incremental SSE parser; [`think`]: inline `<think>` splitting.
//! - [`error`], [`classify`]: error kinds from statuses, bodies and in-stream frames.
//! - [`check`]: a route test ("Reply with OK.") against a draft target not in the config.
//! - [`key_test`]: a key test (`GET /models`) and where a stored key may be sent.
//! - [`key_guard`]: config edits from the window, so a page never sends a stored key elsewhere.
//!
//! ```no_run
//! # async fn demo(config: &switchboard_core::config::Config) -> Result<(), switchboard_core::providers::ProviderError> {
//! use futures_util::StreamExt;
//! use switchboard_core::providers::{resolve_target, ChatRequest, Client, Event, Turn};
//! let target = resolve_target(config, "lmstudio/qwen3-8b")?;
//! let client = Client::new(target.timeouts.connect)?;
//! let request = ChatRequest { turns: vec![Turn::user("Hi")], stream: true, ..Default::default() };
//! let mut events = client.send(&target, &request, Default::default()).await?;
//! while let Some(event) = events.next().await {
//!     if let Event::Text(t) = event? { print!("{t}") }
//! }
//! # Ok(()) }
//! ```

mod anthropic;
mod auth;
mod body;
pub mod check;
pub mod classify;
pub mod client;
mod completions;
pub mod error;
pub mod key_guard;
pub mod key_test;
pub mod options;
#[cfg(test)]
mod options_tests;
mod responses;
pub mod secret;
pub mod sse;
pub mod target;
pub mod think;
pub mod types;
mod wire;

pub use check::{check_target, draft_target, draft_target_with, Draft, RouteCheck};
pub use client::{Client, EventStream};

/// Decodes a recorded reply stream the way the client does, fed in network chunks of
/// `chunk` bytes (replays and benchmarks); stops at the first error.
pub fn replay(api: Api, bytes: &[u8], chunk: usize) -> Result<Vec<Event>, ProviderError> {
    let mut decoder = match api {
        Api::OpenAiCompletions => completions::decoder(),
        Api::OpenAiResponses => responses::decoder(),
        Api::AnthropicMessages => anthropic::decoder(),
    };
    let mut parser = sse::SseParser::new();
    let (mut frames, mut events) = (Vec::new(), Vec::new());
    let mut finished = false;
    for piece in bytes.chunks(chunk.max(1)) {
        parser.push(piece, &mut frames);
        for frame in frames.drain(..) {
            finished = finished || decoder.event(&frame, &mut events)?;
        }
    }
    parser.finish(&mut frames);
    for frame in frames.drain(..) {
        finished = finished || decoder.event(&frame, &mut events)?;
    }
    if !finished {
        return Err(ProviderError::new(
            ProviderErrorKind::Truncated,
            "the stream ended before the provider said it was done",
        ));
    }
    Ok(events)
}
pub use error::{ProviderError, ProviderErrorKind};
pub use options::{
    Image, RequestOptions, ResponseFormat, ToolCall, ToolCallDelta, ToolChoice, ToolSpec,
};
pub use secret::{resolve_api_key, Secret};
pub use target::{resolve_target, resolve_target_with, Api, Target, Timeouts};
pub use tokio_util::sync::CancellationToken;
pub use types::{ChatRequest, Completion, Event, Role, StopReason, Timing, Turn, Usage};

//! What a turn asks: the message, the conversation it goes on (or a new one), its model, its
//! system prompt and parameters, and how the answer is delivered.

use std::time::Duration;

use crate::history::{ConversationId, ImageData, Parameters};
use crate::providers::{self, ChatRequest, RequestOptions};

/// What to ask: a new message in a conversation (or in a new one).
#[derive(Debug, Clone)]
pub struct Ask {
    /// A saved conversation to go on; `None`: a new conversation (saved when there is a history).
    pub conversation: Option<ConversationId>,
    /// The system prompt. A new conversation starts with it; for a saved one `Some` replaces
    /// its prompt from this turn on (blank removes it) and `None` keeps the one it has.
    pub system: Option<String>,
    /// The conversation's generation parameters from this turn on (saved with it, sent with
    /// each of its turns). `None` keeps what a saved conversation has; a new one then keeps
    /// the request's own (a gateway client's).
    pub parameters: Option<Parameters>,
    /// For a new conversation: turns the caller already had (the gateway's earlier messages).
    pub earlier: Vec<providers::Turn>,
    /// The new user message.
    pub message: String,
    /// The new message's images (the window's), checked and saved with it.
    pub images: Vec<ImageData>,
    /// An alias or `provider/model`; `None`: the primary route.
    pub model: Option<String>,
    /// Private: only routes that stay on this machine. A new saved conversation is marked
    /// private; a saved private conversation stays private whatever this says.
    pub private: bool,
    /// How the answer is delivered.
    pub options: TurnOptions,
    /// What an API client adds (the gateway's): parameters, tools, rich newest turns.
    pub request: AskRequest,
}

/// What an API client adds to a plain message: parameters and tools, and newest turns that
/// are more than one plain user message (images, tool results after the model's calls).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AskRequest {
    /// Parameters and tools, sent on to the model in its API's terms.
    pub options: RequestOptions,
    /// When not empty: the conversation's newest turns, sent instead of a user turn made of
    /// `message` (which then only names the question in the history, and may be empty).
    pub latest: Vec<providers::Turn>,
}

impl Ask {
    /// A message for a new conversation on the default route, streamed.
    pub fn new(message: impl Into<String>) -> Ask {
        Ask {
            conversation: None,
            system: None,
            parameters: None,
            earlier: Vec::new(),
            message: message.into(),
            images: Vec::new(),
            model: None,
            private: false,
            options: TurnOptions::default(),
            request: AskRequest::default(),
        }
    }

    /// The request for a new conversation, straight from what was asked.
    pub(super) fn direct_request(&self) -> ChatRequest {
        let mut turns = self.earlier.clone();
        if self.request.latest.is_empty() {
            let mut turn = providers::Turn::user(self.message.clone());
            turn.images = self
                .images
                .iter()
                .map(|image| providers::Image {
                    url: image.data_url(),
                    detail: None,
                })
                .collect();
            turns.push(turn);
        } else {
            turns.extend(self.request.latest.iter().cloned());
        }
        let mut options = self.request.options.clone();
        if let Some(parameters) = &self.parameters {
            parameters.apply(&mut options);
        }
        ChatRequest {
            system: self.system.clone().filter(|s| !s.trim().is_empty()),
            turns,
            stream: self.options.stream,
            options,
        }
    }
}

/// How a turn delivers its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnOptions {
    /// Ask the provider to stream (else one reply; the same events come out).
    pub stream: bool,
    /// Merge text and reasoning deltas so at most one of each goes out per this interval (the
    /// first after a quiet spell goes at once). `None`: every delta as it comes.
    pub coalesce: Option<Duration>,
}

impl Default for TurnOptions {
    fn default() -> Self {
        TurnOptions {
            stream: true,
            coalesce: None,
        }
    }
}

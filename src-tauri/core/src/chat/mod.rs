//! The one chat engine: a turn end to end, the same for the desktop, the CLI and the gateway.
//!
//! [`Engine::send`] saves the user message before any request goes out (a crash never loses
//! it), builds the request from the conversation, and routes it; the [`Turn`] it returns streams
//! [`ChatEvent`]s (route attempts, reasoning, text, then one `done` or `error`) while it writes
//! the answer to the history crash-safely, prices the usage at the model's rates, measures time
//! to first token and tokens per second, and keeps the retry point of an answer that broke after
//! its first token. [`Engine::retry_next`] asks the route's next candidate for such an answer,
//! including one that was itself a retry, and [`Engine::regenerate`] asks a question again;
//! both add a version to the answer rather than a message (see `again.rs`).
//!
//! The faces only adapt: the desktop forwards events to a `Channel`, `switchboard chat` prints
//! them (plain or `--json`), the gateway maps them to OpenAI's chunks. Without a history store
//! (`chat --no-history`, `serve` without `--history`) nothing is saved and everything else is
//! the same.

mod again;
mod ask;
mod choices;
mod event;
mod request;
mod retry;
mod spend;
mod turn;

use std::collections::BTreeMap;

use crate::history::{self, ConversationId, HistoryStore, Parameters, Role};
use crate::providers::{self, CancellationToken};
use crate::router::{capability, RetryFrom, RouteError, RouteOptions, Router};

pub use ask::{Ask, AskRequest, TurnOptions};
pub use choices::{choices, Facts, ModelChoice};
pub use event::{ChatEvent, Reason, Trail};
pub use retry::RetryPoints;
pub use turn::Turn;

/// Why a turn could not start. Once a [`Turn`] exists, failures are `error` events instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChatError {
    /// The model asked for cannot be used (unknown, no primary).
    #[error(transparent)]
    Route(#[from] RouteError),
    /// The history could not be read or written.
    #[error(transparent)]
    History(#[from] history::Error),
    /// The request itself is unusable (an empty message, no such answer).
    #[error("{0}")]
    InvalidInput(String),
    /// A saving task died.
    #[error("the chat task failed: {0}")]
    Task(String),
}

/// The chat engine: the router, the history (if any) and the retry points. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Engine {
    router: Router,
    history: Option<HistoryStore>,
    retries: RetryPoints,
}

impl Engine {
    /// An engine over `router`, saving to `history` when given; `retries` is shared between
    /// engines built for the same process.
    pub fn new(router: Router, history: Option<HistoryStore>, retries: RetryPoints) -> Engine {
        Engine {
            router,
            history,
            retries,
        }
    }

    /// An engine that saves nothing (`chat --no-history`, `serve` without `--history`).
    pub fn without_history(router: Router) -> Engine {
        Engine::new(router, None, RetryPoints::default())
    }

    /// The router it routes through.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Starts a turn: refuses an unknown model before anything is saved, saves the user
    /// message, builds the request and starts routing it. Cancel with `cancel`.
    pub async fn send(&self, ask: Ask, cancel: CancellationToken) -> Result<Turn, ChatError> {
        if ask.message.trim().is_empty() && ask.request.latest.is_empty() && ask.images.is_empty() {
            return Err(ChatError::InvalidInput("give a message".into()));
        }
        if ask.images.len() > history::MAX_IMAGES_PER_MESSAGE {
            return Err(ChatError::InvalidInput(format!(
                "{} images in one message; the limit is {}",
                ask.images.len(),
                history::MAX_IMAGES_PER_MESSAGE
            )));
        }
        if ask.conversation.is_some() && self.history.is_none() {
            return Err(ChatError::InvalidInput(
                "a saved conversation needs the history, which is off".into(),
            ));
        }
        let requested = ask
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        let plan: Vec<String> = self
            .router
            .plan(requested.as_deref())?
            .into_iter()
            .map(|c| c.model_ref)
            .collect();
        let first = plan.first().cloned().unwrap_or_default();
        // A new conversation is asked as given (images and tool turns included); a saved one
        // from its history.
        let direct = ask.conversation.is_none().then(|| ask.direct_request());
        // Images anywhere in what will be sent: this message's, or a saved conversation's
        // earlier ones (sent again with each turn).
        let has_images = match (&direct, ask.conversation, &self.history) {
            (Some(direct), _, _) => direct.has_images(),
            (None, Some(id), Some(store)) => {
                let store = store.clone();
                let asked = !ask.images.is_empty()
                    || ask.request.latest.iter().any(|t| !t.images.is_empty());
                asked || blocking(move || Ok(store.has_images(id)?)).await?
            }
            (None, _, _) => false,
        };
        {
            let config = self.router.config();
            // Images that no model of the route reads are refused before anything is saved.
            let explicit = requested.as_deref() == Some(first.as_str());
            capability::images_refused(&config, &plan, explicit, has_images)?;
            if let Some(missing) = direct
                .as_ref()
                .and_then(|r| capability::missing_tools(&config, &first, r))
            {
                return Err(ChatError::InvalidInput(format!("{first} {missing}")));
            }
        }
        let coalesce = ask.options.coalesce;
        let (conversation, request, answer, private) = match &self.history {
            Some(store) => {
                let store = store.clone();
                let first = first.clone();
                let stream = ask.options.stream;
                let router = self.router.clone();
                blocking(move || {
                    if let Err(e) = spend::refresh(&store, &router) {
                        tracing::warn!("the spend so far could not be read: {e}");
                    }
                    let (conversation, private) = save_question(&store, &ask)?;
                    let request = match direct {
                        Some(direct) => direct,
                        None => {
                            let messages = store.all_messages(conversation)?;
                            let images = request::images_of(&store, &messages)?;
                            let parameters = store.conversation(conversation)?.parameters;
                            request::from_history(&messages, &images, &parameters, stream)
                        }
                    };
                    let answer = store.begin_answer(conversation, Some(&first))?;
                    Ok((Some(conversation), request, Some(answer), private))
                })
                .await?
            }
            None => (
                None,
                direct.unwrap_or_else(|| ask.direct_request()),
                None,
                ask.private,
            ),
        };
        let stream = self.router.route_with(
            requested.as_deref(),
            request,
            RouteOptions { private },
            cancel.clone(),
        )?;
        Ok(Turn::new(
            self.clone(),
            conversation,
            answer,
            first,
            stream,
            cancel,
            coalesce,
        ))
    }

    fn first_candidate(&self, requested: Option<&str>) -> Result<String, RouteError> {
        let candidates = self.router.plan(requested)?;
        Ok(candidates
            .into_iter()
            .next()
            .map(|c| c.model_ref)
            .unwrap_or_default())
    }

    /// The model "retry on next route" asks first after `retry` (the next one on another
    /// server), if any.
    pub fn next_route(&self, retry: &RetryFrom) -> Option<String> {
        let candidates = self.router.retry_plan(retry).ok()?;
        candidates.into_iter().next().map(|c| c.model_ref)
    }

    fn retries(&self) -> &RetryPoints {
        &self.retries
    }

    /// Spend so far against the budgets (the history read again when it is stale).
    pub async fn spend_report(&self) -> Result<crate::policy::Report, ChatError> {
        if let Some(store) = self.history.clone() {
            let router = self.router.clone();
            blocking(move || Ok(spend::refresh(&store, &router)?)).await?;
        }
        Ok(self.router.spend_report())
    }

    /// The measured speed of each of `model_refs` that answered recently (the history read
    /// again when it is stale), for the model picker.
    pub async fn speeds(
        &self,
        model_refs: Vec<String>,
    ) -> Result<BTreeMap<String, crate::policy::Speed>, ChatError> {
        if let Some(store) = self.history.clone() {
            let router = self.router.clone();
            blocking(move || Ok(spend::refresh(&store, &router)?)).await?;
        }
        Ok(model_refs
            .into_iter()
            .filter_map(|m| self.router.speed(&m).map(|s| (m, s)))
            .collect())
    }

    /// Marks saved conversation `conversation` private or not.
    pub async fn set_private(
        &self,
        conversation: ConversationId,
        private: bool,
    ) -> Result<(), ChatError> {
        let Some(store) = self.history.clone() else {
            return Err(ChatError::InvalidInput(
                "a saved conversation needs the history, which is off".into(),
            ));
        };
        blocking(move || Ok(store.set_private(conversation, private)?)).await
    }
}

/// Saves the system prompt and the parameters (a new conversation's, or a saved one's new
/// ones), the earlier turns and the user message (or the text of the newest turns); returns
/// the conversation and whether it is private. Tool results and calls are not kept in the
/// history.
fn save_question(store: &HistoryStore, ask: &Ask) -> history::Result<(ConversationId, bool)> {
    let conversation = match ask.conversation {
        Some(id) => {
            if ask.private && !store.conversation(id)?.private {
                store.set_private(id, true)?;
            }
            if let Some(parameters) = &ask.parameters {
                store.set_parameters(id, parameters)?;
            }
            if let Some(system) = ask.system.as_deref() {
                store.set_system_prompt(id, system)?;
            }
            id
        }
        None => {
            // Asked-for parameters are checked before the conversation exists, so a refusal
            // leaves nothing behind; a client's own are kept when they are ones we can keep
            // (its server judges them either way).
            let parameters = match ask.parameters {
                Some(parameters) => {
                    parameters.validate()?;
                    parameters
                }
                None => Some(Parameters::of_request(&ask.request.options))
                    .filter(|p| p.validate().is_ok())
                    .unwrap_or_default(),
            };
            let id = store.create_conversation(None)?.id;
            if ask.private {
                store.set_private(id, true)?;
            }
            if !parameters.is_empty() {
                store.set_parameters(id, &parameters)?;
            }
            if let Some(system) = ask.system.as_deref().filter(|s| !s.trim().is_empty()) {
                store.add_message(id, Role::System, system)?;
            }
            for turn in &ask.earlier {
                save_turn(store, id, turn)?;
            }
            id
        }
    };
    let private = store.conversation(conversation)?.private;
    if ask.request.latest.is_empty() {
        store.add_user_message(conversation, &ask.message, &ask.images)?;
    }
    for turn in &ask.request.latest {
        save_turn(store, conversation, turn)?;
    }
    Ok((conversation, private))
}

/// Saves a user or assistant turn's text, and a user turn's inline images (a link to an image
/// is sent on, not kept; a tool result is no message of the history).
fn save_turn(
    store: &HistoryStore,
    conversation: ConversationId,
    turn: &providers::Turn,
) -> history::Result<()> {
    let role = match turn.role {
        providers::Role::User => Role::User,
        providers::Role::Assistant => Role::Assistant,
        providers::Role::Tool => return Ok(()),
    };
    if turn.text.is_empty() && role == Role::Assistant {
        return Ok(());
    }
    if role == Role::User && !turn.images.is_empty() {
        let images: Vec<history::ImageData> = turn
            .images
            .iter()
            .filter_map(
                |image| match history::ImageData::from_data_url(&image.url)? {
                    Ok(image) => Some(image),
                    Err(e) => {
                        // The request still goes out as the client sent it; its server judges it.
                        tracing::warn!("an image of a client's message is not kept: {e}");
                        None
                    }
                },
            )
            .take(history::MAX_IMAGES_PER_MESSAGE)
            .collect();
        store.add_user_message(conversation, &turn.text, &images)?;
        return Ok(());
    }
    store.add_message(conversation, role, &turn.text)?;
    Ok(())
}

/// Runs history work on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ChatError> + Send + 'static,
) -> Result<T, ChatError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ChatError::Task(e.to_string()))?
}

#[cfg(test)]
mod tests;

//! Asking a question again: "Retry on next route" (the route's next candidate on another
//! server, for an answer that broke) and "Retry" (the model asked for, or the default route).
//! Either adds a version to the answer, shown in its place from the start, instead of a
//! message; the question is asked with what came before it, the shown versions of earlier
//! answers included, and nothing after it.

use crate::history::{ConversationId, HistoryStore, MessageId, Role};
use crate::providers::{CancellationToken, ChatRequest};
use crate::router::{RetryFrom, RouteOptions};

use super::{blocking, request, spend, ChatError, Engine, Turn, TurnOptions};

/// An answer to ask again, read from the history.
struct Again {
    store: HistoryStore,
    /// The model that gave it, where "retry on next route" goes on from after a restart.
    answered_by: Option<String>,
    /// Its question with what came before.
    request: ChatRequest,
    /// Whether its conversation is private.
    private: bool,
}

impl Engine {
    /// "Retry on next route" for answer `message_id` of `conversation`: the same question goes
    /// to the candidate after the one that answered (or broke), skipping its server, as a new
    /// version of the answer. Works for an answer that was itself a retry.
    pub async fn retry_next(
        &self,
        conversation: ConversationId,
        message_id: MessageId,
        options: TurnOptions,
        cancel: CancellationToken,
    ) -> Result<Turn, ChatError> {
        let again = self
            .read_again(conversation, message_id, options.stream)
            .await?;
        let retry = match self.retries().take(message_id) {
            Some(retry) => retry,
            None => RetryFrom {
                requested: None,
                after: again.answered_by.ok_or_else(|| {
                    ChatError::InvalidInput("that answer has no model to go on from".into())
                })?,
            },
        };
        let first = self.next_route(&retry).unwrap_or_default();
        let route = RouteOptions {
            private: again.private,
        };
        // The route first: when there is no next one, no empty version is left behind.
        let stream = self
            .router
            .retry_next(&retry, again.request, route, cancel.clone())?;
        let answer = begin_version(again.store, message_id, first.clone()).await?;
        Ok(Turn::new(
            self.clone(),
            Some(conversation),
            Some(answer),
            first,
            stream,
            cancel,
            options.coalesce,
        ))
    }

    /// "Retry" for answer `message_id` of `conversation`: asks its question again of `model`
    /// (an alias or `provider/model`; `None` or empty: the primary route), as a new version of
    /// the answer.
    pub async fn regenerate(
        &self,
        conversation: ConversationId,
        message_id: MessageId,
        model: Option<String>,
        options: TurnOptions,
        cancel: CancellationToken,
    ) -> Result<Turn, ChatError> {
        let requested = model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        let first = self.first_candidate(requested.as_deref())?;
        let again = self
            .read_again(conversation, message_id, options.stream)
            .await?;
        let route = RouteOptions {
            private: again.private,
        };
        let stream =
            self.router
                .route_with(requested.as_deref(), again.request, route, cancel.clone())?;
        let answer = begin_version(again.store, message_id, first.clone()).await?;
        Ok(Turn::new(
            self.clone(),
            Some(conversation),
            Some(answer),
            first,
            stream,
            cancel,
            options.coalesce,
        ))
    }

    /// Reads answer `message_id` of `conversation` and builds the request for its question.
    async fn read_again(
        &self,
        conversation: ConversationId,
        message_id: MessageId,
        stream: bool,
    ) -> Result<Again, ChatError> {
        let Some(store) = self.history.clone() else {
            return Err(ChatError::InvalidInput(
                "retry needs the history, which is off".into(),
            ));
        };
        let reading = store.clone();
        let router = self.router.clone();
        let found = blocking(move || {
            if let Err(e) = spend::refresh(&reading, &router) {
                tracing::warn!("the spend so far could not be read: {e}");
            }
            let (private, parameters) = match reading.conversation(conversation) {
                Ok(found) => (found.private, found.parameters),
                Err(crate::history::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            // In the order shown: an answer's versions right after its question.
            let messages = reading.all_messages(conversation)?;
            let Some(at) = messages
                .iter()
                .position(|m| m.id == message_id && m.role == Role::Assistant)
            else {
                return Ok(None);
            };
            // Its question (for an answer saved before versions, the user message before it)
            // and everything before that; its versions and what follows are left out.
            let question = match messages[at].answer_to {
                Some(question) => messages.iter().position(|m| m.id == question),
                None => messages[..at].iter().rposition(|m| m.role == Role::User),
            };
            let asked = question.map_or(&messages[..0], |q| &messages[..=q]);
            let images = request::images_of(&reading, asked)?;
            let request = request::from_history(asked, &images, &parameters, stream);
            Ok(Some((messages[at].model.clone(), request, private)))
        })
        .await?;
        let (answered_by, request, private) = found
            .ok_or_else(|| ChatError::InvalidInput("no such answer in this conversation".into()))?;
        if request.turns.is_empty() {
            return Err(ChatError::InvalidInput(
                "that answer has no question to ask again".into(),
            ));
        }
        Ok(Again {
            store,
            answered_by,
            request,
            private,
        })
    }
}

/// Starts the new version of answer `message_id`, first asking `model`.
async fn begin_version(
    store: HistoryStore,
    message_id: MessageId,
    model: String,
) -> Result<crate::history::AnswerWriter, ChatError> {
    blocking(move || Ok(store.begin_version(message_id, Some(&model))?)).await
}

//! The request for the next answer, built from a conversation's saved messages.
//!
//! A user message whose answer failed (or was stopped before any text) is left out when another
//! user message follows it, so a Retry or an edit-and-resend does not send the failed attempt
//! along; a failed answer followed by a retry keeps its question, so "retry on next route" works
//! for an answer that was itself a retry. Of an answer's versions only the selected one (the
//! one the conversation shows) is sent. Reasoning is never sent back; a question's images are
//! sent again with it each turn (read from their files).

use std::collections::BTreeMap;

use crate::history::{self, HistoryStore, Message, MessageId, MessageStatus, Parameters, Role};
use crate::providers::{self, ChatRequest, Turn};

/// The images of user messages, read from their files, as the wire APIs take them.
pub(crate) type Images = BTreeMap<MessageId, Vec<providers::Image>>;

/// Reads the images `messages` show. A file that is gone or changed is an error: the question
/// is never sent without the image it asks about.
pub(crate) fn images_of(store: &HistoryStore, messages: &[Message]) -> history::Result<Images> {
    let mut images = Images::new();
    for message in messages.iter().filter(|m| !m.attachments.is_empty()) {
        let mut read = Vec::with_capacity(message.attachments.len());
        for attachment in &message.attachments {
            read.push(providers::Image {
                url: store.image(attachment)?.data_url(),
                detail: None,
            });
        }
        images.insert(message.id, read);
    }
    Ok(images)
}

/// The request for an answer to the last user message in `messages` (oldest first), with its
/// `images` and the conversation's `parameters`.
pub(crate) fn from_history(
    messages: &[Message],
    images: &Images,
    parameters: &Parameters,
    stream: bool,
) -> ChatRequest {
    let user = |message: &Message| {
        let mut turn = Turn::user(message.content.clone());
        turn.images = images.get(&message.id).cloned().unwrap_or_default();
        turn
    };
    let mut system = None;
    let mut turns = Vec::new();
    let mut pending: Option<&Message> = None;
    for message in messages.iter().filter(|m| m.selected) {
        match message.role {
            Role::System => system = Some(message.content.clone()),
            Role::User => pending = Some(message),
            Role::Assistant => {
                let answered = !message.content.is_empty()
                    && matches!(
                        message.status,
                        MessageStatus::Complete | MessageStatus::Stopped
                    );
                if !answered {
                    // The question stays pending: a retry asks it again.
                    continue;
                }
                if let Some(question) = pending.take() {
                    turns.push(user(question));
                    turns.push(Turn::assistant(message.content.clone()));
                }
            }
        }
    }
    if let Some(question) = pending {
        turns.push(user(question));
    }
    let mut options = providers::RequestOptions::default();
    parameters.apply(&mut options);
    ChatRequest {
        system,
        turns,
        stream,
        options,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Timestamp;

    fn message(id: i64, role: Role, content: &str, status: MessageStatus) -> Message {
        Message {
            id,
            conversation_id: 1,
            role,
            content: content.into(),
            reasoning: "thoughts".into(),
            model: None,
            route: Vec::new(),
            usage: None,
            cost: None,
            timing: None,
            status,
            error: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
            answer_to: None,
            selected: true,
            version_ids: Vec::new(),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn failed_attempts_are_left_out_and_the_last_user_message_is_sent() {
        use MessageStatus::*;
        let messages = [
            message(1, Role::System, "be brief", Complete),
            message(2, Role::User, "hi", Complete),
            message(3, Role::Assistant, "hello", Complete),
            message(4, Role::User, "first try", Complete),
            message(5, Role::Assistant, "", Failed),
            message(6, Role::User, "second try", Complete),
            message(7, Role::Assistant, "partial", Stopped),
            message(8, Role::User, "go on", Complete),
        ];
        let parameters = Parameters {
            temperature: Some(0.2),
            ..Parameters::default()
        };
        let request = from_history(&messages, &Images::new(), &parameters, true);
        assert_eq!(request.options.temperature, Some(0.2));
        assert_eq!(request.system.as_deref(), Some("be brief"));
        let texts: Vec<&str> = request.turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["hi", "hello", "second try", "partial", "go on"]);
        assert_eq!(request.turns[1].role, providers::Role::Assistant);
        assert!(request.stream);
    }

    #[test]
    fn only_the_selected_version_of_an_answer_is_sent() {
        use MessageStatus::*;
        let version = |id, content: &str, selected| Message {
            answer_to: Some(1),
            selected,
            version_ids: vec![2, 3],
            ..message(id, Role::Assistant, content, Complete)
        };
        for (shown, hidden) in [(2, 3), (3, 2)] {
            let messages = [
                message(1, Role::User, "question", Complete),
                version(2, "first version", shown == 2),
                version(3, "second version", shown == 3),
                message(4, Role::User, "next question", Complete),
            ];
            let request = from_history(&messages, &Images::new(), &Parameters::default(), true);
            let texts: Vec<&str> = request.turns.iter().map(|t| t.text.as_str()).collect();
            let text = |id: usize| messages[id - 1].content.as_str();
            assert_eq!(texts, ["question", text(shown), "next question"]);
            assert!(!texts.contains(&text(hidden)));
        }
    }

    #[test]
    fn a_retry_of_a_failed_retry_still_has_its_question() {
        use MessageStatus::*;
        let messages = [
            message(1, Role::User, "question", Complete),
            message(2, Role::Assistant, "cut off", Failed),
            message(3, Role::Assistant, "cut off again", Failed),
        ];
        // Retrying answer 3 asks what came before it.
        let request = from_history(
            &messages[..2],
            &Images::new(),
            &Parameters::default(),
            false,
        );
        assert_eq!(request.options, providers::RequestOptions::default());
        let texts: Vec<&str> = request.turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["question"]);
        assert!(!request.stream);
    }

    #[test]
    fn questions_carry_their_images() {
        use MessageStatus::*;
        let messages = [
            message(1, Role::User, "what is this?", Complete),
            message(2, Role::Assistant, "a cat", Complete),
            message(3, Role::User, "and now?", Complete),
        ];
        let image = |url: &str| providers::Image {
            url: url.into(),
            detail: None,
        };
        let images = Images::from([
            (1, vec![image("data:image/png;base64,AA")]),
            (
                3,
                vec![
                    image("data:image/gif;base64,BB"),
                    image("data:image/png;base64,CC"),
                ],
            ),
        ]);
        let request = from_history(&messages, &images, &Parameters::default(), true);
        let urls: Vec<Vec<&str>> = request
            .turns
            .iter()
            .map(|t| t.images.iter().map(|i| i.url.as_str()).collect())
            .collect();
        assert_eq!(
            urls,
            [
                vec!["data:image/png;base64,AA"],
                vec![],
                vec!["data:image/gif;base64,BB", "data:image/png;base64,CC"]
            ]
        );
    }
}

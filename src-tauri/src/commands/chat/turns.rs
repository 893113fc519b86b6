//! The request for the next answer, built from a conversation's saved messages.
//!
//! A user message whose answer failed (or was stopped before any text) is left out, so a Retry
//! or an edit-and-resend does not send the failed attempt along; reasoning is never sent back.

use switchboard_core::history::{Message, MessageStatus, Role};
use switchboard_core::providers::{self, ChatRequest, Turn};

/// The request for an answer to the last message in `messages` (oldest first).
pub(super) fn request(messages: &[Message]) -> ChatRequest {
    let mut system = None;
    let mut turns = Vec::new();
    let mut pending: Option<&Message> = None;
    for message in messages {
        match message.role {
            Role::System => system = Some(message.content.clone()),
            Role::User => pending = Some(message),
            Role::Assistant => {
                let answered = !message.content.is_empty()
                    && matches!(
                        message.status,
                        MessageStatus::Complete | MessageStatus::Stopped
                    );
                if let (Some(user), true) = (pending.take(), answered) {
                    turns.push(Turn::user(user.content.clone()));
                    turns.push(Turn {
                        role: providers::Role::Assistant,
                        text: message.content.clone(),
                    });
                }
            }
        }
    }
    if let Some(user) = pending {
        turns.push(Turn::user(user.content.clone()));
    }
    ChatRequest {
        system,
        turns,
        stream: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::history::Timestamp;

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
            status,
            error: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
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
        let request = request(&messages);
        assert_eq!(request.system.as_deref(), Some("be brief"));
        let texts: Vec<&str> = request.turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["hi", "hello", "second try", "partial", "go on"]);
        assert_eq!(request.turns[1].role, providers::Role::Assistant);
        assert!(request.stream);
    }
}

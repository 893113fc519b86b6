//! Where "retry on next route" goes on from, by the answer that broke after its first token.
//! Kept in memory for the life of the process; after a restart the answer's saved model is the
//! starting point.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::history::MessageId;
use crate::router::RetryFrom;

/// Shared by every clone; cheap to clone.
#[derive(Debug, Default, Clone)]
pub struct RetryPoints(Arc<Mutex<HashMap<MessageId, RetryFrom>>>);

impl RetryPoints {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<MessageId, RetryFrom>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Remembers where "retry on next route" starts for answer `message`.
    pub fn remember(&self, message: MessageId, retry: RetryFrom) {
        self.lock().insert(message, retry);
    }

    /// Where "retry on next route" starts for answer `message`, if known (and forgets it).
    pub fn take(&self, message: MessageId) -> Option<RetryFrom> {
        self.lock().remove(&message)
    }
}

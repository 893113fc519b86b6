//! Keys changed elsewhere: a key set or deleted by `switchboard keys` in another process (or by
//! another app writing the keychain) is not in the router's cache of resolved targets. After an
//! auth failure (401/403) the key is looked up once more; when it changed, the request is sent
//! once more with it, and the cache holds the new one from then on. When the keychain says a
//! key changed, [`Router::keys_changed`] drops the cache and the cooldowns the old key caused.

use std::sync::Arc;

use crate::providers::{
    CancellationToken, ChatRequest, EventStream, ProviderError, ProviderErrorKind, Target,
};
use crate::secrets::Secret;

use super::Router;

/// Whether two resolutions of a target send the same credentials.
fn same_credentials(a: &Target, b: &Target) -> bool {
    let key = |t: &Target| t.key.as_ref().map(Secret::expose).map(str::to_owned);
    let headers = |t: &Target| {
        t.headers
            .iter()
            .map(|(name, value)| (name.clone(), value.expose().to_owned()))
            .collect::<Vec<_>>()
    };
    key(a) == key(b) && headers(a) == headers(b) && a.auth_header == b.auth_header
}

impl Router {
    /// Keys changed (the keychain said so, or the person set one in the window): resolved
    /// targets are forgotten, and so are the cooldowns an auth failure (401/403) started, so
    /// the next request tries the new key at once.
    pub fn keys_changed(&self) {
        self.forget_targets();
        self.inner.cooldowns.forget_where(|_, state| {
            matches!(
                state.reason,
                ProviderErrorKind::Auth | ProviderErrorKind::Forbidden
            )
        });
        self.publish_health();
    }

    /// Sends `request` to `target`; when it is refused (401/403) and the key changed since it
    /// was read (`switchboard keys set` in a terminal), once more with the new key.
    pub(super) async fn send_rekeying(
        &self,
        model_ref: &str,
        target: &Target,
        request: &ChatRequest,
        cancel: &CancellationToken,
    ) -> Result<EventStream, ProviderError> {
        let sent = self.client().send(target, request, cancel.clone()).await;
        match &sent {
            Err(e)
                if matches!(
                    e.kind(),
                    ProviderErrorKind::Auth | ProviderErrorKind::Forbidden
                ) =>
            {
                match self.rekeyed(model_ref, target).await {
                    Some(fresh) => self.client().send(&fresh, request, cancel.clone()).await,
                    None => sent,
                }
            }
            _ => sent,
        }
    }

    /// After `used` was refused (401/403): `model_ref`'s target resolved again (the keychain
    /// read once more, off the async workers), when its credentials differ from `used`'s;
    /// `None` when they are the same (the key is wrong, not stale) or cannot be resolved.
    pub(crate) async fn rekeyed(&self, model_ref: &str, used: &Target) -> Option<Arc<Target>> {
        let router = self.clone();
        let wanted = model_ref.to_owned();
        let fresh =
            tokio::task::spawn_blocking(move || (router.inner.resolve)(&router.config(), &wanted))
                .await
                .ok()?
                .ok()?;
        if same_credentials(&fresh, used) {
            return None;
        }
        tracing::info!("{model_ref}: its key changed since it was read; sending once more");
        let fresh = Arc::new(fresh);
        self.targets().insert(model_ref.to_owned(), fresh.clone());
        Some(fresh)
    }
}

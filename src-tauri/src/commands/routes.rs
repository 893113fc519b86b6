//! Route tests for the Setup wizard's last step: `route_test` sends one tiny chat to a route
//! that is not saved yet and says how it went; `route_test_cancel` abandons a group of tests
//! (the wizard's Back, Cancel or "Test again").
//!
//! Nothing is written: the target is a draft, the config is only read (for a configured key
//! reference), and a key typed in the wizard is used for this one request (wrapped in a
//! `Secret` at once, skipped by `instrument`, redacted from every message). Provider failures
//! (auth, connection, timeout, …) are results the page shows per route, not command errors.

use std::time::Duration;

use switchboard_core::providers::check::{self, Draft, RouteCheck, TEST_TIMEOUT};
use switchboard_core::providers::{Client, ProviderError};
use tauri::State;

use crate::error::{IpcError, IpcErrorKind};
use crate::models::{RouteTestResult, RouteTestTarget, RouteTestUsage};
use crate::state::{self, AppState};

fn joined(e: tauri::Error) -> IpcError {
    IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("the route test task failed: {e}"),
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The reply for one finished test.
fn result_of(
    model_ref: String,
    outcome: Result<RouteCheck, ProviderError>,
    elapsed: Duration,
) -> RouteTestResult {
    match outcome {
        Ok(checked) => RouteTestResult {
            model_ref,
            ok: true,
            kind: None,
            status: None,
            message: String::new(),
            first_token_ms: checked.first_token.map(ms),
            elapsed_ms: ms(checked.elapsed),
            preview: checked.preview,
            reasoned: checked.reasoned,
            usage: checked.usage.map(|u| RouteTestUsage {
                input: u.input + u.cache_read + u.cache_write,
                output: u.output,
            }),
        },
        Err(error) => RouteTestResult {
            model_ref,
            ok: false,
            kind: Some(error.kind()),
            status: error.status(),
            message: error.message().to_owned(),
            first_token_ms: None,
            elapsed_ms: ms(elapsed),
            preview: String::new(),
            reasoned: false,
            usage: None,
        },
    }
}

/// Sends "Reply with OK." to `target` (not saved yet) with `key` (typed in the wizard; else the
/// provider's key as resolved for its id) and says whether it answered, how fast, and what it
/// said. `group` lets `route_test_cancel` abandon it. Stores nothing.
#[tauri::command]
#[tracing::instrument(skip_all, fields(provider = %target.provider, model = %target.model), err)]
pub(crate) async fn route_test(
    state: State<'_, AppState>,
    target: RouteTestTarget,
    key: Option<String>,
    group: Option<String>,
) -> Result<RouteTestResult, IpcError> {
    let key = key
        .filter(|k| !k.trim().is_empty())
        .map(super::keys::secret_from)
        .transpose()?;
    let model_ref = format!("{}/{}", target.provider.trim(), target.model.trim());
    let draft = Draft {
        provider: target.provider,
        model: target.model,
        api: target.api,
        base_url: target.base_url,
        headers: target.headers.unwrap_or_default().into_iter().collect(),
    };
    let guard = state.route_tests.join(group.as_deref().unwrap_or_default());
    let path = state.paths.config_file.clone();
    let started = tokio::time::Instant::now();
    // Reading the config and the keychain blocks.
    let resolved = tauri::async_runtime::spawn_blocking(move || {
        let config = state::config_or_empty(&path);
        check::draft_target(&draft, key, &config)
    })
    .await
    .map_err(joined)?;
    let outcome = match resolved {
        Ok(target) => match Client::new(Duration::from_secs(10)) {
            Ok(client) => {
                check::check_target(&client, &target, TEST_TIMEOUT, (*guard.token).clone()).await
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    drop(guard);
    let result = result_of(model_ref, outcome, started.elapsed());
    tracing::info!(
        ok = result.ok,
        kind = result.kind.map(|k| k.as_str()),
        elapsed_ms = result.elapsed_ms,
        "route tested"
    );
    Ok(result)
}

/// Abandons the running route tests of `group` (they end as `cancelled`); `false` when none
/// was running.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn route_test_cancel(
    state: State<'_, AppState>,
    group: String,
) -> Result<bool, IpcError> {
    Ok(state.route_tests.cancel(&group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::providers::{ProviderErrorKind, Secret, StopReason, Usage};

    #[test]
    fn results_carry_the_class_and_never_the_key() {
        let key = Secret::new("sk-route-result-secret-9999");
        let failed = result_of(
            "p/m".into(),
            Err(ProviderError::new(
                ProviderErrorKind::Auth,
                format!("rejected {}", key.expose()),
            )),
            Duration::from_millis(12),
        );
        assert!(!failed.ok);
        assert_eq!(failed.kind, Some(ProviderErrorKind::Auth));
        assert_eq!(failed.elapsed_ms, 12);
        let json = serde_json::to_string(&failed).expect("serializes");
        assert!(!json.contains(key.expose()), "{json}");
        let ok = result_of(
            "p/m".into(),
            Ok(RouteCheck {
                first_token: Some(Duration::from_millis(30)),
                elapsed: Duration::from_millis(50),
                preview: "OK.".into(),
                reasoned: true,
                usage: Some(Usage {
                    input: 3,
                    output: 4,
                    cache_read: 2,
                    ..Usage::default()
                }),
                stop: StopReason::Stop,
            }),
            Duration::from_millis(60),
        );
        assert!(ok.ok && ok.kind.is_none());
        assert_eq!((ok.first_token_ms, ok.elapsed_ms), (Some(30), 50));
        assert_eq!(
            ok.usage,
            Some(RouteTestUsage {
                input: 5,
                output: 4
            })
        );
    }
}

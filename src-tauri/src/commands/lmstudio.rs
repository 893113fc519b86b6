//! LM Studio the way it wants to be used, for the Setup wizard: "Load" as a just-in-time load
//! with an idle TTL (`discovery_load_model` stays the explicit "Keep loaded"), the download to
//! offer when LM Studio has no chat model worth using, and the download itself: progress on a
//! `Channel`, cancellable by request id. The core owns the client, the polling and the choice.

use serde::Serialize;
use switchboard_core::discovery::candidate::{self, Candidate};
use switchboard_core::discovery::download::{
    self, DownloadOutcome, DownloadProgress, DownloadRequest, FollowOptions,
};
use switchboard_core::discovery::{
    self as core_discovery, LoadOptions, LoadedModel, ScanOptions, Scanner,
};
use tauri::ipc::Channel;
use tauri::State;

use super::discovery::{target_for, ServerRef};
use crate::error::IpcError;
use crate::services::discovery_error;
use crate::state::{AppState, RequestId};

/// "Load": asks LM Studio at `base_url` for one token from `model`, so it loads the model just in
/// time with an idle TTL (it unloads it again after an idle hour), with `context_length` tokens
/// when given. `api` is the server's (`openai-responses` or `openai-completions`).
#[tauri::command]
#[tracing::instrument(err)]
pub(crate) async fn discovery_warm_up(
    base_url: String,
    model: String,
    api: Option<String>,
    context_length: Option<u64>,
) -> Result<LoadedModel, IpcError> {
    let options = LoadOptions {
        context_length,
        ..LoadOptions::default()
    };
    core_discovery::warm_up(
        &base_url,
        &model,
        api.as_deref().unwrap_or("openai-responses"),
        &options,
        &mut |_| {},
    )
    .await
    .map_err(discovery_error)
}

/// The download to offer for the LM Studio the wizard found at `server` (probed again): `None`
/// when it is not running, has a chat model that fits the seed's advice, or no build fits this
/// machine's memory.
#[tauri::command]
#[tracing::instrument(err)]
pub(crate) async fn lmstudio_download_offer(
    server: ServerRef,
) -> Result<Option<Candidate>, IpcError> {
    let scanner = Scanner::new(ScanOptions {
        targets: vec![target_for(&server)?],
        ..ScanOptions::loopback()
    })
    .map_err(discovery_error)?;
    let report = scanner.scan().await;
    let memory = candidate::total_memory();
    Ok(report
        .servers
        .first()
        .and_then(|s| candidate::offer(s, memory)))
}

/// What a download sends on its channel.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub(crate) enum DownloadEvent {
    /// One look at the job.
    Progress(DownloadProgress),
    /// It ended: completed, already there, or cancelled.
    Done(DownloadOutcome),
    /// It failed, or LM Studio went away.
    Error(IpcError),
}

/// Starts downloading `request` through LM Studio at `base_url` and returns at once with the
/// request id `lmstudio_download_cancel` takes; progress and the outcome arrive on `channel`.
#[tauri::command]
#[tracing::instrument(skip(state, channel), err)]
pub(crate) async fn lmstudio_download(
    state: State<'_, AppState>,
    base_url: String,
    request: DownloadRequest,
    channel: Channel<DownloadEvent>,
) -> Result<RequestId, IpcError> {
    let guard = state.downloads.register();
    let id = guard.id;
    tauri::async_runtime::spawn(async move {
        let send = |event: DownloadEvent| {
            if let Err(e) = channel.send(event) {
                tracing::debug!("download event not delivered: {e}");
            }
        };
        let outcome = download::download(
            &base_url,
            &request,
            &FollowOptions::default(),
            &guard.token,
            &mut |p| send(DownloadEvent::Progress(p.clone())),
        )
        .await;
        send(match outcome {
            Ok(done) => DownloadEvent::Done(done),
            Err(e) => DownloadEvent::Error(discovery_error(e)),
        });
    });
    Ok(id)
}

/// Stops following download `request_id` (LM Studio has no cancel endpoint: the outcome's note
/// says what happens there). `false` when it had already ended.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn lmstudio_download_cancel(
    state: State<'_, AppState>,
    request_id: RequestId,
) -> Result<bool, IpcError> {
    Ok(state.downloads.cancel(request_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::discovery::download::{DownloadStatus, CANCEL_NOTE};

    #[test]
    fn download_events_carry_their_type_beside_the_payload() {
        let progress = DownloadProgress {
            job_id: Some("job_1".into()),
            status: DownloadStatus::Downloading,
            downloaded_bytes: Some(5),
            total_bytes: Some(10),
            bytes_per_second: Some(1.0),
            seconds_left: Some(5),
            percent: Some(50.0),
        };
        let json = serde_json::to_value(DownloadEvent::Progress(progress)).expect("json");
        assert_eq!(
            (&json["type"], &json["percent"]),
            (&"progress".into(), &50.0.into())
        );
        let done = DownloadEvent::Done(DownloadOutcome::Cancelled {
            job_id: Some("job_1".into()),
            note: CANCEL_NOTE,
        });
        let json = serde_json::to_value(done).expect("json");
        assert_eq!(json["type"], "done");
        assert_eq!(json["outcome"], "cancelled");
        assert_eq!(json["jobId"], "job_1");
        let json = serde_json::to_value(DownloadEvent::Done(DownloadOutcome::AlreadyDownloaded))
            .expect("json");
        assert_eq!(json["outcome"], "alreadyDownloaded");
    }
}

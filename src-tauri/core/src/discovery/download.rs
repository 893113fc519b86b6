//! Downloading a model through LM Studio (≥ 0.4.0): `POST /api/v1/models/download` starts a
//! job, `GET /api/v1/models/download/status/:job_id` is polled until it completes or fails, and
//! each poll is reported as a [`DownloadProgress`] (percent, speed, time left).
//!
//! Wire facts, from LM Studio's REST docs (`developer/rest/download`, `download-status`):
//! - The request body is `{"model": <catalog id or Hugging Face URL>, "quantization"?}`;
//!   `quantization` only applies to Hugging Face links.
//! - The reply is a job status object: `job_id` (absent for `already_downloaded`), `status`
//!   (`downloading` | `paused` | `completed` | `failed` | `already_downloaded`), and optionally
//!   `total_size_bytes`, `downloaded_bytes`, `bytes_per_second` and `estimated_completion`
//!   (ISO 8601, while downloading), `started_at`, `completed_at`.
//! - The status route returns the same object for one job (without `already_downloaded`).
//! - LM Studio documents no cancel endpoint. Cancelling here ([`CancellationToken`]) stops
//!   following the job; the download itself goes on in LM Studio until it is paused or cancelled
//!   there ([`CANCEL_NOTE`]). Asking for the same model again picks the job up.
//!
//! The time left is computed from the bytes still to come and the current speed (the same
//! figures LM Studio's `estimated_completion` comes from), so no clock is compared. A poll that
//! gets no answer is tried again; after [`FollowOptions::gone_after`] failed polls in a row the
//! download ends with an error saying LM Studio stopped answering. Nothing waits without a
//! deadline: every request has [`FollowOptions::request_timeout`].

use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::http;
use super::jit::origin;
use super::DiscoveryError;

/// What Cancel means, said plainly: LM Studio has no documented way to cancel a download.
pub const CANCEL_NOTE: &str = "Switchboard stopped following the download. LM Studio's API has no way to cancel it, so it may go on in LM Studio: pause or cancel it in LM Studio's Downloads panel. Starting the download again picks it up.";

/// What to download: a catalog id (`openai/gpt-oss-20b`) or a Hugging Face URL, with a
/// quantization for the latter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DownloadRequest {
    /// Catalog id or Hugging Face URL.
    pub model: String,
    /// `Q4_K_M` and the like (Hugging Face URLs only).
    #[serde(default)]
    pub quantization: Option<String>,
}

/// A download job's status, as LM Studio names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DownloadStatus {
    /// Bytes are arriving.
    Downloading,
    /// Paused in LM Studio.
    Paused,
    /// Done: the model is on disk.
    Completed,
    /// LM Studio gave up.
    Failed,
    /// Nothing to do: the model was on disk already.
    AlreadyDownloaded,
}

impl DownloadStatus {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "downloading" => DownloadStatus::Downloading,
            "paused" => DownloadStatus::Paused,
            "completed" => DownloadStatus::Completed,
            "failed" => DownloadStatus::Failed,
            "already_downloaded" => DownloadStatus::AlreadyDownloaded,
            _ => return None,
        })
    }
}

/// One look at a download job, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DownloadProgress {
    /// The job (absent for `already_downloaded`).
    pub job_id: Option<String>,
    /// Where it is.
    pub status: DownloadStatus,
    /// Bytes on disk so far.
    pub downloaded_bytes: Option<u64>,
    /// The whole download.
    pub total_bytes: Option<u64>,
    /// Current speed.
    pub bytes_per_second: Option<f64>,
    /// Seconds left at the current speed (while downloading).
    pub seconds_left: Option<u64>,
    /// 0–100, when both sizes are known.
    pub percent: Option<f64>,
}

impl DownloadProgress {
    /// Reads LM Studio's job status object.
    fn from_wire(value: &Value) -> Option<Self> {
        let status = DownloadStatus::parse(value["status"].as_str()?)?;
        let downloaded = value["downloaded_bytes"].as_u64();
        let total = value["total_size_bytes"].as_u64().filter(|t| *t > 0);
        let speed = value["bytes_per_second"].as_f64().filter(|s| *s > 0.0);
        let percent = match (status, downloaded, total) {
            (DownloadStatus::Completed, _, _) => Some(100.0),
            (_, Some(d), Some(t)) => Some((d as f64 / t as f64 * 100.0).clamp(0.0, 100.0)),
            _ => None,
        };
        let seconds_left = match (status, downloaded, total, speed) {
            (DownloadStatus::Downloading, Some(d), Some(t), Some(s)) => {
                Some((t.saturating_sub(d) as f64 / s).ceil() as u64)
            }
            _ => None,
        };
        Some(DownloadProgress {
            job_id: value["job_id"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            status,
            downloaded_bytes: downloaded,
            total_bytes: total,
            bytes_per_second: speed,
            seconds_left,
            percent,
        })
    }
}

/// How a followed download ended (a failed job is an error).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum DownloadOutcome {
    /// The model is on disk now.
    Completed(DownloadProgress),
    /// It was on disk before.
    AlreadyDownloaded,
    /// Cancel was asked: no longer followed ([`CANCEL_NOTE`] says what LM Studio does).
    #[serde(rename_all = "camelCase")]
    Cancelled {
        /// The job left running in LM Studio, if one was started.
        job_id: Option<String>,
        /// [`CANCEL_NOTE`].
        note: &'static str,
    },
}

/// Polling and deadlines for [`download`].
#[derive(Debug, Clone)]
pub struct FollowOptions {
    /// Time between status polls.
    pub poll: Duration,
    /// Deadline of each request.
    pub request_timeout: Duration,
    /// Failed polls in a row after which LM Studio counts as gone.
    pub gone_after: u32,
    /// Bearer token, when LM Studio requires one.
    pub token: Option<String>,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            poll: Duration::from_millis(500),
            request_timeout: Duration::from_secs(15),
            gone_after: 3,
            token: None,
        }
    }
}

fn unexpected(url: &str, status: u16, value: &Value, body: &str) -> DiscoveryError {
    let message = http::error_text(value)
        .filter(|e| !e.is_empty())
        .map(|e| {
            if e.starts_with("Unexpected endpoint or method") {
                format!(
                    "{e}: this LM Studio has no download API (it needs LM Studio 0.4.0 or later)"
                )
            } else {
                e
            }
        })
        .unwrap_or_else(|| {
            let short: String = body.chars().take(80).collect();
            format!("not a download status: {short}")
        });
    DiscoveryError::Server {
        url: url.to_owned(),
        status,
        message,
    }
}

async fn read_status(
    method: Method,
    url: &str,
    body: Option<&Value>,
    options: &FollowOptions,
) -> Result<DownloadProgress, DiscoveryError> {
    let reply = http::call(
        method,
        url,
        body,
        options.token.as_deref(),
        options.request_timeout,
    )
    .await?;
    let value = reply.json().unwrap_or(Value::Null);
    match DownloadProgress::from_wire(&value) {
        Some(progress) if reply.ok() => Ok(progress),
        _ => Err(unexpected(url, reply.status, &value, &reply.body)),
    }
}

/// Starts downloading `request` in LM Studio at `base_url` (`POST /api/v1/models/download`).
pub async fn start(
    base_url: &str,
    request: &DownloadRequest,
    options: &FollowOptions,
) -> Result<DownloadProgress, DiscoveryError> {
    let url = format!("{}/api/v1/models/download", origin(base_url));
    let mut body = json!({"model": request.model});
    if let Some(q) = request.quantization.as_deref().filter(|q| !q.is_empty()) {
        body["quantization"] = json!(q);
    }
    read_status(Method::POST, &url, Some(&body), options).await
}

/// One look at job `job_id` (`GET /api/v1/models/download/status/:job_id`).
pub async fn status(
    base_url: &str,
    job_id: &str,
    options: &FollowOptions,
) -> Result<DownloadProgress, DiscoveryError> {
    let url = format!(
        "{}/api/v1/models/download/status/{}",
        origin(base_url),
        url::form_urlencoded::byte_serialize(job_id.as_bytes()).collect::<String>()
    );
    read_status(Method::GET, &url, None, options).await
}

/// Downloads `request` through LM Studio at `base_url` and follows the job until it completes,
/// fails (an error naming the model) or `cancel` fires, reporting every look at it through
/// `on_progress` (the first right after the start).
pub async fn download(
    base_url: &str,
    request: &DownloadRequest,
    options: &FollowOptions,
    cancel: &CancellationToken,
    on_progress: &mut (dyn FnMut(&DownloadProgress) + Send),
) -> Result<DownloadOutcome, DiscoveryError> {
    let cancelled = |job_id: Option<String>| DownloadOutcome::Cancelled {
        job_id,
        note: CANCEL_NOTE,
    };
    let first = tokio::select! {
        () = cancel.cancelled() => return Ok(cancelled(None)),
        r = start(base_url, request, options) => r?,
    };
    on_progress(&first);
    let job_id = match (first.status, first.job_id.clone()) {
        (DownloadStatus::AlreadyDownloaded, _) => return Ok(DownloadOutcome::AlreadyDownloaded),
        (DownloadStatus::Completed, _) => return Ok(DownloadOutcome::Completed(first)),
        (DownloadStatus::Failed, _) => return Err(failed(request, &first)),
        (_, Some(id)) => id,
        (_, None) => {
            return Err(DiscoveryError::Server {
                url: format!("{}/api/v1/models/download", origin(base_url)),
                status: 200,
                message: "LM Studio started a download but gave no job_id to follow".to_owned(),
            })
        }
    };
    let mut misses = 0;
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Ok(cancelled(Some(job_id))),
            () = tokio::time::sleep(options.poll) => {}
        }
        let look = tokio::select! {
            () = cancel.cancelled() => return Ok(cancelled(Some(job_id))),
            r = status(base_url, &job_id, options) => r,
        };
        let progress = match look {
            Ok(progress) => progress,
            Err(DiscoveryError::Unreachable { url, message }) => {
                misses += 1;
                if misses >= options.gone_after.max(1) {
                    return Err(DiscoveryError::Unreachable {
                        url,
                        message: format!(
                            "LM Studio stopped answering while downloading {} ({message}); start it again and retry: the download picks up where it stopped",
                            request.model
                        ),
                    });
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        misses = 0;
        on_progress(&progress);
        match progress.status {
            DownloadStatus::Completed | DownloadStatus::AlreadyDownloaded => {
                return Ok(DownloadOutcome::Completed(progress))
            }
            DownloadStatus::Failed => return Err(failed(request, &progress)),
            DownloadStatus::Downloading | DownloadStatus::Paused => {}
        }
    }
}

fn failed(request: &DownloadRequest, progress: &DownloadProgress) -> DiscoveryError {
    let got = match (progress.downloaded_bytes, progress.total_bytes) {
        (Some(d), Some(t)) => format!(" after {} of {}", bytes_label(d), bytes_label(t)),
        _ => String::new(),
    };
    DiscoveryError::DownloadFailed {
        model: request.model.clone(),
        message: format!(
            "LM Studio reports the download failed{got}: check its Downloads panel (disk space, network) and try again"
        ),
    }
}

/// `137.2 GB`, `512 MB`: decimal units, as download sizes are written.
pub fn bytes_label(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", b / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_object_reads_as_progress_with_time_left() {
        let v = json!({"job_id": "job_493c7c9ded", "status": "downloading",
            "total_size_bytes": 2_000, "downloaded_bytes": 500, "bytes_per_second": 100.0,
            "estimated_completion": "2025-10-07T00:21:47.030Z", "started_at": "2025-10-03T15:33:23.496Z"});
        let p = DownloadProgress::from_wire(&v).expect("reads");
        assert_eq!(p.job_id.as_deref(), Some("job_493c7c9ded"));
        assert_eq!(p.status, DownloadStatus::Downloading);
        assert_eq!(p.percent, Some(25.0));
        assert_eq!(p.seconds_left, Some(15));
        let done =
            DownloadProgress::from_wire(&json!({"status": "already_downloaded"})).expect("reads");
        assert_eq!((done.job_id, done.percent), (None, None));
        assert_eq!(
            DownloadProgress::from_wire(&json!({"status": "weird"})),
            None
        );
        assert_eq!(DownloadProgress::from_wire(&json!({"error": "x"})), None);
    }

    #[test]
    fn sizes_are_written_in_decimal_units() {
        assert_eq!(bytes_label(137_220_000_000), "137.2 GB");
        assert_eq!(bytes_label(512_000_000), "512 MB");
    }
}

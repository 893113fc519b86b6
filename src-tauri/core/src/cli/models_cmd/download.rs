//! `switchboard models download [MODEL] [--quantization Q] [--lmstudio-port P] [--json]`:
//! downloads a model through LM Studio (≥ 0.4.0) and follows it to the end
//! ([`crate::discovery::download`]). Without `MODEL`, the build the seed's advice picks for this
//! machine's memory ([`crate::discovery::candidate`]), with its warnings.
//!
//! Progress goes to stderr, one line per whole percent; the end goes to stdout (a line, or with
//! `--json` the outcome as one JSON document). A failed download, or LM Studio going away, exits 1.
//! Interrupting the command stops following the download; LM Studio has no cancel endpoint, so it
//! goes on there.

use std::io::Write;

use clap::Args;
use tokio_util::sync::CancellationToken;

use super::Exit;
use crate::discovery::candidate;
use crate::discovery::download::{
    self, bytes_label, DownloadOutcome, DownloadProgress, DownloadRequest, FollowOptions,
};
use crate::discovery::DiscoveryError;

/// Why `switchboard models download` stopped.
#[derive(Debug, thiserror::Error)]
enum DownloadCmdError {
    /// No build the seed's advice offers fits this machine's memory.
    #[error("no model this download offers fits this machine's memory")]
    NothingFits,
    /// The async runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// The download failed, or LM Studio went away.
    #[error(transparent)]
    Download(#[from] DiscoveryError),
    /// The outcome could not be written as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The outcome could not be printed.
    #[error(transparent)]
    Write(#[from] std::io::Error),
}

/// `switchboard models download` options.
#[derive(Debug, Clone, Args)]
pub struct DownloadArgs {
    /// A catalog id (`openai/gpt-oss-20b`) or a Hugging Face URL; default: the seed's pick for
    /// this machine's memory.
    #[arg(value_name = "MODEL")]
    pub model: Option<String>,
    /// The quantization to download (Hugging Face URLs only), e.g. `Q4_K_M`.
    #[arg(long, value_name = "Q", requires = "model")]
    pub quantization: Option<String>,
    /// LM Studio's port, when it is not 1234.
    #[arg(long, value_name = "PORT", default_value_t = 1234)]
    pub lmstudio_port: u16,
    /// Print the outcome as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// Runs `switchboard models download`.
pub(super) fn run(args: &DownloadArgs, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    match download_with(args, out, err) {
        Ok(exit) => exit,
        Err(error) => {
            let _ignored = writeln!(err, "switchboard: {error}");
            Exit::Failure
        }
    }
}

fn download_with(
    args: &DownloadArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, DownloadCmdError> {
    let request = match &args.model {
        Some(model) => DownloadRequest {
            model: model.clone(),
            quantization: args.quantization.clone(),
        },
        None => {
            let memory = candidate::total_memory();
            let pick = candidate::pick(memory).ok_or(DownloadCmdError::NothingFits)?;
            let _ignored = writeln!(
                err,
                "downloading {} ({}, {}), the largest that fits this machine's memory",
                pick.name, pick.params, pick.size_label
            );
            for warning in &pick.warnings {
                let _ignored = writeln!(err, "warning: {}", warning.message());
            }
            pick.request
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(DownloadCmdError::Runtime)?;
    let base = format!("http://127.0.0.1:{}", args.lmstudio_port);
    // Progress lines cross from the (Send) progress callback to this thread's stderr.
    let (lines, mut printed) = tokio::sync::mpsc::unbounded_channel::<String>();
    let (base, target) = (&base, &request);
    let outcome = runtime.block_on(async {
        let follow = async move {
            let mut shown = None;
            let mut on_progress = move |p: &DownloadProgress| {
                let percent = p.percent.map(|p| p.floor() as u64);
                if percent != shown {
                    shown = percent;
                    let _ignored = lines.send(progress_line(p));
                }
            };
            download::download(
                base,
                target,
                &FollowOptions::default(),
                &CancellationToken::new(),
                &mut on_progress,
            )
            .await
        };
        let print = async {
            while let Some(line) = printed.recv().await {
                let _ignored = writeln!(err, "{line}");
            }
        };
        tokio::join!(follow, print).0
    });
    let outcome = outcome?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&outcome)?)?;
    } else {
        let line = match &outcome {
            DownloadOutcome::Completed(_) => format!("downloaded {}", request.model),
            DownloadOutcome::AlreadyDownloaded => {
                format!("{} was downloaded already", request.model)
            }
            DownloadOutcome::Cancelled { note, .. } => (*note).to_owned(),
        };
        writeln!(out, "{line}")?;
    }
    Ok(Exit::Success)
}

/// `42% · 2.1 GB of 5.0 GB · 20.0 MB/s · 2 min left`.
fn progress_line(p: &DownloadProgress) -> String {
    let mut parts = Vec::new();
    if let Some(percent) = p.percent {
        parts.push(format!("{}%", percent.floor()));
    }
    if let (Some(done), Some(total)) = (p.downloaded_bytes, p.total_bytes) {
        parts.push(format!("{} of {}", bytes_label(done), bytes_label(total)));
    }
    if let Some(speed) = p.bytes_per_second {
        parts.push(format!("{:.1} MB/s", speed / 1e6));
    }
    if let Some(left) = p.seconds_left {
        parts.push(if left < 60 {
            format!("{left} s left")
        } else {
            format!("{} min left", left.div_ceil(60))
        });
    }
    if parts.is_empty() {
        format!("{:?}", p.status).to_lowercase()
    } else {
        parts.join(" · ")
    }
}

//! `switchboard detect [--json] [--timeout-ms N]`: scan for local LLM servers.
//!
//! Plain output is a short table per server with its models and warnings; `--json` prints one
//! document, `{"servers":[…]}` (see [`crate::discovery::ScanReport`]). Finding nothing is not an
//! error: the exit status is 0 either way.

use std::io::Write;
use std::time::Duration;

use clap::Args;

use crate::discovery::{DetectedServer, ScanOptions, ScanReport, Scanner, ServerKind, Status};
use crate::{Error, Result};

/// `switchboard detect` flags.
#[derive(Debug, Clone, Args)]
pub struct DetectArgs {
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// How long each probe waits for an answer, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub timeout_ms: u64,
    /// LM Studio's port, when it is not 1234.
    #[arg(long, value_name = "PORT")]
    pub lmstudio_port: Option<u16>,
    /// Also scan this OpenAI-compatible base URL (repeatable).
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,
}

impl DetectArgs {
    /// The scan these flags ask for.
    pub fn options(&self) -> ScanOptions {
        let mut options =
            ScanOptions::loopback().with_timeout(Duration::from_millis(self.timeout_ms));
        if let Some(port) = self.lmstudio_port {
            options = options.with_port(ServerKind::LmStudio, port);
        }
        for url in &self.urls {
            options = options.with_url(url);
        }
        options
    }
}

/// Runs `switchboard detect`.
pub(crate) fn run(args: &DetectArgs, out: &mut dyn Write) -> Result<()> {
    detect(args.options(), args.json, out)
}

/// Scans with `options` on a private runtime and prints the report (a table, or JSON).
pub fn detect(options: ScanOptions, json: bool, out: &mut dyn Write) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("<tokio runtime>", e))?;
    let scanner = Scanner::new(options).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let report = runtime.block_on(scanner.scan());
    let stdout = |e| Error::io("<stdout>", e);
    if json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::io("<stdout>", std::io::Error::other(e)))?;
        writeln!(out, "{text}").map_err(stdout)
    } else {
        write_table(&report, out).map_err(stdout)
    }
}

/// The human table.
pub fn write_table(report: &ScanReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<18} {:<12} {:<32} {:<10} API",
        "SERVER", "STATUS", "BASE URL", "VERSION"
    )?;
    for server in &report.servers {
        write_server(server, out)?;
    }
    if report.running().next().is_none() {
        writeln!(out, "\nNo local servers found.")?;
    }
    Ok(())
}

fn write_server(s: &DetectedServer, out: &mut dyn Write) -> std::io::Result<()> {
    let status = match s.status {
        Status::OtherService => "other service",
        other => other.label(),
    };
    writeln!(
        out,
        "{:<18} {:<12} {:<32} {:<10} {}",
        s.kind.label(),
        status,
        s.base_url,
        s.version.as_deref().unwrap_or("-"),
        s.api.as_deref().unwrap_or("-"),
    )?;
    if let Some(detail) = &s.detail {
        writeln!(out, "    {detail}")?;
    }
    if let Some(reason) = &s.api_reason {
        writeln!(out, "    api: {reason}")?;
    }
    for m in &s.models {
        let loaded = match m.loaded {
            Some(true) => "loaded",
            Some(false) => "not loaded",
            None => "",
        };
        let context = match (m.context_window, m.max_context_window) {
            (Some(c), Some(max)) if c != max => format!("ctx {c}/{max}"),
            (Some(c), _) | (None, Some(c)) => format!("ctx {c}"),
            (None, None) => String::new(),
        };
        let kind = serde_json::to_value(m.model_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let facts: Vec<&str> = [m.params.as_deref(), m.quantization.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        writeln!(
            out,
            "  - {} [{kind}] {loaded} {context} {}",
            m.id,
            facts.join(" "),
        )?;
        for w in &m.warnings {
            writeln!(out, "      ! {}", w.message())?;
        }
    }
    Ok(())
}

//! `switchboard spend [--json]`: what each provider cost today and this month, against the
//! budgets in Switchboard's settings. Answers whose price is unknown (a hosted model without
//! `cost` rates, or a server that reported no usage) are counted apart, never as free.

use std::io::Write;

use clap::Args;

use crate::chat::Engine;
use crate::history::HistoryStore;
use crate::paths::Paths;
use crate::policy::{spend::Line, Budget, Report, Standing};
use crate::router::Router;
use crate::{Error, Result};

/// `switchboard spend …`
#[derive(Debug, Clone, Args)]
pub struct SpendArgs {
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Prints the spend report of the history in `paths.data_dir`.
pub(crate) fn run(args: &SpendArgs, paths: &Paths, out: &mut dyn Write) -> Result<()> {
    let config = crate::config::load(&paths.config_file)
        .ok()
        .and_then(|loaded| loaded.into_config().ok())
        .unwrap_or_default();
    let router = Router::new(config).map_err(|e| Error::InvalidInput(e.to_string()))?;
    router.set_policy(super::policy(paths));
    let store = HistoryStore::open(&paths.data_dir)?.store;
    let engine = Engine::new(router, Some(store), Default::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("<tokio runtime>", e))?;
    let report = runtime
        .block_on(engine.spend_report())
        .map_err(|e| Error::InvalidInput(e.to_string()))?;
    let stdout_err = |e| Error::io("<stdout>", e);
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::io("<json>", std::io::Error::other(e)))?;
        return writeln!(out, "{text}").map_err(stdout_err);
    }
    write_report(out, &report).map_err(stdout_err)
}

fn write_report(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    writeln!(out, "Spend on {} (month {})", report.day, report.month)?;
    writeln!(
        out,
        "{:<14} {:>10} {:>10}  {:<24} note",
        "provider", "today", "month", "budget"
    )?;
    for line in report.providers.iter().chain([&report.overall]) {
        write_line(out, line)?;
    }
    Ok(())
}

fn write_line(out: &mut dyn Write, line: &Line) -> std::io::Result<()> {
    let name = line.provider.as_deref().unwrap_or("all");
    let mut notes = Vec::new();
    match line.standing {
        Standing::Ok => {}
        Standing::Warning => notes.push("80 % of the budget used".to_owned()),
        Standing::Over => notes.push("over budget: its routes are skipped".to_owned()),
    }
    if line.totals.unknown_month > 0 {
        notes.push(format!(
            "{} answers with unknown price (not counted)",
            line.totals.unknown_month
        ));
    }
    writeln!(
        out,
        "{name:<14} {:>10} {:>10}  {:<24} {}",
        format!("${:.4}", line.totals.today_usd),
        format!("${:.4}", line.totals.month_usd),
        budget_text(&line.budget),
        notes.join("; ")
    )
}

fn budget_text(budget: &Budget) -> String {
    let part = |limit: Option<f64>, per: &str| limit.map(|l| format!("${l:.2}/{per}"));
    let parts: Vec<String> = [
        part(budget.daily_usd, "day"),
        part(budget.monthly_usd, "month"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

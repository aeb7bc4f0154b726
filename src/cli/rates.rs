//! `qalam rates fetch` and `qalam rates backfill`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;

use crate::app::{App, Clock};
use crate::config::Settings;
use crate::jobs::rates::{MAX_BACKFILL_DAYS, backfill, days_between, fetch_round};
use crate::rates::Source;

/// One round over every source, reported per source; fails when a source did.
pub async fn run_fetch(data: &Path) -> anyhow::Result<ExitCode> {
    let app = App::open(data, Settings::load(data)?, Clock::System).await?;
    let report = fetch_round(&app).await;
    print!("{report}");
    Ok(if report.all_succeeded() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Past rates for every day from `from` to `to`, from `sources` (all when empty).
pub async fn run_backfill(data: &Path, from: Date, to: Date, sources: &[Source]) -> anyhow::Result<ExitCode> {
    let days = days_between(from, to)
        .with_context(|| format!("--from must not be after --to, and the range at most {MAX_BACKFILL_DAYS} days"))?;
    let app = App::open(data, Settings::load(data)?, Clock::System).await?;
    let sources = if sources.is_empty() { Source::ALL.to_vec() } else { sources.to_vec() };
    let requests = u64::try_from(days.len() * sources.len()).unwrap_or(u64::MAX);
    let bar = ProgressBar::new(requests).with_style(
        ProgressStyle::with_template("back-filling {bar:40} {pos}/{len} requests {eta}")
            .context("progress bar template")?,
    );
    let reports = backfill(&app, &sources, &days, &|| bar.inc(1)).await;
    bar.finish_and_clear();
    for line in &reports {
        println!("{line}");
    }
    let failed = reports.iter().any(|r| r.failed_days > 0);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Reads a source's short name for `--source`.
pub fn parse_source(id: &str) -> Result<Source, String> {
    Source::from_id(id).ok_or_else(|| {
        let known: Vec<_> = Source::ALL.iter().map(|s| s.id()).collect();
        format!("unknown source {id:?}; the sources are {}", known.join(", "))
    })
}

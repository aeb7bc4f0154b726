//! `qalam import jsonl FILE`.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cache::PageCache;
use crate::publishing::jsonl::import_jsonl;

pub async fn run_jsonl(file: &Path, data: &Path) -> anyhow::Result<ExitCode> {
    let input = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = input.metadata().map(|m| m.len()).unwrap_or(0);
    let store = super::open_store(data).await?;
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("importing {bar:40} {percent:>3}% {binary_bytes}/{binary_total_bytes} {eta}")
            .context("progress bar template")?,
    );
    // Another process serving this directory notices the change through the store.
    let pages = PageCache::new(false, 0);
    let now = jiff::Timestamp::now();
    let report = import_jsonl(store.as_ref(), &pages, BufReader::new(input), now, &|read| bar.set_position(read)).await;
    bar.finish_and_clear();
    let report = report?;
    for rejected in &report.rejected {
        eprintln!("{}: line {}: {}", file.display(), rejected.line, rejected.reason);
    }
    println!(
        "imported {}: {} created, {} updated, {} skipped",
        file.display(),
        report.created,
        report.updated,
        report.rejected.len()
    );
    Ok(if report.rejected.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

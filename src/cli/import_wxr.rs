//! `qalam import wxr FILE [--uploads DIR] [--all-or-nothing]`: a WordPress export.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::tz::TimeZone;

use crate::cache::PageCache;
use crate::config::Settings;
use crate::publishing::wxr::{Phase, Tally, WxrError, WxrOptions, WxrReport, import_wxr};

/// Missing media files listed one by one; the rest are counted.
const MISSING_LISTED: usize = 20;

/// Imports `file` into `data`, copying media from `uploads`.
pub async fn run_wxr(
    file: &Path,
    data: &Path,
    uploads: Option<&Path>,
    all_or_nothing: bool,
) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(data).context("cannot load settings")?;
    let tz = TimeZone::get(&settings.site.timezone)
        .with_context(|| format!("unknown time zone {}", settings.site.timezone))?;
    let uploads = uploads.map(uploads_dir).transpose()?;
    let store = super::open_store(data).await?;
    let options = WxrOptions {
        uploads,
        media_dir: settings.media_dir(data),
        all_or_nothing,
        categories: settings.import.categories.clone(),
        tz,
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg:9} {bar:40} {percent:>3}% {binary_bytes}/{binary_total_bytes} {eta}")
            .context("progress bar template")?,
    );
    // Another process serving this directory notices the change through the store.
    let pages = PageCache::new(false, 0);
    let started = Instant::now();
    let progress = |phase: Phase, read: u64, size: u64| {
        bar.set_length(size);
        bar.set_message(match phase {
            Phase::Checking => "checking",
            Phase::Importing => "importing",
        });
        bar.set_position(read);
    };
    let result = import_wxr(store.as_ref(), &pages, file, &options, jiff::Timestamp::now(), &progress).await;
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(WxrError::Refused { problems }) => {
            for problem in &problems {
                eprintln!("{}: line {}: post {}: {}", file.display(), problem.line, problem.post_id, problem.reason);
            }
            bail!("{}: {}", file.display(), WxrError::Refused { problems });
        }
        Err(e) => return Err(e.into()),
    };
    for problem in &report.problems {
        eprintln!("{}: line {}: post {}: {}", file.display(), problem.line, problem.post_id, problem.reason);
    }
    if options.uploads.is_none() && !report.media_missing.is_empty() {
        eprintln!(
            "{}: {} media files not copied: no --uploads directory was given",
            file.display(),
            report.media_missing.len()
        );
        return finish(file, &report, started);
    }
    for missing in report.media_missing.iter().take(MISSING_LISTED) {
        eprintln!("{}: media file missing: {} ({})", file.display(), missing.url, missing.reason);
    }
    if report.media_missing.len() > MISSING_LISTED {
        eprintln!("{}: … and {} more missing media files", file.display(), report.media_missing.len() - MISSING_LISTED);
    }
    finish(file, &report, started)
}

/// Prints the report; the exit code says whether every post went in.
fn finish(file: &Path, report: &WxrReport, started: Instant) -> anyhow::Result<ExitCode> {
    print!("{}", summary(file, report, started.elapsed().as_secs_f64()));
    Ok(if report.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The uploads directory; `wp-content` itself is accepted for its `uploads/`.
fn uploads_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    if !dir.is_dir() {
        bail!("--uploads {} is not a directory", dir.display());
    }
    let inner = dir.join("uploads");
    Ok(if dir.file_name().is_some_and(|n| n == "wp-content") && inner.is_dir() { inner } else { dir.to_owned() })
}

/// The end report, one line per kind of thing.
fn summary(file: &Path, report: &WxrReport, seconds: f64) -> String {
    let tally =
        |t: &Tally| format!("{} ({} created, {} updated, {} unchanged)", t.total(), t.created, t.updated, t.unchanged);
    let tag = |kind: &str| report.tags.get(kind).copied().unwrap_or(0);
    let skipped: usize = report.skipped.values().sum();
    let reasons: String = report.skipped.iter().map(|(reason, count)| format!("; {reason}: {count}")).collect();
    let uses: usize = report.shortcodes.values().sum();
    let names: String = report.shortcodes.iter().map(|(name, count)| format!("; [{name}] ×{count}")).collect();
    let mut out = String::new();
    let version = if report.wxr_version.is_empty() { String::new() } else { format!(", WXR {}", report.wxr_version) };
    let _ = writeln!(out, "imported {} ({}{version}) in {seconds:.1} s", file.display(), report.site);
    let _ = writeln!(out, "  posts:      {}", tally(&report.posts));
    let _ = writeln!(out, "  pages:      {}", tally(&report.pages));
    let _ = writeln!(out, "  authors:    {}", report.authors);
    let _ = writeln!(
        out,
        "  tags:       {} countries, {} sections, {} topics",
        tag("country"),
        tag("section"),
        tag("topic")
    );
    let _ = writeln!(
        out,
        "  media:      {} copied, {} already there, {} missing",
        report.media_copied,
        report.media_present,
        report.media_missing.len()
    );
    let _ = writeln!(out, "  redirects:  {}", report.redirects);
    let _ = writeln!(out, "  skipped:    {skipped}{reasons}");
    let _ = writeln!(out, "  comments:   {} not imported (Qalam has no comments)", report.comments);
    let _ = writeln!(out, "  shortcodes: {uses} unknown, left as text{names}");
    for (note, count) in &report.notes {
        let _ = writeln!(out, "  note:       {note}: {count}");
    }
    if !report.problems.is_empty() {
        let _ = writeln!(out, "  failed:     {} (named above)", report.problems.len());
    }
    out
}

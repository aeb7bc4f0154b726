//! Official exchange rates: one fetch round asks every central bank at once, each in its
//! own task, so that a bank that is down, slow or sends garbage changes nothing but its
//! own line in the report. A rate is stored only after its bank's parser and the
//! plausibility checks accepted it, so a bad answer never replaces a good rate: the
//! site keeps showing the last good one, with its date. `qalam serve` runs rounds on a
//! schedule, `qalam rates fetch` runs one, and tests run one to completion.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};
use rust_decimal::Decimal;

use crate::app::App;
use crate::config::TimeOfDay;
use crate::jobs::leadership::Leadership;
use crate::publishing::save_rates;
use crate::rates::source::{address_for, takes_date};
use crate::rates::{FALLBACK_ID, Publication, PublishedRate, Source, parse_fallback};
use crate::store::{Job, OfficialRate};

/// The currency every bank's headline rate is quoted against.
const DOLLAR: &str = "USD";

/// A rate dated further ahead than this is refused: NBKR dates its file one day ahead,
/// nobody dates a week ahead, and a far-future row would hide every newer real rate.
const MAX_DAYS_AHEAD: i32 = 7;

/// The longest range one back-fill covers.
pub const MAX_BACKFILL_DAYS: i32 = 3_660;

/// What one round did, one line per source.
#[derive(Debug, Clone)]
pub struct RoundReport {
    /// Each source's outcome, in [`Source::ALL`] order, then the fallback if it ran.
    pub sources: Vec<SourceReport>,
}

impl RoundReport {
    /// Whether every source that is on gave a usable answer.
    pub fn all_succeeded(&self) -> bool {
        self.sources.iter().all(|s| !matches!(s.outcome, Outcome::Failed { .. }))
    }

    /// The line of the source stored under `id`.
    pub fn source(&self, id: &str) -> Option<&SourceReport> {
        self.sources.iter().find(|s| s.source == id)
    }
}

/// What happened with one source.
#[derive(Debug, Clone)]
pub struct SourceReport {
    /// Short name: `nbk`, … or `frankfurter`.
    pub source: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Entries left out of an accepted answer, and why.
    pub warnings: Vec<String>,
}

/// The outcome for one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Turned off in the settings.
    Off,
    /// Rates were stored.
    Saved {
        /// The newest day among them.
        date: Date,
        /// How many.
        rates: usize,
    },
    /// The Central Bank of Turkmenistan's file was not to be had; the official fixed
    /// rate was stored for today.
    Pegged {
        /// Today in Ashgabat.
        date: Date,
        /// Manat per dollar.
        rate: Decimal,
        /// Why the file was not used.
        reason: String,
    },
    /// Nothing was stored; what was stored before stays.
    Failed {
        /// Why.
        error: String,
        /// The day of the dollar rate kept from before, if any.
        kept: Option<Date>,
    },
}

impl fmt::Display for SourceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.source)?;
        match &self.outcome {
            Outcome::Off => write!(f, "off")?,
            Outcome::Saved { date, rates } => write!(f, "saved {rates} rates for {date}")?,
            Outcome::Pegged { date, rate, reason } => {
                write!(f, "saved the official fixed rate {rate} per US dollar for {date} ({reason})")?;
            }
            Outcome::Failed { error, kept } => {
                write!(f, "FAILED: {error}")?;
                match kept {
                    Some(day) => write!(f, "; keeping the rates of {day}")?,
                    None => write!(f, "; no earlier rates to keep")?,
                }
            }
        }
        for warning in &self.warnings {
            write!(f, "\n  left out {warning}")?;
        }
        Ok(())
    }
}

impl fmt::Display for RoundReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.sources {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// Asks every source once, concurrently, stores what passes the checks, then asks the
/// fallback (when one is set) for the dollar rates the banks did not give.
pub async fn fetch_round(app: &Arc<App>) -> RoundReport {
    let tasks: Vec<_> = Source::ALL
        .into_iter()
        .map(|source| {
            let app = Arc::clone(app);
            (source, tokio::spawn(async move { fetch_source(&app, source).await }))
        })
        .collect();
    let mut sources = Vec::with_capacity(tasks.len() + 1);
    let mut wanting = Vec::new();
    for (source, task) in tasks {
        let (report, has_dollar_rate) = match task.await {
            Ok(done) => done,
            // A panic in one bank's parser must not take the round, or the server, down.
            Err(e) => (failed(app, source.id(), source.currency(), format!("the fetch stopped: {e}")).await, false),
        };
        if !has_dollar_rate && report.outcome != Outcome::Off {
            wanting.push(source.currency());
        }
        sources.push(report);
    }
    if let Some(fallback) = fallback_address(app)
        && !wanting.is_empty()
    {
        sources.push(fetch_fallback(app, &fallback, &wanting).await);
    }
    for line in &sources {
        if line.outcome != Outcome::Off {
            app.metrics.record_rate_fetch(&line.source, !matches!(line.outcome, Outcome::Failed { .. }));
        }
        match (&line.outcome, line.warnings.is_empty()) {
            (Outcome::Failed { .. }, _) => tracing::warn!("rates: {line}"),
            (_, false) => tracing::warn!("rates: {line}"),
            _ => tracing::info!("rates: {line}"),
        }
    }
    RoundReport { sources }
}

/// One source's round, and whether it left a current dollar rate stored.
async fn fetch_source(app: &App, source: Source) -> (SourceReport, bool) {
    let today = today_in(app, source.time_zone());
    let peg = if source == Source::Cbt { app.settings.rates.tmt_peg } else { None };
    // A source set to "" is off altogether, the manat's peg included: "off" must mean
    // that nothing about that currency changes.
    let Some(address) = source.address(&app.settings.rates.sources) else {
        return (report(source.id(), Outcome::Off, Vec::new()), false);
    };
    let url = address_for(&address, today);
    let error = match app.rates.fetch(&url, |body| source.parse(body)).await {
        Ok(publication) => match keep(app, source.id(), source.currency(), publication, Checks::Daily).await {
            Ok((report, true)) => return (report, true),
            Ok((report, false)) => match peg {
                // The file came, but without a usable dollar rate: the peg still holds.
                Some(rate) => {
                    let (mut pegged, ok) =
                        pegged(app, today, rate, "the bank's file has no usable dollar rate".into()).await;
                    pegged.warnings = report.warnings;
                    return (pegged, ok);
                }
                None => return (report, false),
            },
            Err(error) => error,
        },
        Err(e) => e.to_string(),
    };
    match peg {
        Some(rate) => pegged(app, today, rate, format!("the bank's file: {error}")).await,
        None => (failed(app, source.id(), source.currency(), error).await, false),
    }
}

async fn pegged(app: &App, date: Date, rate: Decimal, reason: String) -> (SourceReport, bool) {
    let source = Source::Cbt;
    let peg = PublishedRate { currency: source.currency().to_owned(), quote: DOLLAR.to_owned(), date, rate, scale: 1 };
    match store(app, source.id(), vec![peg]).await {
        Ok(()) => (report(source.id(), Outcome::Pegged { date, rate, reason }, Vec::new()), true),
        Err(error) => (failed(app, source.id(), source.currency(), error).await, false),
    }
}

/// Which checks a publication goes through besides its parser's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// Today's rates: compared with the last rate stored, refused when far off.
    Daily,
    /// A past day: the last rate stored may be years younger, so no comparison.
    History,
}

/// Applies the checks and stores what passes; the error says why nothing was stored.
async fn keep(
    app: &App,
    source_id: &str,
    currency: &str,
    publication: Publication,
    checks: Checks,
) -> Result<(SourceReport, bool), String> {
    let mut warnings = publication.skipped;
    let latest_allowed = today_in(app, "UTC").checked_add(MAX_DAYS_AHEAD.days()).unwrap_or(Date::MAX);
    let previous: HashMap<(String, String), OfficialRate> = match checks {
        Checks::Daily => app
            .store
            .latest_rates_from(source_id)
            .await
            .map_err(|e| format!("cannot read the stored rates: {e}"))?
            .into_iter()
            .map(|r| ((r.currency.clone(), r.quote.clone()), r))
            .collect(),
        Checks::History => HashMap::new(),
    };
    let max_change = Decimal::from(app.settings.rates.max_change_percent);
    let mut accepted = Vec::with_capacity(publication.rates.len());
    for rate in publication.rates {
        if rate.date > latest_allowed {
            warnings.push(format!("{}: dated {}, too far ahead", rate.quote, rate.date));
            continue;
        }
        if let Some(before) = previous.get(&(rate.currency.clone(), rate.quote.clone()))
            && let Some(change) = implausible_change(before, &rate, max_change)
        {
            warnings.push(format!(
                "{}: {} {} per {} {} is {change}% away from the {} of {}; refused as implausible",
                rate.quote, rate.rate, rate.currency, rate.scale, rate.quote, before.rate, before.date
            ));
            continue;
        }
        accepted.push(rate);
    }
    if accepted.is_empty() {
        return Err(if warnings.is_empty() {
            "the answer holds no rate".to_owned()
        } else {
            format!("every rate was refused ({})", warnings.join("; "))
        });
    }
    let has_dollar_rate = accepted.iter().any(|r| r.currency == currency && r.quote == DOLLAR);
    if !has_dollar_rate {
        warnings.push(format!("{DOLLAR}: the answer has no usable {currency} per {DOLLAR} rate"));
    }
    let date = accepted.iter().map(|r| r.date).max().unwrap_or_default();
    let count = accepted.len();
    store(app, source_id, accepted).await?;
    Ok((report(source_id, Outcome::Saved { date, rates: count }, warnings), has_dollar_rate))
}

/// How far, in percent of the smaller, a new rate is from the stored one, when that is
/// beyond `max_percent`. Compared per unit, so a changed nominal is not a jump.
fn implausible_change(before: &OfficialRate, after: &PublishedRate, max_percent: Decimal) -> Option<Decimal> {
    let per_unit = |rate: Decimal, scale: u32| rate.checked_div(Decimal::from(scale));
    let old = per_unit(before.rate, before.scale)?;
    let new = per_unit(after.rate, after.scale)?;
    let (low, high) = if old < new { (old, new) } else { (new, old) };
    if low <= Decimal::ZERO {
        return None;
    }
    let percent = ((high - low) / low * Decimal::ONE_HUNDRED).round_dp(0);
    (percent > max_percent).then_some(percent)
}

async fn store(app: &App, source_id: &str, rates: Vec<PublishedRate>) -> Result<(), String> {
    let fetched_at = app.now();
    let rows = rates
        .into_iter()
        .map(|r| OfficialRate {
            currency: r.currency,
            quote: r.quote,
            date: r.date,
            source: source_id.to_owned(),
            rate: r.rate,
            scale: r.scale,
            fetched_at,
        })
        .collect();
    save_rates(app.store.as_ref(), &app.pages, rows).await.map_err(|e| format!("cannot store the rates: {e}"))
}

async fn failed(app: &App, source_id: &str, currency: &str, error: String) -> SourceReport {
    let kept = app
        .store
        .latest_rates_from(source_id)
        .await
        .ok()
        .and_then(|rates| rates.into_iter().find(|r| r.currency == currency && r.quote == DOLLAR).map(|r| r.date));
    report(source_id, Outcome::Failed { error, kept }, Vec::new())
}

fn report(source_id: &str, outcome: Outcome, warnings: Vec<String>) -> SourceReport {
    SourceReport { source: source_id.to_owned(), outcome, warnings }
}

fn fallback_address(app: &App) -> Option<String> {
    app.settings.rates.fallback.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned)
}

/// Asks the fallback for the dollar rates of `currencies`, and stores those newer than
/// any stored, so that it fills a gap and never stands in for an official rate.
async fn fetch_fallback(app: &App, address: &str, currencies: &[&str]) -> SourceReport {
    let url = address_for(address, app.now().to_zoned_datetime(app.tz.clone()).date());
    let publication = match app.rates.fetch(&url, parse_fallback).await {
        Ok(publication) => publication,
        Err(e) => return report(FALLBACK_ID, Outcome::Failed { error: e.to_string(), kept: None }, Vec::new()),
    };
    let stored = match app.store.latest_rates(DOLLAR).await {
        Ok(stored) => stored,
        Err(e) => {
            let error = format!("cannot read the stored rates: {e}");
            return report(FALLBACK_ID, Outcome::Failed { error, kept: None }, Vec::new());
        }
    };
    let max_change = Decimal::from(app.settings.rates.max_change_percent);
    let mut warnings = publication.skipped;
    let mut wanted = Vec::new();
    for rate in publication.rates {
        if !currencies.contains(&rate.currency.as_str()) || rate.quote != DOLLAR {
            continue;
        }
        let before = stored.iter().find(|h| h.latest.currency == rate.currency).map(|h| &h.latest);
        match before {
            Some(before) if before.date >= rate.date => {}
            Some(before) if implausible_change(before, &rate, max_change).is_some() => {
                warnings
                    .push(format!("{}: {} per {DOLLAR} is far from the last official rate", rate.currency, rate.rate));
            }
            _ => wanted.push(rate),
        }
    }
    if wanted.is_empty() {
        let outcome = Outcome::Failed { error: "no rate newer than those stored".to_owned(), kept: None };
        return report(FALLBACK_ID, outcome, warnings);
    }
    let date = wanted.iter().map(|r| r.date).max().unwrap_or_default();
    let count = wanted.len();
    match store(app, FALLBACK_ID, wanted).await {
        Ok(()) => report(FALLBACK_ID, Outcome::Saved { date, rates: count }, warnings),
        Err(error) => report(FALLBACK_ID, Outcome::Failed { error, kept: None }, warnings),
    }
}

/// Today's date in a time zone (the UTC date if the zone is unknown).
fn today_in(app: &App, zone: &str) -> Date {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    app.now().to_zoned_datetime(tz).date()
}

/// What a back-fill did for one source.
#[derive(Debug, Clone, Default)]
pub struct BackfillReport {
    /// The source's short name.
    pub source: String,
    /// Days whose rates were stored.
    pub saved_days: u32,
    /// Days the bank answered with another day's rates (a holiday, a day out of range).
    pub other_days: u32,
    /// Days that failed, and the first failure.
    pub failed_days: u32,
    /// The first failure, as an example.
    pub first_error: Option<String>,
    /// Why the source was not asked at all.
    pub not_asked: Option<String>,
}

impl fmt::Display for BackfillReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(reason) = &self.not_asked {
            return write!(f, "{}: not asked ({reason})", self.source);
        }
        write!(
            f,
            "{}: {} days stored, {} answered with another day's rates, {} failed",
            self.source, self.saved_days, self.other_days, self.failed_days
        )?;
        if let Some(e) = &self.first_error {
            write!(f, " (first failure: {e})")?;
        }
        Ok(())
    }
}

/// The days from `from` to `to` inclusive; `None` when reversed or too long.
pub fn days_between(from: Date, to: Date) -> Option<Vec<Date>> {
    let length = (to - from).get_days();
    if !(0..MAX_BACKFILL_DAYS).contains(&length) {
        return None;
    }
    Some(from.series(1.day()).take_while(|d| *d <= to).collect())
}

/// Asks each of `sources` whose address names a day for every day of `days`, storing
/// the rates of each day the bank answers for. `progress` is told after each request.
pub async fn backfill(app: &App, sources: &[Source], days: &[Date], progress: &dyn Fn()) -> Vec<BackfillReport> {
    let pause = Duration::from_millis(app.settings.rates.backfill_pause_ms);
    let mut reports = Vec::new();
    for &source in sources {
        let mut line = BackfillReport { source: source.id().to_owned(), ..BackfillReport::default() };
        let address = match source.address(&app.settings.rates.sources) {
            Some(address) if takes_date(&address) => address,
            Some(_) => {
                line.not_asked = Some("its address names no day, so it only ever gives the latest rates".into());
                reports.push(line);
                continue;
            }
            None => {
                line.not_asked = Some("turned off".into());
                reports.push(line);
                continue;
            }
        };
        for (i, &day) in days.iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(pause).await;
            }
            backfill_day(app, source, &address, day, &mut line).await;
            progress();
        }
        reports.push(line);
    }
    reports
}

async fn backfill_day(app: &App, source: Source, address: &str, day: Date, line: &mut BackfillReport) {
    let fail = |line: &mut BackfillReport, error: String| {
        line.failed_days += 1;
        line.first_error.get_or_insert(format!("{day}: {error}"));
    };
    match app.rates.fetch(&address_for(address, day), |body| source.parse(body)).await {
        Ok(mut publication) => {
            let asked = publication.rates.len();
            publication.rates.retain(|r| r.date == day);
            if publication.rates.is_empty() && asked > 0 {
                line.other_days += 1;
                return;
            }
            match keep(app, source.id(), source.currency(), publication, Checks::History).await {
                Ok(_) => line.saved_days += 1,
                Err(e) => fail(line, e),
            }
        }
        Err(e) => match (source, app.settings.rates.tmt_peg) {
            (Source::Cbt, Some(rate)) => {
                let peg = PublishedRate {
                    currency: source.currency().to_owned(),
                    quote: DOLLAR.into(),
                    date: day,
                    rate,
                    scale: 1,
                };
                match store(app, source.id(), vec![peg]).await {
                    Ok(()) => line.saved_days += 1,
                    Err(e) => fail(line, e),
                }
            }
            _ => fail(line, e.to_string()),
        },
    }
}

/// Runs inside `qalam serve`: a round at start-up when the stored rates are older than
/// the latest business day, then one at each scheduled time of day, forever; of several
/// nodes on one database, only the one that leads the job fetches.
pub async fn run_schedule(app: Arc<App>) {
    let mut leadership = Leadership::new(Job::Rates);
    if app.settings.rates.fetch_on_start && rates_are_stale(&app).await && leadership.leads(app.store.as_ref()).await {
        fetch_round(&app).await;
    }
    let times = app.settings.rates.schedule.clone();
    loop {
        let now = app.now();
        let Some(next) = next_run(now, &app.tz, &times) else { return };
        let wait = next.duration_since(now).unsigned_abs();
        tracing::debug!(next = %next, "next round of exchange rates");
        tokio::time::sleep(wait).await;
        if leadership.leads(app.store.as_ref()).await {
            fetch_round(&app).await;
        }
    }
}

async fn rates_are_stale(app: &App) -> bool {
    let today = app.now().to_zoned_datetime(app.tz.clone()).date();
    let back = match today.weekday() {
        Weekday::Saturday => 1,
        Weekday::Sunday => 2,
        _ => 0,
    };
    let business_day = today.checked_sub(Span::new().days(back)).unwrap_or(today);
    match app.store.latest_rate_date().await {
        Ok(Some(latest)) => latest < business_day,
        Ok(None) => true,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the date of the stored rates");
            false
        }
    }
}

/// The first scheduled time after `now`, in `tz`; `None` without a schedule.
pub fn next_run(now: Timestamp, tz: &TimeZone, times: &[TimeOfDay]) -> Option<Timestamp> {
    let today = now.to_zoned_datetime(tz.clone()).date();
    [today, today.tomorrow().ok()?]
        .into_iter()
        .flat_map(|day| times.iter().filter_map(move |t| day.to_datetime(t.0).to_zoned_datetime(tz.clone()).ok()))
        .map(|z| z.timestamp())
        .filter(|t| *t > now)
        .min()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use jiff::civil::Time;

    use super::*;

    #[test]
    fn the_next_run_is_the_next_time_today_or_the_first_tomorrow() {
        let tz = TimeZone::get("Asia/Almaty").expect("zone");
        let times = [TimeOfDay(Time::constant(9, 30, 0, 0)), TimeOfDay(Time::constant(16, 30, 0, 0))];
        let at = |s: &str| Timestamp::from_str(s).expect("instant");
        assert_eq!(next_run(at("2026-04-01T05:00:00Z"), &tz, &times), Some(at("2026-04-01T11:30:00Z")));
        assert_eq!(next_run(at("2026-04-01T12:00:00Z"), &tz, &times), Some(at("2026-04-02T04:30:00Z")));
        assert_eq!(next_run(at("2026-04-01T12:00:00Z"), &tz, &[]), None);
    }

    #[test]
    fn a_jump_beyond_the_limit_is_implausible() {
        let before = OfficialRate {
            currency: "KZT".into(),
            quote: "USD".into(),
            date: Date::constant(2026, 3, 31),
            source: "nbk".into(),
            rate: Decimal::from_str("478.77").expect("decimal"),
            scale: 1,
            fetched_at: Timestamp::UNIX_EPOCH,
        };
        let after = |rate: &str, scale: u32| PublishedRate {
            currency: "KZT".into(),
            quote: "USD".into(),
            date: Date::constant(2026, 4, 1),
            rate: Decimal::from_str(rate).expect("decimal"),
            scale,
        };
        let limit = Decimal::from(50);
        assert_eq!(implausible_change(&before, &after("481.20", 1), limit), None);
        assert_eq!(implausible_change(&before, &after("47877", 100), limit), None);
        assert!(implausible_change(&before, &after("4787700", 1), limit).is_some());
        assert!(implausible_change(&before, &after("0.0001", 1), limit).is_some());
    }

    #[test]
    fn back_fill_ranges_are_bounded() {
        let from = Date::constant(2026, 3, 30);
        assert_eq!(days_between(from, Date::constant(2026, 4, 1)).map(|d| d.len()), Some(3));
        assert_eq!(days_between(from, from).map(|d| d.len()), Some(1));
        assert_eq!(days_between(Date::constant(2026, 4, 1), from), None);
        assert_eq!(days_between(Date::constant(2000, 1, 1), Date::constant(2026, 1, 1)), None);
    }
}

//! `/rates/`: each currency's official rate as its central bank publishes it, its
//! inverse, the change, the day and the source, with an SVG chart of the last 30, 90 or
//! 365 days drawn on the server.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{render_page, title};
use crate::app::App;
use crate::domain::dates::date_line;
use crate::domain::money::{Trend, format_percent, format_unit_value, percent_change, trend, unit_value};
use crate::rates::chart::{HEIGHT, WIDTH, line_chart};
use crate::rates::{currency_name, source_info};
use crate::render::views::Meta;
use crate::store::{OfficialRate, RateHistory};
use crate::web::error::AppError;
use crate::web::extract::Segments;

/// Lengths of history a reader can choose, the first being `/rates/` itself.
const PERIODS: [u32; 3] = [30, 90, 365];

/// Path parameters: the period segment of `/rates/{period}/`.
#[derive(Deserialize)]
pub struct PeriodParams {
    period: Option<String>,
}

#[derive(Serialize)]
struct RatesView {
    quote: String,
    quote_name: String,
    days: u32,
    periods: Vec<PeriodLink>,
    currencies: Vec<CurrencyRow>,
}

#[derive(Serialize)]
struct PeriodLink {
    label: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct CurrencyRow {
    code: String,
    name: String,
    /// `478.77`, as the bank printed it.
    official: String,
    /// `1 USD` or `100 USD`: what the official rate is for.
    official_per: String,
    /// The value of one unit in the quote currency.
    inverse: String,
    change: String,
    trend: Trend,
    trend_label: &'static str,
    previous_date: Option<String>,
    date: String,
    date_iso: String,
    source_name: String,
    source_url: Option<&'static str>,
    official_source: bool,
    chart: Option<ChartView>,
}

#[derive(Serialize)]
struct ChartView {
    width: u32,
    height: u32,
    points: String,
    last_x: f64,
    last_y: f64,
    low: String,
    high: String,
    from: String,
    to: String,
    summary: String,
}

/// `GET /rates/` and `GET /rates/{period}/` (`90-days`, `365-days`).
pub async fn show_rates(
    State(app): State<Arc<App>>,
    Segments(params): Segments<PeriodParams>,
) -> Result<Response, AppError> {
    let days = match params.period.as_deref() {
        None => PERIODS[0],
        Some(segment) => {
            let days = PERIODS.into_iter().find(|d| segment == period_segment(*d)).ok_or(AppError::NotFound)?;
            if days == PERIODS[0] {
                return Ok(Redirect::permanent("/rates/").into_response());
            }
            days
        }
    };
    let quote = app.settings.ticker.quote.clone();
    let today = app.now().to_zoned_datetime(app.tz.clone()).date();
    let from = today.checked_sub(i64::from(days - 1).days()).map_err(|e| AppError::Internal(e.into()))?;
    let latest = app.store.latest_rates(&quote).await?;
    let mut currencies = Vec::new();
    for code in &app.settings.ticker.currencies {
        let Some(history) = latest.iter().find(|h| &h.latest.currency == code) else { continue };
        let series = app.store.rate_history(code, &quote, from, today).await?;
        if let Some(row) = currency_row(&app, history, &series, from, today) {
            currencies.push(row);
        }
    }
    let periods = PERIODS
        .into_iter()
        .map(|d| PeriodLink { label: format!("{d} days"), url: period_url(d), current: d == days })
        .collect();
    let quote_name = currency_name(&quote).map_or_else(|| quote.clone(), str::to_owned);
    let meta = Meta {
        title: title(&app, "Official exchange rates"),
        description: format!(
            "Official exchange rates of the Central Asian central banks against the {quote_name}, with {days} days of history."
        ),
        canonical: period_url(days),
        ..Meta::default()
    };
    render_page(&app, &["rates.html"], meta, RatesView { quote, quote_name, days, periods, currencies }).await
}

fn period_segment(days: u32) -> String {
    format!("{days}-days")
}

fn period_url(days: u32) -> String {
    if days == PERIODS[0] { "/rates/".to_owned() } else { format!("/rates/{}/", period_segment(days)) }
}

fn currency_row(
    app: &App,
    history: &RateHistory,
    series: &[OfficialRate],
    from: Date,
    today: Date,
) -> Option<CurrencyRow> {
    let latest = &history.latest;
    let value = unit_value(latest.rate, latest.scale)?;
    let change = history
        .previous
        .as_ref()
        .and_then(|p| unit_value(p.rate, p.scale))
        .and_then(|previous| percent_change(previous, value))
        .unwrap_or_default();
    let direction = trend(change);
    let source = source_info(&latest.source);
    Some(CurrencyRow {
        code: latest.currency.clone(),
        name: currency_name(&latest.currency).map_or_else(|| latest.currency.clone(), str::to_owned),
        official: latest.rate.to_string(),
        official_per: format!("{} {}", latest.scale, latest.quote),
        inverse: format_unit_value(value, app.settings.ticker.style),
        change: format_percent(change),
        trend: direction,
        trend_label: match direction {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Unchanged => "unchanged",
        },
        previous_date: history.previous.as_ref().map(|p| day_text(p.date)),
        date: day_text(latest.date),
        date_iso: latest.date.to_string(),
        source_name: source.name,
        source_url: source.url,
        official_source: source.official,
        chart: chart_view(latest, series, from, today),
    })
}

fn chart_view(latest: &OfficialRate, series: &[OfficialRate], from: Date, today: Date) -> Option<ChartView> {
    let points: Vec<(Date, Decimal)> =
        series.iter().filter_map(|r| r.rate.checked_div(Decimal::from(r.scale)).map(|v| (r.date, v))).collect();
    let chart = line_chart(&points, from, today)?;
    let per = format!("{} per {}", latest.currency, latest.quote);
    let (low, high) = (chart.low.normalize().to_string(), chart.high.normalize().to_string());
    let (first, last) = (day_text(chart.first_date), day_text(chart.last_date));
    Some(ChartView {
        width: WIDTH,
        height: HEIGHT,
        summary: format!("{per} from {first} to {last}: low {low}, high {high}, {} official rates.", points.len()),
        points: chart.points,
        last_x: chart.last.0,
        last_y: chart.last.1,
        low,
        high,
        from: first,
        to: last,
    })
}

fn day_text(date: Date) -> String {
    date.to_zoned_datetime(jiff::tz::TimeZone::UTC).map_or_else(|_| date.to_string(), |z| date_line(&z))
}

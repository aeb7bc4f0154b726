//! `/api/v1/rates` and `/api/v1/rates/{code}/history`: official rates as JSON, each as
//! the bank published it (decimal text, scale) with its value per unit and source.

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ApiError, json};
use crate::app::App;
use crate::domain::money::{percent_change, unit_value};
use crate::rates::{currency_name, source_info};
use crate::store::{OfficialRate, RateHistory};

/// Decimals of a unit value in the API: enough for the Uzbek sum (0.0000820…).
const UNIT_VALUE_DECIMALS: u32 = 10;

/// Days of history answered when `from` is not given.
const DEFAULT_HISTORY_DAYS: i64 = 365;

/// Longest history one request may ask for.
const MAX_HISTORY_DAYS: i32 = 3_660;

#[derive(Serialize)]
struct LatestRates {
    quote: String,
    rates: Vec<LatestRate>,
}

#[derive(Serialize)]
struct LatestRate {
    currency: String,
    name: Option<&'static str>,
    quote: String,
    date: String,
    /// As published: `rate` units of `currency` per `scale` units of `quote`.
    rate: String,
    scale: u32,
    /// Units of `quote` one unit of `currency` is worth.
    unit_value: Option<String>,
    /// Change of `unit_value` since the previous official rate, in percent.
    change_percent: Option<String>,
    previous_date: Option<String>,
    source: SourceView,
    fetched_at: String,
}

#[derive(Serialize)]
struct SourceView {
    id: String,
    name: String,
    url: Option<&'static str>,
    official: bool,
}

#[derive(Serialize)]
struct History {
    currency: String,
    quote: String,
    from: String,
    to: String,
    rates: Vec<HistoryRate>,
}

#[derive(Serialize)]
struct HistoryRate {
    date: String,
    rate: String,
    scale: u32,
    unit_value: Option<String>,
    source: String,
}

/// Query of the history endpoint.
#[derive(Deserialize)]
pub struct HistoryQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/rates`: the latest official rate of every currency quoted in the
/// ticker's quote currency, the ticker's currencies first, in its order.
pub async fn list_rates(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let quote = app.settings.ticker.quote.clone();
    let mut latest = app.store.latest_rates(&quote).await?;
    let order = &app.settings.ticker.currencies;
    latest.sort_by_key(|h| {
        (order.iter().position(|c| *c == h.latest.currency).unwrap_or(usize::MAX), h.latest.currency.clone())
    });
    let rates = latest.iter().map(latest_rate).collect();
    Ok(json(&LatestRates { quote, rates }))
}

fn latest_rate(history: &RateHistory) -> LatestRate {
    let r = &history.latest;
    let value = unit_value(r.rate, r.scale);
    let previous = history.previous.as_ref();
    let change = previous
        .and_then(|p| unit_value(p.rate, p.scale))
        .zip(value)
        .and_then(|(before, now)| percent_change(before, now))
        .map(|c| if c.is_zero() { Decimal::ZERO } else { c.normalize() });
    let source = source_info(&r.source);
    LatestRate {
        currency: r.currency.clone(),
        name: currency_name(&r.currency),
        quote: r.quote.clone(),
        date: r.date.to_string(),
        rate: r.rate.to_string(),
        scale: r.scale,
        unit_value: value.map(print_unit_value),
        change_percent: change.map(|c| c.to_string()),
        previous_date: previous.map(|p| p.date.to_string()),
        source: SourceView { id: r.source.clone(), name: source.name, url: source.url, official: source.official },
        fetched_at: r.fetched_at.to_string(),
    }
}

fn print_unit_value(value: Decimal) -> String {
    value.round_dp(UNIT_VALUE_DECIMALS).normalize().to_string()
}

/// `GET /api/v1/rates/{code}/history?from=YYYY-MM-DD&to=YYYY-MM-DD`: one rate per day,
/// oldest first; `to` defaults to today and `from` to a year before it.
pub async fn show_rate_history(
    State(app): State<Arc<App>>,
    code: Result<Path<String>, PathRejection>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path(code) = code.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let code = currency_code(&code)?;
    let quote = app.settings.ticker.quote.clone();
    let today = app.now().to_zoned_datetime(app.tz.clone()).date();
    let to = day(query.to.as_deref(), "to")?.unwrap_or(today);
    let from = match day(query.from.as_deref(), "from")? {
        Some(from) => from,
        None => to.checked_sub((DEFAULT_HISTORY_DAYS - 1).days()).unwrap_or(Date::MIN),
    };
    if from > to {
        return Err(ApiError::BadRequest(format!("from ({from}) is after to ({to}).")));
    }
    if (to - from).get_days() >= MAX_HISTORY_DAYS {
        return Err(ApiError::BadRequest(format!("Ask for at most {MAX_HISTORY_DAYS} days at a time.")));
    }
    let known = app.store.latest_rates(&quote).await?.iter().any(|h| h.latest.currency == code);
    if !known {
        return Err(ApiError::NotFound(format!("No official rates of {code} against {quote} are stored.")));
    }
    let rates = app.store.rate_history(&code, &quote, from, to).await?.iter().map(history_rate).collect();
    Ok(json(&History { currency: code, quote, from: from.to_string(), to: to.to_string(), rates }))
}

fn history_rate(r: &OfficialRate) -> HistoryRate {
    HistoryRate {
        date: r.date.to_string(),
        rate: r.rate.to_string(),
        scale: r.scale,
        unit_value: unit_value(r.rate, r.scale).map(print_unit_value),
        source: r.source.clone(),
    }
}

/// A currency code of three letters, in capitals.
fn currency_code(segment: &str) -> Result<String, ApiError> {
    if segment.len() == 3 && segment.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(segment.to_ascii_uppercase())
    } else {
        Err(ApiError::BadRequest(format!("{segment:?} is not a currency code such as KZT.")))
    }
}

/// An optional `YYYY-MM-DD` query parameter.
fn day(value: Option<&str>, name: &str) -> Result<Option<Date>, ApiError> {
    let Some(text) = value.filter(|v| !v.is_empty()) else { return Ok(None) };
    let valid = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    valid
        .then(|| text.parse::<Date>().ok())
        .flatten()
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest(format!("{name} must be a date written YYYY-MM-DD, not {text:?}.")))
}

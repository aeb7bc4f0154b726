//! Official exchange rates as the store keeps them.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

use super::{StoreError, StoreResult};

/// One official rate: `rate` units of `currency` per `scale` units of `quote`, as
/// published by `source` for `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialRate {
    /// ISO 4217 code of the currency, such as `KZT`.
    pub currency: String,
    /// ISO 4217 code of the currency it is quoted against, such as `USD`.
    pub quote: String,
    /// The day the rate is official for.
    pub date: Date,
    /// Short name of the publishing bank, such as `nbk`.
    pub source: String,
    /// The rate as published.
    pub rate: Decimal,
    /// Units of `quote` the rate is for (1, 10, 100…).
    pub scale: u32,
    /// When it was fetched.
    pub fetched_at: Timestamp,
}

/// A currency's latest official rate and, when known, the one before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateHistory {
    /// The latest rate.
    pub latest: OfficialRate,
    /// The rate before the latest.
    pub previous: Option<OfficialRate>,
}

/// A `rates` row as read, before its text columns are checked.
pub(super) struct StoredRate {
    pub(super) currency: String,
    pub(super) quote: String,
    pub(super) date: String,
    pub(super) source: String,
    pub(super) rate: String,
    pub(super) scale: u32,
    pub(super) fetched_at: Timestamp,
}

impl StoredRate {
    /// Checks the stored day and decimal text.
    pub(super) fn into_rate(self) -> StoreResult<OfficialRate> {
        let rate =
            Decimal::from_str(&self.rate).map_err(|e| StoreError::Invalid(format!("rate {:?}: {e}", self.rate)))?;
        Ok(OfficialRate {
            date: rate_date(&self.date)?,
            currency: self.currency,
            quote: self.quote,
            source: self.source,
            rate,
            scale: self.scale,
            fetched_at: self.fetched_at,
        })
    }
}

/// A stored `rate_date`, `YYYY-MM-DD`.
pub(super) fn rate_date(stored: &str) -> StoreResult<Date> {
    Date::from_str(stored).map_err(|e| StoreError::Invalid(format!("rate date {stored:?}: {e}")))
}

/// Each currency's latest rate and the one before, from rates ordered by currency and
/// newest first, at most two of each.
pub(super) fn latest_and_previous(rates: impl IntoIterator<Item = OfficialRate>) -> Vec<RateHistory> {
    let mut out: Vec<RateHistory> = Vec::new();
    for rate in rates {
        match out.last_mut() {
            Some(history) if history.latest.currency == rate.currency => history.previous = Some(rate),
            _ => out.push(RateHistory { latest: rate, previous: None }),
        }
    }
    out
}

/// One rate per day from rates ordered by day and, within a day, newest fetch first:
/// of two sources for the same day, the one fetched last.
pub(super) fn one_per_day(rates: impl IntoIterator<Item = OfficialRate>) -> Vec<OfficialRate> {
    let mut out: Vec<OfficialRate> = Vec::new();
    for rate in rates {
        if out.last().is_none_or(|last| last.date != rate.date) {
            out.push(rate);
        }
    }
    out
}

//! Official exchange rates as the store keeps them.

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

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

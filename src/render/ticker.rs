//! The currency ticker's items, from the latest official rates.

use jiff::civil::{Date, Weekday};

use super::views::TickerItem;
use crate::config::TickerSettings;
use crate::domain::dates::date_line;
use crate::domain::money::{Trend, format_percent, format_unit_value, percent_change, trend, unit_value};
use crate::store::RateHistory;

/// One item per configured currency that has a usable rate, in the configured order.
pub fn ticker_items(rates: &[RateHistory], settings: &TickerSettings, today: Date) -> Vec<TickerItem> {
    let business_day = latest_business_day(today);
    settings
        .currencies
        .iter()
        .filter_map(|code| {
            let history = rates.iter().find(|h| &h.latest.currency == code)?;
            let value = unit_value(history.latest.rate, history.latest.scale)?;
            let change = history
                .previous
                .as_ref()
                .and_then(|p| unit_value(p.rate, p.scale))
                .and_then(|previous| percent_change(previous, value))
                .unwrap_or_default();
            let direction = trend(change);
            let as_of = (history.latest.date < business_day).then(|| {
                let day = history.latest.date.to_zoned_datetime(jiff::tz::TimeZone::UTC).map(|z| date_line(&z));
                format!("as of {}", day.unwrap_or_else(|_| history.latest.date.to_string()))
            });
            Some(TickerItem {
                pair: format!("{code}/{}", settings.quote),
                value: format_unit_value(value, settings.style),
                change: format_percent(change),
                trend: direction,
                trend_label: match direction {
                    Trend::Up => "up",
                    Trend::Down => "down",
                    Trend::Unchanged => "unchanged",
                },
                as_of,
            })
        })
        .collect()
}

/// Today on a weekday, otherwise the Friday before.
fn latest_business_day(today: Date) -> Date {
    let back = match today.weekday() {
        Weekday::Saturday => 1,
        Weekday::Sunday => 2,
        _ => 0,
    };
    today.checked_sub(jiff::Span::new().days(back)).unwrap_or(today)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use jiff::Timestamp;
    use rust_decimal::Decimal;

    use super::*;
    use crate::store::OfficialRate;

    fn rate(currency: &str, date: &str, value: &str) -> OfficialRate {
        OfficialRate {
            currency: currency.into(),
            quote: "USD".into(),
            date: Date::from_str(date).expect("date"),
            source: "test".into(),
            rate: Decimal::from_str(value).expect("decimal"),
            scale: 1,
            fetched_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn items_follow_the_configured_order_and_skip_missing_currencies() {
        let rates = vec![
            RateHistory { latest: rate("TMT", "2025-12-05", "3.5"), previous: Some(rate("TMT", "2025-12-04", "3.5")) },
            RateHistory {
                latest: rate("KZT", "2025-12-05", "505.11"),
                previous: Some(rate("KZT", "2025-12-04", "505.10")),
            },
        ];
        let items = ticker_items(&rates, &TickerSettings::default(), Date::constant(2025, 12, 5));
        let pairs: Vec<_> = items.iter().map(|i| i.pair.as_str()).collect();
        assert_eq!(pairs, ["KZT/USD", "TMT/USD"]);
        assert_eq!(items[0].change, "0%");
        assert_eq!(items[1].value, "0.28571");
        assert!(items.iter().all(|i| i.as_of.is_none()));
    }

    #[test]
    fn an_old_rate_says_how_old_it_is() {
        let rates = vec![RateHistory { latest: rate("KGS", "2025-12-01", "87.45"), previous: None }];
        let items = ticker_items(&rates, &TickerSettings::default(), Date::constant(2025, 12, 5));
        assert_eq!(items[0].as_of.as_deref(), Some("as of 01 December 2025"));
    }

    #[test]
    fn friday_rates_are_current_over_the_weekend() {
        let rates = vec![RateHistory { latest: rate("KGS", "2025-12-05", "87.45"), previous: None }];
        let items = ticker_items(&rates, &TickerSettings::default(), Date::constant(2025, 12, 7));
        assert_eq!(items[0].as_of, None);
    }
}

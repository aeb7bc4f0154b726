//! Exchange-rate arithmetic in exact decimals, and how the ticker prints it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// Decimals of the reference ticker (`KZT/USD = 0.00198`).
pub const REFERENCE_DECIMALS: u32 = 5;

/// Significant digits always shown, so that a tiny value such as the Uzbek som's
/// 0.0000826 is not flattened to 0.00008.
pub const MIN_SIGNIFICANT_DIGITS: u32 = 3;

/// How the ticker prints a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueStyle {
    /// Five decimals, widened to keep three significant digits (the default).
    #[default]
    Significant,
    /// Exactly five decimals, as the reference site prints.
    Reference,
}

/// Direction of a change, shown by a marker and words, not by colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// Rose.
    Up,
    /// Fell.
    Down,
    /// No change at the precision shown.
    Unchanged,
}

/// The value of one unit of a currency in the quote currency, given an official rate
/// of `rate` units of that currency per `scale` units of the quote currency.
/// `None` for a rate that is zero or negative.
pub fn unit_value(rate: Decimal, scale: u32) -> Option<Decimal> {
    if rate <= Decimal::ZERO {
        return None;
    }
    Decimal::from(scale).checked_div(rate)
}

/// Prints a unit value in the given style.
pub fn format_unit_value(value: Decimal, style: ValueStyle) -> String {
    let decimals = match style {
        ValueStyle::Reference => REFERENCE_DECIMALS,
        ValueStyle::Significant => REFERENCE_DECIMALS.max(leading_fraction_zeros(value) + MIN_SIGNIFICANT_DIGITS),
    };
    let rounded = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    format!("{rounded:.prec$}", prec = decimals as usize)
}

/// Zeros between the decimal point and the first significant digit of a value below 1.
fn leading_fraction_zeros(value: Decimal) -> u32 {
    let value = value.abs();
    if value.is_zero() || value >= Decimal::ONE {
        return 0;
    }
    let mut zeros = 0;
    let mut v = value * Decimal::TEN;
    while v < Decimal::ONE && zeros < 20 {
        zeros += 1;
        v *= Decimal::TEN;
    }
    zeros
}

/// Percentage change from `previous` to `current`, rounded to two decimals.
pub fn percent_change(previous: Decimal, current: Decimal) -> Option<Decimal> {
    if previous.is_zero() {
        return None;
    }
    let change = (current - previous).checked_div(previous)? * Decimal::ONE_HUNDRED;
    Some(change.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// Prints a rounded percentage as the reference does (`0.18%`, `0%`, `-1.5%`), except
/// that a change that rounds to zero is never printed as `-0%`.
pub fn format_percent(change: Decimal) -> String {
    if change.is_zero() {
        return "0%".to_owned();
    }
    format!("{}%", change.normalize())
}

/// The direction of a rounded change.
pub fn trend(change: Decimal) -> Trend {
    if change.is_zero() {
        Trend::Unchanged
    } else if change.is_sign_positive() {
        Trend::Up
    } else {
        Trend::Down
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal literal")
    }

    #[test]
    fn the_manat_peg_prints_as_the_reference_does() {
        let v = unit_value(d("3.5"), 1).expect("positive rate");
        assert_eq!(format_unit_value(v, ValueStyle::Significant), "0.28571");
        assert_eq!(format_unit_value(v, ValueStyle::Reference), "0.28571");
    }

    #[test]
    fn the_uzbek_som_keeps_three_significant_digits() {
        let v = unit_value(d("12100"), 1).expect("positive rate");
        assert_eq!(format_unit_value(v, ValueStyle::Significant), "0.0000826");
        assert_eq!(format_unit_value(v, ValueStyle::Reference), "0.00008");
    }

    #[test]
    fn nominal_scales_divide_the_rate() {
        let v = unit_value(d("0.73"), 100).expect("positive rate");
        assert_eq!(format_unit_value(v, ValueStyle::Significant), "136.98630");
    }

    #[test]
    fn zero_and_negative_rates_have_no_value() {
        assert_eq!(unit_value(Decimal::ZERO, 1), None);
        assert_eq!(unit_value(d("-1"), 1), None);
    }

    #[test]
    fn a_tiny_fall_is_zero_percent_never_negative_zero() {
        let prev = unit_value(d("505.10"), 1).expect("rate");
        let cur = unit_value(d("505.11"), 1).expect("rate");
        let change = percent_change(prev, cur).expect("change");
        assert_eq!(format_percent(change), "0%");
        assert_eq!(trend(change), Trend::Unchanged);
    }

    #[test]
    fn percentages_trim_trailing_zeros() {
        assert_eq!(format_percent(d("0.18")), "0.18%");
        assert_eq!(format_percent(d("-1.50")), "-1.5%");
        assert_eq!(trend(d("0.18")), Trend::Up);
        assert_eq!(trend(d("-1.5")), Trend::Down);
    }
}

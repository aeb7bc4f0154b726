//! A rate's history as the geometry of an SVG line chart, computed on the server so that
//! the rates page needs no JavaScript. The template draws it; this only places points.

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Width of the drawing, in SVG user units.
pub const WIDTH: u32 = 600;
/// Height of the drawing.
pub const HEIGHT: u32 = 160;
/// Empty space around the line, so the stroke and the end marker are not clipped.
const MARGIN: f64 = 6.0;

/// Where the line goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `x,y x,y …` for a `<polyline>`.
    pub points: String,
    /// The newest point, marked with a dot.
    pub last: (f64, f64),
    /// Lowest value drawn.
    pub low: Decimal,
    /// Highest value drawn.
    pub high: Decimal,
    /// Day of the first point.
    pub first_date: Date,
    /// Day of the last point.
    pub last_date: Date,
}

/// Places `series` (oldest first) on a time axis from `from` to `to`; `None` when empty.
/// Pixel positions are approximate by nature, so they are computed in floating point;
/// the values printed beside the chart stay exact.
pub fn line_chart(series: &[(Date, Decimal)], from: Date, to: Date) -> Option<Chart> {
    let (first_date, _) = *series.first()?;
    let (last_date, _) = *series.last()?;
    let low = series.iter().map(|(_, v)| *v).min()?;
    let high = series.iter().map(|(_, v)| *v).max()?;
    let days = |d: Date| (d - from).get_days();
    let span = f64::from(days(to).max(1));
    let range = (high - low).to_f64().unwrap_or(0.0);
    let width = f64::from(WIDTH) - 2.0 * MARGIN;
    let height = f64::from(HEIGHT) - 2.0 * MARGIN;
    let place = |(day, value): &(Date, Decimal)| {
        let x = MARGIN + width * f64::from(days(*day).clamp(0, days(to).max(1))) / span;
        let y = if range > 0.0 {
            MARGIN + height * (high - *value).to_f64().unwrap_or(0.0) / range
        } else {
            MARGIN + height / 2.0
        };
        (round(x), round(y))
    };
    let placed: Vec<(f64, f64)> = series.iter().map(place).collect();
    let points = placed.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ");
    let last = *placed.last()?;
    Some(Chart { points, last, low, high, first_date, last_date })
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn the_highest_value_is_at_the_top_and_the_newest_at_the_right() {
        let from = Date::constant(2026, 3, 2);
        let to = Date::constant(2026, 4, 1);
        let series = [(from, d("470")), (Date::constant(2026, 3, 17), d("480")), (to, d("475"))];
        let chart = line_chart(&series, from, to).expect("chart");
        assert_eq!(chart.points, "6,154 300,6 594,80");
        assert_eq!(chart.last, (594.0, 80.0));
        assert_eq!((chart.low, chart.high), (d("470"), d("480")));
    }

    #[test]
    fn a_flat_line_sits_in_the_middle_and_nothing_draws_nothing() {
        let day = Date::constant(2026, 4, 1);
        let chart = line_chart(&[(day, d("3.5"))], Date::constant(2026, 3, 2), day).expect("chart");
        assert_eq!(chart.points, "594,80");
        assert!(line_chart(&[], day, day).is_none());
    }
}

//! Dates as readers see them.

use jiff::fmt::temporal::DateTimePrinter;
use jiff::{Timestamp, ZonedDateTime};

/// English month names, January first.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The header's date line: `05 December 2025`.
pub fn date_line(now: &ZonedDateTime) -> String {
    now.strftime("%d %B %Y").to_string()
}

/// A date as shown on cards and bylines: `5 December 2025`. Written out by hand: a
/// listing prints one per card, and `strftime` costs several times more.
pub fn short_date(when: &ZonedDateTime) -> String {
    let month = usize::try_from(when.month() - 1).ok().and_then(|m| MONTHS.get(m)).copied().unwrap_or_default();
    let mut out = String::with_capacity(24);
    out.push_str(&when.day().to_string());
    out.push(' ');
    out.push_str(month);
    out.push(' ');
    out.push_str(&when.year().to_string());
    out
}

/// An instant as HTTP writes dates (IMF-fixdate): `Fri, 05 Dec 2025 04:00:00 GMT`.
pub fn http_date(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// An instant in RFC 3339 form, in UTC: `2025-12-05T04:00:00Z`, as `<time datetime>`
/// takes it.
pub fn rfc3339(at: Timestamp) -> String {
    DateTimePrinter::new().timestamp_to_string(&at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_line_has_two_digit_day_and_english_month() {
        let z: ZonedDateTime = "2025-12-05T09:00:00+05:00[Asia/Almaty]".parse().expect("zoned");
        assert_eq!(date_line(&z), "05 December 2025");
        assert_eq!(short_date(&z), "5 December 2025");
    }

    #[test]
    fn card_dates_read_as_strftime_and_display_write_them() {
        for text in [
            "2025-12-05T09:00:00+05:00[Asia/Almaty]",
            "2024-01-31T23:59:59+06:00[Asia/Almaty]",
            "2031-03-01T12:34:56.5+05:00[Asia/Almaty]",
        ] {
            let z: ZonedDateTime = text.parse().expect("zoned");
            assert_eq!(short_date(&z), z.strftime("%-d %B %Y").to_string());
            assert_eq!(rfc3339(z.timestamp()), z.timestamp().to_string());
        }
    }
}

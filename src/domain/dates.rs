//! Dates as readers see them.

use jiff::ZonedDateTime;

/// The header's date line: `05 December 2025`.
pub fn date_line(now: &ZonedDateTime) -> String {
    now.strftime("%d %B %Y").to_string()
}

/// A date as shown on cards and bylines: `5 December 2025`.
pub fn short_date(when: &ZonedDateTime) -> String {
    when.strftime("%-d %B %Y").to_string()
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
}

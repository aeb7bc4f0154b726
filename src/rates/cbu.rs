//! Central Bank of the Republic of Uzbekistan: sum per `Nominal` units, as a JSON array
//! in which every number is a string (`"Rate":"12194.21"`) and every entry carries its
//! own `"Date":"DD.MM.YYYY"`. A request for a future day is answered with the latest
//! rates, under their own date, so the date is always read from the answer.

use serde_json::Value;

use super::document::{
    DecimalMark, ParseError, Publication, PublishedRate, decode_text, entry, parse_date, publication,
};

/// The bank's currency.
const CURRENCY: &str = "UZS";

/// Parses `json/all/YYYY-MM-DD/` (or any list in the same shape).
pub fn parse(body: &[u8]) -> Result<Publication, ParseError> {
    let text = decode_text(body)?;
    let entries: Vec<Value> = match serde_json::from_str(&text).map_err(|e| ParseError::Json(e.to_string()))? {
        Value::Array(entries) => entries,
        Value::Object(one) => vec![Value::Object(one)],
        other => return Err(ParseError::Json(format!("expected a list of rates, found {other}"))),
    };
    if entries.is_empty() {
        return Err(ParseError::NoRates(Vec::new()));
    }
    publication(entries.iter().map(entry_rate))
}

fn entry_rate(item: &Value) -> Result<PublishedRate, String> {
    let code = field(item, "Ccy").unwrap_or_default();
    let date = parse_date(&field(item, "Date").unwrap_or_default()).map_err(|e| format!("{code}: {e}"))?;
    entry(
        CURRENCY,
        &code,
        date,
        &field(item, "Rate").unwrap_or_default(),
        &field(item, "Nominal").unwrap_or_default(),
        DecimalMark::Point,
    )
}

/// A field as text, whether the bank sent it as a string (as it does) or a number.
fn field(item: &Value, name: &str) -> Option<String> {
    match item.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;

    #[test]
    fn numbers_are_strings_and_dates_are_dotted() {
        let body = br#"[{"id":69,"Code":"840","Ccy":"USD","CcyNm_EN":"US Dollar","Nominal":"1","Rate":"12194.21","Diff":"-16.5","Date":"01.04.2026"},{"Ccy":"IDR","Nominal":"10","Rate":"7.2","Date":"01.04.2026"}]"#;
        let p = parse(body).expect("parses");
        assert_eq!(p.rates[0].rate.to_string(), "12194.21");
        assert_eq!(p.rates[0].date, Date::constant(2026, 4, 1));
        assert_eq!(p.rates[1].scale, 10);
    }

    #[test]
    fn cut_off_json_and_html_are_refused() {
        assert!(matches!(parse(br#"[{"Ccy":"USD","Nominal":"1","Rate":"12194"#), Err(ParseError::Json(_))));
        assert_eq!(parse(b"<html><body>Access denied</body></html>"), Err(ParseError::Html));
        assert!(matches!(parse(b"[]"), Err(ParseError::NoRates(_))));
    }
}

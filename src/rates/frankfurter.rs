//! A Frankfurter-compatible API, the optional fallback: not a central bank, so its rates
//! are labelled as such wherever they are shown.
//!
//! Version 2 answers `/v2/rates?base=USD&quotes=KZT,…` with a list of
//! `{"date","base","quote","rate"}`; version 1 answers `/latest?from=USD&to=KZT,…` with
//! `{"base","date","rates":{"KZT":…}}`. Either way `rate` is units of `quote` per one
//! unit of `base`, which Qalam stores as that currency per one US dollar.

use serde_json::Value;

use super::document::{
    DecimalMark, ParseError, Publication, PublishedRate, decode_text, entry, is_currency_code, parse_date, publication,
};

/// Parses either version's answer.
pub fn parse(body: &[u8]) -> Result<Publication, ParseError> {
    let text = decode_text(body)?;
    let value: Value = serde_json::from_str(&text).map_err(|e| ParseError::Json(e.to_string()))?;
    match value {
        Value::Array(items) => publication(items.iter().map(|item| {
            let date = text_of(item.get("date")).unwrap_or_default();
            rate(
                &text_of(item.get("quote")).unwrap_or_default(),
                &text_of(item.get("base")).unwrap_or_default(),
                &date,
                &text_of(item.get("rate")).unwrap_or_default(),
            )
        })),
        Value::Object(object) => {
            let base = text_of(object.get("base")).unwrap_or_default();
            let date = text_of(object.get("date")).ok_or(ParseError::NoDate)?;
            let Some(Value::Object(rates)) = object.get("rates") else {
                return Err(ParseError::Json("no \"rates\" object".to_owned()));
            };
            publication(
                rates.iter().map(|(code, value)| rate(code, &base, &date, &text_of(Some(value)).unwrap_or_default())),
            )
        }
        other => Err(ParseError::Json(format!("expected a list of rates, found {other}"))),
    }
}

fn rate(currency: &str, base: &str, date: &str, value: &str) -> Result<PublishedRate, String> {
    if !is_currency_code(currency) {
        return Err(format!("{currency:?}: not a currency code"));
    }
    let date = parse_date(date).map_err(|e| format!("{currency}: {e}"))?;
    // A JSON number may come in exponent form, which is read exactly here.
    let value = match rust_decimal::Decimal::from_scientific(value) {
        Ok(exact) if value.contains(['e', 'E']) => exact.normalize().to_string(),
        _ => value.to_owned(),
    };
    entry(currency, base, date, &value, "1", DecimalMark::Point)
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
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
    fn version_two_list() {
        let body = br#"[{"date":"2026-04-01","base":"USD","quote":"KZT","rate":478.77},{"date":"2026-04-01","base":"USD","quote":"UZS","rate":1.219421e4}]"#;
        let p = parse(body).expect("parses");
        assert_eq!(p.rates[0].currency, "KZT");
        assert_eq!(p.rates[0].quote, "USD");
        assert_eq!(p.rates[0].rate.to_string(), "478.77");
        assert_eq!(p.rates[1].rate.to_string(), "12194.21");
        assert_eq!(p.rates[0].date, Date::constant(2026, 4, 1));
    }

    #[test]
    fn version_one_object() {
        let body = br#"{"amount":1.0,"base":"USD","date":"2026-04-01","rates":{"KZT":478.77}}"#;
        let p = parse(body).expect("parses");
        assert_eq!(p.rates[0].currency, "KZT");
        assert_eq!(p.rates[0].scale, 1);
    }
}

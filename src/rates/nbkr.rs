//! National Bank of the Kyrgyz Republic: som per `Nominal` units, `daily.xml` and
//! `weekly.xml`. The files are windows-1251, print a decimal comma (`87,4500`), and
//! their `Date` is the day the rates take effect, one day after publication.

use super::document::{
    DecimalMark, ParseError, Publication, decode_text, entry, expect_root, parse_date, parse_xml, publication,
};

/// The bank's currency.
const CURRENCY: &str = "KGS";

/// Parses `daily.xml` or `weekly.xml`.
pub fn parse(body: &[u8]) -> Result<Publication, ParseError> {
    let root = parse_xml(&decode_text(body)?)?;
    expect_root(&root, "CurrencyRates")?;
    let date = parse_date(root.attribute("Date").filter(|d| !d.is_empty()).ok_or(ParseError::NoDate)?)?;
    publication(root.children_named("Currency").map(|c| {
        entry(
            CURRENCY,
            c.attribute("ISOCode").unwrap_or(""),
            date,
            c.child_text("Value").unwrap_or(""),
            c.child_text("Nominal").unwrap_or(""),
            DecimalMark::Comma,
        )
    }))
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;

    #[test]
    fn comma_decimals_and_the_effective_date() {
        let body = b"<?xml version=\"1.0\" encoding=\"windows-1251\" ?>\n<CurrencyRates Name=\"Daily Exchange Rates\" Date=\"24.05.2026\">\n<Currency ISOCode=\"USD\">\n<Nominal>1</Nominal>\n<Value>87,4500</Value>\n</Currency>\n<Currency ISOCode=\"JPY\"><Nominal>10</Nominal><Value>5,5000</Value></Currency>\n</CurrencyRates>";
        let p = parse(body).expect("parses");
        assert_eq!(p.rates[0].rate.to_string(), "87.4500");
        assert_eq!(p.rates[0].date, Date::constant(2026, 5, 24));
        assert_eq!(p.rates[1].scale, 10);
    }

    #[test]
    fn another_document_is_refused() {
        assert!(matches!(parse(b"<ValCurs Date=\"2026-05-18\"/>"), Err(ParseError::UnexpectedRoot { .. })));
    }
}

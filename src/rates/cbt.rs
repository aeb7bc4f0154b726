//! Central Bank of Turkmenistan: manat per `multiplier` units. The root is
//! `<cbt_currency_rate>`; `<date>` is `DD.MM.YYYY` from 2024 and `YYYY-MM-DD` before.

use super::document::{
    DecimalMark, ParseError, Publication, decode_text, entry, expect_root, parse_date, parse_xml, publication,
};

/// The bank's currency.
pub const CURRENCY: &str = "TMT";

/// Parses the daily file.
pub fn parse(body: &[u8]) -> Result<Publication, ParseError> {
    let root = parse_xml(&decode_text(body)?)?;
    expect_root(&root, "cbt_currency_rate")?;
    let date = parse_date(root.child_text("date").filter(|d| !d.is_empty()).ok_or(ParseError::NoDate)?)?;
    publication(root.children_named("rate").map(|r| {
        entry(
            CURRENCY,
            r.attribute("code").unwrap_or(""),
            date,
            r.child_text("rate_tmt").unwrap_or(""),
            r.child_text("multiplier").unwrap_or(""),
            DecimalMark::Point,
        )
    }))
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;

    #[test]
    fn reads_rate_tmt_per_multiplier() {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<cbt_currency_rate name=\"CBT Currency XML\">\r\n\t<date>2023-05-20</date>\r\n\t<rate code=\"USD\">\r\n\t\t<name>ABŞ-NYŇ DOLLARY</name>\r\n\t\t<rate_usd>1</rate_usd>\r\n\t\t<multiplier>1</multiplier>\r\n\t\t<rate_tmt>3.5</rate_tmt>\r\n\t</rate>\r\n</cbt_currency_rate>";
        let p = parse(body.as_bytes()).expect("parses");
        assert_eq!(p.rates[0].rate.to_string(), "3.5");
        assert_eq!(p.rates[0].date, Date::constant(2023, 5, 20));
    }
}

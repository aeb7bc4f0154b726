//! National Bank of Tajikistan: somoni per `Nominal` units.
//!
//! The daily export (`<ValCurs Date="YYYY-MM-DD">` with `<Valute>` entries) and the
//! history export of one currency (`<ValCurs DateRange1=…>` with a `<Record Date=
//! "DD.MM.YYYY">` per day). A daily request for a day out of range is silently answered
//! with today's rates, so callers compare the document's date with the one they asked for.

use super::document::{
    DecimalMark, ParseError, Publication, decode_text, entry, expect_root, parse_date, parse_xml, publication,
};

/// The bank's currency.
const CURRENCY: &str = "TJS";

/// Parses either export.
pub fn parse(body: &[u8]) -> Result<Publication, ParseError> {
    let root = parse_xml(&decode_text(body)?)?;
    expect_root(&root, "ValCurs")?;
    if let Some(date) = root.attribute("Date").filter(|d| !d.is_empty()) {
        let date = parse_date(date)?;
        return publication(root.children_named("Valute").map(|v| {
            entry(
                CURRENCY,
                v.child_text("CharCode").unwrap_or(""),
                date,
                v.child_text("Value").unwrap_or(""),
                v.child_text("Nominal").unwrap_or(""),
                DecimalMark::Point,
            )
        }));
    }
    let records: Vec<_> = root.children_named("Record").collect();
    if records.is_empty() {
        return Err(ParseError::NoDate);
    }
    publication(records.into_iter().map(|r| {
        let code = r.child_text("CharCode").unwrap_or("");
        let date = parse_date(r.attribute("Date").unwrap_or("")).map_err(|e| format!("{code}: {e}"))?;
        entry(
            CURRENCY,
            code,
            date,
            r.child_text("Value").unwrap_or(""),
            r.child_text("Nominal").unwrap_or(""),
            DecimalMark::Point,
        )
    }))
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;

    #[test]
    fn daily_export() {
        let body = b"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<ValCurs Date=\"2026-05-18\" name=\"Foreign Currency Market\">\n<Valute ID=\"840\">\n   <CharCode>USD</CharCode>\n   <Nominal>1</Nominal>\n   <Name>US Dollar</Name>\n   <Value>9.3450</Value>\n</Valute>\n</ValCurs>";
        let p = parse(body).expect("parses");
        assert_eq!(p.rates[0].rate.to_string(), "9.3450");
        assert_eq!(p.rates[0].date, Date::constant(2026, 5, 18));
    }

    #[test]
    fn history_export_has_a_date_per_record() {
        let body = b"<ValCurs ID=\"398\" DateRange1=\"20/09/2026\" DateRange2=\"21/09/2026\"><Record Date=\"20.09.2026\" Id=\"398\"><CharCode>KZT</CharCode><Nominal>10</Nominal><Value>0.2070</Value></Record><Record Date=\"21.09.2026\" Id=\"398\"><CharCode>KZT</CharCode><Nominal>10</Nominal><Value>0.2072</Value></Record></ValCurs>";
        let p = parse(body).expect("parses");
        assert_eq!(p.rates.len(), 2);
        assert_eq!(p.latest_date(), Some(Date::constant(2026, 9, 21)));
    }
}

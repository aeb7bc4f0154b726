//! National Bank of Kazakhstan: tenge per `quant` units of each currency.
//!
//! Two formats: `get_rates.cfm?fdate=DD.MM.YYYY` (root `<rates>`, one `<date>` for the
//! whole document, the one to use) and the RSS `rates_all.xml`, which has no document
//! date but a `<pubDate>` per item, and still lists discontinued currencies with the
//! day they were last quoted (LVL 31.12.13), so only the newest day's items count.

use jiff::civil::Date;

use super::document::{
    DecimalMark, Element, ParseError, Publication, PublishedRate, decode_text, entry, parse_date, parse_xml,
    publication,
};

/// The bank's currency.
const CURRENCY: &str = "KZT";

/// Parses either format.
pub fn parse(body: &[u8]) -> Result<Publication, ParseError> {
    let root = parse_xml(&decode_text(body)?)?;
    match root.name.as_str() {
        "rates" => {
            let date = root.child_text("date").filter(|t| !t.is_empty()).ok_or(ParseError::NoDate)?;
            let date = parse_date(date)?;
            publication(root.children_named("item").map(|item| item_rate(item, date)))
        }
        "rss" => parse_rss(root.child("channel").ok_or(ParseError::NoDate)?),
        other => Err(ParseError::UnexpectedRoot { expected: "rates", found: other.to_owned() }),
    }
}

fn parse_rss(channel: &Element) -> Result<Publication, ParseError> {
    let items: Vec<(&Element, Result<Date, ParseError>)> = channel
        .children_named("item")
        .map(|item| (item, parse_date(item.child_text("pubDate").unwrap_or(""))))
        .collect();
    let newest = items.iter().filter_map(|(_, date)| date.as_ref().ok()).max().copied().ok_or(ParseError::NoDate)?;
    publication(items.into_iter().map(|(item, date)| {
        let code = item.child_text("title").unwrap_or("?");
        match date {
            Ok(date) if date == newest => item_rate(item, date),
            Ok(date) => Err(format!("{code}: last quoted on {date}, no longer published")),
            Err(e) => Err(format!("{code}: {e}")),
        }
    }))
}

fn item_rate(item: &Element, date: Date) -> Result<PublishedRate, String> {
    entry(
        CURRENCY,
        item.child_text("title").unwrap_or(""),
        date,
        item.child_text("description").unwrap_or(""),
        item.child_text("quant").unwrap_or(""),
        DecimalMark::Point,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_rates_takes_the_document_date_and_the_quant() {
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rates>\n  <title>x</title>\n  <date>01.04.2026</date>\n\n    <item>\n <fullname>ДОЛЛАР США</fullname>\n <title>USD</title>\n <description>478.77</description>\n <quant>1</quant>\n <index>DOWN</index>\n <change>-2.77</change>\n </item>\n <item><title>UZS</title><description>3.93</description><quant>100</quant></item>\n</rates>";
        let p = parse(body.as_bytes()).expect("parses");
        assert_eq!(p.rates.len(), 2);
        assert_eq!(p.rates[0].quote, "USD");
        assert_eq!(p.rates[0].rate.to_string(), "478.77");
        assert_eq!(p.rates[1].scale, 100);
        assert_eq!(p.latest_date(), Some(Date::constant(2026, 4, 1)));
    }

    #[test]
    fn rss_keeps_only_the_newest_day() {
        let body = "<rss version=\"2.0\"><channel><item><title>USD</title><pubDate>18.04.16</pubDate><description>334.41</description><quant>1</quant></item><item><title>LVL</title><pubDate>31.12.13</pubDate><description>1.1</description><quant>1</quant></item></channel></rss>";
        let p = parse(body.as_bytes()).expect("parses");
        assert_eq!(p.rates.len(), 1);
        assert_eq!(p.rates[0].date, Date::constant(2016, 4, 18));
        assert_eq!(p.skipped.len(), 1);
    }

    #[test]
    fn a_document_without_a_date_is_refused() {
        assert_eq!(parse(b"<rates><item><title>USD</title></item></rates>"), Err(ParseError::NoDate));
    }
}

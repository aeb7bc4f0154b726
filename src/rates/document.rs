//! What every bank's parser shares: decoding the body in the encoding it declares, a
//! small element tree over quick-xml, rates checked one entry at a time, and the date
//! formats the banks print.

use std::borrow::Cow;
use std::str::FromStr;

use encoding_rs::{Encoding, UTF_8};
use jiff::civil::Date;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use rust_decimal::Decimal;

/// Deepest element nesting accepted; the banks' documents are three levels deep.
const MAX_DEPTH: usize = 16;

/// One rate as a bank published it: `rate` units of `currency` per `scale` units of
/// `quote`, official for `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedRate {
    /// The bank's own currency, such as `KZT`.
    pub currency: String,
    /// The foreign currency it is quoted against, such as `USD`.
    pub quote: String,
    /// The day it is official for.
    pub date: Date,
    /// The rate as printed, in exact decimals.
    pub rate: Decimal,
    /// Units of `quote` the rate is for (the bank's nominal, quant or multiplier).
    pub scale: u32,
}

/// The usable rates of one response, and the entries left out with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publication {
    /// Rates that passed every check.
    pub rates: Vec<PublishedRate>,
    /// One line per entry that was left out: `USD: the rate 0 is not positive`.
    pub skipped: Vec<String>,
}

impl Publication {
    /// The newest day any rate is official for.
    pub fn latest_date(&self) -> Option<Date> {
        self.rates.iter().map(|r| r.date).max()
    }
}

/// Why a response is not a usable publication; the rates stored before it stay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Nothing but whitespace.
    #[error("the response is empty")]
    Empty,
    /// A web page (a maintenance notice, a login wall, an error page).
    #[error("the response is an HTML page, not the bank's data")]
    Html,
    /// The bytes are not text in the encoding the document declares.
    #[error("the response is not valid {0} text")]
    Encoding(&'static str),
    /// Broken or cut-off XML.
    #[error("the response is not well-formed XML: {0}")]
    Xml(String),
    /// JSON of another shape, or not JSON at all.
    #[error("the response is not the expected JSON: {0}")]
    Json(String),
    /// Well-formed, but some other document.
    #[error("expected a <{expected}> document, found <{found}>")]
    UnexpectedRoot {
        /// Root element the bank's format has.
        expected: &'static str,
        /// Root element the response has.
        found: String,
    },
    /// The document does not say which day its rates are for.
    #[error("the document has no date")]
    NoDate,
    /// The document's date is not a date.
    #[error("the document's date {0:?} is not a date")]
    BadDate(String),
    /// Not one entry passed the checks.
    #[error("the document holds no usable rate{}", skipped_suffix(.0))]
    NoRates(Vec<String>),
}

fn skipped_suffix(skipped: &[String]) -> String {
    if skipped.is_empty() { String::new() } else { format!(" ({})", skipped.join("; ")) }
}

/// The body as text, decoded from the encoding its XML declaration names (NBKR and
/// older NBT answers are windows-1251), UTF-8 otherwise. HTML and empty bodies are
/// refused here so that no parser mistakes an error page for data.
pub fn decode_text(body: &[u8]) -> Result<String, ParseError> {
    let (encoding, rest) = match Encoding::for_bom(body) {
        Some((encoding, bom)) => (encoding, &body[bom..]),
        None => (declared_encoding(body).unwrap_or(UTF_8), body),
    };
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(rest)
        .ok_or(ParseError::Encoding(encoding.name()))?
        .into_owned();
    let head = text.trim_start();
    if head.is_empty() {
        return Err(ParseError::Empty);
    }
    if looks_like_html(head) {
        return Err(ParseError::Html);
    }
    Ok(text)
}

/// The encoding named in `<?xml … encoding="…"?>`, read as ASCII before decoding.
fn declared_encoding(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(256)];
    let head = String::from_utf8_lossy(head);
    let decl = head.trim_start().strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")? + "encoding".len();
    let value = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    Encoding::for_label(value[..value.find(quote)?].trim().as_bytes())
}

fn looks_like_html(head: &str) -> bool {
    let start: String = head.chars().take(15).collect::<String>().to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<head")
}

/// An XML element with its attributes, text and children.
#[derive(Debug, Clone, Default)]
pub struct Element {
    /// Tag name.
    pub name: String,
    attributes: Vec<(String, String)>,
    /// Text directly inside, entities resolved, trimmed.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Parses a whole document into its root element. A document cut off before its root
/// closes is an error, which is how a truncated download is caught.
pub fn parse_xml(text: &str) -> Result<Element, ParseError> {
    // Text is trimmed once an element closes, not per event: trimming each piece would
    // eat the spaces around an entity (`A &lt; B`).
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let xml = |e: quick_xml::Error| ParseError::Xml(e.to_string());
    loop {
        let event = reader.read_event().map_err(xml)?;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                return Err(ParseError::Xml(format!("content after the root element: <{}>", start.name().as_ref())));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError::Xml("elements nested too deep".to_owned()));
                }
                stack.push(element(&start)?);
            }
            Event::Empty(start) => {
                let empty = element(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(empty),
                    None => root = Some(empty),
                }
            }
            Event::Text(text) => append_text(&mut stack, &text.xml10_content()),
            Event::CData(data) => append_text(&mut stack, &data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    reference.resolve_char_ref().map_err(xml)?.map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&reference.xml10_content()).map(str::to_owned)
                };
                let resolved = resolved
                    .ok_or_else(|| ParseError::Xml(format!("unknown entity &{};", reference.xml10_content())))?;
                append_text(&mut stack, &resolved);
            }
            Event::End(_) => {
                let Some(mut done) = stack.pop() else {
                    return Err(ParseError::Xml("a closing tag without an opening one".to_owned()));
                };
                done.text = done.text.trim().to_owned();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(ParseError::Xml(format!("the document ends inside <{}> (cut off?)", open.name)));
    }
    root.ok_or_else(|| ParseError::Xml("no root element".to_owned()))
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, ParseError> {
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| ParseError::Xml(e.to_string()))?;
        let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|e| ParseError::Xml(e.to_string()))?;
        attributes.push((attribute.key.as_ref().to_owned(), value.into_owned()));
    }
    Ok(Element { name: start.name().as_ref().to_owned(), attributes, text: String::new(), children: Vec::new() })
}

fn append_text(stack: &mut [Element], text: &str) {
    if let Some(current) = stack.last_mut() {
        current.text.push_str(text);
    }
}

/// Refuses a document whose root is not the bank's.
pub fn expect_root(root: &Element, expected: &'static str) -> Result<(), ParseError> {
    if root.name == expected { Ok(()) } else { Err(ParseError::UnexpectedRoot { expected, found: root.name.clone() }) }
}

/// Which decimal separator a bank prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    /// `478.77`.
    Point,
    /// `87,4500` (NBKR).
    Comma,
}

/// Checks one entry of a publication: a currency code of three capital letters, a
/// positive rate in exact decimals and a positive whole scale. The error says why the
/// entry was left out.
pub fn entry(
    currency: &str,
    quote: &str,
    date: Date,
    rate: &str,
    scale: &str,
    mark: DecimalMark,
) -> Result<PublishedRate, String> {
    let quote = quote.trim();
    if !is_currency_code(quote) {
        return Err(format!("{quote:?}: not a currency code"));
    }
    let text = rate.trim();
    let text: Cow<'_, str> = match mark {
        DecimalMark::Point => Cow::Borrowed(text),
        DecimalMark::Comma => Cow::Owned(text.replace(',', ".")),
    };
    let value = Decimal::from_str(&text).map_err(|_| format!("{quote}: the rate {rate:?} is not a number"))?;
    if value <= Decimal::ZERO {
        return Err(format!("{quote}: the rate {rate} is not positive"));
    }
    let scale = scale
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|s| *s > 0)
        .ok_or_else(|| format!("{quote}: the nominal {scale:?} is not a positive whole number"))?;
    Ok(PublishedRate { currency: currency.to_owned(), quote: quote.to_owned(), date, rate: value, scale })
}

/// Collects checked entries; a document where none passed is refused as a whole.
pub fn publication(
    entries: impl IntoIterator<Item = Result<PublishedRate, String>>,
) -> Result<Publication, ParseError> {
    let mut out = Publication::default();
    for entry in entries {
        match entry {
            Ok(rate) => out.rates.push(rate),
            Err(reason) => out.skipped.push(reason),
        }
    }
    if out.rates.is_empty() {
        return Err(ParseError::NoRates(out.skipped));
    }
    Ok(out)
}

/// Whether `code` looks like an ISO 4217 code.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// `DD.MM.YYYY`, `DD.MM.YY` (NBK's RSS, taken as 20YY), `DD/MM/YYYY` or `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, ParseError> {
    let text = text.trim();
    let bad = || ParseError::BadDate(text.to_owned());
    if text.contains('-') {
        return Date::from_str(text).map_err(|_| bad());
    }
    let parts: Vec<&str> = text.split(['.', '/']).collect();
    let [day, month, year] = parts.as_slice() else { return Err(bad()) };
    let number = |s: &str, max_len: usize| -> Option<i16> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let day = number(day, 2).ok_or_else(bad)?;
    let month = number(month, 2).ok_or_else(bad)?;
    let year = match year.len() {
        2 => 2000 + number(year, 2).ok_or_else(bad)?,
        4 => number(year, 4).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    let narrow = |n: i16| i8::try_from(n).map_err(|_| bad());
    Date::new(year, narrow(month)?, narrow(day)?).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1251_is_decoded_from_the_declaration() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"windows-1251\" ?><a>".to_vec();
        body.extend_from_slice(&[0xC4, 0xEE, 0xEB, 0xEB, 0xE0, 0xF0]);
        body.extend_from_slice(b"</a>");
        let root = parse_xml(&decode_text(&body).expect("decodes")).expect("parses");
        assert_eq!(root.text, "Доллар");
    }

    #[test]
    fn html_empty_and_cut_off_bodies_are_refused() {
        assert_eq!(decode_text(b"  \n"), Err(ParseError::Empty));
        assert_eq!(decode_text(b"<!DOCTYPE html><html><body>503</body></html>"), Err(ParseError::Html));
        assert_eq!(decode_text(b"\n<html lang=\"ru\">"), Err(ParseError::Html));
        let cut = parse_xml("<?xml version=\"1.0\"?><rates><date>01.04.2026</date><item><title>USD</ti");
        assert!(matches!(cut, Err(ParseError::Xml(_))), "{cut:?}");
        assert!(matches!(parse_xml("<rates><item></rates>"), Err(ParseError::Xml(_))));
    }

    #[test]
    fn invalid_utf8_is_an_encoding_error() {
        assert_eq!(decode_text(b"<a>\xff\xfe</a>"), Err(ParseError::Encoding("UTF-8")));
    }

    #[test]
    fn entities_and_attributes_are_resolved() {
        let root = parse_xml("<r a=\"x &amp; y\"><n>A &lt; B &#x41;</n><e/></r>").expect("parses");
        assert_eq!(root.attribute("a"), Some("x & y"));
        assert_eq!(root.child_text("n"), Some("A < B A"));
        assert!(root.child("e").is_some());
    }

    #[test]
    fn the_banks_date_formats_are_read() {
        assert_eq!(parse_date("01.04.2026"), Ok(Date::constant(2026, 4, 1)));
        assert_eq!(parse_date("18.04.16"), Ok(Date::constant(2016, 4, 18)));
        assert_eq!(parse_date("20/09/2026"), Ok(Date::constant(2026, 9, 20)));
        assert_eq!(parse_date("2026-05-18"), Ok(Date::constant(2026, 5, 18)));
        assert!(parse_date("31.02.2026").is_err());
        assert!(parse_date("yesterday").is_err());
        assert!(parse_date("1.2.3.4").is_err());
    }

    #[test]
    fn entries_need_a_code_a_positive_rate_and_a_positive_scale() {
        let day = Date::constant(2026, 5, 24);
        let ok = entry("KGS", "USD", day, "87,4500", "1", DecimalMark::Comma).expect("valid");
        assert_eq!(ok.rate, Decimal::from_str("87.4500").expect("decimal"));
        assert_eq!(ok.rate.to_string(), "87.4500");
        assert!(entry("KGS", "USD", day, "0", "1", DecimalMark::Point).is_err());
        assert!(entry("KGS", "USD", day, "-3.5", "1", DecimalMark::Point).is_err());
        assert!(entry("KGS", "USD", day, "abc", "1", DecimalMark::Point).is_err());
        assert!(entry("KGS", "USD", day, "1.5", "0", DecimalMark::Point).is_err());
        assert!(entry("KGS", "usd", day, "1.5", "1", DecimalMark::Point).is_err());
        assert!(matches!(publication([Err("x".to_owned())]), Err(ParseError::NoRates(_))));
    }
}

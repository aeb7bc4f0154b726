//! The five central banks: who they are, where their rates are fetched from by default,
//! which format each answers in, and the addresses' date placeholders.

use jiff::civil::Date;

use super::document::{ParseError, Publication};
use super::{cbt, cbu, frankfurter, nbk, nbkr, nbt};
use crate::config::RateSources;

/// An official source of exchange rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// National Bank of Kazakhstan (tenge).
    Nbk,
    /// National Bank of the Kyrgyz Republic (som).
    Nbkr,
    /// National Bank of Tajikistan (somoni).
    Nbt,
    /// Central Bank of the Republic of Uzbekistan (sum).
    Cbu,
    /// Central Bank of Turkmenistan (manat).
    Cbt,
}

/// Short name stored with rates that came from the Frankfurter-compatible fallback.
pub const FALLBACK_ID: &str = "frankfurter";

/// Placeholders an address may contain, replaced by the day asked for.
const PLACEHOLDERS: [&str; 3] = ["{YYYY}", "{MM}", "{DD}"];

impl Source {
    /// Every source, in the order reports list them.
    pub const ALL: [Self; 5] = [Self::Nbk, Self::Nbkr, Self::Nbt, Self::Cbu, Self::Cbt];

    /// The short name stored with its rates and used in settings: `nbk`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Nbk => "nbk",
            Self::Nbkr => "nbkr",
            Self::Nbt => "nbt",
            Self::Cbu => "cbu",
            Self::Cbt => "cbt",
        }
    }

    /// The source with this short name.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The bank's currency, which all its rates are quoted in.
    pub fn currency(self) -> &'static str {
        match self {
            Self::Nbk => "KZT",
            Self::Nbkr => "KGS",
            Self::Nbt => "TJS",
            Self::Cbu => "UZS",
            Self::Cbt => cbt::CURRENCY,
        }
    }

    /// The bank's time zone, which decides what "today" is when asking for today's rates.
    pub fn time_zone(self) -> &'static str {
        match self {
            Self::Nbk => "Asia/Almaty",
            Self::Nbkr => "Asia/Bishkek",
            Self::Nbt => "Asia/Dushanbe",
            Self::Cbu => "Asia/Tashkent",
            Self::Cbt => "Asia/Ashgabat",
        }
    }

    /// Where the rates are fetched from unless a setting says otherwise.
    pub fn default_address(self) -> &'static str {
        match self {
            Self::Nbk => "https://nationalbank.kz/rss/get_rates.cfm?fdate={DD}.{MM}.{YYYY}",
            Self::Nbkr => "https://www.nbkr.kg/XML/daily.xml",
            Self::Nbt => "https://www.nbt.tj/en/kurs/export_xml.php?date={YYYY}-{MM}-{DD}&export=xmlout",
            Self::Cbu => "https://cbu.uz/en/arkhiv-kursov-valyut/json/all/{YYYY}-{MM}-{DD}/",
            Self::Cbt => "https://cbt.tm/kurs/{YYYY}/{DD}{MM}{YYYY}.xml",
        }
    }

    /// The address from settings: the default when unset, `None` when set to `""` (off).
    pub fn address(self, sources: &RateSources) -> Option<String> {
        let setting = match self {
            Self::Nbk => &sources.nbk,
            Self::Nbkr => &sources.nbkr,
            Self::Nbt => &sources.nbt,
            Self::Cbu => &sources.cbu,
            Self::Cbt => &sources.cbt,
        };
        match setting.as_deref().map(str::trim) {
            None => Some(self.default_address().to_owned()),
            Some("") => None,
            Some(address) => Some(address.to_owned()),
        }
    }

    /// Reads one answer of this bank.
    pub fn parse(self, body: &[u8]) -> Result<Publication, ParseError> {
        match self {
            Self::Nbk => nbk::parse(body),
            Self::Nbkr => nbkr::parse(body),
            Self::Nbt => nbt::parse(body),
            Self::Cbu => cbu::parse(body),
            Self::Cbt => cbt::parse(body),
        }
    }
}

/// Reads an answer of the Frankfurter-compatible fallback.
pub fn parse_fallback(body: &[u8]) -> Result<Publication, ParseError> {
    frankfurter::parse(body)
}

/// How a stored rate's source is shown to readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The publisher's name.
    pub name: String,
    /// Its page of official rates.
    pub url: Option<&'static str>,
    /// Whether it is a central bank.
    pub official: bool,
}

/// The publisher of rates stored under the short name `id`.
pub fn source_info(id: &str) -> SourceInfo {
    let bank = |name: &str, url: &'static str| SourceInfo { name: name.to_owned(), url: Some(url), official: true };
    match id {
        "nbk" => bank(
            "National Bank of Kazakhstan",
            "https://nationalbank.kz/en/exchangerates/ezhednevnye-oficialnye-rynochnye-kursy-valyut",
        ),
        "nbkr" => bank("National Bank of the Kyrgyz Republic", "https://www.nbkr.kg/index1.jsp?item=1562&lang=ENG"),
        "nbt" => bank("National Bank of Tajikistan", "https://www.nbt.tj/en/kurs/kurs.php"),
        "cbu" => bank("Central Bank of the Republic of Uzbekistan", "https://cbu.uz/en/arkhiv-kursov-valyut/"),
        "cbt" => bank("Central Bank of Turkmenistan", "https://cbt.tm/kurs/kurs_today_en.html"),
        FALLBACK_ID => SourceInfo {
            name: "Frankfurter (not an official source)".to_owned(),
            url: Some("https://frankfurter.dev/"),
            official: false,
        },
        other => SourceInfo { name: other.to_owned(), url: None, official: false },
    }
}

/// Whether an address names the day it is for, so that past days can be asked for.
pub fn takes_date(address: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| address.contains(p))
}

/// The address for `day`: `{YYYY}`, `{MM}` and `{DD}` replaced by its digits.
pub fn address_for(address: &str, day: Date) -> String {
    address
        .replace("{YYYY}", &format!("{:04}", day.year()))
        .replace("{MM}", &format!("{:02}", day.month()))
        .replace("{DD}", &format!("{:02}", day.day()))
}

/// The English name of a currency the site shows.
pub fn currency_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "KZT" => "Kazakh tenge",
        "KGS" => "Kyrgyz som",
        "TJS" => "Tajik somoni",
        "UZS" => "Uzbek sum",
        "TMT" => "Turkmen manat",
        "USD" => "US dollar",
        "EUR" => "euro",
        "RUB" => "Russian rouble",
        "CNY" => "Chinese yuan",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_take_the_banks_formats() {
        let day = Date::constant(2026, 5, 20);
        assert_eq!(address_for(Source::Cbt.default_address(), day), "https://cbt.tm/kurs/2026/20052026.xml");
        assert_eq!(
            address_for(Source::Nbk.default_address(), day),
            "https://nationalbank.kz/rss/get_rates.cfm?fdate=20.05.2026"
        );
        assert!(takes_date(Source::Cbu.default_address()));
        assert!(!takes_date(Source::Nbkr.default_address()));
    }

    #[test]
    fn an_empty_setting_turns_a_source_off() {
        let sources =
            RateSources { nbk: Some(String::new()), cbu: Some("http://127.0.0.1:1/x".into()), ..Default::default() };
        assert_eq!(Source::Nbk.address(&sources), None);
        assert_eq!(Source::Cbu.address(&sources).as_deref(), Some("http://127.0.0.1:1/x"));
        assert_eq!(Source::Nbt.address(&sources).as_deref(), Some(Source::Nbt.default_address()));
    }
}

//! Official exchange rates end to end: the banks' real payloads served from a local
//! stand-in on 127.0.0.1, a real fetch round through the HTTP client, and what the
//! ticker, the rates page and the JSON API then show. Every way a bank can fail is
//! played out with small payloads written here, so the core promise — a bad answer
//! never replaces a good rate and never touches the other banks — is proven even where
//! `../shared/fixtures/rates` is absent. Nothing here reaches the internet.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use jiff::civil::Date;
use qalam::jobs::rates::{Outcome, RoundReport, fetch_round};
use qalam::rates::{ParseError, Source};
use reqwest::StatusCode;
use serde_json::Value;

use crate::fixture_server::{FixtureServer, Reply};
use crate::helpers::{Options, TestApp, between, output_text, qalam_command, spawn_app, spawn_app_with};

/// Where the real payloads live, beside the repository.
const REAL_PAYLOADS: &str = "../shared/fixtures/rates";

/// The saved real payloads, or `None` (said plainly) when this checkout has none.
fn real_payloads(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(REAL_PAYLOADS);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("SKIPPED {test}: {REAL_PAYLOADS} is absent, so the banks' real payloads were not checked");
        None
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
}

/// `[rates]` settings pointing every bank at `server`, with short timeouts for tests.
fn rates_toml(server: &FixtureServer, extra: &str) -> String {
    format!(
        "[rates]\ntimeout_ms = 400\nretries = 1\nretry_delay_ms = 10\nfetch_on_start = false\n{extra}\n\
         [rates.sources]\n\
         nbk = \"{}\"\nnbkr = \"{}\"\nnbt = \"{}\"\ncbu = \"{}\"\ncbt = \"{}\"\n",
        server.url("/nbk/get_rates.cfm?fdate={DD}.{MM}.{YYYY}"),
        server.url("/nbkr/daily.xml"),
        server.url("/nbt/export_xml.php?date={YYYY}-{MM}-{DD}&export=xmlout"),
        server.url("/cbu/json/all/{YYYY}-{MM}-{DD}/"),
        server.url("/cbt/kurs/{YYYY}/{DD}{MM}{YYYY}.xml"),
    )
}

// ---------------------------------------------------------------------------------------
// Small payloads in each bank's format, written here.

/// One day of the five banks' dollar rates, in their own notations.
struct Day {
    dotted: &'static str,
    iso: &'static str,
    kzt: &'static str,
    kgs: &'static str,
    tjs: &'static str,
    uzs: &'static str,
}

const D1: Day =
    Day { dotted: "02.03.2026", iso: "2026-03-02", kzt: "478.77", kgs: "87,4500", tjs: "9.3450", uzs: "12194.21" };
const D2: Day =
    Day { dotted: "03.03.2026", iso: "2026-03-03", kzt: "480.00", kgs: "87,5000", tjs: "9.3500", uzs: "12200.00" };

/// 11:00 in Almaty on D2.
const ON_D2: &str = "2026-03-03T06:00:00Z";

fn nbk(date: &str, usd: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rates>\n    <generator>Alternate RSS Builder</generator>\n    \
         <date>{date}</date>\n\n        <item>\n            <fullname>ДОЛЛАР США</fullname>\n            \
         <title>USD</title>\n            <description>{usd}</description>\n            <quant>1</quant>\n            \
         <index>UP</index>\n            <change>+0.02</change>\n        </item>\n        <item>\n            \
         <title>UZS</title>\n            <description>3.93</description>\n            <quant>100</quant>\n        \
         </item>\n</rates>\n"
    )
}

/// Declared and encoded windows-1251, with a Cyrillic name that only decodes right so.
fn nbkr(date: &str, usd: &str) -> Vec<u8> {
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"windows-1251\" ?>\n<CurrencyRates Name=\"Ежедневные курсы\" Date=\"{date}\">\n\
         <Currency ISOCode=\"USD\">\n<Nominal>1</Nominal>\n<Value>{usd}</Value>\n</Currency>\n\
         <Currency ISOCode=\"KZT\">\n<Nominal>1</Nominal>\n<Value>0,1859</Value>\n</Currency>\n</CurrencyRates>\n"
    );
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn nbt(date: &str, usd: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<ValCurs Date=\"{date}\" name=\"Foreign Currency Market\">\n\
         <Valute ID=\"840\">\n   <CharCode>USD</CharCode>\n   <Nominal>1</Nominal>\n   <Name>US Dollar</Name>\n   \
         <Value>{usd}</Value>\n</Valute>\n<Valute ID=\"860\">\n   <CharCode>UZS</CharCode>\n   <Nominal>100</Nominal>\n   \
         <Value>0.0780</Value>\n</Valute>\n</ValCurs>"
    )
}

fn cbu(date: &str, usd: &str) -> String {
    format!(
        "[{{\"id\":69,\"Code\":\"840\",\"Ccy\":\"USD\",\"CcyNm_EN\":\"US Dollar\",\"Nominal\":\"1\",\"Rate\":\"{usd}\",\
         \"Diff\":\"-16.5\",\"Date\":\"{date}\"}},{{\"id\":21,\"Code\":\"978\",\"Ccy\":\"EUR\",\"CcyNm_EN\":\"Euro\",\
         \"Nominal\":\"1\",\"Rate\":\"13984.32\",\"Diff\":\"-51.89\",\"Date\":\"{date}\"}}]"
    )
}

fn cbt(date: &str, usd: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<cbt_currency_rate name=\"CBT Currency XML\">\r\n\
         \t<date>{date}</date>\r\n\t<rate code=\"USD\">\r\n\t\t<name>ABŞ-NYŇ DOLLARY</name>\r\n\t\t<rate_usd>1</rate_usd>\r\n\
         \t\t<multiplier>1</multiplier>\r\n\t\t<rate_tmt>{usd}</rate_tmt>\r\n\t</rate>\r\n\t<rate code=\"EUR\">\r\n\
         \t\t<multiplier>1</multiplier>\r\n\t\t<rate_tmt>4.0754</rate_tmt>\r\n\t</rate>\r\n</cbt_currency_rate>\r\n"
    )
}

/// Path each bank is asked at on `day` (`DD.MM.YYYY` is in the query, not the path).
fn cbt_path(day: &Day) -> String {
    let (d, rest) = day.dotted.split_at(2);
    let (m, y) = (&rest[1..3], &rest[4..]);
    format!("/cbt/kurs/{y}/{d}{m}{y}.xml")
}

/// Makes every bank answer well for `day`.
fn serve_day(server: &FixtureServer, day: &Day) {
    server.serve("/nbk/get_rates.cfm", Reply::xml(nbk(day.dotted, day.kzt)));
    server.serve("/nbkr/daily.xml", Reply::xml(nbkr(day.dotted, day.kgs)));
    server.serve("/nbt/export_xml.php", Reply::xml(nbt(day.iso, day.tjs)));
    server.serve(&format!("/cbu/json/all/{}/", day.iso), Reply::json(cbu(day.dotted, day.uzs)));
    server.serve(&cbt_path(day), Reply::xml(cbt(day.dotted, "3.5")));
}

/// The stored dollar rate of `currency`: its day and the rate as printed.
async fn stored_dollar_rate(app: &TestApp, currency: &str) -> (String, String) {
    let latest = app.app.store.latest_rates("USD").await.expect("rates read");
    let history = latest.iter().find(|h| h.latest.currency == currency).unwrap_or_else(|| panic!("no {currency}"));
    (history.latest.date.to_string(), history.latest.rate.to_string())
}

fn outcome<'a>(report: &'a RoundReport, source: &str) -> &'a Outcome {
    &report.source(source).unwrap_or_else(|| panic!("no line for {source} in {report}")).outcome
}

fn is_saved_for(outcome: &Outcome, day: &str) -> bool {
    matches!(outcome, Outcome::Saved { date, .. } if date.to_string() == day)
}

// ---------------------------------------------------------------------------------------
// The real payloads

#[test]
fn every_real_payload_parses_with_its_quirks() {
    let Some(dir) = real_payloads("every_real_payload_parses_with_its_quirks") else { return };
    let rate_of = |source: Source, file: &str, quote: &str| {
        let p = source.parse(&read(&dir, file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let r = p.rates.iter().find(|r| r.quote == quote).unwrap_or_else(|| panic!("{file}: no {quote}")).clone();
        (p, r)
    };

    // NBK by date: one <date>, dot decimals, quant read each time.
    let (p, usd) = rate_of(Source::Nbk, "nbk-get_rates-2026-04-01.xml", "USD");
    assert_eq!((usd.currency.as_str(), usd.rate.to_string().as_str(), usd.scale), ("KZT", "478.77", 1));
    assert_eq!(usd.date, Date::constant(2026, 4, 1));
    assert_eq!(p.rates.len(), 39);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    let scale = |q: &str| p.rates.iter().find(|r| r.quote == q).map(|r| r.scale);
    assert_eq!((scale("UZS"), scale("IRR"), scale("AMD")), (Some(100), Some(1000), Some(10)));

    // NBK RSS: two-digit years, discontinued currencies with their old dates left out.
    let (p, usd) = rate_of(Source::Nbk, "nbk-rates_all-2016-04-18.xml", "USD");
    assert_eq!((usd.rate.to_string().as_str(), usd.date), ("334.41", Date::constant(2016, 4, 18)));
    for gone in ["LVL", "EEK", "TRL"] {
        assert!(p.rates.iter().all(|r| r.quote != gone), "{gone} is discontinued");
        assert!(p.skipped.iter().any(|s| s.starts_with(gone)), "{gone} is reported as left out");
    }

    // NBKR: windows-1251, decimal comma, dated the day the rates take effect.
    let (p, usd) = rate_of(Source::Nbkr, "nbkr-daily-2026-05-24.xml", "USD");
    assert_eq!((usd.currency.as_str(), usd.rate.to_string().as_str()), ("KGS", "87.4500"));
    assert_eq!((usd.date, p.rates.len()), (Date::constant(2026, 5, 24), 5));
    let (p, uzs) = rate_of(Source::Nbkr, "nbkr-weekly-2026-05-23.xml", "UZS");
    assert_eq!((uzs.rate.to_string().as_str(), uzs.date), ("0.0073", Date::constant(2026, 5, 23)));
    assert_eq!(p.rates.len(), 40);

    // NBT daily: ISO date, nominals of 10, 100, 1000.
    let (p, usd) = rate_of(Source::Nbt, "nbt-export-2026-05-18.xml", "USD");
    assert_eq!((usd.currency.as_str(), usd.rate.to_string().as_str()), ("TJS", "9.3450"));
    assert_eq!((usd.date, p.rates.len()), (Date::constant(2026, 5, 18), 36));
    let scale = |q: &str| p.rates.iter().find(|r| r.quote == q).map(|r| r.scale);
    assert_eq!((scale("UZS"), scale("KGS"), scale("IRR")), (Some(100), Some(10), Some(1000)));

    // NBT history: one record per calendar day, weekends included.
    let p = Source::Nbt.parse(&read(&dir, "nbt-history-kzt-2026-09-20_2026-10-01.xml")).expect("history parses");
    assert_eq!(p.rates.len(), 12);
    assert!(p.rates.iter().all(|r| r.quote == "KZT" && r.scale == 10));
    assert_eq!(p.latest_date(), Some(Date::constant(2026, 10, 1)));

    // CBU: every number a string, a date per entry.
    let (p, usd) = rate_of(Source::Cbu, "cbu-json-all-2026-04-01.json", "USD");
    assert_eq!((usd.currency.as_str(), usd.rate.to_string().as_str()), ("UZS", "12194.21"));
    assert_eq!((usd.date, p.rates.len()), (Date::constant(2026, 4, 1), 75));
    assert_eq!(p.rates.iter().find(|r| r.quote == "IDR").map(|r| r.scale), Some(10));

    // CBT: manat per multiplier; the dollar at the official 3.5.
    let (p, usd) = rate_of(Source::Cbt, "cbt-kurs-2026-05-20.xml", "USD");
    assert_eq!((usd.currency.as_str(), usd.rate.to_string().as_str()), ("TMT", "3.5"));
    assert_eq!((usd.date, p.rates.len()), (Date::constant(2026, 5, 20), 48));
    assert_eq!(p.rates.iter().find(|r| r.quote == "KZT").map(|r| r.scale), Some(100));

    // Another bank's file (the ECB's, which has none of these currencies) is refused.
    let ecb = read(&dir, "ecb-eurofxref-daily-2025-05-09.xml");
    for source in Source::ALL {
        assert!(
            matches!(source.parse(&ecb), Err(ParseError::UnexpectedRoot { .. } | ParseError::Json(_))),
            "{source:?}"
        );
    }
}

#[tokio::test]
async fn a_round_over_the_real_payloads_fills_the_ticker_the_rates_page_and_the_api() {
    let Some(dir) = real_payloads("a_round_over_the_real_payloads_fills_the_ticker_the_rates_page_and_the_api") else {
        return;
    };
    let server = FixtureServer::start().await;
    server.serve("/nbk/get_rates.cfm", Reply::xml(read(&dir, "nbk-get_rates-2026-04-01.xml")));
    server.serve("/nbkr/daily.xml", Reply::xml(read(&dir, "nbkr-daily-2026-05-24.xml")));
    server.serve("/nbt/export_xml.php", Reply::xml(read(&dir, "nbt-export-2026-05-18.xml")));
    server.serve("/cbu/json/all/2026-05-24/", Reply::json(read(&dir, "cbu-json-all-2026-04-01.json")));
    server.serve("/cbt/kurs/2026/24052026.xml", Reply::xml(read(&dir, "cbt-kurs-2026-05-20.xml")));
    // Sunday 24 May 2026, 11:00 in Almaty.
    let app = spawn_app_with(Options::default().toml(&rates_toml(&server, "")).at("2026-05-24T06:00:00Z")).await;

    let report = fetch_round(&app.app).await;

    assert!(report.all_succeeded(), "{report}");
    for (source, day, count) in [
        ("nbk", "2026-04-01", 39),
        ("nbkr", "2026-05-24", 5),
        ("nbt", "2026-05-18", 36),
        ("cbu", "2026-04-01", 75),
        ("cbt", "2026-05-20", 48),
    ] {
        let expected = Outcome::Saved { date: day.parse().expect("date"), rates: count };
        assert_eq!(outcome(&report, source), &expected, "{report}");
    }
    // Each date placeholder was filled with the day in that bank's time zone.
    assert_eq!(server.requests_to("/nbk/get_rates.cfm"), ["/nbk/get_rates.cfm?fdate=24.05.2026"]);
    assert_eq!(server.requests_to("/nbt/export_xml.php"), ["/nbt/export_xml.php?date=2026-05-24&export=xmlout"]);

    // The ticker: the dollar value of one unit, and the age of every rate older than
    // the latest business day (Friday 22 May).
    let home = app.get_text("/").await;
    for (pair, value) in [
        ("KGS/USD", "0.01144"),
        ("KZT/USD", "0.00209"),
        ("TJS/USD", "0.10701"),
        ("UZS/USD", "0.0000820"),
        ("TMT/USD", "0.28571"),
    ] {
        let item = format!(r#"<span class="ticker__pair">{pair}</span> = <span class="ticker__value">{value}</span>"#);
        assert!(home.contains(&item), "{item} in the ticker");
    }
    let first_copy = between(&home, r#"<ul class="ticker__list""#, "</ul>").expect("a ticker");
    assert!(first_copy.contains("as of 01 April 2026"), "the tenge and the sum say how old they are");
    assert!(first_copy.contains("as of 18 May 2026"));
    assert!(first_copy.contains("as of 20 May 2026"));
    assert_eq!(first_copy.matches("as of").count(), 4, "the som, dated 24 May, is current");

    // The rates page: each rate as the bank printed it, its inverse, source and chart.
    let page = app.get_text("/rates/").await;
    for printed in ["478.77", "87.4500", "9.3450", "12194.21", "3.5"] {
        assert!(page.contains(&format!(r#"<span class="rate__value">{printed}</span>"#)), "{printed} on /rates/");
    }
    assert!(page.contains("KZT per 1 USD"));
    assert!(page.contains(r#"<span class="rate__value">0.0000820</span> USD"#));
    assert!(
        page.contains(
            r#"href="https://nationalbank.kz/en/exchangerates/ezhednevnye-oficialnye-rynochnye-kursy-valyut""#
        )
    );
    assert!(page.contains("Central Bank of Turkmenistan"));
    assert_eq!(page.matches("<svg ").count(), 3, "the tenge and the sum have no rate in the last 30 days");
    assert_eq!(page.matches("No official rates in the last 30 days.").count(), 2);
    assert_eq!(app.get_text("/rates/90-days/").await.matches("<svg ").count(), 5, "a chart per currency");
    assert!(page.contains("<time datetime=\"2026-05-24\">24 May 2026</time>"));

    // The JSON API.
    let latest: Value = serde_json::from_str(&app.get_text("/api/v1/rates").await).expect("JSON");
    assert_eq!(latest["quote"], "USD");
    let codes: Vec<&str> =
        latest["rates"].as_array().expect("a list").iter().map(|r| r["currency"].as_str().expect("code")).collect();
    assert_eq!(codes, ["KGS", "KZT", "TJS", "UZS", "TMT"]);
    let kzt = &latest["rates"][1];
    assert_eq!(
        (kzt["rate"].as_str(), kzt["scale"].as_u64(), kzt["date"].as_str()),
        (Some("478.77"), Some(1), Some("2026-04-01"))
    );
    assert_eq!(kzt["unit_value"], "0.0020886856");
    assert_eq!((kzt["source"]["id"].as_str(), kzt["source"]["official"].as_bool()), (Some("nbk"), Some(true)));
    let history: Value =
        serde_json::from_str(&app.get_text("/api/v1/rates/kzt/history?from=2026-03-01&to=2026-05-24").await)
            .expect("JSON");
    assert_eq!(history["currency"], "KZT");
    assert_eq!(history["rates"].as_array().map(Vec::len), Some(1));
    assert_eq!(history["rates"][0]["rate"], "478.77");
}

// ---------------------------------------------------------------------------------------
// Failure modes: one bank misbehaves on the second day; the others move on, it keeps
// the first day's rate, and the site goes on serving.

/// Runs D1 with every bank well, then D2 with `broken` answering `reply`, and checks
/// that `broken`'s currency kept its D1 rate while every other moved to D2.
async fn one_bank_misbehaves(broken: Source, path: &str, reply: Reply) -> (TestApp, FixtureServer, RoundReport) {
    let server = FixtureServer::start().await;
    let app = spawn_app_with(Options::default().toml(&rates_toml(&server, "")).at(ON_D2)).await;
    serve_day(&server, &D1);
    server.serve(&format!("/cbu/json/all/{}/", D2.iso), Reply::json(cbu(D1.dotted, D1.uzs)));
    server.serve(&cbt_path(&D2), Reply::xml(cbt(D1.dotted, "3.5")));
    let first = fetch_round(&app.app).await;
    assert!(first.all_succeeded(), "{first}");

    serve_day(&server, &D2);
    server.serve(path, reply);
    let report = fetch_round(&app.app).await;

    let d1_rates = [("KZT", D1.kzt), ("KGS", "87.4500"), ("TJS", D1.tjs), ("UZS", D1.uzs)];
    let d2_rates = [("KZT", D2.kzt), ("KGS", "87.5000"), ("TJS", D2.tjs), ("UZS", D2.uzs)];
    for (source, (kept, moved)) in
        [Source::Nbk, Source::Nbkr, Source::Nbt, Source::Cbu].into_iter().zip(d1_rates.iter().zip(d2_rates))
    {
        let stored = stored_dollar_rate(&app, source.currency()).await;
        if source == broken {
            assert_eq!(stored, (D1.iso.to_owned(), kept.1.to_owned()), "{source:?} keeps its last good rate\n{report}");
        } else {
            assert_eq!(stored, (D2.iso.to_owned(), moved.1.to_owned()), "{source:?} is not affected\n{report}");
            assert!(is_saved_for(outcome(&report, source.id()), D2.iso), "{report}");
        }
    }
    // The site still answers, and says how old the kept rate is.
    let home = app.get_text("/").await;
    assert!(home.contains("as of 02 March 2026"), "the kept rate shows its date");
    assert_eq!(app.get_page("/rates/").await.status, StatusCode::OK);
    (app, server, report)
}

fn assert_failed_keeping_d1(report: &RoundReport, source: Source, error_part: &str) {
    match outcome(report, source.id()) {
        Outcome::Failed { error, kept } => {
            assert!(error.contains(error_part), "{error:?} should mention {error_part:?}");
            assert_eq!(kept.map(|d| d.to_string()).as_deref(), Some(D1.iso));
        }
        other => panic!("{source:?} should have failed, not {other:?}\n{report}"),
    }
    assert!(report.to_string().contains("keeping the rates of 2026-03-02"), "{report}");
}

#[tokio::test]
async fn a_timeout_keeps_the_last_good_rate_and_spares_the_other_banks() {
    let slow = Reply::xml(nbk(D2.dotted, D2.kzt)).after(Duration::from_secs(2));
    let (_app, server, report) = one_bank_misbehaves(Source::Nbk, "/nbk/get_rates.cfm", slow).await;
    assert_failed_keeping_d1(&report, Source::Nbk, "no answer from");
    assert_eq!(server.hits("/nbk/get_rates.cfm"), 3, "one request on D1, then one retry after the timeout");
}

#[tokio::test]
async fn an_http_500_is_retried_then_keeps_the_last_good_rate() {
    let (_app, server, report) = one_bank_misbehaves(Source::Nbkr, "/nbkr/daily.xml", Reply::status(500)).await;
    assert_failed_keeping_d1(&report, Source::Nbkr, "HTTP 500");
    assert_eq!(server.hits("/nbkr/daily.xml"), 3, "D1, then D2 and its retry");
}

#[tokio::test]
async fn an_html_error_page_is_not_taken_for_rates() {
    let page = "<!DOCTYPE html>\n<html><head><title>Технические работы</title></head><body><h1>503</h1></body></html>";
    let (_app, _server, report) = one_bank_misbehaves(Source::Nbt, "/nbt/export_xml.php", Reply::html(page)).await;
    assert_failed_keeping_d1(&report, Source::Nbt, "HTML page");
}

#[tokio::test]
async fn a_truncated_json_body_keeps_the_last_good_rate() {
    let body = cbu(D2.dotted, D2.uzs);
    let cut = Reply::json(body.clone()).truncated(body.len() / 2);
    let (_app, _server, report) = one_bank_misbehaves(Source::Cbu, "/cbu/json/all/2026-03-03/", cut).await;
    assert_failed_keeping_d1(&report, Source::Cbu, "not the expected JSON");
}

#[tokio::test]
async fn a_truncated_xml_file_keeps_the_last_good_rate() {
    let body = nbkr(D2.dotted, D2.kgs);
    let cut = Reply::xml(body.clone()).truncated(body.len() - 30);
    let (_app, _server, report) = one_bank_misbehaves(Source::Nbkr, "/nbkr/daily.xml", cut).await;
    assert_failed_keeping_d1(&report, Source::Nbkr, "not well-formed XML");
}

#[tokio::test]
async fn an_empty_body_keeps_the_last_good_rate() {
    let (_app, _server, report) = one_bank_misbehaves(Source::Nbt, "/nbt/export_xml.php", Reply::xml("")).await;
    assert_failed_keeping_d1(&report, Source::Nbt, "empty");
}

#[tokio::test]
async fn a_zero_rate_is_refused_and_the_rest_of_the_file_kept() {
    let zero = Reply::xml(nbk(D2.dotted, "0"));
    let (app, _server, report) = one_bank_misbehaves(Source::Nbk, "/nbk/get_rates.cfm", zero).await;
    let line = report.source("nbk").expect("nbk line");
    assert!(is_saved_for(&line.outcome, D2.iso), "the sum per 100 is still good: {report}");
    assert!(line.warnings.iter().any(|w| w.contains("USD: the rate 0 is not positive")), "{report}");
    let uzs = app.app.store.latest_rates_from("nbk").await.expect("rates").into_iter().find(|r| r.quote == "UZS");
    assert_eq!(uzs.map(|r| r.date.to_string()).as_deref(), Some(D2.iso));
}

#[tokio::test]
async fn a_negative_rate_is_refused() {
    let negative = Reply::json(cbu(D2.dotted, "-12200.00"));
    let (_app, _server, report) = one_bank_misbehaves(Source::Cbu, "/cbu/json/all/2026-03-03/", negative).await;
    let line = report.source("cbu").expect("cbu line");
    assert!(line.warnings.iter().any(|w| w.contains("not positive")), "{report}");
}

#[tokio::test]
async fn an_absurd_rate_is_refused_as_implausible() {
    let absurd = Reply::xml(nbt(D2.iso, "93500.0000"));
    let (_app, _server, report) = one_bank_misbehaves(Source::Nbt, "/nbt/export_xml.php", absurd).await;
    let line = report.source("nbt").expect("nbt line");
    assert!(line.warnings.iter().any(|w| w.contains("refused as implausible")), "{report}");
    assert!(report.to_string().contains("left out USD: 93500.0000 TJS per 1 USD"), "{report}");
}

#[tokio::test]
async fn the_manat_falls_back_to_the_official_fixed_rate() {
    let server = FixtureServer::start().await;
    let app = spawn_app_with(Options::default().toml(&rates_toml(&server, "")).at(ON_D2)).await;
    serve_day(&server, &D2);
    server.serve(&cbt_path(&D2), Reply::status(404));

    let report = fetch_round(&app.app).await;

    match outcome(&report, "cbt") {
        Outcome::Pegged { date, rate, reason } => {
            assert_eq!((date.to_string().as_str(), rate.to_string().as_str()), (D2.iso, "3.5"));
            assert!(reason.contains("HTTP 404"), "{reason}");
        }
        other => panic!("expected the peg, got {other:?}"),
    }
    assert_eq!(server.hits(&cbt_path(&D2)), 1, "a 404 is not retried");
    assert_eq!(stored_dollar_rate(&app, "TMT").await, (D2.iso.to_owned(), "3.5".to_owned()));
    assert!(app.get_text("/").await.contains(r#"<span class="ticker__value">0.28571</span>"#));
}

#[tokio::test]
async fn a_configured_peg_and_a_source_turned_off() {
    let server = FixtureServer::start().await;
    let toml = rates_toml(&server, "tmt_peg = \"3.6\"")
        .replace(&format!("nbk = \"{}\"", server.url("/nbk/get_rates.cfm?fdate={DD}.{MM}.{YYYY}")), "nbk = \"\"");
    let app = spawn_app_with(Options::default().toml(&toml).at(ON_D2)).await;
    serve_day(&server, &D2);
    server.serve(&cbt_path(&D2), Reply::status(503));

    let report = fetch_round(&app.app).await;

    assert_eq!(outcome(&report, "nbk"), &Outcome::Off);
    assert_eq!(server.hits("/nbk/get_rates.cfm"), 0);
    assert!(matches!(outcome(&report, "cbt"), Outcome::Pegged { rate, .. } if rate.to_string() == "3.6"), "{report}");

    // With the Turkmen source off, nothing about the manat changes: not even the peg.
    let toml = rates_toml(&server, "")
        .replace(&format!("cbt = \"{}\"", server.url("/cbt/kurs/{YYYY}/{DD}{MM}{YYYY}.xml")), "cbt = \"\"");
    let off = spawn_app_with(Options::default().toml(&toml).at(ON_D2)).await;
    let report = fetch_round(&off.app).await;
    assert_eq!(outcome(&report, "cbt"), &Outcome::Off);
    let stored = off.app.store.latest_rates("USD").await.expect("rates read");
    assert!(stored.iter().all(|h| h.latest.currency != "TMT"), "{report}");
}

#[tokio::test]
async fn the_fallback_fills_only_a_missing_dollar_rate_and_says_it_is_not_official() {
    let server = FixtureServer::start().await;
    let fallback = format!("fallback = \"{}\"", server.url("/v2/rates?base=USD&quotes=KZT,KGS,TJS,UZS,TMT"));
    let app = spawn_app_with(Options::default().toml(&rates_toml(&server, &fallback)).at(ON_D2)).await;
    serve_day(&server, &D1);
    server.serve(&format!("/cbu/json/all/{}/", D2.iso), Reply::json(cbu(D1.dotted, D1.uzs)));
    server.serve(&cbt_path(&D2), Reply::xml(cbt(D1.dotted, "3.5")));
    let first = fetch_round(&app.app).await;
    assert!(first.source("frankfurter").is_none(), "not asked while every bank answers: {first}");
    assert_eq!(server.hits("/v2/rates"), 0);

    serve_day(&server, &D2);
    server.serve("/nbk/get_rates.cfm", Reply::status(502));
    server.serve(
        "/v2/rates",
        Reply::json(
            r#"[{"date":"2026-03-03","base":"USD","quote":"KZT","rate":481.5},{"date":"2026-03-03","base":"USD","quote":"KGS","rate":99.9}]"#,
        ),
    );
    let report = fetch_round(&app.app).await;

    assert!(is_saved_for(outcome(&report, "frankfurter"), D2.iso), "{report}");
    assert_eq!(outcome(&report, "frankfurter"), &Outcome::Saved { date: Date::constant(2026, 3, 3), rates: 1 });
    assert_eq!(stored_dollar_rate(&app, "KZT").await, (D2.iso.to_owned(), "481.5".to_owned()));
    assert_eq!(
        stored_dollar_rate(&app, "KGS").await,
        (D2.iso.to_owned(), "87.5000".to_owned()),
        "the bank's own rate stands"
    );
    let page = app.get_text("/rates/").await;
    assert!(page.contains("Frankfurter (not an official source)"));
}

// ---------------------------------------------------------------------------------------
// Formatting per currency

/// 4 and 5 December 2025: the tenge falls by a hair, the somoni rises by 0.18%.
const TWO_DAYS: &[(&str, &str, &str)] = &[
    ("KGS", "2025-12-04", "87.45"),
    ("KGS", "2025-12-05", "87.45"),
    ("KZT", "2025-12-04", "505.10"),
    ("KZT", "2025-12-05", "505.11"),
    ("TJS", "2025-12-04", "9.1883"),
    ("TJS", "2025-12-05", "9.1718"),
    ("UZS", "2025-12-04", "12100"),
    ("UZS", "2025-12-05", "12100"),
    ("TMT", "2025-12-04", "3.5"),
    ("TMT", "2025-12-05", "3.5"),
];

#[tokio::test]
async fn each_currency_is_formatted_on_the_rates_page_and_the_api_without_negative_zero() {
    let app = spawn_app().await;
    app.save_rates(TWO_DAYS).await;

    let page = app.get_text("/rates/").await;
    for (code, inverse, change) in [
        ("KGS", "0.01144", "0%"),
        ("KZT", "0.00198", "0%"),
        ("TJS", "0.10903", "0.18%"),
        ("UZS", "0.0000826", "0%"),
        ("TMT", "0.28571", "0%"),
    ] {
        let section = between(&page, &format!(r#"<section class="rate" id="{}""#, code.to_lowercase()), "</section>")
            .unwrap_or_else(|| panic!("a section for {code}"));
        assert!(section.contains(&format!(r#"<span class="rate__value">{inverse}</span> USD"#)), "{code}: {section}");
        assert!(section.contains(&format!("</span>{change}</span>")), "{code} changed {change}: {section}");
    }
    assert!(!page.contains("-0%"), "never a negative zero");
    assert!(!page.contains("rate__change--down"), "a fall that rounds to zero is shown unchanged, not down");
    assert!(page.contains("since 04 December 2025"));

    let api: Value = serde_json::from_str(&app.get_text("/api/v1/rates").await).expect("JSON");
    let kzt = api["rates"].as_array().expect("list").iter().find(|r| r["currency"] == "KZT").expect("KZT");
    assert_eq!(kzt["change_percent"], "0", "a change that rounds to zero is 0, not -0");
    let uzs = api["rates"].as_array().expect("list").iter().find(|r| r["currency"] == "UZS").expect("UZS");
    assert_eq!(uzs["unit_value"], "0.0000826446");

    let reference = spawn_app_with(Options::default().toml("[ticker]\nstyle = \"reference\"\n")).await;
    reference.save_rates(TWO_DAYS).await;
    let page = reference.get_text("/rates/").await;
    assert!(
        page.contains(r#"<span class="rate__value">0.00008</span> USD"#),
        "the reference's five decimals on request"
    );
}

// ---------------------------------------------------------------------------------------
// The rates page and the API through HTTP

#[tokio::test]
async fn the_rates_page_offers_30_90_and_365_days_and_nothing_else() {
    let app = spawn_app().await;
    app.save_rates(&[
        ("KZT", "2025-06-01", "480.10"),
        ("KZT", "2025-11-20", "500.00"),
        ("KZT", "2025-12-05", "505.11"),
    ])
    .await;

    let month = app.get_text("/rates/").await;
    let year = app.get_text("/rates/365-days/").await;
    let points = |html: &str| between(html, r#"<polyline points=""#, "\"").expect("a line").split(' ').count();
    assert_eq!(points(&month), 2, "30 days hold two rates");
    assert_eq!(points(&app.get_text("/rates/90-days/").await), 2);
    assert_eq!(points(&year), 3, "a year holds all three");
    assert!(year.contains(r#"<a href="/rates/365-days/" aria-current="page">365 days</a>"#));
    assert!(year.contains("low 480.1, high 505.11"));

    let thirty = app.get_page("/rates/30-days/").await;
    assert_eq!(thirty.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(thirty.header("location"), Some("/rates/"));
    for bad in ["/rates/7-days/", "/rates/abc/", "/rates/-1-days/"] {
        assert_eq!(app.get_page(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }

    let empty = spawn_app().await;
    assert!(empty.get_text("/rates/").await.contains("No official rates have been fetched yet."));
}

#[tokio::test]
async fn the_api_answers_bad_dates_and_codes_with_json_errors() {
    let app = spawn_app().await;
    app.save_rates(TWO_DAYS).await;

    let ok = app.get_page("/api/v1/rates/UZS/history?from=2025-12-01&to=2025-12-31").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&ok.bytes).expect("JSON");
    let days: Vec<&str> =
        body["rates"].as_array().expect("list").iter().map(|r| r["date"].as_str().expect("date")).collect();
    assert_eq!(days, ["2025-12-04", "2025-12-05"]);
    let default_range: Value = serde_json::from_str(&app.get_text("/api/v1/rates/TMT/history").await).expect("JSON");
    assert_eq!(
        (default_range["from"].as_str(), default_range["to"].as_str()),
        (Some("2024-12-06"), Some("2025-12-05"))
    );

    for (path, status) in [
        ("/api/v1/rates/XYZ/history", 404),
        ("/api/v1/rates/KZT1/history", 400),
        ("/api/v1/rates/%3Cscript%3E/history", 400),
        ("/api/v1/rates/KZT/history?from=2025-13-01", 400),
        ("/api/v1/rates/KZT/history?to=yesterday", 400),
        ("/api/v1/rates/KZT/history?from=2025-12-05&to=2025-12-01", 400),
        ("/api/v1/rates/KZT/history?from=1900-01-01&to=2025-12-01", 400),
        ("/api/v1/rates/KZT/history?from=%ZZ", 400),
        ("/api/v1/nothing", 404),
    ] {
        let page = app.get_page(path).await;
        assert_eq!(page.status.as_u16(), status, "{path}");
        assert_eq!(page.header("content-type"), Some("application/json"), "{path}");
        let error: Value = serde_json::from_slice(&page.bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(error["error"]["status"].as_u64(), Some(u64::from(status)), "{path}");
        assert!(error["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{path}");
    }
}

// ---------------------------------------------------------------------------------------
// The command line

/// Runs `qalam args…` with extra environment variables.
async fn run_with_env(args: &[&str], env: Vec<(String, String)>) -> Output {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    tokio::task::spawn_blocking(move || qalam_command().args(args).envs(env).output().expect("qalam runs"))
        .await
        .expect("qalam finished")
}

fn sources_env(server: &FixtureServer) -> Vec<(String, String)> {
    [
        ("QALAM_RATES_SOURCES_NBK", server.url("/nbk/get_rates.cfm?fdate={DD}.{MM}.{YYYY}")),
        ("QALAM_RATES_SOURCES_NBKR", server.url("/nbkr/daily.xml")),
        ("QALAM_RATES_SOURCES_NBT", server.url("/nbt/{YYYY}-{MM}-{DD}.xml")),
        ("QALAM_RATES_SOURCES_CBU", server.url("/cbu/json/")),
        ("QALAM_RATES_SOURCES_CBT", server.url("/cbt/unreachable.xml")),
        ("QALAM_RATES_RETRIES", "0".to_owned()),
        ("QALAM_RATES_BACKFILL_PAUSE_MS", "0".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[tokio::test]
async fn rates_fetch_on_the_command_line_reports_each_source() {
    let server = FixtureServer::start().await;
    serve_day(&server, &D1);
    server.serve("/nbkr/daily.xml", Reply::status(500));
    server.serve("/cbu/json/", Reply::json(cbu(D1.dotted, D1.uzs)));
    let today =
        jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Dushanbe").expect("zone")).date();
    server.serve(&format!("/nbt/{today}.xml"), Reply::xml(nbt(D1.iso, D1.tjs)));
    let dir = tempfile::tempdir().expect("data directory");
    let data = dir.path().to_str().expect("a UTF-8 path").to_owned();

    let output = run_with_env(&["rates", "fetch", "--data", &data], sources_env(&server)).await;

    let (stdout, stderr) = output_text(&output);
    assert!(!output.status.success(), "a failed source makes the command fail: {stdout}{stderr}");
    assert!(stdout.contains("nbk: saved 2 rates for 2026-03-02"), "{stdout}");
    assert!(
        stdout.contains("nbkr: FAILED: ") && stdout.contains("answered HTTP 500; no earlier rates to keep"),
        "{stdout}"
    );
    assert!(stdout.contains("nbt: saved 2 rates for 2026-03-02"), "{stdout}");
    assert!(stdout.contains("cbu: saved 2 rates for 2026-03-02"), "{stdout}");
    assert!(stdout.contains("cbt: saved the official fixed rate 3.5 per US dollar"), "{stdout}");
    assert!(stdout.contains("(the bank's file: ") && stdout.contains("answered HTTP 404)"), "{stdout}");

    let site = spawn_app_with(Options::default().dir(dir)).await;
    let api: Value = serde_json::from_str(&site.get_text("/api/v1/rates").await).expect("JSON");
    let codes: Vec<&str> =
        api["rates"].as_array().expect("list").iter().map(|r| r["currency"].as_str().expect("code")).collect();
    assert_eq!(codes, ["KZT", "TJS", "UZS", "TMT"], "what the command stored is served");
}

#[tokio::test]
async fn rates_backfill_stores_each_day_the_bank_answers_for() {
    let server = FixtureServer::start().await;
    server.serve("/nbt/2026-05-16.xml", Reply::xml(nbt("2026-05-16", "9.3400")));
    server.serve("/nbt/2026-05-17.xml", Reply::xml(nbt("2026-05-17", "9.3420")));
    // A day the bank answers with another day's rates, and one it has nothing for.
    server.serve("/nbt/2026-05-18.xml", Reply::xml(nbt("2026-05-17", "9.3420")));
    server.serve("/nbt/2026-05-19.xml", Reply::status(404));
    let dir = tempfile::tempdir().expect("data directory");
    let data = dir.path().to_str().expect("a UTF-8 path").to_owned();
    let args = [
        "rates",
        "backfill",
        "--from",
        "2026-05-16",
        "--to",
        "2026-05-19",
        "--source",
        "nbt",
        "--source",
        "nbkr",
        "--data",
        &data,
    ];

    let output = run_with_env(&args, sources_env(&server)).await;

    let (stdout, stderr) = output_text(&output);
    assert!(!output.status.success(), "a failed day makes the command fail: {stdout}{stderr}");
    assert!(
        stdout
            .contains("nbt: 2 days stored, 1 answered with another day's rates, 1 failed (first failure: 2026-05-19:"),
        "{stdout}"
    );
    assert!(stdout.contains("nbkr: not asked (its address names no day"), "{stdout}");
    assert_eq!(server.hits("/nbkr/daily.xml"), 0);

    let site = spawn_app_with(Options::default().dir(dir)).await;
    let history: Value =
        serde_json::from_str(&site.get_text("/api/v1/rates/TJS/history?from=2026-05-01&to=2026-05-31").await)
            .expect("JSON");
    let days: Vec<&str> =
        history["rates"].as_array().expect("list").iter().map(|r| r["date"].as_str().expect("date")).collect();
    assert_eq!(days, ["2026-05-16", "2026-05-17"]);

    let reversed =
        run_with_env(&["rates", "backfill", "--from", "2026-05-19", "--to", "2026-05-16", "--data", &data], Vec::new())
            .await;
    assert!(!reversed.status.success());
    assert!(output_text(&reversed).1.contains("--from must not be after --to"));
    let unknown = run_with_env(
        &["rates", "backfill", "--from", "2026-05-16", "--to", "2026-05-16", "--source", "ecb", "--data", &data],
        Vec::new(),
    )
    .await;
    assert!(!unknown.status.success());
    assert!(output_text(&unknown).1.contains("unknown source \"ecb\""));
}

#[tokio::test]
async fn the_rates_page_is_valid_html5() {
    let Ok(jar) = std::env::var("QALAM_VNU_JAR") else {
        println!("SKIPPED the_rates_page_is_valid_html5: QALAM_VNU_JAR is not set (scripts/test installs the checker)");
        return;
    };
    let app = spawn_app().await;
    app.save_rates(TWO_DAYS).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut files = Vec::new();
    for (i, path) in ["/rates/", "/rates/365-days/"].iter().enumerate() {
        let file = dir.path().join(format!("rates-{i}.html"));
        std::fs::write(&file, app.get_text(path).await).expect("write page");
        files.push(file);
    }
    let empty = spawn_app().await;
    let file = dir.path().join("rates-empty.html");
    std::fs::write(&file, empty.get_text("/rates/").await).expect("write page");
    files.push(file);
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(&files)
        .output()
        .expect("the Nu HTML Checker runs");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && report.trim().is_empty(), "invalid HTML:\n{report}");
}

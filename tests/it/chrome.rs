//! What surrounds every page: the date line and the currency ticker.

use reqwest::StatusCode;

use crate::helpers::{ArticleSpec, DATE_LINE, TestApp, between, count, slice, spawn_app, strip_tags};

/// Official rates for 4 and 5 December 2025: the tenge falls by a hair (505.10 → 505.11
/// per dollar), the somoni rises by 0.18%, the rest stand still.
const RATES: &[(&str, &str, &str)] = &[
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

async fn site_with_rates() -> TestApp {
    let app = spawn_app().await;
    app.save_rates(RATES).await;
    app.import(&[ArticleSpec::new("steppe-news", "Steppe news").country("Kazakhstan").tag("Water")]).await;
    app
}

/// The visible text of each item of the first ticker list, spaces collapsed.
fn ticker_items(html: &str) -> Vec<String> {
    let first = slice(html, r#"<ul class="ticker__list""#, "</ul>");
    first
        .split(r#"<li class="ticker__item">"#)
        .skip(1)
        .map(|item| strip_tags(item).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[tokio::test]
async fn every_page_shows_todays_date_05_december_2025_in_almaty() {
    let app = site_with_rates().await;
    for path in ["/", "/steppe-news/", "/tag/water/", "/country/kazakhstan/", "/2025/12/"] {
        let html = app.get_text(path).await;
        let line = slice(&html, r#"<p class="date-line">"#, "</p>");
        assert_eq!(line, format!(r#"<p class="date-line">{DATE_LINE}</p>"#), "{path}");
    }
    let missing = app.get_page("/no-such-page/").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains(DATE_LINE), "the 404 page carries the date line too");
}

#[tokio::test]
async fn ticker_shows_each_currency_in_dollars_with_meaningful_digits() {
    let app = site_with_rates().await;
    let html = app.get_text("/").await;
    assert_eq!(
        ticker_items(&html),
        [
            "KGS/USD = 0.01144 ■unchanged 0%",
            "KZT/USD = 0.00198 ■unchanged 0%",
            "TJS/USD = 0.10903 ▲up 0.18%",
            "UZS/USD = 0.0000826 ■unchanged 0%",
            "TMT/USD = 0.28571 ■unchanged 0%",
        ]
    );
    assert!(html.contains(r#"<span class="ticker__pair">KZT/USD</span> = <span class="ticker__value">0.00198</span>"#));
    assert!(
        html.contains(r#"<span class="ticker__pair">UZS/USD</span> = <span class="ticker__value">0.0000826</span>"#)
    );
    assert!(html.contains(r#"<span class="ticker__pair">TMT/USD</span> = <span class="ticker__value">0.28571</span>"#));
}

#[tokio::test]
async fn a_tiny_fall_of_the_tenge_is_never_shown_as_negative_zero() {
    let app = site_with_rates().await;
    for path in ["/", "/steppe-news/", "/tag/water/"] {
        let html = app.get_text(path).await;
        assert!(!html.contains("-0%"), "{path} shows -0%");
        assert!(!html.contains("-0.00%"), "{path}");
        assert!(!html.contains("ticker__change--down"), "{path}: nothing fell at the precision shown");
    }
}

#[tokio::test]
async fn ticker_copies_after_the_first_are_hidden_from_screen_readers() {
    let app = site_with_rates().await;
    let html = app.get_text("/").await;
    let ticker = slice(&html, r#"<div class="ticker""#, "</div>\n</div>");
    assert_eq!(count(ticker, r#"<ul class="ticker__list""#), 4, "four copies scroll as one marquee");
    assert_eq!(count(ticker, r#"<ul class="ticker__list">"#), 1, "exactly one copy is read out");
    assert_eq!(count(ticker, r#"<ul class="ticker__list" aria-hidden="true">"#), 3);
    assert!(ticker.contains(r#"<div class="ticker__track">"#), "{ticker}");
    let first_list = ticker.find(r#"<ul class="ticker__list""#).expect("a list");
    assert_eq!(ticker.find(r#"<ul class="ticker__list">"#), Some(first_list), "the readable copy comes first");
    assert_eq!(count(ticker, r#"<li class="ticker__item">"#), 20, "five items in each copy");
}

#[tokio::test]
async fn ticker_is_a_labelled_region() {
    let app = site_with_rates().await;
    let html = app.get_text("/").await;
    let opening = between(&html, r#"<div class="ticker""#, ">").expect("ticker element");
    assert!(opening.contains(r#"role="region""#), "{opening}");
    let label = between(opening, r#"aria-label=""#, "\"").expect("an aria-label");
    assert_eq!(label, "Official exchange rates against the US dollar");
}

#[tokio::test]
async fn without_rates_there_is_no_ticker_and_pages_still_answer() {
    let app = spawn_app().await;
    app.import(&[ArticleSpec::new("steppe-news", "Steppe news").tag("Water")]).await;
    for path in ["/", "/steppe-news/", "/tag/water/"] {
        let html = app.get_text(path).await;
        assert!(!html.contains("ticker"), "{path} has ticker markup without rates");
        assert!(html.contains(DATE_LINE), "{path}");
    }
}

#[tokio::test]
async fn stylesheet_pauses_the_ticker_on_hover_and_focus_and_stops_it_for_reduced_motion() {
    let app = site_with_rates().await;
    let html = app.get_text("/").await;
    let href = between(&html, r#"<link rel="stylesheet" href=""#, "\"").expect("a stylesheet link");
    assert!(href.starts_with("/assets/site.") && href.ends_with(".css"), "{href}");
    let page = app.get_page(href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type").map(|t| t.starts_with("text/css")), Some(true));
    assert_eq!(page.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let css = page.text();

    let paused = css.find("animation-play-state: paused").expect("a rule pauses the animation");
    let selector_start = css[..paused].rfind('}').map_or(0, |i| i + 1);
    let selector = &css[selector_start..paused];
    assert!(selector.contains(":hover"), "pauses on hover: {selector}");
    assert!(selector.contains(":focus"), "pauses on focus: {selector}");

    let reduced = slice(&css, "@media (prefers-reduced-motion: reduce)", "\n}");
    assert!(reduced.contains(".ticker__track { animation: none"), "{reduced}");
    assert!(reduced.contains(r#".ticker__list[aria-hidden="true"] { display: none; }"#), "{reduced}");
}

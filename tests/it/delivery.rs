//! How pages leave the server: validators, conditional requests, compression, and the
//! page cache kept in step with content.

use std::io::Read;

use reqwest::StatusCode;

use crate::helpers::{ArticleSpec, Options, TestApp, card_titles, spawn_app_with};

async fn site(options: Options) -> TestApp {
    let app = spawn_app_with(options).await;
    let articles: Vec<ArticleSpec> = crate::helpers::numbered(8, "story", "Story")
        .into_iter()
        .map(|a| a.country("Kazakhstan").tag("Water").words(300))
        .collect();
    app.import(&articles).await;
    app
}

fn brotli_decode(bytes: &[u8]) -> String {
    let mut out = String::new();
    brotli::Decompressor::new(bytes, 4096).read_to_string(&mut out).expect("valid brotli");
    out
}

fn gzip_decode(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut out).expect("valid gzip");
    out
}

#[tokio::test]
async fn pages_carry_a_strong_etag_last_modified_and_cache_control() {
    let app = site(Options::default()).await;
    for path in ["/", "/story-01/", "/tag/water/", "/tag/water/page/2/"] {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let etag = page.header("etag").unwrap_or_else(|| panic!("{path} has no ETag"));
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2, "{path}: {etag}");
        assert_eq!(page.header("last-modified"), Some("Fri, 05 Dec 2025 05:00:00 GMT"), "{path}");
        assert_eq!(page.header("cache-control"), Some("public, max-age=60"), "{path}");
        assert_eq!(page.header("vary"), Some("accept-encoding"), "{path}");
        assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
        assert_eq!(page.header("content-encoding"), None, "{path}: identity unless asked");
    }
}

#[tokio::test]
async fn a_repeated_request_with_if_none_match_gets_304_with_an_empty_body() {
    let app = site(Options::default()).await;
    let first = app.get_page("/").await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    let again = app.get_with("/", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty(), "a 304 has no body");
    assert_eq!(again.header("etag"), Some(etag.as_str()));

    let among_others = app.get_with("/", &[("if-none-match", &format!(r#""other", {etag}"#))]).await;
    assert_eq!(among_others.status, StatusCode::NOT_MODIFIED);
    let other = app.get_with("/", &[("if-none-match", r#""not-this-one""#)]).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.bytes, first.bytes);
}

#[tokio::test]
async fn if_modified_since_the_last_rendering_gets_304() {
    let app = site(Options::default()).await;
    let first = app.get_page("/tag/water/").await;
    let last_modified = first.header("last-modified").expect("Last-Modified").to_owned();
    let again = app.get_with("/tag/water/", &[("if-modified-since", &last_modified)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    let earlier = app.get_with("/tag/water/", &[("if-modified-since", "Thu, 04 Dec 2025 05:00:00 GMT")]).await;
    assert_eq!(earlier.status, StatusCode::OK);
}

#[tokio::test]
async fn brotli_is_sent_when_accepted_and_decodes_to_the_same_page() {
    let app = site(Options::default()).await;
    let plain = app.get_page("/").await;
    let page = app.get_with("/", &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-encoding"), Some("br"));
    assert!(page.bytes.len() < plain.bytes.len(), "compressed is smaller");
    assert_eq!(brotli_decode(&page.bytes), plain.text());
    assert_eq!(page.header("etag"), plain.header("etag"));
}

#[tokio::test]
async fn gzip_is_sent_when_accepted_and_decodes_to_the_same_page() {
    let app = site(Options::default()).await;
    let plain = app.get_page("/story-01/").await;
    let page = app.get_with("/story-01/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip_decode(&page.bytes), plain.text());

    let identity = app.get_with("/story-01/", &[("accept-encoding", "identity")]).await;
    assert_eq!(identity.header("content-encoding"), None);
    assert_eq!(identity.bytes, plain.bytes);
}

#[tokio::test]
async fn a_coding_refused_with_q_0_is_never_sent() {
    let app = site(Options::default()).await;
    let plain = app.get_page("/story-01/").await;
    for (accepted, expected) in [
        ("br;q=0, gzip", Some("gzip")),
        ("br; q=0, gzip", Some("gzip")),
        ("br;q=0.0, gzip", Some("gzip")),
        ("gzip;q=0, br;q=0", None),
        ("gzip;q=0", None),
        ("br;q=0.5, gzip;q=1", Some("br")),
    ] {
        let page = app.get_with("/story-01/", &[("accept-encoding", accepted)]).await;
        assert_eq!(page.status, StatusCode::OK, "{accepted}");
        assert_eq!(page.header("content-encoding"), expected, "Accept-Encoding: {accepted}");
        if expected.is_none() {
            assert_eq!(page.bytes, plain.bytes, "{accepted}");
        }
    }
}

#[tokio::test]
async fn publishing_in_process_makes_cached_pages_show_the_new_article_at_once() {
    let app = site(Options::default()).await;
    let before = app.get_page("/").await;
    let etag = before.header("etag").expect("ETag").to_owned();
    app.import(&[ArticleSpec::new("breaking", "Breaking news").hours_ago(0).country("Kazakhstan")]).await;
    let after = app.get_with("/", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, StatusCode::OK, "the old copy is no longer current");
    assert_ne!(after.header("etag"), Some(etag.as_str()));
    assert!(after.text().contains(r#"<a href="/breaking/">Breaking news</a>"#));
}

#[tokio::test]
async fn with_the_cache_disabled_pages_still_answer_with_etags_and_304s() {
    let app = site(Options::default().toml("[cache]\nenabled = false\n")).await;
    assert!(!app.app.pages.enabled());
    for path in ["/", "/story-02/", "/tag/water/page/2/"] {
        let first = app.get_page(path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path}: ETag")).to_owned();
        assert!(first.header("last-modified").is_some(), "{path}");
        let second = app.get_page(path).await;
        assert_eq!(second.header("etag"), Some(etag.as_str()), "{path}: same page, same validator");
        let conditional = app.get_with(path, &[("if-none-match", &etag)]).await;
        assert_eq!(conditional.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(conditional.bytes.is_empty());
        let gz = app.get_with(path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert_eq!(gzip_decode(&gz.bytes), first.text());
    }
    assert_eq!(app.app.pages.bytes(), 0, "nothing was kept");
    let tag = app.get_text("/tag/water/").await;
    assert_eq!(card_titles(&tag).len(), 6);
}

#[tokio::test]
async fn with_the_cache_disabled_a_card_shows_an_edit_on_the_next_page() {
    let app = site(Options::default().toml("[cache]\nenabled = false\n")).await;
    let pages = ["/", "/tag/water/", "/story-02/"];
    for path in pages {
        assert!(app.get_text(path).await.contains(r#"<a href="/story-01/">Story 01</a>"#), "{path}: the card");
    }
    let edited = ArticleSpec::new("story-01", "Story 01, updated").hours_ago(1).country("Kazakhstan").tag("Water");
    app.import(&[edited.words(300)]).await;
    for path in pages {
        let page = app.get_text(path).await;
        assert!(page.contains(r#"<a href="/story-01/">Story 01, updated</a>"#), "{path}: the edited card");
        assert!(!page.contains(">Story 01</a>"), "{path}: no card as it was");
    }
}

#[tokio::test]
async fn the_cache_can_be_disabled_from_the_environment() {
    let app = site(Options::default().env("QALAM_CACHE_ENABLED", "false")).await;
    assert!(!app.app.pages.enabled());
    let page = app.get_page("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("etag").is_some());
}

#[tokio::test]
async fn error_pages_are_not_cached_as_pages() {
    let app = site(Options::default()).await;
    let missing = app.get_page("/later-story/").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("cache-control"), Some("no-cache"));
    assert_eq!(missing.header("etag"), None);
    app.import(&[ArticleSpec::new("later-story", "Later story")]).await;
    assert_eq!(app.get_page("/later-story/").await.status, StatusCode::OK);
}

//! Feeds, sitemaps and robots.txt: RSS and Atom for the site, every archive and every
//! language; stable ids; conditional GET; sitemaps split at the configured size; a news
//! sitemap of two days. Python's feedparser and the sitemaps.org schemas (via xmlschema)
//! check the documents independently when `scripts/test` has installed them.

use std::ffi::OsString;

use crate::helpers::{
    ArticleSpec, Options, TestApp, between, count, numbered, python_check, save_files, spawn_app, spawn_app_with,
};

/// A small newsroom: two countries, a section, a topic, two authors, one article in
/// Russian, one with relative addresses in its body, one scheduled for tomorrow.
async fn newsroom(app: &TestApp) {
    app.import(&[
        ArticleSpec::new("grain-deal", "Grain deal & \"quotes\" <signed>")
            .hours_ago(1)
            .country("Kazakhstan")
            .section("Economy")
            .tag("Water")
            .author("Aigerim Sadykova")
            .dek("A dek for the grain deal")
            .body(r##"<p>See <a href="/tag/water/">water</a> and <a href="#notes">notes</a>.</p><p><img src="/media/field.jpg" alt="A field"></p>"##),
        ArticleSpec::new("dam-repairs", "Dam repairs begin")
            .hours_ago(2)
            .country("Kyrgyzstan")
            .tag("Water")
            .author("Timur Rakhimov"),
        ArticleSpec::new("almaty-metro", "Метро Алматы продлят")
            .hours_ago(30)
            .country("Kazakhstan")
            .language("ru")
            .author("Aigerim Sadykova"),
        ArticleSpec::new("old-story", "An older story").hours_ago(24 * 10).country("Kyrgyzstan").section("Economy"),
        ArticleSpec::new("tomorrow", "Not yet public").published("2025-12-06T05:00:00Z").country("Kazakhstan"),
    ])
    .await;
}

/// Items' `<guid>` (RSS) or entries' `<id>` (Atom), in order.
fn item_ids(xml: &str) -> Vec<String> {
    let (start, end) =
        if xml.contains("<rss") { ("<guid isPermaLink=\"false\">", "</guid>") } else { ("<id>", "</id>") };
    let mut ids: Vec<String> = xml.split(start).skip(1).map(|s| s[..s.find(end).unwrap()].to_owned()).collect();
    if !xml.contains("<rss") {
        ids.remove(0); // the feed's own id
    }
    ids
}

/// Items' `<title>`s, in order (the channel's title first).
fn titles(xml: &str) -> Vec<String> {
    xml.split("<title>").skip(1).map(|s| s[..s.find("</title>").unwrap()].to_owned()).collect()
}

async fn feedparser(app: &TestApp, paths: &[&str], full: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        files.push((format!("feed-{i}.xml"), app.get_page(path).await.bytes));
    }
    let mut args = save_files(dir.path(), &files);
    if full {
        args.insert(0, OsString::from("--full"));
    }
    let Some(output) = python_check("check_feeds.py", args).await else { return };
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "feedparser found problems in {paths:?}:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn the_site_every_archive_and_every_language_have_rss_and_atom_feeds() {
    let app = spawn_app().await;
    newsroom(&app).await;
    let feeds = [
        ("/feed/", "application/rss+xml; charset=utf-8", 4),
        ("/atom.xml", "application/atom+xml; charset=utf-8", 4),
        ("/country/kazakhstan/feed/", "application/rss+xml; charset=utf-8", 2),
        ("/country/kazakhstan/atom.xml", "application/atom+xml; charset=utf-8", 2),
        ("/section/economy/feed/", "application/rss+xml; charset=utf-8", 2),
        ("/section/economy/atom.xml", "application/atom+xml; charset=utf-8", 2),
        ("/tag/water/feed/", "application/rss+xml; charset=utf-8", 2),
        ("/tag/water/atom.xml", "application/atom+xml; charset=utf-8", 2),
        ("/author/aigerim-sadykova/feed/", "application/rss+xml; charset=utf-8", 2),
        ("/author/aigerim-sadykova/atom.xml", "application/atom+xml; charset=utf-8", 2),
        ("/lang/ru/feed/", "application/rss+xml; charset=utf-8", 1),
        ("/lang/en/atom.xml", "application/atom+xml; charset=utf-8", 3),
    ];
    for (path, content_type, items) in feeds {
        let page = app.get_page(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.header("content-type"), Some(content_type), "{path}");
        let xml = page.text();
        assert_eq!(item_ids(&xml).len(), items, "{path}: {xml}");
        assert!(!xml.contains("Not yet public"), "{path} shows a scheduled article");
    }
    let rss = app.get_text("/feed/").await;
    assert_eq!(
        titles(&rss)[1..],
        [
            "Grain deal &amp; &quot;quotes&quot; &lt;signed&gt;",
            "Dam repairs begin",
            "Метро Алматы продлят",
            "An older story"
        ]
        .map(str::to_owned)
    );
    let base = &app.app.settings.site.base_url;
    assert!(rss.contains(&format!(r#"<atom:link href="{base}/feed/" rel="self" type="application/rss+xml"/>"#)));
    assert!(rss.contains("<dc:creator>Aigerim Sadykova</dc:creator>"));
    assert!(rss.contains(&format!(r#"<category domain="{base}/country/kazakhstan/">Kazakhstan</category>"#)));
    assert!(rss.contains("<pubDate>Fri, 05 Dec 2025 04:00:00 GMT</pubDate>"), "{rss}");
    assert!(rss.contains("<description>A dek for the grain deal</description>"));
    let lang = app.get_text("/lang/ru/feed/").await;
    assert!(lang.contains("<language>ru</language>"));
    feedparser(&app, &feeds.map(|(path, _, _)| path), true).await;
}

#[tokio::test]
async fn the_full_content_has_absolute_addresses() {
    let app = spawn_app().await;
    newsroom(&app).await;
    let base = app.app.settings.site.base_url.clone();
    for path in ["/feed/", "/atom.xml"] {
        let xml = app.get_text(path).await;
        let body = between(&xml, "See ", "A field").unwrap();
        assert!(body.contains(&format!("href=&quot;{base}/tag/water/&quot;")), "{path}: {body}");
        assert!(body.contains(&format!("href=&quot;{base}/grain-deal/#notes&quot;")), "{path}: {body}");
        assert!(body.contains(&format!("src=&quot;{base}/media/field.jpg&quot;")), "{path}: {body}");
    }
}

#[tokio::test]
async fn feeds_hold_the_configured_number_of_items_and_only_summaries_when_asked() {
    let app = spawn_app_with(Options::default().toml("[feeds]\nitems = 3\nfull_content = false\n")).await;
    app.import(&numbered(8, "story", "Story").into_iter().map(|a| a.tag("Water")).collect::<Vec<_>>()).await;
    for path in ["/feed/", "/atom.xml"] {
        let xml = app.get_text(path).await;
        assert_eq!(item_ids(&xml).len(), 3, "{path}");
        assert!(titles(&xml).contains(&"Story 01".to_owned()) && !titles(&xml).contains(&"Story 04".to_owned()));
        assert!(!xml.contains("content:encoded") && !xml.contains("<content"), "{path} carries whole bodies");
        assert_eq!(count(&xml, "river1 steppe2"), 3, "{path}: summaries are the first words");
    }
    feedparser(&app, &["/feed/", "/atom.xml"], false).await;
}

#[tokio::test]
async fn an_item_keeps_its_id_when_its_article_is_edited() {
    let app = spawn_app().await;
    app.import(&[ArticleSpec::new("budget", "Budget passes")]).await;
    let before = (item_ids(&app.get_text("/feed/").await), item_ids(&app.get_text("/atom.xml").await));
    app.import(&[ArticleSpec::new("budget", "Budget passes after a late-night vote").words(80)]).await;
    let rss = app.get_text("/feed/").await;
    assert!(rss.contains("Budget passes after a late-night vote"), "the edit shows");
    assert_eq!((item_ids(&rss), item_ids(&app.get_text("/atom.xml").await)), before);
    assert!(before.0[0].ends_with("/?p=1"), "{before:?}");
}

#[tokio::test]
async fn feeds_answer_conditional_requests_and_go_stale_on_publish() {
    let app = spawn_app().await;
    app.import(&[ArticleSpec::new("first", "First")]).await;
    for path in ["/feed/", "/atom.xml", "/sitemap.xml"] {
        let page = app.get_page(path).await;
        let etag = page.header("etag").unwrap().to_owned();
        let modified = page.header("last-modified").unwrap().to_owned();
        assert_eq!(app.get_with(path, &[("if-none-match", &etag)]).await.status, 304, "{path}");
        assert_eq!(app.get_with(path, &[("if-modified-since", &modified)]).await.status, 304, "{path}");
        let brotli = app.get_with(path, &[("accept-encoding", "br")]).await;
        assert_eq!(brotli.header("content-encoding"), Some("br"), "{path}");
    }
    let etag = app.get_page("/feed/").await.header("etag").unwrap().to_owned();
    app.import(&[ArticleSpec::new("second", "Second").hours_ago(0)]).await;
    let fresh = app.get_with("/feed/", &[("if-none-match", &etag)]).await;
    assert_eq!(fresh.status, 200);
    assert!(fresh.text().contains("<title>Second</title>"));
}

#[tokio::test]
async fn unknown_archives_and_languages_have_no_feed() {
    let app = spawn_app().await;
    newsroom(&app).await;
    for path in [
        "/country/atlantis/feed/",
        "/tag/nothing/atom.xml",
        "/author/nobody/feed/",
        "/lang/fr/feed/",
        "/lang/RU/feed/",
        "/lang/russian/atom.xml",
        "/sitemaps/articles-0.xml",
        "/sitemaps/articles-2.xml",
        "/sitemaps/other.xml",
    ] {
        assert_eq!(app.get_page(path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn robots_txt_keeps_crawlers_out_of_search_and_names_the_sitemaps() {
    let app = spawn_app().await;
    let page = app.get_page("/robots.txt").await;
    assert_eq!(page.header("content-type"), Some("text/plain; charset=utf-8"));
    let text = page.text();
    let base = &app.app.settings.site.base_url;
    assert!(text.starts_with("User-agent: *\n"));
    assert!(text.contains("Disallow: /search\n"));
    assert!(text.contains(&format!("Sitemap: {base}/sitemap.xml\n")));
    assert!(text.contains(&format!("Sitemap: {base}/news-sitemap.xml\n")));
}

/// Every `<loc>` of a sitemap or index.
fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>").skip(1).map(|s| s[..s.find("</loc>").unwrap()].to_owned()).collect()
}

#[tokio::test]
async fn the_sitemap_index_splits_articles_at_the_configured_size_and_names_every_archive() {
    let app = spawn_app_with(Options::default().toml("[feeds]\nsitemap_urls = 2\n")).await;
    newsroom(&app).await;
    let base = app.app.settings.site.base_url.clone();
    let index = app.get_page("/sitemap.xml").await;
    assert_eq!(index.header("content-type"), Some("application/xml; charset=utf-8"));
    let index = index.text();
    let files: Vec<String> = locs(&index).iter().map(|l| l.trim_start_matches(&base).to_owned()).collect();
    assert_eq!(
        files,
        [
            "/sitemaps/pages.xml",
            "/sitemaps/articles-1.xml",
            "/sitemaps/articles-2.xml",
            "/sitemaps/countries.xml",
            "/sitemaps/sections.xml",
            "/sitemaps/tags.xml",
            "/sitemaps/authors.xml",
            "/news-sitemap.xml",
        ]
    );
    assert_eq!(count(&index, "<lastmod>"), 8, "{index}");
    let mut articles = Vec::new();
    for file in ["/sitemaps/articles-1.xml", "/sitemaps/articles-2.xml"] {
        let xml = app.get_text(file).await;
        assert!(locs(&xml).len() <= 2);
        assert_eq!(count(&xml, "<lastmod>"), locs(&xml).len());
        articles.extend(locs(&xml));
    }
    articles.sort();
    let expected: Vec<String> =
        ["almaty-metro", "dam-repairs", "grain-deal", "old-story"].iter().map(|s| format!("{base}/{s}/")).collect();
    assert_eq!(articles, expected, "every public article once, the scheduled one left out");
    assert_eq!(
        locs(&app.get_text("/sitemaps/countries.xml").await),
        [format!("{base}/country/kazakhstan/"), format!("{base}/country/kyrgyzstan/")]
    );
    assert_eq!(locs(&app.get_text("/sitemaps/tags.xml").await), [format!("{base}/tag/water/")]);
    assert_eq!(locs(&app.get_text("/sitemaps/authors.xml").await).len(), 2);
    let mut all = vec!["/sitemap.xml".to_owned()];
    all.extend(files);
    validate_sitemaps(&app, &all).await;
}

#[tokio::test]
async fn the_news_sitemap_lists_the_articles_of_the_last_two_days() {
    let app = spawn_app().await;
    newsroom(&app).await;
    app.import(&[ArticleSpec::new("two-days-old", "Just over two days old").hours_ago(49)]).await;
    let xml = app.get_text("/news-sitemap.xml").await;
    let base = &app.app.settings.site.base_url;
    assert_eq!(
        locs(&xml),
        [format!("{base}/grain-deal/"), format!("{base}/dam-repairs/"), format!("{base}/almaty-metro/")]
    );
    assert!(xml.contains("<news:publication><news:name>Qalam</news:name><news:language>ru</news:language>"));
    assert!(xml.contains("<news:publication_date>2025-12-05T04:00:00Z</news:publication_date>"));
    assert!(xml.contains("<news:title>Grain deal &amp; &quot;quotes&quot; &lt;signed&gt;</news:title>"), "{xml}");
    validate_sitemaps(&app, &["/news-sitemap.xml".to_owned()]).await;
}

async fn validate_sitemaps(app: &TestApp, paths: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        files.push((format!("sitemap-{i}.xml"), app.get_page(path).await.bytes));
    }
    let Some(output) = python_check("check_sitemaps.py", save_files(dir.path(), &files)).await else { return };
    assert!(
        output.status.success(),
        "sitemaps invalid against the sitemaps.org schema ({paths:?}):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

//! What search engines and social networks read: every page's canonical address, title,
//! description, Open Graph and Twitter card tags; article pages' JSON-LD NewsArticle and
//! BreadcrumbList, parsed as JSON and checked for the properties Google asks for; and the
//! pages that carry them still valid HTML5 for the Nu HTML Checker.

use std::process::Command;

use serde_json::Value;

use crate::helpers::{ArticleSpec, Options, TestApp, between, decode_entities, spawn_app_with};

const SETTINGS: &str = r#"
[site]
name = "Steppe Post"
base_url = "https://news.example"
logo = "/media/logo.png"
twitter = "steppepost"
social = ["https://www.facebook.com/steppepost", "https://x.com/steppepost"]
"#;

async fn newsroom() -> TestApp {
    let app = spawn_app_with(Options::default().toml(SETTINGS)).await;
    let mut pictured = ArticleSpec::new("grain-deal", "Grain deal </script><script>alert(1)</script> & more")
        .country("Kazakhstan")
        .section("Economy")
        .tag("Water")
        .author("Aigerim Sadykova")
        .dek("A dek with <markup> & an ampersand")
        .to_json_line();
    pictured.insert_str(1, r#""featured_image":"/media/grain.jpg","#);
    app.import_text(&format!("{pictured}\n")).await;
    app.import(&[
        ArticleSpec::new("dam-repairs", "Dam repairs begin").hours_ago(2).country("Kyrgyzstan").tag("Water"),
        ArticleSpec::new("no-tags", "A story filed nowhere").hours_ago(3).language("ru"),
    ])
    .await;
    app
}

/// The `content` of `<meta {attribute}="{name}" content="…">`, entities decoded.
fn meta(html: &str, attribute: &str, name: &str) -> Option<String> {
    between(html, &format!(r#"<meta {attribute}="{name}" content=""#), "\"").map(decode_entities)
}

/// Every JSON-LD document of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    html.split(r#"<script type="application/ld+json">"#)
        .skip(1)
        .map(|s| serde_json::from_str(&s[..s.find("</script>").unwrap()]).expect("JSON-LD parses"))
        .collect()
}

#[tokio::test]
async fn article_pages_carry_a_news_article_and_breadcrumbs_in_json_ld() {
    let app = newsroom().await;
    let html = app.get_text("/grain-deal/").await;
    assert_eq!(html.matches("<script").count(), 2, "only the two JSON-LD scripts, nothing injected");
    let docs = json_ld(&html);
    let article = docs.iter().find(|d| d["@type"] == "NewsArticle").expect("a NewsArticle");
    assert_eq!(article["@context"], "https://schema.org");
    assert_eq!(article["headline"], "Grain deal </script><script>alert(1)</script> & more");
    assert_eq!(article["url"], "https://news.example/grain-deal/");
    assert_eq!(article["mainEntityOfPage"]["@id"], "https://news.example/grain-deal/");
    assert_eq!(article["datePublished"], "2025-12-05T09:00:00+05:00");
    assert!(article["dateModified"].as_str().is_some_and(|d| d >= "2025-12-05T09:00:00+05:00"));
    assert_eq!(article["description"], "A dek with <markup> & an ampersand");
    assert_eq!(article["image"][0], "https://news.example/media/grain.jpg");
    assert_eq!(article["articleSection"], "Economy");
    assert_eq!(article["inLanguage"], "en");
    let authors = article["author"].as_array().expect("authors");
    assert_eq!(authors.len(), 1);
    assert_eq!(authors[0]["@type"], "Person");
    assert_eq!(authors[0]["name"], "Aigerim Sadykova");
    assert_eq!(authors[0]["url"], "https://news.example/author/aigerim-sadykova/");
    let publisher = &article["publisher"];
    assert_eq!(publisher["@type"], "Organization");
    assert_eq!(publisher["name"], "Steppe Post");
    assert_eq!(publisher["logo"]["@type"], "ImageObject");
    assert_eq!(publisher["logo"]["url"], "https://news.example/media/logo.png");
    assert_eq!(publisher["sameAs"][1], "https://x.com/steppepost");
    let crumbs = docs.iter().find(|d| d["@type"] == "BreadcrumbList").expect("a BreadcrumbList");
    let items = crumbs["itemListElement"].as_array().expect("items");
    let trail: Vec<(u64, &str, &str)> = items
        .iter()
        .map(|i| (i["position"].as_u64().unwrap(), i["name"].as_str().unwrap(), i["item"].as_str().unwrap()))
        .collect();
    assert_eq!(
        trail,
        [
            (1, "Steppe Post", "https://news.example/"),
            (2, "Economy", "https://news.example/section/economy/"),
            (3, "Grain deal </script><script>alert(1)</script> & more", "https://news.example/grain-deal/"),
        ]
    );
    let bare = json_ld(&app.get_text("/no-tags/").await);
    assert_eq!(bare[0]["inLanguage"], "ru");
    assert!(bare[0].get("image").is_none() && bare[0]["articleSection"].is_null());
    assert_eq!(bare[1]["itemListElement"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn article_pages_carry_open_graph_and_twitter_card_tags() {
    let app = newsroom().await;
    let html = app.get_text("/grain-deal/").await;
    assert_eq!(meta(&html, "property", "og:type").as_deref(), Some("article"));
    assert_eq!(meta(&html, "property", "og:url").as_deref(), Some("https://news.example/grain-deal/"));
    assert_eq!(meta(&html, "property", "og:site_name").as_deref(), Some("Steppe Post"));
    assert_eq!(meta(&html, "property", "og:image").as_deref(), Some("https://news.example/media/grain.jpg"));
    assert_eq!(meta(&html, "property", "og:description").as_deref(), Some("A dek with <markup> & an ampersand"));
    assert_eq!(meta(&html, "property", "article:published_time").as_deref(), Some("2025-12-05T09:00:00+05:00"));
    assert_eq!(meta(&html, "property", "article:section").as_deref(), Some("Economy"));
    assert_eq!(html.matches(r#"<meta property="article:tag""#).count(), 3);
    assert_eq!(html.matches(r#"<meta property="article:author""#).count(), 1);
    assert_eq!(meta(&html, "name", "twitter:card").as_deref(), Some("summary_large_image"));
    assert_eq!(meta(&html, "name", "twitter:site").as_deref(), Some("@steppepost"));
    assert_eq!(meta(&html, "name", "twitter:image").as_deref(), Some("https://news.example/media/grain.jpg"));
    let plain = app.get_text("/dam-repairs/").await;
    assert_eq!(meta(&plain, "name", "twitter:card").as_deref(), Some("summary"));
    assert_eq!(meta(&plain, "property", "og:image").as_deref(), Some("https://news.example/media/logo.png"));
}

const PAGES: [&str; 10] = [
    "/",
    "/grain-deal/",
    "/country/kazakhstan/",
    "/section/economy/",
    "/tag/water/",
    "/author/aigerim-sadykova/",
    "/2025/12/",
    "/rates/",
    "/search?q=grain",
    "/no-such-page/",
];

#[tokio::test]
async fn every_page_has_a_canonical_address_title_description_and_social_tags() {
    let app = newsroom().await;
    for path in PAGES {
        let html = app.get_page(path).await.text();
        let canonical = between(&html, r#"<link rel="canonical" href=""#, "\"").unwrap_or_default();
        assert!(canonical.starts_with("https://news.example/"), "{path}: canonical {canonical:?}");
        let title = between(&html, "<title>", "</title>").unwrap_or_default();
        assert!(title.contains("Steppe Post") && title.len() > "Steppe Post".len(), "{path}: title {title:?}");
        for (attribute, name) in [
            ("name", "description"),
            ("property", "og:title"),
            ("property", "og:description"),
            ("property", "og:url"),
            ("property", "og:image"),
            ("property", "og:type"),
            ("name", "twitter:card"),
            ("name", "twitter:title"),
        ] {
            assert!(meta(&html, attribute, name).is_some_and(|v| !v.is_empty()), "{path}: no {name}");
        }
        assert!(
            html.contains(r#"<link rel="alternate" type="application/rss+xml" title="Steppe Post" href="/feed/">"#)
        );
    }
    let archive = app.get_text("/tag/water/").await;
    assert!(archive.contains(r#"type="application/rss+xml" title="Water — Steppe Post" href="/tag/water/feed/">"#));
}

#[tokio::test]
async fn pages_with_social_tags_and_json_ld_are_valid_html5() {
    let Ok(jar) = std::env::var("QALAM_VNU_JAR") else {
        eprintln!("skipped: QALAM_VNU_JAR is not set (scripts/test installs the Nu HTML Checker)");
        return;
    };
    let app = newsroom().await;
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, path) in PAGES.iter().enumerate() {
        let file = dir.path().join(format!("page-{i}.html"));
        std::fs::write(&file, app.get_page(path).await.bytes).unwrap();
        files.push(file);
    }
    let output = tokio::task::spawn_blocking(move || {
        Command::new("java").arg("-jar").arg(&jar).arg("--errors-only").args(&files).output().unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && report.trim().is_empty(), "invalid HTML:\n{report}\npages: {PAGES:?}");
}

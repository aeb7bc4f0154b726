//! The article page: headline, dek, byline, date, tags, body and related stories.

use reqwest::StatusCode;

use crate::helpers::{
    ArticleSpec, TestApp, anchors, assert_themed_error, card_titled, card_titles, english_words, slice, spawn_app,
};

const BODY: &str = "<h2>Fields</h2><p>The harvest in the north was the best in a decade.</p>";

/// A grain story, two related ones (sharing three tags and one tag), one unrelated and
/// one that shares every tag but is not due until after now.
async fn grain_site() -> TestApp {
    let app = spawn_app().await;
    let grain = |slug: &str, title: &str| {
        ArticleSpec::new(slug, title).country("Kazakhstan").section("Economy").tag("Agriculture")
    };
    let articles = vec![
        grain("grain-harvest", "Grain harvest breaks a record")
            .hours_ago(1)
            .author("Aigerim Sadykova")
            .dek("Farmers in the north brought in 26 million tonnes.")
            .tag("Weather")
            .body(BODY),
        grain("grain-exports", "Grain exports to China rise").hours_ago(30).words(700),
        ArticleSpec::new("wheat-prices", "Wheat prices in Uzbekistan").hours_ago(5).tag("Agriculture"),
        ArticleSpec::new("tajik-dam", "Rogun dam fills").hours_ago(2).country("Tajikistan").section("Energy"),
        grain("future-grain", "Grain story not yet due").published("2025-12-05T07:00:00Z"),
    ];
    let report = app.import(&articles).await;
    assert_eq!((report.created, report.rejected.len()), (5, 0));
    app
}

#[tokio::test]
async fn article_page_shows_headline_dek_byline_date_tags_and_body() {
    let app = grain_site().await;
    let html = app.get_text("/grain-harvest/").await;
    assert!(html.contains("<title>Grain harvest breaks a record — Qalam</title>"), "{html}");
    assert!(html.contains(r#"<h1 class="article__title">Grain harvest breaks a record</h1>"#), "{html}");
    assert!(html.contains(r#"<p class="article__dek">Farmers in the north brought in 26 million tonnes.</p>"#));
    let byline = slice(&html, r#"<p class="byline">"#, "</p>");
    assert_eq!(
        byline,
        concat!(
            r#"<p class="byline">By <a href="/author/aigerim-sadykova/" rel="author">Aigerim Sadykova</a> · "#,
            r#"<time datetime="2025-12-05T04:00:00Z">5 December 2025</time></p>"#
        )
    );
    let body = slice(&html, r#"<div class="article__body">"#, "</div>");
    assert!(body.contains(BODY), "{body}");
    let tags = slice(&html, r#"<ul class="article__tags""#, "</ul>");
    let expected: Vec<(String, String)> = [
        ("/country/kazakhstan/", "Kazakhstan"),
        ("/section/economy/", "Economy"),
        ("/tag/agriculture/", "Agriculture"),
        ("/tag/weather/", "Weather"),
    ]
    .iter()
    .map(|(href, name)| (format!(r#"href="{href}""#), (*name).to_owned()))
    .collect();
    assert_eq!(anchors(tags), expected);
    assert!(html.contains(r#"<link rel="canonical" href="http://127.0.0.1:8080/grain-harvest/">"#), "{html}");
}

#[tokio::test]
async fn byline_and_tag_links_lead_to_archives_listing_the_article() {
    let app = grain_site().await;
    for archive in ["/author/aigerim-sadykova/", "/country/kazakhstan/", "/section/economy/", "/tag/weather/"] {
        let html = app.get_text(archive).await;
        assert!(card_titles(&html).contains(&"Grain harvest breaks a record".to_owned()), "{archive}");
    }
}

#[tokio::test]
async fn related_stories_share_tags_most_shared_first_and_exclude_unrelated_and_unpublished() {
    let app = grain_site().await;
    let html = app.get_text("/grain-harvest/").await;
    let related = slice(&html, r#"<aside class="related""#, "</aside>");
    assert_eq!(card_titles(related), ["Grain exports to China rise", "Wheat prices in Uzbekistan"]);
}

#[tokio::test]
async fn related_stories_and_front_page_cards_carry_a_forty_word_teaser_not_the_long_excerpt() {
    let app = grain_site().await;
    let teaser = format!("{}...", english_words(40).join(" "));
    let article = app.get_text("/grain-harvest/").await;
    let related = slice(&article, r#"<aside class="related""#, "</aside>");
    assert_eq!(card_titled(related, "Grain exports to China rise").excerpt, teaser);
    let home = app.get_text("/").await;
    assert_eq!(card_titled(&home, "Grain exports to China rise").excerpt, teaser);
    let archive = app.get_text("/tag/agriculture/").await;
    let long = card_titled(&archive, "Grain exports to China rise").excerpt;
    assert_eq!(long, format!("{}...", english_words(500).join(" ")));
}

#[tokio::test]
async fn an_article_due_after_now_is_not_found_until_its_time() {
    let app = grain_site().await;
    let page = app.get_page("/future-grain/").await;
    assert_themed_error(&page, 404, "Page not found", "a scheduled article");
    let home = app.get_text("/").await;
    assert!(!home.contains("Grain story not yet due"));
}

#[tokio::test]
async fn an_unknown_slug_is_a_themed_404() {
    let app = grain_site().await;
    let page = app.get_page("/no-such-story/").await;
    assert_themed_error(&page, 404, "Page not found", "/no-such-story/");
    for archive in ["/tag/no-such-topic/", "/country/atlantis/", "/section/nothing/", "/author/nobody/"] {
        let page = app.get_page(archive).await;
        assert_themed_error(&page, 404, "Page not found", archive);
    }
}

#[tokio::test]
async fn an_address_without_its_trailing_slash_redirects_to_the_one_with_it() {
    let app = grain_site().await;
    let page = app.get_page("/grain-harvest").await;
    assert_eq!(page.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(page.header("location"), Some("/grain-harvest/"));
}

#[tokio::test]
async fn hostile_headlines_are_escaped_and_hostile_bodies_sanitised() {
    let app = spawn_app().await;
    let article = ArticleSpec::new("hostile", r#"<script>alert(1)</script> & "quotes""#)
        .dek("<img src=x onerror=alert(2)>")
        .body(r#"<p onclick="alert(3)">Text<script>alert(4)</script><a href="javascript:alert(5)">link</a></p>"#);
    app.import(&[article]).await;
    let html = app.get_text("/hostile/").await;
    assert!(
        html.contains(
            r#"<h1 class="article__title">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</h1>"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<p class="article__dek">&lt;img src=x onerror=alert(2)&gt;</p>"#), "{html}");
    for hostile in ["<script>", "onclick", "javascript:", "alert(4)", "<img src=x"] {
        assert!(!html.contains(hostile), "{hostile:?} in {html}");
    }
    // The only scripts on the page are structured data, and a headline cannot end them.
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script") {
        let tail = &rest[start..];
        let opening_end = tail.find('>').expect("script tag closes");
        assert_eq!(&tail[..=opening_end], r#"<script type="application/ld+json">"#, "only JSON-LD scripts");
        let close = tail.find("</script>").expect("script closes");
        let data = &tail[opening_end + 1..close];
        assert!(!data.contains('<'), "an unescaped < inside JSON-LD: {data}");
        rest = &tail[close + "</script>".len()..];
    }
}

#[tokio::test]
async fn article_page_never_shows_a_wordpress_caption_shortcode() {
    let app = spawn_app().await;
    let body = r#"<p>[caption id="x" width="300"]Cap[/caption] The dam holds.</p>"#;
    app.import(&[ArticleSpec::new("caption", "Caption story").body(body)]).await;
    let html = app.get_text("/caption/").await;
    assert!(html.contains("The dam holds."), "{html}");
    assert!(!html.contains("[caption"), "the article page shows the raw shortcode: {html}");
    assert!(!html.contains("[/caption]"), "{html}");
}

#[tokio::test]
async fn a_cyrillic_headline_without_a_slug_is_served_at_its_transliterated_address() {
    let app = spawn_app().await;
    let line = serde_json::json!({
        "title": "Қазақстан астығы", "published_at": "2025-12-05T03:00:00Z", "body_html": "<p>Астық</p>",
        "language": "kk",
    });
    let report = app.import_text(&line.to_string()).await;
    assert_eq!(report.created, 1);
    let html = app.get_text("/qazaqstan-astyghy/").await;
    assert!(html.contains(r#"<article class="article" lang="kk">"#), "{html}");
    assert!(html.contains(r#"<h1 class="article__title">Қазақстан астығы</h1>"#), "{html}");
}

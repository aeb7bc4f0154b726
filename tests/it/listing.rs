//! Listings: the results line, paging, order, redirects of page one, the cards and their
//! excerpts, and the home page's blocks.

use reqwest::StatusCode;

use crate::helpers::{
    ArticleSpec, Options, TestApp, assert_themed_error, card_titled, card_titles, cards, count, english_words,
    expected_excerpt, kazakh_words, numbered, pager_links, paragraphs, russian_words, slice, spawn_app, spawn_app_with,
};

/// 33 articles about water in Kazakhstan's economy section by one author, one hour apart
/// (`Water story 01` the newest), and one older November story elsewhere.
fn water_archive() -> Vec<ArticleSpec> {
    let mut list: Vec<ArticleSpec> = numbered(33, "water", "Water story")
        .into_iter()
        .map(|a| a.author("Aigerim Sadykova").country("Kazakhstan").section("Economy").tag("Water"))
        .collect();
    list.push(
        ArticleSpec::new("november-power-cut", "November power cut")
            .published("2025-11-20T06:00:00Z")
            .author("Bakyt Osmonov")
            .country("Kyrgyzstan")
            .section("Energy")
            .tag("Power"),
    );
    list
}

async fn water_site() -> TestApp {
    let app = spawn_app().await;
    let report = app.import(&water_archive()).await;
    assert_eq!((report.created, report.rejected.len()), (34, 0));
    app
}

fn titles(numbers: std::ops::RangeInclusive<usize>) -> Vec<String> {
    numbers.map(|n| format!("Water story {n:02}")).collect()
}

fn results_line(html: &str) -> &str {
    slice(html, r#"<p class="results-line">"#, "</p>")
}

#[tokio::test]
async fn tag_archive_page_one_says_viewing_results_1_to_6_of_33_newest_first() {
    let app = water_site().await;
    let html = app.get_text("/tag/water/").await;
    assert_eq!(results_line(&html), r#"<p class="results-line">Viewing results 1 - 6 of 33</p>"#);
    assert_eq!(card_titles(&html), titles(1..=6));
    let urls: Vec<String> = cards(&html).into_iter().map(|c| c.url).collect();
    assert_eq!(urls, (1..=6).map(|n| format!("/water-{n:02}/")).collect::<Vec<_>>());
    assert!(html.contains(r#"<link rel="next" href="/tag/water/page/2/">"#), "{html}");
    assert!(!html.contains(r#"<link rel="prev""#));
}

#[tokio::test]
async fn tag_archive_page_two_says_viewing_results_7_to_12_of_33() {
    let app = water_site().await;
    let html = app.get_text("/tag/water/page/2/").await;
    assert_eq!(results_line(&html), r#"<p class="results-line">Viewing results 7 - 12 of 33</p>"#);
    assert_eq!(card_titles(&html), titles(7..=12));
    assert!(html.contains(r#"<link rel="prev" href="/tag/water/">"#), "{html}");
    assert!(html.contains(r#"<link rel="next" href="/tag/water/page/3/">"#), "{html}");
}

#[tokio::test]
async fn tag_archive_page_six_says_viewing_results_31_to_33_of_33_and_has_no_next() {
    let app = water_site().await;
    let html = app.get_text("/tag/water/page/6/").await;
    assert_eq!(results_line(&html), r#"<p class="results-line">Viewing results 31 - 33 of 33</p>"#);
    assert_eq!(card_titles(&html), titles(31..=33));
    assert!(html.contains(r#"<link rel="prev" href="/tag/water/page/5/">"#), "{html}");
    assert!(!html.contains(r#"rel="next""#), "the last page links no next page");
}

#[tokio::test]
async fn tag_archive_page_seven_of_six_is_a_themed_404() {
    let app = water_site().await;
    let page = app.get_page("/tag/water/page/7/").await;
    assert_themed_error(&page, 404, "Page not found", "/tag/water/page/7/");
}

#[tokio::test]
async fn pager_numbers_pages_marks_the_current_one_and_links_prev_and_next() {
    let app = water_site().await;
    let link = |attrs: &str, text: &str| (attrs.to_owned(), text.to_owned());

    let first = app.get_text("/tag/water/").await;
    assert_eq!(
        pager_links(&first),
        vec![
            link(r#"href="/tag/water/" aria-current="page""#, "1"),
            link(r#"href="/tag/water/page/2/""#, "2"),
            link(r#"href="/tag/water/page/3/""#, "3"),
            link(r#"href="/tag/water/page/6/""#, "6"),
            link(r#"href="/tag/water/page/2/" rel="next""#, "Next"),
        ]
    );
    assert_eq!(count(&first, "pager__gap"), 1, "one gap between 3 and 6");

    let second = app.get_text("/tag/water/page/2/").await;
    assert_eq!(
        pager_links(&second),
        vec![
            link(r#"href="/tag/water/" rel="prev""#, "Previous"),
            link(r#"href="/tag/water/""#, "1"),
            link(r#"href="/tag/water/page/2/" aria-current="page""#, "2"),
            link(r#"href="/tag/water/page/3/""#, "3"),
            link(r#"href="/tag/water/page/4/""#, "4"),
            link(r#"href="/tag/water/page/6/""#, "6"),
            link(r#"href="/tag/water/page/3/" rel="next""#, "Next"),
        ]
    );
    assert_eq!(count(&second, r#"aria-current="page""#), 1);

    let last = app.get_text("/tag/water/page/6/").await;
    assert_eq!(
        pager_links(&last),
        vec![
            link(r#"href="/tag/water/page/5/" rel="prev""#, "Previous"),
            link(r#"href="/tag/water/""#, "1"),
            link(r#"href="/tag/water/page/4/""#, "4"),
            link(r#"href="/tag/water/page/5/""#, "5"),
            link(r#"href="/tag/water/page/6/" aria-current="page""#, "6"),
        ]
    );
}

#[tokio::test]
async fn country_section_and_author_archives_page_the_same_33_articles() {
    let app = water_site().await;
    for base in ["/country/kazakhstan/", "/section/economy/", "/author/aigerim-sadykova/"] {
        let first = app.get_text(base).await;
        assert_eq!(results_line(&first), r#"<p class="results-line">Viewing results 1 - 6 of 33</p>"#, "{base}");
        assert_eq!(card_titles(&first), titles(1..=6), "{base}");
        let second = app.get_text(&format!("{base}page/2/")).await;
        assert_eq!(results_line(&second), r#"<p class="results-line">Viewing results 7 - 12 of 33</p>"#, "{base}");
        assert_eq!(card_titles(&second), titles(7..=12), "{base}");
        assert!(second.contains(&format!(r#"<link rel="prev" href="{base}">"#)), "{base}");
        let last = app.get_text(&format!("{base}page/6/")).await;
        assert_eq!(results_line(&last), r#"<p class="results-line">Viewing results 31 - 33 of 33</p>"#, "{base}");
        assert_eq!(app.get_page(&format!("{base}page/7/")).await.status, StatusCode::NOT_FOUND, "{base}");
    }
}

#[tokio::test]
async fn month_archive_lists_only_that_months_articles() {
    let app = water_site().await;
    let december = app.get_text("/2025/12/").await;
    assert_eq!(results_line(&december), r#"<p class="results-line">Viewing results 1 - 6 of 33</p>"#);
    assert_eq!(card_titles(&december), titles(1..=6));
    let december_two = app.get_text("/2025/12/page/2/").await;
    assert_eq!(card_titles(&december_two), titles(7..=12));
    let november = app.get_text("/2025/11/").await;
    assert_eq!(results_line(&november), r#"<p class="results-line">Viewing results 1 - 1 of 1</p>"#);
    assert_eq!(card_titles(&november), ["November power cut"]);
}

#[tokio::test]
async fn latest_listing_page_two_continues_with_results_7_to_12_of_all_34() {
    let app = water_site().await;
    let html = app.get_text("/page/2/").await;
    assert_eq!(results_line(&html), r#"<p class="results-line">Viewing results 7 - 12 of 34</p>"#);
    assert_eq!(card_titles(&html), titles(7..=12));
    assert!(html.contains(r#"<link rel="prev" href="/">"#), "{html}");
    let last = app.get_text("/page/6/").await;
    assert_eq!(results_line(&last), r#"<p class="results-line">Viewing results 31 - 34 of 34</p>"#);
    assert_eq!(card_titles(&last).last().map(String::as_str), Some("November power cut"));
}

#[tokio::test]
async fn page_one_addresses_redirect_permanently_to_the_listing_itself() {
    let app = water_site().await;
    let cases = [
        ("/tag/water/page/1/", "/tag/water/"),
        ("/country/kazakhstan/page/1/", "/country/kazakhstan/"),
        ("/section/economy/page/1/", "/section/economy/"),
        ("/author/aigerim-sadykova/page/1/", "/author/aigerim-sadykova/"),
        ("/page/1/", "/"),
        ("/2025/12/page/1/", "/2025/12/"),
    ];
    for (from, to) in cases {
        let page = app.get_page(from).await;
        assert!(page.status.is_redirection(), "{from} answered {}", page.status);
        assert_eq!(page.status, StatusCode::PERMANENT_REDIRECT, "{from}");
        assert_eq!(page.header("location"), Some(to), "{from}");
    }
}

#[tokio::test]
async fn per_page_setting_changes_the_results_line() {
    let app = spawn_app_with(Options::default().toml("[site]\nper_page = 10\n")).await;
    app.import(&water_archive()).await;
    let first = app.get_text("/tag/water/").await;
    assert_eq!(results_line(&first), r#"<p class="results-line">Viewing results 1 - 10 of 33</p>"#);
    assert_eq!(cards(&first).len(), 10);
    let last = app.get_text("/tag/water/page/4/").await;
    assert_eq!(results_line(&last), r#"<p class="results-line">Viewing results 31 - 33 of 33</p>"#);
    assert_eq!(app.get_page("/tag/water/page/5/").await.status, StatusCode::NOT_FOUND);

    let from_env = spawn_app_with(Options::default().env("QALAM_SITE_PER_PAGE", "4")).await;
    from_env.import(&water_archive()).await;
    let html = from_env.get_text("/tag/water/page/2/").await;
    assert_eq!(results_line(&html), r#"<p class="results-line">Viewing results 5 - 8 of 33</p>"#);
}

// ---------------------------------------------------------------------------------------
// Excerpts

/// Serves `articles` filed under the topic `Excerpts` and returns the topic archive.
async fn excerpt_archive(articles: Vec<ArticleSpec>) -> (TestApp, String) {
    let app = spawn_app().await;
    let tagged: Vec<ArticleSpec> = articles.into_iter().map(|a| a.tag("Excerpts")).collect();
    let report = app.import(&tagged).await;
    assert_eq!(report.rejected, vec![], "fixtures import cleanly");
    let html = app.get_text("/tag/excerpts/").await;
    (app, html)
}

#[tokio::test]
async fn a_700_word_article_card_shows_exactly_500_words_then_an_ellipsis() {
    let words = english_words(700);
    let (_app, html) = excerpt_archive(vec![ArticleSpec::new("long", "Long read").body(&paragraphs(&words))]).await;
    let excerpt = card_titled(&html, "Long read").excerpt;
    assert_eq!(excerpt, expected_excerpt(&words, 500));
    assert!(excerpt.ends_with("energy500..."), "{excerpt}");
    let body = excerpt.strip_suffix("...").expect("cut text ends with ...");
    assert_eq!(body.split_whitespace().count(), 500);
}

#[tokio::test]
async fn a_120_word_article_card_shows_all_120_words_without_an_ellipsis() {
    let words = english_words(120);
    let (_app, html) = excerpt_archive(vec![ArticleSpec::new("short", "Short read").body(&paragraphs(&words))]).await;
    let excerpt = card_titled(&html, "Short read").excerpt;
    assert_eq!(excerpt, words.join(" "));
    assert_eq!(excerpt.split_whitespace().count(), 120);
    assert!(!excerpt.contains("..."));
}

#[tokio::test]
async fn an_article_of_exactly_500_words_is_shown_whole_without_an_ellipsis() {
    let words = english_words(500);
    let (_app, html) = excerpt_archive(vec![ArticleSpec::new("exact", "Exact read").body(&paragraphs(&words))]).await;
    assert_eq!(card_titled(&html, "Exact read").excerpt, words.join(" "));
}

#[tokio::test]
async fn a_600_word_russian_article_is_cut_at_exactly_500_words() {
    let words = russian_words(600);
    let article = ArticleSpec::new("russian", "Новости дня").language("ru").body(&paragraphs(&words));
    let (_app, html) = excerpt_archive(vec![article]).await;
    let card = card_titled(&html, "Новости дня");
    assert_eq!(card.excerpt, expected_excerpt(&words, 500));
    assert_eq!(card.excerpt.strip_suffix("...").expect("cut").split_whitespace().count(), 500);
    assert!(card.html.starts_with(r#"<article class="card" lang="ru">"#), "{}", card.html);
}

#[tokio::test]
async fn kazakh_letters_survive_the_excerpt_intact() {
    let words = kazakh_words(520);
    let article = ArticleSpec::new("kazakh", "Қазақстан жаңалықтары").language("kk").body(&paragraphs(&words));
    let (_app, html) = excerpt_archive(vec![article]).await;
    let excerpt = card_titled(&html, "Қазақстан жаңалықтары").excerpt;
    assert_eq!(excerpt, expected_excerpt(&words, 500));
    for letter in ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і', 'Ә', 'Ғ', 'Қ', 'Ө', 'Ұ', 'Ү', 'Һ', 'І']
    {
        assert!(excerpt.contains(letter), "{letter} lost from the excerpt");
    }
    assert!(!excerpt.contains('\u{fffd}'), "no replacement characters");
}

#[tokio::test]
async fn a_sub_heading_runs_into_the_text_after_it() {
    let article = ArticleSpec::new("heading", "Heading story").body("<h2>Heading</h2><p>Text</p>");
    let (_app, html) = excerpt_archive(vec![article]).await;
    assert_eq!(card_titled(&html, "Heading story").excerpt, "Heading Text");
}

#[tokio::test]
async fn wordpress_caption_shortcodes_never_reach_the_listing() {
    let body = r#"<p>[caption id="x" width="300"]Cap[/caption] The dam holds.</p>"#;
    let (_app, html) = excerpt_archive(vec![ArticleSpec::new("caption", "Caption story").body(body)]).await;
    assert_eq!(card_titled(&html, "Caption story").excerpt, "Cap The dam holds.");
    assert!(!html.contains("[caption"), "{html}");
    assert!(!html.contains("[/caption]"), "{html}");
}

#[tokio::test]
async fn markup_and_script_in_a_body_never_appear_in_an_excerpt() {
    let body = concat!(
        r#"<p onclick="steal()">Before <b>bold</b> &amp; <a href="/x">linked</a></p>"#,
        r#"<script>alert("pwned")</script><style>p { color: red }</style>"#,
        r#"<p>After<img src="x.png" onerror="alert(2)"> end &lt;b&gt;</p>"#,
    );
    let (_app, html) = excerpt_archive(vec![ArticleSpec::new("markup", "Markup story").body(body)]).await;
    let card = card_titled(&html, "Markup story");
    assert_eq!(card.excerpt, "Before bold & linked After end <b>");
    let raw_excerpt = slice(&card.html, r#"<p class="card__excerpt">"#, "</p>");
    assert_eq!(raw_excerpt, r#"<p class="card__excerpt">Before bold &amp; linked After end &lt;b&gt;</p>"#);
    for hostile in ["alert", "pwned", "color: red", "onclick", "onerror", "<script", "<b>"] {
        assert!(!card.html.contains(hostile), "{hostile:?} leaked into {}", card.html);
    }
}

#[tokio::test]
async fn a_hand_written_excerpt_is_shown_instead_of_the_cut_text() {
    let app = spawn_app().await;
    let line = serde_json::json!({
        "title": "Own words", "slug": "own-words", "published_at": crate::helpers::hours_before_now(1),
        "body_html": paragraphs(&english_words(700)), "excerpt": "<em>Short</em> and sweet.", "tags": ["Excerpts"],
    });
    let report = app.import_text(&line.to_string()).await;
    assert_eq!(report.created, 1);
    let html = app.get_text("/tag/excerpts/").await;
    assert_eq!(card_titled(&html, "Own words").excerpt, "Short and sweet.");
}

// ---------------------------------------------------------------------------------------
// Home

#[tokio::test]
async fn home_shows_the_newest_as_lead_then_six_latest_then_one_block_per_country() {
    let app = spawn_app().await;
    let countries = ["Kazakhstan", "Kyrgyzstan", "Uzbekistan"];
    let list: Vec<ArticleSpec> = numbered(12, "home", "Home story")
        .into_iter()
        .enumerate()
        .map(|(i, a)| a.country(countries[i % 3]).dek(&format!("Dek of story {:02}", i + 1)))
        .collect();
    app.import(&list).await;
    let html = app.get_text("/").await;

    let lead = slice(&html, r#"<section class="lead""#, "</section>");
    assert!(lead.contains(r#"<h2 class="lead__title"><a href="/home-01/">Home story 01</a></h2>"#), "{lead}");
    assert!(lead.contains(r#"<p class="lead__dek">Dek of story 01</p>"#), "{lead}");
    assert!(lead.contains(r#"<a href="/country/kazakhstan/">Kazakhstan</a>"#), "{lead}");

    let latest = slice(&html, r#"<section class="latest""#, "</section>");
    let expected: Vec<String> = (2..=7).map(|n| format!("Home story {n:02}")).collect();
    assert_eq!(card_titles(latest), expected);
    assert!(latest.contains(r#"<a href="/page/2/">More stories</a>"#));

    assert_eq!(count(&html, r#"<section class="country-block""#), 3);
    for (offset, country) in countries.iter().enumerate() {
        let slug = country.to_lowercase();
        let start = format!(r#"<a href="/country/{slug}/">{country}</a></h2>"#);
        let block = slice(&html, &start, "</section>");
        let expected: Vec<String> = (0..3).map(|k| format!("Home story {:02}", offset + 1 + 3 * k)).collect();
        assert_eq!(card_titles(block), expected, "{country} block");
    }
}

#[tokio::test]
async fn an_empty_site_home_says_nothing_has_been_published() {
    let app = spawn_app().await;
    let html = app.get_text("/").await;
    assert!(html.contains(r#"<p class="empty">Nothing has been published yet.</p>"#), "{html}");
    assert!(cards(&html).is_empty());
    assert_eq!(app.get_page("/page/2/").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_article_dated_after_now_is_left_out_of_the_count_until_its_time() {
    let tomorrow = ArticleSpec::new("water-tomorrow", "Water tomorrow")
        .published("2025-12-06T05:00:00Z")
        .country("Kazakhstan")
        .tag("Water");
    let mut archive = water_archive();
    archive.push(tomorrow);
    let today = spawn_app().await;
    assert_eq!(today.import(&archive).await.created, 35);
    for _ in 0..2 {
        let html = today.get_text("/tag/water/").await;
        assert_eq!(results_line(&html), r#"<p class="results-line">Viewing results 1 - 6 of 33</p>"#);
        assert_eq!(card_titles(&html), titles(1..=6));
    }
    let later = spawn_app_with(Options::default().at("2025-12-06T06:00:00Z")).await;
    assert_eq!(later.import(&archive).await.created, 35);
    let html = later.get_text("/tag/water/").await;
    assert_eq!(results_line(&html), r#"<p class="results-line">Viewing results 1 - 6 of 34</p>"#);
    assert_eq!(card_titles(&html)[0], "Water tomorrow");
}

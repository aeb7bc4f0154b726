//! Search, through HTTP: names across scripts and spellings, typo tolerance, phrases,
//! exclusions, filters, dates, paging, hostile input, the JSON API, and an index that
//! follows the store (within a second in process, from another process, after a
//! rebuild command, and after start-up finds it damaged).

use std::ffi::OsString;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use qalam::search::{Opened, Ranking, SearchIndex};
use reqwest::StatusCode;

use crate::helpers::{
    ArticleSpec, Options, TestApp, assert_themed_error, between, card_titles, cards, client, import_with_cli,
    output_text, pager_links, run_qalam, spawn_app, spawn_app_with, write_lines,
};
use crate::serve_process::{ServeProcess, start_serve};

/// The most a change may take to show in search results.
const WITHIN_A_SECOND: Duration = Duration::from_secs(1);

/// Settings that switch every central bank off: the tests talk to nothing but the
/// server they start.
const NO_RATE_SOURCES: &str = "[rates.sources]\nnbk = \"\"\nnbkr = \"\"\nnbt = \"\"\ncbu = \"\"\ncbt = \"\"\n";

/// `/search?q=…` with the query encoded, plus any other parameters.
fn search_url(base: &str, q: &str, more: &[(&str, &str)]) -> String {
    let mut pairs = vec![("q", q)];
    pairs.extend_from_slice(more);
    reqwest::Url::parse_with_params(&format!("{base}/search"), &pairs).expect("a valid address").to_string()
}

/// The search page for `q`, asserting a 200.
async fn search(app: &TestApp, q: &str, more: &[(&str, &str)]) -> String {
    let response = app.client.get(search_url(&app.address, q, more)).send().await.expect("answered");
    assert_eq!(response.status(), StatusCode::OK, "search {q:?} {more:?}");
    response.text().await.expect("body")
}

/// Headlines found for `q`, in order.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    card_titles(&search(app, q, &[]).await)
}

/// Headlines found for `q`, sorted, for comparing sets.
async fn found_set(app: &TestApp, q: &str) -> Vec<String> {
    let mut titles = found(app, q).await;
    titles.sort();
    titles
}

/// Waits until the index holds `n` articles (the keeper indexes in the background).
async fn indexed(app: &TestApp, n: u64) {
    let start = Instant::now();
    while app.app.search.len() != n {
        assert!(start.elapsed() < Duration::from_secs(10), "the index never held {n} articles");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Imports articles and waits until they are all searchable.
async fn import_indexed(app: &TestApp, articles: &[ArticleSpec]) {
    let report = app.import(articles).await;
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    indexed(app, app.app.search.len() + u64::try_from(report.created).expect("small")).await;
}

/// Polls the search for `q` until `done` holds of its headlines; the time it took.
async fn time_until(app: &TestApp, q: &str, within: Duration, done: impl Fn(&[String]) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        if done(&found(app, q).await) {
            return start.elapsed();
        }
        assert!(start.elapsed() < within * 3, "search {q:?} never changed as expected");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// An article whose headline and body carry `text`.
fn story(slug: &str, title: &str, text: &str) -> ArticleSpec {
    ArticleSpec::new(slug, title).body(&format!("<p>{text}</p>"))
}

fn names() -> Vec<ArticleSpec> {
    vec![
        story("tok-en", "President Tokayev opens the parliament session", "Tokayev spoke for an hour."),
        story("tok-ru", "Токаев открыл сессию парламента", "Токаев выступил с речью.").language("ru"),
        story("tok-alt", "Tokaev signs the new water code", "The code was signed by Tokaev on Monday."),
        story("mirz-en", "Mirziyoyev visits Samarkand", "Mirziyoyev toured the old town."),
        story("mirz-ru", "Мирзиёев посетил Самарканд", "Мирзиёев осмотрел старый город.").language("ru"),
        story("mirz-alt", "Mirziyoev meets cotton farmers", "Farmers asked Mirziyoev for credit."),
        story("alm-en", "Almaty metro reaches the airport", "Almaty gets two more stations."),
        story("alm-ru", "Алматы готовится к зиме", "В Алматы начали чистить снег.").language("ru"),
        story("alm-old", "Alma-Ata remembered in photographs", "The old capital, Alma-Ata, in the 1970s."),
        story("kg-en", "Kyrgyzstan opens a new border post", "Kyrgyzstan says trucks will wait less."),
        story("kg-old", "Kirghizia in the 1920s: an archive opens", "Letters from Soviet Kirghizia."),
        story("kg-ru", "Кыргызстан строит новую дорогу", "Кыргызстан получил кредит.").language("ru"),
        story("grain", "Grain prices hold steady", "Wheat and barley kept their prices."),
    ]
}

#[tokio::test]
async fn a_name_typed_in_either_script_or_any_spelling_finds_the_same_articles() {
    let app = spawn_app().await;
    import_indexed(&app, &names()).await;
    let groups: [(&[&str], &[&str]); 4] = [
        (
            &["Токаев", "Tokaev", "Tokayev"],
            &[
                "President Tokayev opens the parliament session",
                "Tokaev signs the new water code",
                "Токаев открыл сессию парламента",
            ],
        ),
        (
            &["Mirziyoyev", "Mirziyoev", "Мирзиёев"],
            &["Mirziyoev meets cotton farmers", "Mirziyoyev visits Samarkand", "Мирзиёев посетил Самарканд"],
        ),
        (
            &["Almaty", "Алматы", "Alma-Ata"],
            &["Alma-Ata remembered in photographs", "Almaty metro reaches the airport", "Алматы готовится к зиме"],
        ),
        (
            &["Kyrgyzstan", "Kirghizia", "Кыргызстан"],
            &[
                "Kirghizia in the 1920s: an archive opens",
                "Kyrgyzstan opens a new border post",
                "Кыргызстан строит новую дорогу",
            ],
        ),
    ];
    for (spellings, expected) in groups {
        for spelling in spellings {
            assert_eq!(found_set(&app, spelling).await, *expected, "searching {spelling}");
        }
    }
}

#[tokio::test]
async fn the_spelling_typed_ranks_above_other_scripts_and_spellings() {
    let app = spawn_app().await;
    import_indexed(&app, &names()).await;
    for (typed, first) in [
        ("Tokayev", "President Tokayev opens the parliament session"),
        ("Токаев", "Токаев открыл сессию парламента"),
        ("Tokaev", "Tokaev signs the new water code"),
        ("Алматы", "Алматы готовится к зиме"),
    ] {
        let titles = found(&app, typed).await;
        assert_eq!(titles.first().map(String::as_str), Some(first), "{typed}: {titles:?}");
    }
}

#[tokio::test]
async fn case_and_diacritics_do_not_matter() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("kokjar", "Kök-Jar district elects a council", "Voters in Kök-Jar chose nine deputies."),
            story("cafe", "A CAFÉ opens in Khorog", "The café serves Pamiri tea."),
        ],
    )
    .await;
    for typed in ["kök-jar", "KOK-JAR", "Kok-Jar", "kokjar"] {
        assert_eq!(found(&app, typed).await, ["Kök-Jar district elects a council"], "{typed}");
    }
    for typed in ["cafe", "Café", "CAFE"] {
        assert_eq!(found(&app, typed).await, ["A CAFÉ opens in Khorog"], "{typed}");
    }
}

#[tokio::test]
async fn freshness_breaks_ties_but_does_not_bury_a_much_better_match() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("old-same", "Reservoir levels fall", "The reservoir is low.").hours_ago(24 * 300),
            story("new-same", "Reservoir levels fall again", "The reservoir is low.").hours_ago(2),
            story("old-best", "Rogun reservoir: the reservoir that Rogun built", "Rogun, Rogun, Rogun.")
                .hours_ago(24 * 400),
            story("new-weak", "Grain exports rise", "Trucks pass Rogun on the way.").hours_ago(1),
        ],
    )
    .await;
    let titles = found(&app, "reservoir").await;
    let position = |title: &str| titles.iter().position(|t| t == title).expect("found");
    assert!(position("Reservoir levels fall again") < position("Reservoir levels fall"), "{titles:?}");
    assert_eq!(
        found(&app, "Rogun").await.first().map(String::as_str),
        Some("Rogun reservoir: the reservoir that Rogun built")
    );
}

#[tokio::test]
async fn the_freshness_blend_is_set_in_the_search_table_of_qalam_toml() {
    let stories = [
        story("old-same", "Reservoir levels fall", "The reservoir is low.").hours_ago(24 * 300),
        story("new-same", "Reservoir levels fall again", "The reservoir is low.").hours_ago(2),
        story("old-best", "Rogun reservoir: the reservoir that Rogun built", "Rogun, Rogun, Rogun.")
            .hours_ago(24 * 400),
        story("new-weak", "Grain exports rise", "Trucks pass Rogun on the way.").hours_ago(1),
    ];
    // Without freshness, relevance alone: the shorter headline matches better.
    let timeless = spawn_app_with(Options::default().toml("[search]\nfreshness_weight = 0\n")).await;
    import_indexed(&timeless, &stories).await;
    let titles = found(&timeless, "reservoir").await;
    let position = |title: &str| titles.iter().position(|t| t == title).expect("found");
    assert!(position("Reservoir levels fall") < position("Reservoir levels fall again"), "{titles:?}");

    // With a strong, short-lived boost, the news of the hour comes first.
    let toml = "[search]\nfreshness_weight = 50\nfreshness_half_life_days = 1\n";
    let eager = spawn_app_with(Options::default().toml(toml)).await;
    import_indexed(&eager, &stories).await;
    assert_eq!(found(&eager, "Rogun").await.first().map(String::as_str), Some("Grain exports rise"));
}

#[tokio::test]
async fn typos_are_forgiven_by_word_length_one_from_five_letters_two_from_nine() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("port", "Ferry traffic grows at Turkmenbashi", "Turkmenbashi handled more wagons."),
            story("aktau", "Aktau port adds a berth", "The berth opens in spring."),
            story("capital", "Dushanbe repaves its main avenue", "Work on Rudaki avenue ends in May."),
            story("sea", "The Aral shrinks again", "Satellite images show the shore."),
        ],
    )
    .await;
    assert_eq!(found(&app, "Turkmanbasgi").await, ["Ferry traffic grows at Turkmenbashi"], "2 typos in 12 letters");
    assert_eq!(found(&app, "Aktay").await, ["Aktau port adds a berth"], "1 typo in 5 letters");
    assert_eq!(found(&app, "Dushanbi").await, ["Dushanbe repaves its main avenue"], "1 typo in 8 letters");
    assert!(found(&app, "Dashanbi").await.is_empty(), "2 typos in 8 letters are too many");
    assert!(found(&app, "Arel").await.is_empty(), "no typo is forgiven under 5 letters");
}

#[tokio::test]
async fn a_quoted_phrase_matches_only_its_words_together_and_in_order() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("together", "The water reform passes the senate", "Senators backed it."),
            story("apart", "Reform of the irrigation code stalls", "Canal water is still lost."),
        ],
    )
    .await;
    assert_eq!(found(&app, r#""water reform""#).await, ["The water reform passes the senate"]);
    assert_eq!(found(&app, r#""reform water""#).await, Vec::<String>::new());
    assert_eq!(
        found_set(&app, "water reform").await,
        ["Reform of the irrigation code stalls", "The water reform passes the senate"]
    );
}

#[tokio::test]
async fn a_phrase_with_common_words_matches_only_where_they_stand_together() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("together", "Traders return to the border market", "Queues were short in the city."),
            story("apart", "Border guards count the trucks", "The city of Osh waits; in spring the market opens."),
            story("russian", "Рынок открылся в Алматы", "Торговцы вернулись."),
        ],
    )
    .await;
    assert_eq!(found(&app, r#""the border""#).await, ["Traders return to the border market"]);
    assert_eq!(found(&app, r#""in the city""#).await, ["Traders return to the border market"]);
    assert_eq!(found(&app, r#""в Алматы""#).await, ["Рынок открылся в Алматы"]);
    assert_eq!(found(&app, r#""the city of Osh""#).await, ["Border guards count the trucks"]);
    assert_eq!(found(&app, r#"market -"the border""#).await, ["Border guards count the trucks"]);
}

#[tokio::test]
async fn excluded_words_and_phrases_leave_articles_out() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("khatlon", "Cotton harvest ends in Khatlon", "Pickers were paid late."),
            story("sughd", "Cotton prices rise in Sughd", "Mills bought early."),
            story("mills", "Cotton mills hire again", "The cotton mills of Sughd reopen."),
        ],
    )
    .await;
    assert_eq!(found_set(&app, "cotton -Khatlon").await, ["Cotton mills hire again", "Cotton prices rise in Sughd"]);
    assert_eq!(found(&app, r#"cotton -Khatlon -"cotton mills""#).await, ["Cotton prices rise in Sughd"]);
}

#[tokio::test]
async fn country_tag_author_and_language_filters_narrow_the_results() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("kz-vote", "Local elections in Kostanay", "Turnout was low.")
                .country("Kazakhstan")
                .section("Politics")
                .author("Aigerim Sadykova"),
            story("kg-vote", "Local elections in Naryn", "Turnout was high.")
                .country("Kyrgyzstan")
                .section("Politics")
                .author("Bakyt Osmonov"),
            story("kz-grain", "Elections at the grain union", "A new chair.").country("Kazakhstan").tag("Agriculture"),
            story("ru-vote", "Выборы в Костанае", "Elections: явка была низкой.").country("Kazakhstan").language("ru"),
        ],
    )
    .await;
    let kazakh = ["Elections at the grain union", "Local elections in Kostanay", "Выборы в Костанае"];
    assert_eq!(found_set(&app, "elections country:Kazakhstan").await, kazakh);
    assert_eq!(found_set(&app, "elections country:Қазақстан").await, kazakh, "the filter folds scripts too");
    assert_eq!(
        found_set(&app, "elections tag:politics").await,
        ["Local elections in Kostanay", "Local elections in Naryn"]
    );
    assert_eq!(found(&app, r#"elections author:"Aigerim Sadykova""#).await, ["Local elections in Kostanay"]);
    assert_eq!(found(&app, "author:osmonov").await, ["Local elections in Naryn"], "a filter alone searches");
    assert_eq!(found(&app, "elections lang:ru").await, ["Выборы в Костанае"]);
    assert_eq!(found(&app, "elections -country:kazakhstan").await, ["Local elections in Naryn"]);
}

#[tokio::test]
async fn a_date_range_keeps_the_articles_published_within_it() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("oct", "October budget hearing", "Budget talks.").published("2025-10-15T06:00:00Z"),
            story("nov", "November budget vote", "Budget passes.").published("2025-11-15T06:00:00Z"),
            story("dec", "December budget review", "Budget checked.").published("2025-12-01T06:00:00Z"),
        ],
    )
    .await;
    let titles = |html: String| card_titles(&html);
    assert_eq!(
        titles(search(&app, "budget", &[("from", "2025-11-01"), ("to", "2025-11-30")]).await),
        ["November budget vote"]
    );
    assert_eq!(
        titles(search(&app, "budget", &[("from", "2025-11-01"), ("sort", "date")]).await),
        ["December budget review", "November budget vote"]
    );
    let page = search(&app, "budget", &[("from", "last week")]).await;
    assert_eq!(cards(&page).len(), 3, "a date that is not one is ignored");
    assert!(page.contains("is not a date like 2025-12-05"), "and the reader is told");
    assert!(page.contains(r#"name="from""#), "the dates are in the form");
}

#[tokio::test]
async fn an_article_scheduled_for_later_is_neither_found_nor_counted_before_its_time() {
    let app = spawn_app().await;
    import_indexed(
        &app,
        &[
            story("vote", "Budget vote in the river valley", "Budget talks by the river.").hours_ago(2),
            story("review", "River budget review", "The river budget is checked.").hours_ago(3),
            story("leak", "River budget leak", "Tomorrow's river budget.").published("2025-12-06T06:00:00Z"),
        ],
    )
    .await;
    // One word, several words and a phrase: ranked without scoring every match, or
    // while counted.
    for (q, expected) in [
        ("budget", vec!["Budget vote in the river valley", "River budget review"]),
        ("river budget", vec!["Budget vote in the river valley", "River budget review"]),
        ("\"river budget\"", vec!["River budget review"]),
    ] {
        let page = search(&app, q, &[]).await;
        let mut titles = card_titles(&page);
        titles.sort();
        assert_eq!(titles, expected, "{q}");
        let line = format!("Viewing results 1 - {n} of {n}", n = expected.len());
        assert!(page.contains(&line), "{q}: {line}");
    }
}

#[tokio::test]
async fn results_are_paged_six_at_a_time_with_the_reference_line_and_links_that_keep_the_query() {
    let app = spawn_app().await;
    let mut articles = crate::helpers::numbered(33, "harvest", "Harvest report");
    articles.push(story("other", "Railway timetable changes", "Trains leave earlier."));
    import_indexed(&app, &articles).await;

    let first = search(&app, "harvest", &[]).await;
    assert!(first.contains("Viewing results 1 - 6 of 33"), "{first}");
    assert_eq!(cards(&first).len(), 6);
    let links = pager_links(&first);
    assert!(
        links.iter().any(|(attrs, text)| text == "2" && attrs.contains("/search?q=harvest&amp;page=2")),
        "{links:?}"
    );
    assert!(links.iter().any(|(attrs, text)| text == "Next" && attrs.contains("q=harvest")), "{links:?}");

    let second = search(&app, "harvest", &[("page", "2")]).await;
    assert!(second.contains("Viewing results 7 - 12 of 33"));
    let last = search(&app, "harvest", &[("page", "6")]).await;
    assert!(last.contains("Viewing results 31 - 33 of 33"));
    assert_eq!(cards(&last).len(), 3);

    let by_date = search(&app, "harvest", &[("sort", "date")]).await;
    assert_eq!(card_titles(&by_date)[..2], ["Harvest report 01", "Harvest report 02"]);
    let links = pager_links(&by_date);
    assert!(links.iter().any(|(attrs, _)| attrs.contains("q=harvest&amp;sort=date&amp;page=2")), "{links:?}");
}

#[tokio::test]
async fn cards_show_headline_date_country_and_a_500_word_excerpt_with_matches_marked() {
    let app = spawn_app().await;
    let words: Vec<String> = (1..=600).map(|i| if i == 3 { "Almaty".to_owned() } else { format!("w{i}") }).collect();
    import_indexed(
        &app,
        &[ArticleSpec::new("long", "A long read from Алматы")
            .body(&crate::helpers::paragraphs(&words))
            .country("Kazakhstan")],
    )
    .await;
    let page = search(&app, "Almaty", &[]).await;
    let card = cards(&page).remove(0);
    assert_eq!(card.title, "A long read from Алматы");
    assert!(card.html.contains("5 December 2025"), "{}", card.html);
    assert!(card.html.contains(r#"<a href="/country/kazakhstan/">Kazakhstan</a>"#));
    assert!(card.excerpt.starts_with("w1 w2 <mark>Almaty</mark> w4"), "{}", card.excerpt);
    assert!(card.excerpt.ends_with("w500..."), "500 words, marked as cut");
}

#[tokio::test]
async fn nothing_found_says_so_and_offers_the_nearest_spelling_that_has_results() {
    let app = spawn_app().await;
    import_indexed(&app, &[story("sea", "The Aral shrinks again", "The Aral sea lost more water.")]).await;
    let page = search(&app, "Arel", &[]).await;
    assert!(page.contains("No results for “Arel”") && !page.contains("Viewing results"), "{page}");
    let suggestion = between(&page, r#"Did you mean <a href=""#, "\"").expect("a suggestion link");
    assert_eq!(suggestion, "/search?q=aral");
    assert_eq!(found(&app, "aral").await, ["The Aral shrinks again"]);
    let nothing_near = search(&app, "zzyzx", &[]).await;
    assert!(nothing_near.contains("No results for “zzyzx”") && !nothing_near.contains("Did you mean"));
}

#[tokio::test]
async fn hostile_or_odd_input_gives_a_normal_page_with_the_input_escaped() {
    let app = spawn_app().await;
    import_indexed(&app, &[story("one", "Bishkek smog season", "Schools move lessons indoors.")]).await;

    let empty = search(&app, "", &[]).await;
    assert!(empty.contains(r#"<form class="search-form""#) && !empty.contains("Viewing results"));

    let markup = r#"<script>alert(1)</script>"'&"#;
    let page = search(&app, markup, &[]).await;
    assert!(!page.contains("<script>alert(1)"), "markup in the query is never markup on the page");
    assert!(page.contains(r#"value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;""#), "{page}");

    let long = "Bishkek ".repeat(1250);
    let page = search(&app, &long, &[]).await;
    assert!(page.contains("Only the first 1000 characters"), "the reader is told the query was cut");
    assert_eq!(card_titles(&page), ["Bishkek smog season"]);

    let controls = search(&app, "Bish\u{1}kek\u{7}\u{1b}[31m smog", &[]).await;
    assert!(!controls.chars().any(|c| c.is_control() && c != '\n'), "no control character reaches the page");

    for odd in [r#""unclosed quote"#, "country:", "-", ":::", "lang:martian", "-\"\"", "\u{feff}", "*?~^()[]{}"] {
        search(&app, odd, &[]).await;
    }
}

#[tokio::test]
async fn bad_page_numbers_are_themed_client_errors() {
    let app = spawn_app().await;
    import_indexed(&app, &[story("one", "Bishkek smog season", "Schools move lessons indoors.")]).await;
    for bad in ["0", "-1", "abc", "999999", "1.5"] {
        let page = crate::helpers::Page::read(
            app.client.get(search_url(&app.address, "Bishkek", &[("page", bad)])).send().await.expect("answered"),
        )
        .await;
        assert_themed_error(&page, 400, "Bad request", bad);
    }
    let past_the_end = crate::helpers::Page::read(
        app.client.get(search_url(&app.address, "Bishkek", &[("page", "2")])).send().await.expect("answered"),
    )
    .await;
    assert_themed_error(&past_the_end, 404, "Page not found", "page 2 of 1");
}

#[tokio::test]
async fn the_search_form_is_in_every_page_header() {
    let app = spawn_app().await;
    import_indexed(&app, &[story("one", "Bishkek smog season", "Schools move lessons indoors.").country("Kyrgyzstan")])
        .await;
    for path in ["/", "/one/", "/country/kyrgyzstan/", "/search"] {
        let html = app.get_text(path).await;
        assert!(html.contains(r#"<form class="site-search" action="/search" method="get" role="search">"#), "{path}");
    }
}

#[tokio::test]
async fn the_api_answers_the_same_search_as_json_with_highlights() {
    let app = spawn_app().await;
    import_indexed(&app, &names()).await;
    let response = app.get("/api/v1/search?q=Tokayev&per_page=2").await;
    assert_eq!(response.status(), StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&response.text().await.expect("body")).expect("JSON");
    assert_eq!(json["total"], 3);
    assert_eq!((json["page"].as_u64(), json["per_page"].as_u64(), json["pages"].as_u64()), (Some(1), Some(2), Some(2)));
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["slug"], "tok-en");
    assert!(items[0]["highlights"]["excerpt"].as_str().expect("text").contains("<mark>Tokayev</mark>"));
    let page_titles: Vec<String> = found(&app, "Tokayev").await;
    assert_eq!(items[0]["title"].as_str(), page_titles.first().map(String::as_str), "same order as the page");

    let bad = app.get("/api/v1/search?q=x&page=abc").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = serde_json::from_str(&bad.text().await.expect("body")).expect("a JSON error");
    assert_eq!(body["error"]["status"], 400);
}

#[tokio::test]
async fn search_pages_and_api_answers_are_compressed_like_other_pages() {
    let app = spawn_app().await;
    import_indexed(&app, &names()).await;
    for path in ["/search?q=Tokayev", "/api/v1/search?q=Tokayev"] {
        let plain = app.get_with(path, &[("accept-encoding", "identity")]).await;
        assert_eq!(plain.status, StatusCode::OK, "{path}");
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        let text = plain.text();
        assert!(text.contains("Tokayev"), "{path}: {text}");

        let br = app.get_with(path, &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(br.header("content-encoding"), Some("br"), "{path}");
        assert!(br.headers.get_all("vary").iter().any(|v| v == "accept-encoding"), "{path}: {:?}", br.headers);
        let mut decoded = String::new();
        brotli::Decompressor::new(&br.bytes[..], 4096).read_to_string(&mut decoded).expect("valid brotli");
        assert_eq!(decoded, text, "{path}");
        assert!(br.bytes.len() < text.len() / 2, "{path}: {} of {} bytes", br.bytes.len(), text.len());

        let gzip = app.get_with(path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gzip.header("content-encoding"), Some("gzip"), "{path}");
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&gzip.bytes[..]).read_to_string(&mut decoded).expect("valid gzip");
        assert_eq!(decoded, text, "{path}");
    }
    // An error goes as it is, whatever the client accepts.
    let bad = app.get_with("/api/v1/search?q=x&per_page=", &[("accept-encoding", "br")]).await;
    assert_eq!((bad.status, bad.header("content-encoding")), (StatusCode::BAD_REQUEST, None));
}

#[tokio::test]
async fn publishing_updating_unpublishing_and_deleting_show_in_results_within_a_second() {
    let app = spawn_app().await;
    indexed(&app, 0).await;
    let alert = story("flood-alert", "Flood alert in Osh", "The glacier lake may burst.");

    app.import(std::slice::from_ref(&alert)).await;
    let took = time_until(&app, "glacier", WITHIN_A_SECOND, |t| t == ["Flood alert in Osh"]).await;
    assert!(took < WITHIN_A_SECOND, "published: {took:?}");
    let excerpt = |page: String| cards(&page).remove(0).excerpt;
    assert_eq!(excerpt(search(&app, "Osh", &[]).await), "The glacier lake may burst.");

    let updated = alert.clone().body("<p>An avalanche closed the road.</p>");
    app.import(std::slice::from_ref(&updated)).await;
    let took = time_until(&app, "avalanche", WITHIN_A_SECOND, |t| t == ["Flood alert in Osh"]).await;
    assert!(took < WITHIN_A_SECOND, "updated: {took:?}");
    assert!(found(&app, "glacier").await.is_empty(), "the old text is gone");
    assert_eq!(excerpt(search(&app, "Osh", &[]).await), "An avalanche closed the road.", "and its excerpt");

    let mut draft: serde_json::Value = serde_json::from_str(&updated.to_json_line()).expect("JSON");
    draft["status"] = "draft".into();
    app.import_text(&format!("{draft}\n")).await;
    let took = time_until(&app, "avalanche", WITHIN_A_SECOND, <[String]>::is_empty).await;
    assert!(took < WITHIN_A_SECOND, "unpublished: {took:?}");

    app.import(std::slice::from_ref(&alert)).await;
    time_until(&app, "glacier", WITHIN_A_SECOND, |t| t.len() == 1).await;
    let db = rusqlite::Connection::open(app.dir.path().join(qalam::app::DATABASE_FILE)).expect("database");
    db.execute_batch("PRAGMA foreign_keys = ON; DELETE FROM articles WHERE slug = 'flood-alert';").expect("delete");
    let took = time_until(&app, "glacier", WITHIN_A_SECOND, <[String]>::is_empty).await;
    assert!(took < WITHIN_A_SECOND, "deleted: {took:?}");
}

/// Starts `qalam serve` on `data` with every central bank off.
async fn start_server(data: &Path) -> ServeProcess {
    std::fs::write(data.join(qalam::config::SETTINGS_FILE), NO_RATE_SOURCES).expect("settings");
    start_serve(data).await
}

/// Searches `server` until `q` finds `n` articles; the time it took.
async fn search_until(server: &ServeProcess, q: &str, n: usize, within: Duration) -> Duration {
    let http = client();
    let start = Instant::now();
    loop {
        let response = http.get(search_url(&server.address, q, &[])).send().await.expect("answered");
        assert_eq!(response.status(), StatusCode::OK);
        if card_titles(&response.text().await.expect("body")).len() == n {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "{q:?} never found {n} articles; log:\n{}", server.log.lock().expect("log"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `qalam index rebuild --data DATA` as a process.
async fn rebuild(data: &Path) -> std::process::Output {
    run_qalam([OsString::from("index"), "rebuild".into(), "--data".into(), data.into()]).await
}

/// Imports `articles` into `data` with the command line.
async fn cli_import(data: &Path, articles: &[ArticleSpec]) {
    let files = tempfile::tempdir().expect("files dir");
    let lines: Vec<String> = articles.iter().map(ArticleSpec::to_json_line).collect();
    let output = import_with_cli(&write_lines(files.path(), "articles.jsonl", &lines), data).await;
    assert!(output.status.success(), "{:?}", output_text(&output));
}

fn three_stories() -> Vec<ArticleSpec> {
    vec![
        story("a", "Karakum canal lining begins", "The canal loses half its water."),
        story("b", "Karakum sand reaches the road", "Drivers wait for the graders."),
        story("c", "Karakum wells run dry", "Herders move north."),
    ]
}

#[tokio::test]
async fn an_import_from_another_process_reaches_a_serving_index() {
    let data = tempfile::tempdir().expect("data dir");
    let server = start_server(data.path()).await;
    search_until(&server, "Karakum", 0, Duration::from_secs(5)).await;
    cli_import(data.path(), &three_stories()).await;
    let took = search_until(&server, "Karakum", 3, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn the_rebuild_command_refills_the_index_and_refuses_while_a_server_writes_it() {
    let data = tempfile::tempdir().expect("data dir");
    cli_import(data.path(), &three_stories()).await;

    let output = rebuild(data.path()).await;
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("indexed 3 articles into"), "{stdout}");
    let (index, opened) = SearchIndex::open(&data.path().join("search"), Ranking::default()).expect("index opens");
    assert_eq!((opened, index.len()), (Opened::Existing, 3));
    drop(index);

    let server = start_server(data.path()).await;
    search_until(&server, "Karakum", 3, Duration::from_secs(5)).await;
    let output = rebuild(data.path()).await;
    let (_, stderr) = output_text(&output);
    assert!(!output.status.success(), "a second writer is refused");
    assert!(stderr.contains("qalam serve"), "and told why: {stderr}");
}

#[tokio::test]
async fn a_damaged_index_is_found_at_start_up_and_rebuilt_while_the_site_serves() {
    for damage in ["meta.json", "a segment file"] {
        let data = tempfile::tempdir().expect("data dir");
        cli_import(data.path(), &three_stories()).await;
        let output = rebuild(data.path()).await;
        assert!(output.status.success());
        let index_dir = data.path().join("search");
        let victim = if damage == "meta.json" {
            index_dir.join("meta.json")
        } else {
            let mut files: Vec<_> = std::fs::read_dir(&index_dir)
                .expect("index dir")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "idx" || e == "term"))
                .collect();
            files.sort();
            files.pop().expect("a segment file")
        };
        let mut bytes = std::fs::read(&victim).expect("read");
        let middle = bytes.len() / 2;
        bytes.truncate(middle);
        bytes.extend_from_slice(b"not what tantivy wrote");
        std::fs::write(&victim, bytes).expect("damage");

        let server = start_server(data.path()).await;
        search_until(&server, "Karakum", 3, Duration::from_secs(10)).await;
        let log = server.log.lock().expect("log").clone();
        assert!(log.contains("the search index was unusable"), "{damage}: a clear log line, got:\n{log}");
    }
}

#[tokio::test]
async fn search_pages_are_valid_html5() {
    let Ok(jar) = std::env::var("QALAM_VNU_JAR") else {
        eprintln!("skipped: QALAM_VNU_JAR is not set (scripts/test installs the Nu HTML Checker)");
        return;
    };
    let app = spawn_app().await;
    let mut articles = crate::helpers::numbered(8, "bridge", "Bridge <works> & \"repairs\"");
    articles.push(story("aral", "The Aral shrinks again", "The Aral sea lost more water.").country("Kazakhstan"));
    import_indexed(&app, &articles).await;
    let searches: [(&str, &[(&str, &str)]); 5] = [
        ("bridge", &[]),
        ("bridge", &[("page", "2"), ("sort", "date"), ("from", "2025-01-01")]),
        ("Arel", &[]),
        ("", &[]),
        (r#"<b>"x"</b> & country:"Kazakhstan" -'y'"#, &[("to", "not a date")]),
    ];
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut files = Vec::new();
    for (i, (q, more)) in searches.iter().enumerate() {
        let file = dir.path().join(format!("search-{i}.html"));
        std::fs::write(&file, search(&app, q, more).await).expect("write page");
        files.push(file);
    }
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(&files)
        .output()
        .expect("the Nu HTML Checker runs (java -jar $QALAM_VNU_JAR)");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && report.trim().is_empty(), "invalid HTML:\n{report}");
}

//! Bad input of any kind gets a themed 4xx page, never a 500.

use reqwest::{Method, StatusCode};

use crate::helpers::{ArticleSpec, TestApp, assert_themed_error, numbered, spawn_app};

async fn site() -> TestApp {
    let app = spawn_app().await;
    let list: Vec<ArticleSpec> = numbered(9, "story", "Story")
        .into_iter()
        .map(|a| a.author("Aigerim Sadykova").country("Kazakhstan").section("Economy").tag("Water"))
        .collect();
    app.import(&list).await;
    app
}

#[tokio::test]
async fn page_numbers_0_minus_1_abc_and_999999_are_themed_404s() {
    let app = site().await;
    let listings =
        ["/", "/tag/water/", "/country/kazakhstan/", "/section/economy/", "/author/aigerim-sadykova/", "/2025/12/"];
    for base in listings {
        for n in ["0", "-1", "abc", "999999", "1.5", "+2", "02x", "1e3", "00", "１"] {
            let path = format!("{base}page/{n}/");
            let page = app.get_page(&path).await;
            assert_themed_error(&page, 404, "Page not found", &path);
        }
    }
}

#[tokio::test]
async fn unknown_slugs_and_months_are_themed_404s() {
    let app = site().await;
    let paths = [
        "/no-such-story/",
        "/Story-01/",
        "/story_01/",
        "/tag/no-such-tag/",
        "/tag/Water/",
        "/2025/13/",
        "/2025/00/",
        "/0001/01/",
        "/25/12/",
        "/assets/nothing.css",
    ];
    for path in paths {
        let page = app.get_page(path).await;
        assert_themed_error(&page, 404, "Page not found", path);
    }
}

#[tokio::test]
async fn a_5000_character_path_is_a_4xx_never_a_5xx() {
    let app = site().await;
    for path in [
        format!("/{}/", "a".repeat(5000)),
        format!("/{}", "a".repeat(5000)),
        format!("/tag/{}/", "b".repeat(5000)),
        format!("/{}/", "x/".repeat(2500)),
    ] {
        let page = app.get_page(&path).await;
        assert!(page.status.is_client_error(), "{} chars answered {}", path.len(), page.status);
    }
}

#[tokio::test]
async fn percent_encoded_junk_is_a_themed_400() {
    let app = site().await;
    for path in ["/%ff%fe/", "/tag/%ff%fe/", "/tag/water/page/%ff/"] {
        let page = app.get_page(path).await;
        assert_themed_error(&page, 400, "Bad request", path);
    }
}

#[tokio::test]
async fn script_in_the_path_is_a_404_that_never_echoes_it() {
    let app = site().await;
    let paths = [
        "/<script>/",
        "/tag/<script>alert(1)<%2Fscript>/",
        "/<script>alert(1)</script>/",
        "/\"><svg onload=alert(1)>/",
    ];
    for path in paths {
        let page = app.get_page(path).await;
        assert_themed_error(&page, 404, "Page not found", path);
        let html = page.text();
        assert!(!html.contains("<script"), "{path} echoed: {html}");
        assert!(!html.contains("<svg"), "{path} echoed: {html}");
    }
}

#[tokio::test]
async fn raw_unencoded_script_in_the_request_line_is_refused_without_an_echo() {
    let app = site().await;
    for target in ["/<script>alert(1)</script>/", "/tag/<script>/", "/%3Cscript%3E/"] {
        let (status, response) = app.raw_get(target).await;
        assert!((400..500).contains(&status), "{target} answered {status}");
        assert!(!response.contains("<script"), "{target} echoed: {response}");
    }
}

#[tokio::test]
async fn odd_methods_get_405_not_500() {
    let app = site().await;
    for (method, path) in
        [(Method::POST, "/"), (Method::PUT, "/story-01/"), (Method::DELETE, "/tag/water/"), (Method::PATCH, "/page/2/")]
    {
        let page = app.request(method.clone(), path).await;
        assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(page.header("allow").is_some_and(|a| a.contains("GET")), "{method} {path}: {:?}", page.headers);
        assert_themed_error(&page, 405, "Not allowed", &format!("{method} {path}"));
    }
}

#[tokio::test]
async fn query_strings_and_odd_headers_do_not_break_pages() {
    let app = site().await;
    let page = app.get_page("/tag/water/?page=-1&q=%ff%fe&x=<script>").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("<script>"));
    let odd = app
        .get_with(
            "/",
            &[
                ("if-none-match", "garbage"),
                ("if-modified-since", "not a date"),
                ("accept-encoding", "br;q=banana, ;;, gzip;q=0"),
            ],
        )
        .await;
    assert_eq!(odd.status, StatusCode::OK);
}

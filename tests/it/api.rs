//! The read-only Content API under `/api/v1/` and its Ghost-shaped twin under
//! `/ghost/api/content/`: filters, pages, field selection, keys made with
//! `qalam api-key add`, CORS, the OpenAPI document checked by schemathesis, and the
//! official `@tryghost/content-api` client reading Qalam (both when `scripts/test` has
//! installed them).

use std::ffi::OsString;
use std::process::Command;

use serde_json::Value;

use crate::helpers::{ArticleSpec, Options, TestApp, output_text, python_check, run_qalam, spawn_app, spawn_app_with};

async fn newsroom(app: &TestApp) {
    app.import(&[
        ArticleSpec::new("grain-deal", "Grain deal signed")
            .hours_ago(1)
            .country("Kazakhstan")
            .section("Economy")
            .tag("Water")
            .author("Aigerim Sadykova")
            .dek("A dek"),
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
        ArticleSpec::new("old-story", "An older story").published("2025-11-01T08:00:00Z").country("Kyrgyzstan"),
        ArticleSpec::new("tomorrow", "Not yet public").published("2025-12-06T05:00:00Z").country("Kazakhstan"),
    ])
    .await;
}

async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let page = app.get_page(path).await;
    let content_type = page.header("content-type").unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/json"), "{path}: {content_type}");
    (page.status.as_u16(), serde_json::from_slice(&page.bytes).expect("a JSON body"))
}

fn slugs(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn articles_are_listed_newest_first_with_filters_pages_and_chosen_fields() {
    let app = spawn_app().await;
    newsroom(&app).await;
    let (status, all) = get_json(&app, "/api/v1/articles").await;
    assert_eq!(status, 200);
    assert_eq!(slugs(&all["articles"]), ["grain-deal", "dam-repairs", "almaty-metro", "old-story"]);
    let first = &all["articles"][0];
    assert_eq!(first["url"], format!("{}/grain-deal/", app.app.settings.site.base_url));
    assert_eq!(first["country"]["slug"], "kazakhstan");
    assert_eq!(first["section"]["name"], "Economy");
    assert_eq!(first["authors"][0]["name"], "Aigerim Sadykova");
    assert_eq!(first["published_at"], "2025-12-05T04:00:00Z");
    assert!(first["html"].as_str().unwrap().starts_with("<p>"));
    let cases = [
        ("/api/v1/articles?country=kazakhstan", vec!["grain-deal", "almaty-metro"]),
        ("/api/v1/articles?tag=water&country=kyrgyzstan", vec!["dam-repairs"]),
        ("/api/v1/articles?author=aigerim-sadykova&language=ru", vec!["almaty-metro"]),
        ("/api/v1/articles?language=en", vec!["grain-deal", "dam-repairs", "old-story"]),
        ("/api/v1/articles?from=2025-12-01&to=2025-12-04", vec!["almaty-metro"]),
        ("/api/v1/articles?to=2025-11-30", vec!["old-story"]),
        ("/api/v1/articles?country=atlantis", vec![]),
    ];
    for (path, expected) in cases {
        let (status, list) = get_json(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(slugs(&list["articles"]), expected, "{path}");
        assert_eq!(list["meta"]["pagination"]["total"], expected.len(), "{path}");
    }
    let (_, page) = get_json(&app, "/api/v1/articles?per_page=3&page=2&fields=title,url").await;
    assert_eq!(slugs(&page["articles"]), ["old-story"]);
    let keys: Vec<&String> = page["articles"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "slug", "title", "url"]);
    let pagination = &page["meta"]["pagination"];
    assert_eq!((&pagination["pages"], &pagination["prev"], &pagination["next"]), (&2.into(), &1.into(), &Value::Null));
    for bad in [
        "/api/v1/articles?per_page=0",
        "/api/v1/articles?per_page=101",
        "/api/v1/articles?page=abc",
        "/api/v1/articles?page=-1",
        "/api/v1/articles?fields=title,password",
        "/api/v1/articles?country=Not%20A%20Slug",
        "/api/v1/articles?from=yesterday",
        "/api/v1/articles?language=",
    ] {
        let (status, error) = get_json(&app, bad).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(error["error"]["status"], 400, "{bad}");
        assert!(!error["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn one_article_by_slug_and_json_errors_for_the_rest() {
    let app = spawn_app().await;
    newsroom(&app).await;
    let (status, one) = get_json(&app, "/api/v1/articles/grain-deal").await;
    assert_eq!(status, 200);
    assert_eq!(one["article"]["title"], "Grain deal signed");
    assert_eq!(one["article"]["dek"], "A dek");
    for path in
        ["/api/v1/articles/tomorrow", "/api/v1/articles/no-such", "/api/v1/articles/Bad%20Slug", "/api/v1/nothing"]
    {
        let (status, error) = get_json(&app, path).await;
        assert_eq!((status, &error["error"]["status"]), (404, &404.into()), "{path}");
    }
}

#[tokio::test]
async fn tags_and_authors_come_with_their_article_counts() {
    let app = spawn_app().await;
    newsroom(&app).await;
    let (_, tags) = get_json(&app, "/api/v1/tags?kind=country").await;
    let counts: Vec<(&str, u64)> = tags["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["slug"].as_str().unwrap(), t["articles"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("kazakhstan", 2), ("kyrgyzstan", 2)], "the scheduled article is not counted");
    let (_, all) = get_json(&app, "/api/v1/tags").await;
    assert_eq!(all["tags"].as_array().unwrap().len(), 4);
    assert_eq!(get_json(&app, "/api/v1/tags?kind=planet").await.0, 400);
    let (_, authors) = get_json(&app, "/api/v1/authors").await;
    assert_eq!(slugs(&authors["authors"]), ["aigerim-sadykova", "timur-rakhimov"]);
    assert_eq!(authors["authors"][0]["articles"], 2);
    assert_eq!(authors["authors"][0]["url"], format!("{}/author/aigerim-sadykova/", app.app.settings.site.base_url));
}

/// `qalam api-key add NAME --data DIR`: the key printed, and the process's outcome.
async fn add_key(dir: &std::path::Path, name: &str) -> (bool, String, String) {
    let output = run_qalam([OsString::from("api-key"), "add".into(), name.into(), "--data".into(), dir.into()]).await;
    let (stdout, stderr) = output_text(&output);
    (output.status.success(), stdout.trim().to_owned(), stderr)
}

#[tokio::test]
async fn keys_made_on_the_command_line_open_the_api_when_the_settings_require_one() {
    let dir = tempfile::tempdir().unwrap();
    let (added, key, stderr) = add_key(dir.path(), "mobile app").await;
    assert!(added, "{stderr}");
    assert!(key.len() == 26 && key.bytes().all(|b| b.is_ascii_hexdigit()), "{key:?}");
    let (again, _, stderr) = add_key(dir.path(), "mobile app").await;
    assert!(!again && stderr.contains("exists"), "{stderr}");
    let listed = run_qalam(["api-key", "list", "--data", dir.path().to_str().unwrap()]).await;
    let (stdout, _) = output_text(&listed);
    assert!(stdout.contains("mobile app") && !stdout.contains(&key), "{stdout}");
    let database = std::fs::read(dir.path().join("qalam.db")).unwrap();
    assert!(!database.windows(key.len()).any(|w| w == key.as_bytes()), "the key itself is stored");

    let app = spawn_app_with(Options::default().dir(dir).env("QALAM_API_REQUIRE_KEY", "true")).await;
    newsroom(&app).await;
    let (status, error) = get_json(&app, "/api/v1/articles").await;
    assert_eq!(status, 401);
    assert!(error["error"]["message"].as_str().unwrap().contains("key"));
    assert_eq!(get_json(&app, &format!("/api/v1/articles?key={key}")).await.0, 200);
    assert_eq!(get_json(&app, "/api/v1/rates?key=0123456789abcdef0123456789").await.0, 401);
    let bearer = app.get_with("/api/v1/tags", &[("authorization", &format!("Bearer {key}"))]).await;
    assert_eq!(bearer.status, 200);
    assert_eq!(get_json(&app, "/api/v1/openapi.json").await.0, 200, "the document is public");
    let ghost = app.get_page("/ghost/api/content/posts/").await;
    assert_eq!(ghost.status, 401);
    let body: Value = serde_json::from_slice(&ghost.bytes).unwrap();
    assert_eq!(body["errors"][0]["type"], "UnauthorizedError");
    assert_eq!(app.get_page(&format!("/ghost/api/content/posts/?key={key}")).await.status, 200);

    let removed = run_qalam(["api-key", "remove", "mobile app", "--data", app.dir.path().to_str().unwrap()]).await;
    assert!(removed.status.success());
    assert_eq!(get_json(&app, &format!("/api/v1/articles?key={key}")).await.0, 401);
}

#[tokio::test]
async fn without_the_setting_a_key_is_optional_but_a_wrong_one_is_refused() {
    let app = spawn_app().await;
    assert_eq!(get_json(&app, "/api/v1/articles").await.0, 200);
    assert_eq!(get_json(&app, "/api/v1/articles?key=0123456789abcdef0123456789").await.0, 401);
    assert_eq!(get_json(&app, "/api/v1/articles?key=not-a-key").await.0, 401);
}

#[tokio::test]
async fn cors_lets_the_configured_origins_read_the_apis() {
    let open = spawn_app().await;
    let page = open.get_with("/api/v1/articles", &[("origin", "https://reader.example")]).await;
    assert_eq!(page.header("access-control-allow-origin"), Some("*"));
    let preflight = open
        .client
        .request(reqwest::Method::OPTIONS, open.url("/ghost/api/content/posts/"))
        .header("origin", "https://reader.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "accept-version")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    assert!(preflight.headers()["access-control-allow-methods"].to_str().unwrap().contains("GET"));

    let closed = spawn_app_with(Options::default().toml("[api]\ncors_origins = [\"https://reader.example\"]\n")).await;
    let allowed = closed.get_with("/api/v1/tags", &[("origin", "https://reader.example")]).await;
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://reader.example"));
    let other = closed.get_with("/api/v1/tags", &[("origin", "https://elsewhere.example")]).await;
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn the_ghost_shape_lists_and_reads_posts_tags_and_authors() {
    let app = spawn_app().await;
    newsroom(&app).await;
    let (status, posts) = get_json(&app, "/ghost/api/content/posts/?limit=2&include=tags,authors").await;
    assert_eq!(status, 200);
    assert_eq!(slugs(&posts["posts"]), ["grain-deal", "dam-repairs"]);
    assert_eq!(posts["meta"]["pagination"]["total"], 4);
    assert_eq!(posts["meta"]["pagination"]["next"], 2);
    assert_eq!(posts["posts"][0]["primary_tag"]["slug"], "economy");
    assert_eq!(posts["posts"][0]["primary_author"]["slug"], "aigerim-sadykova");
    let id = posts["posts"][0]["id"].as_str().unwrap().to_owned();
    let (_, by_id) = get_json(&app, &format!("/ghost/api/content/posts/{id}/")).await;
    assert_eq!(by_id["posts"][0]["slug"], "grain-deal");
    assert!(by_id.get("meta").is_none(), "a read has no meta, so clients return the one post");
    let (_, filtered) = get_json(&app, "/ghost/api/content/posts/?filter=tag:water%2Bauthor:timur-rakhimov").await;
    assert_eq!(slugs(&filtered["posts"]), ["dam-repairs"]);
    let (_, tags) = get_json(&app, "/ghost/api/content/tags/?include=count.posts&limit=all").await;
    assert_eq!(tags["tags"].as_array().unwrap().len(), 4);
    assert_eq!(tags["meta"]["pagination"]["limit"], "all");
    let (_, authors) = get_json(&app, "/ghost/api/content/authors/slug/timur-rakhimov/").await;
    assert_eq!(authors["authors"][0]["name"], "Timur Rakhimov");
    let (_, settings) = get_json(&app, "/ghost/api/content/settings/").await;
    assert_eq!(settings["settings"]["title"], "Qalam");
    for (path, status, kind) in [
        ("/ghost/api/content/posts/slug/tomorrow/", 404, "NotFoundError"),
        ("/ghost/api/content/posts/00000000000000000000ffff/", 404, "NotFoundError"),
        ("/ghost/api/content/posts/?filter=featured:true", 400, "BadRequestError"),
        ("/ghost/api/content/posts/?limit=0", 400, "BadRequestError"),
        ("/ghost/api/content/nothing/", 404, "NotFoundError"),
    ] {
        let (got, error) = get_json(&app, path).await;
        assert_eq!((got, error["errors"][0]["type"].as_str()), (status, Some(kind)), "{path}");
    }
}

#[tokio::test]
async fn search_and_rate_history_refuse_what_the_document_says_they_refuse() {
    let app = spawn_app().await;
    newsroom(&app).await;
    app.save_rates(&[("KZT", "2025-12-04", "505.10"), ("KZT", "2025-12-05", "505.11")]).await;
    let (_, document) = get_json(&app, "/api/v1/openapi.json").await;
    let search = &document["paths"]["/search"]["get"];
    assert_eq!(search["operationId"], "searchArticles");
    let described = |name: &str| {
        search["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["description"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(described("per_page").contains("An empty `per_page=` is refused with a 400"));
    assert!(described("page").contains("An empty `page=` is refused with a 400"));
    let history = document["paths"]["/rates/{code}/history"]["get"]["description"].as_str().unwrap();
    assert!(history.contains("at most 3,660 days"), "{history}");

    for path in [
        "/api/v1/search?q=grain&per_page=",
        "/api/v1/search?q=grain&per_page=%20",
        "/api/v1/search?q=grain&per_page=%2B5",
        "/api/v1/search?q=grain&per_page=51",
        "/api/v1/search?q=grain&page=",
        "/api/v1/search?q=grain&page=0",
        "/api/v1/rates/KZT/history?from=2015-11-28&to=2025-12-05", // 3,661 days
        "/api/v1/rates/KZT/history?from=2025-12-05&to=2025-12-04",
    ] {
        let (status, error) = get_json(&app, path).await;
        assert_eq!(status, 400, "{path}: {error}");
        assert_eq!(error["error"]["status"], 400, "{path}");
    }
    for path in [
        "/api/v1/search?q=grain&per_page=5&page=1",
        "/api/v1/search?q=grain",
        "/api/v1/rates/KZT/history?from=2015-11-29&to=2025-12-05", // 3,660 days
        "/api/v1/rates/KZT/history?from=&to=",
    ] {
        let (status, answer) = get_json(&app, path).await;
        assert_eq!(status, 200, "{path}: {answer}");
    }
    let (_, answer) = get_json(&app, "/api/v1/search?q=grain&per_page=5").await;
    assert_eq!(answer["per_page"].as_u64(), Some(5), "{answer}");
}

#[tokio::test]
async fn the_openapi_document_is_valid_and_the_api_answers_as_it_says() {
    let app = spawn_app().await;
    newsroom(&app).await;
    app.save_rates(&[("KZT", "2025-12-04", "505.10"), ("KZT", "2025-12-05", "505.11"), ("TMT", "2025-12-05", "3.5")])
        .await;
    let (status, document) = get_json(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.0.3");
    assert_eq!(document["servers"][0]["url"], format!("{}/api/v1", app.app.settings.site.base_url));
    let Some(output) = python_check("check_api.py", vec![app.url("/api/v1").into()]).await else { return };
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("the OpenAPI document is valid"), "{report}");
}

#[tokio::test]
async fn the_official_ghost_client_reads_qalam() {
    let Ok(dir) = std::env::var("QALAM_NODE_TESTS") else {
        eprintln!("skipped: QALAM_NODE_TESTS is not set (scripts/test installs @tryghost/content-api in tests/node)");
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let (added, key, stderr) = add_key(data.path(), "ghost client").await;
    assert!(added, "{stderr}");
    let app = spawn_app_with(Options::default().dir(data)).await;
    newsroom(&app).await;
    let address = app.address.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("--test")
            .current_dir(dir)
            .env("QALAM_URL", address)
            .env("QALAM_KEY", key)
            .env("QALAM_EXPECT_SLUG", "grain-deal")
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "the Ghost client failed against Qalam:\n{stdout}\n{stderr}");
    assert!(stdout.contains("# pass 6"), "{stdout}");
}

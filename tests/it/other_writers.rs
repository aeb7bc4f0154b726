//! Another process writing the data directory while the site serves it: a command-line
//! import must show on the running site within seconds, although the page cache of the
//! serving process never heard of it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{ArticleSpec, client, import_with_cli, output_text, spawn_app, write_lines};
use crate::serve_process::start_serve;

/// How long an import may take to show on the site.
const VISIBLE_WITHIN: Duration = Duration::from_secs(3);

/// GETs `url` until its body contains `needle` or `within` passes; the time it took.
pub async fn poll_until_contains(
    http: &reqwest::Client,
    url: &str,
    needle: &str,
    within: Duration,
) -> Option<Duration> {
    let start = Instant::now();
    loop {
        let response = http.get(url).send().await.expect("answered");
        if response.status() == StatusCode::OK && response.text().await.expect("body").contains(needle) {
            return Some(start.elapsed());
        }
        if start.elapsed() > within {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_import_run_by_another_process_shows_on_a_running_qalam_serve_within_3_seconds() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    // Every central bank off: the test talks to nothing but the server it started.
    let no_sources = "[rates.sources]\nnbk = \"\"\nnbkr = \"\"\nnbt = \"\"\ncbu = \"\"\ncbt = \"\"\n";
    std::fs::write(data.path().join(qalam::config::SETTINGS_FILE), no_sources).expect("write qalam.toml");
    let server = start_serve(data.path()).await;
    let http = client();
    let home = format!("{}/", server.address);

    let before = http.get(&home).send().await.expect("home answers");
    assert_eq!(before.status(), StatusCode::OK);
    let before_etag = before.headers().get("etag").expect("ETag").to_str().expect("text").to_owned();
    let before_html = before.text().await.expect("body");
    assert!(before_html.contains("Nothing has been published yet."), "{before_html}");
    let again = http.get(&home).header("if-none-match", &before_etag).send().await.expect("answers");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "the empty home page is cached");

    let fresh = ArticleSpec::new("fresh-from-cli", "Fresh from the command line")
        .published("2025-12-01T06:00:00Z")
        .country("Uzbekistan");
    let file = write_lines(files.path(), "fresh.jsonl", &[fresh.to_json_line()]);
    let output = import_with_cli(&file, data.path()).await;
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("1 created, 0 updated, 0 skipped"), "{stdout}");

    let needle = r#"<a href="/fresh-from-cli/">Fresh from the command line</a>"#;
    let took = poll_until_contains(&http, &home, needle, VISIBLE_WITHIN).await;
    assert!(
        took.is_some(),
        "the home page did not show the import within {VISIBLE_WITHIN:?}; server log:\n{}",
        server.log.lock().expect("log")
    );
    let article = http.get(format!("{}/fresh-from-cli/", server.address)).send().await.expect("answers");
    assert_eq!(article.status(), StatusCode::OK);
    let country = http.get(format!("{}/country/uzbekistan/", server.address)).send().await.expect("answers");
    assert_eq!(country.status(), StatusCode::OK, "the new country archive exists");
    let stale = http.get(&home).header("if-none-match", &before_etag).send().await.expect("answers");
    assert_eq!(stale.status(), StatusCode::OK, "the old validator no longer matches");
}

#[tokio::test]
async fn the_content_watcher_makes_an_in_process_server_show_a_cli_import() {
    let app = spawn_app().await;
    tokio::spawn(qalam::jobs::content_watch::watch_content(Arc::clone(&app.app), Duration::from_millis(200)));
    app.import(&[ArticleSpec::new("first-story", "First story").hours_ago(3)]).await;
    let cached = app.get_text("/").await;
    assert!(!cached.contains("Second story"));

    let files = tempfile::tempdir().expect("files dir");
    let second = ArticleSpec::new("second-story", "Second story").hours_ago(2);
    let file = write_lines(files.path(), "second.jsonl", &[second.to_json_line()]);
    let output = import_with_cli(&file, app.dir.path()).await;
    assert!(output.status.success(), "{}", output_text(&output).1);

    let needle = r#"<a href="/second-story/">Second story</a>"#;
    let took = poll_until_contains(&app.client, &app.url("/"), needle, VISIBLE_WITHIN).await;
    assert!(took.is_some(), "the home page still shows the copy cached before the import");
}

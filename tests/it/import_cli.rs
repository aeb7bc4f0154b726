//! `qalam import jsonl` run as a process: counts, idempotence by slug, bad lines named by
//! number with nothing from them stored, and the exit status.

use reqwest::StatusCode;

use crate::helpers::{
    ArticleSpec, Options, assert_themed_error, card_titled, import_with_cli, numbered, output_text, run_qalam,
    spawn_app_with, write_lines,
};

fn tagged(n: usize) -> Vec<ArticleSpec> {
    numbered(n, "imported", "Imported story").into_iter().map(|a| a.tag("Imported").country("Kyrgyzstan")).collect()
}

fn lines(articles: &[ArticleSpec]) -> Vec<String> {
    articles.iter().map(ArticleSpec::to_json_line).collect()
}

#[tokio::test]
async fn importing_a_file_twice_says_5_created_then_5_updated_and_the_site_keeps_5() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    let articles = tagged(5);
    let file = write_lines(files.path(), "articles.jsonl", &lines(&articles));

    let first = import_with_cli(&file, data.path()).await;
    let (stdout, stderr) = output_text(&first);
    assert!(first.status.success(), "first import failed: {stderr}");
    assert_eq!(stdout, format!("imported {}: 5 created, 0 updated, 0 skipped\n", file.display()));

    let mut changed = articles.clone();
    changed[2].title = "Imported story 03, corrected".to_owned();
    let file = write_lines(files.path(), "articles.jsonl", &lines(&changed));
    let second = import_with_cli(&file, data.path()).await;
    let (stdout, stderr) = output_text(&second);
    assert!(second.status.success(), "second import failed: {stderr}");
    assert_eq!(stdout, format!("imported {}: 0 created, 5 updated, 0 skipped\n", file.display()));

    let app = spawn_app_with(Options::default().dir(data)).await;
    assert_eq!(app.app.store.article_count().await.expect("count"), 5);
    let html = app.get_text("/tag/imported/").await;
    assert!(html.contains(r#"<p class="results-line">Viewing results 1 - 5 of 5</p>"#), "{html}");
    card_titled(&html, "Imported story 03, corrected");
    assert!(!html.contains("Imported story 03<"), "the old headline is gone");
    let country = app.get_text("/country/kyrgyzstan/").await;
    assert!(country.contains(r#"<p class="results-line">Viewing results 1 - 5 of 5</p>"#), "{country}");
}

#[tokio::test]
async fn bad_lines_3_and_5_are_named_skipped_and_stored_nowhere_while_good_lines_import() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    let good = tagged(4);
    let content = vec![
        good[0].to_json_line(),
        good[1].to_json_line(),
        r#"{"title":"Broken line","slug":"broken-three","published_at":"2025-12-05T01:00:00Z","body_html":"<p>x"#
            .to_owned(),
        good[2].to_json_line(),
        r#"{"title":"Undated line","slug":"no-date-five","body_html":"<p>No date.</p>","tags":["Imported"]}"#
            .to_owned(),
        good[3].to_json_line(),
    ];
    let file = write_lines(files.path(), "mixed.jsonl", &content);

    let output = import_with_cli(&file, data.path()).await;
    let (stdout, stderr) = output_text(&output);
    assert!(!output.status.success(), "a file with bad lines must exit non-zero");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout, format!("imported {}: 4 created, 0 updated, 2 skipped\n", file.display()));

    let blamed = |n: usize| stderr.lines().find(|l| l.contains(&format!("line {n}:")));
    let line_3 = blamed(3).unwrap_or_else(|| panic!("line 3 is not named in {stderr}"));
    assert!(line_3.contains("JSON"), "{line_3}");
    let line_5 = blamed(5).unwrap_or_else(|| panic!("line 5 is not named in {stderr}"));
    assert!(line_5.contains("published_at"), "{line_5}");
    for fine in [1, 2, 4, 6] {
        assert_eq!(blamed(fine), None, "line {fine} was blamed: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");

    let app = spawn_app_with(Options::default().dir(data)).await;
    assert_eq!(app.app.store.article_count().await.expect("count"), 4);
    for article in &good {
        assert_eq!(app.get_page(&article.path()).await.status, StatusCode::OK, "{}", article.slug);
    }
    for bad in ["/broken-three/", "/no-date-five/"] {
        assert_themed_error(&app.get_page(bad).await, 404, "Page not found", bad);
    }
    let html = app.get_text("/tag/imported/").await;
    assert!(html.contains("Viewing results 1 - 4 of 4"), "{html}");
    assert!(!html.contains("Undated line") && !html.contains("Broken line"));
}

#[tokio::test]
async fn blank_lines_are_neither_imported_nor_blamed() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    let good = tagged(2);
    let content = vec![good[0].to_json_line(), String::new(), "   ".to_owned(), good[1].to_json_line()];
    let file = write_lines(files.path(), "blank.jsonl", &content);
    let output = import_with_cli(&file, data.path()).await;
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout, format!("imported {}: 2 created, 0 updated, 0 skipped\n", file.display()));
}

#[tokio::test]
async fn more_than_one_batch_of_lines_is_imported_whole_with_the_bad_one_named() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    let mut content: Vec<String> =
        numbered(601, "bulk", "Bulk story").iter().map(|a| a.clone().words(20).tag("Bulk").to_json_line()).collect();
    content[549] = "not json at all".to_owned();
    let file = write_lines(files.path(), "bulk.jsonl", &content);
    let output = import_with_cli(&file, data.path()).await;
    let (stdout, stderr) = output_text(&output);
    assert_eq!(stdout, format!("imported {}: 600 created, 0 updated, 1 skipped\n", file.display()));
    assert!(stderr.contains("line 550:"), "{stderr}");
    assert!(!output.status.success());

    let app = spawn_app_with(Options::default().dir(data)).await;
    let html = app.get_text("/tag/bulk/").await;
    assert!(html.contains("Viewing results 1 - 6 of 600"), "{html}");
    assert_eq!(app.get_page("/bulk-550/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_page("/bulk-601/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_missing_file_is_a_clear_error_not_a_panic() {
    let data = tempfile::tempdir().expect("data dir");
    let missing = data.path().join("nowhere.jsonl");
    let output = import_with_cli(&missing, data.path()).await;
    let (_, stderr) = output_text(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("nowhere.jsonl"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn the_data_directory_can_come_from_qalam_data() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    let file = write_lines(files.path(), "one.jsonl", &lines(&tagged(1)));
    let output = tokio::task::spawn_blocking({
        let (file, data) = (file.clone(), data.path().to_owned());
        move || {
            crate::helpers::qalam_command()
                .arg("import")
                .arg("jsonl")
                .arg(&file)
                .env("QALAM_DATA", data)
                .output()
                .expect("qalam runs")
        }
    })
    .await
    .expect("finished");
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("1 created, 0 updated, 0 skipped"), "{stdout}");
    assert!(data.path().join("qalam.db").exists());
}

#[tokio::test]
async fn qalam_without_a_subcommand_prints_usage_and_fails() {
    let output = run_qalam(Vec::<String>::new()).await;
    let (_, stderr) = output_text(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("Usage"), "{stderr}");
}

//! Every kind of page is valid HTML5, as the Nu HTML Checker (the W3C validator) reads
//! it. `scripts/test` installs the checker and names it in `QALAM_VNU_JAR`; a bare
//! `cargo test` without it says that it skipped.

use std::process::Command;

use crate::helpers::{ArticleSpec, spawn_app};
use crate::media::camera_jpeg;

#[tokio::test]
async fn every_kind_of_page_is_valid_html5() {
    let Ok(jar) = std::env::var("QALAM_VNU_JAR") else {
        eprintln!("skipped: QALAM_VNU_JAR is not set (scripts/test installs the Nu HTML Checker)");
        return;
    };
    let app = spawn_app().await;
    let mut articles: Vec<ArticleSpec> = (0..8)
        .map(|i| {
            ArticleSpec::new(&format!("story-{i}"), &format!("Story <{i}> & \"quotes\""))
                .hours_ago(i64::from(i) + 1)
                .words(120)
                .country("Kazakhstan")
                .section("Economy")
                .tag("Water")
                .author("Aigerim Sadykova")
                .dek("A dek with <markup> & an ampersand")
        })
        .collect();
    articles.push(
        ArticleSpec::new("rich-body", "A body with every kind of markup")
            .hours_ago(10)
            .body("<h2>Heading</h2><p>Text with <a href=\"https://example.org/\">a link</a>, <em>emphasis</em>.</p><ul><li>one</li></ul><blockquote><p>quote</p></blockquote><table><tr><td>cell</td></tr></table><script>alert(1)</script><p onclick=\"x()\">p</p>")
            .country("Kyrgyzstan"),
    );
    app.import(&articles).await;
    // Uploaded featured images: the lead story's and a card's `<picture>`.
    let photo = qalam::publishing::media::add_image(&app.app, camera_jpeg(1200, 800), "steppe.jpg", "Tulips", "", None)
        .await
        .expect("photo stored");
    for (slug, hours) in [("pictured-lead", 0), ("pictured-card", 3)] {
        let mut line = ArticleSpec::new(slug, "A story with an uploaded photo").hours_ago(hours).to_json_line();
        line.insert_str(1, &format!(r#""featured_image":"{}","#, photo.path));
        app.import_text(&format!("{line}\n")).await;
    }
    app.save_rates(&[("KZT", "2025-12-04", "505.10"), ("KZT", "2025-12-05", "505.11"), ("TMT", "2025-12-05", "3.5")])
        .await;
    let pages = [
        "/",
        "/page/2/",
        "/story-0/",
        "/rich-body/",
        "/pictured-lead/",
        "/country/kazakhstan/",
        "/section/economy/",
        "/tag/water/",
        "/tag/water/page/2/",
        "/author/aigerim-sadykova/",
        "/2025/12/",
        "/no-such-page/",
    ];
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut files = Vec::new();
    for (i, path) in pages.iter().enumerate() {
        let page = app.get_page(path).await;
        let file = dir.path().join(format!("page-{i}.html"));
        std::fs::write(&file, &page.bytes).expect("write page");
        files.push(file);
    }
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(&files)
        .output()
        .expect("the Nu HTML Checker runs (java -jar $QALAM_VNU_JAR)");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && report.trim().is_empty(), "invalid HTML:\n{report}\npages: {pages:?}");
}

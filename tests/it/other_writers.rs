//! Another process writing the data directory while the site serves it: a command-line
//! import must show on the running site within seconds, although the page cache of the
//! serving process never heard of it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{ArticleSpec, client, import_with_cli, output_text, qalam_command, spawn_app, write_lines};

/// How long an import may take to show on the site.
const VISIBLE_WITHIN: Duration = Duration::from_secs(3);

/// A `qalam serve` process, ended when dropped.
pub struct ServeProcess {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// Its log so far.
    pub log: Arc<Mutex<String>>,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Removes terminal colour sequences from a log line.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Starts `qalam serve --data DIR --addr 127.0.0.1:0` and reads the address it bound
/// from its log.
pub async fn start_serve(data: &std::path::Path) -> ServeProcess {
    let mut child = qalam_command()
        .arg("serve")
        .arg("--data")
        .arg(data)
        .args(["--addr", "127.0.0.1:0"])
        .env("QALAM_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qalam serve starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let log = Arc::new(Mutex::new(String::new()));
    let (found, address) = mpsc::channel();
    let kept = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let line = strip_ansi(&line);
            if line.contains("serving")
                && let Some(rest) = line.split("address=").nth(1)
            {
                let _ = found.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
            }
            kept.lock().expect("log lock").push_str(&format!("{line}\n"));
        }
    });
    let address = tokio::task::spawn_blocking(move || address.recv_timeout(Duration::from_secs(30)))
        .await
        .expect("waited")
        .unwrap_or_else(|_| panic!("qalam serve never said where it listens: {}", log.lock().expect("log")));
    ServeProcess { child, address: format!("http://{address}"), log }
}

/// GETs `url` until its body contains `needle` or `within` passes; the time it took.
async fn poll_until_contains(http: &reqwest::Client, url: &str, needle: &str, within: Duration) -> Option<Duration> {
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

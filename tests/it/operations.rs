//! What operators rely on: health and readiness probes, Prometheus metrics, a graceful
//! stop on SIGTERM, and `qalam backup` while the site serves.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Cursor;
use std::time::{Duration, Instant};

use qalam::cache::PageCache;
use qalam::publishing::jsonl::import_jsonl;
use qalam::store::SqliteStore;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{
    ArticleSpec, Options, TestApp, jsonl, now, numbered, output_text, run_qalam, spawn_app, spawn_app_with,
};
use crate::serve_process::start_serve;

/// Every central bank off: a served process talks to nothing but its tests.
const NO_RATE_SOURCES: &str = "[rates.sources]\nnbk = \"\"\nnbkr = \"\"\nnbt = \"\"\ncbu = \"\"\ncbt = \"\"\n";

/// GETs `/readyz` until it answers 200; panics with its last answer after `within`.
async fn wait_until_ready(app: &TestApp, within: Duration) {
    let start = Instant::now();
    loop {
        let page = app.get_page("/readyz").await;
        if page.status == StatusCode::OK {
            return;
        }
        assert!(start.elapsed() < within, "never ready: {} {}", page.status, page.text());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The value of the sample `name{labels}` as written in `text`, if there is one.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test]
async fn healthz_answers_200_and_is_never_cached() {
    let app = spawn_app().await;
    let page = app.get_page("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(), "ok\n");
    assert_eq!(page.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn readyz_answers_200_once_the_search_index_has_caught_up_with_the_database() {
    let app = spawn_app().await;
    app.import(&numbered(3, "story", "Story")).await;
    wait_until_ready(&app, Duration::from_secs(10)).await;
    let page = app.get_page("/readyz").await;
    assert_eq!((page.status, page.text().as_str()), (StatusCode::OK, "ready\n"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn readyz_answers_503_with_the_reason_while_the_index_is_behind_the_database() {
    // A database of articles that no index has seen yet, as after deleting `search/`.
    let dir = tempfile::tempdir().expect("data dir");
    let store = qalam::app::open_store(dir.path(), &Default::default()).await.expect("store opens");
    let text = jsonl(&numbered(1500, "story", "Story"));
    import_jsonl(store.as_ref(), &PageCache::new(false, 0), Cursor::new(text), now(), &|_| {})
        .await
        .expect("import runs");
    drop(store);

    let app = spawn_app_with(Options::default().dir(dir)).await;
    let page = app.get_page("/readyz").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.text());
    assert!(page.text().contains("search index is catching up"), "{}", page.text());
    assert_eq!(page.header("cache-control"), Some("no-store"));
    wait_until_ready(&app, Duration::from_secs(60)).await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_status_class() {
    let app = spawn_app().await;
    let story = ArticleSpec::new("bishkek-budget", "Bishkek budget");
    app.import(std::slice::from_ref(&story)).await;
    for _ in 0..2 {
        assert_eq!(app.get_page(&story.path()).await.status, StatusCode::OK);
    }
    assert_eq!(app.get_page("/tag/no-such-topic/").await.status, StatusCode::NOT_FOUND);

    let metrics = app.get_page("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert_eq!(metrics.header("cache-control"), Some("no-store"));
    let text = metrics.text();
    assert_eq!(sample(&text, r#"qalam_http_requests_total{route="/{slug}/",status="2xx"}"#), Some(2.0), "{text}");
    assert_eq!(sample(&text, r#"qalam_http_requests_total{route="/tag/{slug}/",status="4xx"}"#), Some(1.0), "{text}");
    assert_eq!(
        sample(&text, r#"qalam_http_request_duration_seconds_count{route="/{slug}/",status="2xx"}"#),
        Some(2.0),
        "{text}"
    );
    assert!(!text.contains("bishkek-budget"), "paths asked for never become labels:\n{text}");
}

#[tokio::test]
async fn a_repeated_page_request_counts_as_a_page_cache_hit() {
    let app = spawn_app().await;
    app.import(&numbered(2, "story", "Story")).await;
    let hits = |text: &str| sample(text, "qalam_page_cache_hits_total").expect("a hit counter");
    let misses = |text: &str| sample(text, "qalam_page_cache_misses_total").expect("a miss counter");
    let before = app.get_text("/metrics").await;
    app.get_text("/").await;
    app.get_text("/").await;
    let after = app.get_text("/metrics").await;
    assert_eq!(misses(&after) - misses(&before), 1.0, "{after}");
    assert_eq!(hits(&after) - hits(&before), 1.0, "{after}");
}

#[tokio::test]
async fn metrics_are_valid_exposition_text_with_index_lag_job_and_pool_figures() {
    let app = spawn_app().await;
    app.import(&numbered(2, "story", "Story")).await;
    wait_until_ready(&app, Duration::from_secs(10)).await;
    app.get_text("/").await;
    let metrics = app.get_page("/metrics").await;
    let content_type = metrics.header("content-type").expect("a content type");
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    let text = metrics.text();
    let families = check_exposition(&text);
    for family in [
        "qalam_http_requests",
        "qalam_http_request_duration_seconds",
        "qalam_page_cache_hits",
        "qalam_page_cache_misses",
        "qalam_search_index_caught_up",
        "qalam_search_index_lag_versions",
        "qalam_search_index_lag_articles",
        "qalam_job_runs",
        "qalam_db_pool_connections",
        "qalam_db_pool_in_use",
    ] {
        assert!(families.contains(family), "{family} missing from:\n{text}");
    }
    assert_eq!(sample(&text, "qalam_search_index_caught_up"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "qalam_search_index_lag_versions"), Some(0.0), "{text}");
    let updates = sample(&text, r#"qalam_job_runs_total{job="search_index_update",outcome="success"}"#);
    assert!(updates.is_some_and(|n| n >= 1.0), "{text}");
    assert!(sample(&text, "qalam_db_pool_connections").is_some_and(|n| n >= 1.0), "{text}");
}

/// Checks every line of an OpenMetrics text exposition and returns the families it
/// declares: each sample belongs to a family declared before it by `# TYPE`, has a
/// well-formed name, labels and value, and the text ends with `# EOF`.
fn check_exposition(text: &str) -> HashSet<String> {
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit()))
    };
    let mut families = HashSet::new();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "the text ends with # EOF");
    for line in &lines[..lines.len() - 1] {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut parts = comment.splitn(3, ' ');
            let (keyword, name) = (parts.next().expect("keyword"), parts.next().expect("a family name"));
            assert!(is_name(name), "bad family name in {line:?}");
            match keyword {
                "TYPE" => {
                    let kind = parts.next().expect("a type");
                    assert!(["counter", "gauge", "histogram", "info", "unknown"].contains(&kind), "{line:?}");
                    families.insert(name.to_owned());
                }
                "HELP" | "UNIT" => {}
                other => panic!("unknown comment {other:?} in {line:?}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value in {line:?}"));
        assert!(value.parse::<f64>().is_ok(), "bad value in {line:?}");
        let name = match series.split_once('{') {
            Some((name, labels)) => {
                let labels = labels.strip_suffix('}').unwrap_or_else(|| panic!("labels not closed in {line:?}"));
                for pair in labels.split("\",").filter(|p| !p.is_empty()) {
                    let (label, quoted) = pair.split_once('=').unwrap_or_else(|| panic!("bad label in {line:?}"));
                    assert!(is_name(label) && quoted.starts_with('"'), "bad label {pair:?} in {line:?}");
                }
                name
            }
            None => series,
        };
        assert!(is_name(name), "bad sample name in {line:?}");
        let family = ["_total", "_bucket", "_count", "_sum", "_created"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix).filter(|f| families.contains(*f)))
            .unwrap_or(name);
        assert!(families.contains(family), "{name} has no # TYPE before it");
    }
    families
}

#[tokio::test]
async fn metrics_answer_404_when_turned_off() {
    let app = spawn_app_with(Options::default().toml("[operations]\nmetrics = false\n")).await;
    assert_eq!(app.get_page("/metrics").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_page("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn sigterm_lets_a_slow_download_finish_refuses_new_connections_and_exits_0() {
    const SIZE: usize = 48 * 1024 * 1024;
    let data = tempfile::tempdir().expect("data dir");
    std::fs::write(data.path().join(qalam::config::SETTINGS_FILE), NO_RATE_SOURCES).expect("write qalam.toml");
    let media = data.path().join(qalam::app::MEDIA_DIR);
    std::fs::create_dir_all(&media).expect("media dir");
    let bytes: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    std::fs::write(media.join("big.bin"), &bytes).expect("write a large file");
    let mut server = start_serve(data.path()).await;
    let authority = server.address.trim_start_matches("http://").to_owned();

    // A client that reads slowly: the answer cannot be sent before the signal comes.
    let mut stream = TcpStream::connect(&authority).await.expect("connect");
    let request = format!("GET /media/big.bin HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut received = vec![0u8; 64 * 1024];
    let first = stream.read(&mut received).await.expect("the answer starts");
    received.truncate(first);

    let killed =
        std::process::Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().expect("kill runs");
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(server.child.try_wait().expect("status").is_none(), "the server waits for the download");
    assert!(TcpStream::connect(&authority).await.is_err(), "no new connection is accepted");

    stream.read_to_end(&mut received).await.expect("the answer completes");
    let head_end = received.windows(4).position(|w| w == b"\r\n\r\n").expect("headers end") + 4;
    let head = String::from_utf8_lossy(&received[..head_end]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(received[head_end..] == bytes[..], "the whole file arrives ({} bytes)", received.len() - head_end);

    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("status") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the server never exited");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = server.log.lock().expect("log").clone();
    assert!(status.success(), "exit status {status}; log:\n{log}");
}

/// `qalam backup DEST --data DATA` as a process.
async fn backup(data: &std::path::Path, dest: &std::path::Path) -> std::process::Output {
    run_qalam([OsString::from("backup"), dest.into(), "--data".into(), data.into()]).await
}

#[tokio::test]
async fn backup_while_serving_copies_a_database_that_opens_with_the_articles_and_the_media_files() {
    let app = spawn_app().await;
    app.import(&numbered(12, "story", "Story")).await;
    let uploads = app.dir.path().join(qalam::app::MEDIA_DIR).join("uploads/2025/12");
    std::fs::create_dir_all(&uploads).expect("media dir");
    std::fs::write(uploads.join("aral-0123456789.jpg"), b"not really a JPEG").expect("write media");
    std::fs::write(uploads.join(".half-written.jpg.part"), b"half").expect("write media");
    app.get_text("/").await;

    let target = tempfile::tempdir().expect("backup dir");
    let dest = target.path().join("nightly");
    // Readers and a writer keep the database busy while the copy is taken.
    let busy = async {
        for i in 0..20 {
            app.get_text("/").await;
            app.import(&[ArticleSpec::new(&format!("late-{i}"), "Late story")]).await;
        }
    };
    let (output, ()) = tokio::join!(backup(app.dir.path(), &dest), busy);
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("qalam.db") && stdout.contains("articles"), "{stdout}");
    assert!(stdout.contains("media: 1 files"), "{stdout}");

    let copy = SqliteStore::open(&dest.join("qalam.db")).expect("the copy opens");
    let count = qalam::store::Store::article_count(&copy).await.expect("count");
    assert!((12..=32).contains(&count), "{count} articles in the copy");
    assert_eq!(
        std::fs::read(dest.join("media/uploads/2025/12/aral-0123456789.jpg")).expect("media copied"),
        b"not really a JPEG"
    );
    assert!(!dest.join("media/uploads/2025/12/.half-written.jpg.part").exists(), "files being written are left out");
}

#[tokio::test]
async fn backup_refuses_a_destination_that_is_not_empty() {
    let app = spawn_app().await;
    app.import(&numbered(1, "story", "Story")).await;
    let dest = tempfile::tempdir().expect("backup dir");
    std::fs::write(dest.path().join("keep.txt"), b"mine").expect("write");
    let output = backup(app.dir.path(), dest.path()).await;
    let (_, stderr) = output_text(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(std::fs::read(dest.path().join("keep.txt")).expect("kept"), b"mine");
}

#[tokio::test]
async fn backup_of_a_postgresql_newsroom_points_to_pg_dump_and_writes_nothing() {
    let data = tempfile::tempdir().expect("data dir");
    let target = tempfile::tempdir().expect("backup dir");
    let dest = target.path().join("nightly");
    let output = run_qalam([
        OsString::from("backup"),
        dest.clone().into(),
        "--data".into(),
        data.path().into(),
        "--database-url".into(),
        "postgres://qalam@db.invalid/qalam".into(),
    ])
    .await;
    let (_, stderr) = output_text(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(!dest.exists(), "nothing written");
}

//! Several `qalam serve` processes on one PostgreSQL database behave as one site: a
//! change on one node reaches every node's pages and search within a second, jobs run
//! on one node at a time and move when it dies, a late node catches up, and the site
//! recovers by itself from a database restart. Each test gets a database of its own
//! (see `test_database`) and skips, saying so, when no PostgreSQL is configured.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tempfile::TempDir;
use tokio_postgres::NoTls;

use crate::admin::{article_id, owner_at, write};
use crate::helpers::{ArticleSpec, Options, client, output_text, run_qalam, spawn_app_with, write_lines};
use crate::other_writers::poll_until_contains;
use crate::serve_process::{ServeProcess, start_serve_with};
use crate::test_database::TestDatabase;

/// How long a change on one node may take to show on another.
const WITHIN_A_SECOND: Duration = Duration::from_secs(1);

/// A node: its own data directory (search index), the shared database.
struct Node {
    process: ServeProcess,
    _data: TempDir,
}

impl Node {
    async fn start(database_url: &str) -> Self {
        let data = tempfile::tempdir().expect("data directory");
        // Every central bank off: the test talks to nothing but its own servers.
        let no_sources = "[rates.sources]\nnbk = \"\"\nnbkr = \"\"\nnbt = \"\"\ncbu = \"\"\ncbt = \"\"\n";
        std::fs::write(data.path().join(qalam::config::SETTINGS_FILE), no_sources).expect("write qalam.toml");
        let process = start_serve_with(data.path(), &[("QALAM_DATABASE_URL", database_url)]).await;
        Self { process, _data: data }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.process.address)
    }

    fn log(&self) -> String {
        self.process.log.lock().expect("log").clone()
    }

    fn pid(&self) -> u32 {
        self.process.child.id()
    }
}

/// Imports JSON lines into the database through the command line.
async fn import(database_url: &str, lines: &[String]) {
    let files = tempfile::tempdir().expect("files");
    let file = write_lines(files.path(), "articles.jsonl", lines);
    let data = tempfile::tempdir().expect("data");
    let output = run_qalam([
        "import".into(),
        "jsonl".into(),
        file.into_os_string(),
        "--data".into(),
        data.path().as_os_str().to_owned(),
        "--database-url".into(),
        database_url.into(),
    ])
    .await;
    let (_, stderr) = output_text(&output);
    assert!(output.status.success(), "import failed: {stderr}");
}

/// A JSON line of an article scheduled for `at` (RFC 3339).
fn scheduled(slug: &str, title: &str, at: &str) -> String {
    let line = ArticleSpec::new(slug, title).published(at).country("Kyrgyzstan").to_json_line();
    line.replacen('{', r#"{"status":"scheduled","#, 1)
}

/// An instant `seconds` from now, RFC 3339.
fn in_seconds(seconds: i64) -> String {
    jiff::Timestamp::now().checked_add(jiff::Span::new().seconds(seconds)).expect("in range").to_string()
}

/// The process id of the node holding the lock of scheduled publishing, read from
/// PostgreSQL's lock table and the `qalam-<pid>` names of the nodes' connections. The
/// lock table covers the whole server, so only this test's database is looked at: tests
/// running at the same time hold the same lock in theirs.
async fn publishing_leader(database_url: &str) -> Option<u32> {
    let (client, connection) = tokio_postgres::connect(database_url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    let key = qalam::store::Job::ScheduledPublishing.lock_key();
    let row = client
        .query_opt(
            "SELECT a.application_name::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND ((l.classid::bigint << 32) | l.objid::bigint) = $1",
            &[&key],
        )
        .await
        .expect("locks");
    row.and_then(|r| r.get::<_, String>(0).strip_prefix("qalam-").and_then(|pid| pid.parse().ok()))
}

async fn wait_for_leader(database_url: &str) -> u32 {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Some(pid) = publishing_leader(database_url).await {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no node took the lead of scheduled publishing within 10 s");
}

#[tokio::test]
async fn a_publish_on_one_node_reaches_the_other_nodes_pages_and_search_within_a_second() {
    let Some(db) = TestDatabase::create("a_publish_on_one_node_reaches_the_other_nodes_pages_and_search").await else {
        return;
    };
    let (a, b) = tokio::join!(Node::start(&db.url), Node::start(&db.url));
    let http = client();
    let home = http.get(b.url("/")).send().await.expect("home on B");
    assert_eq!(home.status(), StatusCode::OK);
    assert!(!home.text().await.expect("body").contains("Water talks in Bishkek"));

    let mut editor = owner_at(&a.process.address).await;
    let page = write(&mut editor, "Water talks in Bishkek", "publish", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert!(!article_id(&page).is_empty());

    let on_page = poll_until_contains(&http, &b.url("/"), "Water talks in Bishkek", WITHIN_A_SECOND).await;
    assert!(on_page.is_some(), "node B's home page did not show A's publish within a second; B's log:\n{}", b.log());
    let found = poll_until_contains(&http, &b.url("/search?q=Bishkek+water"), "Water talks", WITHIN_A_SECOND).await;
    assert!(found.is_some(), "node B's search did not find A's publish within a second; B's log:\n{}", b.log());
    drop((a, b));
    db.drop_database().await;
}

#[tokio::test]
async fn a_scheduled_article_is_published_exactly_once_with_two_nodes_running() {
    let Some(db) = TestDatabase::create("a_scheduled_article_is_published_exactly_once_with_two_nodes").await else {
        return;
    };
    let (a, b) = tokio::join!(Node::start(&db.url), Node::start(&db.url));
    wait_for_leader(&db.url).await;
    import(&db.url, &[scheduled("dawn-edition", "Dawn edition", &in_seconds(2))]).await;
    let http = client();
    let shown = poll_until_contains(&http, &a.url("/"), "Dawn edition", Duration::from_secs(6)).await;
    assert!(shown.is_some(), "the scheduled article was never published; logs:\n{}\n{}", a.log(), b.log());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let publishes = |log: String| log.matches("published scheduled articles").count();
    assert_eq!(publishes(a.log()) + publishes(b.log()), 1, "logs:\nA:\n{}\nB:\n{}", a.log(), b.log());
    drop((a, b));
    db.drop_database().await;
}

#[tokio::test]
async fn when_the_node_leading_scheduled_publishing_dies_another_takes_over() {
    let Some(db) = TestDatabase::create("when_the_node_leading_scheduled_publishing_dies_another_takes_over").await
    else {
        return;
    };
    let (a, b) = tokio::join!(Node::start(&db.url), Node::start(&db.url));
    let leader = wait_for_leader(&db.url).await;
    let (mut dead, survivor) = if leader == a.pid() { (a, b) } else { (b, a) };
    assert_eq!(leader, dead.pid(), "the lock is held by one of the two nodes");
    dead.process.child.kill().expect("kill the leader");
    dead.process.child.wait().expect("the leader ended");

    import(&db.url, &[scheduled("after-the-fall", "After the fall", &in_seconds(2))]).await;
    let http = client();
    let shown = poll_until_contains(&http, &survivor.url("/"), "After the fall", Duration::from_secs(8)).await;
    assert!(shown.is_some(), "the surviving node did not take over; its log:\n{}", survivor.log());
    assert_eq!(wait_for_leader(&db.url).await, survivor.pid());
    drop((dead, survivor));
    db.drop_database().await;
}

#[tokio::test]
async fn a_node_started_late_builds_its_search_index_from_the_database() {
    let Some(db) = TestDatabase::create("a_node_started_late_builds_its_search_index_from_the_database").await else {
        return;
    };
    let first = Node::start(&db.url).await;
    let lines: Vec<String> = (0..3)
        .map(|i| {
            ArticleSpec::new(&format!("caravan-{i}"), &format!("Caravan route {i}"))
                .published("2025-12-01T06:00:00Z")
                .to_json_line()
        })
        .collect();
    import(&db.url, &lines).await;
    let late = Node::start(&db.url).await;
    let http = client();
    let found = poll_until_contains(
        &http,
        &late.url("/search?q=caravan"),
        "Viewing results 1 - 3 of 3",
        Duration::from_secs(10),
    )
    .await;
    assert!(found.is_some(), "the late node's search never caught up; its log:\n{}", late.log());
    drop((first, late));
    db.drop_database().await;
}

/// A PostgreSQL server of the test's own, so that restarting it disturbs no other
/// test: `initdb` into a temporary directory owned by the `postgres` account.
struct PrivateServer {
    dir: TempDir,
    port: u16,
    pg_ctl: std::path::PathBuf,
}

impl PrivateServer {
    fn start() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql").ok()?.flatten().map(|e| e.path().join("bin")).next()?;
        let dir = tempfile::tempdir().ok()?;
        let owned = std::process::Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status();
        if !owned.is_ok_and(|s| s.success()) {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let data = dir.path().join("data");
        let as_postgres = |program: &Path| {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        };
        let init = as_postgres(&bin.join("initdb")).args(["-A", "trust", "-U", "postgres", "-D"]).arg(&data).output();
        if !init.is_ok_and(|o| o.status.success()) {
            return None;
        }
        let server = Self { port, pg_ctl: bin.join("pg_ctl"), dir };
        server.ctl("start").then_some(server)
    }

    fn ctl(&self, action: &str) -> bool {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        std::process::Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(&self.pg_ctl)
            .args([action, "-w", "-m", "fast", "-o", &options, "-D"])
            .arg(self.dir.path().join("data"))
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        self.ctl("stop");
    }
}

#[tokio::test]
async fn the_site_recovers_by_itself_after_postgresql_restarts_under_traffic() {
    if std::env::var(crate::test_database::URL_VARIABLE).is_err() {
        eprintln!("skipped: PostgreSQL tests are not configured");
        return;
    }
    let Some(server) = tokio::task::spawn_blocking(PrivateServer::start).await.expect("joined") else {
        eprintln!("skipped: cannot start a private PostgreSQL server (needs initdb and the postgres account)");
        return;
    };
    let url = server.url();
    let node = Node::start(&url).await;
    import(&url, &[ArticleSpec::new("steady", "Steady as she goes").published("2025-12-01T06:00:00Z").to_json_line()])
        .await;
    let http = client();
    // The page cache would hide the outage: ask for pages that are never cached alike.
    let page = |n: u32| node.url(&format!("/search?q=steady&n={n}"));
    assert!(poll_until_contains(&http, &page(0), "Steady as she goes", Duration::from_secs(5)).await.is_some());

    let restarted = tokio::task::spawn_blocking(move || {
        let ok = server.ctl("restart");
        (server, ok)
    });
    let mut statuses = Vec::new();
    for n in 1..=40 {
        let status = http.get(page(n)).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
        statuses.push(status);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (server, ok) = restarted.await.expect("joined");
    assert!(ok, "PostgreSQL restarted");
    assert!(statuses.iter().all(|s| matches!(s, 200 | 503)), "only 200s and 503s during the restart: {statuses:?}");
    let recovered =
        poll_until_contains(&http, &node.url("/steady/"), "Steady as she goes", Duration::from_secs(10)).await;
    assert!(recovered.is_some(), "the node did not recover; its log:\n{}", node.log());
    let api = http.get(node.url("/api/v1/articles")).send().await.expect("answers");
    assert_eq!(api.status(), StatusCode::OK, "a query after the restart works");
    drop(node);
    drop(server);
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after_instead_of_hanging() {
    let Some(db) = TestDatabase::create("an_exhausted_pool_answers_503_with_retry_after_instead_of_hanging").await
    else {
        return;
    };
    let app = spawn_app_with(
        Options::default()
            .env("QALAM_DATABASE_URL", &db.url)
            .env("QALAM_DATABASE_POOL_SIZE", "1")
            .env("QALAM_DATABASE_POOL_WAIT_MS", "300"),
    )
    .await;
    // Another session locks the articles, so the node's one connection stays busy
    // answering the first request.
    let (locker, connection) = tokio_postgres::connect(&db.url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    locker.batch_execute("BEGIN; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE").await.expect("lock");
    let first = tokio::spawn({
        let request = app.client.get(app.url("/"));
        async move { request.send().await.expect("answered").status() }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let second = app.client.get(app.url("/api/v1/articles")).send().await.expect("answered");
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    assert!(started.elapsed() < Duration::from_secs(3), "answered after the pool's wait, not hung");
    locker.batch_execute("COMMIT").await.expect("unlock");
    // The home page asks the store several things at once, so with one connection even
    // the first request may have been told to retry; neither waits without end.
    let first = first.await.expect("first request");
    assert!(matches!(first, StatusCode::OK | StatusCode::SERVICE_UNAVAILABLE), "{first}");
    let after = app.client.get(app.url("/api/v1/articles")).send().await.expect("answered");
    assert_eq!(after.status(), StatusCode::OK, "served again once a connection is free");
    drop(app);
    db.drop_database().await;
}

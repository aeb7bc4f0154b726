//! Fresh PostgreSQL databases for tests. `QALAM_TEST_DATABASE_URL` names a server and
//! a database to connect to first (`scripts/test` sets it to the local server when one
//! answers); each test gets a database of its own, created here and dropped after.
//! Without the variable, PostgreSQL tests say they skipped.

use std::sync::atomic::{AtomicU32, Ordering};

use tokio_postgres::NoTls;

/// The variable that names the PostgreSQL server tests may use.
pub const URL_VARIABLE: &str = "QALAM_TEST_DATABASE_URL";

/// A database created for one test.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl TestDatabase {
    /// A new empty database on the configured server, or `None` (with a line saying the
    /// test skipped PostgreSQL) when none is configured.
    pub async fn create(test: &str) -> Option<Self> {
        let Ok(admin_url) = std::env::var(URL_VARIABLE) else {
            eprintln!("{test}: skipped on PostgreSQL: {URL_VARIABLE} is not set");
            return None;
        };
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("qalam_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let (client, connection) = tokio_postgres::connect(&admin_url, NoTls).await.expect("connect to PostgreSQL");
        tokio::spawn(connection);
        drop_abandoned(&client).await;
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await.expect("drop old database");
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create test database");
        let url = with_database(&admin_url, &name);
        Some(Self { admin_url, name, url })
    }

    /// Drops the database, ending any connection still open to it.
    pub async fn drop_database(self) {
        if let Ok((client, connection)) = tokio_postgres::connect(&self.admin_url, NoTls).await {
            tokio::spawn(connection);
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await;
        }
    }
}

/// Drops the databases of test runs whose process has ended (a test that failed before
/// dropping its own), so that failures leave nothing behind for long.
async fn drop_abandoned(client: &tokio_postgres::Client) {
    let Ok(rows) =
        client.query("SELECT datname::text FROM pg_database WHERE datname LIKE 'qalam\\_test\\_%'", &[]).await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid = name.trim_start_matches("qalam_test_").split('_').next().unwrap_or_default();
        if !pid.is_empty() && !std::path::Path::new("/proc").join(pid).exists() {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

//! One store conformance suite for every engine: each test runs against SQLite, and
//! against PostgreSQL when `QALAM_TEST_DATABASE_URL` names a server (a fresh database
//! per test). The tests speak only through the `Store` trait the site uses.

mod catalog;
mod content;
mod media;
mod newsroom;
mod schema;

use std::sync::Arc;

use jiff::Timestamp;
use qalam::domain::article::{ArticleDraft, AuthorRef, Language, Status, TagRef};
use qalam::domain::body::{Body, BodySource};
use qalam::domain::slug::Slug;
use qalam::domain::taxonomy::TagKind;
use qalam::store::{PostgresOptions, PostgresStore, SqliteStore, Store};
use tempfile::TempDir;

use crate::test_database::TestDatabase;

/// A store under test and what keeps it alive.
pub struct Backend {
    /// `sqlite` or `postgres`, for assertion messages.
    pub name: &'static str,
    /// The store.
    pub store: Arc<dyn Store>,
    _dir: TempDir,
    database: Option<TestDatabase>,
}

impl Backend {
    /// Releases the store and drops its database.
    pub async fn finish(self) {
        drop(self.store);
        if let Some(database) = self.database {
            database.drop_database().await;
        }
    }
}

/// A fresh store of each configured engine.
pub async fn backends(test: &str) -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = SqliteStore::open(&dir.path().join("qalam.db")).expect("open SQLite");
    let mut all = vec![Backend { name: "sqlite", store: Arc::new(sqlite), _dir: dir, database: None }];
    if let Some(database) = TestDatabase::create(test).await {
        let store = PostgresStore::connect(postgres_options(&database.url)).await.expect("open PostgreSQL");
        let dir = tempfile::tempdir().expect("temporary directory");
        all.push(Backend { name: "postgres", store: Arc::new(store), _dir: dir, database: Some(database) });
    }
    all
}

/// Pool settings for tests: small, with short waits.
pub fn postgres_options(url: &str) -> PostgresOptions {
    PostgresOptions {
        url: url.to_owned(),
        pool_size: 4,
        wait: std::time::Duration::from_secs(5),
        connect: std::time::Duration::from_secs(5),
    }
}

/// An instant `hours` after a fixed one.
pub fn at(hours: i64) -> Timestamp {
    Timestamp::from_second(1_764_910_800 + hours * 3600).expect("in range")
}

/// A published English article by `author` in `country`, with a Markdown body.
pub fn draft(slug: &str, author: &str, country: &str, published: Timestamp) -> ArticleDraft {
    ArticleDraft {
        slug: Slug::parse(slug).expect("slug"),
        title: format!("Headline of {slug}"),
        dek: Some(format!("Dek of {slug}")),
        body: Body::from_source(BodySource::Markdown(format!("First paragraph of {slug}.\n\nSecond *paragraph*."))),
        excerpt: None,
        status: Status::Published,
        published_at: published,
        language: Language::parse("en").expect("language"),
        featured_image: None,
        authors: vec![AuthorRef { slug: Slug::parse(&slugify(author)).expect("slug"), name: author.to_owned() }],
        tags: vec![
            TagRef {
                kind: TagKind::Country,
                slug: Slug::parse(&slugify(country)).expect("slug"),
                name: country.to_owned(),
            },
            TagRef { kind: TagKind::Topic, slug: Slug::parse("water").expect("slug"), name: "Water".to_owned() },
        ],
    }
}

fn slugify(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

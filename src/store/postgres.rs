//! The PostgreSQL store, for several Qalam nodes serving one newsroom.
//!
//! Connections come from a pool with a fixed size and a wait limit: when every
//! connection is busy for longer than the limit, a call fails with
//! [`StoreError::Busy`] (the site answers 503 with `Retry-After`) instead of queueing
//! without end. Writes run in transactions that first take one transaction-scoped
//! advisory lock, so writers from every node take turns exactly as SQLite's single
//! writer does, and the check-then-write steps of the newsroom (a free slug, a version
//! not overtaken) need no retry loops. Readers never wait for that lock.

use std::str::FromStr;
use std::sync::OnceLock;

use std::time::Duration;

use async_trait::async_trait;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime, Timeouts};
use jiff::Timestamp;
use jiff::civil::Date;
use tokio::sync::watch;
use tokio_postgres::{NoTls, Row};

use super::kept::Kept;
use super::migrations::apply_postgres;
use super::{
    ApiKeyInfo, ArticleQuery, ArticleStamp, AuthorStats, ImportOutcome, ImportedArticle, ImportedAuthor, KeyAdded,
    Listing, ListingFilter, OfficialRate, PoolStatus, RateHistory, Redirect, SaveOutcome, SitemapEntry, Store,
    TagBlock, TagStats,
};
use super::{StoreError, StoreResult};
use crate::domain::article::{Article, ArticleDraft, ArticleSummary, Language, Status};
use crate::domain::people::Author;
use crate::domain::picture::Picture;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};

mod catalog;
mod coordination;
mod imports;
mod media;
mod newsroom;
mod profiles;
mod rates;
mod reading;
mod writing;

/// The key of the advisory lock every writing transaction takes first.
const WRITE_LOCK: i64 = 0x7161_6c61_6d01;

/// How a node connects to PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// `postgres://user@host:port/database`, or a key=value connection string.
    pub url: String,
    /// Connections kept open at most.
    pub pool_size: usize,
    /// How long a call waits for a free connection before the store answers busy.
    pub wait: Duration,
    /// How long opening a new connection may take.
    pub connect: Duration,
}

/// The PostgreSQL store.
pub struct PostgresStore {
    pool: Pool,
    /// Where connections go, named `qalam-<pid>` in `pg_stat_activity`, with the
    /// connect timeout of the options.
    config: tokio_postgres::Config,
    /// Word of content changes, started by the first caller that wants it.
    notices: OnceLock<watch::Receiver<u64>>,
    /// The connection this node last asked for a job's lock on, without getting it.
    candidate: std::sync::Mutex<Option<tokio_postgres::Client>>,
    /// Listing sizes and the names on cards, read once per content version.
    kept: Kept,
}

impl PostgresStore {
    /// Connects, applies migrations (one node at a time) and keeps a pool.
    pub async fn connect(options: PostgresOptions) -> StoreResult<Self> {
        let mut config = tokio_postgres::Config::from_str(&options.url)
            .map_err(|e| StoreError::Invalid(format!("database URL: {e}")))?;
        config.application_name(format!("qalam-{}", std::process::id()));
        config.connect_timeout(options.connect);
        // Every statement is prepared once per connection and its plan does not depend
        // on the values bound (ids, dates, limits all walk the same indexes): planning
        // it anew on each execution, as PostgreSQL does by default until it trusts a
        // generic plan, cost more than running it.
        let given = config.get_options().unwrap_or_default().to_owned();
        config.options(format!("{given} -c plan_cache_mode=force_generic_plan").trim_start());
        let manager =
            Manager::from_config(config.clone(), NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(options.pool_size)
            .timeouts(Timeouts {
                wait: Some(options.wait),
                create: Some(options.connect),
                recycle: Some(options.connect),
            })
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Invalid(format!("database pool: {e}")))?;
        let store = Self {
            pool,
            config,
            notices: OnceLock::new(),
            candidate: std::sync::Mutex::new(None),
            kept: Kept::default(),
        };
        let mut client = store.client().await?;
        apply_postgres(&mut client).await?;
        Ok(store)
    }

    /// A connection from the pool.
    async fn client(&self) -> StoreResult<Object> {
        self.pool.get().await.map_err(pool_error)
    }
}

/// Opens a transaction that holds the write lock until it ends.
async fn write_transaction(client: &mut Object) -> StoreResult<deadpool_postgres::Transaction<'_>> {
    let tx = client.transaction().await.map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).await.map_err(db)?;
    Ok(tx)
}

fn pool_error(e: PoolError) -> StoreError {
    match e {
        PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => StoreError::Busy,
        PoolError::Backend(e) => StoreError::Unavailable(Box::new(e)),
        other => StoreError::Unavailable(Box::new(other)),
    }
}

/// A failed statement. A connection that broke, or a server shutting down or starting
/// up (SQLSTATE classes 08 and 57), makes the store unavailable for a moment rather than
/// broken: the site answers 503 and the pool connects afresh.
pub(super) fn db(e: tokio_postgres::Error) -> StoreError {
    let passing = e.code().is_some_and(|code| code.code().starts_with("08") || code.code().starts_with("57"));
    if passing || e.is_closed() || is_connection_error(&e) {
        StoreError::Unavailable(Box::new(e))
    } else {
        StoreError::Database(Box::new(e))
    }
}

fn is_connection_error(e: &tokio_postgres::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Converts a count or an offset the database holds as BIGINT.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// An offset or limit as BIGINT.
fn big(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

fn invalid(what: &str, value: &str) -> StoreError {
    StoreError::Invalid(format!("invalid {what}: {value:?}"))
}

/// Reads column `idx`.
fn get<'a, T: tokio_postgres::types::FromSql<'a>>(row: &'a Row, idx: usize) -> StoreResult<T> {
    row.try_get(idx).map_err(db)
}

fn slug(row: &Row, idx: usize) -> StoreResult<Slug> {
    let s: &str = get(row, idx)?;
    Slug::parse(s).map_err(|_| invalid("slug", s))
}

fn time(row: &Row, idx: usize) -> StoreResult<Timestamp> {
    let secs: i64 = get(row, idx)?;
    Timestamp::from_second(secs).map_err(|e| StoreError::Invalid(format!("time {secs}: {e}")))
}

fn language(row: &Row, idx: usize) -> StoreResult<Language> {
    let s: &str = get(row, idx)?;
    Language::parse(s).ok_or_else(|| invalid("language", s))
}

fn status(row: &Row, idx: usize) -> StoreResult<Status> {
    let s: &str = get(row, idx)?;
    Status::parse(s).ok_or_else(|| invalid("status", s))
}

fn tag_kind(row: &Row, idx: usize) -> StoreResult<TagKind> {
    let s: &str = get(row, idx)?;
    TagKind::parse(s).ok_or_else(|| invalid("tag kind", s))
}

/// A featured image's sizes, as the migration's triggers copy them from `media`.
fn picture(row: &Row, idx: usize) -> StoreResult<Option<Picture>> {
    let json: Option<&str> = get(row, idx)?;
    json.map(|json| serde_json::from_str(json).map_err(|e| StoreError::Invalid(format!("featured picture: {e}"))))
        .transpose()
}

fn tag_from_row(row: &Row, first: usize) -> StoreResult<Tag> {
    Ok(Tag {
        id: get(row, first)?,
        kind: tag_kind(row, first + 1)?,
        slug: slug(row, first + 2)?,
        name: get(row, first + 3)?,
    })
}

fn author_from_row(row: &Row, first: usize) -> StoreResult<Author> {
    Ok(Author {
        id: get(row, first)?,
        slug: slug(row, first + 1)?,
        name: get(row, first + 2)?,
        bio: get(row, first + 3)?,
    })
}

/// An article without its people, tags and notes, from the columns `id, slug, title,
/// dek, body_html, excerpt, status, published_at, updated_at, language,
/// featured_image, body_text, featured_picture` in that order.
fn article_from_row(row: &Row) -> StoreResult<Article> {
    Ok(Article {
        id: get(row, 0)?,
        slug: slug(row, 1)?,
        title: get(row, 2)?,
        dek: get(row, 3)?,
        body_html: get(row, 4)?,
        excerpt: get(row, 5)?,
        status: status(row, 6)?,
        published_at: time(row, 7)?,
        updated_at: time(row, 8)?,
        language: language(row, 9)?,
        featured_image: get(row, 10)?,
        body_text: get(row, 11)?,
        featured_picture: picture(row, 12)?,
        authors: Vec::new(),
        tags: Vec::new(),
        notes: Vec::new(),
    })
}

/// A listing card from the columns `id, slug, title, dek, excerpt, text, published_at,
/// language, featured_image, featured_picture`, where `text` is the lead or the whole
/// plain text.
fn summary_from_row(row: &Row) -> StoreResult<ArticleSummary> {
    Ok(ArticleSummary {
        id: get(row, 0)?,
        slug: slug(row, 1)?,
        title: get(row, 2)?,
        dek: get(row, 3)?,
        excerpt: get(row, 4)?,
        lead_text: get(row, 5)?,
        published_at: time(row, 6)?,
        language: language(row, 7)?,
        featured_image: get(row, 8)?,
        featured_picture: picture(row, 9)?,
        authors: Vec::new(),
        tags: Vec::new(),
    })
}

#[async_trait]
impl Store for PostgresStore {
    fn pool_status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus {
            size: status.size,
            in_use: status.size.saturating_sub(status.available),
            max: Some(status.max_size),
        }
    }

    async fn published_article(&self, slug: &Slug, now: Timestamp) -> StoreResult<Option<Article>> {
        reading::published_article(self, slug, now).await
    }

    async fn list_published(
        &self,
        filter: &ListingFilter,
        now: Timestamp,
        offset: u64,
        limit: u32,
        words: usize,
    ) -> StoreResult<Listing> {
        reading::list_published(self, filter, now, offset, limit, words).await
    }

    async fn latest_published(
        &self,
        filter: &ListingFilter,
        now: Timestamp,
        limit: u32,
        words: usize,
    ) -> StoreResult<Vec<ArticleSummary>> {
        reading::latest_published(self, filter, now, limit, words).await
    }

    async fn latest_by_tag_kind(
        &self,
        kind: TagKind,
        per_tag: u32,
        now: Timestamp,
        words: usize,
    ) -> StoreResult<Vec<TagBlock>> {
        reading::latest_by_tag_kind(self, kind, per_tag, now, words).await
    }

    async fn related_articles(
        &self,
        article: &Article,
        limit: u32,
        now: Timestamp,
        words: usize,
    ) -> StoreResult<Vec<ArticleSummary>> {
        reading::related_articles(self, article, limit, now, words).await
    }

    async fn published_article_with_related(
        &self,
        slug: &Slug,
        now: Timestamp,
        limit: u32,
        words: usize,
    ) -> StoreResult<Option<(Article, Vec<ArticleSummary>)>> {
        reading::published_article_with_related(self, slug, now, limit, words).await
    }

    async fn tag(&self, kind: TagKind, slug: &Slug) -> StoreResult<Option<Tag>> {
        reading::tag(self, kind, slug).await
    }

    async fn tags(&self, kind: TagKind) -> StoreResult<Vec<Tag>> {
        reading::tags(self, kind).await
    }

    async fn author(&self, slug: &Slug) -> StoreResult<Option<Author>> {
        reading::author(self, slug).await
    }

    async fn latest_rates(&self, quote: &str) -> StoreResult<Vec<RateHistory>> {
        rates::latest_rates(self, quote).await
    }

    async fn article_count(&self) -> StoreResult<u64> {
        reading::article_count(self).await
    }

    async fn article_stamps(&self) -> StoreResult<Vec<ArticleStamp>> {
        reading::article_stamps(self).await
    }

    async fn articles_by_id(&self, ids: &[i64]) -> StoreResult<Vec<Article>> {
        reading::articles_by_id(self, ids).await
    }

    async fn published_summaries(&self, ids: &[i64], now: Timestamp, words: usize) -> StoreResult<Vec<ArticleSummary>> {
        reading::published_summaries(self, ids, now, words).await
    }

    async fn content_version(&self) -> StoreResult<i64> {
        reading::content_version(self).await
    }

    async fn save_articles(&self, drafts: Vec<ArticleDraft>, now: Timestamp) -> StoreResult<Vec<SaveOutcome>> {
        writing::save_articles(self, drafts, now).await
    }

    async fn save_rates(&self, rates: Vec<OfficialRate>) -> StoreResult<()> {
        rates::save_rates(self, rates).await
    }

    async fn latest_rate_date(&self) -> StoreResult<Option<Date>> {
        rates::latest_rate_date(self).await
    }

    async fn rate_history(&self, currency: &str, quote: &str, from: Date, to: Date) -> StoreResult<Vec<OfficialRate>> {
        rates::rate_history(self, currency, quote, from, to).await
    }

    async fn latest_rates_from(&self, source: &str) -> StoreResult<Vec<OfficialRate>> {
        rates::latest_rates_from(self, source).await
    }

    async fn find_articles(
        &self,
        query: &ArticleQuery,
        now: Timestamp,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<Article>> {
        catalog::find_articles(self, query, now, offset, limit).await
    }

    async fn count_articles(&self, query: &ArticleQuery, now: Timestamp) -> StoreResult<u64> {
        catalog::count_articles(self, query, now).await
    }

    async fn sitemap_entries(&self, now: Timestamp, offset: u64, limit: u32) -> StoreResult<Vec<SitemapEntry>> {
        catalog::sitemap_entries(self, now, offset, limit).await
    }

    async fn sitemap_chunks(&self, now: Timestamp, per_file: u32) -> StoreResult<Vec<Timestamp>> {
        catalog::sitemap_chunks(self, now, per_file).await
    }

    async fn tag_stats(&self, now: Timestamp) -> StoreResult<Vec<TagStats>> {
        catalog::tag_stats(self, now).await
    }

    async fn author_stats(&self, now: Timestamp) -> StoreResult<Vec<AuthorStats>> {
        catalog::author_stats(self, now).await
    }

    async fn add_api_key(&self, name: &str, key_hash: &str, now: Timestamp) -> StoreResult<KeyAdded> {
        catalog::add_api_key(self, name, key_hash, now).await
    }

    async fn api_key_known(&self, key_hash: &str) -> StoreResult<bool> {
        catalog::api_key_known(self, key_hash).await
    }

    async fn api_keys(&self) -> StoreResult<Vec<ApiKeyInfo>> {
        catalog::api_keys(self).await
    }

    async fn remove_api_key(&self, name: &str) -> StoreResult<bool> {
        catalog::remove_api_key(self, name).await
    }

    async fn save_imported_articles(
        &self,
        items: Vec<ImportedArticle>,
        now: Timestamp,
    ) -> StoreResult<Vec<ImportOutcome>> {
        imports::save_imported_articles(self, items, now).await
    }

    async fn save_imported_authors(&self, authors: Vec<ImportedAuthor>) -> StoreResult<()> {
        imports::save_imported_authors(self, authors).await
    }

    async fn save_redirects(&self, redirects: Vec<Redirect>) -> StoreResult<()> {
        imports::save_redirects(self, redirects).await
    }

    async fn redirect_target(&self, path: &str, now: Timestamp) -> StoreResult<Option<String>> {
        imports::redirect_target(self, path, now).await
    }

    async fn wordpress_post_path(&self, wp_id: i64, now: Timestamp) -> StoreResult<Option<String>> {
        imports::wordpress_post_path(self, wp_id, now).await
    }
}

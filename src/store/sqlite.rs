//! The embedded store: one SQLite file in WAL mode.
//!
//! Writes go through one connection, one transaction at a time, on a blocking thread,
//! taking the write lock up front (`BEGIN IMMEDIATE`). Reads use a small pool of
//! read-only connections and run in place: with WAL they never wait for a writer and a
//! cached statement answers in microseconds, cheaper than a hop to another thread.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use rust_decimal::Decimal;

use super::migrations::{apply_sqlite, db};
use super::{Listing, ListingFilter, OfficialRate, RateHistory, SaveOutcome, Store, StoreError, StoreResult, TagBlock};
use crate::domain::article::{Article, ArticleDraft, ArticleSummary, Language, Status};
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};

/// Read connections kept open for reuse.
const MAX_IDLE_READERS: usize = 8;

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    readers: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies migrations.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut writer = Connection::open(path).map_err(db)?;
        configure(&writer)?;
        writer.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        apply_sqlite(&mut writer)?;
        Ok(Self { path: path.to_owned(), writer: Arc::new(Mutex::new(writer)), readers: Mutex::new(Vec::new()) })
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let conn = match lock(&self.readers).pop() {
            Some(conn) => conn,
            None => {
                let conn = Connection::open(&self.path).map_err(db)?;
                configure(&conn)?;
                conn.pragma_update(None, "query_only", true).map_err(db)?;
                conn
            }
        };
        let result = f(&conn);
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        tokio::task::spawn_blocking(move || f(&mut lock(&writer)))
            .await
            .map_err(|e| StoreError::Database(Box::new(e)))?
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn configure(conn: &Connection) -> StoreResult<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db)?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -8000;
         PRAGMA temp_store = MEMORY;",
    )
    .map_err(db)
}

/// Columns of `articles` that a listing card needs, in `summary_from_row` order.
const SUMMARY_COLUMNS: &str =
    "a.id, a.slug, a.title, a.dek, a.excerpt, a.body_text, a.published_at, a.language, a.featured_image";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: row.get(0)?,
        slug: row.get(1)?,
        title: row.get(2)?,
        dek: row.get(3)?,
        excerpt: row.get(4)?,
        body_text: row.get(5)?,
        published_at: row.get::<_, Unix>(6)?.0,
        language: row.get(7)?,
        featured_image: row.get(8)?,
        authors: Vec::new(),
        tags: Vec::new(),
    })
}

/// Seconds since the epoch, as stored.
struct Unix(Timestamp);

impl FromSql for Unix {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let secs = i64::column_result(value)?;
        Timestamp::from_second(secs).map(Unix).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

fn invalid(what: &str, value: &str) -> FromSqlError {
    FromSqlError::Other(format!("invalid {what}: {value:?}").into())
}

impl FromSql for Slug {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Slug::parse(s).map_err(|_| invalid("slug", s))
    }
}

impl FromSql for Language {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Language::parse(s).ok_or_else(|| invalid("language", s))
    }
}

impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Status::parse(s).ok_or_else(|| invalid("status", s))
    }
}

impl FromSql for TagKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        TagKind::parse(s).ok_or_else(|| invalid("tag kind", s))
    }
}

fn tag_from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<Tag> {
    Ok(Tag { id: row.get(first)?, kind: row.get(first + 1)?, slug: row.get(first + 2)?, name: row.get(first + 3)? })
}

fn author_from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<Author> {
    Ok(Author { id: row.get(first)?, slug: row.get(first + 1)?, name: row.get(first + 2)?, bio: row.get(first + 3)? })
}

/// Loads authors and tags for a set of articles in two queries.
fn decorate(conn: &Connection, items: &mut [ArticleSummary]) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(&items.iter().map(|a| a.id).collect::<Vec<_>>())
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT l.article_id, p.id, p.slug, p.name, p.bio
             FROM article_authors l JOIN authors p ON p.id = l.author_id
             WHERE l.article_id IN (SELECT value FROM json_each(?1))
             ORDER BY l.article_id, l.position",
        )
        .map_err(db)?;
    let authors = stmt.query_map([&ids], |row| Ok((row.get::<_, i64>(0)?, author_from_row(row, 1)?))).map_err(db)?;
    for entry in authors {
        let (article_id, author) = entry.map_err(db)?;
        if let Some(item) = items.iter_mut().find(|a| a.id == article_id) {
            item.authors.push(author);
        }
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT l.article_id, t.id, t.kind, t.slug, t.name
             FROM article_tags l JOIN tags t ON t.id = l.tag_id
             WHERE l.article_id IN (SELECT value FROM json_each(?1))
             ORDER BY l.article_id, l.position",
        )
        .map_err(db)?;
    let tags = stmt.query_map([&ids], |row| Ok((row.get::<_, i64>(0)?, tag_from_row(row, 1)?))).map_err(db)?;
    for entry in tags {
        let (article_id, tag) = entry.map_err(db)?;
        if let Some(item) = items.iter_mut().find(|a| a.id == article_id) {
            item.tags.push(tag);
        }
    }
    Ok(())
}

/// Loads the summaries of `ids`, keeping their order.
fn summaries_by_id(conn: &Connection, ids: &[i64]) -> StoreResult<Vec<ArticleSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM json_each(?1) j JOIN articles a ON a.id = j.value ORDER BY j.key");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let mut items =
        stmt.query_map([json], summary_from_row).map_err(db)?.collect::<rusqlite::Result<Vec<_>>>().map_err(db)?;
    decorate(conn, &mut items)?;
    Ok(items)
}

fn listing_ids(
    conn: &Connection,
    filter: &ListingFilter,
    now: i64,
    offset: u64,
    limit: u32,
) -> StoreResult<(Vec<i64>, u64)> {
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let (ids_sql, count_sql, key, until) = match filter {
        ListingFilter::All => (
            "SELECT id FROM articles WHERE status = 'published' AND published_at <= ?2 AND ?1 = ?1
             ORDER BY published_at DESC, id DESC LIMIT ?3 OFFSET ?4",
            "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at <= ?2 AND ?1 = ?1",
            0,
            now,
        ),
        ListingFilter::Tag(tag_id) => (
            "SELECT article_id FROM article_tags WHERE tag_id = ?1 AND listed = 1 AND published_at <= ?2
             ORDER BY published_at DESC, article_id DESC LIMIT ?3 OFFSET ?4",
            "SELECT COUNT(*) FROM article_tags WHERE tag_id = ?1 AND listed = 1 AND published_at <= ?2",
            *tag_id,
            now,
        ),
        ListingFilter::Author(author_id) => (
            "SELECT article_id FROM article_authors WHERE author_id = ?1 AND listed = 1 AND published_at <= ?2
             ORDER BY published_at DESC, article_id DESC LIMIT ?3 OFFSET ?4",
            "SELECT COUNT(*) FROM article_authors WHERE author_id = ?1 AND listed = 1 AND published_at <= ?2",
            *author_id,
            now,
        ),
        ListingFilter::Period { from, until } => (
            "SELECT id FROM articles WHERE status = 'published' AND published_at >= ?1 AND published_at < ?2
             ORDER BY published_at DESC, id DESC LIMIT ?3 OFFSET ?4",
            "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= ?1 AND published_at < ?2",
            from.as_second(),
            until.as_second().min(now + 1),
        ),
    };
    let ids = conn
        .prepare_cached(ids_sql)
        .map_err(db)?
        .query_map(params![key, until, limit, offset], |r| r.get::<_, i64>(0))
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    let total: i64 =
        conn.prepare_cached(count_sql).map_err(db)?.query_row(params![key, until], |r| r.get(0)).map_err(db)?;
    Ok((ids, u64::try_from(total).unwrap_or(0)))
}

#[async_trait]
impl Store for SqliteStore {
    async fn published_article(&self, slug: &Slug, now: Timestamp) -> StoreResult<Option<Article>> {
        self.read(|conn| {
            let found = conn
                .prepare_cached(
                    "SELECT id, slug, title, dek, body_html, excerpt, status, published_at, updated_at,
                            language, featured_image, body_text
                     FROM articles WHERE slug = ?1 AND status = 'published' AND published_at <= ?2",
                )
                .map_err(db)?
                .query_row(params![slug.as_str(), now.as_second()], |row| {
                    Ok(Article {
                        id: row.get(0)?,
                        slug: row.get(1)?,
                        title: row.get(2)?,
                        dek: row.get(3)?,
                        body_html: row.get(4)?,
                        excerpt: row.get(5)?,
                        status: row.get(6)?,
                        published_at: row.get::<_, Unix>(7)?.0,
                        updated_at: row.get::<_, Unix>(8)?.0,
                        language: row.get(9)?,
                        featured_image: row.get(10)?,
                        body_text: row.get(11)?,
                        authors: Vec::new(),
                        tags: Vec::new(),
                    })
                })
                .optional()
                .map_err(db)?;
            let Some(mut article) = found else { return Ok(None) };
            article.authors = conn
                .prepare_cached(
                    "SELECT p.id, p.slug, p.name, p.bio FROM article_authors l
                     JOIN authors p ON p.id = l.author_id WHERE l.article_id = ?1 ORDER BY l.position",
                )
                .map_err(db)?
                .query_map([article.id], |row| author_from_row(row, 0))
                .map_err(db)?
                .collect::<rusqlite::Result<_>>()
                .map_err(db)?;
            article.tags = conn
                .prepare_cached(
                    "SELECT t.id, t.kind, t.slug, t.name FROM article_tags l
                     JOIN tags t ON t.id = l.tag_id WHERE l.article_id = ?1 ORDER BY l.position",
                )
                .map_err(db)?
                .query_map([article.id], |row| tag_from_row(row, 0))
                .map_err(db)?
                .collect::<rusqlite::Result<_>>()
                .map_err(db)?;
            Ok(Some(article))
        })
    }

    async fn list_published(
        &self,
        filter: &ListingFilter,
        now: Timestamp,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Listing> {
        self.read(|conn| {
            let (ids, total) = listing_ids(conn, filter, now.as_second(), offset, limit)?;
            let items = summaries_by_id(conn, &ids)?;
            Ok(Listing { items, total })
        })
    }

    async fn latest_by_tag_kind(&self, kind: TagKind, per_tag: u32, now: Timestamp) -> StoreResult<Vec<TagBlock>> {
        self.read(|conn| {
            let tags = tags_of_kind(conn, kind)?;
            let mut blocks = Vec::with_capacity(tags.len());
            for tag in tags {
                let (ids, _) = listing_ids(conn, &ListingFilter::Tag(tag.id), now.as_second(), 0, per_tag)?;
                if !ids.is_empty() {
                    blocks.push(TagBlock { tag, items: summaries_by_id(conn, &ids)? });
                }
            }
            Ok(blocks)
        })
    }

    async fn related_articles(
        &self,
        article: &Article,
        limit: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.read(|conn| {
            // Among the latest articles of each of this article's tags, those sharing the
            // most tags with it; bounded per tag so a large archive stays cheap.
            let ids = conn
                .prepare_cached(
                    "WITH candidates AS (
                         SELECT other.article_id, other.published_at
                         FROM article_tags mine
                         JOIN article_tags other ON other.tag_id = mine.tag_id
                         WHERE mine.article_id = ?1 AND other.article_id != ?1
                           AND other.listed = 1 AND other.published_at <= ?2
                           AND other.published_at > ?3 - 31536000
                     )
                     SELECT article_id FROM candidates GROUP BY article_id
                     ORDER BY COUNT(*) DESC, MAX(published_at) DESC LIMIT ?4",
                )
                .map_err(db)?
                .query_map(params![article.id, now.as_second(), article.published_at.as_second(), limit], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            summaries_by_id(conn, &ids)
        })
    }

    async fn tag(&self, kind: TagKind, slug: &Slug) -> StoreResult<Option<Tag>> {
        self.read(|conn| {
            conn.prepare_cached("SELECT id, kind, slug, name FROM tags WHERE kind = ?1 AND slug = ?2")
                .map_err(db)?
                .query_row(params![kind.as_str(), slug.as_str()], |row| tag_from_row(row, 0))
                .optional()
                .map_err(db)
        })
    }

    async fn tags(&self, kind: TagKind) -> StoreResult<Vec<Tag>> {
        self.read(|conn| tags_of_kind(conn, kind))
    }

    async fn author(&self, slug: &Slug) -> StoreResult<Option<Author>> {
        self.read(|conn| {
            conn.prepare_cached("SELECT id, slug, name, bio FROM authors WHERE slug = ?1")
                .map_err(db)?
                .query_row([slug.as_str()], |row| author_from_row(row, 0))
                .optional()
                .map_err(db)
        })
    }

    async fn latest_rates(&self, quote: &str) -> StoreResult<Vec<RateHistory>> {
        self.read(|conn| {
            let rows = conn
                .prepare_cached(
                    "SELECT currency, quote, rate_date, source, rate, scale, fetched_at FROM (
                         SELECT *, ROW_NUMBER() OVER (
                             PARTITION BY currency ORDER BY rate_date DESC, fetched_at DESC
                         ) AS n
                         FROM rates WHERE quote = ?1
                     ) WHERE n <= 2 ORDER BY currency, n",
                )
                .map_err(db)?
                .query_map([quote], |row| {
                    let date: String = row.get(2)?;
                    let rate: String = row.get(4)?;
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        date,
                        row.get::<_, String>(3)?,
                        rate,
                        row.get::<_, u32>(5)?,
                        row.get::<_, Unix>(6)?.0,
                    ))
                })
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            let mut out: Vec<RateHistory> = Vec::new();
            for (currency, quote, date, source, rate, scale, fetched_at) in rows {
                let rate = OfficialRate {
                    date: Date::from_str(&date).map_err(|e| StoreError::Invalid(format!("rate date {date:?}: {e}")))?,
                    rate: Decimal::from_str(&rate).map_err(|e| StoreError::Invalid(format!("rate {rate:?}: {e}")))?,
                    currency,
                    quote,
                    source,
                    scale,
                    fetched_at,
                };
                match out.last_mut() {
                    Some(history) if history.latest.currency == rate.currency => history.previous = Some(rate),
                    _ => out.push(RateHistory { latest: rate, previous: None }),
                }
            }
            Ok(out)
        })
    }

    async fn article_count(&self) -> StoreResult<u64> {
        self.read(|conn| {
            let n: i64 = conn
                .prepare_cached("SELECT COUNT(*) FROM articles")
                .map_err(db)?
                .query_row([], |r| r.get(0))
                .map_err(db)?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    async fn content_version(&self) -> StoreResult<i64> {
        self.read(|conn| {
            conn.prepare_cached("SELECT version FROM content_version WHERE id = 1")
                .map_err(db)?
                .query_row([], |r| r.get(0))
                .map_err(db)
        })
    }

    async fn save_articles(&self, drafts: Vec<ArticleDraft>, now: Timestamp) -> StoreResult<Vec<SaveOutcome>> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            let outcomes = drafts
                .iter()
                .map(|draft| save_article(&tx, draft, now.as_second()))
                .collect::<StoreResult<Vec<_>>>()?;
            tx.commit().map_err(db)?;
            Ok(outcomes)
        })
        .await
    }

    async fn save_rates(&self, rates: Vec<OfficialRate>) -> StoreResult<()> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT INTO rates (currency, quote, rate_date, source, rate, scale, fetched_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                         ON CONFLICT (currency, quote, rate_date, source) DO UPDATE SET
                             rate = excluded.rate, scale = excluded.scale, fetched_at = excluded.fetched_at",
                    )
                    .map_err(db)?;
                for r in &rates {
                    stmt.execute(params![
                        r.currency,
                        r.quote,
                        r.date.to_string(),
                        r.source,
                        r.rate.to_string(),
                        r.scale,
                        r.fetched_at.as_second()
                    ])
                    .map_err(db)?;
                }
            }
            tx.commit().map_err(db)
        })
        .await
    }

    async fn latest_rate_date(&self) -> StoreResult<Option<Date>> {
        self.read(|conn| {
            let date: Option<String> = conn
                .prepare_cached("SELECT MAX(rate_date) FROM rates")
                .map_err(db)?
                .query_row([], |r| r.get(0))
                .map_err(db)?;
            date.map(|d| Date::from_str(&d).map_err(|e| StoreError::Invalid(format!("rate date {d:?}: {e}"))))
                .transpose()
        })
    }
}

fn tags_of_kind(conn: &Connection, kind: TagKind) -> StoreResult<Vec<Tag>> {
    conn.prepare_cached("SELECT id, kind, slug, name FROM tags WHERE kind = ?1 ORDER BY name")
        .map_err(db)?
        .query_map([kind.as_str()], |row| tag_from_row(row, 0))
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
}

fn save_article(tx: &Connection, draft: &ArticleDraft, now: i64) -> StoreResult<SaveOutcome> {
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM articles WHERE slug = ?1")
        .map_err(db)?
        .query_row([draft.slug.as_str()], |r| r.get(0))
        .optional()
        .map_err(db)?;
    let published_at = draft.published_at.as_second();
    let values = params![
        draft.slug.as_str(),
        draft.title,
        draft.dek,
        draft.body.html,
        draft.body.text,
        draft.body.markdown,
        draft.excerpt,
        draft.status.as_str(),
        published_at,
        now,
        draft.language.as_str(),
        draft.featured_image,
    ];
    let (article_id, outcome) = match existing {
        Some(id) => {
            tx.prepare_cached(
                "UPDATE articles SET slug = ?1, title = ?2, dek = ?3, body_html = ?4, body_text = ?5,
                     body_markdown = ?6, excerpt = ?7, status = ?8, published_at = ?9, updated_at = ?10,
                     language = ?11, featured_image = ?12
                 WHERE id = ?13",
            )
            .map_err(db)?
            .execute(rusqlite::params_from_iter(values.iter().chain([&(&id as &dyn rusqlite::ToSql)])))
            .map_err(db)?;
            (id, SaveOutcome::Updated)
        }
        None => {
            let id = tx
                .prepare_cached(
                    "INSERT INTO articles (slug, title, dek, body_html, body_text, body_markdown, excerpt,
                         status, published_at, updated_at, language, featured_image, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?10) RETURNING id",
                )
                .map_err(db)?
                .query_row(values, |r| r.get(0))
                .map_err(db)?;
            (id, SaveOutcome::Created)
        }
    };
    let listed = draft.status == Status::Published;
    tx.prepare_cached("DELETE FROM article_authors WHERE article_id = ?1")
        .map_err(db)?
        .execute([article_id])
        .map_err(db)?;
    tx.prepare_cached("DELETE FROM article_tags WHERE article_id = ?1")
        .map_err(db)?
        .execute([article_id])
        .map_err(db)?;
    for (position, author) in (0i64..).zip(&draft.authors) {
        tx.prepare_cached("INSERT INTO authors (slug, name) VALUES (?1, ?2) ON CONFLICT (slug) DO NOTHING")
            .map_err(db)?
            .execute(params![author.slug.as_str(), author.name])
            .map_err(db)?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO article_authors (article_id, author_id, position, listed, published_at)
             SELECT ?1, id, ?2, ?3, ?4 FROM authors WHERE slug = ?5",
        )
        .map_err(db)?
        .execute(params![article_id, position, listed, published_at, author.slug.as_str()])
        .map_err(db)?;
    }
    for (position, tag) in (0i64..).zip(&draft.tags) {
        tx.prepare_cached(
            "INSERT INTO tags (kind, slug, name) VALUES (?1, ?2, ?3) ON CONFLICT (kind, slug) DO NOTHING",
        )
        .map_err(db)?
        .execute(params![tag.kind.as_str(), tag.slug.as_str(), tag.name])
        .map_err(db)?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id, position, listed, published_at)
             SELECT ?1, id, ?2, ?3, ?4 FROM tags WHERE kind = ?5 AND slug = ?6",
        )
        .map_err(db)?
        .execute(params![article_id, position, listed, published_at, tag.kind.as_str(), tag.slug.as_str()])
        .map_err(db)?;
    }
    Ok(outcome)
}

//! The embedded store: one SQLite file in WAL mode.
//!
//! Writes go through one connection, one transaction at a time, on a blocking thread,
//! taking the write lock up front (`BEGIN IMMEDIATE`). Reads use a small pool of
//! read-only connections and run in place: with WAL they never wait for a writer and a
//! cached statement answers in microseconds, cheaper than a hop to another thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::config::DbConfig;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, Type, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::kept::{CardLink, Kept, read_card_links};
use super::migrations::{apply_sqlite, db};
use super::rates::{StoredRate, latest_and_previous, one_per_day, rate_date};
use super::related::{RELATED_PER_TAG, horizon, rank_related};
use super::{ApiKeyInfo, ArticleQuery, AuthorStats, KeyAdded, PoolStatus, SitemapEntry, TagStats};
use super::{
    ArticleStamp, Listing, ListingFilter, OfficialRate, RateHistory, SaveOutcome, Store, StoreError, StoreResult,
    TagBlock,
};
use super::{ImportOutcome, ImportedArticle, ImportedAuthor, LEAD_WORDS, Redirect};
use crate::domain::article::{Article, ArticleDraft, ArticleSummary, Language, Status};
use crate::domain::excerpt::first_words;
use crate::domain::people::Author;
use crate::domain::picture::Picture;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};

pub use backup::{DatabaseCopy, copy_database};

mod backup;
mod catalog;
mod coordination;
mod imports;
mod media;
mod newsroom;
mod profiles;

/// Read connections kept open for reuse.
const MAX_IDLE_READERS: usize = 8;

/// Bytes of the database file each reader maps instead of copying pages through
/// `read()`: enough for the hot indexes and recent rows, small enough that mapped pages
/// do not dominate the server's resident memory.
const READER_MMAP_BYTES: i64 = 64 * 1024 * 1024;

/// Prepared statements each connection keeps: more than the store has queries, so that
/// none is ever parsed twice.
const STATEMENT_CACHE: usize = 128;

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    readers: Mutex<Vec<Connection>>,
    /// Read connections taken from the pool (or opened) and not yet given back.
    readers_in_use: AtomicUsize,
    /// Listing sizes and the names on cards, read once per content version.
    kept: Kept,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies migrations.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut writer = Connection::open(path).map_err(db)?;
        configure(&writer)?;
        writer.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
        apply_sqlite(&mut writer)?;
        Ok(Self {
            path: path.to_owned(),
            writer: Arc::new(Mutex::new(writer)),
            readers: Mutex::new(Vec::new()),
            readers_in_use: AtomicUsize::new(0),
            kept: Kept::default(),
        })
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let conn = match lock(&self.readers).pop() {
            Some(conn) => conn,
            None => {
                let conn = Connection::open(&self.path).map_err(db)?;
                configure(&conn)?;
                conn.pragma_update(None, "query_only", true).map_err(db)?;
                conn.pragma_update(None, "mmap_size", READER_MMAP_BYTES).map_err(db)?;
                conn
            }
        };
        self.readers_in_use.fetch_add(1, Ordering::Relaxed);
        // One read transaction for all the queries of a call: one consistent snapshot,
        // and the WAL read lock is taken once instead of once per statement.
        let run = |sql: &str| conn.prepare_cached(sql).and_then(|mut stmt| stmt.execute([])).map_err(db);
        let result = run("BEGIN").and_then(|_| {
            let result = f(&conn);
            run("COMMIT")?;
            result
        });
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        self.readers_in_use.fetch_sub(1, Ordering::Relaxed);
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
    // Plans never depend on bound values (the database has no statistics for them to
    // use), so a cached statement is not parsed and planned again each time its LIMIT,
    // OFFSET or other values change.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(db)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -8000;
         PRAGMA temp_store = MEMORY;",
    )
    .map_err(db)
}

/// Columns of `articles` that a listing card needs, in `card_from_row` order, with the
/// text column `$text` (the short lead or the whole text), then the card's link ids
/// (read with [`card_links_join!`]).
macro_rules! summary_columns {
    ($text:literal) => {
        concat!(
            "a.id, a.slug, a.title, a.dek, a.excerpt, a.",
            $text,
            ", a.published_at, a.language, a.featured_image, a.featured_picture, c.authors, c.tags"
        )
    };
}

/// What joins a card's link ids to its article `a`.
macro_rules! card_links_join {
    () => {
        "LEFT JOIN card_links c ON c.article_id = a.id"
    };
}

/// Card columns with the short lead of the text.
const SUMMARY_WITH_LEAD: &str = summary_columns!("lead_text");

/// The same columns with the whole text, for excerpts longer than the lead.
const SUMMARY_WITH_TEXT: &str = summary_columns!("body_text");

/// The [`SUMMARY_WITH_LEAD`] columns of the articles whose ids are the JSON array `?1`,
/// in its order: `CROSS JOIN` keeps the array the outer loop, each article found by its
/// key.
const SUMMARIES_BY_ID_WITH_LEAD: &str = concat!(
    "SELECT ",
    summary_columns!("lead_text"),
    " FROM json_each(?1) j CROSS JOIN articles a ON a.id = j.value ",
    card_links_join!()
);

/// The same with [`SUMMARY_WITH_TEXT`] columns.
const SUMMARIES_BY_ID_WITH_TEXT: &str = concat!(
    "SELECT ",
    summary_columns!("body_text"),
    " FROM json_each(?1) j CROSS JOIN articles a ON a.id = j.value ",
    card_links_join!()
);

/// A card from [`SUMMARY_WITH_LEAD`] or [`SUMMARY_WITH_TEXT`] columns, its bylines and
/// tags left to [`decorate`]: their ids are added to `links`.
fn card_from_row(row: &Row<'_>, links: &mut Vec<CardLink>) -> rusqlite::Result<ArticleSummary> {
    let card = ArticleSummary {
        id: row.get(0)?,
        slug: row.get(1)?,
        title: row.get(2)?,
        dek: row.get(3)?,
        excerpt: row.get(4)?,
        lead_text: row.get(5)?,
        published_at: row.get::<_, Unix>(6)?.0,
        language: row.get(7)?,
        featured_image: row.get(8)?,
        featured_picture: row.get::<_, Option<StoredPicture>>(9)?.map(|p| p.0),
        authors: Vec::new(),
        tags: Vec::new(),
    };
    let authors = row.get_ref(10)?.as_str_or_null()?.unwrap_or_default();
    let tags = row.get_ref(11)?.as_str_or_null()?.unwrap_or_default();
    read_card_links(card.id, authors, tags, links)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(10, Type::Text, Box::new(e)))?;
    Ok(card)
}

/// A featured image's sizes, as the migration's triggers copy them from `media`.
struct StoredPicture(Picture);

impl FromSql for StoredPicture {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        serde_json::from_str(value.as_str()?).map(StoredPicture).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
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

/// An article without its people and tags, from the columns `id, slug, title, dek,
/// body_html, excerpt, status, published_at, updated_at, language, featured_image,
/// body_text, featured_picture` in that order.
fn article_from_row(row: &Row<'_>) -> rusqlite::Result<Article> {
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
        featured_picture: row.get::<_, Option<StoredPicture>>(12)?.map(|p| p.0),
        authors: Vec::new(),
        tags: Vec::new(),
        notes: Vec::new(),
    })
}

fn tag_from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<Tag> {
    Ok(Tag { id: row.get(first)?, kind: row.get(first + 1)?, slug: row.get(first + 2)?, name: row.get(first + 3)? })
}

fn author_from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<Author> {
    Ok(Author { id: row.get(first)?, slug: row.get(first + 1)?, name: row.get(first + 2)?, bio: row.get(first + 3)? })
}

/// Gives each of a few cards (a page of a listing) the authors and tags `links` name:
/// from what `kept` holds at `version` (the read's [`content_version`]), which reads
/// only those it lacks.
fn decorate(
    conn: &Connection,
    kept: &Kept,
    version: i64,
    links: &[CardLink],
    items: &mut [ArticleSummary],
) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut names = kept.names(version);
    let (authors, tags) = names.unknown(links);
    if !authors.is_empty() || !tags.is_empty() {
        let authors = rows_by_id(conn, "id, slug, name, bio FROM authors", &authors, author_from_row)?;
        let tags = rows_by_id(conn, "id, kind, slug, name FROM tags", &tags, tag_from_row)?;
        names = kept.learn(version, &names, authors, tags);
    }
    names.attach(links, items);
    Ok(())
}

/// The rows of `columns FROM table` whose id is in `ids`, in no order, each read by
/// `from_row`.
fn rows_by_id<T>(
    conn: &Connection,
    columns_from_table: &str,
    ids: &[i64],
    from_row: fn(&Row<'_>, usize) -> rusqlite::Result<T>,
) -> StoreResult<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    conn.prepare_cached(&format!("SELECT {columns_from_table} WHERE id IN (SELECT value FROM json_each(?1))"))
        .map_err(db)?
        .query_map([id_list(ids)?], |row| from_row(row, 0))
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)
}

/// `ids` as a JSON array, for `json_each`.
fn id_list(ids: &[i64]) -> StoreResult<String> {
    serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The counter every content change bumps, as the read transaction sees it.
fn content_version(conn: &Connection) -> StoreResult<i64> {
    conn.prepare_cached("SELECT version FROM content_version WHERE id = 1")
        .map_err(db)?
        .query_row([], |r| r.get(0))
        .map_err(db)
}

/// Loads the summaries of `ids`, keeping their order, with enough text for excerpts of
/// `words` words: those `kept` holds at `version`, and the others in one statement, each
/// row found by its primary key, names as [`decorate`] gives them (then kept too). An id
/// not found (an article gone meanwhile) is left out.
fn summaries_by_id(
    conn: &Connection,
    kept: &Kept,
    version: i64,
    ids: &[i64],
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    let whole_text = words >= LEAD_WORDS;
    let found = kept.summaries(version, ids, whole_text);
    let missing = Kept::missing(ids, &found);
    if missing.is_empty() {
        return Ok(found.into_iter().flatten().collect());
    }
    let read = read_summaries(conn, kept, version, &missing, whole_text)?;
    kept.keep_summaries(version, whole_text, &read);
    Ok(Kept::fill(ids, found, &read))
}

/// Reads the summaries of `ids` in one statement, with the whole text or the lead.
fn read_summaries(
    conn: &Connection,
    kept: &Kept,
    version: i64,
    ids: &[i64],
    whole_text: bool,
) -> StoreResult<Vec<ArticleSummary>> {
    let sql = if whole_text { SUMMARIES_BY_ID_WITH_TEXT } else { SUMMARIES_BY_ID_WITH_LEAD };
    let mut stmt = conn.prepare_cached(sql).map_err(db)?;
    let array = id_list(ids)?;
    let mut items = Vec::with_capacity(ids.len());
    let mut links = Vec::new();
    let mut rows = stmt.query([array]).map_err(db)?;
    while let Some(row) = rows.next().map_err(db)? {
        items.push(card_from_row(row, &mut links).map_err(db)?);
    }
    drop(rows);
    decorate(conn, kept, version, &links, &mut items)?;
    Ok(items)
}

/// The queries behind a listing: its ids a page at a time, and its size.
struct ListingQuery {
    ids: &'static str,
    count: &'static str,
    /// Counts the listed articles dated after `?2`, for listings whose size
    /// [`Kept`] keeps.
    later: Option<&'static str>,
    key: i64,
    until: i64,
}

impl ListingQuery {
    fn new(filter: &ListingFilter, now: i64) -> Self {
        let (ids, count, later, key, until) = match filter {
            ListingFilter::All => (
                "SELECT id FROM articles WHERE status = 'published' AND published_at <= ?2 AND ?1 = ?1
                 ORDER BY published_at DESC, id DESC LIMIT ?3 OFFSET ?4",
                "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at <= ?2 AND ?1 = ?1",
                Some("SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at > ?2 AND ?1 = ?1"),
                0,
                now,
            ),
            ListingFilter::Tag(tag_id) => (
                "SELECT article_id FROM article_tags WHERE tag_id = ?1 AND listed = 1 AND published_at <= ?2
                 ORDER BY published_at DESC, article_id DESC LIMIT ?3 OFFSET ?4",
                "SELECT COUNT(*) FROM article_tags WHERE tag_id = ?1 AND listed = 1 AND published_at <= ?2",
                Some("SELECT COUNT(*) FROM article_tags WHERE tag_id = ?1 AND listed = 1 AND published_at > ?2"),
                *tag_id,
                now,
            ),
            ListingFilter::Author(author_id) => (
                "SELECT article_id FROM article_authors WHERE author_id = ?1 AND listed = 1 AND published_at <= ?2
                 ORDER BY published_at DESC, article_id DESC LIMIT ?3 OFFSET ?4",
                "SELECT COUNT(*) FROM article_authors WHERE author_id = ?1 AND listed = 1 AND published_at <= ?2",
                Some("SELECT COUNT(*) FROM article_authors WHERE author_id = ?1 AND listed = 1 AND published_at > ?2"),
                *author_id,
                now,
            ),
            ListingFilter::Period { from, until } => (
                "SELECT id FROM articles WHERE status = 'published' AND published_at >= ?1 AND published_at < ?2
                 ORDER BY published_at DESC, id DESC LIMIT ?3 OFFSET ?4",
                "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= ?1 AND published_at < ?2",
                None,
                from.as_second(),
                until.as_second().min(now + 1),
            ),
        };
        Self { ids, count, later, key, until }
    }

    fn ids(&self, conn: &Connection, offset: u64, limit: u32) -> StoreResult<Vec<i64>> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        conn.prepare_cached(self.ids)
            .map_err(db)?
            .query_map(params![self.key, self.until, limit, offset], |r| r.get::<_, i64>(0))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)
    }

    fn total(&self, conn: &Connection) -> StoreResult<u64> {
        count_rows(conn, self.count, self.key, self.until)
    }

    /// [`Self::total`], from the size kept in `kept` at `version` when there is one.
    fn total_kept(&self, conn: &Connection, kept: &Kept, version: i64) -> StoreResult<u64> {
        let Some(later) = self.later else { return self.total(conn) };
        let key = (self.count, self.key);
        let all = match kept.count(version, key) {
            Some(all) => all,
            None => {
                let all = count_rows(conn, self.count, self.key, i64::MAX)?;
                kept.keep_count(version, key, all);
                all
            }
        };
        Ok(all.saturating_sub(count_rows(conn, later, self.key, self.until)?))
    }
}

/// Runs a `COUNT(*)` statement over `?1 = key` and `?2 = until`.
fn count_rows(conn: &Connection, sql: &str, key: i64, until: i64) -> StoreResult<u64> {
    let total: i64 = conn.prepare_cached(sql).map_err(db)?.query_row(params![key, until], |r| r.get(0)).map_err(db)?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// The `limit` articles sharing the most tags with `article`, among the latest few of
/// each of its tags published up to `horizon` (see [`horizon`]): a handful of index
/// range scans, whatever the archive size.
fn related_ids(conn: &Connection, article: &Article, limit: u32, horizon: i64) -> StoreResult<Vec<i64>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT article_id, published_at FROM article_tags
             WHERE tag_id = ?1 AND listed = 1 AND published_at <= ?2 AND article_id != ?3
             ORDER BY published_at DESC, article_id DESC LIMIT ?4",
        )
        .map_err(db)?;
    let mut candidates: Vec<(i64, i64)> = Vec::new();
    for tag in &article.tags {
        let rows = stmt
            .query_map(params![tag.id, horizon, article.id, RELATED_PER_TAG], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(db)?;
        for row in rows {
            candidates.push(row.map_err(db)?);
        }
    }
    Ok(rank_related(candidates, limit))
}

/// [`related_ids`] at `now`, as `kept` holds them at `version` unless an article was
/// published between the time they were found up to and this one's horizon (the
/// ranking looks a few candidates deep under each tag, so they are found again then).
fn kept_related_ids(
    conn: &Connection,
    kept: &Kept,
    version: i64,
    article: &Article,
    limit: u32,
    now: i64,
) -> StoreResult<Arc<[i64]>> {
    let published_at = article.published_at.as_second();
    let horizon = horizon(published_at, now);
    let key = (article.id, published_at, article.tags.iter().map(|tag| tag.id).collect(), limit);
    if let Some((found_up_to, ids)) = kept.related(version, &key)
        && (found_up_to == horizon || !published_between(conn, found_up_to, horizon)?)
    {
        return Ok(ids);
    }
    let ids: Arc<[i64]> = related_ids(conn, article, limit, horizon)?.into();
    kept.keep_related(version, key, horizon, Arc::clone(&ids));
    Ok(ids)
}

/// Whether an article is published at a time between `a` and `b` (the earlier
/// excluded, the later included).
fn published_between(conn: &Connection, a: i64, b: i64) -> StoreResult<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE status = 'published' AND published_at > ?1 AND published_at <= ?2)",
    )
    .map_err(db)?
    .query_row([a.min(b), a.max(b)], |r| r.get(0))
    .map_err(db)
}

#[async_trait]
impl Store for SqliteStore {
    async fn published_article(&self, slug: &Slug, now: Timestamp) -> StoreResult<Option<Article>> {
        self.read(|conn| {
            let found = conn
                .prepare_cached(
                    "SELECT id, slug, title, dek, body_html, excerpt, status, published_at, updated_at,
                            language, featured_image, body_text, featured_picture
                     FROM articles WHERE slug = ?1 AND status = 'published' AND published_at <= ?2",
                )
                .map_err(db)?
                .query_row(params![slug.as_str(), now.as_second()], article_from_row)
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
            article.notes = newsroom::article_notes(conn, article.id)?;
            Ok(Some(article))
        })
    }

    async fn list_published(
        &self,
        filter: &ListingFilter,
        now: Timestamp,
        offset: u64,
        limit: u32,
        words: usize,
    ) -> StoreResult<Listing> {
        self.read(|conn| {
            let version = content_version(conn)?;
            let query = ListingQuery::new(filter, now.as_second());
            let ids = query.ids(conn, offset, limit)?;
            let items = summaries_by_id(conn, &self.kept, version, &ids, words)?;
            Ok(Listing { items, total: query.total_kept(conn, &self.kept, version)? })
        })
    }

    async fn latest_published(
        &self,
        filter: &ListingFilter,
        now: Timestamp,
        limit: u32,
        words: usize,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.read(|conn| {
            let ids = ListingQuery::new(filter, now.as_second()).ids(conn, 0, limit)?;
            summaries_by_id(conn, &self.kept, content_version(conn)?, &ids, words)
        })
    }

    async fn latest_by_tag_kind(
        &self,
        kind: TagKind,
        per_tag: u32,
        now: Timestamp,
        words: usize,
    ) -> StoreResult<Vec<TagBlock>> {
        self.read(|conn| {
            let version = content_version(conn)?;
            let tags = match self.kept.tags_of_kind(version, kind) {
                Some(tags) => tags,
                None => {
                    let tags: Arc<[Tag]> = tags_of_kind(conn, kind)?.into();
                    self.kept.keep_tags_of_kind(version, kind, Arc::clone(&tags));
                    tags
                }
            };
            let mut listed = Vec::new();
            for tag in tags.iter() {
                let ids = ListingQuery::new(&ListingFilter::Tag(tag.id), now.as_second()).ids(conn, 0, per_tag)?;
                if !ids.is_empty() {
                    listed.push((tag.clone(), ids));
                }
            }
            let all: Vec<i64> = listed.iter().flat_map(|(_, ids)| ids.iter().copied()).collect();
            // The summaries follow `all`, less any article gone meanwhile, so each block
            // takes its own in turn; an article in two blocks was read twice.
            let mut summaries = summaries_by_id(conn, &self.kept, version, &all, words)?.into_iter().peekable();
            Ok(listed
                .into_iter()
                .map(|(tag, ids)| TagBlock {
                    tag,
                    items: ids.iter().filter_map(|id| summaries.next_if(|s| s.id == *id)).collect(),
                })
                .collect())
        })
    }

    async fn related_articles(
        &self,
        article: &Article,
        limit: u32,
        now: Timestamp,
        words: usize,
    ) -> StoreResult<Vec<ArticleSummary>> {
        self.read(|conn| {
            let version = content_version(conn)?;
            let ids = kept_related_ids(conn, &self.kept, version, article, limit, now.as_second())?;
            summaries_by_id(conn, &self.kept, version, &ids, words)
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
                .query_map([quote], stored_rate)
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?
                .into_iter()
                .map(StoredRate::into_rate)
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(latest_and_previous(rows))
        })
    }

    async fn article_stamps(&self) -> StoreResult<Vec<ArticleStamp>> {
        self.read(|conn| {
            conn.prepare_cached("SELECT id, updated_at, published_at, status = 'published' FROM articles")
                .map_err(db)?
                .query_map([], |row| {
                    Ok(ArticleStamp {
                        id: row.get(0)?,
                        updated_at: row.get::<_, Unix>(1)?.0,
                        published_at: row.get::<_, Unix>(2)?.0,
                        listed: row.get(3)?,
                    })
                })
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)
        })
    }

    async fn articles_by_id(&self, ids: &[i64]) -> StoreResult<Vec<Article>> {
        let json = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.read(|conn| {
            let mut articles = conn
                .prepare_cached(
                    "SELECT a.id, a.slug, a.title, a.dek, a.body_html, a.excerpt, a.status, a.published_at,
                            a.updated_at, a.language, a.featured_image, a.body_text, a.featured_picture
                     FROM json_each(?1) j CROSS JOIN articles a ON a.id = j.value",
                )
                .map_err(db)?
                .query_map([&json], article_from_row)
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            let mut position: HashMap<i64, usize> = HashMap::with_capacity(articles.len());
            for (i, article) in articles.iter().enumerate() {
                position.insert(article.id, i);
            }
            let authors = conn
                .prepare_cached(
                    "SELECT l.article_id, p.id, p.slug, p.name, p.bio
                     FROM article_authors l JOIN authors p ON p.id = l.author_id
                     WHERE l.article_id IN (SELECT value FROM json_each(?1))
                     ORDER BY l.article_id, l.position",
                )
                .map_err(db)?
                .query_map([&json], |row| Ok((row.get::<_, i64>(0)?, author_from_row(row, 1)?)))
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            for (article_id, author) in authors {
                if let Some(&i) = position.get(&article_id) {
                    articles[i].authors.push(author);
                }
            }
            let tags = conn
                .prepare_cached(
                    "SELECT l.article_id, t.id, t.kind, t.slug, t.name
                     FROM article_tags l JOIN tags t ON t.id = l.tag_id
                     WHERE l.article_id IN (SELECT value FROM json_each(?1))
                     ORDER BY l.article_id, l.position",
                )
                .map_err(db)?
                .query_map([&json], |row| Ok((row.get::<_, i64>(0)?, tag_from_row(row, 1)?)))
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            for (article_id, tag) in tags {
                if let Some(&i) = position.get(&article_id) {
                    articles[i].tags.push(tag);
                }
            }
            Ok(articles)
        })
    }

    async fn published_summaries(&self, ids: &[i64], now: Timestamp, words: usize) -> StoreResult<Vec<ArticleSummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let whole_text = words >= LEAD_WORDS;
        let columns = if whole_text { SUMMARY_WITH_TEXT } else { SUMMARY_WITH_LEAD };
        // CROSS JOIN keeps the few ids as the outer loop: with a plain join SQLite may
        // walk every published article and parse the id list once for each.
        let sql = format!(
            "SELECT {columns} FROM json_each(?1) j CROSS JOIN articles a ON a.id = j.value {join}
             WHERE a.status = 'published' AND a.published_at <= ?2 ORDER BY j.key",
            join = card_links_join!()
        );
        self.read(|conn| {
            // Cards kept at this content version are of articles published by then, and
            // stay so until the version changes; the others are read, and kept too.
            let version = content_version(conn)?;
            let found: Vec<Option<ArticleSummary>> = self
                .kept
                .summaries(version, ids, whole_text)
                .into_iter()
                .map(|card| card.filter(|card| card.published_at <= now))
                .collect();
            let missing = Kept::missing(ids, &found);
            if missing.is_empty() {
                return Ok(found.into_iter().flatten().collect());
            }
            let json = serde_json::to_string(&missing).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let mut links = Vec::new();
            let mut read = conn
                .prepare_cached(&sql)
                .map_err(db)?
                .query_map(params![json, now.as_second()], |row| card_from_row(row, &mut links))
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            decorate(conn, &self.kept, version, &links, &mut read)?;
            self.kept.keep_summaries(version, whole_text, &read);
            Ok(Kept::fill(ids, found, &read))
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

    /// The read connections only: the one write connection is always open. There is no
    /// bound: when every kept reader is busy another is opened, and at most
    /// `MAX_IDLE_READERS` are kept once given back.
    fn pool_status(&self) -> PoolStatus {
        let in_use = self.readers_in_use.load(Ordering::Relaxed);
        PoolStatus { size: lock(&self.readers).len() + in_use, in_use, max: None }
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
            date.as_deref().map(rate_date).transpose()
        })
    }

    async fn rate_history(&self, currency: &str, quote: &str, from: Date, to: Date) -> StoreResult<Vec<OfficialRate>> {
        self.read(|conn| {
            let rows = conn
                .prepare_cached(
                    "SELECT currency, quote, rate_date, source, rate, scale, fetched_at FROM rates
                     WHERE currency = ?1 AND quote = ?2 AND rate_date BETWEEN ?3 AND ?4
                     ORDER BY rate_date, fetched_at DESC",
                )
                .map_err(db)?
                .query_map(params![currency, quote, from.to_string(), to.to_string()], stored_rate)
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            let rates = rows.into_iter().map(StoredRate::into_rate).collect::<StoreResult<Vec<_>>>()?;
            Ok(one_per_day(rates))
        })
    }

    async fn find_articles(
        &self,
        query: &ArticleQuery,
        now: Timestamp,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<Article>> {
        self.read(|conn| {
            let ids = catalog::find_ids(conn, query, now, offset, limit)?;
            catalog::whole_articles(conn, &ids)
        })
    }

    async fn count_articles(&self, query: &ArticleQuery, now: Timestamp) -> StoreResult<u64> {
        self.read(|conn| catalog::count(conn, query, now))
    }

    async fn sitemap_entries(&self, now: Timestamp, offset: u64, limit: u32) -> StoreResult<Vec<SitemapEntry>> {
        self.read(|conn| catalog::sitemap_entries(conn, now, offset, limit))
    }

    async fn sitemap_chunks(&self, now: Timestamp, per_file: u32) -> StoreResult<Vec<Timestamp>> {
        self.read(|conn| catalog::sitemap_chunks(conn, now, per_file))
    }

    async fn tag_stats(&self, now: Timestamp) -> StoreResult<Vec<TagStats>> {
        self.read(|conn| catalog::tag_stats(conn, now))
    }

    async fn author_stats(&self, now: Timestamp) -> StoreResult<Vec<AuthorStats>> {
        self.read(|conn| catalog::author_stats(conn, now))
    }

    async fn add_api_key(&self, name: &str, key_hash: &str, now: Timestamp) -> StoreResult<KeyAdded> {
        let (name, key_hash) = (name.to_owned(), key_hash.to_owned());
        self.write(move |conn| catalog::add_api_key(conn, &name, &key_hash, now)).await
    }

    async fn api_key_known(&self, key_hash: &str) -> StoreResult<bool> {
        self.read(|conn| catalog::api_key_known(conn, key_hash))
    }

    async fn api_keys(&self) -> StoreResult<Vec<ApiKeyInfo>> {
        self.read(catalog::api_keys)
    }

    async fn remove_api_key(&self, name: &str) -> StoreResult<bool> {
        let name = name.to_owned();
        self.write(move |conn| catalog::remove_api_key(conn, &name)).await
    }

    async fn save_imported_articles(
        &self,
        items: Vec<ImportedArticle>,
        now: Timestamp,
    ) -> StoreResult<Vec<ImportOutcome>> {
        self.write(move |conn| imports::save_articles(conn, items, now)).await
    }

    async fn save_imported_authors(&self, authors: Vec<ImportedAuthor>) -> StoreResult<()> {
        self.write(move |conn| imports::save_authors(conn, &authors)).await
    }

    async fn save_redirects(&self, redirects: Vec<Redirect>) -> StoreResult<()> {
        self.write(move |conn| imports::save_redirects(conn, &redirects)).await
    }

    async fn redirect_target(&self, path: &str, now: Timestamp) -> StoreResult<Option<String>> {
        self.read(|conn| imports::redirect_target(conn, path, now))
    }

    async fn wordpress_post_path(&self, wp_id: i64, now: Timestamp) -> StoreResult<Option<String>> {
        self.read(|conn| imports::wordpress_post_path(conn, wp_id, now))
    }

    async fn latest_rates_from(&self, source: &str) -> StoreResult<Vec<OfficialRate>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT currency, quote, rate_date, source, rate, scale, fetched_at FROM (
                     SELECT *, ROW_NUMBER() OVER (PARTITION BY currency, quote ORDER BY rate_date DESC) AS n
                     FROM rates WHERE source = ?1
                 ) WHERE n = 1 ORDER BY currency, quote",
            )
            .map_err(db)?
            .query_map([source], stored_rate)
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?
            .into_iter()
            .map(StoredRate::into_rate)
            .collect()
        })
    }
}

/// Reads `currency, quote, rate_date, source, rate, scale, fetched_at`.
fn stored_rate(row: &Row<'_>) -> rusqlite::Result<StoredRate> {
    Ok(StoredRate {
        currency: row.get(0)?,
        quote: row.get(1)?,
        date: row.get(2)?,
        source: row.get(3)?,
        rate: row.get(4)?,
        scale: row.get(5)?,
        fetched_at: row.get::<_, Unix>(6)?.0,
    })
}

fn tags_of_kind(conn: &Connection, kind: TagKind) -> StoreResult<Vec<Tag>> {
    conn.prepare_cached("SELECT id, kind, slug, name FROM tags WHERE kind = ?1 ORDER BY name, id")
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
    let lead_text = first_words(&draft.body.text, LEAD_WORDS);
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
        lead_text,
    ];
    let (article_id, outcome) = match existing {
        Some(id) => {
            tx.prepare_cached(
                "UPDATE articles SET slug = ?1, title = ?2, dek = ?3, body_html = ?4, body_text = ?5,
                     body_markdown = ?6, excerpt = ?7, status = ?8, published_at = ?9, updated_at = ?10,
                     language = ?11, featured_image = ?12, lead_text = ?13
                 WHERE id = ?14",
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
                         status, published_at, updated_at, language, featured_image, lead_text, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?10) RETURNING id",
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

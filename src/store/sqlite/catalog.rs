//! The SQLite queries behind feeds, sitemaps and the Content API: articles by any mix of
//! tags, author, language and dates; every public address with its dates; tags and
//! authors with their counts; and the Content API keys.
//!
//! A listing by one tag, one author or one language reads the index made for it, so a
//! feed costs the same on a site of a hundred articles as on one of a hundred thousand.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{ListingQuery, Unix, article_from_row, author_from_row, db, tag_from_row};
use crate::domain::article::Article;
use crate::store::query_plan::{QueryPlan, plan};
use crate::store::{ApiKeyInfo, ArticleQuery, AuthorStats, KeyAdded, SitemapEntry, StoreError, StoreResult, TagStats};

/// Every condition of an [`ArticleQuery`] as one static statement; a condition that is
/// not asked is bound to a value that always holds.
const MATCHING: &str = "FROM articles a
     WHERE a.status = 'published' AND a.published_at <= ?1
       AND a.published_at >= ?2 AND a.published_at < ?3
       AND (?4 IS NULL OR a.language = ?4)
       AND (?5 IS NULL OR EXISTS (
             SELECT 1 FROM article_authors p WHERE p.article_id = a.id AND p.author_id = ?5))
       AND (SELECT COUNT(*) FROM article_tags l
            WHERE l.article_id = a.id AND l.tag_id IN (SELECT value FROM json_each(?6))) = json_array_length(?6)";

/// The latest articles in one language, by `articles_by_language`.
const LANGUAGE_IDS: &str = "SELECT id FROM articles
     WHERE language = ?1 AND status = 'published' AND published_at <= ?2
     ORDER BY published_at DESC, id DESC LIMIT ?3 OFFSET ?4";

const LANGUAGE_COUNT: &str =
    "SELECT COUNT(*) FROM articles WHERE language = ?1 AND status = 'published' AND published_at <= ?2";

/// Values of `?2`…`?6` of [`MATCHING`].
struct Bindings<'a> {
    from: i64,
    until: i64,
    language: Option<&'a str>,
    author: Option<i64>,
    tags: String,
}

impl<'a> Bindings<'a> {
    fn of(query: &'a ArticleQuery) -> StoreResult<Self> {
        Ok(Self {
            from: query.from.map_or(i64::MIN, Timestamp::as_second),
            until: query.until.map_or(i64::MAX, Timestamp::as_second),
            language: query.language.as_ref().map(|l| l.as_str()),
            author: query.author,
            tags: serde_json::to_string(&query.tags).map_err(|e| StoreError::Invalid(e.to_string()))?,
        })
    }
}

/// Identities of the published articles matching `query`, newest first.
pub(super) fn find_ids(
    conn: &Connection,
    query: &ArticleQuery,
    now: Timestamp,
    offset: u64,
    limit: u32,
) -> StoreResult<Vec<i64>> {
    let now = now.as_second();
    let skip = i64::try_from(offset).unwrap_or(i64::MAX);
    match plan(query) {
        QueryPlan::Listing(filter) => ListingQuery::new(&filter, now).ids(conn, offset, limit),
        QueryPlan::Language(language) => conn
            .prepare_cached(LANGUAGE_IDS)
            .map_err(db)?
            .query_map(params![language, now, limit, skip], |r| r.get::<_, i64>(0))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db),
        QueryPlan::General => {
            let b = Bindings::of(query)?;
            let sql = format!("SELECT a.id {MATCHING} ORDER BY a.published_at DESC, a.id DESC LIMIT ?7 OFFSET ?8");
            conn.prepare_cached(&sql)
                .map_err(db)?
                .query_map(params![now, b.from, b.until, b.language, b.author, b.tags, limit, skip], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)
        }
    }
}

/// How many published articles match `query`.
pub(super) fn count(conn: &Connection, query: &ArticleQuery, now: Timestamp) -> StoreResult<u64> {
    let now = now.as_second();
    let total: i64 = match plan(query) {
        QueryPlan::Listing(filter) => return ListingQuery::new(&filter, now).total(conn),
        QueryPlan::Language(language) => conn
            .prepare_cached(LANGUAGE_COUNT)
            .map_err(db)?
            .query_row(params![language, now], |r| r.get(0))
            .map_err(db)?,
        QueryPlan::General => {
            let b = Bindings::of(query)?;
            let sql = format!("SELECT COUNT(*) {MATCHING}");
            conn.prepare_cached(&sql)
                .map_err(db)?
                .query_row(params![now, b.from, b.until, b.language, b.author, b.tags], |r| r.get(0))
                .map_err(db)?
        }
    };
    Ok(u64::try_from(total).unwrap_or(0))
}

/// Whole articles with their authors and tags, in the order of `ids`.
pub(super) fn whole_articles(conn: &Connection, ids: &[i64]) -> StoreResult<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut articles = conn
        .prepare_cached(
            "SELECT a.id, a.slug, a.title, a.dek, a.body_html, a.excerpt, a.status, a.published_at,
                    a.updated_at, a.language, a.featured_image, a.body_text, a.featured_picture
             FROM json_each(?1) j JOIN articles a ON a.id = j.value ORDER BY j.key",
        )
        .map_err(db)?
        .query_map([&json], article_from_row)
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    let position: HashMap<i64, usize> = articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut authors = conn
        .prepare_cached(
            "SELECT l.article_id, p.id, p.slug, p.name, p.bio
             FROM article_authors l JOIN authors p ON p.id = l.author_id
             WHERE l.article_id IN (SELECT value FROM json_each(?1))
             ORDER BY l.article_id, l.position",
        )
        .map_err(db)?;
    for row in authors.query_map([&json], |row| Ok((row.get::<_, i64>(0)?, author_from_row(row, 1)?))).map_err(db)? {
        let (article_id, author) = row.map_err(db)?;
        if let Some(&i) = position.get(&article_id) {
            articles[i].authors.push(author);
        }
    }
    let mut tags = conn
        .prepare_cached(
            "SELECT l.article_id, t.id, t.kind, t.slug, t.name
             FROM article_tags l JOIN tags t ON t.id = l.tag_id
             WHERE l.article_id IN (SELECT value FROM json_each(?1))
             ORDER BY l.article_id, l.position",
        )
        .map_err(db)?;
    for row in tags.query_map([&json], |row| Ok((row.get::<_, i64>(0)?, tag_from_row(row, 1)?))).map_err(db)? {
        let (article_id, tag) = row.map_err(db)?;
        if let Some(&i) = position.get(&article_id) {
            articles[i].tags.push(tag);
        }
    }
    Ok(articles)
}

/// Public articles in store order (oldest first), so that a sitemap file keeps its
/// addresses as the archive grows and only the last file changes on publish.
pub(super) fn sitemap_entries(
    conn: &Connection,
    now: Timestamp,
    offset: u64,
    limit: u32,
) -> StoreResult<Vec<SitemapEntry>> {
    conn.prepare_cached(
        "SELECT slug, published_at, updated_at FROM articles
         WHERE status = 'published' AND published_at <= ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
    )
    .map_err(db)?
    .query_map(params![now.as_second(), limit, i64::try_from(offset).unwrap_or(i64::MAX)], |row| {
        Ok(SitemapEntry {
            slug: row.get(0)?,
            published_at: row.get::<_, Unix>(1)?.0,
            updated_at: row.get::<_, Unix>(2)?.0,
        })
    })
    .map_err(db)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(db)
}

/// The latest change in each run of `per_file` public articles, in store order.
pub(super) fn sitemap_chunks(conn: &Connection, now: Timestamp, per_file: u32) -> StoreResult<Vec<Timestamp>> {
    conn.prepare_cached(
        "SELECT MAX(MAX(published_at, updated_at)) FROM (
             SELECT published_at, updated_at, (ROW_NUMBER() OVER (ORDER BY id) - 1) / ?2 AS chunk
             FROM articles WHERE status = 'published' AND published_at <= ?1
         ) GROUP BY chunk ORDER BY chunk",
    )
    .map_err(db)?
    .query_map(params![now.as_second(), per_file.max(1)], |row| Ok(row.get::<_, Unix>(0)?.0))
    .map_err(db)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(db)
}

/// Every tag, by kind and name, with its public articles counted: one index range per tag.
pub(super) fn tag_stats(conn: &Connection, now: Timestamp) -> StoreResult<Vec<TagStats>> {
    conn.prepare_cached(
        "SELECT t.id, t.kind, t.slug, t.name,
                (SELECT COUNT(*) FROM article_tags l
                 WHERE l.tag_id = t.id AND l.listed = 1 AND l.published_at <= ?1),
                (SELECT l.published_at FROM article_tags l
                 WHERE l.tag_id = t.id AND l.listed = 1 AND l.published_at <= ?1
                 ORDER BY l.published_at DESC LIMIT 1)
         FROM tags t ORDER BY t.kind, t.name, t.id",
    )
    .map_err(db)?
    .query_map([now.as_second()], |row| {
        Ok(TagStats {
            tag: tag_from_row(row, 0)?,
            articles: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
            latest: row.get::<_, Option<Unix>>(5)?.map(|u| u.0),
        })
    })
    .map_err(db)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(db)
}

/// Every author, by name, with their public articles counted.
pub(super) fn author_stats(conn: &Connection, now: Timestamp) -> StoreResult<Vec<AuthorStats>> {
    conn.prepare_cached(
        "SELECT p.id, p.slug, p.name, p.bio,
                (SELECT COUNT(*) FROM article_authors l
                 WHERE l.author_id = p.id AND l.listed = 1 AND l.published_at <= ?1),
                (SELECT l.published_at FROM article_authors l
                 WHERE l.author_id = p.id AND l.listed = 1 AND l.published_at <= ?1
                 ORDER BY l.published_at DESC LIMIT 1)
         FROM authors p ORDER BY p.name, p.id",
    )
    .map_err(db)?
    .query_map([now.as_second()], |row| {
        Ok(AuthorStats {
            author: author_from_row(row, 0)?,
            articles: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
            latest: row.get::<_, Option<Unix>>(5)?.map(|u| u.0),
        })
    })
    .map_err(db)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(db)
}

/// Stores a key's digest under `name`, unless that name is taken.
pub(super) fn add_api_key(conn: &Connection, name: &str, key_hash: &str, now: Timestamp) -> StoreResult<KeyAdded> {
    let added = conn
        .prepare_cached(
            "INSERT INTO api_keys (name, key_hash, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
        )
        .map_err(db)?
        .execute(params![name, key_hash, now.as_second()])
        .map_err(db)?;
    Ok(if added == 1 { KeyAdded::Added } else { KeyAdded::NameTaken })
}

/// Whether a key with this digest exists.
pub(super) fn api_key_known(conn: &Connection, key_hash: &str) -> StoreResult<bool> {
    conn.prepare_cached("SELECT 1 FROM api_keys WHERE key_hash = ?1")
        .map_err(db)?
        .query_row([key_hash], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
        .map_err(db)
}

/// Every key's name and age, by name.
pub(super) fn api_keys(conn: &Connection) -> StoreResult<Vec<ApiKeyInfo>> {
    conn.prepare_cached("SELECT name, created_at FROM api_keys ORDER BY name")
        .map_err(db)?
        .query_map([], |row| Ok(ApiKeyInfo { name: row.get(0)?, created_at: row.get::<_, Unix>(1)?.0 }))
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)
}

/// Deletes the key named `name`; whether there was one.
pub(super) fn remove_api_key(conn: &Connection, name: &str) -> StoreResult<bool> {
    let removed =
        conn.prepare_cached("DELETE FROM api_keys WHERE name = ?1").map_err(db)?.execute([name]).map_err(db)?;
    Ok(removed > 0)
}

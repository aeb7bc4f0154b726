//! The PostgreSQL queries behind feeds, sitemaps and the Content API: articles by any mix
//! of tags, author, language and dates; every public address with its dates; tags and
//! authors with their counts; and the Content API keys.
//!
//! A query by one tag, one author, one language or dates alone reads the index made for
//! that listing (see [`plan`]); only a mix of conditions takes the general statement.
//! Names sort byte by byte (`COLLATE "C"`), as SQLite sorts them, whatever collation
//! the database was created with.

use std::collections::HashMap;

use deadpool_postgres::Transaction;
use jiff::Timestamp;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{PostgresStore, article_from_row, author_from_row, big, count, db, get, slug, tag_from_row, time};
use crate::domain::article::Article;
use crate::store::query_plan::{QueryPlan, plan};
use crate::store::{
    ApiKeyInfo, ArticleQuery, AuthorStats, KeyAdded, ListingFilter, SitemapEntry, StoreError, StoreResult, TagStats,
};

/// Every condition of an [`ArticleQuery`] in one statement, for mixes no listing index
/// answers; a condition that is not asked is bound to a value that always holds.
macro_rules! matching {
    () => {
        "FROM articles a
         WHERE a.status = 'published' AND a.published_at <= $1
           AND a.published_at >= $2 AND a.published_at < $3
           AND ($4::text IS NULL OR a.language = $4)
           AND ($5::bigint IS NULL OR EXISTS (
                 SELECT 1 FROM article_authors p WHERE p.article_id = a.id AND p.author_id = $5))
           AND (SELECT COUNT(*) FROM article_tags l
                WHERE l.article_id = a.id AND l.tag_id = ANY($6::bigint[])) = cardinality($6::bigint[])"
    };
}

/// The statements of one way to answer a query and the values they bind.
struct Statements<'a> {
    /// Identities newest first; binds `values`, then LIMIT and OFFSET.
    ids: &'static str,
    /// How many match; binds `values`.
    count: &'static str,
    values: Vec<Box<dyn ToSql + Sync + Send + 'a>>,
}

impl<'a> Statements<'a> {
    fn of(query: &'a ArticleQuery, now: i64) -> Self {
        match plan(query) {
            QueryPlan::Listing(ListingFilter::All) => Self {
                ids: "SELECT id FROM articles WHERE status = 'published' AND published_at <= $1
                      ORDER BY published_at DESC, id DESC LIMIT $2 OFFSET $3",
                count: "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at <= $1",
                values: vec![Box::new(now)],
            },
            QueryPlan::Listing(ListingFilter::Tag(tag_id)) => Self {
                ids: "SELECT article_id FROM article_tags WHERE tag_id = $1 AND listed = 1 AND published_at <= $2
                      ORDER BY published_at DESC, article_id DESC LIMIT $3 OFFSET $4",
                count: "SELECT COUNT(*) FROM article_tags WHERE tag_id = $1 AND listed = 1 AND published_at <= $2",
                values: vec![Box::new(tag_id), Box::new(now)],
            },
            QueryPlan::Listing(ListingFilter::Author(author_id)) => Self {
                ids: "SELECT article_id FROM article_authors WHERE author_id = $1 AND listed = 1 AND published_at <= $2
                      ORDER BY published_at DESC, article_id DESC LIMIT $3 OFFSET $4",
                count: "SELECT COUNT(*) FROM article_authors
                        WHERE author_id = $1 AND listed = 1 AND published_at <= $2",
                values: vec![Box::new(author_id), Box::new(now)],
            },
            // Published before `until` and not after now: before whichever comes first.
            QueryPlan::Listing(ListingFilter::Period { from, until }) => Self {
                ids: "SELECT id FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at < $2
                      ORDER BY published_at DESC, id DESC LIMIT $3 OFFSET $4",
                count: "SELECT COUNT(*) FROM articles
                        WHERE status = 'published' AND published_at >= $1 AND published_at < $2",
                values: vec![Box::new(from.as_second()), Box::new(until.as_second().min(now.saturating_add(1)))],
            },
            QueryPlan::Language(language) => Self {
                ids: "SELECT id FROM articles WHERE language = $1 AND status = 'published' AND published_at <= $2
                      ORDER BY published_at DESC, id DESC LIMIT $3 OFFSET $4",
                count: "SELECT COUNT(*) FROM articles WHERE language = $1 AND status = 'published' AND published_at <= $2",
                values: vec![Box::new(language), Box::new(now)],
            },
            QueryPlan::General => Self {
                ids: concat!(
                    "SELECT a.id ",
                    matching!(),
                    " ORDER BY a.published_at DESC, a.id DESC LIMIT $7 OFFSET $8"
                ),
                count: concat!("SELECT COUNT(*) ", matching!()),
                values: vec![
                    Box::new(now),
                    Box::new(query.from.map_or(i64::MIN, Timestamp::as_second)),
                    Box::new(query.until.map_or(i64::MAX, Timestamp::as_second)),
                    Box::new(query.language.as_ref().map(|l| l.as_str())),
                    Box::new(query.author),
                    Box::new(query.tags.as_slice()),
                ],
            },
        }
    }

    fn values(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.values.iter().map(|v| &**v as &(dyn ToSql + Sync)).collect()
    }
}

/// Published articles matching `query`, whole, newest first, `limit` from `offset`.
pub(super) async fn find_articles(
    store: &PostgresStore,
    query: &ArticleQuery,
    now: Timestamp,
    offset: u64,
    limit: u32,
) -> StoreResult<Vec<Article>> {
    let mut client = store.client().await?;
    // One snapshot for the identities and the articles, as SQLite's read transaction.
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(db)?;
    let statements = Statements::of(query, now.as_second());
    let (limit, offset) = (big(limit), big(offset));
    let mut values = statements.values();
    values.extend([&limit as &(dyn ToSql + Sync), &offset]);
    let ids = tx.prepare_cached(statements.ids).await.map_err(db)?;
    let ids: Vec<i64> =
        tx.query(&ids, &values).await.map_err(db)?.iter().map(|row| get(row, 0)).collect::<StoreResult<_>>()?;
    let articles = whole_articles(&tx, &ids).await?;
    tx.commit().await.map_err(db)?;
    Ok(articles)
}

/// How many published articles match `query`.
pub(super) async fn count_articles(store: &PostgresStore, query: &ArticleQuery, now: Timestamp) -> StoreResult<u64> {
    let client = store.client().await?;
    let statements = Statements::of(query, now.as_second());
    let statement = client.prepare_cached(statements.count).await.map_err(db)?;
    let row = client.query_one(&statement, &statements.values()).await.map_err(db)?;
    Ok(count(get(&row, 0)?))
}

/// Whole articles with their authors and tags, in the order of `ids`: three statements
/// whatever the number of articles.
async fn whole_articles(tx: &Transaction<'_>, ids: &[i64]) -> StoreResult<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let articles = tx
        .prepare_cached(
            "SELECT a.id, a.slug, a.title, a.dek, a.body_html, a.excerpt, a.status, a.published_at,
                    a.updated_at, a.language, a.featured_image, a.body_text, a.featured_picture
             FROM unnest($1::bigint[]) WITH ORDINALITY AS j (id, n) JOIN articles a ON a.id = j.id
             ORDER BY j.n",
        )
        .await
        .map_err(db)?;
    let mut articles = tx
        .query(&articles, &[&ids])
        .await
        .map_err(db)?
        .iter()
        .map(article_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let position: HashMap<i64, usize> = articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let authors = tx
        .prepare_cached(
            "SELECT l.article_id, p.id, p.slug, p.name, p.bio
             FROM article_authors l JOIN authors p ON p.id = l.author_id
             WHERE l.article_id = ANY($1)
             ORDER BY l.article_id, l.position",
        )
        .await
        .map_err(db)?;
    for row in tx.query(&authors, &[&ids]).await.map_err(db)? {
        if let Some(&i) = position.get(&get::<i64>(&row, 0)?) {
            articles[i].authors.push(author_from_row(&row, 1)?);
        }
    }
    let tags = tx
        .prepare_cached(
            "SELECT l.article_id, t.id, t.kind, t.slug, t.name
             FROM article_tags l JOIN tags t ON t.id = l.tag_id
             WHERE l.article_id = ANY($1)
             ORDER BY l.article_id, l.position",
        )
        .await
        .map_err(db)?;
    for row in tx.query(&tags, &[&ids]).await.map_err(db)? {
        if let Some(&i) = position.get(&get::<i64>(&row, 0)?) {
            articles[i].tags.push(tag_from_row(&row, 1)?);
        }
    }
    Ok(articles)
}

/// Public articles in store order (oldest first), so that a sitemap file keeps its
/// addresses as the archive grows and only the last file changes on publish.
pub(super) async fn sitemap_entries(
    store: &PostgresStore,
    now: Timestamp,
    offset: u64,
    limit: u32,
) -> StoreResult<Vec<SitemapEntry>> {
    let client = store.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT slug, published_at, updated_at FROM articles
             WHERE status = 'published' AND published_at <= $1 ORDER BY id LIMIT $2 OFFSET $3",
        )
        .await
        .map_err(db)?;
    client
        .query(&statement, &[&now.as_second(), &big(limit), &big(offset)])
        .await
        .map_err(db)?
        .iter()
        .map(|row| Ok(SitemapEntry { slug: slug(row, 0)?, published_at: time(row, 1)?, updated_at: time(row, 2)? }))
        .collect()
}

/// The latest change in each run of `per_file` public articles, in store order.
pub(super) async fn sitemap_chunks(
    store: &PostgresStore,
    now: Timestamp,
    per_file: u32,
) -> StoreResult<Vec<Timestamp>> {
    let client = store.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT MAX(GREATEST(published_at, updated_at)) FROM (
                 SELECT published_at, updated_at, (ROW_NUMBER() OVER (ORDER BY id) - 1) / $2 AS chunk
                 FROM articles WHERE status = 'published' AND published_at <= $1
             ) runs GROUP BY chunk ORDER BY chunk",
        )
        .await
        .map_err(db)?;
    client
        .query(&statement, &[&now.as_second(), &big(per_file.max(1))])
        .await
        .map_err(db)?
        .iter()
        .map(|row| time(row, 0))
        .collect()
}

/// Every tag, by kind and name, with its public articles counted: one index range per tag.
pub(super) async fn tag_stats(store: &PostgresStore, now: Timestamp) -> StoreResult<Vec<TagStats>> {
    let client = store.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT t.id, t.kind, t.slug, t.name,
                    (SELECT COUNT(*) FROM article_tags l
                     WHERE l.tag_id = t.id AND l.listed = 1 AND l.published_at <= $1),
                    (SELECT l.published_at FROM article_tags l
                     WHERE l.tag_id = t.id AND l.listed = 1 AND l.published_at <= $1
                     ORDER BY l.published_at DESC LIMIT 1)
             FROM tags t ORDER BY t.kind COLLATE \"C\", t.name COLLATE \"C\", t.id",
        )
        .await
        .map_err(db)?;
    client
        .query(&statement, &[&now.as_second()])
        .await
        .map_err(db)?
        .iter()
        .map(|row| {
            Ok(TagStats { tag: tag_from_row(row, 0)?, articles: count(get(row, 4)?), latest: optional_time(row, 5)? })
        })
        .collect()
}

/// Every author, by name, with their public articles counted.
pub(super) async fn author_stats(store: &PostgresStore, now: Timestamp) -> StoreResult<Vec<AuthorStats>> {
    let client = store.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT p.id, p.slug, p.name, p.bio,
                    (SELECT COUNT(*) FROM article_authors l
                     WHERE l.author_id = p.id AND l.listed = 1 AND l.published_at <= $1),
                    (SELECT l.published_at FROM article_authors l
                     WHERE l.author_id = p.id AND l.listed = 1 AND l.published_at <= $1
                     ORDER BY l.published_at DESC LIMIT 1)
             FROM authors p ORDER BY p.name COLLATE \"C\", p.id",
        )
        .await
        .map_err(db)?;
    client
        .query(&statement, &[&now.as_second()])
        .await
        .map_err(db)?
        .iter()
        .map(|row| {
            Ok(AuthorStats {
                author: author_from_row(row, 0)?,
                articles: count(get(row, 4)?),
                latest: optional_time(row, 5)?,
            })
        })
        .collect()
}

fn optional_time(row: &Row, idx: usize) -> StoreResult<Option<Timestamp>> {
    get::<Option<i64>>(row, idx)?
        .map(|secs| Timestamp::from_second(secs).map_err(|e| StoreError::Invalid(format!("time {secs}: {e}"))))
        .transpose()
}

/// Stores a key's digest under `name`, unless that name is taken. One statement decides
/// and writes, so it needs no write lock.
pub(super) async fn add_api_key(
    store: &PostgresStore,
    name: &str,
    key_hash: &str,
    now: Timestamp,
) -> StoreResult<KeyAdded> {
    let client = store.client().await?;
    let statement = client
        .prepare_cached(
            "INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .await
        .map_err(db)?;
    let added = client.execute(&statement, &[&name, &key_hash, &now.as_second()]).await.map_err(db)?;
    Ok(if added == 1 { KeyAdded::Added } else { KeyAdded::NameTaken })
}

/// Whether a key with this digest exists.
pub(super) async fn api_key_known(store: &PostgresStore, key_hash: &str) -> StoreResult<bool> {
    let client = store.client().await?;
    let statement = client.prepare_cached("SELECT 1 FROM api_keys WHERE key_hash = $1").await.map_err(db)?;
    Ok(client.query_opt(&statement, &[&key_hash]).await.map_err(db)?.is_some())
}

/// Every key's name and age, by name.
pub(super) async fn api_keys(store: &PostgresStore) -> StoreResult<Vec<ApiKeyInfo>> {
    let client = store.client().await?;
    let statement =
        client.prepare_cached("SELECT name, created_at FROM api_keys ORDER BY name COLLATE \"C\"").await.map_err(db)?;
    client
        .query(&statement, &[])
        .await
        .map_err(db)?
        .iter()
        .map(|row| Ok(ApiKeyInfo { name: get(row, 0)?, created_at: time(row, 1)? }))
        .collect()
}

/// Deletes the key named `name`; whether there was one.
pub(super) async fn remove_api_key(store: &PostgresStore, name: &str) -> StoreResult<bool> {
    let client = store.client().await?;
    let statement = client.prepare_cached("DELETE FROM api_keys WHERE name = $1").await.map_err(db)?;
    Ok(client.execute(&statement, &[&name]).await.map_err(db)? > 0)
}

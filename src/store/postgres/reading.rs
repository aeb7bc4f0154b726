//! What readers see: articles, listings, home-page blocks, tags and authors.
//!
//! Each round trip to the server costs more than a whole SQLite query, so a read is one
//! or two statements, whatever the page size: a card or an article carries its bylines,
//! tags and notes as JSON arrays built by subqueries of the same statement (one
//! snapshot, no second lookup per card), and statements that do not need each other's
//! results are sent together on the connection (`try_join!` pipelines them).

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use deadpool_postgres::ClientWrapper;
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{
    PostgresStore, article_from_row, author_from_row, big, count, db, get, invalid, summary_from_row, tag_from_row,
    time,
};
use crate::domain::article::{Article, ArticleNote, ArticleSummary, NoteKind};
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::store::related::{RELATED_PER_TAG, rank_related};
use crate::store::{ArticleStamp, LEAD_WORDS, Listing, ListingFilter, StoreError, StoreResult, TagBlock};

/// A subquery of an article `a`'s bylines as a JSON array of `[id, slug, name, bio]`,
/// in byline order; NULL when it has none.
macro_rules! bylines_json {
    () => {
        "(SELECT json_agg(json_build_array(p.id, p.slug, p.name, p.bio) ORDER BY l.position)::text
           FROM article_authors l JOIN authors p ON p.id = l.author_id WHERE l.article_id = a.id)"
    };
}

/// A subquery of an article `a`'s tags as a JSON array of `[id, kind, slug, name]`, in
/// the article's order; NULL when it has none.
macro_rules! tags_json {
    () => {
        "(SELECT json_agg(json_build_array(t.id, t.kind, t.slug, t.name) ORDER BY l.position)::text
           FROM article_tags l JOIN tags t ON t.id = l.tag_id WHERE l.article_id = a.id)"
    };
}

/// The columns of `article_from_row`, then the bylines and tags.
macro_rules! article_columns {
    () => {
        concat!(
            "a.id, a.slug, a.title, a.dek, a.body_html, a.excerpt, a.status, a.published_at, a.updated_at,
             a.language, a.featured_image, a.body_text, a.featured_picture, ",
            bylines_json!(),
            ", ",
            tags_json!()
        )
    };
}

/// Listing cards of the articles `$1` that are public at `$3`, in the order of `$1`:
/// the columns of `summary_from_row` (the lead when `$2`, else the whole text), then
/// the bylines and tags.
const CARDS: &str = concat!(
    "SELECT a.id, a.slug, a.title, a.dek, a.excerpt, CASE WHEN $2 THEN a.lead_text ELSE a.body_text END,
            a.published_at, a.language, a.featured_image, a.featured_picture, ",
    bylines_json!(),
    ", ",
    tags_json!(),
    " FROM unnest($1::bigint[]) WITH ORDINALITY AS j(id, n) JOIN articles a ON a.id = j.id
      WHERE a.status = 'published' AND a.published_at <= $3
      ORDER BY j.n"
);

/// The column of a card's bylines, after its own; its tags follow.
const CARD_LINKS: usize = 10;

/// The column of an article's bylines, after its own; its tags follow.
const ARTICLE_LINKS: usize = 13;

pub(super) async fn published_article(
    store: &PostgresStore,
    slug: &Slug,
    now: Timestamp,
) -> StoreResult<Option<Article>> {
    const SQL: &str = concat!(
        "SELECT ",
        article_columns!(),
        ", (SELECT json_agg(json_build_array(n.kind, n.noted_at, n.text) ORDER BY n.noted_at, n.id)::text
              FROM article_notes n WHERE n.article_id = a.id)
         FROM articles a WHERE a.slug = $1 AND a.status = 'published' AND a.published_at <= $2"
    );
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let Some(row) = client.query_opt(&stmt, &[&slug.as_str(), &now.as_second()]).await.map_err(db)? else {
        return Ok(None);
    };
    let mut article = whole_article(&row)?;
    article.notes = json_list::<(String, i64, String)>(&row, ARTICLE_LINKS + 2)?
        .into_iter()
        .map(|(kind, noted_at, text)| {
            Ok(ArticleNote {
                kind: NoteKind::parse(&kind).ok_or_else(|| invalid("note kind", &kind))?,
                noted_at: Timestamp::from_second(noted_at)
                    .map_err(|e| StoreError::Invalid(format!("time {noted_at}: {e}")))?,
                text,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(Some(article))
}

pub(super) async fn list_published(
    store: &PostgresStore,
    filter: &ListingFilter,
    now: Timestamp,
    offset: u64,
    limit: u32,
    words: usize,
) -> StoreResult<Listing> {
    let client = store.client().await?;
    let query = ListingQuery::new(filter, now.as_second());
    let (ids, total) = tokio::try_join!(query.ids(&client, offset, limit), query.total(&client, &store.totals))?;
    let items = cards(&client, &ids, now, words).await?;
    Ok(Listing { items, total })
}

pub(super) async fn latest_published(
    store: &PostgresStore,
    filter: &ListingFilter,
    now: Timestamp,
    limit: u32,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    let client = store.client().await?;
    let ids = ListingQuery::new(filter, now.as_second()).ids(&client, 0, limit).await?;
    cards(&client, &ids, now, words).await
}

pub(super) async fn latest_by_tag_kind(
    store: &PostgresStore,
    kind: TagKind,
    per_tag: u32,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<TagBlock>> {
    // Tags in the order of `tags`; a tag with nothing public has no row.
    const SQL: &str = r#"
        SELECT t.id, t.kind, t.slug, t.name, l.article_id
        FROM tags t CROSS JOIN LATERAL (
            SELECT article_id, published_at FROM article_tags
            WHERE tag_id = t.id AND listed = 1 AND published_at <= $2
            ORDER BY published_at DESC, article_id DESC LIMIT $3
        ) l
        WHERE t.kind = $1
        ORDER BY t.name COLLATE "C", t.id, l.published_at DESC, l.article_id DESC"#;
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let rows = client.query(&stmt, &[&kind.as_str(), &now.as_second(), &big(per_tag)]).await.map_err(db)?;
    let mut listed: Vec<(Tag, Vec<i64>)> = Vec::new();
    for row in &rows {
        let tag_id: i64 = get(row, 0)?;
        let article_id: i64 = get(row, 4)?;
        match listed.last_mut() {
            Some((tag, ids)) if tag.id == tag_id => ids.push(article_id),
            _ => listed.push((tag_from_row(row, 0)?, vec![article_id])),
        }
    }
    let mut seen = HashSet::new();
    let all: Vec<i64> = listed.iter().flat_map(|(_, ids)| ids.iter().copied()).filter(|id| seen.insert(*id)).collect();
    let found: HashMap<i64, ArticleSummary> =
        cards(&client, &all, now, words).await?.into_iter().map(|card| (card.id, card)).collect();
    Ok(listed
        .into_iter()
        .map(|(tag, ids)| TagBlock { tag, items: ids.iter().filter_map(|id| found.get(id).cloned()).collect() })
        .collect())
}

/// Articles sharing the most tags with `article`, among the latest few of each of its
/// tags up to a month after it: one statement of a handful of index range scans,
/// whatever the archive size.
pub(super) async fn related_articles(
    store: &PostgresStore,
    article: &Article,
    limit: u32,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    const SQL: &str = "
        SELECT l.article_id, l.published_at
        FROM unnest($1::bigint[]) WITH ORDINALITY AS g(tag_id, n) CROSS JOIN LATERAL (
            SELECT article_id, published_at FROM article_tags
            WHERE tag_id = g.tag_id AND listed = 1 AND published_at <= $2 AND article_id <> $3
            ORDER BY published_at DESC, article_id DESC LIMIT $4
        ) l
        ORDER BY g.n, l.published_at DESC, l.article_id DESC";
    if article.tags.is_empty() {
        return Ok(Vec::new());
    }
    let horizon = now.as_second().min(article.published_at.as_second() + 30 * 86_400);
    let tag_ids: Vec<i64> = article.tags.iter().map(|t| t.id).collect();
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let rows = client.query(&stmt, &[&tag_ids, &horizon, &article.id, &big(RELATED_PER_TAG)]).await.map_err(db)?;
    let candidates = rows.iter().map(|row| Ok((get(row, 0)?, get(row, 1)?))).collect::<StoreResult<Vec<_>>>()?;
    let ids = rank_related(candidates, limit);
    cards(&client, &ids, now, words).await
}

pub(super) async fn tag(store: &PostgresStore, kind: TagKind, slug: &Slug) -> StoreResult<Option<Tag>> {
    let client = store.client().await?;
    let stmt = client
        .prepare_cached("SELECT id, kind, slug, name FROM tags WHERE kind = $1 AND slug = $2")
        .await
        .map_err(db)?;
    client
        .query_opt(&stmt, &[&kind.as_str(), &slug.as_str()])
        .await
        .map_err(db)?
        .map(|row| tag_from_row(&row, 0))
        .transpose()
}

/// Every tag of `kind` by name, compared byte by byte as SQLite does rather than by the
/// database's collation.
pub(super) async fn tags(store: &PostgresStore, kind: TagKind) -> StoreResult<Vec<Tag>> {
    let client = store.client().await?;
    let stmt = client
        .prepare_cached(r#"SELECT id, kind, slug, name FROM tags WHERE kind = $1 ORDER BY name COLLATE "C", id"#)
        .await
        .map_err(db)?;
    client.query(&stmt, &[&kind.as_str()]).await.map_err(db)?.iter().map(|row| tag_from_row(row, 0)).collect()
}

pub(super) async fn author(store: &PostgresStore, slug: &Slug) -> StoreResult<Option<Author>> {
    let client = store.client().await?;
    let stmt = client.prepare_cached("SELECT id, slug, name, bio FROM authors WHERE slug = $1").await.map_err(db)?;
    client.query_opt(&stmt, &[&slug.as_str()]).await.map_err(db)?.map(|row| author_from_row(&row, 0)).transpose()
}

pub(super) async fn article_count(store: &PostgresStore) -> StoreResult<u64> {
    let client = store.client().await?;
    let stmt = client.prepare_cached("SELECT COUNT(*) FROM articles").await.map_err(db)?;
    Ok(count(get(&client.query_one(&stmt, &[]).await.map_err(db)?, 0)?))
}

pub(super) async fn article_stamps(store: &PostgresStore) -> StoreResult<Vec<ArticleStamp>> {
    let client = store.client().await?;
    let stmt = client
        .prepare_cached("SELECT id, updated_at, published_at, status = 'published' FROM articles ORDER BY id")
        .await
        .map_err(db)?;
    client
        .query(&stmt, &[])
        .await
        .map_err(db)?
        .iter()
        .map(|row| {
            Ok(ArticleStamp {
                id: get(row, 0)?,
                updated_at: time(row, 1)?,
                published_at: time(row, 2)?,
                listed: get(row, 3)?,
            })
        })
        .collect()
}

/// Whole articles with their bylines and tags (not their notes, as in SQLite: the
/// search index does not show them), in one statement.
pub(super) async fn articles_by_id(store: &PostgresStore, ids: &[i64]) -> StoreResult<Vec<Article>> {
    const SQL: &str =
        concat!("SELECT ", article_columns!(), " FROM unnest($1::bigint[]) AS j(id) JOIN articles a ON a.id = j.id");
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    client.query(&stmt, &[&ids]).await.map_err(db)?.iter().map(whole_article).collect()
}

pub(super) async fn published_summaries(
    store: &PostgresStore,
    ids: &[i64],
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    let client = store.client().await?;
    cards(&client, ids, now, words).await
}

pub(super) async fn content_version(store: &PostgresStore) -> StoreResult<i64> {
    let client = store.client().await?;
    current_version(&client).await
}

/// The cards of `ids` public at `now`, in the order of `ids`, with enough text for
/// excerpts of `words` words: one statement however many there are.
async fn cards(client: &ClientWrapper, ids: &[i64], now: Timestamp, words: usize) -> StoreResult<Vec<ArticleSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let lead = words < LEAD_WORDS;
    let stmt = client.prepare_cached(CARDS).await.map_err(db)?;
    client
        .query(&stmt, &[&ids, &lead, &now.as_second()])
        .await
        .map_err(db)?
        .iter()
        .map(|row| {
            let mut card = summary_from_row(row)?;
            card.authors = bylines(row, CARD_LINKS)?;
            card.tags = tag_list(row, CARD_LINKS + 1)?;
            Ok(card)
        })
        .collect()
}

/// An article from [`article_columns!`].
fn whole_article(row: &Row) -> StoreResult<Article> {
    let mut article = article_from_row(row)?;
    article.authors = bylines(row, ARTICLE_LINKS)?;
    article.tags = tag_list(row, ARTICLE_LINKS + 1)?;
    Ok(article)
}

fn bylines(row: &Row, idx: usize) -> StoreResult<Vec<Author>> {
    json_list::<(i64, String, String, Option<String>)>(row, idx)?
        .into_iter()
        .map(|(id, slug, name, bio)| Ok(Author { id, slug: parse_slug(&slug)?, name, bio }))
        .collect()
}

fn tag_list(row: &Row, idx: usize) -> StoreResult<Vec<Tag>> {
    json_list::<(i64, String, String, String)>(row, idx)?
        .into_iter()
        .map(|(id, kind, slug, name)| {
            Ok(Tag {
                id,
                kind: TagKind::parse(&kind).ok_or_else(|| invalid("tag kind", &kind))?,
                slug: parse_slug(&slug)?,
                name,
            })
        })
        .collect()
}

/// A JSON array column from `json_agg`, NULL when it aggregated nothing.
fn json_list<T: DeserializeOwned>(row: &Row, idx: usize) -> StoreResult<Vec<T>> {
    let json: Option<&str> = get(row, idx)?;
    json.map_or(Ok(Vec::new()), |json| {
        serde_json::from_str(json).map_err(|e| StoreError::Invalid(format!("linked rows: {e}")))
    })
}

fn parse_slug(s: &str) -> StoreResult<Slug> {
    Slug::parse(s).map_err(|_| invalid("slug", s))
}

/// The size of each listing by tag, by author and of everything, counting every listed
/// article whatever its date, as of one content version (which every change to
/// articles, their links, tags or authors bumps, on any node). Counting a big archive
/// walks its whole index range (12 ms for 100,000 articles, several times the rest of the
/// page); so it is done once per version, and a page takes off the few articles
/// scheduled after now.
#[derive(Default)]
pub(super) struct ListingTotals {
    version: i64,
    counts: HashMap<(&'static str, i64), u64>,
}

/// The statements behind a listing: its ids a page at a time (`$3` the limit, `$4` the
/// offset) and its size, over `$1 = key` and `$2 = until`.
struct ListingQuery {
    ids: &'static str,
    count: &'static str,
    /// Counts the listed articles dated after `$2`, for listings whose size
    /// [`ListingTotals`] keeps.
    later: Option<&'static str>,
    key: i64,
    until: i64,
}

impl ListingQuery {
    fn new(filter: &ListingFilter, now: i64) -> Self {
        let (ids, count, later, key, until) = match *filter {
            // The key of the whole listing is its earliest date, which it does not have.
            ListingFilter::All => (
                "SELECT id FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at <= $2
                 ORDER BY published_at DESC, id DESC LIMIT $3 OFFSET $4",
                "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at <= $2",
                Some(
                    "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at > $2",
                ),
                i64::MIN,
                now,
            ),
            ListingFilter::Tag(tag_id) => (
                "SELECT article_id FROM article_tags WHERE tag_id = $1 AND listed = 1 AND published_at <= $2
                 ORDER BY published_at DESC, article_id DESC LIMIT $3 OFFSET $4",
                "SELECT COUNT(*) FROM article_tags WHERE tag_id = $1 AND listed = 1 AND published_at <= $2",
                Some("SELECT COUNT(*) FROM article_tags WHERE tag_id = $1 AND listed = 1 AND published_at > $2"),
                tag_id,
                now,
            ),
            ListingFilter::Author(author_id) => (
                "SELECT article_id FROM article_authors WHERE author_id = $1 AND listed = 1 AND published_at <= $2
                 ORDER BY published_at DESC, article_id DESC LIMIT $3 OFFSET $4",
                "SELECT COUNT(*) FROM article_authors WHERE author_id = $1 AND listed = 1 AND published_at <= $2",
                Some("SELECT COUNT(*) FROM article_authors WHERE author_id = $1 AND listed = 1 AND published_at > $2"),
                author_id,
                now,
            ),
            ListingFilter::Period { from, until } => (
                "SELECT id FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at < $2
                 ORDER BY published_at DESC, id DESC LIMIT $3 OFFSET $4",
                "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at < $2",
                None,
                from.as_second(),
                until.as_second().min(now.saturating_add(1)),
            ),
        };
        Self { ids, count, later, key, until }
    }

    async fn ids(&self, client: &ClientWrapper, offset: u64, limit: u32) -> StoreResult<Vec<i64>> {
        let stmt = client.prepare_cached(self.ids).await.map_err(db)?;
        let params: [&(dyn ToSql + Sync); 4] = [&self.key, &self.until, &big(limit), &big(offset)];
        client.query(&stmt, &params).await.map_err(db)?.iter().map(|row| get(row, 0)).collect()
    }

    /// The size of the listing, from the size kept in `totals` when it is still current.
    async fn total(&self, client: &ClientWrapper, totals: &Mutex<ListingTotals>) -> StoreResult<u64> {
        let Some(later) = self.later else { return count_rows(client, self.count, self.key, self.until).await };
        let (version, later) =
            tokio::try_join!(current_version(client), count_rows(client, later, self.key, self.until))?;
        let key = (self.count, self.key);
        let kept = {
            let totals = lock(totals);
            if totals.version == version { totals.counts.get(&key).copied() } else { None }
        };
        let all = match kept {
            Some(all) => all,
            None => {
                let all = count_rows(client, self.count, self.key, i64::MAX).await?;
                let mut totals = lock(totals);
                if totals.version != version {
                    totals.version = version;
                    totals.counts.clear();
                }
                totals.counts.insert(key, all);
                all
            }
        };
        Ok(all.saturating_sub(later))
    }
}

/// Runs a `COUNT(*)` statement over `$1 = key` and `$2 = until`.
async fn count_rows(client: &ClientWrapper, sql: &str, key: i64, until: i64) -> StoreResult<u64> {
    let stmt = client.prepare_cached(sql).await.map_err(db)?;
    Ok(count(get(&client.query_one(&stmt, &[&key, &until]).await.map_err(db)?, 0)?))
}

async fn current_version(client: &ClientWrapper) -> StoreResult<i64> {
    let stmt = client.prepare_cached("SELECT version FROM content_version WHERE id = 1").await.map_err(db)?;
    get(&client.query_one(&stmt, &[]).await.map_err(db)?, 0)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

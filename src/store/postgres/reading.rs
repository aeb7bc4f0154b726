//! What readers see: articles, listings, home-page blocks, tags and authors.
//!
//! Each round trip to the server costs more than a whole SQLite query, so a read is one
//! statement, whatever the page size, whenever the store keeps what else it needs for
//! the content version the statement read: a listing's statement gives its ids, the
//! content version and the count of its articles dated after now, and only the cards
//! the store does not keep for that version are read in a second; a card, and an
//! article, carry the ids of their authors and tags (the `card_links` read model, one
//! row per article), named from what the store keeps per content version too; an
//! article's statement reads its notes as a JSON array built by a subquery and the
//! content version its related articles are kept at; and statements that do not need
//! each other's results are sent together on the connection (`try_join!` pipelines
//! them).

use std::sync::Arc;

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
use crate::store::kept::{CardLink, Kept, Names, read_card_links};
use crate::store::related::{RELATED_PER_TAG, horizon, rank_related};
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

/// The columns of `article_from_row`.
macro_rules! article_own_columns {
    () => {
        "a.id, a.slug, a.title, a.dek, a.body_html, a.excerpt, a.status, a.published_at, a.updated_at,
         a.language, a.featured_image, a.body_text, a.featured_picture"
    };
}

/// The columns of `article_from_row`, then the bylines and tags.
macro_rules! article_columns {
    () => {
        concat!(article_own_columns!(), ", ", bylines_json!(), ", ", tags_json!())
    };
}

/// A card of article `a`: the columns of `summary_from_row` (the lead when `$1`, else
/// the whole text), then the ids of the bylines and of the tags in their order (as
/// `card_links` lists them, read with [`card_links_join!`]), and the content version
/// the statement read them at (whose names [`Kept`] holds).
macro_rules! card_columns {
    () => {
        "a.id, a.slug, a.title, a.dek, a.excerpt, CASE WHEN $1 THEN a.lead_text ELSE a.body_text END,
         a.published_at, a.language, a.featured_image, a.featured_picture,
         c.authors, c.tags, (SELECT version FROM content_version WHERE id = 1)"
    };
}

/// What joins a card's link ids ([`card_columns!`]) to its article `a`.
macro_rules! card_links_join {
    () => {
        " LEFT JOIN card_links c ON c.article_id = a.id"
    };
}

/// The cards of the articles `$2` that are public at `$3`, in the order of `$2`.
const CARDS: &str = concat!(
    "SELECT ",
    card_columns!(),
    " FROM unnest($2::bigint[]) WITH ORDINALITY AS j(id, n) JOIN articles a ON a.id = j.id",
    card_links_join!(),
    " WHERE a.status = 'published' AND a.published_at <= $3
      ORDER BY j.n"
);

/// A page of a listing in one row: the content version the statement read it at, the
/// ids of the page, newest first, and how many listed articles are dated after the
/// listing's end (`$later`, a count, or `0` for a listing whose size is counted
/// whole). `$1` is the listing's key, `$2` the date it ends at, `$3` the page size and
/// `$4` the offset; the listing is `$ids`, a statement of `id` and `published_at` in
/// that order.
macro_rules! listing_page {
    ($ids:literal, $later:literal) => {
        concat!(
            "SELECT (SELECT version FROM content_version WHERE id = 1), ARRAY(SELECT j.id FROM (",
            $ids,
            " ORDER BY published_at DESC, id DESC LIMIT $3 OFFSET $4) j
              ORDER BY j.published_at DESC, j.id DESC), (",
            $later,
            ")"
        )
    };
}

/// The column of a card's byline ids, after its own; its tag ids and the content
/// version follow.
const CARD_LINKS: usize = 10;

/// The column of an article's bylines, after its own; its tags follow.
const ARTICLE_LINKS: usize = 13;

pub(super) async fn published_article(
    store: &PostgresStore,
    slug: &Slug,
    now: Timestamp,
) -> StoreResult<Option<Article>> {
    let client = store.client().await?;
    Ok(article_at(&client, &store.kept, slug, now).await?.map(|(article, _)| article))
}

/// The article and its related articles: one statement when the content has not
/// changed since the related articles were found and nothing was published since the
/// time they were found up to (they are kept per content version, and the article's
/// statement reads the version and the latest publication time too).
pub(super) async fn published_article_with_related(
    store: &PostgresStore,
    slug: &Slug,
    now: Timestamp,
    limit: u32,
    words: usize,
) -> StoreResult<Option<(Article, Vec<ArticleSummary>)>> {
    let client = store.client().await?;
    let Some((article, read)) = article_at(&client, &store.kept, slug, now).await? else { return Ok(None) };
    let related = kept_related(&client, &store.kept, read, &article, limit, now, words).await?;
    Ok(Some((article, related)))
}

/// A published article by slug with its notes, and what it was read at. Its bylines and tags are named as cards' are: their ids from `card_links`, the names
/// from what `kept` holds at that version (a second statement only for those it lacks).
async fn article_at(
    client: &ClientWrapper,
    kept: &Kept,
    slug: &Slug,
    now: Timestamp,
) -> StoreResult<Option<(Article, ReadAt)>> {
    const SQL: &str = concat!(
        "SELECT ",
        article_own_columns!(),
        ", c.authors, c.tags,
           (SELECT json_agg(json_build_array(n.kind, n.noted_at, n.text, n.id))::text
              FROM article_notes n WHERE n.article_id = a.id),
           (SELECT version FROM content_version WHERE id = 1),
           (SELECT max(published_at) FROM articles WHERE status = 'published' AND published_at <= $2)
         FROM articles a",
        card_links_join!(),
        " WHERE a.slug = $1 AND a.status = 'published' AND a.published_at <= $2"
    );
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let Some(row) = client.query_opt(&stmt, &[&slug.as_str(), &now.as_second()]).await.map_err(db)? else {
        return Ok(None);
    };
    let mut article = article_from_row(&row)?;
    let read = ReadAt { version: get(&row, ARTICLE_LINKS + 3)?, latest: get(&row, ARTICLE_LINKS + 4)? };
    let version = read.version;
    let mut links = Vec::new();
    let authors: Option<&str> = get(&row, ARTICLE_LINKS)?;
    let tags: Option<&str> = get(&row, ARTICLE_LINKS + 1)?;
    read_card_links(article.id, authors.unwrap_or_default(), tags.unwrap_or_default(), &mut links)
        .map_err(|e| StoreError::Invalid(format!("links of article {}: {e}", article.id)))?;
    let names = known_names(client, kept, version, &links).await?;
    (article.authors, article.tags) = names.of(&links);
    // Aggregated in no order (sorting inside the statement costs it a sort node).
    let mut notes = json_list::<(String, i64, String, i64)>(&row, ARTICLE_LINKS + 2)?;
    notes.sort_unstable_by_key(|&(_, noted_at, _, id)| (noted_at, id));
    article.notes = notes
        .into_iter()
        .map(|(kind, noted_at, text, _)| {
            Ok(ArticleNote {
                kind: NoteKind::parse(&kind).ok_or_else(|| invalid("note kind", &kind))?,
                noted_at: Timestamp::from_second(noted_at)
                    .map_err(|e| StoreError::Invalid(format!("time {noted_at}: {e}")))?,
                text,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(Some((article, read)))
}

/// What an article's statement read besides the article: the content version, and the
/// latest publication time up to the time asked (present whenever the article is).
#[derive(Clone, Copy)]
struct ReadAt {
    version: i64,
    latest: i64,
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
    let page = query.page(&client, offset, limit).await?;
    let (items, total) = tokio::try_join!(
        kept_cards(&client, &store.kept, &page.ids, page.version, now, words),
        query.total(&client, &store.kept, &page)
    )?;
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
    let page = ListingQuery::new(filter, now.as_second()).page(&client, 0, limit).await?;
    kept_cards(&client, &store.kept, &page.ids, page.version, now, words).await
}

pub(super) async fn latest_by_tag_kind(
    store: &PostgresStore,
    kind: TagKind,
    per_tag: u32,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<TagBlock>> {
    // An article per tag and row, with the content version, then the tag; tags in the
    // order of `tags`, and a tag with nothing public has no row.
    const SQL: &str = r#"
        SELECT l.article_id, (SELECT version FROM content_version WHERE id = 1), t.id, t.kind, t.slug, t.name
        FROM tags t CROSS JOIN LATERAL (
            SELECT article_id, published_at FROM article_tags
            WHERE tag_id = t.id AND listed = 1 AND published_at <= $2
            ORDER BY published_at DESC, article_id DESC LIMIT $3
        ) l
        WHERE t.kind = $1
        ORDER BY t.name COLLATE "C", t.id, l.published_at DESC, l.article_id DESC"#;
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let params: [&(dyn ToSql + Sync); 3] = [&kind.as_str(), &now.as_second(), &big(per_tag)];
    let rows = client.query(&stmt, &params).await.map_err(db)?;
    let Some(first) = rows.first() else { return Ok(Vec::new()) };
    let ids = rows.iter().map(|row| get(row, 0)).collect::<StoreResult<Vec<i64>>>()?;
    // The cards follow `ids`, less any article gone meanwhile, so each row takes its own
    // in turn; an article in two blocks has a card in each.
    let mut cards = kept_cards(&client, &store.kept, &ids, get(first, 1)?, now, words).await?.into_iter().peekable();
    let mut blocks: Vec<TagBlock> = Vec::new();
    for (row, id) in rows.iter().zip(ids) {
        let Some(card) = cards.next_if(|card| card.id == id) else { continue };
        let tag_id: i64 = get(row, 2)?;
        match blocks.last_mut() {
            Some(block) if block.tag.id == tag_id => block.items.push(card),
            _ => blocks.push(TagBlock { tag: tag_from_row(row, 2)?, items: vec![card] }),
        }
    }
    Ok(blocks)
}

/// Articles sharing the most tags with `article`, among the latest few of each of its
/// tags up to a month after it.
pub(super) async fn related_articles(
    store: &PostgresStore,
    article: &Article,
    limit: u32,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    let client = store.client().await?;
    let horizon = horizon(article.published_at.as_second(), now.as_second());
    let Some((ids, version)) = related_ids(&client, article, limit, horizon).await? else { return Ok(Vec::new()) };
    kept_cards(&client, &store.kept, &ids, version, now, words).await
}

/// The related articles of `article`, read at `read`: those `kept` holds at its
/// version unless an article was published between the time they were found up to
/// and this one's horizon (the ranking looks a few candidates deep under each tag, so
/// they are found again then), else found and kept at the version they were found at.
/// Nothing was published in between when the latest publication is no later than the
/// time they were found up to; only otherwise is it asked.
async fn kept_related(
    client: &ClientWrapper,
    kept: &Kept,
    read: ReadAt,
    article: &Article,
    limit: u32,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    let published_at = article.published_at.as_second();
    let horizon = horizon(published_at, now.as_second());
    let key = (article.id, published_at, article.tags.iter().map(|tag| tag.id).collect(), limit);
    if let Some((found_up_to, ids)) = kept.related(read.version, &key)
        && (found_up_to == horizon
            || (found_up_to < horizon && read.latest <= found_up_to)
            || !published_between(client, found_up_to, horizon).await?)
    {
        return kept_cards(client, kept, &ids, read.version, now, words).await;
    }
    let Some((ids, found_at)) = related_ids(client, article, limit, horizon).await? else { return Ok(Vec::new()) };
    let ids: Arc<[i64]> = ids.into();
    kept.keep_related(found_at, key, horizon, Arc::clone(&ids));
    kept_cards(client, kept, &ids, found_at, now, words).await
}

/// The ids of the `limit` articles sharing the most tags with `article`, among the
/// latest few of each of its tags published up to `horizon`, and the content version
/// they were found at: one statement of a handful of index range scans, whatever the
/// archive size; `None` when no tag has another article.
async fn related_ids(
    client: &ClientWrapper,
    article: &Article,
    limit: u32,
    horizon: i64,
) -> StoreResult<Option<(Vec<i64>, i64)>> {
    const SQL: &str = "
        SELECT l.article_id, l.published_at, (SELECT version FROM content_version WHERE id = 1)
        FROM unnest($1::bigint[]) WITH ORDINALITY AS g(tag_id, n) CROSS JOIN LATERAL (
            SELECT article_id, published_at FROM article_tags
            WHERE tag_id = g.tag_id AND listed = 1 AND published_at <= $2 AND article_id <> $3
            ORDER BY published_at DESC, article_id DESC LIMIT $4
        ) l
        ORDER BY g.n, l.published_at DESC, l.article_id DESC";
    if article.tags.is_empty() {
        return Ok(None);
    }
    let tag_ids: Vec<i64> = article.tags.iter().map(|t| t.id).collect();
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let rows = client.query(&stmt, &[&tag_ids, &horizon, &article.id, &big(RELATED_PER_TAG)]).await.map_err(db)?;
    let Some(first) = rows.first() else { return Ok(None) };
    let candidates = rows.iter().map(|row| Ok((get(row, 0)?, get(row, 1)?))).collect::<StoreResult<Vec<_>>>()?;
    Ok(Some((rank_related(candidates, limit), get(first, 2)?)))
}

/// Whether an article is published at a time between `a` and `b` (the earlier
/// excluded, the later included).
async fn published_between(client: &ClientWrapper, a: i64, b: i64) -> StoreResult<bool> {
    let stmt = client
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM articles
                            WHERE status = 'published' AND published_at > $1 AND published_at <= $2)",
        )
        .await
        .map_err(db)?;
    get(&client.query_one(&stmt, &[&a.min(b), &a.max(b)]).await.map_err(db)?, 0)
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
    cards(&client, &store.kept, ids, now, words).await
}

pub(super) async fn content_version(store: &PostgresStore) -> StoreResult<i64> {
    let client = store.client().await?;
    current_version(&client).await
}

/// The cards of `ids` public at `now`, in the order of `ids`, with enough text for
/// excerpts of `words` words: one statement however many there are.
async fn cards(
    client: &ClientWrapper,
    kept: &Kept,
    ids: &[i64],
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    Ok(read_cards(client, kept, ids, now, words).await?.1)
}

/// [`cards`], with the content version they were read at (none when none is public).
async fn read_cards(
    client: &ClientWrapper,
    kept: &Kept,
    ids: &[i64],
    now: Timestamp,
    words: usize,
) -> StoreResult<(Option<i64>, Vec<ArticleSummary>)> {
    if ids.is_empty() {
        return Ok((None, Vec::new()));
    }
    let stmt = client.prepare_cached(CARDS).await.map_err(db)?;
    let rows = client.query(&stmt, &[&lead(words), &ids, &now.as_second()]).await.map_err(db)?;
    named_cards(client, kept, &rows).await
}

/// The cards of `ids`, listed at content `version`, in their order: those `kept` holds
/// at `version`, and the others read by [`cards`] and kept. Should the content have
/// changed between the two statements, every card is read again, so that a page never
/// mixes two versions.
async fn kept_cards(
    client: &ClientWrapper,
    kept: &Kept,
    ids: &[i64],
    version: i64,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    let whole_text = !lead(words);
    let found = kept.summaries(version, ids, whole_text);
    let missing = Kept::missing(ids, &found);
    if missing.is_empty() {
        return Ok(found.into_iter().flatten().collect());
    }
    let (read_at, read) = read_cards(client, kept, &missing, now, words).await?;
    if read_at.is_some_and(|read_at| read_at != version) {
        return cards(client, kept, ids, now, words).await;
    }
    kept.keep_summaries(version, whole_text, &read);
    Ok(Kept::fill(ids, found, &read))
}

/// Whether cards with excerpts of `words` words need only the lead of the text.
fn lead(words: usize) -> bool {
    words < LEAD_WORDS
}

/// The cards of rows that start with [`card_columns!`], in their order, with the names
/// of their authors and tags from `kept` (a second statement only for those it lacks),
/// and the content version they were read at.
async fn named_cards(
    client: &ClientWrapper,
    kept: &Kept,
    rows: &[Row],
) -> StoreResult<(Option<i64>, Vec<ArticleSummary>)> {
    let Some(first) = rows.first() else { return Ok((None, Vec::new())) };
    let version: i64 = get(first, CARD_LINKS + 2)?;
    let mut cards = Vec::with_capacity(rows.len());
    let mut links = Vec::new();
    for row in rows {
        let card = summary_from_row(row)?;
        let authors: Option<&str> = get(row, CARD_LINKS)?;
        let tags: Option<&str> = get(row, CARD_LINKS + 1)?;
        read_card_links(card.id, authors.unwrap_or_default(), tags.unwrap_or_default(), &mut links)
            .map_err(|e| StoreError::Invalid(format!("card links of article {}: {e}", card.id)))?;
        cards.push(card);
    }
    known_names(client, kept, version, &links).await?.attach(&links, &mut cards);
    Ok((Some(version), cards))
}

/// The names `kept` holds at `version`, with those of the authors and tags that `links`
/// name and it lacks read and kept.
async fn known_names(client: &ClientWrapper, kept: &Kept, version: i64, links: &[CardLink]) -> StoreResult<Arc<Names>> {
    let names = kept.names(version);
    let (authors, tags) = names.unknown(links);
    if authors.is_empty() && tags.is_empty() {
        return Ok(names);
    }
    let (authors, tags) = tokio::try_join!(authors_by_id(client, &authors), tags_by_id(client, &tags))?;
    Ok(kept.learn(version, &names, authors, tags))
}

/// The authors of `ids`, in no order.
async fn authors_by_id(client: &ClientWrapper, ids: &[i64]) -> StoreResult<Vec<Author>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = client.prepare_cached("SELECT id, slug, name, bio FROM authors WHERE id = ANY($1)").await.map_err(db)?;
    client.query(&stmt, &[&ids]).await.map_err(db)?.iter().map(|row| author_from_row(row, 0)).collect()
}

/// The tags of `ids`, in no order.
async fn tags_by_id(client: &ClientWrapper, ids: &[i64]) -> StoreResult<Vec<Tag>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = client.prepare_cached("SELECT id, kind, slug, name FROM tags WHERE id = ANY($1)").await.map_err(db)?;
    client.query(&stmt, &[&ids]).await.map_err(db)?.iter().map(|row| tag_from_row(row, 0)).collect()
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

/// The statements behind a listing: a page of it with what its size needs
/// ([`listing_page!`]), and its size, both over `$1 = key` and `$2 = until`.
struct ListingQuery {
    page: &'static str,
    count: &'static str,
    /// Whether the size is counted whole and kept in [`Kept`] (a page then takes off
    /// the articles dated after `$2`), rather than counted up to `$2` each time.
    kept_size: bool,
    key: i64,
    until: i64,
}

/// A page of a listing as [`listing_page!`] reads it.
struct Page {
    version: i64,
    ids: Vec<i64>,
    later: u64,
}

impl ListingQuery {
    fn new(filter: &ListingFilter, now: i64) -> Self {
        let (page, count, kept_size, key, until) = match *filter {
            // The key of the whole listing is its earliest date, which it does not have.
            ListingFilter::All => (
                listing_page!(
                    "SELECT id, published_at FROM articles
                     WHERE status = 'published' AND published_at >= $1 AND published_at <= $2",
                    "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at > $2"
                ),
                "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at <= $2",
                true,
                i64::MIN,
                now,
            ),
            ListingFilter::Tag(tag_id) => (
                listing_page!(
                    "SELECT article_id AS id, published_at FROM article_tags
                     WHERE tag_id = $1 AND listed = 1 AND published_at <= $2",
                    "SELECT COUNT(*) FROM article_tags WHERE tag_id = $1 AND listed = 1 AND published_at > $2"
                ),
                "SELECT COUNT(*) FROM article_tags WHERE tag_id = $1 AND listed = 1 AND published_at <= $2",
                true,
                tag_id,
                now,
            ),
            ListingFilter::Author(author_id) => (
                listing_page!(
                    "SELECT article_id AS id, published_at FROM article_authors
                     WHERE author_id = $1 AND listed = 1 AND published_at <= $2",
                    "SELECT COUNT(*) FROM article_authors WHERE author_id = $1 AND listed = 1 AND published_at > $2"
                ),
                "SELECT COUNT(*) FROM article_authors WHERE author_id = $1 AND listed = 1 AND published_at <= $2",
                true,
                author_id,
                now,
            ),
            ListingFilter::Period { from, until } => (
                listing_page!(
                    "SELECT id, published_at FROM articles
                     WHERE status = 'published' AND published_at >= $1 AND published_at < $2",
                    "SELECT 0::bigint"
                ),
                "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at >= $1 AND published_at < $2",
                false,
                from.as_second(),
                until.as_second().min(now.saturating_add(1)),
            ),
        };
        Self { page, count, kept_size, key, until }
    }

    /// The page of `limit` from `offset`.
    async fn page(&self, client: &ClientWrapper, offset: u64, limit: u32) -> StoreResult<Page> {
        let stmt = client.prepare_cached(self.page).await.map_err(db)?;
        let params: [&(dyn ToSql + Sync); 4] = [&self.key, &self.until, &big(limit), &big(offset)];
        let row = client.query_one(&stmt, &params).await.map_err(db)?;
        Ok(Page { version: get(&row, 0)?, ids: get(&row, 1)?, later: count(get(&row, 2)?) })
    }

    /// The size of the listing that `page` is of, from the size kept in `kept` when it
    /// is still current.
    async fn total(&self, client: &ClientWrapper, kept: &Kept, page: &Page) -> StoreResult<u64> {
        if !self.kept_size {
            return count_rows(client, self.count, self.key, self.until).await;
        }
        let key = (self.count, self.key);
        let all = match kept.count(page.version, key) {
            Some(all) => all,
            None => {
                let all = count_rows(client, self.count, self.key, i64::MAX).await?;
                kept.keep_count(page.version, key, all);
                all
            }
        };
        Ok(all.saturating_sub(page.later))
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

//! The PostgreSQL side of moving in from WordPress: imported posts keyed by their post
//! id, the authors behind WordPress users, and old addresses redirected to new ones.
//!
//! A post is saved through the same [`save_article`] as any article, inside one write
//! transaction for the whole import; what is added here is the identity (post id →
//! article) that makes a second import an update, and the fingerprint that makes it a
//! no-op when nothing changed. The rules (slugs, versions, address keys) are shared with
//! SQLite in [`crate::store::wordpress`] and [`crate::store::redirects`].

use deadpool_postgres::Transaction;
use jiff::Timestamp;

use super::writing::{refresh_statistics_after, save_article};
use super::{PostgresStore, db, get, write_transaction};
use crate::domain::slug::Slug;
use crate::store::redirects::redirect_key;
use crate::store::wordpress::{imported_updated_at, no_free_slug, old_address_keys, slug_candidates};
use crate::store::{ImportOutcome, ImportedArticle, ImportedAuthor, Redirect, SaveOutcome, StoreResult};

/// Saves imported posts in one transaction.
pub(super) async fn save_imported_articles(
    store: &PostgresStore,
    items: Vec<ImportedArticle>,
    now: Timestamp,
) -> StoreResult<Vec<ImportOutcome>> {
    let mut client = store.client().await?;
    let tx = write_transaction(&mut client).await?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in items {
        outcomes.push(save_one(&tx, item, now.as_second()).await?);
    }
    tx.commit().await.map_err(db)?;
    refresh_statistics_after(&client, outcomes.len()).await?;
    Ok(outcomes)
}

/// The article a post was imported into before, with what the next import compares.
struct Mapped {
    article_id: i64,
    fingerprint: i64,
    updated_at: i64,
    slug: String,
}

async fn save_one(tx: &Transaction<'_>, mut item: ImportedArticle, now: i64) -> StoreResult<ImportOutcome> {
    let find = tx
        .prepare_cached(
            "SELECT w.article_id, w.fingerprint, a.updated_at, a.slug
             FROM wordpress_posts w JOIN articles a ON a.id = w.article_id WHERE w.wp_id = $1",
        )
        .await
        .map_err(db)?;
    let mapped = match tx.query_opt(&find, &[&item.wp_id]).await.map_err(db)? {
        Some(row) => Some(Mapped {
            article_id: get(&row, 0)?,
            fingerprint: get(&row, 1)?,
            updated_at: get(&row, 2)?,
            slug: get(&row, 3)?,
        }),
        None => None,
    };
    if mapped.as_ref().is_some_and(|m| m.fingerprint == item.fingerprint) {
        return Ok(ImportOutcome::Unchanged);
    }
    let mine = mapped.as_ref().map(|m| m.article_id);
    item.draft.slug = free_slug(tx, &item.draft.slug, item.wp_id, mine).await?;
    if let Some(id) = mine {
        // `save_article` finds an article by slug: give the post's article its new slug
        // first, so that a post renamed in WordPress updates its article.
        let rename =
            tx.prepare_cached("UPDATE articles SET slug = $1 WHERE id = $2 AND slug <> $1").await.map_err(db)?;
        tx.execute(&rename, &[&item.draft.slug.as_str(), &id]).await.map_err(db)?;
    }
    let saved = save_article(tx, &item.draft, now).await?;
    let find_id = tx.prepare_cached("SELECT id FROM articles WHERE slug = $1").await.map_err(db)?;
    let article_id: i64 = get(&tx.query_one(&find_id, &[&item.draft.slug.as_str()]).await.map_err(db)?, 0)?;
    let (previous_updated_at, previous_slug) = mapped.map(|m| (m.updated_at, m.slug)).unzip();
    let stamp = tx.prepare_cached("UPDATE articles SET updated_at = $1 WHERE id = $2").await.map_err(db)?;
    tx.execute(&stamp, &[&imported_updated_at(&item, previous_updated_at), &article_id]).await.map_err(db)?;
    let remember = tx
        .prepare_cached(
            "INSERT INTO wordpress_posts (wp_id, article_id, fingerprint) VALUES ($1, $2, $3)
             ON CONFLICT (wp_id) DO UPDATE SET article_id = excluded.article_id, fingerprint = excluded.fingerprint",
        )
        .await
        .map_err(db)?;
    tx.execute(&remember, &[&item.wp_id, &article_id, &item.fingerprint]).await.map_err(db)?;
    let redirect = tx
        .prepare_cached(
            "INSERT INTO redirects (path, article_id, target) VALUES ($1, $2, NULL)
             ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id, target = NULL",
        )
        .await
        .map_err(db)?;
    for key in old_address_keys(&item, previous_slug.as_deref()) {
        tx.execute(&redirect, &[&key, &article_id]).await.map_err(db)?;
    }
    Ok(match saved {
        SaveOutcome::Created => ImportOutcome::Created,
        SaveOutcome::Updated => ImportOutcome::Updated,
    })
}

/// The first of the post's [`slug_candidates`] that no other article holds.
async fn free_slug(tx: &Transaction<'_>, wanted: &Slug, wp_id: i64, mine: Option<i64>) -> StoreResult<Slug> {
    let holder = tx.prepare_cached("SELECT id FROM articles WHERE slug = $1").await.map_err(db)?;
    for candidate in slug_candidates(wanted, wp_id) {
        let candidate = candidate?;
        let held_by = match tx.query_opt(&holder, &[&candidate.as_str()]).await.map_err(db)? {
            Some(row) => Some(get::<i64>(&row, 0)?),
            None => None,
        };
        if held_by.is_none() || held_by == mine {
            return Ok(candidate);
        }
    }
    Err(no_free_slug(wanted, wp_id))
}

/// Creates or updates the authors behind WordPress users, in one transaction.
pub(super) async fn save_imported_authors(store: &PostgresStore, authors: Vec<ImportedAuthor>) -> StoreResult<()> {
    let mut client = store.client().await?;
    let tx = write_transaction(&mut client).await?;
    // Only a real change is written: every update of `authors` marks pages stale.
    let author = tx
        .prepare_cached(
            "INSERT INTO authors (slug, name) VALUES ($1, $2)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name WHERE authors.name <> excluded.name",
        )
        .await
        .map_err(db)?;
    let login = tx
        .prepare_cached(
            "INSERT INTO wordpress_authors (login, author_id, email)
             SELECT $1, id, $2 FROM authors WHERE slug = $3
             ON CONFLICT (login) DO UPDATE SET author_id = excluded.author_id, email = excluded.email",
        )
        .await
        .map_err(db)?;
    for imported in &authors {
        tx.execute(&author, &[&imported.author.slug.as_str(), &imported.author.name]).await.map_err(db)?;
        tx.execute(&login, &[&imported.login, &imported.email, &imported.author.slug.as_str()]).await.map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// Stores redirects to fixed addresses, replacing any from the same old address.
pub(super) async fn save_redirects(store: &PostgresStore, redirects: Vec<Redirect>) -> StoreResult<()> {
    let mut client = store.client().await?;
    let tx = write_transaction(&mut client).await?;
    let upsert = tx
        .prepare_cached(
            "INSERT INTO redirects (path, article_id, target) VALUES ($1, NULL, $2)
             ON CONFLICT (path) DO UPDATE SET article_id = NULL, target = excluded.target",
        )
        .await
        .map_err(db)?;
    for redirect in &redirects {
        let key = redirect_key(&redirect.from);
        if key == redirect_key(&redirect.to) {
            continue;
        }
        tx.execute(&upsert, &[&key, &redirect.to]).await.map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// Where an old address leads: a fixed address, or an article that is public at `now`.
pub(super) async fn redirect_target(store: &PostgresStore, path: &str, now: Timestamp) -> StoreResult<Option<String>> {
    let client = store.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT r.target, a.slug FROM redirects r
             LEFT JOIN articles a ON a.id = r.article_id AND a.status = 'published' AND a.published_at <= $2
             WHERE r.path = $1",
        )
        .await
        .map_err(db)?;
    let Some(row) = client.query_opt(&statement, &[&redirect_key(path), &now.as_second()]).await.map_err(db)? else {
        return Ok(None);
    };
    let target: Option<String> = get(&row, 0)?;
    let slug: Option<String> = get(&row, 1)?;
    Ok(target.or_else(|| slug.map(|slug| format!("/{slug}/"))))
}

/// The address of the article imported from WordPress post `wp_id`, if public at `now`.
pub(super) async fn wordpress_post_path(
    store: &PostgresStore,
    wp_id: i64,
    now: Timestamp,
) -> StoreResult<Option<String>> {
    let client = store.client().await?;
    let statement = client
        .prepare_cached(
            "SELECT a.slug FROM wordpress_posts w JOIN articles a ON a.id = w.article_id
             WHERE w.wp_id = $1 AND a.status = 'published' AND a.published_at <= $2",
        )
        .await
        .map_err(db)?;
    match client.query_opt(&statement, &[&wp_id, &now.as_second()]).await.map_err(db)? {
        Some(row) => Ok(Some(format!("/{}/", get::<&str>(&row, 0)?))),
        None => Ok(None),
    }
}

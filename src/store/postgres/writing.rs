//! Saving articles: the one path every writer goes through (JSON-lines imports, the
//! WordPress import, the editor), so an article's people, tags and listing rows are
//! always written alike.

use deadpool_postgres::Transaction;
use jiff::Timestamp;

use super::{PostgresStore, db, write_transaction};
use crate::domain::article::{ArticleDraft, Status};
use crate::domain::excerpt::first_words;
use crate::store::{LEAD_WORDS, SaveOutcome, StoreResult};

pub(super) async fn save_articles(
    store: &PostgresStore,
    drafts: Vec<ArticleDraft>,
    now: Timestamp,
) -> StoreResult<Vec<SaveOutcome>> {
    let mut client = store.client().await?;
    let tx = write_transaction(&mut client).await?;
    let mut outcomes = Vec::with_capacity(drafts.len());
    for draft in &drafts {
        outcomes.push(save_article(&tx, draft, now.as_second()).await?);
    }
    tx.commit().await.map_err(db)?;
    refresh_statistics_after(&client, drafts.len()).await?;
    Ok(outcomes)
}

/// Saves of at least this many articles refresh the planner's statistics.
const BULK_SAVE: usize = 100;

/// After a bulk save (an import), does what autovacuum would do some time later: the
/// statistics PostgreSQL plans with, and the visibility map. Without the statistics a
/// freshly imported newsroom is planned as if its tables were empty: a page of cards
/// then scans every published article (5 ms) instead of looking each up by key (under
/// 1 ms, measured on 2,000 articles). Without the visibility map, the index-only scans
/// of the listings fetch every row from the table as well (96 rows for one article's
/// related cards). Pages already marked are skipped, so each batch of an import costs
/// about its own size.
pub(super) async fn refresh_statistics_after(client: &deadpool_postgres::Object, saved: usize) -> StoreResult<()> {
    if saved >= BULK_SAVE {
        client
            .batch_execute("VACUUM (ANALYZE) articles, article_authors, article_tags, authors, tags")
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Creates or replaces the article with the draft's slug, with its authors and tags
/// (creating those not seen before), inside the caller's transaction.
pub(super) async fn save_article(tx: &Transaction<'_>, draft: &ArticleDraft, now: i64) -> StoreResult<SaveOutcome> {
    let published_at = draft.published_at.as_second();
    let lead_text = first_words(&draft.body.text, LEAD_WORDS);
    // One statement creates or replaces by slug; `xmax = 0` holds for a row this
    // statement inserted, not for one it updated.
    let upsert = tx
        .prepare_cached(
            "INSERT INTO articles (slug, title, dek, body_html, body_text, body_markdown, excerpt,
                 status, published_at, updated_at, language, featured_image, lead_text, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $10)
             ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, dek = EXCLUDED.dek,
                 body_html = EXCLUDED.body_html, body_text = EXCLUDED.body_text,
                 body_markdown = EXCLUDED.body_markdown, excerpt = EXCLUDED.excerpt, status = EXCLUDED.status,
                 published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at,
                 language = EXCLUDED.language, featured_image = EXCLUDED.featured_image,
                 lead_text = EXCLUDED.lead_text
             RETURNING id, xmax = 0",
        )
        .await
        .map_err(db)?;
    let row = tx
        .query_one(
            &upsert,
            &[
                &draft.slug.as_str(),
                &draft.title,
                &draft.dek,
                &draft.body.html,
                &draft.body.text,
                &draft.body.markdown,
                &draft.excerpt,
                &draft.status.as_str(),
                &published_at,
                &now,
                &draft.language.as_str(),
                &draft.featured_image,
                &lead_text,
            ],
        )
        .await
        .map_err(db)?;
    let article_id: i64 = row.try_get(0).map_err(db)?;
    let inserted: bool = row.try_get(1).map_err(db)?;
    let outcome = if inserted { SaveOutcome::Created } else { SaveOutcome::Updated };
    let listed = i64::from(draft.status == Status::Published);
    let clear_authors = tx.prepare_cached("DELETE FROM article_authors WHERE article_id = $1").await.map_err(db)?;
    tx.execute(&clear_authors, &[&article_id]).await.map_err(db)?;
    let clear_tags = tx.prepare_cached("DELETE FROM article_tags WHERE article_id = $1").await.map_err(db)?;
    tx.execute(&clear_tags, &[&article_id]).await.map_err(db)?;
    let add_author = tx
        .prepare_cached("INSERT INTO authors (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
        .await
        .map_err(db)?;
    let link_author = tx
        .prepare_cached(
            "INSERT INTO article_authors (article_id, author_id, position, listed, published_at)
             SELECT $1, id, $2, $3, $4 FROM authors WHERE slug = $5 ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(db)?;
    for (position, author) in (0i64..).zip(&draft.authors) {
        tx.execute(&add_author, &[&author.slug.as_str(), &author.name]).await.map_err(db)?;
        tx.execute(&link_author, &[&article_id, &position, &listed, &published_at, &author.slug.as_str()])
            .await
            .map_err(db)?;
    }
    let add_tag = tx
        .prepare_cached("INSERT INTO tags (kind, slug, name) VALUES ($1, $2, $3) ON CONFLICT (kind, slug) DO NOTHING")
        .await
        .map_err(db)?;
    let link_tag = tx
        .prepare_cached(
            "INSERT INTO article_tags (article_id, tag_id, position, listed, published_at)
             SELECT $1, id, $2, $3, $4 FROM tags WHERE kind = $5 AND slug = $6 ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(db)?;
    for (position, tag) in (0i64..).zip(&draft.tags) {
        tx.execute(&add_tag, &[&tag.kind.as_str(), &tag.slug.as_str(), &tag.name]).await.map_err(db)?;
        tx.execute(
            &link_tag,
            &[&article_id, &position, &listed, &published_at, &tag.kind.as_str(), &tag.slug.as_str()],
        )
        .await
        .map_err(db)?;
    }
    Ok(outcome)
}

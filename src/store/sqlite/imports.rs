//! The SQLite side of moving in from WordPress: imported posts keyed by their post id,
//! the authors behind WordPress users, and old addresses redirected to new ones.
//!
//! A post is saved through the same [`save_article`] as any article, so its people, tags
//! and listing rows are written exactly as for a JSON-lines import; what is added here is
//! the identity (post id → article) that makes a second import an update, and the
//! fingerprint that makes it a no-op when nothing changed.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{db, save_article};
use crate::domain::slug::Slug;
use crate::store::redirects::redirect_key;
use crate::store::wordpress::{imported_updated_at, no_free_slug, old_address_keys, slug_candidates};
use crate::store::{ImportOutcome, ImportedArticle, ImportedAuthor, Redirect, SaveOutcome, StoreResult};

/// Saves imported posts in one transaction.
pub(super) fn save_articles(
    conn: &mut Connection,
    items: Vec<ImportedArticle>,
    now: Timestamp,
) -> StoreResult<Vec<ImportOutcome>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    let outcomes = items.into_iter().map(|item| save_one(&tx, item, now.as_second())).collect::<StoreResult<_>>()?;
    tx.commit().map_err(db)?;
    Ok(outcomes)
}

fn save_one(tx: &Connection, mut item: ImportedArticle, now: i64) -> StoreResult<ImportOutcome> {
    let mapped: Option<(i64, i64, i64, String)> = tx
        .prepare_cached(
            "SELECT w.article_id, w.fingerprint, a.updated_at, a.slug
             FROM wordpress_posts w JOIN articles a ON a.id = w.article_id WHERE w.wp_id = ?1",
        )
        .map_err(db)?
        .query_row([item.wp_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()
        .map_err(db)?;
    if mapped.as_ref().is_some_and(|(_, fingerprint, _, _)| *fingerprint == item.fingerprint) {
        return Ok(ImportOutcome::Unchanged);
    }
    let mine = mapped.as_ref().map(|(id, _, _, _)| *id);
    item.draft.slug = free_slug(tx, &item.draft.slug, item.wp_id, mine)?;
    if let Some(id) = mine {
        // `save_article` finds an article by slug: give the post's article its new slug
        // first, so that a post renamed in WordPress updates its article.
        tx.prepare_cached("UPDATE articles SET slug = ?1 WHERE id = ?2 AND slug <> ?1")
            .map_err(db)?
            .execute(params![item.draft.slug.as_str(), id])
            .map_err(db)?;
    }
    let saved = save_article(tx, &item.draft, now)?;
    let article_id: i64 = tx
        .prepare_cached("SELECT id FROM articles WHERE slug = ?1")
        .map_err(db)?
        .query_row([item.draft.slug.as_str()], |r| r.get(0))
        .map_err(db)?;
    let (previous_updated_at, previous_slug) = mapped.map(|(_, _, before, slug)| (before, slug)).unzip();
    tx.prepare_cached("UPDATE articles SET updated_at = ?1 WHERE id = ?2")
        .map_err(db)?
        .execute(params![imported_updated_at(&item, previous_updated_at), article_id])
        .map_err(db)?;
    tx.prepare_cached(
        "INSERT INTO wordpress_posts (wp_id, article_id, fingerprint) VALUES (?1, ?2, ?3)
         ON CONFLICT (wp_id) DO UPDATE SET article_id = excluded.article_id, fingerprint = excluded.fingerprint",
    )
    .map_err(db)?
    .execute(params![item.wp_id, article_id, item.fingerprint])
    .map_err(db)?;
    for key in old_address_keys(&item, previous_slug.as_deref()) {
        tx.prepare_cached(
            "INSERT INTO redirects (path, article_id, target) VALUES (?1, ?2, NULL)
             ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id, target = NULL",
        )
        .map_err(db)?
        .execute(params![key, article_id])
        .map_err(db)?;
    }
    Ok(match saved {
        SaveOutcome::Created => ImportOutcome::Created,
        SaveOutcome::Updated => ImportOutcome::Updated,
    })
}

/// The first of the post's [`slug_candidates`] that no other article holds.
fn free_slug(tx: &Connection, wanted: &Slug, wp_id: i64, mine: Option<i64>) -> StoreResult<Slug> {
    let mut holder = tx.prepare_cached("SELECT id FROM articles WHERE slug = ?1").map_err(db)?;
    for candidate in slug_candidates(wanted, wp_id) {
        let candidate = candidate?;
        let held_by: Option<i64> = holder.query_row([candidate.as_str()], |r| r.get(0)).optional().map_err(db)?;
        if held_by.is_none() || held_by == mine {
            return Ok(candidate);
        }
    }
    Err(no_free_slug(wanted, wp_id))
}

/// Creates or updates the authors behind WordPress users, in one transaction.
pub(super) fn save_authors(conn: &mut Connection, authors: &[ImportedAuthor]) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    for imported in authors {
        // Only a real change is written: every update of `authors` marks pages stale.
        tx.prepare_cached(
            "INSERT INTO authors (slug, name) VALUES (?1, ?2)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name WHERE authors.name <> excluded.name",
        )
        .map_err(db)?
        .execute(params![imported.author.slug.as_str(), imported.author.name])
        .map_err(db)?;
        tx.prepare_cached(
            "INSERT INTO wordpress_authors (login, author_id, email)
             SELECT ?1, id, ?2 FROM authors WHERE slug = ?3
             ON CONFLICT (login) DO UPDATE SET author_id = excluded.author_id, email = excluded.email",
        )
        .map_err(db)?
        .execute(params![imported.login, imported.email, imported.author.slug.as_str()])
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

/// Stores redirects to fixed addresses, replacing any from the same old address.
pub(super) fn save_redirects(conn: &mut Connection, redirects: &[Redirect]) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    for redirect in redirects {
        let key = redirect_key(&redirect.from);
        if key == redirect_key(&redirect.to) {
            continue;
        }
        tx.prepare_cached(
            "INSERT INTO redirects (path, article_id, target) VALUES (?1, NULL, ?2)
             ON CONFLICT (path) DO UPDATE SET article_id = NULL, target = excluded.target",
        )
        .map_err(db)?
        .execute(params![key, redirect.to])
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

/// Where an old address leads: a fixed address, or an article that is public at `now`.
pub(super) fn redirect_target(conn: &Connection, path: &str, now: Timestamp) -> StoreResult<Option<String>> {
    let found: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT r.target, a.slug FROM redirects r
             LEFT JOIN articles a ON a.id = r.article_id AND a.status = 'published' AND a.published_at <= ?2
             WHERE r.path = ?1",
        )
        .map_err(db)?
        .query_row(params![redirect_key(path), now.as_second()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(db)?;
    Ok(match found {
        Some((Some(target), _)) => Some(target),
        Some((None, Some(slug))) => Some(format!("/{slug}/")),
        _ => None,
    })
}

/// The address of the article imported from WordPress post `wp_id`, if public at `now`.
pub(super) fn wordpress_post_path(conn: &Connection, wp_id: i64, now: Timestamp) -> StoreResult<Option<String>> {
    conn.prepare_cached(
        "SELECT a.slug FROM wordpress_posts w JOIN articles a ON a.id = w.article_id
         WHERE w.wp_id = ?1 AND a.status = 'published' AND a.published_at <= ?2",
    )
    .map_err(db)?
    .query_row(params![wp_id, now.as_second()], |r| r.get::<_, String>(0))
    .optional()
    .map(|slug| slug.map(|s| format!("/{s}/")))
    .map_err(db)
}

#[cfg(test)]
mod tests {
    use super::super::Unix;
    use super::*;
    use crate::domain::article::{ArticleDraft, Language, Status};
    use crate::domain::body::{Body, BodySource};

    fn store() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = Connection::open(dir.path().join("t.db")).expect("open");
        conn.execute_batch("PRAGMA foreign_keys = ON").expect("pragma");
        crate::store::migrations::apply_sqlite(&mut conn).expect("migrations");
        (dir, conn)
    }

    fn updated_at(conn: &Connection, slug: &str) -> Timestamp {
        conn.query_row("SELECT updated_at FROM articles WHERE slug = ?1", [slug], |r| r.get::<_, Unix>(0))
            .map(|u| u.0)
            .expect("article stored")
    }

    fn item(wp_id: i64, slug: &str, fingerprint: i64) -> ImportedArticle {
        ImportedArticle {
            wp_id,
            draft: ArticleDraft {
                slug: Slug::parse(slug).expect("slug"),
                title: format!("Post {wp_id}"),
                dek: None,
                body: Body::from_source(BodySource::Html("<p>x</p>".into())),
                excerpt: None,
                status: Status::Published,
                published_at: "2025-12-01T00:00:00Z".parse().expect("time"),
                language: Language::english(),
                featured_image: None,
                authors: Vec::new(),
                tags: Vec::new(),
            },
            modified_at: "2025-12-02T00:00:00Z".parse().expect("time"),
            fingerprint,
            old_paths: vec![format!("/2025/12/01/{slug}/"), format!("/{slug}/")],
        }
    }

    #[test]
    fn a_post_is_created_left_alone_then_updated_by_its_id() {
        let (_dir, mut conn) = store();
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(save_articles(&mut conn, vec![item(7, "grain", 1)], now).expect("ok"), [ImportOutcome::Created]);
        assert_eq!(updated_at(&conn, "grain").to_string(), "2025-12-02T00:00:00Z");
        assert_eq!(save_articles(&mut conn, vec![item(7, "grain", 1)], now).expect("ok"), [ImportOutcome::Unchanged]);
        assert_eq!(save_articles(&mut conn, vec![item(7, "wheat", 2)], now).expect("ok"), [ImportOutcome::Updated]);
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0)).expect("ok");
        assert_eq!(count, 1);
        assert_eq!(updated_at(&conn, "wheat").to_string(), "2025-12-02T00:00:01Z", "a change moves the version");
        let later: Timestamp = "2030-01-01T00:00:00Z".parse().expect("ok");
        assert_eq!(redirect_target(&conn, "/2025/12/01/grain/", later).expect("ok").as_deref(), Some("/wheat/"));
        assert_eq!(redirect_target(&conn, "/grain/", later).expect("ok").as_deref(), Some("/wheat/"));
        assert_eq!(redirect_target(&conn, "/wheat/", later).expect("ok"), None, "never to itself");
        assert_eq!(wordpress_post_path(&conn, 7, later).expect("ok").as_deref(), Some("/wheat/"));
        assert_eq!(wordpress_post_path(&conn, 7, Timestamp::UNIX_EPOCH).expect("ok"), None, "not public yet");
    }

    #[test]
    fn a_slug_held_by_another_article_gets_the_post_id() {
        let (_dir, mut conn) = store();
        let now = Timestamp::UNIX_EPOCH;
        save_articles(&mut conn, vec![item(1, "footnotes", 1), item(2, "footnotes", 1)], now).expect("ok");
        let slugs: Vec<String> = conn
            .prepare("SELECT slug FROM articles ORDER BY id")
            .expect("ok")
            .query_map([], |r| r.get(0))
            .expect("ok")
            .collect::<Result<_, _>>()
            .expect("ok");
        assert_eq!(slugs, ["footnotes", "footnotes-2"]);
        save_articles(&mut conn, vec![item(2, "footnotes", 5)], now).expect("ok");
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0)).expect("ok");
        assert_eq!(count, 2, "the second post keeps its own article");
    }
}

//! The SQLite side of what editors manage besides articles: tags with their
//! descriptions, author profiles, and redirects.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{author_from_row, db, tag_from_row};
use crate::store::newsroom::{AuthorEdit, AuthorProfile, ProfileSaved, TagEdit, TagProfile};
use crate::store::redirects::redirect_key;
use crate::store::{Redirect, StoreResult};

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

pub(super) fn tag_profiles(conn: &Connection) -> StoreResult<Vec<TagProfile>> {
    conn.prepare_cached(
        "SELECT t.id, t.kind, t.slug, t.name, t.description,
                (SELECT COUNT(*) FROM article_tags l WHERE l.tag_id = t.id)
         FROM tags t ORDER BY CASE t.kind WHEN 'country' THEN 0 WHEN 'section' THEN 1 ELSE 2 END, t.name",
    )
    .map_err(db)?
    .query_map([], |row| {
        Ok(TagProfile { tag: tag_from_row(row, 0)?, description: row.get(4)?, articles: count(row.get(5)?) })
    })
    .map_err(db)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(db)
}

pub(super) fn save_tag(conn: &mut Connection, id: Option<i64>, tag: &TagEdit) -> StoreResult<ProfileSaved> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    let holder: Option<i64> = tx
        .prepare_cached("SELECT id FROM tags WHERE kind = ?1 AND slug = ?2")
        .map_err(db)?
        .query_row([tag.kind.as_str(), tag.slug.as_str()], |r| r.get(0))
        .optional()
        .map_err(db)?;
    if holder.is_some() && holder != id {
        return Ok(ProfileSaved::SlugTaken);
    }
    let values = params![tag.kind.as_str(), tag.slug.as_str(), tag.name, tag.description];
    let saved = match id {
        Some(id) => {
            let changed = tx
                .prepare_cached("UPDATE tags SET kind = ?1, slug = ?2, name = ?3, description = ?4 WHERE id = ?5")
                .map_err(db)?
                .execute(params![tag.kind.as_str(), tag.slug.as_str(), tag.name, tag.description, id])
                .map_err(db)?;
            if changed == 0 { ProfileSaved::Missing } else { ProfileSaved::Saved(id) }
        }
        None => ProfileSaved::Saved(
            tx.prepare_cached("INSERT INTO tags (kind, slug, name, description) VALUES (?1, ?2, ?3, ?4) RETURNING id")
                .map_err(db)?
                .query_row(values, |r| r.get(0))
                .map_err(db)?,
        ),
    };
    tx.commit().map_err(db)?;
    Ok(saved)
}

pub(super) fn remove_tag(conn: &mut Connection, id: i64) -> StoreResult<bool> {
    conn.prepare_cached("DELETE FROM tags WHERE id = ?1").map_err(db)?.execute([id]).map(|n| n > 0).map_err(db)
}

pub(super) fn author_profiles(conn: &Connection) -> StoreResult<Vec<AuthorProfile>> {
    conn.prepare_cached(
        "SELECT p.id, p.slug, p.name, p.bio, p.photo,
                (SELECT COUNT(*) FROM article_authors l WHERE l.author_id = p.id)
         FROM authors p ORDER BY p.name",
    )
    .map_err(db)?
    .query_map([], |row| {
        Ok(AuthorProfile { author: author_from_row(row, 0)?, photo: row.get(4)?, articles: count(row.get(5)?) })
    })
    .map_err(db)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(db)
}

pub(super) fn save_author(conn: &mut Connection, id: Option<i64>, author: &AuthorEdit) -> StoreResult<ProfileSaved> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    let holder: Option<i64> = tx
        .prepare_cached("SELECT id FROM authors WHERE slug = ?1")
        .map_err(db)?
        .query_row([author.slug.as_str()], |r| r.get(0))
        .optional()
        .map_err(db)?;
    if holder.is_some() && holder != id {
        return Ok(ProfileSaved::SlugTaken);
    }
    let saved = match id {
        Some(id) => {
            let changed = tx
                .prepare_cached("UPDATE authors SET slug = ?1, name = ?2, bio = ?3, photo = ?4 WHERE id = ?5")
                .map_err(db)?
                .execute(params![author.slug.as_str(), author.name, author.bio, author.photo, id])
                .map_err(db)?;
            if changed == 0 { ProfileSaved::Missing } else { ProfileSaved::Saved(id) }
        }
        None => ProfileSaved::Saved(
            tx.prepare_cached("INSERT INTO authors (slug, name, bio, photo) VALUES (?1, ?2, ?3, ?4) RETURNING id")
                .map_err(db)?
                .query_row(params![author.slug.as_str(), author.name, author.bio, author.photo], |r| r.get(0))
                .map_err(db)?,
        ),
    };
    tx.commit().map_err(db)?;
    Ok(saved)
}

pub(super) fn redirects(conn: &Connection) -> StoreResult<Vec<Redirect>> {
    conn.prepare_cached(
        "SELECT r.path, COALESCE(r.target, '/' || a.slug || '/') FROM redirects r
         LEFT JOIN articles a ON a.id = r.article_id ORDER BY r.path",
    )
    .map_err(db)?
    .query_map([], |row| Ok(Redirect { from: row.get(0)?, to: row.get(1)? }))
    .map_err(db)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(db)
}

pub(super) fn remove_redirect(conn: &mut Connection, from: &str) -> StoreResult<bool> {
    conn.prepare_cached("DELETE FROM redirects WHERE path = ?1")
        .map_err(db)?
        .execute([redirect_key(from)])
        .map(|n| n > 0)
        .map_err(db)
}

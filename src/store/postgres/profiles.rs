//! The PostgreSQL side of what editors manage besides articles: tags with their
//! descriptions, author profiles, and redirects.
//!
//! Names and addresses sort in byte order (`COLLATE "C"`), as SQLite sorts text, so
//! both engines list them alike whatever collation the database was created with.

use super::{PostgresStore, author_from_row, count, db, get, tag_from_row, write_transaction};
use crate::store::newsroom::{AuthorEdit, AuthorProfile, ProfileSaved, TagEdit, TagProfile};
use crate::store::redirects::redirect_key;
use crate::store::{Redirect, StoreResult};

pub(super) async fn tag_profiles(store: &PostgresStore) -> StoreResult<Vec<TagProfile>> {
    let client = store.client().await?;
    let rows = client
        .query(
            "SELECT t.id, t.kind, t.slug, t.name, t.description,
                    (SELECT COUNT(*) FROM article_tags l WHERE l.tag_id = t.id)
             FROM tags t
             ORDER BY CASE t.kind WHEN 'country' THEN 0 WHEN 'section' THEN 1 ELSE 2 END, t.name COLLATE \"C\"",
            &[],
        )
        .await
        .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(TagProfile { tag: tag_from_row(row, 0)?, description: get(row, 4)?, articles: count(get(row, 5)?) })
        })
        .collect()
}

pub(super) async fn save_tag(store: &PostgresStore, id: Option<i64>, tag: &TagEdit) -> StoreResult<ProfileSaved> {
    let mut client = store.client().await?;
    let tx = write_transaction(&mut client).await?;
    let holder: Option<i64> = tx
        .query_opt("SELECT id FROM tags WHERE kind = $1 AND slug = $2", &[&tag.kind.as_str(), &tag.slug.as_str()])
        .await
        .map_err(db)?
        .map(|row| get(&row, 0))
        .transpose()?;
    if holder.is_some() && holder != id {
        return Ok(ProfileSaved::SlugTaken);
    }
    let saved = match id {
        Some(id) => {
            let changed = tx
                .execute(
                    "UPDATE tags SET kind = $1, slug = $2, name = $3, description = $4 WHERE id = $5",
                    &[&tag.kind.as_str(), &tag.slug.as_str(), &tag.name, &tag.description, &id],
                )
                .await
                .map_err(db)?;
            if changed == 0 { ProfileSaved::Missing } else { ProfileSaved::Saved(id) }
        }
        None => {
            let row = tx
                .query_one(
                    "INSERT INTO tags (kind, slug, name, description) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[&tag.kind.as_str(), &tag.slug.as_str(), &tag.name, &tag.description],
                )
                .await
                .map_err(db)?;
            ProfileSaved::Saved(get(&row, 0)?)
        }
    };
    tx.commit().await.map_err(db)?;
    Ok(saved)
}

pub(super) async fn remove_tag(store: &PostgresStore, id: i64) -> StoreResult<bool> {
    let client = store.client().await?;
    let removed = client.execute("DELETE FROM tags WHERE id = $1", &[&id]).await.map_err(db)?;
    Ok(removed > 0)
}

pub(super) async fn author_profiles(store: &PostgresStore) -> StoreResult<Vec<AuthorProfile>> {
    let client = store.client().await?;
    let rows = client
        .query(
            "SELECT p.id, p.slug, p.name, p.bio, p.photo,
                    (SELECT COUNT(*) FROM article_authors l WHERE l.author_id = p.id)
             FROM authors p ORDER BY p.name COLLATE \"C\"",
            &[],
        )
        .await
        .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(AuthorProfile { author: author_from_row(row, 0)?, photo: get(row, 4)?, articles: count(get(row, 5)?) })
        })
        .collect()
}

pub(super) async fn save_author(
    store: &PostgresStore,
    id: Option<i64>,
    author: &AuthorEdit,
) -> StoreResult<ProfileSaved> {
    let mut client = store.client().await?;
    let tx = write_transaction(&mut client).await?;
    let holder: Option<i64> = tx
        .query_opt("SELECT id FROM authors WHERE slug = $1", &[&author.slug.as_str()])
        .await
        .map_err(db)?
        .map(|row| get(&row, 0))
        .transpose()?;
    if holder.is_some() && holder != id {
        return Ok(ProfileSaved::SlugTaken);
    }
    let saved = match id {
        Some(id) => {
            let changed = tx
                .execute(
                    "UPDATE authors SET slug = $1, name = $2, bio = $3, photo = $4 WHERE id = $5",
                    &[&author.slug.as_str(), &author.name, &author.bio, &author.photo, &id],
                )
                .await
                .map_err(db)?;
            if changed == 0 { ProfileSaved::Missing } else { ProfileSaved::Saved(id) }
        }
        None => {
            let row = tx
                .query_one(
                    "INSERT INTO authors (slug, name, bio, photo) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[&author.slug.as_str(), &author.name, &author.bio, &author.photo],
                )
                .await
                .map_err(db)?;
            ProfileSaved::Saved(get(&row, 0)?)
        }
    };
    tx.commit().await.map_err(db)?;
    Ok(saved)
}

pub(super) async fn redirects(store: &PostgresStore) -> StoreResult<Vec<Redirect>> {
    let client = store.client().await?;
    let rows = client
        .query(
            "SELECT r.path, COALESCE(r.target, '/' || a.slug || '/') FROM redirects r
             LEFT JOIN articles a ON a.id = r.article_id ORDER BY r.path COLLATE \"C\"",
            &[],
        )
        .await
        .map_err(db)?;
    rows.iter().map(|row| Ok(Redirect { from: get(row, 0)?, to: get(row, 1)? })).collect()
}

pub(super) async fn remove_redirect(store: &PostgresStore, from: &str) -> StoreResult<bool> {
    let client = store.client().await?;
    let removed = client.execute("DELETE FROM redirects WHERE path = $1", &[&redirect_key(from)]).await.map_err(db)?;
    Ok(removed > 0)
}

//! The PostgreSQL side of the media library. An upload is looked up by its content hash
//! under the write lock, so the same bytes sent to two nodes at once are stored once.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use jiff::Timestamp;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{PostgresStore, big, count, db, get, time, write_transaction};
use crate::domain::picture::ImageVariant;
use crate::store::media::{MediaAdded, MediaItem, MediaPage, MediaStore, NewMedia};
use crate::store::{StoreError, StoreResult};

/// Columns of `media` in `item_from_row` order.
const COLUMNS: &str = "id, path, content_hash, original_name, mime, width, height, bytes, alt_text, caption, \
                       uploaded_by, created_at, variants";

fn item_from_row(row: &Row) -> StoreResult<MediaItem> {
    let side = |idx: usize| -> StoreResult<u32> {
        let n: i64 = get(row, idx)?;
        u32::try_from(n).map_err(|_| StoreError::Invalid(format!("image side {n}")))
    };
    let variants: &str = get(row, 12)?;
    let variants: Vec<ImageVariant> =
        serde_json::from_str(variants).map_err(|e| StoreError::Invalid(format!("media variants: {e}")))?;
    Ok(MediaItem {
        id: get(row, 0)?,
        path: get(row, 1)?,
        content_hash: get(row, 2)?,
        original_name: get(row, 3)?,
        mime: get(row, 4)?,
        width: side(5)?,
        height: side(6)?,
        bytes: count(get(row, 7)?),
        alt: get(row, 8)?,
        caption: get(row, 9)?,
        uploaded_by: get(row, 10)?,
        created_at: time(row, 11)?,
        variants,
    })
}

/// The item whose `column` (one of this module's names, never input) holds `value`.
async fn one_by(
    client: &impl GenericClient,
    column: &str,
    value: &(dyn ToSql + Sync),
) -> StoreResult<Option<MediaItem>> {
    let statement =
        client.prepare_cached(&format!("SELECT {COLUMNS} FROM media WHERE {column} = $1")).await.map_err(db)?;
    client.query_opt(&statement, &[value]).await.map_err(db)?.map(|row| item_from_row(&row)).transpose()
}

#[async_trait]
impl MediaStore for PostgresStore {
    async fn add_media(&self, item: NewMedia, now: Timestamp) -> StoreResult<MediaAdded> {
        let variants = serde_json::to_string(&item.variants).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut client = self.client().await?;
        let tx = write_transaction(&mut client).await?;
        if let Some(existing) = one_by(&tx, "content_hash", &item.content_hash).await? {
            return Ok(MediaAdded::Existing(existing));
        }
        let row = tx
            .query_one(
                &format!(
                    "INSERT INTO media (path, content_hash, original_name, mime, width, height, bytes, alt_text,
                                        caption, uploaded_by, created_at, variants)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {COLUMNS}"
                ),
                &[
                    &item.path,
                    &item.content_hash,
                    &item.original_name,
                    &item.mime,
                    &i64::from(item.width),
                    &i64::from(item.height),
                    &big(item.bytes),
                    &item.alt,
                    &item.caption,
                    &item.uploaded_by,
                    &now.as_second(),
                    &variants,
                ],
            )
            .await
            .map_err(db)?;
        let added = item_from_row(&row)?;
        tx.commit().await.map_err(db)?;
        Ok(MediaAdded::Added(added))
    }

    async fn media_by_id(&self, id: i64) -> StoreResult<Option<MediaItem>> {
        one_by(&self.client().await?, "id", &id).await
    }

    async fn media_by_path(&self, path: &str) -> StoreResult<Option<MediaItem>> {
        one_by(&self.client().await?, "path", &path).await
    }

    async fn media_by_hash(&self, content_hash: &str) -> StoreResult<Option<MediaItem>> {
        one_by(&self.client().await?, "content_hash", &content_hash).await
    }

    async fn list_media(&self, offset: u64, limit: u32) -> StoreResult<MediaPage> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {COLUMNS} FROM media ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"),
                &[&i64::from(limit), &big(offset)],
            )
            .await
            .map_err(db)?;
        let items = rows.iter().map(item_from_row).collect::<StoreResult<Vec<_>>>()?;
        let total = client.query_one("SELECT COUNT(*) FROM media", &[]).await.map_err(db)?;
        Ok(MediaPage { items, total: count(get(&total, 0)?) })
    }

    async fn update_media_text(&self, id: i64, alt: &str, caption: &str) -> StoreResult<bool> {
        // The migration's trigger copies the new alternative text into the featured
        // picture of every article showing this image.
        let client = self.client().await?;
        let changed = client
            .execute("UPDATE media SET alt_text = $1, caption = $2 WHERE id = $3", &[&alt, &caption, &id])
            .await
            .map_err(db)?;
        Ok(changed > 0)
    }
}

//! The SQLite side of the media library.

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{SqliteStore, Unix, db};
use crate::domain::picture::ImageVariant;
use crate::store::media::{MediaAdded, MediaItem, MediaPage, MediaStore, NewMedia};
use crate::store::{StoreError, StoreResult};

/// Columns of `media` in `item_from_row` order.
const COLUMNS: &str = "id, path, content_hash, original_name, mime, width, height, bytes, alt_text, caption, \
                       uploaded_by, created_at, variants";

fn item_from_row(row: &Row<'_>) -> rusqlite::Result<MediaItem> {
    let variants: String = row.get(12)?;
    let variants: Vec<ImageVariant> = serde_json::from_str(&variants)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(12, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(MediaItem {
        id: row.get(0)?,
        path: row.get(1)?,
        content_hash: row.get(2)?,
        original_name: row.get(3)?,
        mime: row.get(4)?,
        width: row.get(5)?,
        height: row.get(6)?,
        bytes: u64::try_from(row.get::<_, i64>(7)?).unwrap_or(0),
        alt: row.get(8)?,
        caption: row.get(9)?,
        uploaded_by: row.get(10)?,
        created_at: row.get::<_, Unix>(11)?.0,
        variants,
    })
}

fn one_by(conn: &Connection, column: &str, value: &dyn rusqlite::ToSql) -> StoreResult<Option<MediaItem>> {
    let sql = format!("SELECT {COLUMNS} FROM media WHERE {column} = ?1");
    conn.prepare_cached(&sql).map_err(db)?.query_row([value], item_from_row).optional().map_err(db)
}

fn add(conn: &mut Connection, item: NewMedia, now: i64) -> StoreResult<MediaAdded> {
    let variants = serde_json::to_string(&item.variants).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    if let Some(existing) = one_by(&tx, "content_hash", &item.content_hash)? {
        return Ok(MediaAdded::Existing(existing));
    }
    tx.prepare_cached(
        "INSERT INTO media (path, content_hash, original_name, mime, width, height, bytes, alt_text, caption,
                            uploaded_by, created_at, variants)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .map_err(db)?
    .execute(params![
        item.path,
        item.content_hash,
        item.original_name,
        item.mime,
        item.width,
        item.height,
        i64::try_from(item.bytes).unwrap_or(i64::MAX),
        item.alt,
        item.caption,
        item.uploaded_by,
        now,
        variants
    ])
    .map_err(db)?;
    let id = tx.last_insert_rowid();
    let added = one_by(&tx, "id", &id)?.ok_or_else(|| StoreError::Invalid("a new media row vanished".to_owned()))?;
    tx.commit().map_err(db)?;
    Ok(MediaAdded::Added(added))
}

#[async_trait]
impl MediaStore for SqliteStore {
    async fn add_media(&self, item: NewMedia, now: Timestamp) -> StoreResult<MediaAdded> {
        let now = now.as_second();
        self.write(move |conn| add(conn, item, now)).await
    }

    async fn media_by_id(&self, id: i64) -> StoreResult<Option<MediaItem>> {
        self.read(|conn| one_by(conn, "id", &id))
    }

    async fn media_by_path(&self, path: &str) -> StoreResult<Option<MediaItem>> {
        self.read(|conn| one_by(conn, "path", &path))
    }

    async fn media_by_hash(&self, content_hash: &str) -> StoreResult<Option<MediaItem>> {
        self.read(|conn| one_by(conn, "content_hash", &content_hash))
    }

    async fn list_media(&self, offset: u64, limit: u32) -> StoreResult<MediaPage> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.read(|conn| {
            let sql = format!("SELECT {COLUMNS} FROM media ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2");
            let items = conn
                .prepare_cached(&sql)
                .map_err(db)?
                .query_map(params![limit, offset], item_from_row)
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            let total: i64 = conn
                .prepare_cached("SELECT COUNT(*) FROM media")
                .map_err(db)?
                .query_row([], |r| r.get(0))
                .map_err(db)?;
            Ok(MediaPage { items, total: u64::try_from(total).unwrap_or(0) })
        })
    }

    async fn update_media_text(&self, id: i64, alt: &str, caption: &str) -> StoreResult<bool> {
        let (alt, caption) = (alt.to_owned(), caption.to_owned());
        self.write(move |conn| {
            let changed = conn
                .prepare_cached("UPDATE media SET alt_text = ?1, caption = ?2 WHERE id = ?3")
                .map_err(db)?
                .execute(params![alt, caption, id])
                .map_err(db)?;
            Ok(changed > 0)
        })
        .await
    }
}

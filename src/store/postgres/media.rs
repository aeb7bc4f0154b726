//! SCAFFOLD

use super::PostgresStore;
use crate::store::StoreResult;
use crate::store::media::*;
use async_trait::async_trait;
use jiff::Timestamp;

#[async_trait]
impl MediaStore for PostgresStore {
    async fn add_media(&self, item: NewMedia, now: Timestamp) -> StoreResult<MediaAdded> {
        todo!()
    }

    async fn media_by_id(&self, id: i64) -> StoreResult<Option<MediaItem>> {
        todo!()
    }

    async fn media_by_path(&self, path: &str) -> StoreResult<Option<MediaItem>> {
        todo!()
    }

    async fn media_by_hash(&self, content_hash: &str) -> StoreResult<Option<MediaItem>> {
        todo!()
    }

    async fn list_media(&self, offset: u64, limit: u32) -> StoreResult<MediaPage> {
        todo!()
    }

    async fn update_media_text(&self, id: i64, alt: &str, caption: &str) -> StoreResult<bool> {
        todo!()
    }
}

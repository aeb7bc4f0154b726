//! The media library's side of the store: uploaded images and their variants.

use async_trait::async_trait;
use jiff::Timestamp;

use super::StoreResult;
use crate::domain::picture::ImageVariant;

/// An uploaded image to record.
#[derive(Debug, Clone)]
pub struct NewMedia {
    /// Address of the stored original, `/media/uploads/YYYY/MM/name-hash.ext`.
    pub path: String,
    /// SHA-256 of the uploaded bytes, in hex.
    pub content_hash: String,
    /// The file name it was uploaded under.
    pub original_name: String,
    /// Media type of the stored original.
    pub mime: String,
    /// Width of the upright original.
    pub width: u32,
    /// Height of the upright original.
    pub height: u32,
    /// Size of the stored original.
    pub bytes: u64,
    /// Alternative text.
    pub alt: String,
    /// Caption.
    pub caption: String,
    /// The user who uploaded it, when known.
    pub uploaded_by: Option<i64>,
    /// The responsive variants, narrowest first.
    pub variants: Vec<ImageVariant>,
}

/// A stored image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaItem {
    /// Store identity.
    pub id: i64,
    /// Address of the stored original.
    pub path: String,
    /// SHA-256 of the uploaded bytes, in hex.
    pub content_hash: String,
    /// The file name it was uploaded under.
    pub original_name: String,
    /// Media type of the stored original.
    pub mime: String,
    /// Width of the original.
    pub width: u32,
    /// Height of the original.
    pub height: u32,
    /// Size of the stored original.
    pub bytes: u64,
    /// Alternative text.
    pub alt: String,
    /// Caption.
    pub caption: String,
    /// The user who uploaded it, when known.
    pub uploaded_by: Option<i64>,
    /// When it was uploaded.
    pub created_at: Timestamp,
    /// The responsive variants, narrowest first.
    pub variants: Vec<ImageVariant>,
}

/// What recording an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaAdded {
    /// A new item was stored.
    Added(MediaItem),
    /// The same bytes were already stored as this item; nothing was written.
    Existing(MediaItem),
}

impl MediaAdded {
    /// The stored item, new or not.
    pub fn item(self) -> MediaItem {
        match self {
            Self::Added(item) | Self::Existing(item) => item,
        }
    }
}

/// One page of the media library and the size of the whole library.
#[derive(Debug, Clone)]
pub struct MediaPage {
    /// Items on this page, newest first.
    pub items: Vec<MediaItem>,
    /// Items in the library.
    pub total: u64,
}

/// Uploaded images.
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Records an upload; when an item with the same content hash exists, returns it
    /// and stores nothing.
    async fn add_media(&self, item: NewMedia, now: Timestamp) -> StoreResult<MediaAdded>;

    /// An item by store identity.
    async fn media_by_id(&self, id: i64) -> StoreResult<Option<MediaItem>>;

    /// An item by the address of its original.
    async fn media_by_path(&self, path: &str) -> StoreResult<Option<MediaItem>>;

    /// An item by the SHA-256 of its uploaded bytes.
    async fn media_by_hash(&self, content_hash: &str) -> StoreResult<Option<MediaItem>>;

    /// A page of the library, newest first, `limit` from `offset`, with the total.
    async fn list_media(&self, offset: u64, limit: u32) -> StoreResult<MediaPage>;

    /// Replaces an item's alternative text and caption; whether the item exists.
    async fn update_media_text(&self, id: i64, alt: &str, caption: &str) -> StoreResult<bool>;
}

//! SCAFFOLD

use super::PostgresStore;
use crate::domain::article::*;
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::store::*;
use jiff::Timestamp;
use jiff::civil::Date;

pub(super) async fn find_articles(
    store: &PostgresStore,
    query: &ArticleQuery,
    now: Timestamp,
    offset: u64,
    limit: u32,
) -> StoreResult<Vec<Article>> {
    todo!()
}

pub(super) async fn count_articles(store: &PostgresStore, query: &ArticleQuery, now: Timestamp) -> StoreResult<u64> {
    todo!()
}

pub(super) async fn sitemap_entries(
    store: &PostgresStore,
    now: Timestamp,
    offset: u64,
    limit: u32,
) -> StoreResult<Vec<SitemapEntry>> {
    todo!()
}

pub(super) async fn sitemap_chunks(
    store: &PostgresStore,
    now: Timestamp,
    per_file: u32,
) -> StoreResult<Vec<Timestamp>> {
    todo!()
}

pub(super) async fn tag_stats(store: &PostgresStore, now: Timestamp) -> StoreResult<Vec<TagStats>> {
    todo!()
}

pub(super) async fn author_stats(store: &PostgresStore, now: Timestamp) -> StoreResult<Vec<AuthorStats>> {
    todo!()
}

pub(super) async fn add_api_key(
    store: &PostgresStore,
    name: &str,
    key_hash: &str,
    now: Timestamp,
) -> StoreResult<KeyAdded> {
    todo!()
}

pub(super) async fn api_key_known(store: &PostgresStore, key_hash: &str) -> StoreResult<bool> {
    todo!()
}

pub(super) async fn api_keys(store: &PostgresStore) -> StoreResult<Vec<ApiKeyInfo>> {
    todo!()
}

pub(super) async fn remove_api_key(store: &PostgresStore, name: &str) -> StoreResult<bool> {
    todo!()
}

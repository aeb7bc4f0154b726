//! SCAFFOLD

use super::PostgresStore;
use crate::domain::article::*;
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::store::*;
use jiff::Timestamp;
use jiff::civil::Date;

pub(super) async fn published_article(
    store: &PostgresStore,
    slug: &Slug,
    now: Timestamp,
) -> StoreResult<Option<Article>> {
    todo!()
}

pub(super) async fn list_published(
    store: &PostgresStore,
    filter: &ListingFilter,
    now: Timestamp,
    offset: u64,
    limit: u32,
    words: usize,
) -> StoreResult<Listing> {
    todo!()
}

pub(super) async fn latest_published(
    store: &PostgresStore,
    filter: &ListingFilter,
    now: Timestamp,
    limit: u32,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    todo!()
}

pub(super) async fn latest_by_tag_kind(
    store: &PostgresStore,
    kind: TagKind,
    per_tag: u32,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<TagBlock>> {
    todo!()
}

pub(super) async fn related_articles(
    store: &PostgresStore,
    article: &Article,
    limit: u32,
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    todo!()
}

pub(super) async fn tag(store: &PostgresStore, kind: TagKind, slug: &Slug) -> StoreResult<Option<Tag>> {
    todo!()
}

pub(super) async fn tags(store: &PostgresStore, kind: TagKind) -> StoreResult<Vec<Tag>> {
    todo!()
}

pub(super) async fn author(store: &PostgresStore, slug: &Slug) -> StoreResult<Option<Author>> {
    todo!()
}

pub(super) async fn article_count(store: &PostgresStore) -> StoreResult<u64> {
    todo!()
}

pub(super) async fn article_stamps(store: &PostgresStore) -> StoreResult<Vec<ArticleStamp>> {
    todo!()
}

pub(super) async fn articles_by_id(store: &PostgresStore, ids: &[i64]) -> StoreResult<Vec<Article>> {
    todo!()
}

pub(super) async fn published_summaries(
    store: &PostgresStore,
    ids: &[i64],
    now: Timestamp,
    words: usize,
) -> StoreResult<Vec<ArticleSummary>> {
    todo!()
}

pub(super) async fn content_version(store: &PostgresStore) -> StoreResult<i64> {
    todo!()
}

//! SCAFFOLD

use super::PostgresStore;
use crate::domain::article::*;
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::store::*;
use jiff::Timestamp;
use jiff::civil::Date;

pub(super) async fn save_imported_articles(
    store: &PostgresStore,
    items: Vec<ImportedArticle>,
    now: Timestamp,
) -> StoreResult<Vec<ImportOutcome>> {
    todo!()
}

pub(super) async fn save_imported_authors(store: &PostgresStore, authors: Vec<ImportedAuthor>) -> StoreResult<()> {
    todo!()
}

pub(super) async fn save_redirects(store: &PostgresStore, redirects: Vec<Redirect>) -> StoreResult<()> {
    todo!()
}

pub(super) async fn redirect_target(store: &PostgresStore, path: &str, now: Timestamp) -> StoreResult<Option<String>> {
    todo!()
}

pub(super) async fn wordpress_post_path(
    store: &PostgresStore,
    wp_id: i64,
    now: Timestamp,
) -> StoreResult<Option<String>> {
    todo!()
}

//! Use cases that change content and keep everything that depends on it in step:
//! the store row and the cached pages (and, as they arrive, the search index).

pub mod accounts;
pub mod demo;
pub mod editorial;
pub mod jsonl;
pub mod media;
pub mod search_index;
pub mod wxr;

use jiff::Timestamp;

use crate::cache::PageCache;
use crate::domain::article::ArticleDraft;
use crate::store::{OfficialRate, SaveOutcome, Store, StoreResult};

/// Saves articles and marks cached pages stale.
pub async fn save_articles(
    store: &dyn Store,
    pages: &PageCache,
    drafts: Vec<ArticleDraft>,
    now: Timestamp,
) -> StoreResult<Vec<SaveOutcome>> {
    let outcomes = store.save_articles(drafts, now).await?;
    pages.invalidate();
    Ok(outcomes)
}

/// Saves official rates and marks cached pages stale (every page carries the ticker).
pub async fn save_rates(store: &dyn Store, pages: &PageCache, rates: Vec<OfficialRate>) -> StoreResult<()> {
    store.save_rates(rates).await?;
    pages.invalidate();
    Ok(())
}

//! SCAFFOLD

use super::PostgresStore;
use crate::domain::article::*;
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::store::*;
use jiff::Timestamp;
use jiff::civil::Date;

pub(super) async fn latest_rates(store: &PostgresStore, quote: &str) -> StoreResult<Vec<RateHistory>> {
    todo!()
}

pub(super) async fn save_rates(store: &PostgresStore, rates: Vec<OfficialRate>) -> StoreResult<()> {
    todo!()
}

pub(super) async fn latest_rate_date(store: &PostgresStore) -> StoreResult<Option<Date>> {
    todo!()
}

pub(super) async fn rate_history(
    store: &PostgresStore,
    currency: &str,
    quote: &str,
    from: Date,
    to: Date,
) -> StoreResult<Vec<OfficialRate>> {
    todo!()
}

pub(super) async fn latest_rates_from(store: &PostgresStore, source: &str) -> StoreResult<Vec<OfficialRate>> {
    todo!()
}

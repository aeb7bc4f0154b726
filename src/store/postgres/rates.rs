//! Official exchange rates: stored as the banks print them, read back a day at a time.
//!
//! Currency codes and ISO days are compared byte by byte (`COLLATE "C"`), as SQLite
//! does, whatever the database's collation.

use std::collections::HashSet;

use jiff::civil::Date;
use tokio_postgres::Row;

use super::{PostgresStore, db, get, time, write_transaction};
use crate::store::rates::{StoredRate, latest_and_previous, one_per_day, rate_date};
use crate::store::{OfficialRate, RateHistory, StoreError, StoreResult};

pub(super) async fn latest_rates(store: &PostgresStore, quote: &str) -> StoreResult<Vec<RateHistory>> {
    const SQL: &str = r#"
        SELECT currency, quote, rate_date, source, rate, scale, fetched_at FROM (
            SELECT *, ROW_NUMBER() OVER (
                PARTITION BY currency ORDER BY rate_date COLLATE "C" DESC, fetched_at DESC
            ) AS n
            FROM rates WHERE quote = $1
        ) r WHERE n <= 2 ORDER BY currency COLLATE "C", n"#;
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let rates =
        client.query(&stmt, &[&quote]).await.map_err(db)?.iter().map(official_rate).collect::<StoreResult<Vec<_>>>()?;
    Ok(latest_and_previous(rates))
}

/// Stores the rates in one statement. A rate given twice for the same day and source
/// keeps its last value, as storing them one by one would (PostgreSQL refuses to
/// update a row twice in one statement).
pub(super) async fn save_rates(store: &PostgresStore, rates: Vec<OfficialRate>) -> StoreResult<()> {
    const SQL: &str = "
        INSERT INTO rates (currency, quote, rate_date, source, rate, scale, fetched_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])
        ON CONFLICT (currency, quote, rate_date, source) DO UPDATE SET
            rate = excluded.rate, scale = excluded.scale, fetched_at = excluded.fetched_at";
    if rates.is_empty() {
        return Ok(());
    }
    // The last of each key wins; the order of rows in one statement does not matter.
    let mut seen = HashSet::with_capacity(rates.len());
    let kept: Vec<&OfficialRate> = rates
        .iter()
        .rev()
        .filter(|r| seen.insert((r.currency.as_str(), r.quote.as_str(), r.date, r.source.as_str())))
        .collect();
    let currencies: Vec<&str> = kept.iter().map(|r| r.currency.as_str()).collect();
    let quotes: Vec<&str> = kept.iter().map(|r| r.quote.as_str()).collect();
    let dates: Vec<String> = kept.iter().map(|r| r.date.to_string()).collect();
    let sources: Vec<&str> = kept.iter().map(|r| r.source.as_str()).collect();
    let values: Vec<String> = kept.iter().map(|r| r.rate.to_string()).collect();
    let scales: Vec<i64> = kept.iter().map(|r| i64::from(r.scale)).collect();
    let fetched: Vec<i64> = kept.iter().map(|r| r.fetched_at.as_second()).collect();
    let mut client = store.client().await?;
    let tx = write_transaction(&mut client).await?;
    let stmt = tx.prepare_cached(SQL).await.map_err(db)?;
    tx.execute(&stmt, &[&currencies, &quotes, &dates, &sources, &values, &scales, &fetched]).await.map_err(db)?;
    tx.commit().await.map_err(db)
}

pub(super) async fn latest_rate_date(store: &PostgresStore) -> StoreResult<Option<Date>> {
    let client = store.client().await?;
    let stmt = client.prepare_cached(r#"SELECT MAX(rate_date COLLATE "C") FROM rates"#).await.map_err(db)?;
    let row = client.query_one(&stmt, &[]).await.map_err(db)?;
    let date: Option<&str> = get(&row, 0)?;
    date.map(rate_date).transpose()
}

pub(super) async fn rate_history(
    store: &PostgresStore,
    currency: &str,
    quote: &str,
    from: Date,
    to: Date,
) -> StoreResult<Vec<OfficialRate>> {
    const SQL: &str = r#"
        SELECT currency, quote, rate_date, source, rate, scale, fetched_at FROM rates
        WHERE currency = $1 AND quote = $2 AND rate_date COLLATE "C" BETWEEN $3 AND $4
        ORDER BY rate_date COLLATE "C", fetched_at DESC"#;
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    let rates = client
        .query(&stmt, &[&currency, &quote, &from.to_string(), &to.to_string()])
        .await
        .map_err(db)?
        .iter()
        .map(official_rate)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(one_per_day(rates))
}

pub(super) async fn latest_rates_from(store: &PostgresStore, source: &str) -> StoreResult<Vec<OfficialRate>> {
    const SQL: &str = r#"
        SELECT currency, quote, rate_date, source, rate, scale, fetched_at FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY currency, quote ORDER BY rate_date COLLATE "C" DESC) AS n
            FROM rates WHERE source = $1
        ) r WHERE n = 1 ORDER BY currency COLLATE "C", quote COLLATE "C""#;
    let client = store.client().await?;
    let stmt = client.prepare_cached(SQL).await.map_err(db)?;
    client.query(&stmt, &[&source]).await.map_err(db)?.iter().map(official_rate).collect()
}

/// Reads `currency, quote, rate_date, source, rate, scale, fetched_at`.
fn official_rate(row: &Row) -> StoreResult<OfficialRate> {
    let scale: i64 = get(row, 5)?;
    StoredRate {
        currency: get(row, 0)?,
        quote: get(row, 1)?,
        date: get(row, 2)?,
        source: get(row, 3)?,
        rate: get(row, 4)?,
        scale: u32::try_from(scale).map_err(|_| StoreError::Invalid(format!("rate scale {scale}")))?,
        fetched_at: time(row, 6)?,
    }
    .into_rate()
}

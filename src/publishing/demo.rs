//! The bundled demo newsroom: original articles written for Qalam and a week of
//! official rates, loaded into an empty data directory by `qalam serve --demo`.

use std::str::FromStr;

use anyhow::Context;
use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::jsonl::{ImportReport, import_jsonl};
use super::save_rates;
use crate::cache::PageCache;
use crate::store::{OfficialRate, Store};

const ARTICLES: &str = include_str!("../../demo/articles.jsonl");
const RATES: &str = include_str!("../../demo/rates.jsonl");

#[derive(Deserialize)]
struct DemoRate {
    date: String,
    currency: String,
    rate: String,
    scale: u32,
    source: String,
}

/// Loads the demo into `store` unless it already holds articles; `None` when it did not.
pub async fn load_demo(store: &dyn Store, pages: &PageCache, now: Timestamp) -> anyhow::Result<Option<ImportReport>> {
    if store.article_count().await? > 0 {
        return Ok(None);
    }
    let report = import_jsonl(store, pages, ARTICLES.as_bytes(), now, &|_| {}).await?;
    anyhow::ensure!(report.rejected.is_empty(), "the bundled demo has bad lines: {:?}", report.rejected);
    let rates = RATES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let r: DemoRate = serde_json::from_str(line).context("demo rate")?;
            Ok(OfficialRate {
                date: Date::from_str(&r.date)?,
                rate: Decimal::from_str(&r.rate)?,
                currency: r.currency,
                quote: "USD".to_owned(),
                source: r.source,
                scale: r.scale,
                fetched_at: now,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    save_rates(store, pages, rates).await?;
    Ok(Some(report))
}

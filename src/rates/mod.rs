//! Official exchange rates from the central banks: one parser per bank's format, the
//! address each is asked at, the HTTP client that asks with timeouts and retries, and
//! the chart of a rate's history. Nothing here reads or writes the store; the rates job
//! (`jobs::rates`) decides what is kept.

mod cbt;
mod cbu;
pub mod chart;
pub mod client;
mod document;
mod frankfurter;
mod nbk;
mod nbkr;
mod nbt;
pub mod source;

pub use client::{FetchError, RatesClient};
pub use document::{ParseError, Publication, PublishedRate};
pub use source::{FALLBACK_ID, Source, SourceInfo, currency_name, parse_fallback, source_info};

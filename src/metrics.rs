//! Prometheus metrics: counters and latency histograms the server and its jobs update as
//! they go, and values read when `/metrics` is scraped (page cache lookups, the store's
//! connection pool, how far the search index is behind the store).
//!
//! Labels take few values by construction: a route is the pattern it matched
//! (`/tag/{slug}/`), never the path asked for, and a status is its class (`2xx`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::cache::PageCache;
use crate::store::Store;

/// What a request is counted under.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: &'static str,
}

/// A job's outcome.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
    outcome: &'static str,
}

/// One central bank's fetch.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FetchLabels {
    source: String,
    outcome: &'static str,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// Request latency buckets: 0.5 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

/// Every metric the server exposes.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    jobs: Family<JobLabels, Counter>,
    rate_fetches: Family<FetchLabels, Counter>,
    index_caught_up: Gauge,
    index_versions_behind: Gauge,
    index_articles_behind: Gauge,
}

/// Route label of a request that matched no route (a 404, an old address redirected).
pub const UNMATCHED_ROUTE: &str = "unmatched";

impl Metrics {
    /// Metrics reading the page cache's and the store's own counts at scrape time.
    pub fn new(pages: Arc<PageCache>, store: Arc<dyn Store>) -> Self {
        let mut registry = Registry::with_prefix("qalam");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by route and status class", requests.clone());
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (until its headers), by route and status class",
            latency.clone(),
        );
        let jobs = Family::<JobLabels, Counter>::default();
        registry.register("job_runs", "Runs of scheduled work, by job and outcome", jobs.clone());
        let rate_fetches = Family::<FetchLabels, Counter>::default();
        registry.register(
            "rates_fetches",
            "Fetches of official rates from one source, by source and outcome",
            rate_fetches.clone(),
        );
        let index_caught_up = Gauge::default();
        registry.register(
            "search_index_caught_up",
            "1 when the search index has caught up with the store, else 0",
            index_caught_up.clone(),
        );
        let index_versions_behind = Gauge::default();
        registry.register(
            "search_index_lag_versions",
            "Content versions the store is ahead of what the search index last matched",
            index_versions_behind.clone(),
        );
        let index_articles_behind = Gauge::default();
        registry.register(
            "search_index_lag_articles",
            "Articles still to index in the catch-up under way",
            index_articles_behind.clone(),
        );
        registry.register_collector(Box::new(PageCacheCounts(pages)));
        registry.register_collector(Box::new(PoolUse(store)));
        Self {
            registry,
            requests,
            latency,
            jobs,
            rate_fetches,
            index_caught_up,
            index_versions_behind,
            index_articles_behind,
        }
    }

    /// Counts one answered request to `route` (a route pattern or [`UNMATCHED_ROUTE`]).
    pub fn record_request(&self, route: &str, status: StatusCode, took: Duration) {
        let labels = RequestLabels { route: route.to_owned(), status: status_class(status) };
        self.latency.get_or_create(&labels).observe(took.as_secs_f64());
        self.requests.get_or_create(&labels).inc();
    }

    /// Counts one run of the job `job`.
    pub fn record_job(&self, job: &'static str, succeeded: bool) {
        self.jobs.get_or_create(&JobLabels { job, outcome: outcome(succeeded) }).inc();
    }

    /// Counts one fetch from the rates source `source`.
    pub fn record_rate_fetch(&self, source: &str, succeeded: bool) {
        self.rate_fetches.get_or_create(&FetchLabels { source: source.to_owned(), outcome: outcome(succeeded) }).inc();
    }

    /// Sets how far the search index is behind the store.
    pub fn record_index_lag(&self, caught_up: bool, versions: i64, articles: u64) {
        self.index_caught_up.set(i64::from(caught_up));
        self.index_versions_behind.set(versions);
        self.index_articles_behind.set(i64::try_from(articles).unwrap_or(i64::MAX));
    }

    /// Everything in the text exposition format (OpenMetrics, which Prometheus reads).
    pub fn encode(&self) -> Result<String, fmt::Error> {
        let mut text = String::with_capacity(16 * 1024);
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

fn outcome(succeeded: bool) -> &'static str {
    if succeeded { "success" } else { "failure" }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The page cache's lookups, read at scrape time.
#[derive(Debug)]
struct PageCacheCounts(Arc<PageCache>);

impl Collector for PageCacheCounts {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), fmt::Error> {
        let counts = self.0.counts();
        for (name, help, value) in [
            ("page_cache_hits", "Page cache lookups answered from the cache", counts.hits),
            ("page_cache_misses", "Page cache lookups that had the page rendered", counts.misses),
        ] {
            let counter = ConstCounter::new(value);
            counter.encode(encoder.encode_descriptor(name, help, None, counter.metric_type())?)?;
        }
        let bytes = ConstGauge::new(i64::try_from(self.0.bytes()).unwrap_or(i64::MAX));
        bytes.encode(encoder.encode_descriptor(
            "page_cache_bytes",
            "Bytes of rendered pages held",
            None,
            bytes.metric_type(),
        )?)
    }
}

/// The store's connection pool, read at scrape time.
struct PoolUse(Arc<dyn Store>);

impl fmt::Debug for PoolUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PoolUse")
    }
}

impl Collector for PoolUse {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), fmt::Error> {
        let pool = self.0.pool_status();
        let gauge = |n: usize| ConstGauge::new(i64::try_from(n).unwrap_or(i64::MAX));
        let mut values = vec![
            ("db_pool_connections", "Database connections open in the read pool", pool.size),
            ("db_pool_in_use", "Database connections of the read pool answering a call", pool.in_use),
        ];
        if let Some(max) = pool.max {
            values.push(("db_pool_max", "Most connections the read pool opens", max));
        }
        for (name, help, value) in values {
            let g = gauge(value);
            g.encode(encoder.encode_descriptor(name, help, None, g.metric_type())?)?;
        }
        Ok(())
    }
}

//! What the server tells its operators: `/healthz` (the process answers), `/readyz` (it
//! can serve: the database answers and the search index has caught up with it) and
//! `/metrics` (Prometheus), and the middleware that counts every request for the latter.
//! None of these is cached, themed or logged per request: probes come every few seconds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::metrics::UNMATCHED_ROUTE;
use crate::publishing::search_index::IndexStatus;
use crate::web::error::AppError;

/// How long readiness waits for the database before calling it unreachable.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// `Content-Type` of the metrics: the OpenMetrics text that `prometheus-client` writes
/// and Prometheus asks for first.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `GET /healthz`: the process is up and answering.
pub async fn show_health() -> Response {
    plain(StatusCode::OK, "ok\n".to_owned())
}

/// `GET /readyz`: 200 when the database answers within [`DATABASE_TIMEOUT`] and the
/// search index has caught up with it; otherwise 503 with the reason.
pub async fn show_readiness(State(app): State<Arc<App>>) -> Response {
    let version = match tokio::time::timeout(DATABASE_TIMEOUT, app.store.content_version()).await {
        Ok(Ok(version)) => version,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "readiness: the database does not answer");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "not ready: the database does not answer\n".to_owned());
        }
        Err(_) => {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: the database did not answer within {} s\n", DATABASE_TIMEOUT.as_secs()),
            );
        }
    };
    match app.index_progress.status(version) {
        IndexStatus::CaughtUp => plain(StatusCode::OK, "ready\n".to_owned()),
        IndexStatus::Behind { versions, articles } => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "not ready: the search index is catching up with the database \
                 ({versions} versions behind, {articles} articles to index)\n"
            ),
        ),
        IndexStatus::NotKept => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: another process writes this data directory's search index\n".to_owned(),
        ),
    }
}

/// `GET /metrics`: every metric in the text exposition format, unless `[operations]
/// metrics` is off.
pub async fn show_metrics(State(app): State<Arc<App>>) -> Response {
    if !app.settings.operations.metrics {
        return AppError::NotFound.into_response();
    }
    // When the database does not answer, the lag keeps its last value; the request
    // counts and /readyz tell that story.
    if let Ok(Ok(version)) = tokio::time::timeout(DATABASE_TIMEOUT, app.store.content_version()).await {
        match app.index_progress.status(version) {
            IndexStatus::CaughtUp => app.metrics.record_index_lag(true, 0, 0),
            IndexStatus::Behind { versions, articles } => app.metrics.record_index_lag(false, versions, articles),
            IndexStatus::NotKept => app.metrics.record_index_lag(false, 0, 0),
        }
    }
    match app.metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, OPENMETRICS), (header::CACHE_CONTROL, "no-store")], text).into_response(),
        Err(e) => AppError::Internal(anyhow::anyhow!("cannot encode the metrics: {e}")).into_response(),
    }
}

/// Counts every request by the route it matched and its status class, with its time.
pub async fn count_requests(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| route_label(m.as_str()));
    let started = Instant::now();
    let response = next.run(request).await;
    app.metrics.record_request(route.as_deref().unwrap_or(UNMATCHED_ROUTE), response.status(), started.elapsed());
    response
}

/// A matched route as a label: the pattern, with the tail of a nested service
/// (`/media/{*…}`) named plainly.
fn route_label(pattern: &str) -> String {
    match pattern.find("{*") {
        Some(at) => format!("{}{{*path}}", &pattern[..at]),
        None => pattern.to_owned(),
    }
}

fn plain(status: StatusCode, text: String) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_service_tail_becomes_one_label() {
        assert_eq!(route_label("/media/{*__private__axum_nest_tail_param}"), "/media/{*path}");
        assert_eq!(route_label("/tag/{slug}/"), "/tag/{slug}/");
    }
}

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
use crate::web::site::media::MEDIA_PATH;

/// Route label of every media file.
const MEDIA_ROUTE: &str = "/media/{*path}";
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
    let route = route_label(request.extensions().get::<MatchedPath>(), request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    app.metrics.record_request(&route, response.status(), started.elapsed());
    response
}

/// A request's route as a label: the pattern it matched; for media files, served by a
/// nested service that records no pattern, one label for them all.
fn route_label(matched: Option<&MatchedPath>, path: &str) -> String {
    match matched {
        Some(matched) => matched.as_str().to_owned(),
        None if path.strip_prefix(MEDIA_PATH).is_some_and(|rest| rest.starts_with('/')) => MEDIA_ROUTE.to_owned(),
        None => UNMATCHED_ROUTE.to_owned(),
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
    fn media_files_share_one_label_and_other_unmatched_paths_another() {
        assert_eq!(route_label(None, "/media/uploads/2025/12/a.jpg"), "/media/{*path}");
        assert_eq!(route_label(None, "/mediazzz/"), UNMATCHED_ROUTE);
        assert_eq!(route_label(None, "/no/such/page"), UNMATCHED_ROUTE);
    }
}

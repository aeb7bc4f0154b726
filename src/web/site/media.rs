//! `/media/…`: files in the data directory's `media/` (images and attachments brought
//! over from WordPress), served by tower-http's `ServeDir`, which streams them, answers
//! range requests (seeking in a video) and conditional ones, and refuses any path that
//! would leave the directory.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::map_response;
use axum::response::Response;
use tower_http::services::ServeDir;

/// Address prefix of media files.
pub const MEDIA_PATH: &str = "/media";

/// The routes of `/media/…` over the directory `dir`.
pub fn media_routes<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    Router::new().nest_service(MEDIA_PATH, ServeDir::new(dir)).layer(map_response(media_headers))
}

/// Uploads change rarely and are public; whatever a file holds, a browser shows it as
/// its type says, in a sandbox, so an uploaded SVG or HTML file cannot run script as
/// the site.
async fn media_headers(mut response: Response) -> Response {
    let status = response.status();
    let headers = response.headers_mut();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"),
    );
    response
}

//! `robots.txt`: everything readers see may be crawled; search results (endless
//! combinations of one archive), the APIs and the newsroom may not; and where the
//! sitemaps are.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::sitemaps::NEWS_PATH;
use crate::app::App;
use crate::render::seo::absolute;

/// `Content-Type` of robots.txt.
pub const TEXT_TYPE: &str = "text/plain; charset=utf-8";

/// Paths crawlers are asked to leave alone.
const DISALLOWED: &[&str] = &["/search", "/api/", "/ghost/", "/admin/"];

/// `GET /robots.txt`.
pub async fn show_robots(State(app): State<Arc<App>>) -> Response {
    let mut body = String::from("User-agent: *\n");
    for path in DISALLOWED {
        body.push_str("Disallow: ");
        body.push_str(path);
        body.push('\n');
    }
    body.push('\n');
    for sitemap in ["/sitemap.xml", NEWS_PATH] {
        body.push_str("Sitemap: ");
        body.push_str(&absolute(&app.settings, sitemap));
        body.push('\n');
    }
    ([(header::CONTENT_TYPE, HeaderValue::from_static(TEXT_TYPE))], body).into_response()
}

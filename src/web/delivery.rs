//! How pages, feeds and sitemaps leave the server: from the page cache when fresh, with a strong ETag and
//! Last-Modified, `304 Not Modified` for a matching conditional request, and brotli or
//! gzip when the client accepts them. With the cache disabled every page is rendered
//! afresh but delivered the same way. Answers made afresh for every request (search)
//! are compressed the same way on their way out.

use std::io::Write;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::app::App;
use crate::cache::{CachedPage, Lookup};

/// Largest body buffered for caching: the sitemap protocol's limit for one file, which a
/// file of 50,000 article addresses stays well under.
const MAX_PAGE_BYTES: usize = 50 * 1024 * 1024;

/// Content types of the answers kept in the cache: pages, feeds, sitemaps and robots.txt.
/// A handler names one of these exactly; anything else passes through uncached.
pub const CACHEABLE: &[&str] = &[
    "text/html; charset=utf-8",
    "application/rss+xml; charset=utf-8",
    "application/atom+xml; charset=utf-8",
    "application/xml; charset=utf-8",
    "text/plain; charset=utf-8",
];

/// Serves site pages, feeds and sitemaps through the page cache.
pub async fn deliver_pages(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let conditions = Conditions::of(request.headers());
    let key = request.uri().path().to_owned();
    let claim = match app.pages.lookup(&key) {
        Lookup::Fresh(page) | Lookup::Stale(page) => return respond(&app, &page, &conditions),
        Lookup::Render(claim) => claim,
    };
    let generation = app.pages.generation();
    let response = next.run(request).await;
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| CACHEABLE.iter().find(|known| known.as_bytes() == v.as_bytes()));
    let Some(&content_type) = content_type.filter(|_| response.status() == StatusCode::OK) else {
        return response;
    };
    let body = match to_bytes(response.into_body(), MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "cannot buffer a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = Arc::new(CachedPage::new(body, content_type, generation, app.now()));
    app.pages.store(key, Arc::clone(&page));
    drop(claim);
    respond(&app, &page, &conditions)
}

/// Smallest answer worth compressing: below it the encoding's own overhead eats the gain.
const MIN_COMPRESSED_BYTES: usize = 512;

/// Compresses answers made afresh for each request, which the page cache does not hold
/// (search results, on the site and in the API), with brotli or gzip as the client
/// accepts, like cached pages. Unsuccessful and small answers go as they are.
pub async fn compress_fresh(request: Request, next: Next) -> Response {
    let encoding = Conditions::of(request.headers()).encoding();
    let mut response = next.run(request).await;
    response.headers_mut().append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let (name, compress): (&'static str, fn(&[u8]) -> Bytes) = match encoding {
        Encoding::Identity => return response,
        Encoding::Brotli => ("br", brotli_bytes),
        Encoding::Gzip => ("gzip", gzip_bytes),
    };
    if !response.status().is_success() || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "cannot buffer an answer to compress");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if body.len() < MIN_COMPRESSED_BYTES {
        return Response::from_parts(parts, Body::from(body));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    Response::from_parts(parts, Body::from(compress(&body)))
}

/// The request headers that decide the shape of the answer.
struct Conditions {
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
    accept_encoding: Option<HeaderValue>,
}

impl Conditions {
    fn of(headers: &HeaderMap) -> Self {
        Self {
            if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
            if_modified_since: headers.get(header::IF_MODIFIED_SINCE).cloned(),
            accept_encoding: headers.get(header::ACCEPT_ENCODING).cloned(),
        }
    }

    /// Whether the client's copy is current (RFC 9110 §13.1: If-None-Match wins).
    fn not_modified(&self, page: &CachedPage) -> bool {
        if let Some(tags) = &self.if_none_match {
            let Ok(tags) = tags.to_str() else { return false };
            return tags.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == page.etag);
        }
        let Some(since) = self.if_modified_since.as_ref().and_then(|v| v.to_str().ok()) else { return false };
        match jiff::fmt::rfc2822::parse(since) {
            Ok(since) => page.rendered_at.as_second() <= since.timestamp().as_second(),
            Err(_) => false,
        }
    }

    fn encoding(&self) -> Encoding {
        let Some(accepted) = self.accept_encoding.as_ref().and_then(|v| v.to_str().ok()) else {
            return Encoding::Identity;
        };
        let accepts = |name: &str| {
            accepted.split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let coding = parts.next().unwrap_or("");
                coding.eq_ignore_ascii_case(name) && !parts.any(is_zero_quality)
            })
        };
        if accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// Whether a parameter is `q=0` (also `q=0.0`, `q=0.000`): "not acceptable" (RFC 9110 §12.4.2).
fn is_zero_quality(parameter: &str) -> bool {
    let Some((name, value)) = parameter.split_once('=') else { return false };
    name.trim().eq_ignore_ascii_case("q") && value.trim().parse::<f32>().is_ok_and(|q| q == 0.0)
}

#[derive(Clone, Copy)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

fn respond(app: &App, page: &CachedPage, conditions: &Conditions) -> Response {
    let mut headers = HeaderMap::with_capacity(8);
    let cache_control = format!("public, max-age={}", app.settings.cache.max_age);
    headers.insert(header::CACHE_CONTROL, header_value(&cache_control));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::ETAG, header_value(&page.etag));
    headers.insert(header::LAST_MODIFIED, header_value(&page.last_modified));
    if conditions.not_modified(page) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(page.content_type));
    let body = match conditions.encoding() {
        Encoding::Identity => page.body.clone(),
        Encoding::Brotli => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            compressed(app, &page.brotli, || brotli_bytes(&page.body))
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            compressed(app, &page.gzip, || gzip_bytes(&page.body))
        }
    };
    (headers, Body::from(body)).into_response()
}

fn compressed(app: &App, slot: &std::sync::OnceLock<Bytes>, compress: impl FnOnce() -> Bytes) -> Bytes {
    if let Some(done) = slot.get() {
        return done.clone();
    }
    let fresh = compress();
    if slot.set(fresh.clone()).is_ok() {
        app.pages.grew(fresh.len());
    }
    fresh
}

fn brotli_bytes(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        // Writing to a Vec cannot fail.
        let _ = writer.write_all(body);
    }
    Bytes::from(out)
}

fn gzip_bytes(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::new(6));
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

//! Error pages: every 4xx and 5xx answer of the site is shown in the theme, and an
//! address that merely lacks its trailing slash is redirected to the one that has it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::{render_page, title};
use crate::app::App;
use crate::render::views::{ErrorView, Meta};
use crate::web::error::{AppError, ErrorPage};

/// Longest path worth answering with anything but a 404.
const MAX_PATH: usize = 2048;

/// Renders the theme's error page for any error response.
pub async fn themed_errors(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || !is_themable(&response) {
        return response;
    }
    let page = response.extensions().get::<ErrorPage>().cloned().unwrap_or_else(|| ErrorPage::for_status(status));
    let view = ErrorView { status: status.as_u16(), title: page.title.to_owned(), message: page.message };
    let meta = Meta { title: title(&app, page.title), canonical: "/".to_owned(), ..Meta::default() };
    let specific = format!("error-{}.html", status.as_u16());
    let (mut parts, _) = response.into_parts();
    match render_page(&app, &[&specific, "error.html"], meta, view).await {
        Ok(rendered) => {
            let (rendered_parts, body) = rendered.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            if let Some(content_type) = rendered_parts.headers.get(header::CONTENT_TYPE) {
                parts.headers.insert(header::CONTENT_TYPE, content_type.clone());
            }
            parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            Response::from_parts(parts, body)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot render the error page");
            (status, page.title).into_response()
        }
    }
}

/// Our own errors and the framework's plain-text rejections get the theme; an answer
/// that already has a body of another kind (the JSON errors of the API) keeps it.
fn is_themable(response: &Response) -> bool {
    response.extensions().get::<ErrorPage>().is_some()
        || response.headers().get(header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"))
}

/// Any address no route matched.
pub async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    let clean = path.len() < MAX_PATH
        && !path.ends_with('/')
        && path.split('/').skip(1).all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if clean {
        let target = match uri.query() {
            Some(q) => format!("{path}/?{q}"),
            None => format!("{path}/"),
        };
        return Redirect::permanent(&target).into_response();
    }
    AppError::NotFound.into_response()
}

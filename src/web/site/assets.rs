//! The theme's static files.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::web::error::AppError;
use crate::web::extract::Segments;

/// `GET /assets/{file}`: fingerprinted names are cached for a year, plain ones briefly.
pub async fn serve_asset(State(app): State<Arc<App>>, Segments(file): Segments<String>) -> Result<Response, AppError> {
    let (asset, fingerprinted) = app.assets.find(&file).ok_or(AppError::NotFound)?;
    let cache_control = if fingerprinted { "public, max-age=31536000, immutable" } else { "public, max-age=3600" };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache_control)),
        ],
        asset.bytes.clone(),
    )
        .into_response())
}

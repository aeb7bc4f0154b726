//! The read-only JSON Content API under `/api/v1/`. Errors are JSON too
//! (`{"error":{"status":404,"message":"…"}}`), never the site's HTML error page.

pub mod access;
pub mod articles;
pub mod openapi;
pub mod rates;
pub mod search;
pub mod taxonomy;

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::web::error::{failure_status, retry_later};

use crate::store::StoreError;

/// `max-age` of API answers: rates change a few times a day.
const MAX_AGE: &str = "public, max-age=60";

/// A request the API could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Nothing at this address.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The request lacks a valid Content API key.
    #[error("{0}")]
    Unauthorized(String),
    /// Something failed inside; logged with its cause, answered with a plain message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    status: u16,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            Self::NotFound(message) => (StatusCode::NOT_FOUND, message.as_str()),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, message.as_str()),
            Self::Unauthorized(message) => (StatusCode::UNAUTHORIZED, message.as_str()),
            Self::Internal(cause) => {
                (failure_status(cause, "API request failed"), "The request could not be answered just now.")
            }
        };
        let mut response = json(&ErrorBody { error: ErrorDetail { status: status.as_u16(), message } });
        *response.status_mut() = status;
        retry_later(&mut response);
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}

/// A 200 answer with `value` as JSON.
pub fn json(value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
                (header::CACHE_CONTROL, HeaderValue::from_static(MAX_AGE)),
            ],
            body,
        )
            .into_response(),
        Err(e) => ApiError::Internal(e.into()).into_response(),
    }
}

/// Any API address no route matched.
pub async fn api_not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("There is no API endpoint at {}.", uri.path()))
}

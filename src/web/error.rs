//! Outcomes a reader can act on, and the internal failures they must never see.
//! Every error leaves the handler as a bare status with an [`ErrorPage`] marker;
//! `themed_errors` then renders the theme's error page around it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::render::RenderError;
use crate::store::StoreError;

/// A request that could not be answered with a page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page.
    #[error("not found")]
    NotFound,
    /// The request itself is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Something failed inside; logged with its cause, shown as a plain 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<RenderError> for AppError {
    fn from(e: RenderError) -> Self {
        Self::Internal(e.into())
    }
}

/// What the error page should say; carried as a response extension.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    /// Short title.
    pub title: &'static str,
    /// Explanation for the reader.
    pub message: String,
}

impl ErrorPage {
    /// The default wording for a status.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self {
                title: "Page not found",
                message: "There is no page at this address. It may have moved, or the link may be mistyped.".into(),
            },
            StatusCode::METHOD_NOT_ALLOWED => {
                Self { title: "Not allowed", message: "This address does not accept that kind of request.".into() }
            }
            s if s.is_client_error() => {
                Self { title: "Bad request", message: "The address or the form could not be understood.".into() }
            }
            _ => Self {
                title: "Something went wrong",
                message: "The page could not be shown just now. Please try again in a moment.".into(),
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorPage::for_status(StatusCode::NOT_FOUND)),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, ErrorPage { title: "Bad request", message }),
            Self::Internal(cause) => {
                let status = failure_status(&cause, "request failed");
                (status, ErrorPage::for_status(status))
            }
        };
        let mut response = status.into_response();
        retry_later(&mut response);
        response.extensions_mut().insert(page);
        response
    }
}

/// Seconds a client is asked to wait after a 503.
pub const RETRY_AFTER_SECONDS: u32 = 2;

/// The status for an internal failure, logged: 503 when it passes by itself (every
/// database connection busy, the database restarting), else 500.
pub fn failure_status(cause: &anyhow::Error, what: &str) -> StatusCode {
    let temporary = cause.chain().any(|e| e.downcast_ref::<StoreError>().is_some_and(StoreError::is_temporary));
    if temporary {
        tracing::warn!(error = format!("{cause:#}"), "{what}: the database is busy or unreachable");
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        tracing::error!(error = format!("{cause:#}"), "{what}");
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// Adds `Retry-After` to a 503, so clients and load balancers come back shortly.
pub fn retry_later(response: &mut Response) {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECONDS.into());
    }
}

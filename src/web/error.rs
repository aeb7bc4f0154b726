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
                tracing::error!(error = format!("{cause:#}"), "request failed");
                let status = StatusCode::INTERNAL_SERVER_ERROR;
                (status, ErrorPage::for_status(status))
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

//! What the newsroom answers when a request cannot go on: each outcome a status and a
//! message, rendered in the newsroom's own layout by [`super::screen::admin_problems`].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::publishing::editorial::EditorialError;
use crate::render::RenderError;
use crate::store::StoreError;

/// A newsroom request that failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Nobody is signed in.
    #[error("sign in to continue")]
    SignInRequired,
    /// The signed-in role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A form came without the secret this site gave it, or from another site.
    #[error("the form has expired or did not come from this site; reload the page and try again")]
    BadToken,
    /// Too many failed sign-ins.
    #[error("too many failed sign-ins; try again in {minutes} minutes")]
    Throttled {
        /// How long until the next try is allowed, in minutes.
        minutes: u64,
    },
    /// No such thing.
    #[error("there is nothing at this address")]
    NotFound,
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// Something failed inside; logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<RenderError> for AdminError {
    fn from(e: RenderError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<EditorialError> for AdminError {
    fn from(e: EditorialError) -> Self {
        match e {
            EditorialError::Forbidden(message) => Self::Forbidden(message.to_owned()),
            EditorialError::Missing => Self::NotFound,
            EditorialError::Store(e) => e.into(),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

/// The failure a response carries, for the newsroom layout to show.
#[derive(Debug, Clone)]
pub struct AdminProblem {
    /// Heading.
    pub heading: &'static str,
    /// What happened and what to do.
    pub message: String,
    /// Whether the sign-in form is shown instead of a message.
    pub sign_in: bool,
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        let (status, heading, sign_in) = match &self {
            Self::SignInRequired => (StatusCode::FORBIDDEN, "Sign in", true),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "Not allowed", false),
            Self::BadToken => (StatusCode::FORBIDDEN, "Form expired", false),
            Self::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many tries", false),
            Self::NotFound => (StatusCode::NOT_FOUND, "Not found", false),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "Cannot do that", false),
            Self::Internal(cause) => {
                (crate::web::error::failure_status(cause, "newsroom request failed"), "Something went wrong", false)
            }
        };
        let message = if status.is_server_error() { "Please try again in a moment.".to_owned() } else { message };
        let mut response = status.into_response();
        crate::web::error::retry_later(&mut response);
        if let Self::Throttled { minutes } = self
            && let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(AdminProblem { heading, message: super::capitalised(&message), sign_in });
        response
    }
}

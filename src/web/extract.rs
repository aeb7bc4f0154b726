//! Path parameters parsed into domain types before a handler runs: a malformed
//! parameter is a 400 or 404 page, never a query.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::AppError;
use crate::domain::paging::PageNumber;
use crate::domain::slug::Slug;

/// Raw path segments; undecodable percent-encoding is a 400.
pub struct Segments<T>(pub T);

impl<S, T> FromRequestParts<S> for Segments<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| Segments(t))
            .map_err(|e| AppError::BadRequest(format!("The address could not be read: {}", e.body_text())))
    }
}

/// A slug segment; anything that is not a slug cannot name a page.
pub fn slug(segment: &str) -> Result<Slug, AppError> {
    Slug::parse(segment).map_err(|_| AppError::NotFound)
}

/// A page-number segment; `0`, `-1`, `abc` and the like name no page.
pub fn page_number(segment: &str) -> Result<PageNumber, AppError> {
    PageNumber::parse(segment).ok_or(AppError::NotFound)
}

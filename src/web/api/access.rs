//! Who may read the Content API: keys made with `qalam api-key add` (required or not by
//! `api.require_key`; a wrong key is always refused), and which web pages may read it from
//! a browser (CORS, `api.cors_origins`).

use std::fmt;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use super::ApiError;
use super::openapi::OPENAPI_PATH;
use crate::app::App;
use crate::config::ApiSettings;
use crate::store::StoreError;

/// Random bytes in a key: 104 bits, written as the 26 hexadecimal digits that Ghost's
/// Content API clients require of a key.
const KEY_BYTES: usize = 13;

/// A Content API key. Shown once when made; only its digest is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// A new random key.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// Reads a key as a client sends it: 26 lowercase hexadecimal digits.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = text.len() == KEY_BYTES * 2 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| Self(text.to_owned()))
    }

    /// The key, to show its owner once.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// SHA-256 of the key, in hexadecimal: what the store keeps. A fast digest suffices
    /// for 104 random bits, where a password would need a slow one.
    pub fn digest(&self) -> String {
        Sha256::digest(self.0.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Never printed, so that no log shows a key.
impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(…)")
    }
}

/// Why a request may not read the API.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// No key, and the settings require one.
    #[error("This API needs a key: add ?key=… to the address (keys are made with `qalam api-key add NAME`).")]
    Missing,
    /// A key that no `qalam api-key add` made.
    #[error("The key is not valid.")]
    Unknown,
    /// The store could not be asked.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The key a request carries: `?key=…`, or `Authorization: Bearer …`.
pub fn presented_key<'a>(query: Option<&'a str>, headers: &'a HeaderMap) -> Option<&'a str> {
    let from_query = query.and_then(|q| {
        q.split('&').filter_map(|pair| pair.split_once('=')).find(|(name, _)| *name == "key").map(|(_, value)| value)
    });
    from_query.or_else(|| {
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    })
}

/// Whether a request carrying `presented` may read the API.
pub async fn check_key(app: &App, presented: Option<&str>) -> Result<(), Refusal> {
    match presented.filter(|k| !k.is_empty()) {
        None if app.settings.api.require_key => Err(Refusal::Missing),
        None => Ok(()),
        Some(text) => {
            let key = ApiKey::parse(text).ok_or(Refusal::Unknown)?;
            if app.store.api_key_known(&key.digest()).await? { Ok(()) } else { Err(Refusal::Unknown) }
        }
    }
}

/// Lets through requests that may read `/api/v1/` (the OpenAPI document is public) and
/// answers the others with a JSON 401.
pub async fn guard_api(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if request.uri().path().ends_with(OPENAPI_PATH) {
        return next.run(request).await;
    }
    match check_key(&app, presented_key(request.uri().query(), request.headers())).await {
        Ok(()) => next.run(request).await,
        Err(Refusal::Store(e)) => ApiError::from(e).into_response(),
        Err(refusal) => ApiError::Unauthorized(refusal.to_string()).into_response(),
    }
}

/// CORS for the APIs: answers preflight requests and names the allowed origin.
pub fn cors(settings: &ApiSettings) -> CorsLayer {
    let origins = if settings.cors_origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(settings.cors_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers(AllowHeaders::any())
        .max_age(std::time::Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_26_hex_digits_and_never_printed() {
        let key = ApiKey::generate().expect("random bytes");
        assert_eq!(key.reveal().len(), 26);
        assert_eq!(ApiKey::parse(key.reveal()), Some(key.clone()));
        assert_ne!(ApiKey::generate().expect("random bytes"), key);
        assert!(!format!("{key:?}").contains(key.reveal()));
        assert_eq!(key.digest().len(), 64);
        for bad in ["", "xyz", "0123456789abcdef0123456789a", "0123456789ABCDEF0123456789"] {
            assert!(ApiKey::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_key_comes_from_the_query_or_a_bearer_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented_key(Some("page=2&key=abc"), &headers), Some("abc"));
        assert_eq!(presented_key(Some("page=2"), &headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer def"));
        assert_eq!(presented_key(None, &headers), Some("def"));
    }
}

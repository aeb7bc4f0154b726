//! Who is signed in, and forms that prove they came from this site.
//!
//! A session is a random secret in an HttpOnly, SameSite cookie scoped to `/admin`;
//! the store keeps only its digest. Every state-changing form carries a CSRF secret:
//! the session's own once signed in, before that one kept in a second cookie (double
//! submit). A form whose `Origin` names another site is refused whatever it carries.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use bytes::Bytes;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::AdminError;
use crate::app::App;
use crate::auth::secret;
use crate::domain::account::User;

/// Cookie that carries the session secret.
pub const SESSION_COOKIE: &str = "qalam_session";
/// Cookie that carries the CSRF secret of forms shown before signing in.
pub const CSRF_COOKIE: &str = "qalam_csrf";
/// Path both cookies are sent to.
const COOKIE_PATH: &str = "/admin";

/// The signed-in account of a request.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The secret this session's forms carry.
    pub csrf: String,
    /// Digest of the cookie, to end the session with.
    pub token_hash: String,
}

impl FromRequestParts<Arc<App>> for Session {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        current_session(&parts.headers, app).await?.ok_or(AdminError::SignInRequired)
    }
}

/// The session named by the request's cookie, if it is live.
pub async fn current_session(headers: &HeaderMap, app: &App) -> Result<Option<Session>, AdminError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| secret::well_formed(t)) else {
        return Ok(None);
    };
    let token_hash = secret::digest(token);
    let found = app.store.session(&token_hash, app.now()).await?;
    Ok(found.map(|s| Session { user: s.user, csrf: s.csrf_token, token_hash }))
}

/// A value of the `Cookie` request header.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value for one of the newsroom's cookies; `None` clears it.
pub fn set_cookie(app: &App, name: &str, value: Option<&str>, max_age: SignedDuration) -> HeaderValue {
    let secure = if app.settings.admin.secure_cookies { "; Secure" } else { "" };
    let text = match value {
        Some(value) => {
            format!("{name}={value}; Path={COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age={}{secure}", max_age.as_secs())
        }
        None => format!("{name}=; Path={COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("qalam_invalid=; Max-Age=0"))
}

/// Starts a session for `user`: the `Set-Cookie` value to send.
pub async fn start_session(app: &App, user: &User) -> Result<HeaderValue, AdminError> {
    let token = secret::generate().map_err(|e| AdminError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let csrf = secret::generate().map_err(|e| AdminError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let lifetime = SignedDuration::from_hours(24 * i64::from(app.settings.admin.session_days.max(1)));
    let now = app.now();
    let expires = now.checked_add(lifetime).map_err(|e| AdminError::Internal(e.into()))?;
    app.store.add_session(&secret::digest(&token), user.id, &csrf, now, expires).await?;
    Ok(set_cookie(app, SESSION_COOKIE, Some(&token), lifetime))
}

/// The address a request came from: a trusted proxy's header when configured,
/// otherwise the connection's.
pub fn client_ip(parts: &Parts, app: &App) -> Option<IpAddr> {
    if let Some(name) = &app.settings.admin.client_ip_header {
        let forwarded = parts.headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|v| v.split(',').next()).and_then(|v| v.trim().parse().ok()) {
            return Some(ip);
        }
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

/// Whether a state-changing request's `Origin`, when the browser sent one, is this site.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// Reads a URL-encoded form and the CSRF secret it carries.
async fn read_form<T: DeserializeOwned>(request: Request, app: &Arc<App>) -> Result<(T, String), AdminError> {
    if !same_origin(request.headers()) {
        return Err(AdminError::BadToken);
    }
    let bytes = Bytes::from_request(request, app)
        .await
        .map_err(|e| AdminError::BadRequest(format!("the form could not be read: {}", e.body_text())))?;
    let token = serde_urlencoded::from_bytes::<CsrfField>(&bytes).map(|f| f.csrf).unwrap_or_default();
    let form = serde_urlencoded::from_bytes::<T>(&bytes)
        .map_err(|e| AdminError::BadRequest(format!("the form could not be read: {e}")))?;
    Ok((form, token))
}

/// A form posted by a signed-in account, carrying its session's CSRF secret.
pub struct SignedForm<T>(pub Session, pub T);

impl<T: DeserializeOwned + Send> FromRequest<Arc<App>> for SignedForm<T> {
    type Rejection = AdminError;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let session = current_session(request.headers(), app).await?.ok_or(AdminError::SignInRequired)?;
        let (form, token) = read_form(request, app).await?;
        if !secret::same(&token, &session.csrf) {
            return Err(AdminError::BadToken);
        }
        Ok(Self(session, form))
    }
}

/// A form posted before signing in (setup, sign-in, a reset link), carrying the secret
/// of the CSRF cookie, and the address it came from.
pub struct AnonymousForm<T>(pub Option<IpAddr>, pub T);

impl<T: DeserializeOwned + Send> FromRequest<Arc<App>> for AnonymousForm<T> {
    type Rejection = AdminError;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let ip = client_ip(&parts, app);
        let request = Request::from_parts(parts, body);
        let expected = cookie(request.headers(), CSRF_COOKIE).filter(|t| secret::well_formed(t)).map(str::to_owned);
        let (form, token) = read_form(request, app).await?;
        match expected {
            Some(expected) if secret::same(&token, &expected) => Ok(Self(ip, form)),
            _ => Err(AdminError::BadToken),
        }
    }
}

/// The CSRF secret for a form shown before signing in: the one in the request's cookie,
/// or a new one with the `Set-Cookie` value that hands it out.
pub fn anonymous_csrf(headers: &HeaderMap, app: &App) -> Result<(String, Option<HeaderValue>), AdminError> {
    if let Some(token) = cookie(headers, CSRF_COOKIE).filter(|t| secret::well_formed(t)) {
        return Ok((token.to_owned(), None));
    }
    let token = secret::generate().map_err(|e| AdminError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let cookie = set_cookie(app, CSRF_COOKIE, Some(&token), SignedDuration::from_hours(24));
    Ok((token, Some(cookie)))
}

/// The instant a throttle window that ends now began.
pub fn window_start(now: Timestamp) -> Timestamp {
    now.checked_sub(crate::auth::throttle::WINDOW).unwrap_or(now)
}

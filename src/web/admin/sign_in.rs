//! Getting in and out: the one-time setup of the owner, signing in (throttled per
//! account and per address), signing out, and the one-time links that set a password.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::screen::Screen;
use super::session::{
    AnonymousForm, SESSION_COOKIE, Session, SignedForm, anonymous_csrf, current_session, set_cookie, start_session,
    window_start,
};
use crate::app::App;
use crate::auth::password::{decoy_hash, hash_password, verify_password};
use crate::auth::secret;
use crate::auth::throttle::{PER_ACCOUNT, PER_ADDRESS, WINDOW, account_key, address_key};
use crate::domain::account::{Email, Password, Role, User};
use crate::store::newsroom::{NewUser, UserAdded};

/// `GET /admin/`: the setup page for a new newsroom, the article list otherwise.
pub async fn show_dashboard(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, AdminError> {
    if app.store.user_count().await? == 0 {
        return Ok(Redirect::to("/admin/setup").into_response());
    }
    current_session(&headers, &app).await?.ok_or(AdminError::SignInRequired)?;
    Ok(Redirect::to("/admin/articles").into_response())
}

#[derive(Serialize, Default)]
struct SetupPage {
    name: String,
    email: String,
}

/// `GET /admin/setup`: shown only while the newsroom has no accounts.
pub async fn show_setup(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, AdminError> {
    if app.store.user_count().await? > 0 {
        return Err(AdminError::NotFound);
    }
    let (csrf, cookie) = anonymous_csrf(&headers, &app)?;
    let html = Screen::anonymous("Set up", &csrf).render(&app, "setup.html", SetupPage::default())?;
    Ok(with_cookie(html.into_response(), cookie))
}

/// The setup form.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/setup`: creates the owner and signs them in.
pub async fn create_owner(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    AnonymousForm(_, form): AnonymousForm<SetupForm>,
) -> Result<Response, AdminError> {
    if app.store.user_count().await? > 0 {
        return Err(AdminError::NotFound);
    }
    let problem = match new_account(&form.name, &form.email, &form.password) {
        Ok((name, email, password)) => {
            let password_hash = hash(password).await?;
            let user = NewUser { email: email.clone(), name, role: Role::Owner, password_hash };
            match app.store.add_user(user, app.now()).await? {
                UserAdded::Added(id) => {
                    let user = app.store.user(id).await?.ok_or(AdminError::NotFound)?;
                    let cookie = start_session(&app, &user).await?;
                    tracing::info!(user = id, "the newsroom's owner account was created");
                    return Ok(with_cookie(Redirect::to("/admin/articles").into_response(), Some(cookie)));
                }
                UserAdded::EmailTaken | UserAdded::OwnerExists => return Err(AdminError::NotFound),
            }
        }
        Err(problem) => problem,
    };
    let (csrf, cookie) = anonymous_csrf(&headers, &app)?;
    let page = SetupPage { name: form.name, email: form.email };
    let html = Screen::anonymous("Set up", &csrf).problem(Some(&problem)).render(&app, "setup.html", page)?;
    Ok(with_cookie((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response(), cookie))
}

/// Checks the name and address of a new account.
pub fn new_account_fields(name: &str, email: &str) -> Result<(String, Email), String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("Give a name of 1 to 200 characters.".into());
    }
    let email = Email::parse(email).ok_or("That email address does not look right.")?;
    Ok((name.to_owned(), email))
}

/// Checks the fields of a new account: name, address and password.
fn new_account(name: &str, email: &str, password: &str) -> Result<(String, Email, Password), String> {
    let (name, email) = new_account_fields(name, email)?;
    let password = Password::new(password).map_err(|e| format!("Choose another password: {e}."))?;
    Ok((name, email, password))
}

/// Hashes a password off the async runtime (Argon2 is deliberately slow).
pub async fn hash(password: Password) -> Result<String, AdminError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AdminError::Internal(e.into()))?
        .map_err(|e| AdminError::Internal(e.into()))
}

/// Checks a password against a stored hash off the async runtime.
pub async fn verify(password: Password, hash: String) -> Result<bool, AdminError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AdminError::Internal(e.into()))
}

#[derive(Serialize)]
struct SignInPage {
    email: String,
    next: String,
}

/// `GET /admin/sign-in`.
pub async fn show_sign_in(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, AdminError> {
    if current_session(&headers, &app).await?.is_some() {
        return Ok(Redirect::to("/admin/articles").into_response());
    }
    let (csrf, cookie) = anonymous_csrf(&headers, &app)?;
    let page = SignInPage { email: String::new(), next: String::new() };
    let html = Screen::anonymous("Sign in", &csrf).render(&app, "sign_in.html", page)?;
    Ok(with_cookie(html.into_response(), cookie))
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /admin/sign-in`.
pub async fn sign_in(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    AnonymousForm(ip, form): AnonymousForm<SignInForm>,
) -> Result<Response, AdminError> {
    let now = app.now();
    let since = window_start(now);
    let email = Email::parse(&form.email);
    let mut keys = Vec::new();
    if let Some(email) = &email {
        keys.push((account_key(email.as_str()), PER_ACCOUNT));
    }
    if let Some(ip) = ip {
        keys.push((address_key(ip), PER_ADDRESS));
    }
    for (key, limit) in &keys {
        if app.store.login_failures(key, since).await? >= *limit {
            tracing::warn!(key = key.split(':').next().unwrap_or_default(), "sign-in throttled");
            return Err(AdminError::Throttled { minutes: u64::try_from(WINDOW.as_mins()).unwrap_or(15) });
        }
    }
    let user = match (&email, Password::given(&form.password)) {
        (Some(email), Ok(password)) => check_password(&app, email, password).await?,
        _ => None,
    };
    let Some(user) = user else {
        let keys: Vec<String> = keys.into_iter().map(|(k, _)| k).collect();
        app.store.add_login_failure(&keys, now, since).await?;
        let (csrf, cookie) = anonymous_csrf(&headers, &app)?;
        let page = SignInPage { email: form.email, next: form.next };
        let html = Screen::anonymous("Sign in", &csrf).problem(Some("Wrong email or password.")).render(
            &app,
            "sign_in.html",
            page,
        )?;
        return Ok(with_cookie((axum::http::StatusCode::UNAUTHORIZED, html).into_response(), cookie));
    };
    app.store.clear_login_failures(&account_key(user.email.as_str())).await?;
    let cookie = start_session(&app, &user).await?;
    let next = safe_next(&form.next).unwrap_or("/admin/articles");
    Ok(with_cookie(Redirect::to(next).into_response(), Some(cookie)))
}

/// The account whose password this is, taking as long for an unknown address.
async fn check_password(app: &App, email: &Email, password: Password) -> Result<Option<User>, AdminError> {
    let found = app.store.user_by_email(email).await?;
    let hash = found.as_ref().map_or_else(|| decoy_hash().to_owned(), |(_, hash)| hash.clone());
    let matches = verify(password, hash).await?;
    Ok(found.filter(|_| matches).map(|(user, _)| user))
}

/// A newsroom address to go on to after signing in; anything else is ignored.
fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with("/admin/")
        && !next.contains("//")
        && !next.contains('\\')
        && next.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(next)
}

/// `POST /admin/sign-out`.
pub async fn sign_out(
    State(app): State<Arc<App>>,
    SignedForm(session, _): SignedForm<serde::de::IgnoredAny>,
) -> Result<Response, AdminError> {
    app.store.end_session(&session.token_hash).await?;
    let cookie = set_cookie(&app, SESSION_COOKIE, None, SignedDuration::ZERO);
    Ok(with_cookie(Redirect::to("/admin/sign-in").into_response(), Some(cookie)))
}

#[derive(Serialize)]
struct SetPasswordPage {
    email: String,
    action: String,
    needs_current: bool,
}

/// `GET /admin/password/{token}`: the form behind a one-time link.
pub async fn show_password_link(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AdminError> {
    let user = link_user(&app, &token).await?;
    let (csrf, cookie) = anonymous_csrf(&headers, &app)?;
    let page = SetPasswordPage {
        email: user.email.to_string(),
        action: format!("/admin/password/{token}"),
        needs_current: false,
    };
    let html = Screen::anonymous("Choose a password", &csrf).render(&app, "set_password.html", page)?;
    Ok(with_cookie(html.into_response(), cookie))
}

/// The new-password form.
#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
}

/// `POST /admin/password/{token}`: sets the password, uses the link up and signs in.
pub async fn use_password_link(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    AnonymousForm(_, form): AnonymousForm<NewPasswordForm>,
) -> Result<Response, AdminError> {
    let user = link_user(&app, &token).await?;
    let password = match Password::new(&form.password) {
        Ok(password) => password,
        Err(e) => {
            let (csrf, cookie) = anonymous_csrf(&headers, &app)?;
            let problem = format!("Choose another password: {e}.");
            let page = SetPasswordPage {
                email: user.email.to_string(),
                action: format!("/admin/password/{token}"),
                needs_current: false,
            };
            let html = Screen::anonymous("Choose a password", &csrf).problem(Some(&problem)).render(
                &app,
                "set_password.html",
                page,
            )?;
            return Ok(with_cookie((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response(), cookie));
        }
    };
    app.store.set_password(user.id, &hash(password).await?).await?;
    let cookie = start_session(&app, &user).await?;
    Ok(with_cookie(Redirect::to("/admin/articles").into_response(), Some(cookie)))
}

async fn link_user(app: &App, token: &str) -> Result<User, AdminError> {
    if !secret::well_formed(token) {
        return Err(AdminError::NotFound);
    }
    let user_id = app.store.password_reset_user(&secret::digest(token), app.now()).await?;
    let user = match user_id {
        Some(id) => app.store.user(id).await?,
        None => None,
    };
    user.ok_or_else(|| AdminError::BadRequest("this link has expired or was already used; ask for a new one".into()))
}

/// Adds a `Set-Cookie` header when there is one.
pub fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Whether `given` is the signed-in account's current password.
pub async fn password_matches(app: &App, session: &Session, given: &str) -> Result<bool, AdminError> {
    let Ok(password) = Password::given(given) else { return Ok(false) };
    let found = app.store.user_by_email(&session.user.email).await?;
    match found {
        Some((_, hash)) => verify(password, hash).await,
        None => Ok(false),
    }
}

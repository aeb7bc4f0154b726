//! The newsroom's people: the account list where administrators add and remove
//! accounts, and each person's own account page with its password change.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::screen::Screen;
use super::session::{Session, SignedForm, start_session};
use super::sign_in::{hash, new_account_fields, password_matches, with_cookie};
use crate::app::App;
use crate::domain::account::{Password, Role};
use crate::publishing::accounts::{INVITE_DAYS, password_link, unusable_password_hash};
use crate::store::newsroom::{NewUser, UserAdded};

#[derive(Serialize)]
struct PersonRow {
    id: i64,
    name: String,
    email: String,
    role_label: &'static str,
    removable: bool,
}

#[derive(Serialize)]
struct RoleOption {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct PeoplePage {
    people: Vec<PersonRow>,
    roles: Vec<RoleOption>,
    invite_link: Option<String>,
    invite_email: Option<String>,
    link_days: i64,
}

fn require_user_manager(session: &Session) -> Result<(), AdminError> {
    if session.user.role.can_manage_users() {
        Ok(())
    } else {
        Err(AdminError::Forbidden("only administrators manage the newsroom's accounts".into()))
    }
}

async fn people_page(app: &App, session: &Session, invite: Option<(String, String)>) -> Result<PeoplePage, AdminError> {
    let me = &session.user;
    let people = app
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| PersonRow {
            removable: u.id != me.id && u.role != Role::Owner && u.role <= me.role,
            id: u.id,
            name: u.name,
            email: u.email.to_string(),
            role_label: u.role.label(),
        })
        .collect();
    let roles = Role::ALL
        .into_iter()
        .filter(|r| me.role.can_grant(*r))
        .map(|r| RoleOption { value: r.as_str(), label: r.label() })
        .collect();
    let (invite_link, invite_email) = invite.map_or((None, None), |(link, email)| (Some(link), Some(email)));
    Ok(PeoplePage { people, roles, invite_link, invite_email, link_days: INVITE_DAYS })
}

/// `GET /admin/users`.
pub async fn list_people(State(app): State<Arc<App>>, session: Session) -> Result<Response, AdminError> {
    require_user_manager(&session)?;
    let page = people_page(&app, &session, None).await?;
    Ok(Screen::signed("People", &session).render(&app, "users.html", page)?.into_response())
}

/// The form that adds an account.
#[derive(Deserialize)]
pub struct AddPersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// `POST /admin/users`: adds an account and shows the one-time link its person uses
/// to choose a password.
pub async fn add_person(
    State(app): State<Arc<App>>,
    SignedForm(session, form): SignedForm<AddPersonForm>,
) -> Result<Response, AdminError> {
    require_user_manager(&session)?;
    let role = Role::parse(&form.role).ok_or_else(|| AdminError::BadRequest("choose a role from the list".into()))?;
    if !session.user.role.can_grant(role) {
        return Err(AdminError::Forbidden(format!("you cannot give the role {}", role.label())));
    }
    let problem = match new_account_fields(&form.name, &form.email) {
        Ok((name, email)) => {
            let password_hash = unusable_password_hash().map_err(AdminError::Internal)?;
            let user = NewUser { email: email.clone(), name, role, password_hash };
            match app.store.add_user(user, app.now()).await? {
                UserAdded::Added(id) => {
                    let path = password_link(app.store.as_ref(), id, app.now(), INVITE_DAYS)
                        .await
                        .map_err(AdminError::Internal)?;
                    let link = format!("{}{path}", app.settings.site.base_url);
                    let page = people_page(&app, &session, Some((link, email.to_string()))).await?;
                    return Ok(Screen::signed("People", &session).render(&app, "users.html", page)?.into_response());
                }
                UserAdded::EmailTaken => "Another account already has that email address.".to_owned(),
                UserAdded::OwnerExists => "The newsroom already has its owner.".to_owned(),
            }
        }
        Err(problem) => problem,
    };
    let page = people_page(&app, &session, None).await?;
    let html = Screen::signed("People", &session).problem(Some(&problem)).render(&app, "users.html", page)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

/// `POST /admin/users/{id}/remove`: removes an account; its sessions end with it and its
/// articles and byline stay.
pub async fn remove_person(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedForm(session, _): SignedForm<serde::de::IgnoredAny>,
) -> Result<Response, AdminError> {
    require_user_manager(&session)?;
    let person = app.store.user(id).await?.ok_or(AdminError::NotFound)?;
    if person.id == session.user.id || person.role == Role::Owner || person.role > session.user.role {
        return Err(AdminError::Forbidden(format!("you cannot remove {}", person.name)));
    }
    app.store.remove_user(id).await?;
    tracing::info!(user = id, by = session.user.id, "account removed");
    Ok(Redirect::to("/admin/users").into_response())
}

/// Which confirmation the account page shows.
#[derive(Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    changed: Option<String>,
}

/// `GET /admin/account`.
pub async fn show_account(
    State(app): State<Arc<App>>,
    session: Session,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AdminError> {
    let notice = query.changed.is_some().then_some("Your password was changed; other sign-ins have ended.");
    Ok(Screen::signed("Your account", &session).notice(notice).render(&app, "account.html", ())?.into_response())
}

/// The password-change form.
#[derive(Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/account/password`: changes the password, which ends every session of
/// the account; this browser gets a new one.
pub async fn change_password(
    State(app): State<Arc<App>>,
    SignedForm(session, form): SignedForm<ChangePasswordForm>,
) -> Result<Response, AdminError> {
    let problem = if !password_matches(&app, &session, &form.current).await? {
        "The current password is not right.".to_owned()
    } else {
        match Password::new(&form.password) {
            Ok(password) => {
                app.store.set_password(session.user.id, &hash(password).await?).await?;
                let cookie = start_session(&app, &session.user).await?;
                return Ok(with_cookie(Redirect::to("/admin/account?changed=1").into_response(), Some(cookie)));
            }
            Err(e) => format!("Choose another password: {e}."),
        }
    };
    let html = Screen::signed("Your account", &session).problem(Some(&problem)).render(&app, "account.html", ())?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

//! Rendering the newsroom's screens: the layout's context, the failure pages, the
//! headers every newsroom answer carries, and the newsroom's static files.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use super::error::{AdminError, AdminProblem};
use super::session::{Session, anonymous_csrf};
use crate::app::App;
use crate::domain::account::User;
use crate::render::admin::STATIC_FILES;

/// The signed-in account as the layout shows it.
#[derive(Serialize)]
pub struct UserView {
    id: i64,
    name: String,
    email: String,
    role_label: &'static str,
    can_publish: bool,
    can_upload: bool,
    can_manage_site: bool,
    can_manage_users: bool,
}

impl UserView {
    /// The view of `user`.
    pub fn new(user: &User) -> Self {
        Self {
            id: user.id,
            name: user.name.clone(),
            email: user.email.to_string(),
            role_label: user.role.label(),
            can_publish: user.role.can_publish(),
            can_upload: user.role.can_upload(),
            can_manage_site: user.role.can_manage_site(),
            can_manage_users: user.role.can_manage_users(),
        }
    }
}

#[derive(Serialize)]
struct Context<'a, T> {
    site_name: &'a str,
    title: &'a str,
    user: Option<UserView>,
    csrf: &'a str,
    notice: Option<&'a str>,
    problem: Option<&'a str>,
    page: T,
}

/// One screen to render: its title, who looks at it and what it says above the page.
pub struct Screen<'a> {
    /// Document title.
    pub title: &'a str,
    /// The signed-in account, if any.
    pub session: Option<&'a Session>,
    /// The CSRF secret the screen's forms carry.
    pub csrf: &'a str,
    /// A confirmation to show.
    pub notice: Option<&'a str>,
    /// A problem to show.
    pub problem: Option<&'a str>,
}

impl<'a> Screen<'a> {
    /// A screen for a signed-in account.
    pub fn signed(title: &'a str, session: &'a Session) -> Self {
        Self { title, session: Some(session), csrf: &session.csrf, notice: None, problem: None }
    }

    /// A screen before signing in, whose forms carry `csrf`.
    pub fn anonymous(title: &'a str, csrf: &'a str) -> Self {
        Self { title, session: None, csrf, notice: None, problem: None }
    }

    /// Shows `notice` above the page.
    pub fn notice(mut self, notice: Option<&'a str>) -> Self {
        self.notice = notice;
        self
    }

    /// Shows `problem` above the page.
    pub fn problem(mut self, problem: Option<&'a str>) -> Self {
        self.problem = problem;
        self
    }

    /// Renders `template` with `page`.
    pub fn render(self, app: &App, template: &str, page: impl Serialize) -> Result<Html<String>, AdminError> {
        let context = Context {
            site_name: &app.settings.site.name,
            title: self.title,
            user: self.session.map(|s| UserView::new(&s.user)),
            csrf: self.csrf,
            notice: self.notice,
            problem: self.problem,
            page,
        };
        Ok(Html(app.admin_renderer.render(template, &context)?))
    }
}

#[derive(Serialize)]
struct MessagePage<'a> {
    heading: &'a str,
    message: &'a str,
    link: Option<&'a str>,
    link_text: Option<&'a str>,
}

#[derive(Serialize)]
struct SignInPage<'a> {
    email: &'a str,
    next: &'a str,
}

/// Renders the newsroom's failures, marks every newsroom answer private and unframable,
/// and keeps the newsroom out of search engines.
pub async fn admin_problems(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let target = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let mut response = next.run(request).await;
    if let Some(problem) = response.extensions().get::<AdminProblem>().cloned() {
        let status = response.status();
        match render_problem(&app, &headers, &target, &problem) {
            Ok(rendered) => {
                let (mut parts, _) = response.into_parts();
                let (rendered_parts, body) = rendered.into_parts();
                parts.headers.extend(rendered_parts.headers);
                parts.status = status;
                response = Response::from_parts(parts, body);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot render a newsroom error page");
                response = (status, problem.message).into_response();
            }
        }
    }
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: https:; script-src 'self'; style-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    response
}

fn render_problem(
    app: &App,
    headers: &axum::http::HeaderMap,
    target: &str,
    problem: &AdminProblem,
) -> Result<Response, AdminError> {
    if problem.sign_in {
        let (csrf, cookie) = anonymous_csrf(headers, app)?;
        let next = if target.starts_with("/admin/") && !target.starts_with("/admin/sign-") { target } else { "" };
        let page = SignInPage { email: "", next };
        let html = Screen::anonymous("Sign in", &csrf).render(app, "sign_in.html", page)?;
        let mut response = html.into_response();
        if let Some(cookie) = cookie {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        return Ok(response);
    }
    let page = MessagePage {
        heading: problem.heading,
        message: &problem.message,
        link: Some("/admin/"),
        link_text: Some("Back to the newsroom"),
    };
    let csrf = String::new();
    Ok(Screen::anonymous(problem.heading, &csrf).render(app, "message.html", page)?.into_response())
}

/// `GET /admin/static/{file}`: the newsroom's stylesheet and script.
pub async fn serve_admin_static(Path(file): Path<String>) -> Response {
    match STATIC_FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=300")], *bytes)
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

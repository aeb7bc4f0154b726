//! What editors manage besides articles: tags (name, slug, kind, description), author
//! profiles (byline, slug, biography, photo) and redirects from old addresses. Editors,
//! administrators and the owner only.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::screen::Screen;
use super::session::{Session, SignedForm};
use crate::app::App;
use crate::domain::slug::{Slug, slugify};
use crate::domain::taxonomy::TagKind;
use crate::store::Redirect as StoredRedirect;
use crate::store::newsroom::{AuthorEdit, ProfileSaved, TagEdit};

fn require_site_manager(session: &Session) -> Result<(), AdminError> {
    if session.user.role.can_manage_site() {
        Ok(())
    } else {
        Err(AdminError::Forbidden("only editors manage tags, authors and redirects".into()))
    }
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A slug typed into a form, or one made from the name when it is empty.
fn slug_from(typed: &str, name: &str) -> Result<Slug, String> {
    let source = if typed.trim().is_empty() { name } else { typed };
    Slug::parse(&slugify(source)).map_err(|e| format!("The slug cannot be used: {e}."))
}

/// The tag form.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct TagForm {
    name: String,
    slug: String,
    kind: String,
    description: String,
}

#[derive(Serialize)]
struct TagRow {
    id: i64,
    name: String,
    kind: &'static str,
    path: String,
    articles: u64,
}

#[derive(Serialize)]
struct TagsPage {
    tags: Vec<TagRow>,
    action: String,
    form: TagForm,
}

async fn tags_page(app: &App, form: TagForm) -> Result<TagsPage, AdminError> {
    let tags = app
        .store
        .tag_profiles()
        .await?
        .into_iter()
        .map(|p| TagRow {
            id: p.tag.id,
            kind: p.tag.kind.as_str(),
            path: p.tag.path(),
            name: p.tag.name,
            articles: p.articles,
        })
        .collect();
    Ok(TagsPage { tags, action: "/admin/tags".into(), form })
}

/// `GET /admin/tags`.
pub async fn list_tag_profiles(State(app): State<Arc<App>>, session: Session) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    let form = TagForm { kind: "topic".into(), ..TagForm::default() };
    let page = tags_page(&app, form).await?;
    Ok(Screen::signed("Tags", &session).render(&app, "tags.html", page)?.into_response())
}

/// `GET /admin/tags/{id}`.
pub async fn edit_tag(
    State(app): State<Arc<App>>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    let profile = app.store.tag_profiles().await?.into_iter().find(|p| p.tag.id == id).ok_or(AdminError::NotFound)?;
    let form = TagForm {
        name: profile.tag.name,
        slug: profile.tag.slug.to_string(),
        kind: profile.tag.kind.as_str().to_owned(),
        description: profile.description.unwrap_or_default(),
    };
    let page = TagsPage { tags: Vec::new(), action: format!("/admin/tags/{id}"), form };
    Ok(Screen::signed("Tag", &session).render(&app, "tag.html", page)?.into_response())
}

/// `POST /admin/tags`.
pub async fn create_tag(
    State(app): State<Arc<App>>,
    SignedForm(session, form): SignedForm<TagForm>,
) -> Result<Response, AdminError> {
    save_tag_form(&app, &session, None, form).await
}

/// `POST /admin/tags/{id}`.
pub async fn update_tag(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedForm(session, form): SignedForm<TagForm>,
) -> Result<Response, AdminError> {
    save_tag_form(&app, &session, Some(id), form).await
}

async fn save_tag_form(app: &App, session: &Session, id: Option<i64>, form: TagForm) -> Result<Response, AdminError> {
    require_site_manager(session)?;
    let problem = match tag_edit(&form) {
        Ok(edit) => match app.store.save_tag(id, edit).await? {
            ProfileSaved::Saved(_) => {
                app.pages.invalidate();
                return Ok(Redirect::to("/admin/tags").into_response());
            }
            ProfileSaved::SlugTaken => "Another tag of that kind has this slug.".to_owned(),
            ProfileSaved::Missing => return Err(AdminError::NotFound),
        },
        Err(problem) => problem,
    };
    let mut page = tags_page(app, form).await?;
    let template = match id {
        Some(id) => {
            page.action = format!("/admin/tags/{id}");
            "tag.html"
        }
        None => "tags.html",
    };
    let html = Screen::signed("Tags", session).problem(Some(&problem)).render(app, template, page)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

fn tag_edit(form: &TagForm) -> Result<TagEdit, String> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("Give a name of 1 to 200 characters.".into());
    }
    let kind = TagKind::parse(&form.kind).ok_or("Choose country, section or topic.")?;
    Ok(TagEdit {
        kind,
        slug: slug_from(&form.slug, name)?,
        name: name.to_owned(),
        description: optional(&form.description),
    })
}

/// `POST /admin/tags/{id}/remove`.
pub async fn remove_tag(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedForm(session, _): SignedForm<serde::de::IgnoredAny>,
) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    if !app.store.remove_tag(id).await? {
        return Err(AdminError::NotFound);
    }
    app.pages.invalidate();
    Ok(Redirect::to("/admin/tags").into_response())
}

/// The author-profile form.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct AuthorForm {
    name: String,
    slug: String,
    bio: String,
    photo: String,
}

#[derive(Serialize)]
struct AuthorRow {
    id: i64,
    name: String,
    slug: String,
    articles: u64,
}

#[derive(Serialize)]
struct AuthorsPage {
    authors: Vec<AuthorRow>,
    action: String,
    form: AuthorForm,
}

async fn authors_page(app: &App, form: AuthorForm) -> Result<AuthorsPage, AdminError> {
    let authors = app
        .store
        .author_profiles()
        .await?
        .into_iter()
        .map(|p| AuthorRow {
            id: p.author.id,
            name: p.author.name,
            slug: p.author.slug.to_string(),
            articles: p.articles,
        })
        .collect();
    Ok(AuthorsPage { authors, action: "/admin/authors".into(), form })
}

/// `GET /admin/authors`.
pub async fn list_author_profiles(State(app): State<Arc<App>>, session: Session) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    let page = authors_page(&app, AuthorForm::default()).await?;
    Ok(Screen::signed("Authors", &session).render(&app, "authors.html", page)?.into_response())
}

/// `GET /admin/authors/{id}`.
pub async fn edit_author(
    State(app): State<Arc<App>>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    let profile =
        app.store.author_profiles().await?.into_iter().find(|p| p.author.id == id).ok_or(AdminError::NotFound)?;
    let form = AuthorForm {
        name: profile.author.name,
        slug: profile.author.slug.to_string(),
        bio: profile.author.bio.unwrap_or_default(),
        photo: profile.photo.unwrap_or_default(),
    };
    let page = AuthorsPage { authors: Vec::new(), action: format!("/admin/authors/{id}"), form };
    Ok(Screen::signed("Author", &session).render(&app, "author.html", page)?.into_response())
}

/// `POST /admin/authors`.
pub async fn create_author(
    State(app): State<Arc<App>>,
    SignedForm(session, form): SignedForm<AuthorForm>,
) -> Result<Response, AdminError> {
    save_author_form(&app, &session, None, form).await
}

/// `POST /admin/authors/{id}`.
pub async fn update_author(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedForm(session, form): SignedForm<AuthorForm>,
) -> Result<Response, AdminError> {
    save_author_form(&app, &session, Some(id), form).await
}

async fn save_author_form(
    app: &App,
    session: &Session,
    id: Option<i64>,
    form: AuthorForm,
) -> Result<Response, AdminError> {
    require_site_manager(session)?;
    let problem = match author_edit(&form) {
        Ok(edit) => match app.store.save_author(id, edit).await? {
            ProfileSaved::Saved(_) => {
                app.pages.invalidate();
                return Ok(Redirect::to("/admin/authors").into_response());
            }
            ProfileSaved::SlugTaken => "Another author has this slug.".to_owned(),
            ProfileSaved::Missing => return Err(AdminError::NotFound),
        },
        Err(problem) => problem,
    };
    let mut page = authors_page(app, form).await?;
    let template = match id {
        Some(id) => {
            page.action = format!("/admin/authors/{id}");
            "author.html"
        }
        None => "authors.html",
    };
    let html = Screen::signed("Authors", session).problem(Some(&problem)).render(app, template, page)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

fn author_edit(form: &AuthorForm) -> Result<AuthorEdit, String> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("Give a name of 1 to 200 characters.".into());
    }
    Ok(AuthorEdit {
        slug: slug_from(&form.slug, name)?,
        name: name.to_owned(),
        bio: optional(&form.bio),
        photo: optional(&form.photo),
    })
}

#[derive(Serialize)]
struct RedirectsPage {
    redirects: Vec<RedirectRow>,
}

#[derive(Serialize)]
struct RedirectRow {
    from: String,
    to: String,
}

async fn redirects_page(app: &App) -> Result<RedirectsPage, AdminError> {
    let redirects = app.store.redirects().await?.into_iter().map(|r| RedirectRow { from: r.from, to: r.to }).collect();
    Ok(RedirectsPage { redirects })
}

/// `GET /admin/redirects`.
pub async fn list_redirects(State(app): State<Arc<App>>, session: Session) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    let page = redirects_page(&app).await?;
    Ok(Screen::signed("Redirects", &session).render(&app, "redirects.html", page)?.into_response())
}

/// The redirect form.
#[derive(Deserialize)]
pub struct RedirectForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Longest address accepted in a redirect.
const MAX_REDIRECT_PATH: usize = 2000;

/// A site-relative address: starts with one `/`, no spaces or control characters.
fn site_path(text: &str) -> Option<&str> {
    let text = text.trim();
    let ok = text.starts_with('/')
        && !text.starts_with("//")
        && text.len() <= MAX_REDIRECT_PATH
        && !text.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    ok.then_some(text)
}

/// `POST /admin/redirects`: old address → new address, answered with 301.
pub async fn add_redirect(
    State(app): State<Arc<App>>,
    SignedForm(session, form): SignedForm<RedirectForm>,
) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    let (Some(from), Some(to)) = (site_path(&form.from), site_path(&form.to)) else {
        let page = redirects_page(&app).await?;
        let problem = "Both addresses must be paths on this site, starting with /.";
        let html = Screen::signed("Redirects", &session).problem(Some(problem)).render(&app, "redirects.html", page)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    };
    app.store.save_redirects(vec![StoredRedirect { from: from.to_owned(), to: to.to_owned() }]).await?;
    Ok(Redirect::to("/admin/redirects").into_response())
}

/// `POST /admin/redirects/remove`.
pub async fn remove_redirect(
    State(app): State<Arc<App>>,
    SignedForm(session, form): SignedForm<RedirectForm>,
) -> Result<Response, AdminError> {
    require_site_manager(&session)?;
    if !app.store.remove_redirect(&form.from).await? {
        return Err(AdminError::NotFound);
    }
    Ok(Redirect::to("/admin/redirects").into_response())
}

//! The editor: writing and filing an article, saving, publishing, scheduling and
//! unpublishing it, the live preview of its body, pasting from word processors, and
//! the preview of the whole article as readers will see it.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::screen::Screen;
use super::session::{Session, SignedForm};
use super::{capitalised, when};
use crate::app::App;
use crate::domain::article::{NoteKind, Status};
use crate::domain::body::sanitize_html;
use crate::domain::manuscript::Manuscript;
use crate::domain::taxonomy::TagKind;
use crate::publishing::editorial::{
    EditorialError, SaveAction, manuscript_of, may_edit, preview_body, save_manuscript,
};
use crate::store::newsroom::EditedArticle;
use crate::web::site::article::render_article;

/// Latest uploads offered for the featured image.
const RECENT_MEDIA: u32 = 30;

/// Languages offered in the editor, by code.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("ru", "Русский"),
    ("kk", "Қазақша"),
    ("ky", "Кыргызча"),
    ("uz", "Oʻzbekcha"),
    ("tg", "Тоҷикӣ"),
    ("tk", "Türkmençe"),
];

#[derive(Serialize)]
struct Named {
    slug: String,
    name: String,
}

#[derive(Serialize)]
struct Language {
    code: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct EditorPage {
    id: Option<i64>,
    action: String,
    version: i64,
    status: &'static str,
    when: String,
    publish_at: String,
    timezone: String,
    draft_key: String,
    m: Manuscript,
    preview: String,
    authors: Vec<Named>,
    countries: Vec<Named>,
    sections: Vec<Named>,
    languages: Vec<Language>,
    notes: Vec<NoteRow>,
    recent_media: Vec<String>,
}

#[derive(Serialize)]
struct NoteRow {
    label: &'static str,
    when: String,
    text: String,
}

/// What the editor screen shows about the stored article, if there is one.
struct Stored {
    id: i64,
    version: i64,
    status: Status,
    published_at: Timestamp,
}

impl Stored {
    fn of(article: &EditedArticle) -> Self {
        Self {
            id: article.id,
            version: article.version,
            status: article.draft.status,
            published_at: article.draft.published_at,
        }
    }
}

async fn editor_page(app: &App, stored: Option<&Stored>, m: Manuscript) -> Result<EditorPage, AdminError> {
    let named = |tags: Vec<crate::domain::taxonomy::Tag>| -> Vec<Named> {
        tags.into_iter().map(|t| Named { slug: t.slug.to_string(), name: t.name }).collect()
    };
    let authors = app
        .store
        .author_stats(app.now())
        .await?
        .into_iter()
        .map(|a| Named { slug: a.author.slug.to_string(), name: a.author.name })
        .collect();
    let publish_at = stored
        .filter(|s| s.status == Status::Scheduled)
        .map(|s| s.published_at.to_zoned_datetime(app.tz.clone()).datetime().strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default();
    Ok(EditorPage {
        id: stored.map(|s| s.id),
        action: stored.map_or_else(|| "/admin/articles".to_owned(), |s| format!("/admin/articles/{}", s.id)),
        version: stored.map_or(0, |s| s.version),
        status: stored.map_or("draft", |s| s.status.as_str()),
        when: stored.map(|s| when(s.published_at, &app.tz)).unwrap_or_default(),
        publish_at,
        timezone: app.settings.site.timezone.clone(),
        draft_key: stored.map_or_else(|| "new".to_owned(), |s| s.id.to_string()),
        preview: preview_body(&m.body),
        m,
        authors,
        countries: named(app.store.tags(TagKind::Country).await?),
        sections: named(app.store.tags(TagKind::Section).await?),
        languages: LANGUAGES.iter().map(|(code, name)| Language { code, name }).collect(),
        recent_media: app.store.list_media(0, RECENT_MEDIA).await?.items.into_iter().map(|m| m.path).collect(),
        notes: match stored {
            Some(s) => app
                .store
                .article_notes(s.id)
                .await?
                .into_iter()
                .map(|n| NoteRow { label: n.kind.label(), when: when(n.noted_at, &app.tz), text: n.text })
                .collect(),
            None => Vec::new(),
        },
    })
}

/// `GET /admin/articles/new`.
pub async fn new_article(State(app): State<Arc<App>>, session: Session) -> Result<Response, AdminError> {
    let m = Manuscript { language: "en".to_owned(), ..Manuscript::default() };
    let page = editor_page(&app, None, m).await?;
    Ok(Screen::signed("New article", &session).render(&app, "editor.html", page)?.into_response())
}

/// What the editor screen confirms after a save.
#[derive(Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /admin/articles/{id}`.
pub async fn edit_article(
    State(app): State<Arc<App>>,
    session: Session,
    Path(id): Path<i64>,
    Query(query): Query<EditQuery>,
) -> Result<Response, AdminError> {
    let article = editable(&app, &session, id).await?;
    let notice = match query.saved.as_deref() {
        Some("published") => Some("Published."),
        Some("scheduled") => Some("Scheduled."),
        Some("unpublished") => Some("Taken off the site; it is a draft again."),
        Some("restored") => Some("The earlier version was restored."),
        Some("noted") => Some("The note was added at the foot of the article."),
        Some(_) => Some("Saved."),
        None => None,
    };
    let page = editor_page(&app, Some(&Stored::of(&article)), manuscript_of(&article)).await?;
    Ok(Screen::signed("Edit article", &session).notice(notice).render(&app, "editor.html", page)?.into_response())
}

/// An article the signed-in account may edit.
pub async fn editable(app: &App, session: &Session, id: i64) -> Result<EditedArticle, AdminError> {
    let article = app.store.edited_article(id).await?.ok_or(AdminError::NotFound)?;
    if !may_edit(&session.user, &article) {
        return Err(AdminError::Forbidden("you may not edit this article".into()));
    }
    Ok(article)
}

/// The editor form: the manuscript and what to do with it.
#[derive(Deserialize)]
pub struct EditorForm {
    #[serde(flatten)]
    manuscript: Manuscript,
    #[serde(default)]
    version: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    publish_at: String,
}

/// `POST /admin/articles`: creates an article.
pub async fn create_article(
    State(app): State<Arc<App>>,
    SignedForm(session, form): SignedForm<EditorForm>,
) -> Result<Response, AdminError> {
    save_form(&app, &session, None, form).await
}

/// `POST /admin/articles/{id}`: saves an article.
pub async fn update_article(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedForm(session, form): SignedForm<EditorForm>,
) -> Result<Response, AdminError> {
    save_form(&app, &session, Some(id), form).await
}

async fn save_form(app: &App, session: &Session, id: Option<i64>, form: EditorForm) -> Result<Response, AdminError> {
    let action = match form.action.as_str() {
        "" | "save" => Ok(SaveAction::Save),
        "publish" => Ok(SaveAction::Publish),
        "unpublish" => Ok(SaveAction::Unpublish),
        "schedule" => scheduled_time(app, &form.publish_at).map(SaveAction::Schedule),
        _ => Err(EditorialError::Invalid("unknown action".into())),
    };
    let base_version = form.version.parse().ok().filter(|v| *v > 0);
    let result = match action {
        Ok(action) => save_manuscript(app, &session.user, id, base_version, form.manuscript.clone(), action)
            .await
            .map(|saved| (saved, action)),
        Err(e) => Err(e),
    };
    match result {
        Ok(((id, _), action)) => {
            let saved = match action {
                SaveAction::Save => "1",
                SaveAction::Publish => "published",
                SaveAction::Schedule(_) => "scheduled",
                SaveAction::Unpublish => "unpublished",
            };
            Ok(Redirect::to(&format!("/admin/articles/{id}?saved={saved}")).into_response())
        }
        Err(EditorialError::Store(e)) => Err(e.into()),
        Err(EditorialError::Missing) => Err(AdminError::NotFound),
        Err(e) => {
            let status = match &e {
                EditorialError::Forbidden(_) => StatusCode::FORBIDDEN,
                EditorialError::Conflict { .. } | EditorialError::SlugTaken(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let stored = match id {
                Some(id) => app.store.edited_article(id).await?.map(|a| Stored::of(&a)),
                None => None,
            };
            let mut page = editor_page(app, stored.as_ref(), form.manuscript).await?;
            // Keep the version the writer started from, so saving again after a conflict
            // is a deliberate overwrite of what they have now seen.
            if let Some(base) = base_version.filter(|_| !matches!(e, EditorialError::Conflict { .. })) {
                page.version = base;
            }
            page.publish_at = form.publish_at;
            let problem = capitalised(&e.to_string());
            let title = if id.is_some() { "Edit article" } else { "New article" };
            let html = Screen::signed(title, session).problem(Some(&problem)).render(app, "editor.html", page)?;
            Ok((status, html).into_response())
        }
    }
}

/// The instant of a `datetime-local` value, read in the site's time zone.
fn scheduled_time(app: &App, text: &str) -> Result<Timestamp, EditorialError> {
    let invalid = || EditorialError::Invalid("give the date and time to publish at".into());
    let local: DateTime = text.trim().parse().map_err(|_| invalid())?;
    local.to_zoned_datetime(app.tz.clone()).map(|z| z.timestamp()).map_err(|_| invalid())
}

/// The live-preview request.
#[derive(Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    markdown: String,
}

/// `POST /admin/preview`: the body as the article page will show it.
pub async fn preview_markdown(SignedForm(_, form): SignedForm<PreviewForm>) -> Html<String> {
    Html(preview_body(&form.markdown))
}

/// The paste request.
#[derive(Deserialize)]
pub struct PasteForm {
    #[serde(default)]
    html: String,
}

/// `POST /admin/paste`: HTML from the clipboard (Google Docs, Word), sanitised and
/// turned into Markdown, keeping headings, lists, links and emphasis.
pub async fn paste_html(SignedForm(_, form): SignedForm<PasteForm>) -> Result<String, AdminError> {
    let clean = sanitize_html(&form.html);
    htmd::convert(&clean).map_err(|e| AdminError::BadRequest(format!("the pasted text could not be read: {e}")))
}

/// `GET /admin/articles/{id}/preview`: the article page as readers will see it, whatever
/// the article's status. Only the newsroom can open it.
pub async fn preview_article(
    State(app): State<Arc<App>>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, AdminError> {
    editable(&app, &session, id).await?;
    let article = app.store.articles_by_id(&[id]).await?.into_iter().next().ok_or(AdminError::NotFound)?;
    render_article(&app, &article).await.map_err(|e| AdminError::Internal(anyhow::anyhow!("{e}")))
}

/// Longest correction or update note, in characters.
const MAX_NOTE_CHARS: usize = 2000;

/// The form that appends a correction or an update.
#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
}

/// `POST /admin/articles/{id}/notes`: appends a dated correction or update, shown at the
/// foot of the article and, for a correction, in its structured data.
pub async fn add_note(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedForm(session, form): SignedForm<NoteForm>,
) -> Result<Response, AdminError> {
    let article = editable(&app, &session, id).await?;
    if !session.user.role.can_publish() {
        return Err(AdminError::Forbidden("contributors cannot add corrections; an editor does".into()));
    }
    if article.draft.status != Status::Published {
        return Err(AdminError::BadRequest("corrections and updates are added to published articles".into()));
    }
    let kind =
        NoteKind::parse(&form.kind).ok_or_else(|| AdminError::BadRequest("choose correction or update".into()))?;
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
        return Err(AdminError::BadRequest(format!("a note is 1 to {MAX_NOTE_CHARS} characters")));
    }
    app.store.add_article_note(id, kind, text, app.now()).await?;
    app.pages.invalidate();
    Ok(Redirect::to(&format!("/admin/articles/{id}?saved=noted")).into_response())
}

//! An article's revisions: the list, the differences between one and the current text,
//! and restoring one (which is itself saved as a new revision).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::editor::editable;
use super::error::AdminError;
use super::screen::Screen;
use super::session::{Session, SignedForm};
use super::when;
use crate::app::App;
use crate::domain::manuscript::Manuscript;
use crate::publishing::editorial::{SaveAction, manuscript_of, save_manuscript};

#[derive(Serialize)]
struct RevisionRow {
    id: i64,
    version: i64,
    saved_at: String,
    saved_by: String,
}

#[derive(Serialize)]
struct RevisionsPage {
    id: i64,
    title: String,
    revisions: Vec<RevisionRow>,
}

/// `GET /admin/articles/{id}/revisions`.
pub async fn list_revisions(
    State(app): State<Arc<App>>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, AdminError> {
    let article = editable(&app, &session, id).await?;
    let revisions = app
        .store
        .revisions(id)
        .await?
        .into_iter()
        .map(|r| RevisionRow {
            id: r.id,
            version: r.version,
            saved_at: when(r.saved_at, &app.tz),
            saved_by: r.saved_by.unwrap_or_else(|| "a removed account".to_owned()),
        })
        .collect();
    let page = RevisionsPage { id, title: article.draft.title, revisions };
    Ok(Screen::signed("Revisions", &session).render(&app, "revisions.html", page)?.into_response())
}

#[derive(Serialize)]
struct DiffLine {
    kind: &'static str,
    sign: &'static str,
    text: String,
}

#[derive(Serialize)]
struct FieldChange {
    field: &'static str,
    lines: Vec<DiffLine>,
}

#[derive(Serialize)]
struct RevisionPage {
    id: i64,
    revision_id: i64,
    title: String,
    version: i64,
    saved_at: String,
    saved_by: Option<String>,
    changes: Vec<FieldChange>,
}

/// `GET /admin/articles/{id}/revisions/{revision}`: what changed from this revision to
/// the current text, field by field and line by line.
pub async fn show_revision(
    State(app): State<Arc<App>>,
    session: Session,
    Path((id, revision_id)): Path<(i64, i64)>,
) -> Result<Response, AdminError> {
    let article = editable(&app, &session, id).await?;
    let (info, old) = saved_manuscript(&app, id, revision_id).await?;
    let current = manuscript_of(&article);
    let changes = old
        .changed_fields(&current)
        .into_iter()
        .map(|(field, before, after)| FieldChange { field, lines: diff_lines(before, after) })
        .collect();
    let page = RevisionPage {
        id,
        revision_id,
        title: article.draft.title,
        version: info.version,
        saved_at: when(info.saved_at, &app.tz),
        saved_by: info.saved_by,
        changes,
    };
    Ok(Screen::signed("Revision", &session).render(&app, "revision.html", page)?.into_response())
}

/// `POST /admin/articles/{id}/revisions/{revision}/restore`.
pub async fn restore_revision(
    State(app): State<Arc<App>>,
    Path((id, revision_id)): Path<(i64, i64)>,
    SignedForm(session, _): SignedForm<serde::de::IgnoredAny>,
) -> Result<Response, AdminError> {
    editable(&app, &session, id).await?;
    let (_, manuscript) = saved_manuscript(&app, id, revision_id).await?;
    save_manuscript(&app, &session.user, Some(id), None, manuscript, SaveAction::Save).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}?saved=restored")).into_response())
}

async fn saved_manuscript(
    app: &App,
    id: i64,
    revision_id: i64,
) -> Result<(crate::store::newsroom::RevisionInfo, Manuscript), AdminError> {
    let (info, snapshot) = app.store.revision(id, revision_id).await?.ok_or(AdminError::NotFound)?;
    let manuscript = serde_json::from_str(&snapshot).map_err(|e| AdminError::Internal(e.into()))?;
    Ok((info, manuscript))
}

fn diff_lines(before: &str, after: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(before, after)
        .iter_all_changes()
        .map(|change| {
            let (kind, sign) = match change.tag() {
                ChangeTag::Delete => ("delete", "−"),
                ChangeTag::Insert => ("insert", "+"),
                ChangeTag::Equal => ("equal", " "),
            };
            DiffLine { kind, sign, text: change.value().trim_end_matches('\n').to_owned() }
        })
        .collect()
}

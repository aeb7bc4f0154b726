//! The media library: uploading images (authors and above) and finding earlier uploads
//! to reuse. An upload is checked by decoding it, within size and pixel limits, its
//! metadata stripped and its responsive variants made off the request threads (see
//! [`crate::publishing::media`]); a refused one stores nothing and says why.

use std::sync::Arc;

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::screen::Screen;
use super::session::{Session, same_origin};
use super::{capitalised, when};
use crate::app::App;
use crate::auth::secret;
use crate::domain::paging::{PageNumber, Paging};
use crate::media::MediaError;
use crate::publishing::media::add_image;
use crate::store::MediaItem;

/// Uploads shown on one page of the library.
const PER_PAGE: u32 = 30;

/// Room for the form's other fields and the multipart framing beyond the image itself.
pub const FORM_OVERHEAD_BYTES: usize = 64 * 1024;

#[derive(Serialize)]
struct MediaRow {
    id: i64,
    path: String,
    thumbnail: String,
    name: String,
    size: String,
    alt: String,
    uploaded: String,
}

#[derive(Serialize)]
struct LibraryPage {
    items: Vec<MediaRow>,
    results_line: String,
    prev: Option<String>,
    next: Option<String>,
    added: Option<MediaRow>,
    max_mb: u64,
}

fn row(item: &MediaItem, app: &App) -> MediaRow {
    let thumbnail = item.variants.iter().find(|v| v.width >= 240).map_or_else(|| item.path.clone(), |v| v.path.clone());
    MediaRow {
        id: item.id,
        path: item.path.clone(),
        thumbnail,
        name: item.original_name.clone(),
        size: format!("{} × {}", item.width, item.height),
        alt: item.alt.clone(),
        uploaded: when(item.created_at, &app.tz),
    }
}

fn require_uploader(session: &Session) -> Result<(), AdminError> {
    if session.user.role.can_upload() {
        Ok(())
    } else {
        Err(AdminError::Forbidden("contributors cannot upload; ask an editor to add the image".into()))
    }
}

/// Which page of the library, and which upload to confirm.
#[derive(Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    added: Option<i64>,
}

async fn library(app: &App, page: PageNumber, added: Option<MediaItem>) -> Result<LibraryPage, AdminError> {
    let probe = Paging::new(page, PER_PAGE, 0);
    let found = app.store.list_media(probe.offset(), PER_PAGE).await?;
    let paging = Paging::new(page, PER_PAGE, found.total);
    let link = |n: u32| format!("/admin/media?page={n}");
    Ok(LibraryPage {
        items: found.items.iter().map(|i| row(i, app)).collect(),
        results_line: if found.total == 0 { "No uploads yet.".into() } else { paging.results_line() },
        prev: paging.prev().map(link),
        next: paging.next().map(link),
        added: added.as_ref().map(|i| row(i, app)),
        max_mb: app.settings.media.max_upload_bytes / 1_000_000,
    })
}

/// `GET /admin/media`.
pub async fn show_library(
    State(app): State<Arc<App>>,
    session: Session,
    Query(query): Query<LibraryQuery>,
) -> Result<Response, AdminError> {
    require_uploader(&session)?;
    let page = match query.page.as_deref() {
        None | Some("") => PageNumber::FIRST,
        Some(text) => PageNumber::parse(text).ok_or_else(|| AdminError::BadRequest("no such page".into()))?,
    };
    let added = match query.added {
        Some(id) => app.store.media_by_id(id).await?,
        None => None,
    };
    let notice = added.is_some().then_some("Uploaded. Its address is below, ready to use as a featured image.");
    let view = library(&app, page, added).await?;
    Ok(Screen::signed("Media", &session).notice(notice).render(&app, "media.html", view)?.into_response())
}

/// What an upload form carried.
#[derive(Default)]
struct Upload {
    csrf: String,
    alt: String,
    caption: String,
    file: Option<(String, Vec<u8>)>,
}

/// Reads the upload form; an image past the body limit reads as too large.
async fn read_upload(mut form: Multipart, limit: u64) -> Result<Upload, MediaError> {
    let too_large = || MediaError::TooLarge { bytes: limit + 1, limit };
    let mut upload = Upload::default();
    while let Some(field) = form.next_field().await.map_err(|_| too_large())? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or("image").to_owned();
                let bytes = field.bytes().await.map_err(|_| too_large())?;
                upload.file = Some((file_name, bytes.to_vec()));
            }
            "csrf" | "alt" | "caption" => {
                let text = field.text().await.map_err(|_| too_large())?;
                match name.as_str() {
                    "csrf" => upload.csrf = text,
                    "alt" => upload.alt = text,
                    _ => upload.caption = text,
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /admin/media`: one image, checked, processed and added to the library.
pub async fn upload_image(
    State(app): State<Arc<App>>,
    session: Session,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Response, AdminError> {
    require_uploader(&session)?;
    if !same_origin(&headers) {
        return Err(AdminError::BadToken);
    }
    let result = match read_upload(form, app.settings.media.max_upload_bytes).await {
        Ok(upload) if !secret::same(&upload.csrf, &session.csrf) => return Err(AdminError::BadToken),
        Ok(Upload { file: None, .. }) => Err(MediaError::Empty),
        Ok(Upload { file: Some((name, bytes)), alt, caption, .. }) => {
            add_image(&app, bytes, &name, &alt, &caption, Some(session.user.id)).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(item) => Ok(Redirect::to(&format!("/admin/media?added={}", item.id)).into_response()),
        Err(e) if e.is_refusal() => {
            let problem = capitalised(&e.to_string());
            let view = library(&app, PageNumber::FIRST, None).await?;
            let html = Screen::signed("Media", &session).problem(Some(&problem)).render(&app, "media.html", view)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(AdminError::Internal(e.into())),
    }
}

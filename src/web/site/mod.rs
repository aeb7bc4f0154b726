//! The public site: one file per kind of page.

pub mod archive;
pub mod article;
pub mod assets;
pub mod cards;
pub mod chrome;
pub mod errors;
pub mod home;
pub mod media;
pub mod rates;
pub mod redirects;
pub mod search;

use axum::response::{Html, IntoResponse, Response};
use minijinja::Value;
use serde::Serialize;

use super::error::AppError;
use crate::app::App;
use crate::render::views::Meta;

/// What a page template sees.
#[derive(Serialize)]
struct PageContext<T> {
    /// The shared snapshot, passed to the template as it is rather than serialised again.
    chrome: Value,
    meta: Meta,
    page: T,
}

/// Renders the first existing template of `names` with the chrome, `meta` and `page`.
pub async fn render_page(app: &App, names: &[&str], meta: Meta, page: impl Serialize) -> Result<Response, AppError> {
    let chrome = chrome::current_chrome(app).await?;
    let html = app.renderer.render(names, &PageContext { chrome, meta, page })?;
    Ok(Html(html).into_response())
}

/// The document title: `Page — Site`.
pub fn title(app: &App, page: &str) -> String {
    format!("{page} — {}", app.settings.site.name)
}

//! Paged listings: further pages of the front page, country, section, topic and author
//! archives, and month archives.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use minijinja::Value;
use serde::{Deserialize, Serialize};

use super::cards::card_values;
use super::{render_page, title};
use crate::app::App;
use crate::domain::paging::{PageNumber, Paging};
use crate::domain::taxonomy::TagKind;
use crate::render::views::{Meta, Pager};
use crate::store::ListingFilter;
use crate::web::error::AppError;
use crate::web::extract::{Segments, page_number, slug};

/// Path parameters of an archive: a slug (or a year and month) and an optional page.
#[derive(Deserialize)]
pub struct ArchiveParams {
    slug: Option<String>,
    year: Option<String>,
    month: Option<String>,
    n: Option<String>,
}

#[derive(Serialize)]
struct ListingView {
    heading: String,
    description: Option<String>,
    /// Template objects ([`card_values`]).
    cards: Vec<Value>,
    pager: Pager,
}

/// What a listing shows and where it lives.
struct ListingSpec {
    filter: ListingFilter,
    base: String,
    heading: String,
    description: Option<String>,
    template: String,
}

/// `GET /page/{n}/`.
pub async fn list_latest(
    State(app): State<Arc<App>>,
    Segments(p): Segments<ArchiveParams>,
) -> Result<Response, AppError> {
    let spec = ListingSpec {
        filter: ListingFilter::All,
        base: "/".to_owned(),
        heading: "Latest news".to_owned(),
        description: None,
        template: "listing-latest.html".to_owned(),
    };
    show_listing(&app, spec, p.n.as_deref()).await
}

/// `GET /country/{slug}/`.
pub async fn list_country_archive(
    state: State<Arc<App>>,
    params: Segments<ArchiveParams>,
) -> Result<Response, AppError> {
    tag_archive(state, params, TagKind::Country).await
}

/// `GET /section/{slug}/`.
pub async fn list_section_archive(
    state: State<Arc<App>>,
    params: Segments<ArchiveParams>,
) -> Result<Response, AppError> {
    tag_archive(state, params, TagKind::Section).await
}

/// `GET /tag/{slug}/`.
pub async fn list_topic_archive(state: State<Arc<App>>, params: Segments<ArchiveParams>) -> Result<Response, AppError> {
    tag_archive(state, params, TagKind::Topic).await
}

async fn tag_archive(
    State(app): State<Arc<App>>,
    Segments(p): Segments<ArchiveParams>,
    kind: TagKind,
) -> Result<Response, AppError> {
    let slug = slug(p.slug.as_deref().unwrap_or_default())?;
    let tag = app.store.tag(kind, &slug).await?.ok_or(AppError::NotFound)?;
    let description = match kind {
        TagKind::Country => format!("News from {}", tag.name),
        TagKind::Section => format!("{} news from Central Asia", tag.name),
        TagKind::Topic => format!("Articles about {}", tag.name),
    };
    let spec = ListingSpec {
        filter: ListingFilter::Tag(tag.id),
        base: tag.path(),
        template: format!("listing-{}.html", kind.as_str()),
        heading: tag.name,
        description: Some(description),
    };
    show_listing(&app, spec, p.n.as_deref()).await
}

/// `GET /author/{slug}/`.
pub async fn list_author_archive(
    State(app): State<Arc<App>>,
    Segments(p): Segments<ArchiveParams>,
) -> Result<Response, AppError> {
    let slug = slug(p.slug.as_deref().unwrap_or_default())?;
    let author = app.store.author(&slug).await?.ok_or(AppError::NotFound)?;
    let spec = ListingSpec {
        filter: ListingFilter::Author(author.id),
        base: author.path(),
        description: author.bio.clone().or_else(|| Some(format!("Articles by {}", author.name))),
        heading: author.name,
        template: "listing-author.html".to_owned(),
    };
    show_listing(&app, spec, p.n.as_deref()).await
}

/// `GET /{yyyy}/{mm}/`.
pub async fn list_month_archive(
    State(app): State<Arc<App>>,
    Segments(p): Segments<ArchiveParams>,
) -> Result<Response, AppError> {
    let first = month_start(p.year.as_deref().unwrap_or_default(), p.month.as_deref().unwrap_or_default())
        .ok_or(AppError::NotFound)?;
    let next = first.checked_add(jiff::Span::new().months(1)).map_err(|_| AppError::NotFound)?;
    let at = |d: Date| d.to_zoned_datetime(app.tz.clone()).map(|z| z.timestamp()).map_err(|_| AppError::NotFound);
    let spec = ListingSpec {
        filter: ListingFilter::Period { from: at(first)?, until: at(next)? },
        base: format!("/{}/", first.strftime("%Y/%m")),
        heading: first.strftime("%B %Y").to_string(),
        description: None,
        template: "listing-month.html".to_owned(),
    };
    show_listing(&app, spec, p.n.as_deref()).await
}

/// The first day of a month named by `2025` and `12`; exactly four and two digits.
fn month_start(year: &str, month: &str) -> Option<Date> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return None;
    }
    let year: i16 = year.parse().ok()?;
    let month: i8 = month.parse().ok()?;
    if year < 1970 {
        return None;
    }
    Date::new(year, month, 1).ok()
}

async fn show_listing(app: &App, spec: ListingSpec, page: Option<&str>) -> Result<Response, AppError> {
    let page = match page {
        None => PageNumber::FIRST,
        Some(segment) => {
            let n = page_number(segment)?;
            if n == PageNumber::FIRST {
                return Ok(Redirect::permanent(&spec.base).into_response());
            }
            n
        }
    };
    let per_page = app.settings.site.per_page;
    let offset = u64::from(page.get() - 1) * u64::from(per_page);
    let words = app.settings.site.excerpt_words;
    let generation = app.pages.generation();
    let listing = app.store.list_published(&spec.filter, app.now(), offset, per_page, words).await?;
    let paging = Paging::new(page, per_page, listing.total);
    if !paging.exists() {
        return Err(AppError::NotFound);
    }
    let pager = Pager::new(&paging, &spec.base);
    let heading =
        if page.get() > 1 { format!("{} — page {}", spec.heading, page.get()) } else { spec.heading.clone() };
    let meta = Meta {
        title: title(app, &heading),
        description: spec.description.clone().unwrap_or_else(|| heading.clone()),
        canonical: crate::render::views::page_url(&spec.base, page.get()),
        prev: pager.prev.clone(),
        next: pager.next.clone(),
        feed: crate::web::feeds::feed_path(&spec.base),
        ..Meta::default()
    };
    let view = ListingView {
        heading: spec.heading,
        description: spec.description,
        cards: card_values(app, generation, listing.items, words).collect(),
        pager,
    };
    render_page(app, &[&spec.template, "listing.html"], meta, view).await
}

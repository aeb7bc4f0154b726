//! `GET /api/v1/articles` (filters, pages, field selection) and
//! `GET /api/v1/articles/{slug}`: published articles as JSON, in the shape the OpenAPI
//! document describes.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::{ApiError, json};
use crate::app::App;
use crate::domain::article::{Article, Language};
use crate::domain::excerpt::excerpt;
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::render::seo::absolute;
use crate::store::ArticleQuery;

/// Articles a page holds when the request does not say.
const DEFAULT_PER_PAGE: u32 = 15;
/// Most articles one page may hold.
const MAX_PER_PAGE: u32 = 100;
/// Highest page number accepted.
const MAX_PAGE: u32 = 100_000;

/// Every field of an article, in the order they are written; `id` and `slug` are always
/// sent, whatever `fields` asks.
pub const FIELDS: [&str; 15] = [
    "id",
    "slug",
    "url",
    "title",
    "dek",
    "excerpt",
    "html",
    "published_at",
    "updated_at",
    "language",
    "image",
    "authors",
    "tags",
    "country",
    "section",
];

/// An article as the API shows it.
#[derive(Debug, Serialize)]
pub struct ArticleResource {
    id: i64,
    slug: String,
    url: String,
    title: String,
    dek: Option<String>,
    excerpt: String,
    html: String,
    published_at: String,
    updated_at: String,
    language: String,
    image: Option<String>,
    authors: Vec<PersonRef>,
    tags: Vec<TagRef>,
    country: Option<TagRef>,
    section: Option<TagRef>,
}

/// An author named on an article.
#[derive(Debug, Serialize)]
pub struct PersonRef {
    slug: String,
    name: String,
    url: String,
}

/// A tag named on an article.
#[derive(Debug, Serialize)]
pub struct TagRef {
    kind: TagKind,
    slug: String,
    name: String,
    url: String,
}

impl ArticleResource {
    /// The API view of a stored article.
    pub fn new(app: &App, article: &Article) -> Self {
        let settings = &app.settings;
        let tag = |t: &Tag| TagRef {
            kind: t.kind,
            slug: t.slug.to_string(),
            name: t.name.clone(),
            url: absolute(settings, &t.path()),
        };
        let person = |a: &Author| PersonRef {
            slug: a.slug.to_string(),
            name: a.name.clone(),
            url: absolute(settings, &a.path()),
        };
        let first = |kind: TagKind| article.tags.iter().find(|t| t.kind == kind).map(tag);
        Self {
            id: article.id,
            slug: article.slug.to_string(),
            url: absolute(settings, &article.slug.path()),
            title: article.title.clone(),
            dek: article.dek.clone(),
            excerpt: article
                .excerpt
                .clone()
                .unwrap_or_else(|| excerpt(&article.body_text, settings.site.excerpt_words)),
            html: article.body_html.clone(),
            published_at: article.published_at.to_string(),
            updated_at: article.updated_at.max(article.published_at).to_string(),
            language: article.language.to_string(),
            image: article.featured_image.as_deref().map(|i| absolute(settings, i)),
            authors: article.authors.iter().map(person).collect(),
            tags: article.tags.iter().map(tag).collect(),
            country: first(TagKind::Country),
            section: first(TagKind::Section),
        }
    }
}

/// Page numbers of a listing.
#[derive(Debug, Serialize)]
pub struct Pagination {
    page: u32,
    per_page: u32,
    pages: u32,
    total: u64,
    next: Option<u32>,
    prev: Option<u32>,
}

impl Pagination {
    /// Page `page` of `per_page` in a listing of `total`.
    pub fn new(page: u32, per_page: u32, total: u64) -> Self {
        let pages = u32::try_from(total.div_ceil(u64::from(per_page))).unwrap_or(u32::MAX);
        Self {
            page,
            per_page,
            pages,
            total,
            next: (page < pages).then_some(page + 1),
            prev: (page > 1).then(|| (page - 1).min(pages.max(1))),
        }
    }
}

#[derive(Serialize)]
struct ListMeta {
    pagination: Pagination,
}

#[derive(Serialize)]
struct ArticleList {
    articles: Vec<serde_json::Value>,
    meta: ListMeta,
}

#[derive(Serialize)]
struct OneArticle {
    article: ArticleResource,
}

/// What a request for a listing asked, each parameter parsed.
struct ListRequest {
    page: u32,
    per_page: u32,
    fields: Option<BTreeSet<&'static str>>,
    country: Option<Slug>,
    section: Option<Slug>,
    tag: Option<Slug>,
    author: Option<Slug>,
    language: Option<Language>,
    from: Option<Date>,
    to: Option<Date>,
}

impl ListRequest {
    fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let value = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim());
        // An empty value is refused like any other that is not one, as the OpenAPI
        // document says: an API client that sends `to=` has a bug worth hearing about.
        let number = |name: &str, default: u32, max: u32| match value(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|n| text.bytes().all(|b| b.is_ascii_digit()) && (1..=max).contains(n))
                .ok_or_else(|| ApiError::BadRequest(format!("{name} must be a whole number from 1 to {max}."))),
        };
        let slug = |name: &str| match value(name) {
            None => Ok(None),
            Some(text) => Slug::parse(text)
                .map(Some)
                .map_err(|_| ApiError::BadRequest(format!("{name} must be a slug such as kazakhstan."))),
        };
        let date = |name: &str| match value(name) {
            None => Ok(None),
            Some(text) => parse_day(text)
                .map(Some)
                .ok_or_else(|| ApiError::BadRequest(format!("{name} must be a date written YYYY-MM-DD."))),
        };
        let language = match value("language") {
            None => None,
            Some(text) => Some(
                Language::parse(text)
                    .filter(|_| text.bytes().all(|b| b.is_ascii_lowercase()))
                    .ok_or_else(|| ApiError::BadRequest("language must be a code such as en or ru.".to_owned()))?,
            ),
        };
        Ok(Self {
            page: number("page", 1, MAX_PAGE)?,
            per_page: number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)?,
            fields: value("fields").map(parse_fields).transpose()?,
            country: slug("country")?,
            section: slug("section")?,
            tag: slug("tag")?,
            author: slug("author")?,
            language,
            from: date("from")?,
            to: date("to")?,
        })
    }

    /// The store query, or `None` when a named tag or author does not exist, so that
    /// nothing can match.
    async fn query(&self, app: &App) -> Result<Option<ArticleQuery>, ApiError> {
        let mut query = ArticleQuery { language: self.language.clone(), ..ArticleQuery::default() };
        for (kind, slug) in
            [(TagKind::Country, &self.country), (TagKind::Section, &self.section), (TagKind::Topic, &self.tag)]
        {
            if let Some(slug) = slug {
                match app.store.tag(kind, slug).await? {
                    Some(tag) => query.tags.push(tag.id),
                    None => return Ok(None),
                }
            }
        }
        if let Some(slug) = &self.author {
            match app.store.author(slug).await? {
                Some(author) => query.author = Some(author.id),
                None => return Ok(None),
            }
        }
        let start = |day: Date| -> Result<Timestamp, ApiError> {
            day.to_zoned_datetime(app.tz.clone()).map(|z| z.timestamp()).map_err(|e| ApiError::Internal(e.into()))
        };
        query.from = self.from.map(start).transpose()?;
        // The last day there is has no morrow: it leaves the range open.
        query.until = self.to.and_then(|to| to.tomorrow().ok()).map(start).transpose()?;
        Ok(Some(query))
    }
}

/// `YYYY-MM-DD`, exactly.
fn parse_day(text: &str) -> Option<Date> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shaped.then(|| text.parse().ok()).flatten()
}

/// `title,url` into known field names.
fn parse_fields(text: &str) -> Result<BTreeSet<&'static str>, ApiError> {
    let mut chosen: BTreeSet<&'static str> = ["id", "slug"].into();
    for name in text.split(',').map(str::trim) {
        let known = FIELDS.iter().find(|f| **f == name).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{name:?} is not a field of an article; the fields are {}.",
                FIELDS.join(", ")
            ))
        })?;
        chosen.insert(known);
    }
    Ok(chosen)
}

/// The article as JSON, keeping only `fields` when the request chose some.
fn select(resource: &ArticleResource, fields: Option<&BTreeSet<&'static str>>) -> Result<serde_json::Value, ApiError> {
    let mut value = serde_json::to_value(resource).map_err(|e| ApiError::Internal(e.into()))?;
    if let (Some(fields), Some(object)) = (fields, value.as_object_mut()) {
        object.retain(|name, _| fields.contains(name.as_str()));
    }
    Ok(value)
}

/// `GET /api/v1/articles?country=&section=&tag=&author=&language=&from=&to=&page=&per_page=&fields=`.
pub async fn list_articles(
    State(app): State<Arc<App>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let request = ListRequest::parse(&pairs)?;
    let now = app.now();
    let (articles, total) = match request.query(&app).await? {
        Some(query) => {
            let offset = u64::from(request.page - 1) * u64::from(request.per_page);
            let total = app.store.count_articles(&query, now).await?;
            let articles = if offset < total {
                app.store.find_articles(&query, now, offset, request.per_page).await?
            } else {
                Vec::new()
            };
            (articles, total)
        }
        None => (Vec::new(), 0),
    };
    let articles = articles
        .iter()
        .map(|a| select(&ArticleResource::new(&app, a), request.fields.as_ref()))
        .collect::<Result<_, _>>()?;
    let pagination = Pagination::new(request.page, request.per_page, total);
    Ok(json(&ArticleList { articles, meta: ListMeta { pagination } }))
}

/// `GET /api/v1/articles/{slug}`.
pub async fn show_article(
    State(app): State<Arc<App>>,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(slug) = slug.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let missing = || ApiError::NotFound(format!("No published article has the slug {slug:?}."));
    let parsed = Slug::parse(&slug).map_err(|_| missing())?;
    let article = app.store.published_article(&parsed, app.now()).await?.ok_or_else(missing)?;
    Ok(json(&OneArticle { article: ArticleResource::new(&app, &article) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_names_its_neighbours() {
        let p = Pagination::new(2, 15, 40);
        assert_eq!((p.pages, p.next, p.prev), (3, Some(3), Some(1)));
        let empty = Pagination::new(1, 15, 0);
        assert_eq!((empty.pages, empty.next, empty.prev), (0, None, None));
        let past = Pagination::new(9, 15, 40);
        assert_eq!((past.next, past.prev), (None, Some(3)));
    }

    #[test]
    fn fields_are_known_names_and_always_keep_the_identity() {
        let chosen = parse_fields("title, url").expect("known fields");
        assert_eq!(chosen.into_iter().collect::<Vec<_>>(), ["id", "slug", "title", "url"]);
        assert!(parse_fields("title,password").is_err());
    }
}

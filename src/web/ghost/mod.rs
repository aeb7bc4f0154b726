//! The Ghost Content API shape under `/ghost/api/content/`: posts, tags, authors, pages
//! (none: Qalam has articles only) and settings, answered the way Ghost 5 answers them,
//! so that Ghost's own clients (`@tryghost/content-api`), themes and integrations can read
//! a Qalam newsroom.
//!
//! Supported: `key`, `limit` (a number or `all`), `page`, `include` (`tags`, `authors`,
//! `count.posts`), `fields`, `formats` (`html`, `plaintext`) and `filter` with the terms
//! integrations use most: `tag:`, `tags:`, `primary_tag:`, `author:`, `authors:` and
//! `primary_author:` a slug, joined by `+`. Ids are Qalam's store identities written as
//! Ghost writes its ids, 24 hexadecimal digits.

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::domain::article::Article;
use crate::domain::excerpt::excerpt;
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::render::seo::{absolute, article_section, logo_url};
use crate::store::{ArticleQuery, AuthorStats, StoreError, TagStats};
use crate::web::api::access::{Refusal, check_key, presented_key};

/// Items a page holds when `limit` is not given, as in Ghost.
const DEFAULT_LIMIT: u32 = 15;
/// Most posts one answer may carry, `limit=all` included: a newsroom's whole archive
/// is too much for one JSON document.
const MAX_POSTS: u32 = 1000;
/// Words read a minute, for `reading_time`.
const WORDS_PER_MINUTE: usize = 265;
/// Words of the automatic `excerpt`.
const EXCERPT_WORDS: usize = 50;

/// An error in Ghost's shape: `{"errors":[{"message":…,"type":…}]}`.
#[derive(Debug)]
pub struct GhostError {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl GhostError {
    fn not_found(what: &str) -> Self {
        Self { status: StatusCode::NOT_FOUND, kind: "NotFoundError", message: format!("{what} not found.") }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, kind: "BadRequestError", message: message.into() }
    }
}

impl From<StoreError> for GhostError {
    fn from(e: StoreError) -> Self {
        Self {
            status: crate::web::error::failure_status(&e.into(), "Ghost API request failed"),
            kind: "InternalServerError",
            message: "The request could not be answered just now.".to_owned(),
        }
    }
}

impl IntoResponse for GhostError {
    fn into_response(self) -> Response {
        let body = json!({ "errors": [{
            "message": self.message,
            "context": null,
            "type": self.kind,
            "details": null,
            "property": null,
            "help": null,
            "code": null,
        }]});
        let mut response = answer(&body);
        *response.status_mut() = self.status;
        crate::web::error::retry_later(&mut response);
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}

fn answer(value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60")),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot write a Ghost API answer");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Refuses requests without a valid key, with Ghost's error shape.
pub async fn guard_ghost(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    match check_key(&app, presented_key(request.uri().query(), request.headers())).await {
        Ok(()) => next.run(request).await,
        Err(Refusal::Store(e)) => GhostError::from(e).into_response(),
        Err(refusal) => {
            GhostError { status: StatusCode::UNAUTHORIZED, kind: "UnauthorizedError", message: refusal.to_string() }
                .into_response()
        }
    }
}

/// Any address under `/ghost/api/content/` that names no resource.
pub async fn ghost_not_found(uri: Uri) -> GhostError {
    GhostError::not_found(&format!("Resource {}", uri.path()))
}

/// A Ghost id: the store identity in 24 hexadecimal digits.
fn ghost_id(id: i64) -> String {
    format!("{id:024x}")
}

fn parse_id(text: &str) -> Option<i64> {
    (text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit())).then(|| i64::from_str_radix(text, 16).ok())?
}

/// The query parameters Ghost clients send, parsed.
struct Params {
    limit: Option<u32>,
    page: u32,
    include: Vec<String>,
    fields: Option<Vec<String>>,
    formats: Vec<String>,
    filter: Option<String>,
}

impl Params {
    fn parse(pairs: &[(String, String)]) -> Result<Self, GhostError> {
        let value = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim());
        let list = |name: &str| -> Vec<String> {
            value(name)
                .map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default()
        };
        let number = |name: &str, text: &str| {
            text.parse::<u32>()
                .ok()
                .filter(|n| *n >= 1 && text.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| GhostError::bad_request(format!("Validation error, cannot read {name}: {text:?}.")))
        };
        let limit = match value("limit") {
            None | Some("") => Some(DEFAULT_LIMIT),
            Some("all") => None,
            Some(text) => Some(number("limit", text)?),
        };
        let page = match value("page") {
            None | Some("") => 1,
            Some(text) => number("page", text)?,
        };
        let formats = list("formats");
        Ok(Self {
            limit,
            page,
            include: list("include"),
            fields: value("fields").filter(|f| !f.is_empty()).map(|_| list("fields")),
            formats: if formats.is_empty() { vec!["html".to_owned()] } else { formats },
            filter: value("filter").filter(|f| !f.is_empty()).map(str::to_owned),
        })
    }

    fn includes(&self, what: &str) -> bool {
        self.include.iter().any(|i| i == what)
    }

    /// Keeps only the fields asked for, when some were.
    fn select(&self, mut value: Value) -> Value {
        if let (Some(fields), Some(object)) = (&self.fields, value.as_object_mut()) {
            object.retain(|name, _| fields.iter().any(|f| f == name));
        }
        value
    }
}

fn pagination(page: u32, limit: Option<u32>, total: u64) -> Value {
    let per_page = limit.map_or(total.max(1), u64::from);
    let pages = u32::try_from(total.div_ceil(per_page).max(1)).unwrap_or(u32::MAX);
    json!({ "pagination": {
        "page": page,
        "limit": limit.map_or(json!("all"), |l| json!(l)),
        "pages": pages,
        "total": total,
        "next": (page < pages).then_some(page + 1),
        "prev": (page > 1).then(|| page - 1),
    }})
}

fn query_pairs(query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Result<Params, GhostError> {
    let Query(pairs) = query.map_err(|e| GhostError::bad_request(e.body_text()))?;
    Params::parse(&pairs)
}

// ---------------------------------------------------------------------------------------
// Posts

fn tag_json(app: &App, tag: &Tag, count: Option<u64>) -> Value {
    let mut value = json!({
        "id": ghost_id(tag.id),
        "name": tag.name,
        "slug": tag.slug.as_str(),
        "description": null,
        "feature_image": null,
        "visibility": "public",
        "og_image": null,
        "og_title": null,
        "og_description": null,
        "twitter_image": null,
        "twitter_title": null,
        "twitter_description": null,
        "meta_title": null,
        "meta_description": null,
        "codeinjection_head": null,
        "codeinjection_foot": null,
        "canonical_url": null,
        "accent_color": null,
        "url": absolute(&app.settings, &tag.path()),
    });
    if let Some(posts) = count {
        value["count"] = json!({ "posts": posts });
    }
    value
}

fn author_json(app: &App, author: &Author, count: Option<u64>) -> Value {
    let mut value = json!({
        "id": ghost_id(author.id),
        "name": author.name,
        "slug": author.slug.as_str(),
        "profile_image": null,
        "cover_image": null,
        "bio": author.bio,
        "website": null,
        "location": null,
        "facebook": null,
        "twitter": null,
        "meta_title": null,
        "meta_description": null,
        "url": absolute(&app.settings, &author.path()),
    });
    if let Some(posts) = count {
        value["count"] = json!({ "posts": posts });
    }
    value
}

fn post_json(app: &App, article: &Article, params: &Params) -> Value {
    let settings = &app.settings;
    let custom_excerpt = article.excerpt.clone().or_else(|| article.dek.clone());
    let words = article.body_text.split_whitespace().count();
    let mut post = Map::new();
    let mut put = |name: &str, value: Value| {
        post.insert(name.to_owned(), value);
    };
    put("id", json!(ghost_id(article.id)));
    put("uuid", json!(format!("00000000-0000-4000-8000-{:012x}", article.id)));
    put("title", json!(article.title));
    put("slug", json!(article.slug.as_str()));
    if params.formats.iter().any(|f| f == "html") {
        put("html", json!(article.body_html));
    }
    if params.formats.iter().any(|f| f == "plaintext") {
        put("plaintext", json!(article.body_text));
    }
    put("comment_id", json!(ghost_id(article.id)));
    put("feature_image", json!(article.featured_image.as_deref().map(|i| absolute(settings, i))));
    put("feature_image_alt", Value::Null);
    put("feature_image_caption", Value::Null);
    put("featured", json!(false));
    put("visibility", json!("public"));
    put("created_at", json!(article.published_at.to_string()));
    put("updated_at", json!(article.updated_at.max(article.published_at).to_string()));
    put("published_at", json!(article.published_at.to_string()));
    put("custom_excerpt", json!(custom_excerpt));
    put("codeinjection_head", Value::Null);
    put("codeinjection_foot", Value::Null);
    put("custom_template", Value::Null);
    put("canonical_url", Value::Null);
    put("url", json!(absolute(settings, &article.slug.path())));
    put("excerpt", json!(custom_excerpt.clone().unwrap_or_else(|| excerpt(&article.body_text, EXCERPT_WORDS))));
    put("reading_time", json!(words.div_ceil(WORDS_PER_MINUTE)));
    put("access", json!(true));
    put("comments", json!(false));
    put("og_image", Value::Null);
    put("og_title", Value::Null);
    put("og_description", Value::Null);
    put("twitter_image", Value::Null);
    put("twitter_title", Value::Null);
    put("twitter_description", Value::Null);
    put("meta_title", Value::Null);
    put("meta_description", json!(custom_excerpt));
    put("email_subject", Value::Null);
    put("frontmatter", Value::Null);
    put("lang", json!(article.language.as_str()));
    if params.includes("tags") {
        // Ghost's primary tag comes first: the section, else the country.
        let mut tags: Vec<&Tag> = article.tags.iter().collect();
        if let Some(first) = article_section(article) {
            tags.sort_by_key(|t| t.id != first.id);
        }
        put("tags", Value::Array(tags.iter().map(|t| tag_json(app, t, None)).collect()));
        put("primary_tag", tags.first().map_or(Value::Null, |t| tag_json(app, t, None)));
    }
    if params.includes("authors") {
        put("authors", Value::Array(article.authors.iter().map(|a| author_json(app, a, None)).collect()));
        put("primary_author", article.authors.first().map_or(Value::Null, |a| author_json(app, a, None)));
    }
    params.select(Value::Object(post))
}

/// A tag of any kind by slug: countries first, then sections, then topics.
async fn tag_by_slug(app: &App, slug: &Slug) -> Result<Option<Tag>, GhostError> {
    for kind in TagKind::ALL {
        if let Some(tag) = app.store.tag(kind, slug).await? {
            return Ok(Some(tag));
        }
    }
    Ok(None)
}

/// Reads the supported part of Ghost's filter language into a store query; `None` when a
/// named tag or author does not exist, so that nothing matches.
async fn post_filter(app: &App, filter: Option<&str>) -> Result<Option<ArticleQuery>, GhostError> {
    let mut query = ArticleQuery::default();
    let Some(filter) = filter else { return Ok(Some(query)) };
    for term in filter.split('+').map(str::trim) {
        let (key, value) = term.split_once(':').ok_or_else(|| unsupported(term))?;
        let slug = Slug::parse(value.trim().trim_matches('\'')).map_err(|_| unsupported(term))?;
        match key.trim() {
            "tag" | "tags" | "primary_tag" | "tags.slug" | "primary_tag.slug" => match tag_by_slug(app, &slug).await? {
                Some(tag) => query.tags.push(tag.id),
                None => return Ok(None),
            },
            "author" | "authors" | "primary_author" | "authors.slug" | "primary_author.slug" => {
                match app.store.author(&slug).await? {
                    Some(author) if query.author.is_none_or(|a| a == author.id) => query.author = Some(author.id),
                    _ => return Ok(None),
                }
            }
            _ => return Err(unsupported(term)),
        }
    }
    Ok(Some(query))
}

fn unsupported(term: &str) -> GhostError {
    GhostError::bad_request(format!("Filter {term:?} is not supported: use tag:SLUG or author:SLUG, joined by +."))
}

/// `GET /ghost/api/content/posts/`.
pub async fn browse_posts(
    State(app): State<Arc<App>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let now = app.now();
    let limit = params.limit.unwrap_or(MAX_POSTS).min(MAX_POSTS);
    let (posts, total) = match post_filter(&app, params.filter.as_deref()).await? {
        Some(filter) => {
            let total = app.store.count_articles(&filter, now).await?;
            let offset = u64::from(params.page - 1) * u64::from(limit);
            let articles =
                if offset < total { app.store.find_articles(&filter, now, offset, limit).await? } else { Vec::new() };
            (articles.iter().map(|a| post_json(&app, a, &params)).collect::<Vec<_>>(), total)
        }
        None => (Vec::new(), 0),
    };
    let shown_limit = params.limit.map(|l| l.min(MAX_POSTS));
    Ok(answer(&json!({ "posts": posts, "meta": pagination(params.page, shown_limit, total) })))
}

/// `GET /ghost/api/content/posts/{id}/`.
pub async fn read_post(
    State(app): State<Arc<App>>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let Path(id) = id.map_err(|e| GhostError::bad_request(e.body_text()))?;
    let id = parse_id(&id).ok_or_else(|| GhostError::not_found("Post"))?;
    let now = app.now();
    let article = app
        .store
        .articles_by_id(&[id])
        .await?
        .into_iter()
        .find(|a| a.status == crate::domain::article::Status::Published && a.published_at <= now)
        .ok_or_else(|| GhostError::not_found("Post"))?;
    Ok(answer(&json!({ "posts": [post_json(&app, &article, &params)] })))
}

/// `GET /ghost/api/content/posts/slug/{slug}/`.
pub async fn read_post_by_slug(
    State(app): State<Arc<App>>,
    slug: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let Path(slug) = slug.map_err(|e| GhostError::bad_request(e.body_text()))?;
    let slug = Slug::parse(&slug).map_err(|_| GhostError::not_found("Post"))?;
    let article = app.store.published_article(&slug, app.now()).await?.ok_or_else(|| GhostError::not_found("Post"))?;
    Ok(answer(&json!({ "posts": [post_json(&app, &article, &params)] })))
}

/// `GET /ghost/api/content/pages/`: Qalam has no standalone pages.
pub async fn browse_pages(query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    Ok(answer(&json!({ "pages": [], "meta": pagination(params.page, params.limit, 0) })))
}

// ---------------------------------------------------------------------------------------
// Tags and authors

/// One page of `items`, and its `meta`.
fn page_of(items: Vec<Value>, params: &Params) -> (Vec<Value>, Value) {
    let total = u64::try_from(items.len()).unwrap_or(u64::MAX);
    let meta = pagination(params.page, params.limit, total);
    let page = match params.limit {
        Some(limit) => {
            let start = usize::try_from(u64::from(params.page - 1) * u64::from(limit)).unwrap_or(usize::MAX);
            items.into_iter().skip(start).take(usize::try_from(limit).unwrap_or(usize::MAX)).collect()
        }
        None if params.page == 1 => items,
        None => Vec::new(),
    };
    (page, meta)
}

fn tag_value(app: &App, stats: &TagStats, params: &Params) -> Value {
    params.select(tag_json(app, &stats.tag, params.includes("count.posts").then_some(stats.articles)))
}

fn author_value(app: &App, stats: &AuthorStats, params: &Params) -> Value {
    params.select(author_json(app, &stats.author, params.includes("count.posts").then_some(stats.articles)))
}

/// `GET /ghost/api/content/tags/`: tags with published articles, as Ghost lists public tags.
pub async fn browse_tags(
    State(app): State<Arc<App>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let stats = app.store.tag_stats(app.now()).await?;
    let items = stats.iter().filter(|t| t.articles > 0).map(|t| tag_value(&app, t, &params)).collect();
    let (tags, meta) = page_of(items, &params);
    Ok(answer(&json!({ "tags": tags, "meta": meta })))
}

/// `GET /ghost/api/content/tags/{id}/`.
pub async fn read_tag(
    State(app): State<Arc<App>>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let Path(id) = id.map_err(|e| GhostError::bad_request(e.body_text()))?;
    let id = parse_id(&id).ok_or_else(|| GhostError::not_found("Tag"))?;
    let stats = app.store.tag_stats(app.now()).await?;
    let found = stats.iter().find(|t| t.tag.id == id).ok_or_else(|| GhostError::not_found("Tag"))?;
    Ok(answer(&json!({ "tags": [tag_value(&app, found, &params)] })))
}

/// `GET /ghost/api/content/tags/slug/{slug}/`.
pub async fn read_tag_by_slug(
    State(app): State<Arc<App>>,
    slug: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let Path(slug) = slug.map_err(|e| GhostError::bad_request(e.body_text()))?;
    let slug = Slug::parse(&slug).map_err(|_| GhostError::not_found("Tag"))?;
    let tag = tag_by_slug(&app, &slug).await?.ok_or_else(|| GhostError::not_found("Tag"))?;
    let stats = app.store.tag_stats(app.now()).await?;
    let found = stats.iter().find(|t| t.tag.id == tag.id).ok_or_else(|| GhostError::not_found("Tag"))?;
    Ok(answer(&json!({ "tags": [tag_value(&app, found, &params)] })))
}

/// `GET /ghost/api/content/authors/`: authors with published articles.
pub async fn browse_authors(
    State(app): State<Arc<App>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let stats = app.store.author_stats(app.now()).await?;
    let items = stats.iter().filter(|a| a.articles > 0).map(|a| author_value(&app, a, &params)).collect();
    let (authors, meta) = page_of(items, &params);
    Ok(answer(&json!({ "authors": authors, "meta": meta })))
}

/// `GET /ghost/api/content/authors/{id}/`.
pub async fn read_author(
    State(app): State<Arc<App>>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let Path(id) = id.map_err(|e| GhostError::bad_request(e.body_text()))?;
    let id = parse_id(&id).ok_or_else(|| GhostError::not_found("Author"))?;
    let stats = app.store.author_stats(app.now()).await?;
    let found = stats.iter().find(|a| a.author.id == id).ok_or_else(|| GhostError::not_found("Author"))?;
    Ok(answer(&json!({ "authors": [author_value(&app, found, &params)] })))
}

/// `GET /ghost/api/content/authors/slug/{slug}/`.
pub async fn read_author_by_slug(
    State(app): State<Arc<App>>,
    slug: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, GhostError> {
    let params = query_pairs(query)?;
    let Path(slug) = slug.map_err(|e| GhostError::bad_request(e.body_text()))?;
    let slug = Slug::parse(&slug).map_err(|_| GhostError::not_found("Author"))?;
    let stats = app.store.author_stats(app.now()).await?;
    let found = stats.iter().find(|a| a.author.slug == slug).ok_or_else(|| GhostError::not_found("Author"))?;
    Ok(answer(&json!({ "authors": [author_value(&app, found, &params)] })))
}

// ---------------------------------------------------------------------------------------
// Settings

/// `GET /ghost/api/content/settings/`: the site as Ghost describes one.
pub async fn browse_settings(State(app): State<Arc<App>>) -> Result<Response, GhostError> {
    let settings = &app.settings;
    let countries = app.store.tags(TagKind::Country).await?;
    let sections = app.store.tags(TagKind::Section).await?;
    let navigation: Vec<Value> = countries
        .iter()
        .chain(&sections)
        .map(|t| json!({ "label": t.name, "url": absolute(settings, &t.path()) }))
        .collect();
    let twitter = settings.site.twitter.as_deref().map(|h| format!("@{}", h.trim_start_matches('@')));
    Ok(answer(&json!({
        "settings": {
            "title": settings.site.name,
            "description": settings.site.description,
            "logo": logo_url(settings),
            "icon": absolute(settings, "/assets/favicon.svg"),
            "accent_color": null,
            "cover_image": null,
            "facebook": null,
            "twitter": twitter,
            "lang": "en",
            "locale": "en",
            "timezone": settings.site.timezone,
            "codeinjection_head": null,
            "codeinjection_foot": null,
            "navigation": navigation,
            "secondary_navigation": [],
            "meta_title": null,
            "meta_description": null,
            "og_image": null,
            "og_title": null,
            "og_description": null,
            "twitter_image": null,
            "twitter_title": null,
            "twitter_description": null,
            "members_support_address": null,
            "url": absolute(settings, "/"),
        },
        "meta": {},
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_ghost_ids_and_read_back() {
        assert_eq!(ghost_id(45), "00000000000000000000002d");
        assert_eq!(parse_id(&ghost_id(45)), Some(45));
        assert_eq!(parse_id("45"), None);
        assert_eq!(parse_id("zz000000000000000000002d"), None);
    }

    #[test]
    fn pagination_counts_pages_like_ghost() {
        let meta = pagination(2, Some(15), 40);
        assert_eq!(meta["pagination"]["pages"], 3);
        assert_eq!(meta["pagination"]["next"], 3);
        assert_eq!(meta["pagination"]["prev"], 1);
        let all = pagination(1, None, 40);
        assert_eq!((all["pagination"]["limit"].as_str(), all["pagination"]["pages"].as_u64()), (Some("all"), Some(1)));
    }
}

//! `GET /api/v1/tags` and `GET /api/v1/authors`: every country, section and topic, and
//! every author, with how many published articles each has.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Serialize;

use super::{ApiError, json};
use crate::app::App;
use crate::domain::taxonomy::TagKind;
use crate::render::seo::absolute;

#[derive(Serialize)]
struct TagList {
    tags: Vec<TagResource>,
}

#[derive(Serialize)]
struct TagResource {
    id: i64,
    kind: TagKind,
    slug: String,
    name: String,
    url: String,
    articles: u64,
    latest_published_at: Option<String>,
}

#[derive(Serialize)]
struct AuthorList {
    authors: Vec<AuthorResource>,
}

#[derive(Serialize)]
struct AuthorResource {
    id: i64,
    slug: String,
    name: String,
    bio: Option<String>,
    url: String,
    articles: u64,
    latest_published_at: Option<String>,
}

/// `GET /api/v1/tags?kind=country|section|topic`: by kind, then name.
pub async fn list_tags(
    State(app): State<Arc<App>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let kind = match pairs.iter().rev().find(|(k, _)| k == "kind").map(|(_, v)| v.trim()) {
        None => None,
        Some(text) => Some(
            TagKind::parse(text)
                .ok_or_else(|| ApiError::BadRequest("kind must be one of country, section or topic.".to_owned()))?,
        ),
    };
    let tags = app
        .store
        .tag_stats(app.now())
        .await?
        .into_iter()
        .filter(|t| kind.is_none_or(|k| t.tag.kind == k))
        .map(|t| TagResource {
            id: t.tag.id,
            kind: t.tag.kind,
            url: absolute(&app.settings, &t.tag.path()),
            slug: t.tag.slug.to_string(),
            name: t.tag.name,
            articles: t.articles,
            latest_published_at: t.latest.map(|l| l.to_string()),
        })
        .collect();
    Ok(json(&TagList { tags }))
}

/// `GET /api/v1/authors`: by name.
pub async fn list_authors(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let authors = app
        .store
        .author_stats(app.now())
        .await?
        .into_iter()
        .map(|a| AuthorResource {
            id: a.author.id,
            url: absolute(&app.settings, &a.author.path()),
            slug: a.author.slug.to_string(),
            name: a.author.name,
            bio: a.author.bio,
            articles: a.articles,
            latest_published_at: a.latest.map(|l| l.to_string()),
        })
        .collect();
    Ok(json(&AuthorList { authors }))
}

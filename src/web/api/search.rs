//! `GET /api/v1/search?q=…`: the search page's results as JSON, with the matched words
//! of each excerpt marked.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Serialize;

use super::{ApiError, json};
use crate::app::App;
use crate::domain::excerpt::excerpt;
use crate::domain::paging::MAX_PAGE;
use crate::domain::taxonomy::TagKind;
use crate::search::SortOrder;
use crate::web::site::search::{SearchFailure, SearchInput, SearchParams, find};

/// Most results one answer may carry.
const MAX_PER_PAGE: u32 = 50;

#[derive(Serialize)]
struct SearchAnswer {
    query: String,
    sort: &'static str,
    total: u64,
    page: u32,
    per_page: u32,
    pages: u32,
    items: Vec<SearchItem>,
    suggestion: Option<String>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct SearchItem {
    slug: String,
    url: String,
    title: String,
    dek: Option<String>,
    published_at: String,
    language: String,
    country: Option<String>,
    authors: Vec<String>,
    excerpt: String,
    highlights: Highlights,
}

/// The headline and excerpt as HTML, escaped, with matched words in `<mark>`.
#[derive(Serialize)]
struct Highlights {
    title: String,
    excerpt: String,
}

impl From<SearchFailure> for ApiError {
    fn from(e: SearchFailure) -> Self {
        match e {
            SearchFailure::NoSuchPage(_) => ApiError::NotFound(e.to_string()),
            SearchFailure::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

/// `GET /api/v1/search?q=…&page=n&per_page=n&sort=date&from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub async fn search_articles(
    State(app): State<Arc<App>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    // Unlike the search form, which sends `page=` when left blank, an API client that
    // sends an empty number has a bug worth hearing about, as in `/articles`.
    if pairs.iter().any(|(k, v)| k == "page" && v.trim().is_empty()) {
        return Err(ApiError::BadRequest(format!("page must be a whole number from 1 to {MAX_PAGE}.")));
    }
    let input = SearchInput::parse(&SearchParams::from_pairs(&pairs)).map_err(ApiError::BadRequest)?;
    let per_page = match pairs.iter().find(|(k, _)| k == "per_page").map(|(_, v)| v.trim()) {
        None => app.settings.site.per_page,
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|number| n.bytes().all(|b| b.is_ascii_digit()) && (1..=MAX_PER_PAGE).contains(number))
            .ok_or_else(|| {
                ApiError::BadRequest(format!("per_page must be a whole number from 1 to {MAX_PER_PAGE}."))
            })?,
    };
    let mut answer = SearchAnswer {
        query: input.text.clone(),
        sort: if input.sort == SortOrder::Date { "date" } else { "relevance" },
        total: 0,
        page: input.page.get(),
        per_page,
        pages: 0,
        items: Vec::new(),
        suggestion: None,
        notes: input.notes.clone(),
    };
    if input.asks() {
        let found = find(&app, &input, per_page).await?;
        let words = app.settings.site.excerpt_words;
        let highlight = &found.highlight;
        answer.total = found.paging.total;
        answer.pages = if found.paging.total == 0 { 0 } else { found.paging.last_page() };
        answer.suggestion = found.suggestion;
        answer.items = found
            .items
            .iter()
            .map(|article| {
                let text = article.excerpt.clone().unwrap_or_else(|| excerpt(&article.lead_text, words));
                SearchItem {
                    slug: article.slug.to_string(),
                    url: format!("{}/{}/", app.settings.site.base_url.trim_end_matches('/'), article.slug),
                    title: article.title.clone(),
                    dek: article.dek.clone(),
                    published_at: article.published_at.to_string(),
                    language: article.language.to_string(),
                    country: article.first_tag(TagKind::Country).map(|t| t.name.clone()),
                    authors: article.authors.iter().map(|a| a.name.clone()).collect(),
                    highlights: Highlights {
                        title: highlight.mark(&article.title, &article.language),
                        excerpt: highlight.mark(&text, &article.language),
                    },
                    excerpt: text,
                }
            })
            .collect();
    }
    let mut response = json(&answer);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

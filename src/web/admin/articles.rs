//! The newsroom's article list, with filters by status, author, country and tag and a
//! search in headlines and slugs. Contributors see their own articles only.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::error::AdminError;
use super::screen::Screen;
use super::session::Session;
use super::when;
use crate::app::App;
use crate::domain::account::Role;
use crate::domain::article::Status;
use crate::domain::paging::{PageNumber, Paging};
use crate::domain::taxonomy::TagKind;
use crate::store::newsroom::NewsroomFilter;

/// Rows on one page of the list.
const PER_PAGE: u32 = 25;

/// The list's filters, as the form sends them; an empty field is no filter.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    author: String,
    country: String,
    tag: String,
    page: String,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    title: String,
    status: &'static str,
    authors: String,
    date: String,
    changed: String,
}

#[derive(Serialize)]
struct Choice {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct ListPage {
    filters: ListQuery,
    rows: Vec<Row>,
    results_line: String,
    prev: Option<String>,
    next: Option<String>,
    authors: Vec<Choice>,
    countries: Vec<Choice>,
    topics: Vec<Choice>,
}

fn id_filter(text: &str) -> Option<i64> {
    text.parse().ok().filter(|id| *id > 0)
}

/// `GET /admin/articles`.
pub async fn list_articles(
    State(app): State<Arc<App>>,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Response, AdminError> {
    let text = query.q.trim();
    let filter = NewsroomFilter {
        status: Status::parse(&query.status),
        author_id: id_filter(&query.author),
        tag_id: id_filter(&query.tag),
        country_id: id_filter(&query.country),
        owner_id: (session.user.role == Role::Contributor).then_some(session.user.id),
        text: (!text.is_empty()).then(|| text.chars().take(200).collect()),
    };
    let page = if query.page.is_empty() {
        PageNumber::FIRST
    } else {
        PageNumber::parse(&query.page).ok_or_else(|| AdminError::BadRequest("no such page".into()))?
    };
    let probe = Paging::new(page, PER_PAGE, 0);
    let (rows, total) = app.store.newsroom_articles(&filter, probe.offset(), PER_PAGE).await?;
    let paging = Paging::new(page, PER_PAGE, total);
    let link = |n: u32| {
        let mut q =
            serde_urlencoded::to_string(&ListQuery { page: n.to_string(), ..query.clone() }).unwrap_or_default();
        if q.is_empty() {
            q = format!("page={n}");
        }
        format!("/admin/articles?{q}")
    };
    let now = app.now();
    let choices = |tags: Vec<crate::domain::taxonomy::Tag>| -> Vec<Choice> {
        tags.into_iter().map(|t| Choice { id: t.id, name: t.name }).collect()
    };
    let authors = app
        .store
        .author_stats(now)
        .await?
        .into_iter()
        .map(|a| Choice { id: a.author.id, name: a.author.name })
        .collect();
    let view = ListPage {
        rows: rows
            .into_iter()
            .map(|r| Row {
                id: r.id,
                title: r.title,
                status: r.status.as_str(),
                authors: r.authors,
                date: when(r.published_at, &app.tz),
                changed: when(r.updated_at, &app.tz),
            })
            .collect(),
        results_line: if total == 0 { "No articles.".to_owned() } else { paging.results_line() },
        prev: paging.prev().map(link),
        next: paging.next().map(link),
        authors,
        countries: choices(app.store.tags(TagKind::Country).await?),
        topics: choices(app.store.tags(TagKind::Topic).await?),
        filters: query,
    };
    Ok(Screen::signed("Articles", &session).render(&app, "articles.html", view)?.into_response())
}

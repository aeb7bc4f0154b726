//! The search page, `/search?q=…&page=n`, and what it shares with the search API:
//! reading the parameters, running the search and loading the results from the store.
//!
//! Search pages bypass the page cache. Their key space is every query anyone types, so
//! caching them would let random queries evict the pages that matter; their results
//! follow the search index, which commits on its own schedule rather than with the
//! content generation; and one costs about a millisecond to answer afresh.

use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use minijinja::Value;
use serde::Serialize;

use super::cards::result_cards;
use super::{render_page, title};
use crate::app::App;
use crate::domain::article::ArticleSummary;
use crate::domain::paging::{MAX_PAGE, PageNumber, Paging};
use crate::render::marked_card;
use crate::render::views::{Link, Meta, Pager, PagerItem};
use crate::search::query::{MAX_CLAUSES, MAX_QUERY_CHARS, clean_query};
use crate::search::{HighlightTerms, ParsedQuery, SearchRequest, SortOrder};
use crate::web::error::AppError;

/// Address of the search page.
pub const SEARCH_PATH: &str = "/search";

/// The parameters of a search as sent; for a repeated parameter the first counts.
#[derive(Debug, Default)]
pub struct SearchParams {
    q: Option<String>,
    page: Option<String>,
    sort: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl SearchParams {
    /// Picks the known parameters out of a query string's pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let first = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Self { q: first("q"), page: first("page"), sort: first("sort"), from: first("from"), to: first("to") }
    }
}

/// A search read from its parameters: what to look for, where and in which order.
#[derive(Debug, Clone)]
pub struct SearchInput {
    /// The query as read and shown again (control characters removed, length bounded).
    pub text: String,
    /// The query understood.
    pub query: ParsedQuery,
    /// The page asked for.
    pub page: PageNumber,
    /// The order asked for.
    pub sort: SortOrder,
    /// First day of the date range.
    pub from: Option<Date>,
    /// Last day of the date range.
    pub to: Option<Date>,
    /// Things the reader should know about how the input was read.
    pub notes: Vec<String>,
}

impl SearchInput {
    /// Reads the parameters; the only refusal is a page number that is not one, which
    /// is the caller's to answer with a 400.
    pub fn parse(params: &SearchParams) -> Result<Self, String> {
        let page = match params.page.as_deref().map(str::trim) {
            None | Some("") => PageNumber::FIRST,
            Some(page) => PageNumber::parse(page)
                .ok_or_else(|| format!("The page number must be a whole number from 1 to {MAX_PAGE}."))?,
        };
        let raw = params.q.as_deref().unwrap_or_default();
        let (text, cut) = clean_query(raw);
        let query = ParsedQuery::parse(raw);
        let mut notes = Vec::new();
        if cut {
            notes.push(format!("Only the first {MAX_QUERY_CHARS} characters of the search were read."));
        } else if query.shortened {
            notes.push(format!("Only the first {MAX_CLAUSES} words and filters of the search were used."));
        }
        let mut date = |name: &str, value: Option<&str>| {
            let value = value.map(str::trim).filter(|v| !v.is_empty())?;
            match Date::from_str(value) {
                Ok(date) => Some(date),
                Err(_) => {
                    let shown: String = value.chars().take(40).collect();
                    notes.push(format!("“{shown}” is not a date like 2025-12-05, so the {name} date was ignored."));
                    None
                }
            }
        };
        let mut from = date("from", params.from.as_deref());
        let mut to = date("to", params.to.as_deref());
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            (from, to) = (Some(b), Some(a));
        }
        let sort = match params.sort.as_deref() {
            Some("date") => SortOrder::Date,
            _ => SortOrder::Relevance,
        };
        Ok(Self { text, query, page, sort, from, to, notes })
    }

    /// Whether anything at all was asked.
    pub fn asks(&self) -> bool {
        !self.query.is_empty() || self.from.is_some() || self.to.is_some()
    }

    /// The address of page `page` of these results, keeping the query, order and dates.
    pub fn url(&self, base: &str, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("q", self.text.clone())];
        if self.sort == SortOrder::Date {
            pairs.push(("sort", "date".to_owned()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        let mut url = format!("{base}?");
        for (i, (name, value)) in pairs.iter().enumerate() {
            if i > 0 {
                url.push('&');
            }
            url.push_str(name);
            url.push('=');
            encode_query_value(value, &mut url);
        }
        url
    }
}

/// Appends `value` percent-encoded for a query string: everything but unreserved
/// ASCII characters is encoded, so the result is safe in any attribute or header.
fn encode_query_value(value: &str, out: &mut String) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// One page of results, loaded from the store.
#[derive(Debug)]
pub struct Found {
    /// The page within all the results.
    pub paging: Paging,
    /// The articles of this page, in order.
    pub items: Vec<ArticleSummary>,
    /// What to mark in them.
    pub highlight: HighlightTerms,
    /// A query with misspelt words corrected, when this one found nothing.
    pub suggestion: Option<String>,
}

/// Why a search could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    /// The page asked for is past the last.
    #[error("there is no page {0} of these results")]
    NoSuchPage(u32),
    /// Something failed inside.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<SearchFailure> for AppError {
    fn from(e: SearchFailure) -> Self {
        match e {
            SearchFailure::NoSuchPage(_) => AppError::NotFound,
            SearchFailure::Internal(cause) => AppError::Internal(cause),
        }
    }
}

/// Runs `input` (which must ask something) and loads its page of `per_page` results.
pub async fn find(app: &App, input: &SearchInput, per_page: u32) -> Result<Found, SearchFailure> {
    let now = app.now();
    let day_start =
        |date: Date| -> anyhow::Result<Timestamp> { Ok(date.to_zoned_datetime(app.tz.clone())?.timestamp()) };
    let from = input.from.map(day_start).transpose()?;
    let until = input.to.map(|to| day_start(to.tomorrow()?)).transpose()?;
    let request = SearchRequest {
        query: &input.query,
        from,
        until,
        now,
        sort: input.sort,
        offset: usize::try_from(u64::from(input.page.get() - 1) * u64::from(per_page)).unwrap_or(usize::MAX),
        limit: usize::try_from(per_page).unwrap_or(1),
    };
    let hits = app.search.search(&request).map_err(anyhow::Error::from)?;
    let paging = Paging::new(input.page, per_page, hits.total);
    if !paging.exists() {
        return Err(SearchFailure::NoSuchPage(input.page.get()));
    }
    let words = app.settings.site.excerpt_words;
    let items = app.store.published_summaries(&hits.ids, now, words).await.map_err(anyhow::Error::from)?;
    let suggestion = if hits.total == 0 && !input.query.required.is_empty() {
        app.search.suggest(&request, &input.text).map_err(anyhow::Error::from)?
    } else {
        None
    };
    Ok(Found { paging, items, highlight: hits.highlight, suggestion })
}

#[derive(Serialize)]
struct SearchView {
    query: String,
    sort: &'static str,
    from: String,
    to: String,
    asked: bool,
    results_line: Option<String>,
    /// Result cards ([`marked_card`]).
    cards: Vec<Value>,
    pager: Option<Pager>,
    suggestion: Option<Link>,
    notes: Vec<String>,
}

/// `GET /search?q=…&page=n&sort=date&from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub async fn show_search(
    State(app): State<Arc<App>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let input = SearchInput::parse(&SearchParams::from_pairs(&pairs)).map_err(AppError::BadRequest)?;
    let mut view = SearchView {
        query: input.text.clone(),
        sort: if input.sort == SortOrder::Date { "date" } else { "relevance" },
        from: input.from.map(|d| d.to_string()).unwrap_or_default(),
        to: input.to.map(|d| d.to_string()).unwrap_or_default(),
        asked: input.asks(),
        results_line: None,
        cards: Vec::new(),
        pager: None,
        suggestion: None,
        notes: input.notes.clone(),
    };
    let mut meta = Meta {
        title: title(&app, "Search"),
        description: format!("Search the news of {}.", app.settings.site.name),
        canonical: SEARCH_PATH.to_owned(),
        ..Meta::default()
    };
    if input.asks() {
        let per_page = app.settings.site.per_page;
        // Read before the store, for the kept cards (see `cards`).
        let generation = app.pages.generation();
        let found = find(&app, &input, per_page).await?;
        let words = app.settings.site.excerpt_words;
        let highlight = &found.highlight;
        view.cards = result_cards(&app, generation, found.items, words)
            .map(|(card, excerpt)| marked_card(card, highlight.mark_read(&excerpt)))
            .collect();
        // Nothing found is said by the page's no-results section, not by `0 - 0 of 0`.
        view.results_line = (found.paging.total > 0).then(|| found.paging.results_line());
        view.suggestion = found.suggestion.map(|text| Link {
            url: SearchInput { text: text.clone(), ..input.clone() }.url(SEARCH_PATH, 1),
            name: text,
        });
        let pager = search_pager(&input, &found.paging);
        meta = Meta {
            title: title(&app, &format!("Search: {}", input.text)),
            description: format!("Search results for “{}”.", input.text),
            canonical: input.url(SEARCH_PATH, input.page.get()),
            prev: pager.prev.clone(),
            next: pager.next.clone(),
            ..Meta::default()
        };
        view.pager = Some(pager);
    }
    let mut response = render_page(&app, &["search.html"], meta, view).await?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// Page links that keep the query, order and dates.
fn search_pager(input: &SearchInput, paging: &Paging) -> Pager {
    let url = |n: u32| input.url(SEARCH_PATH, n);
    Pager {
        results_line: paging.results_line(),
        items: paging
            .window()
            .into_iter()
            .map(|n| PagerItem { number: n, url: n.map(url), current: n == Some(paging.page) })
            .collect(),
        prev: paging.prev().map(url),
        next: paging.next().map(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> SearchParams {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        SearchParams::from_pairs(&pairs)
    }

    #[test]
    fn page_links_keep_the_query_and_filters_encoded() {
        let input = SearchInput::parse(&params(&[
            ("q", "Алматы \"gas deal\" country:kazakhstan&x=<y>"),
            ("sort", "date"),
            ("from", "2025-01-01"),
            ("to", "2025-12-31"),
        ]))
        .expect("valid");
        assert_eq!(
            input.url(SEARCH_PATH, 2),
            "/search?q=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B%20%22gas%20deal%22%20country%3Akazakhstan%26x%3D%3Cy%3E\
             &sort=date&from=2025-01-01&to=2025-12-31&page=2"
        );
    }

    #[test]
    fn bad_page_numbers_are_refused_and_bad_dates_ignored_with_a_note() {
        for page in ["0", "-1", "abc", "999999"] {
            assert!(SearchInput::parse(&params(&[("q", "x"), ("page", page)])).is_err(), "{page}");
        }
        let input = SearchInput::parse(&params(&[("q", "x"), ("from", "yesterday"), ("to", "2025-02-30")]))
            .expect("dates never refuse");
        assert_eq!((input.from, input.to, input.notes.len()), (None, None, 2));
        let swapped = SearchInput::parse(&params(&[("from", "2025-12-31"), ("to", "2025-01-01")])).expect("valid");
        assert_eq!(swapped.from.map(|d| d.to_string()).as_deref(), Some("2025-01-01"));
        assert!(swapped.asks());
    }
}

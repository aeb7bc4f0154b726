//! What machines read: RSS 2.0 and Atom 1.0 feeds for the whole site, each country,
//! section, topic and author, and each language; sitemaps; and robots.txt.
//!
//! Every answer here names one of the content types the page cache keeps, so it is
//! cached, validated (ETag, Last-Modified, 304) and compressed exactly like a page, and
//! goes stale with the pages when content changes.

pub mod atom;
mod links;
pub mod robots;
pub mod rss;
pub mod sitemaps;

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

use crate::app::App;
use crate::domain::article::{Article, Language};
use crate::domain::excerpt::excerpt;
use crate::domain::people::AUTHOR_ARCHIVE;
use crate::domain::taxonomy::{Tag, TagKind};
use crate::render::seo::{absolute, article_section, base_url};
use crate::store::ArticleQuery;
use crate::web::error::AppError;
use crate::web::extract::{Segments, slug};

/// `Content-Type` of RSS feeds.
pub const RSS_TYPE: &str = "application/rss+xml; charset=utf-8";
/// `Content-Type` of Atom feeds.
pub const ATOM_TYPE: &str = "application/atom+xml; charset=utf-8";
/// `Content-Type` of sitemaps.
pub const XML_TYPE: &str = "application/xml; charset=utf-8";

/// Words of an item's summary when the article has neither dek nor excerpt.
const SUMMARY_WORDS: usize = 60;

/// A feed, ready to be written as RSS or Atom.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Title of the channel.
    pub title: String,
    /// One sentence about it.
    pub description: String,
    /// Absolute address of the page the feed follows.
    pub page_url: String,
    /// Absolute address of the feed itself.
    pub self_url: String,
    /// Language of every item, for a per-language feed.
    pub language: Option<String>,
    /// The latest change among the items.
    pub updated: Timestamp,
    /// The newsroom's name, the feed's author.
    pub site_name: String,
    /// Absolute address of the newsroom's logo, when one is set.
    pub logo: Option<String>,
    /// Newest first.
    pub items: Vec<FeedItem>,
}

/// One article in a feed.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// Identifier that stays the same when the article is edited, even its slug.
    pub guid: String,
    /// Headline.
    pub title: String,
    /// Absolute address of the article.
    pub url: String,
    /// Names and absolute addresses of the authors: the bylines' archives, or the
    /// newsroom and its front page for an unsigned article.
    pub authors: Vec<(String, String)>,
    /// Every tag: name, slug and the absolute address of its kind's archives.
    pub categories: Vec<Category>,
    /// Publication time.
    pub published: Timestamp,
    /// Last change (never before publication).
    pub updated: Timestamp,
    /// Plain-text summary.
    pub summary: String,
    /// The whole sanitised body with absolute addresses, when feeds carry it.
    pub content_html: Option<String>,
    /// Language of the text.
    pub language: String,
}

/// A tag as a feed category.
#[derive(Debug, Clone)]
pub struct Category {
    /// Display name.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Absolute address of the tag's archive.
    pub url: String,
    /// Absolute address under which archives of its kind live, such as `…/country/`.
    pub scheme: String,
}

/// Which articles a feed follows.
enum Scope {
    Site,
    Tag(Tag),
    Author { id: i64, name: String, slug: String },
    Language(Language),
}

/// RSS or Atom.
#[derive(Debug, Clone, Copy)]
enum Format {
    Rss,
    Atom,
}

impl Format {
    /// The feed's address under an archive at `base` (such as `/tag/water/`).
    fn path(self, base: &str) -> String {
        match self {
            Self::Rss => format!("{base}feed/"),
            Self::Atom => format!("{base}atom.xml"),
        }
    }
}

/// The RSS feed of the archive at `base`, for the page head; other listings have none of
/// their own (every page already names the site's feeds).
pub fn feed_path(base: &str) -> Option<String> {
    let archive = ["/country/", "/section/", "/tag/", "/author/"].iter().any(|p| base.starts_with(p));
    archive.then(|| Format::Rss.path(base))
}

/// The stable identifier of an article in feeds: its store identity, which survives edits
/// of its title, slug and date, written as the `?p=` address WordPress sites use.
pub fn guid(app: &App, article: &Article) -> String {
    format!("{}/?p={}", base_url(&app.settings), article.id)
}

impl Scope {
    fn query(&self) -> ArticleQuery {
        match self {
            Self::Site => ArticleQuery::default(),
            Self::Tag(tag) => ArticleQuery { tags: vec![tag.id], ..ArticleQuery::default() },
            Self::Author { id, .. } => ArticleQuery { author: Some(*id), ..ArticleQuery::default() },
            Self::Language(language) => ArticleQuery { language: Some(language.clone()), ..ArticleQuery::default() },
        }
    }

    /// The archive page the feed follows.
    fn base(&self) -> String {
        match self {
            Self::Site => "/".to_owned(),
            Self::Tag(tag) => tag.path(),
            Self::Author { slug, .. } => format!("/{AUTHOR_ARCHIVE}/{slug}/"),
            Self::Language(language) => format!("/lang/{language}/"),
        }
    }

    fn title(&self, site: &str) -> String {
        match self {
            Self::Site => site.to_owned(),
            Self::Tag(tag) => format!("{} — {site}", tag.name),
            Self::Author { name, .. } => format!("{name} — {site}"),
            Self::Language(language) => format!("{site} ({language})"),
        }
    }

    fn description(&self, app: &App) -> String {
        match self {
            Self::Site | Self::Language(_) => app.settings.site.description.clone(),
            Self::Tag(tag) => match tag.kind {
                TagKind::Country => format!("News from {}", tag.name),
                TagKind::Section => format!("{} news from Central Asia", tag.name),
                TagKind::Topic => format!("Articles about {}", tag.name),
            },
            Self::Author { name, .. } => format!("Articles by {name}"),
        }
    }
}

/// Loads the latest articles of `scope` into a feed.
async fn build_feed(app: &App, scope: &Scope, format: Format) -> Result<Feed, AppError> {
    let settings = &app.settings;
    let articles = app.store.find_articles(&scope.query(), app.now(), 0, settings.feeds.items).await?;
    if articles.is_empty() && matches!(scope, Scope::Language(_)) {
        // Any two or three letters name a language: only those written in have a feed.
        return Err(AppError::NotFound);
    }
    let base = scope.base();
    let page_url = match scope {
        Scope::Language(_) => absolute(settings, "/"),
        _ => absolute(settings, &base),
    };
    let items: Vec<FeedItem> = articles.iter().map(|a| feed_item(app, a)).collect();
    Ok(Feed {
        title: scope.title(&settings.site.name),
        description: scope.description(app),
        self_url: absolute(settings, &format.path(&base)),
        page_url,
        language: match scope {
            Scope::Language(language) => Some(language.to_string()),
            _ => None,
        },
        updated: items.iter().map(|i| i.updated).max().unwrap_or_else(|| app.now()),
        site_name: settings.site.name.clone(),
        logo: settings.site.logo.as_deref().map(|l| absolute(settings, l)),
        items,
    })
}

fn feed_item(app: &App, article: &Article) -> FeedItem {
    let settings = &app.settings;
    let url = absolute(settings, &article.slug.path());
    let summary = article
        .dek
        .clone()
        .or_else(|| article.excerpt.clone())
        .unwrap_or_else(|| excerpt(&article.body_text, SUMMARY_WORDS));
    let mut tags: Vec<&Tag> = article.tags.iter().collect();
    // The section a reader would file it under comes first, as on the page.
    if let Some(first) = article_section(article) {
        tags.sort_by_key(|t| t.id != first.id);
    }
    let mut authors: Vec<(String, String)> =
        article.authors.iter().map(|a| (a.name.clone(), absolute(settings, &a.path()))).collect();
    if authors.is_empty() {
        authors.push((settings.site.name.clone(), absolute(settings, "/")));
    }
    FeedItem {
        guid: guid(app, article),
        title: article.title.clone(),
        authors,
        categories: tags
            .into_iter()
            .map(|t| Category {
                name: t.name.clone(),
                slug: t.slug.to_string(),
                url: absolute(settings, &t.path()),
                scheme: absolute(settings, &format!("/{}/", t.kind.path_segment())),
            })
            .collect(),
        published: article.published_at,
        updated: article.updated_at.max(article.published_at),
        summary,
        content_html: settings
            .feeds
            .full_content
            .then(|| links::absolute_links(&article.body_html, &url, base_url(settings))),
        language: article.language.to_string(),
        url,
    }
}

async fn respond(app: &App, scope: Scope, format: Format) -> Result<Response, AppError> {
    let feed = build_feed(app, &scope, format).await?;
    let (body, content_type) = match format {
        Format::Rss => (rss::write(&feed), RSS_TYPE),
        Format::Atom => (atom::write(&feed), ATOM_TYPE),
    };
    Ok(xml_response(body.map_err(|e| AppError::Internal(e.into()))?, content_type))
}

/// A 200 answer carrying XML of a cacheable type.
pub fn xml_response(body: Vec<u8>, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body).into_response()
}

async fn tag_scope(app: &App, kind: TagKind, segment: &str) -> Result<Scope, AppError> {
    let slug = slug(segment)?;
    Ok(Scope::Tag(app.store.tag(kind, &slug).await?.ok_or(AppError::NotFound)?))
}

async fn author_scope(app: &App, segment: &str) -> Result<Scope, AppError> {
    let slug = slug(segment)?;
    let author = app.store.author(&slug).await?.ok_or(AppError::NotFound)?;
    Ok(Scope::Author { id: author.id, name: author.name, slug: author.slug.to_string() })
}

fn language_scope(segment: &str) -> Result<Scope, AppError> {
    let exact = segment.len() <= 3 && segment.bytes().all(|b| b.is_ascii_lowercase());
    Language::parse(segment).filter(|_| exact).map(Scope::Language).ok_or(AppError::NotFound)
}

/// `GET /feed/`: the whole site as RSS.
pub async fn show_site_rss(State(app): State<Arc<App>>) -> Result<Response, AppError> {
    respond(&app, Scope::Site, Format::Rss).await
}

/// `GET /atom.xml`: the whole site as Atom.
pub async fn show_site_atom(State(app): State<Arc<App>>) -> Result<Response, AppError> {
    respond(&app, Scope::Site, Format::Atom).await
}

/// `GET /country/{slug}/feed/`.
pub async fn show_country_rss(
    State(app): State<Arc<App>>,
    Segments(s): Segments<String>,
) -> Result<Response, AppError> {
    respond(&app, tag_scope(&app, TagKind::Country, &s).await?, Format::Rss).await
}

/// `GET /country/{slug}/atom.xml`.
pub async fn show_country_atom(
    State(app): State<Arc<App>>,
    Segments(s): Segments<String>,
) -> Result<Response, AppError> {
    respond(&app, tag_scope(&app, TagKind::Country, &s).await?, Format::Atom).await
}

/// `GET /section/{slug}/feed/`.
pub async fn show_section_rss(
    State(app): State<Arc<App>>,
    Segments(s): Segments<String>,
) -> Result<Response, AppError> {
    respond(&app, tag_scope(&app, TagKind::Section, &s).await?, Format::Rss).await
}

/// `GET /section/{slug}/atom.xml`.
pub async fn show_section_atom(
    State(app): State<Arc<App>>,
    Segments(s): Segments<String>,
) -> Result<Response, AppError> {
    respond(&app, tag_scope(&app, TagKind::Section, &s).await?, Format::Atom).await
}

/// `GET /tag/{slug}/feed/`.
pub async fn show_topic_rss(State(app): State<Arc<App>>, Segments(s): Segments<String>) -> Result<Response, AppError> {
    respond(&app, tag_scope(&app, TagKind::Topic, &s).await?, Format::Rss).await
}

/// `GET /tag/{slug}/atom.xml`.
pub async fn show_topic_atom(State(app): State<Arc<App>>, Segments(s): Segments<String>) -> Result<Response, AppError> {
    respond(&app, tag_scope(&app, TagKind::Topic, &s).await?, Format::Atom).await
}

/// `GET /author/{slug}/feed/`.
pub async fn show_author_rss(State(app): State<Arc<App>>, Segments(s): Segments<String>) -> Result<Response, AppError> {
    respond(&app, author_scope(&app, &s).await?, Format::Rss).await
}

/// `GET /author/{slug}/atom.xml`.
pub async fn show_author_atom(
    State(app): State<Arc<App>>,
    Segments(s): Segments<String>,
) -> Result<Response, AppError> {
    respond(&app, author_scope(&app, &s).await?, Format::Atom).await
}

/// `GET /lang/{code}/feed/`: articles in one language.
pub async fn show_language_rss(
    State(app): State<Arc<App>>,
    Segments(s): Segments<String>,
) -> Result<Response, AppError> {
    respond(&app, language_scope(&s)?, Format::Rss).await
}

/// `GET /lang/{code}/atom.xml`.
pub async fn show_language_atom(
    State(app): State<Arc<App>>,
    Segments(s): Segments<String>,
) -> Result<Response, AppError> {
    respond(&app, language_scope(&s)?, Format::Atom).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::delivery::CACHEABLE;

    #[test]
    fn feeds_and_sitemaps_are_of_types_the_page_cache_keeps() {
        for content_type in [RSS_TYPE, ATOM_TYPE, XML_TYPE, robots::TEXT_TYPE] {
            assert!(CACHEABLE.contains(&content_type), "{content_type}");
        }
    }

    #[test]
    fn archives_and_the_front_page_name_their_feeds() {
        assert_eq!(feed_path("/tag/water/").as_deref(), Some("/tag/water/feed/"));
        assert_eq!(feed_path("/"), None);
        assert_eq!(feed_path("/2025/12/"), None);
    }

    #[test]
    fn only_plain_language_codes_name_a_feed() {
        assert!(language_scope("ru").is_ok());
        for bad in ["RU", "r", "russ", "r1", ""] {
            assert!(language_scope(bad).is_err(), "{bad}");
        }
    }
}

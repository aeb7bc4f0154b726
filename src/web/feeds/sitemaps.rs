//! Sitemaps (sitemaps.org protocol 0.9): an index at `/sitemap.xml` naming article
//! sitemaps of at most `feeds.sitemap_urls` addresses each (50,000, the protocol's limit,
//! by default), one sitemap per kind of archive and one of the other pages; and a Google
//! News sitemap of the articles published in the last 48 hours.
//!
//! Article sitemaps list articles in the order they were stored, so a file keeps its
//! addresses as the archive grows: publishing changes only the last file and the index.

use std::io;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use jiff::{Span, Timestamp};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, Event};

use super::rss::text;
use super::{XML_TYPE, xml_response};
use crate::app::App;
use crate::domain::taxonomy::TagKind;
use crate::render::seo::absolute;
use crate::store::{AuthorStats, ListingFilter, TagStats};
use crate::web::error::AppError;
use crate::web::extract::Segments;

/// Namespace of sitemaps and sitemap indexes.
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
/// Namespace of Google News sitemaps.
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
/// How far back the news sitemap reaches: Google News reads two days.
const NEWS_HOURS: i64 = 48;
/// Most articles in a news sitemap, Google's limit.
const NEWS_MAX: u32 = 1000;

/// One of the sitemaps the index names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SitemapFile {
    /// Article sitemap `n`, from 1.
    Articles(u32),
    /// The archives of one kind of tag.
    Tags(TagKind),
    /// The author archives.
    Authors,
    /// The front page and the other pages.
    Pages,
}

impl SitemapFile {
    /// Reads `articles-2.xml`, `countries.xml`…; anything else names no sitemap.
    fn parse(name: &str) -> Option<Self> {
        match name {
            "countries.xml" => Some(Self::Tags(TagKind::Country)),
            "sections.xml" => Some(Self::Tags(TagKind::Section)),
            "tags.xml" => Some(Self::Tags(TagKind::Topic)),
            "authors.xml" => Some(Self::Authors),
            "pages.xml" => Some(Self::Pages),
            _ => {
                let n = name.strip_prefix("articles-")?.strip_suffix(".xml")?;
                let canonical = !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit());
                canonical.then(|| n.parse().ok()).flatten().map(Self::Articles)
            }
        }
    }

    fn path(self) -> String {
        match self {
            Self::Articles(n) => format!("/sitemaps/articles-{n}.xml"),
            Self::Tags(TagKind::Country) => "/sitemaps/countries.xml".to_owned(),
            Self::Tags(TagKind::Section) => "/sitemaps/sections.xml".to_owned(),
            Self::Tags(TagKind::Topic) => "/sitemaps/tags.xml".to_owned(),
            Self::Authors => "/sitemaps/authors.xml".to_owned(),
            Self::Pages => "/sitemaps/pages.xml".to_owned(),
        }
    }
}

/// `GET /sitemap.xml`: the index of every sitemap, each with its latest change.
pub async fn show_sitemap_index(State(app): State<Arc<App>>) -> Result<Response, AppError> {
    let now = app.now();
    let chunks = app.store.sitemap_chunks(now, app.settings.feeds.sitemap_urls).await?;
    let tags = app.store.tag_stats(now).await?;
    let authors = app.store.author_stats(now).await?;
    let mut entries: Vec<(String, Option<Timestamp>)> = Vec::new();
    entries.push((SitemapFile::Pages.path(), chunks.iter().max().copied()));
    for (n, lastmod) in (1..).zip(&chunks) {
        entries.push((SitemapFile::Articles(n).path(), Some(*lastmod)));
    }
    for kind in TagKind::ALL {
        let listed = tags.iter().filter(|t| t.tag.kind == kind && t.articles > 0);
        if let Some(latest) = listed.map(|t| t.latest).max() {
            entries.push((SitemapFile::Tags(kind).path(), latest));
        }
    }
    if let Some(latest) = authors.iter().filter(|a| a.articles > 0).map(|a| a.latest).max() {
        entries.push((SitemapFile::Authors.path(), latest));
    }
    let news = recent_news(&app, 1).await?;
    if let Some(newest) = news.first() {
        entries.push((NEWS_PATH.to_owned(), Some(newest.published_at)));
    }
    let mut w = document();
    w.create_element("sitemapindex")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            for (path, lastmod) in &entries {
                w.create_element("sitemap").write_inner_content(|w| {
                    text(w, "loc", &absolute(&app.settings, path))?;
                    lastmod_element(w, *lastmod)
                })?;
            }
            Ok(())
        })
        .map_err(internal)?;
    Ok(xml_response(w.into_inner(), XML_TYPE))
}

/// Address of the news sitemap.
pub const NEWS_PATH: &str = "/news-sitemap.xml";

/// `GET /sitemaps/{file}`: one sitemap of the index.
pub async fn show_sitemap(State(app): State<Arc<App>>, Segments(file): Segments<String>) -> Result<Response, AppError> {
    let file = SitemapFile::parse(&file).ok_or(AppError::NotFound)?;
    let now = app.now();
    let settings = &app.settings;
    let urls: Vec<(String, Option<Timestamp>)> = match file {
        SitemapFile::Articles(n) => {
            let per_file = settings.feeds.sitemap_urls;
            let offset = u64::from(n - 1) * u64::from(per_file);
            let entries = app.store.sitemap_entries(now, offset, per_file).await?;
            if entries.is_empty() {
                return Err(AppError::NotFound);
            }
            entries.into_iter().map(|e| (format!("/{}/", e.slug), Some(e.updated_at.max(e.published_at)))).collect()
        }
        SitemapFile::Tags(kind) => tag_urls(&app.store.tag_stats(now).await?, kind),
        SitemapFile::Authors => author_urls(&app.store.author_stats(now).await?),
        SitemapFile::Pages => {
            let newest = app.store.sitemap_chunks(now, settings.feeds.sitemap_urls).await?.into_iter().max();
            vec![("/".to_owned(), newest), ("/rates/".to_owned(), None)]
        }
    };
    if urls.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut w = document();
    w.create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            let base = crate::render::seo::base_url(settings);
            let mut loc = String::with_capacity(base.len() + 128);
            for (path, lastmod) in &urls {
                loc.clear();
                loc.push_str(base);
                loc.push_str(path);
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", &loc)?;
                    lastmod_element(w, *lastmod)
                })?;
            }
            Ok(())
        })
        .map_err(internal)?;
    Ok(xml_response(w.into_inner(), XML_TYPE))
}

fn tag_urls(stats: &[TagStats], kind: TagKind) -> Vec<(String, Option<Timestamp>)> {
    stats.iter().filter(|t| t.tag.kind == kind && t.articles > 0).map(|t| (t.tag.path(), t.latest)).collect()
}

fn author_urls(stats: &[AuthorStats]) -> Vec<(String, Option<Timestamp>)> {
    stats.iter().filter(|a| a.articles > 0).map(|a| (a.author.path(), a.latest)).collect()
}

/// The newest `limit` articles of the last [`NEWS_HOURS`] hours.
async fn recent_news(app: &App, limit: u32) -> Result<Vec<crate::domain::article::ArticleSummary>, AppError> {
    let now = app.now();
    let from = now.checked_sub(Span::new().hours(NEWS_HOURS)).map_err(|e| AppError::Internal(e.into()))?;
    let recent = ListingFilter::Period { from, until: Timestamp::MAX };
    Ok(app.store.latest_published(&recent, now, limit, 0).await?)
}

/// `GET /news-sitemap.xml`: a Google News sitemap of the last two days' articles.
pub async fn show_news_sitemap(State(app): State<Arc<App>>) -> Result<Response, AppError> {
    let articles = recent_news(&app, NEWS_MAX).await?;
    let settings = &app.settings;
    let mut w = document();
    w.create_element("urlset")
        .with_attributes([("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)])
        .write_inner_content(|w| {
            for article in &articles {
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", &absolute(settings, &article.slug.path()))?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication").write_inner_content(|w| {
                            text(w, "news:name", &settings.site.name)?;
                            text(w, "news:language", article.language.as_str())
                        })?;
                        text(w, "news:publication_date", &article.published_at.to_string())?;
                        text(w, "news:title", &article.title)?;
                        let keywords: Vec<&str> = article.tags.iter().map(|t| t.name.as_str()).collect();
                        if !keywords.is_empty() {
                            text(w, "news:keywords", &keywords.join(", "))?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })
        .map_err(internal)?;
    Ok(xml_response(w.into_inner(), XML_TYPE))
}

fn document() -> Writer<Vec<u8>> {
    let mut w = Writer::new(Vec::with_capacity(64 * 1024));
    // Writing into a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    w
}

fn lastmod_element(w: &mut Writer<Vec<u8>>, lastmod: Option<Timestamp>) -> io::Result<()> {
    match lastmod {
        Some(t) => text(w, "lastmod", &t.to_string()),
        None => Ok(()),
    }
}

fn internal(e: io::Error) -> AppError {
    AppError::Internal(e.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_names_are_read_exactly() {
        assert_eq!(SitemapFile::parse("articles-1.xml"), Some(SitemapFile::Articles(1)));
        assert_eq!(SitemapFile::parse("articles-12.xml"), Some(SitemapFile::Articles(12)));
        assert_eq!(SitemapFile::parse("countries.xml"), Some(SitemapFile::Tags(TagKind::Country)));
        for bad in ["articles-0.xml", "articles-01.xml", "articles-.xml", "articles-1", "articles--1.xml", "x.xml"] {
            assert_eq!(SitemapFile::parse(bad), None, "{bad}");
        }
        for file in [SitemapFile::Articles(3), SitemapFile::Tags(TagKind::Topic), SitemapFile::Authors] {
            let path = file.path();
            assert_eq!(SitemapFile::parse(path.trim_start_matches("/sitemaps/")), Some(file));
        }
    }
}

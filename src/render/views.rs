//! What templates see: typed view structs built from domain values, never raw rows.

use jiff::tz::TimeZone;
use serde::Serialize;

use super::seo::{ArticleProperties, SiteSeo};
use crate::domain::article::{Article, ArticleSummary};
use crate::domain::dates::{rfc3339, short_date};
use crate::domain::excerpt::into_excerpt;
use crate::domain::money::Trend;
use crate::domain::paging::Paging;
use crate::domain::people::Author;
use crate::domain::picture::Picture;
use crate::domain::taxonomy::{Tag, TagKind};

/// A named link (its address first, as templates read it first).
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Site-relative address.
    pub url: String,
    /// Text of the link.
    pub name: String,
}

impl Link {
    /// A link to a tag archive.
    pub fn tag(tag: &Tag) -> Self {
        Self { url: tag.path(), name: tag.name.clone() }
    }

    /// A link to an author archive.
    pub fn author(author: &Author) -> Self {
        Self { url: author.path(), name: author.name.clone() }
    }
}

/// One currency in the ticker.
#[derive(Debug, Clone, Serialize)]
pub struct TickerItem {
    /// `KZT/USD`.
    pub pair: String,
    /// Value of one unit in the quote currency, printed.
    pub value: String,
    /// Change against the previous official rate, printed (`0.18%`).
    pub change: String,
    /// Direction of the change.
    pub trend: Trend,
    /// Words for the direction, for screen readers and tooltips.
    pub trend_label: &'static str,
    /// `as of 04 December 2025`, when the rate is older than the latest business day.
    pub as_of: Option<String>,
}

/// What every page shows around its content.
#[derive(Debug, Clone, Serialize)]
pub struct Chrome {
    /// Site name.
    pub site_name: String,
    /// Public address without trailing slash.
    pub base_url: String,
    /// `05 December 2025`.
    pub today: String,
    /// ISO form of today, for `<time datetime>`.
    pub today_iso: String,
    /// The ticker, empty when no rates are stored.
    pub ticker: Vec<TickerItem>,
    /// Country archives for the navigation.
    pub countries: Vec<Link>,
    /// Section archives for the navigation.
    pub sections: Vec<Link>,
    /// Address of the fingerprinted stylesheet.
    pub css_href: String,
    /// Site-wide facts for social cards and search engines.
    pub seo: SiteSeo,
}

/// What goes into `<head>` besides the stylesheet.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Meta {
    /// Document title.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Canonical site-relative address.
    pub canonical: String,
    /// Previous page of a listing.
    pub prev: Option<String>,
    /// Next page of a listing.
    pub next: Option<String>,
    /// `og:type`; `website` when unset.
    pub og_type: Option<&'static str>,
    /// Absolute address of the page's image for social cards.
    pub image: Option<String>,
    /// Open Graph `article:*` properties of an article page.
    pub article: Option<ArticleProperties>,
    /// JSON-LD documents, each already safe inside `<script>`.
    pub json_ld: Vec<String>,
    /// Address of the page's own RSS feed, for feed readers to discover.
    pub feed: Option<String>,
}

/// An uploaded featured image offered in several sizes: a `<picture>` with a WebP
/// `srcset` and one in the original's format.
#[derive(Debug, Clone, Serialize)]
pub struct PictureView {
    /// WebP variants as a `srcset`; empty when the original is itself WebP.
    pub webp_srcset: String,
    /// Variants in the original's format as a `srcset`.
    pub srcset: String,
    /// Media type of the original.
    pub mime: String,
    /// Address for browsers without `srcset`.
    pub src: String,
    /// Width of that image, which with `height` reserves the space before it loads.
    pub width: u32,
    /// Height of that image.
    pub height: u32,
    /// Alternative text.
    pub alt: String,
}

/// Width the page shows a featured image at on a wide screen, which picks the `src`
/// for browsers without `srcset`.
const FALLBACK_WIDTH: u32 = 960;

impl PictureView {
    /// The view of a stored picture; `None` when it has no variant to offer.
    pub fn new(picture: &Picture) -> Option<Self> {
        let fallback = picture.fallback(FALLBACK_WIDTH)?;
        let webp = "image/webp";
        Some(Self {
            webp_srcset: if picture.mime == webp { String::new() } else { picture.srcset(webp) },
            srcset: picture.srcset(&picture.mime),
            mime: picture.mime.clone(),
            src: fallback.path.clone(),
            width: fallback.width,
            height: fallback.height,
            alt: picture.alt.clone(),
        })
    }
}

/// Words of the teaser under a headline on the front page and under an article's related
/// stories: those are menus, kept small for phones; the full 500-word excerpts are on the
/// archive and search pages.
pub const TEASER_WORDS: usize = 40;

/// An article in a listing. Listings hand it to templates as an object
/// ([`Card::into_value`]); search results serialise it, and then a template finds a
/// field by comparing its name with each in turn, so the fields are in the order the
/// default theme's cards read them.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// Language of the text.
    pub lang: String,
    /// The featured image in several sizes, when it is an upload.
    pub picture: Option<PictureView>,
    /// Article address.
    pub url: String,
    /// Headline.
    pub title: String,
    /// RFC 3339 publication time.
    pub datetime: String,
    /// `5 December 2025`.
    pub date: String,
    /// The article's country.
    pub country: Option<Link>,
    /// Bylines.
    pub authors: Vec<Link>,
    /// Hand-written excerpt, or the first words of the text.
    pub excerpt: String,
    /// Subtitle.
    pub dek: Option<String>,
    /// The article's section.
    pub section: Option<Link>,
    /// Featured image address.
    pub image: Option<String>,
}

impl Card {
    /// A card for `article`, with an excerpt of `words` words; its texts become the
    /// card's without being copied.
    pub fn new(article: ArticleSummary, words: usize, tz: &TimeZone) -> Self {
        let when = article.published_at.to_zoned_datetime(tz.clone());
        let country = article.first_tag(TagKind::Country).map(Link::tag);
        let section = article.first_tag(TagKind::Section).map(Link::tag);
        let ArticleSummary {
            slug,
            title,
            dek,
            excerpt,
            lead_text,
            language,
            featured_image,
            featured_picture,
            authors,
            ..
        } = article;
        Self {
            lang: language.to_string(),
            picture: featured_picture.as_ref().and_then(PictureView::new),
            url: slug.path(),
            title,
            datetime: rfc3339(when.timestamp()),
            date: short_date(&when),
            country,
            authors: authors.iter().map(|author| Link::author(author)).collect(),
            excerpt: excerpt.unwrap_or_else(|| into_excerpt(lead_text, words)),
            dek,
            section,
            image: featured_image,
        }
    }
}

/// A whole article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// Headline.
    pub title: String,
    /// Subtitle.
    pub dek: Option<String>,
    /// Sanitised body HTML.
    pub body_html: String,
    /// `5 December 2025`.
    pub date: String,
    /// RFC 3339 publication time.
    pub datetime: String,
    /// `5 December 2025`, when updated on a later day.
    pub updated: Option<String>,
    /// Bylines.
    pub authors: Vec<Link>,
    /// Countries, then sections, then topics.
    pub tags: Vec<Link>,
    /// Language of the text.
    pub lang: String,
    /// Featured image address.
    pub image: Option<String>,
    /// The featured image in several sizes, when it is an upload.
    pub picture: Option<PictureView>,
    /// Corrections and updates, oldest first.
    pub notes: Vec<NoteView>,
}

/// A correction or update at the foot of an article.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// `Correction` or `Update`.
    pub label: &'static str,
    /// `5 December 2025`.
    pub date: String,
    /// RFC 3339 time it was added.
    pub datetime: String,
    /// What it says.
    pub text: String,
}

impl ArticleView {
    /// The view of a stored article.
    pub fn new(article: &Article, tz: &TimeZone) -> Self {
        let published = article.published_at.to_zoned_datetime(tz.clone());
        let updated = article.updated_at.to_zoned_datetime(tz.clone());
        let mut tags: Vec<&Tag> = article.tags.iter().collect();
        tags.sort_by_key(|t| TagKind::ALL.iter().position(|k| *k == t.kind));
        Self {
            title: article.title.clone(),
            dek: article.dek.clone(),
            body_html: article.body_html.clone(),
            date: short_date(&published),
            datetime: rfc3339(published.timestamp()),
            updated: (updated.date() > published.date()).then(|| short_date(&updated)),
            authors: article.authors.iter().map(Link::author).collect(),
            tags: tags.into_iter().map(Link::tag).collect(),
            lang: article.language.to_string(),
            image: article.featured_image.clone(),
            notes: article
                .notes
                .iter()
                .map(|n| NoteView {
                    label: n.kind.label(),
                    date: short_date(&n.noted_at.to_zoned_datetime(tz.clone())),
                    datetime: n.noted_at.to_string(),
                    text: n.text.clone(),
                })
                .collect(),
            picture: article.featured_picture.as_ref().and_then(PictureView::new),
        }
    }
}

/// Page links of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    /// `Viewing results 7 - 12 of 33`.
    pub results_line: String,
    /// Numbered links; an item without a number is a gap.
    pub items: Vec<PagerItem>,
    /// Previous page address.
    pub prev: Option<String>,
    /// Next page address.
    pub next: Option<String>,
}

/// One entry in the page links.
#[derive(Debug, Clone, Serialize)]
pub struct PagerItem {
    /// Page number; `None` for a gap.
    pub number: Option<u32>,
    /// Address of that page.
    pub url: Option<String>,
    /// Whether it is the page shown.
    pub current: bool,
}

impl Pager {
    /// Links for `paging` of the listing at `base` (such as `/tag/water/`).
    pub fn new(paging: &Paging, base: &str) -> Self {
        let url = |n: u32| page_url(base, n);
        Self {
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
}

/// Address of page `n` of the listing at `base`: the base itself for page 1.
pub fn page_url(base: &str, n: u32) -> String {
    if n <= 1 { base.to_owned() } else { format!("{base}page/{n}/") }
}

/// An error page.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    /// HTTP status code.
    pub status: u16,
    /// Short title.
    pub title: String,
    /// What happened, for the reader.
    pub message: String,
}

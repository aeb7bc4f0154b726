//! What search engines and social networks read in a page's head: Open Graph and Twitter
//! card properties, and JSON-LD — a `NewsArticle` and its `BreadcrumbList` on article
//! pages — built from typed values, serialised once, and safe inside `<script>`.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::views::Meta;
use crate::config::Settings;
use crate::domain::article::{Article, NoteKind};
use crate::domain::taxonomy::{Tag, TagKind};

/// The site-wide facts every page's head needs, whatever the page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteSeo {
    /// Description for pages that have none of their own.
    pub description: String,
    /// Absolute address of the newsroom's logo.
    pub logo: String,
    /// The newsroom's X (Twitter) handle, with its `@`.
    pub twitter: Option<String>,
}

impl SiteSeo {
    /// The site-wide facts from the settings.
    pub fn new(settings: &Settings) -> Self {
        let twitter = settings
            .site
            .twitter
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(|h| if h.starts_with('@') { h.to_owned() } else { format!("@{h}") });
        Self { description: settings.site.description.clone(), logo: logo_url(settings), twitter }
    }
}

/// The Open Graph `article:*` properties of an article page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ArticleProperties {
    /// `article:published_time`, ISO 8601 with the site's offset.
    pub published_time: String,
    /// `article:modified_time`.
    pub modified_time: String,
    /// `article:section`: the first section, else the first country.
    pub section: Option<String>,
    /// `article:tag`: every tag's name.
    pub tags: Vec<String>,
    /// `article:author`: the authors' archive addresses.
    pub authors: Vec<String>,
}

/// The public address without a trailing slash.
pub fn base_url(settings: &Settings) -> &str {
    settings.site.base_url.trim_end_matches('/')
}

/// `address` made absolute against the site: a path gains the base address, an
/// absolute address stays as it is.
pub fn absolute(settings: &Settings, address: &str) -> String {
    if address.starts_with("//") || has_scheme(address) {
        address.to_owned()
    } else if address.starts_with('/') {
        format!("{}{address}", base_url(settings))
    } else {
        format!("{}/{address}", base_url(settings))
    }
}

/// Whether `address` starts with a URI scheme such as `https:` (RFC 3986 §3.1).
pub fn has_scheme(address: &str) -> bool {
    let Some((scheme, _)) = address.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The logo's absolute address: the setting, or the theme's icon.
pub fn logo_url(settings: &Settings) -> String {
    absolute(settings, settings.site.logo.as_deref().unwrap_or("/assets/favicon.svg"))
}

/// An instant as ISO 8601 with the site's offset: `2025-12-05T10:00:00+05:00`.
pub fn local_iso(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The section an article is filed under: its first section, else its first country.
pub fn article_section(article: &Article) -> Option<&Tag> {
    let first = |kind: TagKind| article.tags.iter().find(|t| t.kind == kind);
    first(TagKind::Section).or_else(|| first(TagKind::Country))
}

/// The social and structured-data part of an article page's [`Meta`]; the caller adds the
/// title, description and canonical address.
pub fn article_meta(settings: &Settings, tz: &TimeZone, article: &Article, description: &str) -> Meta {
    let url = absolute(settings, &article.slug.path());
    let image = article.featured_image.as_deref().map(|i| absolute(settings, i));
    let section = article_section(article);
    let properties = ArticleProperties {
        published_time: local_iso(article.published_at, tz),
        modified_time: local_iso(article.updated_at.max(article.published_at), tz),
        section: section.map(|t| t.name.clone()),
        tags: article.tags.iter().map(|t| t.name.clone()).collect(),
        authors: article.authors.iter().map(|a| absolute(settings, &a.path())).collect(),
    };
    let authors = article
        .authors
        .iter()
        .zip(&properties.authors)
        .map(|(a, url)| Person { kind: "Person", name: &a.name, url })
        .collect();
    let corrections = article
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Correction)
        .map(|n| Correction { kind: "CorrectionComment", text: &n.text, date_published: local_iso(n.noted_at, tz) })
        .collect();
    let news_article = NewsArticle {
        context: SCHEMA_ORG,
        kind: "NewsArticle",
        main_entity_of_page: WebPage { kind: "WebPage", id: &url },
        url: &url,
        headline: &article.title,
        description,
        date_published: &properties.published_time,
        date_modified: &properties.modified_time,
        author: authors,
        publisher: publisher(settings),
        article_section: properties.section.as_deref(),
        keywords: &properties.tags,
        in_language: article.language.as_str(),
        is_accessible_for_free: true,
        image: image.as_deref().map(|image| [image]),
        correction: corrections,
    };
    let home = absolute(settings, "/");
    let section_url = section.map(|tag| absolute(settings, &tag.path()));
    let mut crumbs = vec![(settings.site.name.as_str(), home.as_str())];
    if let (Some(tag), Some(section_url)) = (section, &section_url) {
        crumbs.push((tag.name.as_str(), section_url.as_str()));
    }
    crumbs.push((article.title.as_str(), url.as_str()));
    let breadcrumbs = BreadcrumbList {
        context: SCHEMA_ORG,
        kind: "BreadcrumbList",
        item_list_element: (1..)
            .zip(crumbs)
            .map(|(position, (name, item))| ListItem { kind: "ListItem", position, name, item })
            .collect(),
    };
    let json_ld = vec![script_json(&news_article), script_json(&breadcrumbs)];
    Meta { og_type: Some("article"), image, article: Some(properties), json_ld, ..Meta::default() }
}

/// The vocabulary every JSON-LD document here uses.
const SCHEMA_ORG: &str = "https://schema.org";

/// schema.org `NewsArticle`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    main_entity_of_page: WebPage<'a>,
    url: &'a str,
    headline: &'a str,
    description: &'a str,
    date_published: &'a str,
    date_modified: &'a str,
    author: Vec<Person<'a>>,
    publisher: Organization<'a>,
    /// `null` when the article has neither a section nor a country.
    article_section: Option<&'a str>,
    keywords: &'a [String],
    in_language: &'a str,
    is_accessible_for_free: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<[&'a str; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    correction: Vec<Correction<'a>>,
}

/// schema.org `WebPage`, by its address.
#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: &'a str,
}

/// schema.org `Person`: a byline.
#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}

/// schema.org `CorrectionComment`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Correction<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: &'a str,
    date_published: String,
}

/// schema.org `BreadcrumbList`: home, the section, the article.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItem<'a>>,
}

/// One step of a [`BreadcrumbList`], numbered from 1.
#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: u32,
    name: &'a str,
    item: &'a str,
}

/// schema.org `Organization`: the newsroom.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
    logo: ImageObject,
    /// The newsroom's other profiles (social networks); left out when there are none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    same_as: &'a [String],
}

/// schema.org `ImageObject`, by its address.
#[derive(Serialize)]
struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

/// The newsroom as a schema.org `Organization` with its logo.
fn publisher(settings: &Settings) -> Organization<'_> {
    Organization {
        kind: "Organization",
        name: &settings.site.name,
        url: absolute(settings, "/"),
        logo: ImageObject { kind: "ImageObject", url: logo_url(settings) },
        same_as: &settings.site.social,
    }
}

/// JSON that can stand inside `<script>`: `<`, `>` and `&` are written as `\u` escapes, so
/// no text can close the element or open a comment, and the JSON means the same.
pub fn script_json(value: &impl Serialize) -> String {
    // Serialising fails only for maps whose keys are not strings, which no document
    // here has; such a document would be left empty rather than break the page.
    let text = serde_json::to_string(value).unwrap_or_default();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8; every other byte of a
        // multi-byte character is 0x80 or above, so no ASCII test can match inside one.
        let escape = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => "\\u2028",
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => "\\u2029",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(escape);
        last = i + if b == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn script_json_cannot_close_its_element_and_still_parses() {
        let value = json!({ "headline": "</script><!-- & more \u{2028}line\u{2029}para — Алматы" });
        let text = script_json(&value);
        assert!(!text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{text}");
        assert!(text.contains("\\u003c/script\\u003e") && text.contains("\\u2028line\\u2029para — Алматы"), "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).expect("valid JSON"), value);
    }

    #[test]
    fn addresses_are_made_absolute_against_the_site() {
        let mut settings = Settings::default();
        settings.site.base_url = "https://news.example/".to_owned();
        assert_eq!(absolute(&settings, "/media/a.jpg"), "https://news.example/media/a.jpg");
        assert_eq!(absolute(&settings, "media/a.jpg"), "https://news.example/media/a.jpg");
        assert_eq!(absolute(&settings, "https://cdn.example/a.jpg"), "https://cdn.example/a.jpg");
        assert_eq!(absolute(&settings, "//cdn.example/a.jpg"), "//cdn.example/a.jpg");
        assert!(!has_scheme("a/b:c") && has_scheme("mailto:x@example.org"));
    }

    #[test]
    fn twitter_handles_gain_their_at_sign() {
        let mut settings = Settings::default();
        settings.site.twitter = Some("steppepost".to_owned());
        assert_eq!(SiteSeo::new(&settings).twitter.as_deref(), Some("@steppepost"));
        settings.site.twitter = Some(" ".to_owned());
        assert_eq!(SiteSeo::new(&settings).twitter, None);
    }
}

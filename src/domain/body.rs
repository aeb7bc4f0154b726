//! Article bodies as stored: Markdown rendered with pulldown-cmark, and every body
//! sanitised with ammonia on the way in, whatever its source.

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

use super::excerpt::plain_text;
use super::shortcodes::expand_captions;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["figure", "figcaption", "mark"])
        .add_tag_attributes("img", ["loading", "width", "height"])
        .link_rel(Some("noopener noreferrer"));
    builder
});

/// Where a body came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodySource {
    /// HTML, to be sanitised.
    Html(String),
    /// Markdown, to be rendered and then sanitised.
    Markdown(String),
}

/// A body ready to store: safe HTML and its plain-text form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Sanitised HTML.
    pub html: String,
    /// Reader-visible text, for excerpts and search.
    pub text: String,
    /// The Markdown the body was written in, kept for editing.
    pub markdown: Option<String>,
}

impl Body {
    /// Renders and sanitises a body.
    pub fn from_source(source: BodySource) -> Self {
        let (unsafe_html, markdown) = match source {
            BodySource::Html(html) => (html, None),
            BodySource::Markdown(md) => (markdown_to_html(&md), Some(md)),
        };
        let html = sanitize_html(&expand_captions(&unsafe_html));
        let text = plain_text(&html);
        Self { html, text, markdown }
    }
}

/// Renders CommonMark with tables, footnotes and strikethrough to (unsanitised) HTML.
pub fn markdown_to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut out = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// Removes everything but a safe subset of HTML.
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_its_text_extracted() {
        let body = Body::from_source(BodySource::Markdown("## Grain\n\nA *good* year.".into()));
        assert_eq!(body.html, "<h2>Grain</h2>\n<p>A <em>good</em> year.</p>\n");
        assert_eq!(body.text, "Grain A good year.");
        assert!(body.markdown.is_some());
    }

    #[test]
    fn hostile_html_is_sanitised() {
        let body = Body::from_source(BodySource::Html(
            r#"<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">l</a></p>"#.into(),
        ));
        assert!(!body.html.contains("script"));
        assert!(!body.html.contains("onclick"));
        assert!(!body.html.contains("javascript"));
        assert_eq!(body.text, "Hil");
    }

    #[test]
    fn markdown_cannot_smuggle_raw_html() {
        let body = Body::from_source(BodySource::Markdown("<img src=x onerror=alert(1)>".into()));
        assert!(!body.html.contains("onerror"));
    }
}

//! A WordPress post's content made into the HTML of an article body, before the
//! sanitiser sees it: what WordPress would have done at display time is done once here.
//!
//! - Block-editor comments (`<!-- wp:paragraph -->`) and other comments go.
//! - `[embed]URL[/embed]` and a URL alone on its line (WordPress's oEmbed) become links:
//!   Qalam does not run other sites' scripts, and a link keeps the reference.
//! - `[gallery]` becomes one figure per image; `[caption]` becomes a figure (see
//!   [`expand_captions`]); any other shortcode is left as text, and counted, for an
//!   editor to deal with.
//! - Classic-editor content, stored with bare line breaks, gets the paragraphs that
//!   WordPress's `wpautop` adds on display. Block content is stored with its paragraphs
//!   and is left as it is, as WordPress does.

use crate::domain::shortcodes::expand_captions;

/// An image of a gallery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryImage {
    /// Its address.
    pub url: String,
    /// Alternative text.
    pub alt: String,
    /// Caption (may hold links).
    pub caption: String,
}

/// A post's content, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The HTML, still to be sanitised.
    pub html: String,
    /// Names of the shortcodes left as text, once per use.
    pub unknown_shortcodes: Vec<String>,
}

/// Finds a gallery's images: those of `ids`, or with `None` the post's own attachments.
pub type GalleryImages<'a> = &'a dyn Fn(Option<&[i64]>) -> Vec<GalleryImage>;

/// Shortcodes known to be shortcodes even without attributes or a closing tag.
const KNOWN_SHORTCODES: &[&str] = &["audio", "video", "playlist", "embed", "gallery", "caption", "wp_caption"];

/// Elements inside which paragraphs are made, as at the top level.
const CONTAINERS: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "div",
    "fieldset",
    "footer",
    "form",
    "header",
    "main",
    "nav",
    "section",
];

/// Block elements whose content is left alone.
const LEAVES: &[&str] = &[
    "address",
    "area",
    "audio",
    "canvas",
    "caption",
    "col",
    "colgroup",
    "dd",
    "dl",
    "dt",
    "embed",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "hr",
    "iframe",
    "legend",
    "li",
    "map",
    "math",
    "menu",
    "noscript",
    "object",
    "ol",
    "p",
    "pre",
    "script",
    "select",
    "style",
    "summary",
    "svg",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "video",
];

/// Leaves that have no closing tag.
const VOID_LEAVES: &[&str] = &["area", "col", "embed", "hr"];

/// Cleans a post's `content:encoded`.
pub fn clean_content(content: &str, gallery: GalleryImages<'_>) -> Cleaned {
    let content = content.replace("\r\n", "\n");
    let blocks = content.contains("<!-- wp:");
    let mut unknown_shortcodes = Vec::new();
    let html = strip_comments(&content);
    let html = expand_shortcodes(&html, gallery, &mut unknown_shortcodes);
    let html = link_bare_urls(&expand_captions(&html));
    let html = if blocks { html } else { autop(&html) };
    Cleaned { html, unknown_shortcodes }
}

/// Removes `<!-- … -->`: block delimiters, `<!--more-->`, `<!--nextpage-->`. A comment
/// alone on its line takes the line with it, so that block content does not come out
/// as paragraphs separated by runs of empty lines.
fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        let Some(len) = rest[start + 4..].find("-->") else { break };
        let before = &rest[..start];
        let mut after = &rest[start + 4 + len + 3..];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let tail = after.trim_start_matches([' ', '\t']);
        if before[line_start..].trim().is_empty() && (tail.is_empty() || tail.starts_with('\n')) {
            out.push_str(&before[..line_start]);
            after = tail.strip_prefix('\n').unwrap_or(tail);
        } else {
            out.push_str(before);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A shortcode's opening tag found at the start of a string.
struct Opening<'a> {
    name: &'a str,
    attributes: &'a str,
    /// Bytes from the `[` to just after the `]`.
    len: usize,
}

fn opening(text: &str) -> Option<Opening<'_>> {
    let after = text.strip_prefix('[')?;
    let name_len = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-').count();
    let name = &after[..name_len];
    if !name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let rest = &after[name_len..];
    if !rest.starts_with([' ', ']', '/', '\t', '\n']) {
        return None;
    }
    let close = rest.find(']')?;
    Some(Opening { name, attributes: &rest[..close], len: 1 + name_len + close + 1 })
}

fn expand_shortcodes(html: &str, gallery: GalleryImages<'_>, unknown: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // `[[name]]` is WordPress's way of writing a shortcode as text.
        if rest.starts_with("[[")
            && let Some(inner) = opening(&rest[1..])
            && rest[1 + inner.len..].starts_with(']')
        {
            out.push_str(&rest[1..=inner.len]);
            rest = &rest[inner.len + 2..];
            continue;
        }
        let Some(tag) = opening(rest) else {
            out.push('[');
            rest = &rest[1..];
            continue;
        };
        let after = &rest[tag.len..];
        match tag.name {
            "embed" => {
                let closing = after.find("[/embed]");
                if let Some(url) = closing.map(|end| after[..end].trim()).filter(|url| is_bare_url(url)) {
                    out.push_str(&link(url));
                    rest = &after[closing.map_or(0, |end| end + "[/embed]".len())..];
                    continue;
                }
                unknown.push(tag.name.to_owned());
            }
            "gallery" => {
                let ids = attribute(tag.attributes, "ids")
                    .map(|ids| ids.split(',').filter_map(|id| id.trim().parse().ok()).collect::<Vec<i64>>());
                let images = gallery(ids.as_deref());
                if !images.is_empty() {
                    for image in images {
                        out.push_str(&figure(&image));
                    }
                    rest = after;
                    continue;
                }
                unknown.push(tag.name.to_owned());
            }
            "caption" | "wp_caption" => {}
            name => {
                let looks_like_one = KNOWN_SHORTCODES.contains(&name)
                    || tag.attributes.contains('=')
                    || tag.attributes.trim_end().ends_with('/')
                    || after.contains(&format!("[/{name}]"));
                if looks_like_one {
                    unknown.push(name.to_owned());
                }
            }
        }
        out.push('[');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// The value of `name=` among shortcode attributes: quoted with `"` or `'`, or bare.
fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attributes;
    loop {
        let at = rest.find(name)?;
        let boundary = at == 0 || rest[..at].ends_with([' ', '\t', '\n']);
        let value = rest[at + name.len()..].trim_start().strip_prefix('=').map(str::trim_start);
        if let (true, Some(value)) = (boundary, value) {
            return Some(match value.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &value[1..];
                    &inner[..inner.find(quote).unwrap_or(inner.len())]
                }
                _ => &value[..value.find([' ', '\t', '\n', '/']).unwrap_or(value.len())],
            });
        }
        rest = &rest[at + name.len()..];
    }
}

fn figure(image: &GalleryImage) -> String {
    let mut html =
        format!(r#"<figure><img src="{}" alt="{}">"#, escape_attribute(&image.url), escape_attribute(&image.alt));
    if !image.caption.trim().is_empty() {
        html.push_str("<figcaption>");
        html.push_str(image.caption.trim());
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>\n");
    html
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An address with nothing around it: what WordPress would have embedded.
fn is_bare_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() > "https://".len()
        && !text.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '[' | ']'))
}

fn link(url: &str) -> String {
    format!(r#"<a href="{url}">{url}</a>"#)
}

/// Turns every line that is only an address into a link to it.
fn link_bare_urls(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for (i, line) in html.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim();
        if is_bare_url(trimmed) { out.push_str(&link(trimmed)) } else { out.push_str(line) }
    }
    out
}

/// A piece of HTML as `autop` sees it.
enum Piece<'a> {
    Text(&'a str),
    Open { name: String, raw: &'a str, self_closing: bool },
    Close { name: String, raw: &'a str },
}

/// Splits HTML into text and tags; a `<` that starts no tag is text.
fn pieces(html: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let (mut i, mut text_from) = (0, 0);
    while i < bytes.len() {
        let starts_tag =
            bytes[i] == b'<' && bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic() || (*b == b'/' || *b == b'!'));
        if !starts_tag {
            i += 1;
            continue;
        }
        let Some(len) = tag_len(&bytes[i..]) else {
            i += 1;
            continue;
        };
        if text_from < i {
            out.push(Piece::Text(&html[text_from..i]));
        }
        let raw = &html[i..i + len];
        let closing = raw.starts_with("</");
        let name: String = raw[if closing { 2 } else { 1 }..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        out.push(if closing {
            Piece::Close { name, raw }
        } else {
            Piece::Open { name, raw, self_closing: raw.ends_with("/>") }
        });
        i += len;
        text_from = i;
    }
    if text_from < bytes.len() {
        out.push(Piece::Text(&html[text_from..]));
    }
    out
}

/// Length of the tag at the start of `bytes`, up to its `>` outside quotes.
fn tag_len(bytes: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, b) in bytes.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), b) if q == *b => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// WordPress's `wpautop`: text outside block elements is split into paragraphs at blank
/// lines, and a single line break inside a paragraph becomes `<br>`.
fn autop(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut paragraph = String::new();
    // The leaf block being copied as it is, and how deep in its own kind we are.
    let mut leaf: Option<(String, usize)> = None;
    for piece in pieces(html) {
        if let Some((name, depth)) = &mut leaf {
            match &piece {
                Piece::Open { name: n, self_closing: false, .. } if n == name => *depth += 1,
                Piece::Close { name: n, .. } if n == name => *depth -= 1,
                _ => {}
            }
            out.push_str(match piece {
                Piece::Text(text) => text,
                Piece::Open { raw, .. } | Piece::Close { raw, .. } => raw,
            });
            if *depth == 0 {
                leaf = None;
            }
            continue;
        }
        match piece {
            Piece::Text(text) => paragraph.push_str(text),
            Piece::Open { name, raw, self_closing } => {
                let is_leaf = LEAVES.contains(&name.as_str());
                if is_leaf || CONTAINERS.contains(&name.as_str()) {
                    flush_paragraphs(&mut paragraph, &mut out);
                    out.push_str(raw);
                    if is_leaf && !self_closing && !VOID_LEAVES.contains(&name.as_str()) {
                        leaf = Some((name, 1));
                    }
                } else {
                    // A line break inside a tag is not one the author typed.
                    paragraph.push_str(&raw.replace('\n', " "));
                }
            }
            Piece::Close { name, raw } => {
                if LEAVES.contains(&name.as_str()) || CONTAINERS.contains(&name.as_str()) {
                    flush_paragraphs(&mut paragraph, &mut out);
                    out.push_str(raw);
                } else {
                    paragraph.push_str(raw);
                }
            }
        }
    }
    flush_paragraphs(&mut paragraph, &mut out);
    out
}

fn flush_paragraphs(text: &mut String, out: &mut String) {
    let mut lines: Vec<&str> = Vec::new();
    let mut emitted = false;
    for line in text.split('\n').map(str::trim).chain([""]) {
        if !line.is_empty() {
            lines.push(line);
            continue;
        }
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("<p>");
        out.push_str(&lines.join("<br>\n"));
        out.push_str("</p>\n");
        lines.clear();
        emitted = true;
    }
    // Keep the author's line breaks between blocks, for whoever reads the HTML.
    if !emitted && text.contains('\n') && !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    text.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_gallery(_: Option<&[i64]>) -> Vec<GalleryImage> {
        Vec::new()
    }

    fn clean(content: &str) -> Cleaned {
        clean_content(content, &no_gallery)
    }

    #[test]
    fn classic_line_breaks_become_paragraphs_and_breaks() {
        let html = clean("First line\nsecond line\n\nNext <em>para</em>.\n<ul>\n<li>a</li>\n</ul>\nAfter").html;
        assert_eq!(
            html,
            "<p>First line<br>\nsecond line</p>\n<p>Next <em>para</em>.</p>\n<ul>\n<li>a</li>\n</ul>\n<p>After</p>\n"
        );
    }

    #[test]
    fn existing_paragraphs_and_preformatted_text_are_left_alone() {
        let content = "<p>One</p>\n<p>Two</p>\n<pre>a\n\nb</pre>";
        assert_eq!(clean(content).html, "<p>One</p>\n<p>Two</p>\n<pre>a\n\nb</pre>");
    }

    #[test]
    fn paragraphs_are_made_inside_a_blockquote() {
        assert_eq!(clean("<blockquote>a\n\nb</blockquote>").html, "<blockquote>\n<p>a</p>\n<p>b</p>\n</blockquote>");
    }

    #[test]
    fn block_comments_go_and_block_content_keeps_its_shape() {
        let content = "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:latest-posts /-->";
        assert_eq!(clean(content).html, "<p>Hi</p>\n\n");
    }

    #[test]
    fn embeds_and_lone_urls_become_links() {
        let html = clean("Watch:\n\n[embed]https://www.youtube.com/watch?v=x1[/embed]\n\nhttps://vimeo.com/42\n").html;
        assert!(
            html.contains(
                r#"<p><a href="https://www.youtube.com/watch?v=x1">https://www.youtube.com/watch?v=x1</a></p>"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"<p><a href="https://vimeo.com/42">https://vimeo.com/42</a></p>"#), "{html}");
        let block =
            "<!-- wp:embed -->\n<figure><div class=\"wp-block-embed__wrapper\">\nhttps://youtu.be/x\n</div></figure>";
        assert!(clean(block).html.contains(r#"<a href="https://youtu.be/x">"#));
    }

    #[test]
    fn unknown_shortcodes_stay_as_text_and_are_counted() {
        let cleaned = clean(
            r#"Tips: [contact-form-7 id="5"] and [sic] and [note]x[/note] and [[gallery]] and [audio https://a/b.mp3]"#,
        );
        assert!(cleaned.html.contains(r#"[contact-form-7 id="5"]"#));
        assert!(cleaned.html.contains("[sic]"));
        assert!(cleaned.html.contains("and [gallery] and"), "an escaped shortcode is text: {}", cleaned.html);
        assert_eq!(cleaned.unknown_shortcodes, ["contact-form-7", "note", "audio"]);
    }

    #[test]
    fn captions_become_figures_outside_paragraphs() {
        let html =
            clean("Intro\n\n[caption id=\"a\" width=\"300\"]<img src=\"/x.png\" alt=\"X\"> The dam[/caption]\n\nEnd")
                .html;
        assert_eq!(
            html,
            "<p>Intro</p>\n<figure><img src=\"/x.png\" alt=\"X\"><figcaption>The dam</figcaption></figure>\n<p>End</p>\n"
        );
    }

    #[test]
    fn a_gallery_shows_its_images_by_id_or_the_posts_own() {
        let images = |ids: Option<&[i64]>| {
            let ids = ids.map_or(vec![1], <[i64]>::to_vec);
            ids.iter()
                .map(|id| GalleryImage { url: format!("/m/{id}.jpg"), alt: format!("A\"{id}"), caption: String::new() })
                .collect()
        };
        let html = clean_content(r#"[gallery columns="2" ids="7,8"]"#, &images).html;
        assert_eq!(
            html,
            "<figure><img src=\"/m/7.jpg\" alt=\"A&quot;7\"></figure>\n<figure><img src=\"/m/8.jpg\" alt=\"A&quot;8\"></figure>\n"
        );
        assert!(clean_content("[gallery]", &images).html.contains("/m/1.jpg"));
        assert_eq!(clean("[gallery]").unknown_shortcodes, ["gallery"], "a gallery with no images stays as text");
    }

    #[test]
    fn attributes_are_read_quoted_or_bare() {
        assert_eq!(attribute(r#" columns=2 ids="770,771""#, "ids"), Some("770,771"));
        assert_eq!(attribute(" ids=5,6 x", "ids"), Some("5,6"));
        assert_eq!(attribute(" pids='1'", "ids"), None);
    }
}

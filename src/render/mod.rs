//! Turning views into HTML: the template environment over the theme.
pub mod admin;
pub mod assets;
mod card_object;
pub mod seo;
pub mod theme;
pub mod ticker;
pub mod views;

pub use card_object::marked_card;

use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, Output, State, Value, escape_formatter};
use serde::Serialize;

use theme::{TEMPLATES, Theme};

/// A template failed to load or render.
#[derive(Debug, thiserror::Error)]
#[error("template {name}: {source:#}")]
pub struct RenderError {
    name: String,
    #[source]
    source: minijinja::Error,
}

/// The template environment, built once at start-up.
pub struct Renderer {
    env: Environment<'static>,
    /// The size of the largest page rendered so far (up to [`MAX_PAGE_HINT`]): a page is
    /// written into a buffer that large from the start, instead of one that grows by
    /// copying everything written so far each time it doubles.
    page_hint: AtomicUsize,
}

/// The most a page's buffer starts with, whatever the pages rendered before.
const MAX_PAGE_HINT: usize = 256 * 1024;

impl Renderer {
    /// Loads and compiles every template of `theme`, refusing a theme with an error in any.
    pub fn new(theme: Theme) -> Result<Self, RenderError> {
        let mut env = Environment::new();
        env.set_formatter(html_formatter);
        env.set_loader(move |name| {
            theme.template(name).map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "cannot read template").with_source(e)
            })
        });
        for (name, _) in TEMPLATES {
            env.get_template(name).map_err(|source| RenderError { name: (*name).to_owned(), source })?;
        }
        Ok(Self { env, page_hint: AtomicUsize::new(0) })
    }

    /// Renders the first of `names` that exists, so a theme can add `article-{slug}.html`
    /// or `error-404.html` and fall back to `article.html` or `error.html`.
    pub fn render(&self, names: &[&str], context: &impl Serialize) -> Result<Vec<u8>, RenderError> {
        let mut last = None;
        for name in names {
            match self.env.get_template(name) {
                Ok(template) => {
                    let mut page = Vec::with_capacity(self.page_hint.load(Ordering::Relaxed));
                    template
                        .render_captured_to(Serde(context), &mut page)
                        .map_err(|source| RenderError { name: (*name).to_owned(), source })?;
                    self.page_hint.fetch_max(page.len().min(MAX_PAGE_HINT), Ordering::Relaxed);
                    // A page kept in the cache keeps its buffer: no more than twice its
                    // size, as when the buffer grew by doubling.
                    if page.len() < page.capacity() / 2 {
                        page.shrink_to_fit();
                    }
                    return Ok(page);
                }
                Err(e) if e.kind() == minijinja::ErrorKind::TemplateNotFound => last = Some(e),
                Err(source) => return Err(RenderError { name: (*name).to_owned(), source }),
            }
        }
        Err(RenderError {
            name: names.join(", "),
            source: last.unwrap_or_else(|| minijinja::Error::from(minijinja::ErrorKind::TemplateNotFound)),
        })
    }
}

/// Escapes strings for HTML as browsers need (`& < > " '`), leaving `/` alone, which
/// the default formatter encodes and so bloats every URL on a page.
fn html_formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (AutoEscape::Html, Some(text)) if !value.is_safe() => write_escaped(out, text).map_err(write_error),
        _ => escape_formatter(out, state, value),
    }
}

/// Appends `text` escaped for HTML text and attribute values (see [`write_escaped`]).
pub fn escape_into(text: &str, out: &mut String) {
    // Writing into a `String` does not fail.
    let _ = write_escaped(out, text);
}

/// Writes `text` with `& < > " '` replaced by their entities. Most text has nothing to
/// escape, or an apostrophe now and then: in a long text `memchr` finds the next of each
/// kind of special byte, and the text between is copied whole.
fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let bytes = text.as_bytes();
    if bytes.len() < LONG_TEXT {
        return write_escaped_bytewise(out, text);
    }
    let markup = |from: usize| memchr::memchr3(b'&', b'<', b'>', &bytes[from..]).map_or(bytes.len(), |i| from + i);
    let quotes = |from: usize| memchr::memchr2(b'"', b'\'', &bytes[from..]).map_or(bytes.len(), |i| from + i);
    let (mut next_markup, mut next_quote) = (markup(0), quotes(0));
    let mut last = 0;
    loop {
        let at = next_markup.min(next_quote);
        let entity = match bytes.get(at) {
            None => return out.write_str(&text[last..]),
            Some(b'&') => "&amp;",
            Some(b'<') => "&lt;",
            Some(b'>') => "&gt;",
            Some(b'"') => "&quot;",
            Some(_) => "&#39;",
        };
        out.write_str(&text[last..at])?;
        out.write_str(entity)?;
        last = at + 1;
        if at == next_markup {
            next_markup = markup(last);
        } else {
            next_quote = quotes(last);
        }
    }
}

/// Texts this long are escaped with `memchr`; a shorter one, such as a name or an
/// address, costs less byte by byte than the set-up of the searches.
const LONG_TEXT: usize = 64;

/// [`write_escaped`], one byte at a time, once a look eight bytes at a time has found
/// something to escape: most names, titles and addresses have nothing.
fn write_escaped_bytewise(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    if !has_special_byte(text.as_bytes()) {
        return out.write_str(text);
    }
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])?;
        out.write_str(entity)?;
        last = i + 1;
    }
    out.write_str(&text[last..])
}

/// Whether `bytes` holds any of `& < > " '`, read as 64-bit words: a byte equal to the
/// one sought is zero after `^`, and `(x - 0x01…) & !x & 0x80…` is non-zero exactly when
/// some byte of `x` is zero.
fn has_special_byte(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    let special = |word: u64| [b'&', b'<', b'>', b'"', b'\''].iter().any(|&b| has_zero(word ^ (ONES * u64::from(b))));
    let mut words = bytes.chunks_exact(8);
    let found = words.by_ref().any(|chunk| {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        special(u64::from_ne_bytes(word))
    });
    found || words.remainder().iter().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
}

fn write_error(e: std::fmt::Error) -> minijinja::Error {
    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write output").with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_rendered_whole_and_a_small_one_after_a_large_one_keeps_no_large_buffer() {
        let renderer = Renderer::new(Theme::default()).unwrap_or_else(|e| panic!("{e}"));
        let chrome = views::Chrome {
            site_name: "Qalam".to_owned(),
            base_url: "https://example.org".to_owned(),
            today: "05 December 2025".to_owned(),
            today_iso: "2025-12-05".to_owned(),
            ticker: Vec::new(),
            countries: Vec::new(),
            sections: Vec::new(),
            css_href: "/assets/site.css".to_owned(),
            seo: seo::SiteSeo::new(&crate::config::Settings::default()),
        };
        let meta = views::Meta { title: "Not found".to_owned(), ..views::Meta::default() };
        let page = |message: &str| {
            let page = serde_json::json!({ "title": "Not found", "message": message });
            let context = serde_json::json!({ "chrome": chrome, "meta": meta, "page": page });
            renderer.render(&["error-404.html", "error.html"], &context).unwrap_or_else(|e| panic!("{e}"))
        };
        let large = page(&"Алматы & Бишкек. ".repeat(10_000));
        let text = String::from_utf8(large).unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("<h1>Not found</h1>") && text.trim_end().ends_with("</html>"));
        assert_eq!(text.matches("Алматы &amp; Бишкек.").count(), 10_000);
        let small = page("No such page.");
        assert!(small.capacity() <= 2 * small.len(), "{} bytes in a buffer of {}", small.len(), small.capacity());
    }

    #[test]
    fn a_special_byte_is_found_at_every_position_of_a_word_and_of_the_tail() {
        for special in [b'&', b'<', b'>', b'"', b'\''] {
            for len in 0..20 {
                let plain = vec![b'a'; len];
                assert!(!has_special_byte(&plain));
                for at in 0..len {
                    let mut text = plain.clone();
                    text[at] = special;
                    assert!(has_special_byte(&text), "{:?} at {at} of {len}", special as char);
                }
            }
        }
        assert!(!has_special_byte("Алматы — 100% (a/b) #1 ! = ? ;:,.".as_bytes()));
    }

    #[test]
    fn escaping_replaces_each_special_byte_wherever_it_falls_in_short_and_long_text() {
        let text = "Tom & Jerry's <b>\"Almaty\"</b> — Алматы & co, 100% > 99%; a/b/c/d/e/f/g/h & i \
                    and a longer tail without anything to escape at all, then '<&>' at its end";
        let reference = |piece: &str| {
            piece
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_owned(),
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&#39;".to_owned(),
                    c => c.to_string(),
                })
                .collect::<String>()
        };
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        for (n, &start) in bounds.iter().enumerate() {
            for &end in bounds[n..].iter().step_by(3) {
                let piece = &text[start..end];
                let mut out = String::new();
                write_escaped(&mut out, piece).expect("writing to a string");
                assert_eq!(out, reference(piece), "{piece:?}");
            }
        }
    }
}

//! Turning views into HTML: the template environment over the theme.
pub mod admin;
pub mod assets;
pub mod seo;
pub mod theme;
pub mod ticker;
pub mod views;

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
}

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
        Ok(Self { env })
    }

    /// Renders the first of `names` that exists, so a theme can add `article-{slug}.html`
    /// or `error-404.html` and fall back to `article.html` or `error.html`.
    pub fn render(&self, names: &[&str], context: &impl Serialize) -> Result<String, RenderError> {
        let mut last = None;
        for name in names {
            match self.env.get_template(name) {
                Ok(template) => {
                    return template
                        .render(Serde(context))
                        .map_err(|source| RenderError { name: (*name).to_owned(), source });
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

/// Writes `text` with `& < > " '` replaced by their entities.
fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let bytes = text.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most text has nothing to escape: step over eight bytes at a time.
        if let Some(word) = bytes.get(i..i + 8) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            if !needs_escape(u64::from_le_bytes(eight)) {
                i += 8;
                continue;
            }
        }
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => {
                i += 1;
                continue;
            }
        };
        out.write_str(&text[last..i])?;
        out.write_str(entity)?;
        i += 1;
        last = i;
    }
    out.write_str(&text[last..])
}

/// Whether any of eight bytes is one that HTML needs escaped: a byte equal to `c` is a
/// zero byte of `word ^ c…c`, which the classic bit trick detects without a branch.
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |c: u8| {
        let x = word ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    };
    has(b'&') | has(b'<') | has(b'>') | has(b'"') | has(b'\'')
}

fn write_error(e: std::fmt::Error) -> minijinja::Error {
    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write output").with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_each_special_byte_wherever_it_falls() {
        let text = "Tom & Jerry's <b>\"Almaty\"</b> — Алматы & co, 100% > 99%; a/b/c/d/e/f/g/h & i";
        let mut expected = String::new();
        for c in text.chars() {
            match c {
                '&' => expected.push_str("&amp;"),
                '<' => expected.push_str("&lt;"),
                '>' => expected.push_str("&gt;"),
                '"' => expected.push_str("&quot;"),
                '\'' => expected.push_str("&#39;"),
                c => expected.push(c),
            }
        }
        for start in 0..12 {
            let piece = &text[text.char_indices().nth(start).map_or(0, |(i, _)| i)..];
            let mut out = String::new();
            write_escaped(&mut out, piece).expect("writing to a string");
            let skipped: usize = text
                .chars()
                .take(start)
                .map(|c| match c {
                    '&' => 5,
                    '<' | '>' => 4,
                    '"' => 6,
                    '\'' => 5,
                    c => c.len_utf8(),
                })
                .sum();
            assert_eq!(out, expected[skipped..], "from character {start}");
        }
    }
}

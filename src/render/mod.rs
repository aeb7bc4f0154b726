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
        (AutoEscape::Html, Some(text)) if !value.is_safe() => {
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
                out.write_str(&text[last..i]).map_err(write_error)?;
                out.write_str(entity).map_err(write_error)?;
                last = i + 1;
            }
            out.write_str(&text[last..]).map_err(write_error)
        }
        _ => escape_formatter(out, state, value),
    }
}

fn write_error(e: std::fmt::Error) -> minijinja::Error {
    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write output").with_source(e)
}

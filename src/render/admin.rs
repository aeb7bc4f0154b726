//! The newsroom's own screens: templates embedded in the binary and not part of the
//! theme, so a newsroom's theme can never break its way in.

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::RenderError;

/// The newsroom's templates.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../admin/templates/layout.html")),
    ("sign_in.html", include_str!("../../admin/templates/sign_in.html")),
    ("setup.html", include_str!("../../admin/templates/setup.html")),
    ("set_password.html", include_str!("../../admin/templates/set_password.html")),
    ("message.html", include_str!("../../admin/templates/message.html")),
    ("articles.html", include_str!("../../admin/templates/articles.html")),
    ("editor.html", include_str!("../../admin/templates/editor.html")),
    ("revisions.html", include_str!("../../admin/templates/revisions.html")),
    ("revision.html", include_str!("../../admin/templates/revision.html")),
    ("users.html", include_str!("../../admin/templates/users.html")),
    ("account.html", include_str!("../../admin/templates/account.html")),
    ("tags.html", include_str!("../../admin/templates/tags.html")),
    ("tag.html", include_str!("../../admin/templates/tag.html")),
    ("tag_form.html", include_str!("../../admin/templates/tag_form.html")),
    ("authors.html", include_str!("../../admin/templates/authors.html")),
    ("author.html", include_str!("../../admin/templates/author.html")),
    ("author_form.html", include_str!("../../admin/templates/author_form.html")),
    ("redirects.html", include_str!("../../admin/templates/redirects.html")),
    ("media.html", include_str!("../../admin/templates/media.html")),
    ("pager.html", include_str!("../../admin/templates/pager.html")),
];

/// The newsroom's static files, with their content types.
pub const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    ("admin.css", "text/css; charset=utf-8", include_bytes!("../../admin/static/admin.css")),
    ("admin.js", "text/javascript; charset=utf-8", include_bytes!("../../admin/static/admin.js")),
];

/// The newsroom's template environment, built once.
pub struct AdminRenderer {
    env: Environment<'static>,
}

impl AdminRenderer {
    /// Compiles every newsroom template.
    pub fn new() -> Result<Self, RenderError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_formatter(super::html_formatter);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).map_err(|source| RenderError { name: (*name).to_owned(), source })?;
        }
        Ok(Self { env })
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, RenderError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(Serde(context)))
            .map_err(|source| RenderError { name: name.to_owned(), source })
    }
}

//! The theme: templates and static files embedded in the binary, each of which a theme
//! directory can shadow file by file (`<dir>/templates/…`, `<dir>/static/…`).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Templates of the built-in theme.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("macros.html", include_str!("../../themes/default/templates/macros.html")),
    ("home.html", include_str!("../../themes/default/templates/home.html")),
    ("article.html", include_str!("../../themes/default/templates/article.html")),
    ("listing.html", include_str!("../../themes/default/templates/listing.html")),
    ("error.html", include_str!("../../themes/default/templates/error.html")),
    ("search.html", include_str!("../../themes/default/templates/search.html")),
    ("rates.html", include_str!("../../themes/default/templates/rates.html")),
];

/// Static files of the built-in theme, with their content types.
pub const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    ("site.css", "text/css; charset=utf-8", include_bytes!("../../themes/default/static/site.css")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../../themes/default/static/favicon.svg")),
];

/// A static file's bytes and content type.
pub type StaticFile = (Cow<'static, [u8]>, &'static str);

/// Where templates and static files come from.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    dir: Option<PathBuf>,
}

impl Theme {
    /// The built-in theme, shadowed by `dir` when given.
    pub fn new(dir: Option<&Path>) -> Self {
        Self { dir: dir.map(Path::to_owned) }
    }

    /// The source of a template, from the theme directory first.
    pub fn template(&self, name: &str) -> std::io::Result<Option<String>> {
        if let Some(text) = self.read_override("templates", name)? {
            return String::from_utf8(text)
                .map(Some)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e));
        }
        Ok(TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, src)| (*src).to_owned()))
    }

    /// A static file's bytes and content type, from the theme directory first.
    pub fn static_file(&self, name: &str) -> std::io::Result<Option<StaticFile>> {
        let Some((_, content_type, bytes)) = STATIC_FILES.iter().find(|(n, _, _)| *n == name) else {
            return Ok(None);
        };
        Ok(Some(match self.read_override("static", name)? {
            Some(own) => (Cow::Owned(own), content_type),
            None => (Cow::Borrowed(bytes), content_type),
        }))
    }

    fn read_override(&self, folder: &str, name: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(dir) = &self.dir else { return Ok(None) };
        let safe = !name.is_empty() && name.split('/').all(|p| !p.is_empty() && p != "." && p != "..");
        if !safe {
            return Ok(None);
        }
        match std::fs::read(dir.join(folder).join(name)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

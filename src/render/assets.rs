//! The theme's static files, loaded once, each addressable by a fingerprinted name
//! (`site.3f2a9c1d.css`) so that browsers can keep them for a year.

use bytes::Bytes;

use super::theme::{STATIC_FILES, Theme};

/// One static file.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Plain name, such as `site.css`.
    pub name: &'static str,
    /// Fingerprinted path, such as `/assets/site.3f2a9c1d.css`.
    pub href: String,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The file.
    pub bytes: Bytes,
}

/// Every static file of the theme.
#[derive(Debug, Clone)]
pub struct Assets {
    files: Vec<Asset>,
}

impl Assets {
    /// Reads every static file of `theme`.
    pub fn load(theme: &Theme) -> std::io::Result<Self> {
        let mut files = Vec::with_capacity(STATIC_FILES.len());
        for (name, _, _) in STATIC_FILES {
            let Some((bytes, content_type)) = theme.static_file(name)? else { continue };
            let hash = bytes.iter().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193));
            let href = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("/assets/{stem}.{hash:08x}.{ext}"),
                None => format!("/assets/{name}.{hash:08x}"),
            };
            files.push(Asset { name, href, content_type, bytes: Bytes::from(bytes.into_owned()) });
        }
        Ok(Self { files })
    }

    /// The fingerprinted address of `name`, or its plain address when unknown.
    pub fn href(&self, name: &str) -> String {
        self.files.iter().find(|a| a.name == name).map_or_else(|| format!("/assets/{name}"), |a| a.href.clone())
    }

    /// The file a request path segment names, plain or fingerprinted; the second value
    /// says whether the name was fingerprinted (and so may be cached for good).
    pub fn find(&self, file: &str) -> Option<(&Asset, bool)> {
        self.files.iter().find_map(|a| {
            if a.name == file {
                Some((a, false))
            } else if a.href.strip_prefix("/assets/") == Some(file) {
                Some((a, true))
            } else {
                None
            }
        })
    }
}

//! Uploads: every address of a WordPress upload found in the export (attachments,
//! featured images, images and links in posts) is looked up in a local copy of
//! `wp-content/uploads`, copied into the data directory's `media/`, and rewritten to
//! `/media/…`. Nothing is fetched over the network. A file that is not in the copy is
//! reported and its address left as it was, so that an old site still up keeps serving it.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::percent_decode;

/// Where uploaded files live on the old site, written without the scheme
/// (`//example.com/wp-content/uploads/`), so that `http:`, `https:` and
/// protocol-relative addresses all match.
const UPLOADS_DIR: &str = "/wp-content/uploads/";

/// A file that could not be brought over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFile {
    /// Its address in the export.
    pub url: String,
    /// Why.
    pub reason: String,
}

/// What happened to one upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Local,
    Missing,
}

/// Finds, copies and rewrites uploads.
#[derive(Debug)]
pub struct Uploads {
    source: Option<PathBuf>,
    media_dir: PathBuf,
    /// Upload bases, scheme-less, longest first.
    bases: Vec<String>,
    seen: HashMap<String, Fate>,
    /// Files copied now.
    pub copied: usize,
    /// Files already in `media/` from an earlier import.
    pub present: usize,
    /// Files not found.
    pub missing: Vec<MissingFile>,
    /// `(old path, new path)` of every upload now served by Qalam.
    pub moved: Vec<(String, String)>,
}

impl Uploads {
    /// Uploads of a site whose addresses start with `sites` (the export's own address)
    /// or are attachments at `attachment_urls`, read from `source` into `media_dir`.
    pub fn new<'a>(
        source: Option<PathBuf>,
        media_dir: PathBuf,
        sites: &[&str],
        attachment_urls: impl Iterator<Item = &'a str>,
    ) -> Self {
        let mut bases: Vec<String> = sites
            .iter()
            .filter_map(|site| scheme_less(site))
            .map(|site| format!("{}{UPLOADS_DIR}", site.trim_end_matches('/')))
            .collect();
        bases.extend(attachment_urls.filter_map(upload_base));
        bases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        bases.dedup();
        Self {
            source,
            media_dir,
            bases,
            seen: HashMap::new(),
            copied: 0,
            present: 0,
            missing: Vec::new(),
            moved: Vec::new(),
        }
    }

    /// The new address of one upload, when it is now served by Qalam.
    pub fn rewrite_url(&mut self, url: &str) -> io::Result<Option<String>> {
        let Some(without_scheme) = scheme_less(url.trim()) else { return Ok(None) };
        let Some((base, rel)) = self.split(without_scheme) else { return Ok(None) };
        let rel = rel.split(['?', '#']).next().unwrap_or_default();
        self.bring(&base, rel, url.trim())
    }

    /// Rewrites every upload address in `html` whose file is now served by Qalam.
    pub fn rewrite_html(&mut self, html: &str) -> io::Result<String> {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(at) = rest.find("//") {
            let scheme = ["https:", "http:"].into_iter().find(|s| rest[..at].ends_with(s)).map_or(0, str::len);
            let start = at - scheme;
            let before = rest[..start].chars().next_back();
            let standalone =
                scheme > 0 || before.is_none_or(|c| matches!(c, '"' | '\'' | '=' | '(' | ' ' | '\n' | ','));
            let end = rest[at..]
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | '?' | '#' | '\\'))
                .map_or(rest.len(), |len| at + len);
            let replacement = match (standalone, self.split(&rest[at..end])) {
                (true, Some((base, rel))) => self.bring(&base, rel, &rest[start..end])?,
                _ => None,
            };
            match replacement {
                Some(new) => {
                    out.push_str(&rest[..start]);
                    out.push_str(&new);
                }
                None => out.push_str(&rest[..end]),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The base an address starts with, and the file's path under it.
    fn split<'u>(&self, without_scheme: &'u str) -> Option<(String, &'u str)> {
        let base = self.bases.iter().find(|base| without_scheme.starts_with(base.as_str()))?;
        let rel = &without_scheme[base.len()..];
        let file = rel.rsplit('/').next().unwrap_or_default();
        // A directory or a page on the old site is not an upload.
        file.contains('.').then(|| (base.clone(), rel))
    }

    /// Copies the file at `rel` (once) and gives its new address.
    fn bring(&mut self, base: &str, rel: &str, url: &str) -> io::Result<Option<String>> {
        let new = format!("/media/{rel}");
        match self.seen.get(rel) {
            Some(Fate::Local) => return Ok(Some(new)),
            Some(Fate::Missing) => return Ok(None),
            None => {}
        }
        let Some(relative) = safe_relative(rel) else {
            return Ok(self.miss(rel, url, "its address leaves the uploads directory"));
        };
        let Some(source) = &self.source else {
            return Ok(self.miss(rel, url, "no --uploads directory was given"));
        };
        let from = source.join(&relative);
        let size = match fs::metadata(&from) {
            Ok(meta) if meta.is_file() => meta.len(),
            Ok(_) => return Ok(self.miss(rel, url, "not a file in the uploads directory")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(self.miss(rel, url, "not in the uploads directory"));
            }
            Err(e) => return Ok(self.miss(rel, url, &format!("cannot be read: {e}"))),
        };
        let to = self.media_dir.join(&relative);
        if fs::metadata(&to).is_ok_and(|meta| meta.len() == size) {
            self.present += 1;
        } else {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(&from, &to)?;
            self.copied += 1;
        }
        self.seen.insert(rel.to_owned(), Fate::Local);
        // `base` is `//host/path/`: on the old site the file was at `/path/rel`.
        let old_dir = base.get(2..).and_then(|b| b.find('/').map(|i| &b[i..])).unwrap_or("/");
        self.moved.push((format!("{old_dir}{rel}"), new.clone()));
        Ok(Some(new))
    }

    fn miss(&mut self, rel: &str, url: &str, reason: &str) -> Option<String> {
        self.seen.insert(rel.to_owned(), Fate::Missing);
        self.missing.push(MissingFile { url: url.to_owned(), reason: reason.to_owned() });
        None
    }
}

/// `https://example.com/x` → `//example.com/x`; `None` for an address with no host.
fn scheme_less(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https:").or_else(|| url.strip_prefix("http:")).unwrap_or(url);
    (rest.starts_with("//") && rest.len() > 2).then_some(rest)
}

/// The uploads directory an attachment's address lives in: `…/wp-content/uploads/`, or
/// for WordPress.com's file hosts the host itself (`//site.files.wordpress.com/2008/06/a.jpg`
/// is in `//site.files.wordpress.com/`), found by stripping the `YYYY/MM/` folders.
fn upload_base(url: &str) -> Option<String> {
    let url = scheme_less(url.trim())?;
    if let Some(at) = url.find(UPLOADS_DIR) {
        return Some(url[..at + UPLOADS_DIR.len()].to_owned());
    }
    let dir = &url[..url.rfind('/')? + 1];
    let mut segments: Vec<&str> = dir.trim_end_matches('/').split('/').collect();
    let dated = |s: &&str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if segments.len() > 4 && segments.last().is_some_and(|s| dated(s, 2)) {
        segments.pop();
        if segments.last().is_some_and(|s| dated(s, 4)) {
            segments.pop();
        }
    }
    // `//host` alone splits into ["", "", "host"].
    (segments.len() >= 3).then(|| format!("{}/", segments.join("/")))
}

/// The file path of an upload's relative address, refusing anything that would leave
/// the uploads directory or name a hidden file.
fn safe_relative(rel: &str) -> Option<PathBuf> {
    let decoded = percent_decode(rel);
    let mut path = PathBuf::new();
    for segment in decoded.split('/') {
        let unsafe_segment = segment.is_empty()
            || segment.starts_with('.')
            || segment.contains(['\\', '\0', ':'])
            || Path::new(segment).is_absolute();
        if unsafe_segment {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uploads(dir: &Path) -> Uploads {
        let source = dir.join("uploads");
        fs::create_dir_all(source.join("2025/12")).expect("mkdir");
        fs::write(source.join("2025/12/dam.png"), b"png").expect("write");
        fs::write(source.join("2025/12/dam-300x200.png"), b"small").expect("write");
        Uploads::new(
            Some(source),
            dir.join("media"),
            &["https://steppe.example"],
            ["https://cdn.files.wordpress.com/2024/01/x.jpg"].into_iter(),
        )
    }

    #[test]
    fn addresses_of_copied_files_are_rewritten_and_missing_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut uploads = uploads(dir.path());
        let html = r#"<img src="https://steppe.example/wp-content/uploads/2025/12/dam-300x200.png" srcset="http://steppe.example/wp-content/uploads/2025/12/dam.png 600w, //steppe.example/wp-content/uploads/2025/12/gone.png 900w"> <a href="https://steppe.example/2025/12/05/post/">post</a> https://other.example/wp-content/uploads/2025/12/dam.png"#;
        let out = uploads.rewrite_html(html).expect("rewrites");
        assert_eq!(
            out,
            r#"<img src="/media/2025/12/dam-300x200.png" srcset="/media/2025/12/dam.png 600w, //steppe.example/wp-content/uploads/2025/12/gone.png 900w"> <a href="https://steppe.example/2025/12/05/post/">post</a> https://other.example/wp-content/uploads/2025/12/dam.png"#
        );
        assert_eq!(fs::read(dir.path().join("media/2025/12/dam.png")).expect("copied"), b"png");
        assert_eq!((uploads.copied, uploads.present), (2, 0));
        assert_eq!(uploads.missing.len(), 1);
        assert_eq!(uploads.missing[0].url, "//steppe.example/wp-content/uploads/2025/12/gone.png");
        assert!(
            uploads.moved.contains(&("/wp-content/uploads/2025/12/dam.png".into(), "/media/2025/12/dam.png".into()))
        );

        let mut again = Uploads::new(
            Some(dir.path().join("uploads")),
            dir.path().join("media"),
            &["https://steppe.example"],
            std::iter::empty(),
        );
        let url = again.rewrite_url("https://steppe.example/wp-content/uploads/2025/12/dam.png").expect("ok");
        assert_eq!(url.as_deref(), Some("/media/2025/12/dam.png"));
        assert_eq!((again.copied, again.present), (0, 1), "an unchanged file is not copied again");
    }

    #[test]
    fn wordpress_com_file_hosts_are_upload_bases() {
        assert_eq!(
            upload_base("https://cdn.files.wordpress.com/2024/01/x.jpg").as_deref(),
            Some("//cdn.files.wordpress.com/")
        );
        assert_eq!(
            upload_base("http://a.example/blog/wp-content/uploads/sites/2/x.jpg").as_deref(),
            Some("//a.example/blog/wp-content/uploads/")
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let mut uploads = uploads(dir.path());
        let out = uploads.rewrite_html(r#"<img src="https://cdn.files.wordpress.com/2024/01/x.jpg">"#).expect("ok");
        assert!(out.contains("cdn.files.wordpress.com"), "missing, so kept: {out}");
        assert_eq!(uploads.missing[0].reason, "not in the uploads directory");
    }

    #[test]
    fn paths_that_leave_the_uploads_directory_are_refused() {
        for rel in ["../etc/passwd", "2025/%2e%2e/x.png", "a//b.png", ".htaccess", "a\\b.png"] {
            assert!(safe_relative(rel).is_none(), "{rel}");
        }
        assert_eq!(safe_relative("2025/12/%D0%B4.png"), Some(PathBuf::from("2025/12/д.png")));
    }
}

//! People who write for the newsroom.

use super::slug::Slug;

/// An author as readers see them: byline and archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// Store identity.
    pub id: i64,
    /// URL slug of the author archive.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// Short biography, plain text.
    pub bio: Option<String>,
}

/// First path segment of author archives: `/author/…`.
pub const AUTHOR_ARCHIVE: &str = "author";

impl Author {
    /// The author archive's address: `/author/aida-sadykova/`.
    pub fn path(&self) -> String {
        self.slug.path_under(AUTHOR_ARCHIVE)
    }
}

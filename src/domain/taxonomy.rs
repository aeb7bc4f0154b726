//! Countries, sections and topics: one tag model with a kind.

use serde::Serialize;

use super::slug::Slug;

/// What a tag classifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    /// One of the countries covered.
    Country,
    /// A desk of the newsroom (Politics, Economy…).
    Section,
    /// Any other subject.
    Topic,
}

impl TagKind {
    /// Every kind, in the order pages show them.
    pub const ALL: [TagKind; 3] = [TagKind::Country, TagKind::Section, TagKind::Topic];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Section => "section",
            Self::Topic => "topic",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// First path segment of this kind's archives: `/country/…`, `/section/…`, `/tag/…`.
    pub fn path_segment(self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Section => "section",
            Self::Topic => "tag",
        }
    }
}

/// A stored tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Store identity.
    pub id: i64,
    /// Country, section or topic.
    pub kind: TagKind,
    /// URL slug, unique within the kind.
    pub slug: Slug,
    /// Display name.
    pub name: String,
}

impl Tag {
    /// The archive path, such as `/country/kazakhstan/`.
    pub fn path(&self) -> String {
        self.slug.path_under(self.kind.path_segment())
    }
}

//! Articles: their publication status, language, and the shapes the store takes and gives.

use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use super::body::Body;
use super::people::Author;
use super::picture::Picture;
use super::slug::Slug;
use super::taxonomy::{Tag, TagKind};

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written; never public.
    Draft,
    /// Will become public at its publication time.
    Scheduled,
    /// Public from its publication time on.
    Published,
}

impl Status {
    /// Parses the stored and imported spelling, accepting WordPress's `publish`/`future`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "scheduled" | "future" => Some(Self::Scheduled),
            "published" | "publish" => Some(Self::Published),
            _ => None,
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
        }
    }
}

/// A language tag such as `en`, `ru` or `kk`: two or three lowercase ASCII letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Language(String);

impl Language {
    /// Accepts `en`, `ru`, `kk`, `uz`…; case is folded.
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.trim().to_ascii_lowercase();
        let ok = (2..=3).contains(&lower.len()) && lower.bytes().all(|b| b.is_ascii_lowercase());
        ok.then_some(Self(lower))
    }

    /// English, the default.
    pub fn english() -> Self {
        Self("en".to_owned())
    }

    /// The tag as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person named on an article, identified by slug when stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorRef {
    /// URL slug of the author archive.
    pub slug: Slug,
    /// Display name.
    pub name: String,
}

/// A tag named on an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRef {
    /// Country, section or topic.
    pub kind: TagKind,
    /// URL slug, unique within the kind.
    pub slug: Slug,
    /// Display name.
    pub name: String,
}

/// Everything needed to create or replace an article, keyed by slug.
#[derive(Debug, Clone)]
pub struct ArticleDraft {
    /// URL slug; saving a slug that exists replaces that article.
    pub slug: Slug,
    /// Headline.
    pub title: String,
    /// Subtitle shown under the headline.
    pub dek: Option<String>,
    /// The body, already sanitised.
    pub body: Body,
    /// A hand-written excerpt, used instead of the automatic one.
    pub excerpt: Option<String>,
    /// Draft, scheduled or published.
    pub status: Status,
    /// When it is (or is to be) public.
    pub published_at: Timestamp,
    /// Language of the text.
    pub language: Language,
    /// Address of the featured image.
    pub featured_image: Option<String>,
    /// Authors, in byline order.
    pub authors: Vec<AuthorRef>,
    /// Countries, sections and topics.
    pub tags: Vec<TagRef>,
}

/// What a note appended to a published article is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// Something the article got wrong, put right.
    Correction,
    /// News that came after publication.
    Update,
}

impl NoteKind {
    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "correction" => Some(Self::Correction),
            "update" => Some(Self::Update),
            _ => None,
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Update => "update",
        }
    }

    /// The word readers see.
    pub fn label(self) -> &'static str {
        match self {
            Self::Correction => "Correction",
            Self::Update => "Update",
        }
    }
}

/// A dated correction or update shown at the foot of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleNote {
    /// Correction or update.
    pub kind: NoteKind,
    /// When it was added.
    pub noted_at: Timestamp,
    /// What it says, plain text.
    pub text: String,
}

/// A stored article with its people and tags, as an article page needs it.
#[derive(Debug, Clone)]
pub struct Article {
    /// Store identity.
    pub id: i64,
    /// URL slug.
    pub slug: Slug,
    /// Headline.
    pub title: String,
    /// Subtitle.
    pub dek: Option<String>,
    /// Sanitised HTML body.
    pub body_html: String,
    /// The body's plain text.
    pub body_text: String,
    /// Hand-written excerpt, if any.
    pub excerpt: Option<String>,
    /// Publication status.
    pub status: Status,
    /// Publication time.
    pub published_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// Language of the text.
    pub language: Language,
    /// Featured image address.
    pub featured_image: Option<String>,
    /// The featured image's stored sizes, when it is an upload.
    pub featured_picture: Option<Picture>,
    /// Authors in byline order.
    pub authors: Vec<Author>,
    /// Countries, sections and topics.
    pub tags: Vec<Tag>,
    /// Corrections and updates, oldest first (loaded for the article page only).
    pub notes: Vec<ArticleNote>,
}

/// A stored article as a listing card needs it.
#[derive(Debug, Clone)]
pub struct ArticleSummary {
    /// Store identity.
    pub id: i64,
    /// URL slug.
    pub slug: Slug,
    /// Headline.
    pub title: String,
    /// Subtitle.
    pub dek: Option<String>,
    /// Hand-written excerpt, if any.
    pub excerpt: Option<String>,
    /// The start of the body's plain text: more words than the excerpt asked of the
    /// store, when the body has them, so the excerpt can tell it was cut.
    pub lead_text: String,
    /// Publication time.
    pub published_at: Timestamp,
    /// Language of the text.
    pub language: Language,
    /// Featured image address.
    pub featured_image: Option<String>,
    /// The featured image's stored sizes, when it is an upload.
    pub featured_picture: Option<Picture>,
    /// Authors in byline order, shared with every other card that names them.
    pub authors: Vec<Arc<Author>>,
    /// Countries, sections and topics, shared likewise.
    pub tags: Vec<Arc<Tag>>,
}

impl ArticleSummary {
    /// The first tag of `kind`, such as the article's country.
    pub fn first_tag(&self, kind: TagKind) -> Option<&Tag> {
        self.tags.iter().map(|t| &**t).find(|t| t.kind == kind)
    }
}

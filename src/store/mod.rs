//! The store: the one interface through which the rest of Qalam reads and writes
//! content. `SqliteStore` is the embedded default; another engine implements the same
//! trait without the web layer noticing.

mod migrations;
mod rates;
mod sqlite;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::domain::article::{Article, ArticleDraft, ArticleSummary};
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};

pub use rates::{OfficialRate, RateHistory};
pub use sqlite::SqliteStore;

/// A failure inside the store; the web layer shows none of it to readers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database engine failed.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A stored value could not be read back into its domain type.
    #[error("stored data is invalid: {0}")]
    Invalid(String),
    /// The database belongs to a newer Qalam.
    #[error("the database was written by a newer Qalam (schema version {found}, this one knows {known})")]
    TooNew {
        /// Highest migration applied to the database.
        found: i64,
        /// Highest migration this build knows.
        known: i64,
    },
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which published articles a listing shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingFilter {
    /// Every published article.
    All,
    /// Articles with this tag (country, section or topic).
    Tag(i64),
    /// Articles by this author.
    Author(i64),
    /// Articles published in `[from, until)`.
    Period {
        /// Start, inclusive.
        from: Timestamp,
        /// End, exclusive.
        until: Timestamp,
    },
}

/// One page of a listing and the size of the whole listing.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The articles on this page, newest first.
    pub items: Vec<ArticleSummary>,
    /// Articles in the whole listing.
    pub total: u64,
}

/// Which version of an article the store holds, for the search index to compare with
/// the version it indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleStamp {
    /// Store identity.
    pub id: i64,
    /// Last change.
    pub updated_at: Timestamp,
    /// Publication time.
    pub published_at: Timestamp,
    /// Whether its status is published (it may still be scheduled for later).
    pub listed: bool,
}

/// What saving an article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// A new article was stored.
    Created,
    /// The article with that slug was replaced.
    Updated,
}

/// A tag with the latest articles in it, for a block on the home page.
#[derive(Debug, Clone)]
pub struct TagBlock {
    /// The tag.
    pub tag: Tag,
    /// Its latest published articles.
    pub items: Vec<ArticleSummary>,
}

/// Everything the site reads and writes. Reads of public content take `now`, so that an
/// article scheduled for later stays hidden until its time.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A published article by slug.
    async fn published_article(&self, slug: &Slug, now: Timestamp) -> StoreResult<Option<Article>>;

    /// A page of published articles, newest first, with enough text in each for an
    /// excerpt of `words` words, and the size of the whole listing.
    async fn list_published(
        &self,
        filter: &ListingFilter,
        now: Timestamp,
        offset: u64,
        limit: u32,
        words: usize,
    ) -> StoreResult<Listing>;

    /// The latest `limit` published articles, without counting the listing.
    async fn latest_published(
        &self,
        filter: &ListingFilter,
        now: Timestamp,
        limit: u32,
        words: usize,
    ) -> StoreResult<Vec<ArticleSummary>>;

    /// For every tag of `kind`, its latest `per_tag` published articles; tags with none
    /// are left out.
    async fn latest_by_tag_kind(
        &self,
        kind: TagKind,
        per_tag: u32,
        now: Timestamp,
        words: usize,
    ) -> StoreResult<Vec<TagBlock>>;

    /// Published articles sharing the most tags with `article`, newest first.
    async fn related_articles(
        &self,
        article: &Article,
        limit: u32,
        now: Timestamp,
        words: usize,
    ) -> StoreResult<Vec<ArticleSummary>>;

    /// A tag by kind and slug.
    async fn tag(&self, kind: TagKind, slug: &Slug) -> StoreResult<Option<Tag>>;

    /// Every tag of a kind, by name.
    async fn tags(&self, kind: TagKind) -> StoreResult<Vec<Tag>>;

    /// An author by slug.
    async fn author(&self, slug: &Slug) -> StoreResult<Option<Author>>;

    /// For each currency quoted in `quote`, its latest official rate and the one before.
    async fn latest_rates(&self, quote: &str) -> StoreResult<Vec<RateHistory>>;

    /// Number of stored articles, whatever their status.
    async fn article_count(&self) -> StoreResult<u64>;

    /// The version of every stored article, whatever its status.
    async fn article_stamps(&self) -> StoreResult<Vec<ArticleStamp>>;

    /// Whole articles by store identity, whatever their status, in no particular order;
    /// unknown identities are left out.
    async fn articles_by_id(&self, ids: &[i64]) -> StoreResult<Vec<Article>>;

    /// Summaries of the articles of `ids` that are public at `now`, in the order of `ids`,
    /// with enough text for excerpts of `words` words.
    async fn published_summaries(&self, ids: &[i64], now: Timestamp, words: usize) -> StoreResult<Vec<ArticleSummary>>;

    /// A counter that changes whenever content changes, in any process.
    async fn content_version(&self) -> StoreResult<i64>;

    /// Creates or replaces articles by slug, all in one transaction.
    async fn save_articles(&self, drafts: Vec<ArticleDraft>, now: Timestamp) -> StoreResult<Vec<SaveOutcome>>;

    /// Stores official rates; a rate already stored for the same day and source is replaced.
    async fn save_rates(&self, rates: Vec<OfficialRate>) -> StoreResult<()>;

    /// The day of the newest stored rate, if any.
    async fn latest_rate_date(&self) -> StoreResult<Option<Date>>;

    /// A currency's rates against `quote` from `from` to `to` inclusive, oldest first,
    /// one per day: of two sources for the same day, the one fetched last.
    async fn rate_history(&self, currency: &str, quote: &str, from: Date, to: Date) -> StoreResult<Vec<OfficialRate>>;

    /// The newest stored rate of every pair `source` publishes.
    async fn latest_rates_from(&self, source: &str) -> StoreResult<Vec<OfficialRate>>;
}

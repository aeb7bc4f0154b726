//! The store: the one interface through which the rest of Qalam reads and writes
//! content. `SqliteStore` is the embedded default; another engine implements the same
//! trait without the web layer noticing.

pub mod coordination;
mod kept;
pub mod media;
mod migrations;
pub mod newsroom;
mod postgres;
mod query_plan;
mod rates;
mod redirects;
mod related;
mod sqlite;
mod wordpress;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::domain::article::{Article, ArticleDraft, ArticleSummary, Language};
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};

pub use coordination::{Coordination, Job, Lease};
pub use media::{MediaAdded, MediaItem, MediaPage, MediaStore, NewMedia};
pub use newsroom::Newsroom;
pub use postgres::{PostgresOptions, PostgresStore};
pub use rates::{OfficialRate, RateHistory};
pub use sqlite::{DatabaseCopy, SqliteStore, copy_database};

/// A failure inside the store; the web layer shows none of it to readers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database engine failed.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A stored value could not be read back into its domain type.
    #[error("stored data is invalid: {0}")]
    Invalid(String),
    /// Every database connection stayed busy for longer than the pool's wait limit.
    #[error("the database is busy: no connection was free in time")]
    Busy,
    /// The database server cannot be reached (it may be restarting).
    #[error("the database is unreachable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database belongs to a newer Qalam.
    #[error("the database was written by a newer Qalam (schema version {found}, this one knows {known})")]
    TooNew {
        /// Highest migration applied to the database.
        found: i64,
        /// Highest migration this build knows.
        known: i64,
    },
}

impl StoreError {
    /// Whether the failure passes by itself (a full pool, a database restarting), so
    /// that the right answer is 503 with `Retry-After` rather than 500.
    pub fn is_temporary(&self) -> bool {
        matches!(self, Self::Busy | Self::Unavailable(_))
    }
}

/// Words kept in `articles.lead_text`: an excerpt of fewer words is cut from it without
/// reading the whole body. One more than the longest such excerpt, so a cut shows.
pub(crate) const LEAD_WORDS: usize = 121;

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

/// Which published articles a feed or a Content API listing shows: every condition
/// given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleQuery {
    /// Articles carrying every one of these tags.
    pub tags: Vec<i64>,
    /// Articles by this author.
    pub author: Option<i64>,
    /// Articles in this language.
    pub language: Option<Language>,
    /// Published at or after this instant.
    pub from: Option<Timestamp>,
    /// Published before this instant.
    pub until: Option<Timestamp>,
}

/// A public article's address and dates, for a sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    /// URL slug.
    pub slug: Slug,
    /// Publication time.
    pub published_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A tag with its public articles counted.
#[derive(Debug, Clone)]
pub struct TagStats {
    /// The tag.
    pub tag: Tag,
    /// Public articles carrying it.
    pub articles: u64,
    /// Publication time of the newest of them.
    pub latest: Option<Timestamp>,
}

/// An author with their public articles counted.
#[derive(Debug, Clone)]
pub struct AuthorStats {
    /// The author.
    pub author: Author,
    /// Public articles by them.
    pub articles: u64,
    /// Publication time of the newest of them.
    pub latest: Option<Timestamp>,
}

/// A Content API key as stored, without the key itself.
#[derive(Debug, Clone)]
pub struct ApiKeyInfo {
    /// Who or what the key is for.
    pub name: String,
    /// When it was made.
    pub created_at: Timestamp,
}

/// What adding a Content API key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAdded {
    /// The key was stored.
    Added,
    /// Another key already has that name; nothing was stored.
    NameTaken,
}

/// A post brought in from WordPress, keyed by its post id there.
#[derive(Debug, Clone)]
pub struct ImportedArticle {
    /// The WordPress post id.
    pub wp_id: i64,
    /// The article. Its slug is the one wanted: when another article holds it, the post
    /// id is appended.
    pub draft: ArticleDraft,
    /// Last change in WordPress.
    pub modified_at: Timestamp,
    /// A hash of everything imported from the post: an equal one means nothing changed.
    pub fingerprint: i64,
    /// The post's old addresses, each to redirect to the article.
    pub old_paths: Vec<String>,
}

/// What importing one post did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new article was stored.
    Created,
    /// The post's article was replaced.
    Updated,
    /// The post had not changed since the last import; nothing was written.
    Unchanged,
}

/// A WordPress user who becomes an author.
#[derive(Debug, Clone)]
pub struct ImportedAuthor {
    /// WordPress login, the user's identity there.
    pub login: String,
    /// E-mail address, stored but never shown.
    pub email: Option<String>,
    /// The author as readers see them.
    pub author: crate::domain::article::AuthorRef,
}

/// How the store's pool of database connections is used, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStatus {
    /// Connections open, idle or in use.
    pub size: usize,
    /// Connections answering a call right now.
    pub in_use: usize,
    /// The most the pool opens, if it has a bound.
    pub max: Option<usize>,
}

/// An old address and the site-relative address it now leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Old path, with its query string if it had one (`/?cat=12`).
    pub from: String,
    /// New path, such as `/section/economy/`.
    pub to: String,
}

/// Everything the site reads and writes. Reads of public content take `now`, so that an
/// article scheduled for later stays hidden until its time.
#[async_trait]
pub trait Store: Newsroom + MediaStore + Coordination + Send + Sync + 'static {
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

    /// A published article by slug with its `limit` related articles, as
    /// [`Store::published_article`] and [`Store::related_articles`] give them; an engine
    /// with a round trip per statement reads both at once.
    async fn published_article_with_related(
        &self,
        slug: &Slug,
        now: Timestamp,
        limit: u32,
        words: usize,
    ) -> StoreResult<Option<(Article, Vec<ArticleSummary>)>> {
        let Some(article) = self.published_article(slug, now).await? else { return Ok(None) };
        let related = self.related_articles(&article, limit, now, words).await?;
        Ok(Some((article, related)))
    }

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

    /// How the pool of database connections is used right now.
    fn pool_status(&self) -> PoolStatus;

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

    /// Published articles matching `query`, whole, newest first, `limit` from `offset`.
    async fn find_articles(
        &self,
        query: &ArticleQuery,
        now: Timestamp,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<Article>>;

    /// How many published articles match `query`.
    async fn count_articles(&self, query: &ArticleQuery, now: Timestamp) -> StoreResult<u64>;

    /// Public articles' addresses and dates, oldest stored first, `limit` from `offset`.
    async fn sitemap_entries(&self, now: Timestamp, offset: u64, limit: u32) -> StoreResult<Vec<SitemapEntry>>;

    /// The latest change in each run of `per_file` public articles, in the order of
    /// [`Store::sitemap_entries`]: one entry per sitemap file.
    async fn sitemap_chunks(&self, now: Timestamp, per_file: u32) -> StoreResult<Vec<Timestamp>>;

    /// Every tag, by kind and name, with its public articles counted.
    async fn tag_stats(&self, now: Timestamp) -> StoreResult<Vec<TagStats>>;

    /// Every author, by name, with their public articles counted.
    async fn author_stats(&self, now: Timestamp) -> StoreResult<Vec<AuthorStats>>;

    /// Stores the digest of a new Content API key under `name`.
    async fn add_api_key(&self, name: &str, key_hash: &str, now: Timestamp) -> StoreResult<KeyAdded>;

    /// Whether a Content API key with this digest exists.
    async fn api_key_known(&self, key_hash: &str) -> StoreResult<bool>;

    /// Every Content API key's name and age, by name.
    async fn api_keys(&self) -> StoreResult<Vec<ApiKeyInfo>>;

    /// Deletes the Content API key named `name`; whether there was one.
    async fn remove_api_key(&self, name: &str) -> StoreResult<bool>;

    /// Creates or updates posts imported from WordPress, by post id, with their old
    /// addresses, all in one transaction.
    async fn save_imported_articles(
        &self,
        items: Vec<ImportedArticle>,
        now: Timestamp,
    ) -> StoreResult<Vec<ImportOutcome>>;

    /// Creates or updates the authors behind WordPress users, in one transaction.
    async fn save_imported_authors(&self, authors: Vec<ImportedAuthor>) -> StoreResult<()>;

    /// Stores redirects to fixed addresses, replacing any from the same old address.
    async fn save_redirects(&self, redirects: Vec<Redirect>) -> StoreResult<()>;

    /// Where an old address (path and query, as requested) now leads, if it leads to
    /// something public at `now`. Percent-escapes, letter case and doubled slashes do
    /// not matter.
    async fn redirect_target(&self, path: &str, now: Timestamp) -> StoreResult<Option<String>>;

    /// The address of the article imported from WordPress post `wp_id`, if public at `now`.
    async fn wordpress_post_path(&self, wp_id: i64, now: Timestamp) -> StoreResult<Option<String>>;
}

//! What the newsroom reads and writes beside public content: accounts, sessions, the
//! sign-in throttle, reset links, and articles as editors see them (every status, with
//! their version, owner and revisions).

use async_trait::async_trait;
use jiff::Timestamp;

use super::StoreResult;
use crate::domain::account::{Email, Role, User};
use crate::domain::article::{ArticleDraft, ArticleNote, NoteKind, Status};
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Tag, TagKind};

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in address.
    pub email: Email,
    /// Display name, also the byline of the author profile made for the account.
    pub name: String,
    /// What the account may do.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// What adding an account did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAdded {
    /// Stored, with this identity.
    Added(i64),
    /// Another account has that address; nothing was stored.
    EmailTaken,
    /// The account was to be the owner, and the newsroom has one; nothing was stored.
    OwnerExists,
}

/// A signed-in session, found by the digest of its cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// Who is signed in.
    pub user: User,
    /// The secret this session's forms must echo.
    pub csrf_token: String,
}

/// Which articles the newsroom's list shows: every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct NewsroomFilter {
    /// In this status.
    pub status: Option<Status>,
    /// With this author on the byline.
    pub author_id: Option<i64>,
    /// Carrying this tag (section or topic).
    pub tag_id: Option<i64>,
    /// Carrying this country tag.
    pub country_id: Option<i64>,
    /// Created by this account.
    pub owner_id: Option<i64>,
    /// Words in the headline or slug.
    pub text: Option<String>,
}

/// An article as a row of the newsroom's list.
#[derive(Debug, Clone)]
pub struct NewsroomRow {
    /// Store identity.
    pub id: i64,
    /// Headline.
    pub title: String,
    /// URL slug.
    pub slug: String,
    /// Status.
    pub status: Status,
    /// Publication time (planned, for a scheduled article).
    pub published_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// Byline names, comma-separated.
    pub authors: String,
}

/// An article as the editor opens it, whatever its status.
#[derive(Debug, Clone)]
pub struct EditedArticle {
    /// Store identity.
    pub id: i64,
    /// Saves so far; a save must name the version it started from.
    pub version: i64,
    /// The account that created it, if it still exists.
    pub owner_id: Option<i64>,
    /// Last change.
    pub updated_at: Timestamp,
    /// The article as stored, with its Markdown when it was written in Markdown.
    pub draft: ArticleDraft,
    /// Identities of the byline's authors.
    pub author_ids: Vec<i64>,
    /// Title for search engines.
    pub seo_title: Option<String>,
    /// Description for search engines.
    pub seo_description: Option<String>,
    /// Alternative text of the featured image.
    pub featured_image_alt: Option<String>,
    /// Caption of the featured image.
    pub featured_image_caption: Option<String>,
}

/// An article to save from the editor.
#[derive(Debug, Clone)]
pub struct ArticleSave {
    /// The article to replace; `None` creates one.
    pub id: Option<i64>,
    /// The version the editor started from; a different stored one is a conflict.
    pub base_version: Option<i64>,
    /// The article as it is to be stored.
    pub draft: ArticleDraft,
    /// Title for search engines.
    pub seo_title: Option<String>,
    /// Description for search engines.
    pub seo_description: Option<String>,
    /// Alternative text of the featured image.
    pub featured_image_alt: Option<String>,
    /// Caption of the featured image.
    pub featured_image_caption: Option<String>,
    /// The manuscript as saved (JSON), kept as a revision.
    pub snapshot: String,
    /// Who saves.
    pub user_id: i64,
}

/// What a save from the editor did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleSaved {
    /// Stored as this article, now at this version.
    Saved {
        /// Store identity.
        id: i64,
        /// New version.
        version: i64,
    },
    /// Someone else saved the article since the editor opened it; nothing was stored.
    Conflict {
        /// The stored version.
        version: i64,
        /// Who saved it, if known.
        saved_by: Option<String>,
        /// When.
        saved_at: Timestamp,
    },
    /// Another article has this slug; nothing was stored.
    SlugTaken,
    /// No article has this identity.
    Missing,
}

/// One saved revision of an article.
#[derive(Debug, Clone)]
pub struct RevisionInfo {
    /// Store identity.
    pub id: i64,
    /// The article's version it recorded.
    pub version: i64,
    /// When.
    pub saved_at: Timestamp,
    /// Who saved it, if the account still exists.
    pub saved_by: Option<String>,
}

/// A tag as the newsroom manages it.
#[derive(Debug, Clone)]
pub struct TagProfile {
    /// The tag.
    pub tag: Tag,
    /// What the tag's archive says about it.
    pub description: Option<String>,
    /// Articles carrying it, whatever their status.
    pub articles: u64,
}

/// A tag to create or change.
#[derive(Debug, Clone)]
pub struct TagEdit {
    /// Country, section or topic.
    pub kind: TagKind,
    /// URL slug, unique within the kind.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// Description, if any.
    pub description: Option<String>,
}

/// An author profile as the newsroom manages it.
#[derive(Debug, Clone)]
pub struct AuthorProfile {
    /// The author.
    pub author: Author,
    /// Address of their photo.
    pub photo: Option<String>,
    /// Articles they are on, whatever their status.
    pub articles: u64,
}

/// An author profile to create or change.
#[derive(Debug, Clone)]
pub struct AuthorEdit {
    /// URL slug of their archive.
    pub slug: Slug,
    /// Byline.
    pub name: String,
    /// Short biography.
    pub bio: Option<String>,
    /// Address of their photo.
    pub photo: Option<String>,
}

/// What saving a tag or an author profile did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSaved {
    /// Stored under this identity.
    Saved(i64),
    /// Another one has the slug; nothing was stored.
    SlugTaken,
    /// No such identity.
    Missing,
}

/// Accounts, sessions and the newsroom's view of articles.
#[async_trait]
pub trait Newsroom: Send + Sync {
    /// Number of accounts.
    async fn user_count(&self) -> StoreResult<u64>;

    /// Creates an account and an author profile under its name (reusing a profile of
    /// that name's slug, as for an imported author).
    async fn add_user(&self, user: NewUser, now: Timestamp) -> StoreResult<UserAdded>;

    /// An account and its password hash, by sign-in address.
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<(User, String)>>;

    /// An account by identity.
    async fn user(&self, id: i64) -> StoreResult<Option<User>>;

    /// Every account, most trusted role first, then by name.
    async fn users(&self) -> StoreResult<Vec<User>>;

    /// Removes an account and ends its sessions; whether there was one.
    async fn remove_user(&self, id: i64) -> StoreResult<bool>;

    /// Replaces an account's password, ending all its sessions and reset links.
    async fn set_password(&self, user_id: i64, password_hash: &str) -> StoreResult<()>;

    /// Stores a session under the digest of its cookie.
    async fn add_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()>;

    /// The live session with this digest, if any.
    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<SessionInfo>>;

    /// Ends a session.
    async fn end_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Records one failed sign-in under each key, forgetting failures older than `forget_before`.
    async fn add_login_failure(&self, keys: &[String], now: Timestamp, forget_before: Timestamp) -> StoreResult<()>;

    /// Failed sign-ins under `key` since `since`.
    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<u64>;

    /// Forgets the failed sign-ins under `key` (after a successful one).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;

    /// Stores a one-time reset link's digest for an account.
    async fn add_password_reset(&self, token_hash: &str, user_id: i64, expires_at: Timestamp) -> StoreResult<()>;

    /// The account of a live reset link, without using it up.
    async fn password_reset_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<i64>>;

    /// One page of the newsroom's article list, newest change first, and its size.
    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(Vec<NewsroomRow>, u64)>;

    /// An article of any status, as the editor opens it.
    async fn edited_article(&self, id: i64) -> StoreResult<Option<EditedArticle>>;

    /// Saves an article from the editor with a new revision, refusing a stale version
    /// or a slug another article has.
    async fn save_edited_article(&self, save: ArticleSave, now: Timestamp) -> StoreResult<ArticleSaved>;

    /// An article's revisions, newest first.
    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<RevisionInfo>>;

    /// One revision of an article and its manuscript (JSON).
    async fn revision(&self, article_id: i64, revision_id: i64) -> StoreResult<Option<(RevisionInfo, String)>>;

    /// Publishes every scheduled article whose time has come; their identities.
    async fn publish_due(&self, now: Timestamp) -> StoreResult<Vec<i64>>;

    /// Every tag, by kind and name, with its description and articles counted.
    async fn tag_profiles(&self) -> StoreResult<Vec<TagProfile>>;

    /// Creates a tag (`id` `None`) or changes one.
    async fn save_tag(&self, id: Option<i64>, tag: TagEdit) -> StoreResult<ProfileSaved>;

    /// Deletes a tag, taking it off its articles; whether there was one.
    async fn remove_tag(&self, id: i64) -> StoreResult<bool>;

    /// An author profile by identity.
    async fn author_by_id(&self, id: i64) -> StoreResult<Option<Author>>;

    /// Every author, by name, with their photo and articles counted.
    async fn author_profiles(&self) -> StoreResult<Vec<AuthorProfile>>;

    /// Creates an author profile (`id` `None`) or changes one.
    async fn save_author(&self, id: Option<i64>, author: AuthorEdit) -> StoreResult<ProfileSaved>;

    /// Every stored redirect, by old address: where each leads now.
    async fn redirects(&self) -> StoreResult<Vec<super::Redirect>>;

    /// Appends a dated correction or update to an article.
    async fn add_article_note(&self, article_id: i64, kind: NoteKind, text: &str, now: Timestamp) -> StoreResult<()>;

    /// An article's corrections and updates, oldest first.
    async fn article_notes(&self, article_id: i64) -> StoreResult<Vec<ArticleNote>>;

    /// Deletes the redirect from `from` (as stored); whether there was one.
    async fn remove_redirect(&self, from: &str) -> StoreResult<bool>;
}

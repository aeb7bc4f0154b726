//! SCAFFOLD

use super::PostgresStore;
use crate::domain::account::{Email, User};
use crate::domain::article::{ArticleNote, NoteKind};
use crate::domain::people::Author;
use crate::store::StoreResult;
use crate::store::newsroom::*;
use async_trait::async_trait;
use jiff::Timestamp;

#[async_trait]
impl Newsroom for PostgresStore {
    async fn user_count(&self) -> StoreResult<u64> {
        todo!()
    }

    async fn add_user(&self, user: NewUser, now: Timestamp) -> StoreResult<UserAdded> {
        todo!()
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<(User, String)>> {
        todo!()
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        todo!()
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        todo!()
    }

    async fn remove_user(&self, id: i64) -> StoreResult<bool> {
        todo!()
    }

    async fn set_password(&self, user_id: i64, password_hash: &str) -> StoreResult<()> {
        todo!()
    }

    async fn add_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        todo!()
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<SessionInfo>> {
        todo!()
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        todo!()
    }

    async fn add_login_failure(&self, keys: &[String], now: Timestamp, forget_before: Timestamp) -> StoreResult<()> {
        todo!()
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<u64> {
        todo!()
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        todo!()
    }

    async fn add_password_reset(&self, token_hash: &str, user_id: i64, expires_at: Timestamp) -> StoreResult<()> {
        todo!()
    }

    async fn password_reset_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<i64>> {
        todo!()
    }

    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(Vec<NewsroomRow>, u64)> {
        todo!()
    }

    async fn edited_article(&self, id: i64) -> StoreResult<Option<EditedArticle>> {
        todo!()
    }

    async fn save_edited_article(&self, save: ArticleSave, now: Timestamp) -> StoreResult<ArticleSaved> {
        todo!()
    }

    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<RevisionInfo>> {
        todo!()
    }

    async fn revision(&self, article_id: i64, revision_id: i64) -> StoreResult<Option<(RevisionInfo, String)>> {
        todo!()
    }

    async fn publish_due(&self, now: Timestamp) -> StoreResult<Vec<i64>> {
        todo!()
    }

    async fn tag_profiles(&self) -> StoreResult<Vec<TagProfile>> {
        todo!()
    }

    async fn save_tag(&self, id: Option<i64>, tag: TagEdit) -> StoreResult<ProfileSaved> {
        todo!()
    }

    async fn remove_tag(&self, id: i64) -> StoreResult<bool> {
        todo!()
    }

    async fn author_by_id(&self, id: i64) -> StoreResult<Option<Author>> {
        todo!()
    }

    async fn author_profiles(&self) -> StoreResult<Vec<AuthorProfile>> {
        todo!()
    }

    async fn save_author(&self, id: Option<i64>, author: AuthorEdit) -> StoreResult<ProfileSaved> {
        todo!()
    }

    async fn redirects(&self) -> StoreResult<Vec<crate::store::Redirect>> {
        todo!()
    }

    async fn add_article_note(&self, article_id: i64, kind: NoteKind, text: &str, now: Timestamp) -> StoreResult<()> {
        todo!()
    }

    async fn article_notes(&self, article_id: i64) -> StoreResult<Vec<ArticleNote>> {
        todo!()
    }

    async fn remove_redirect(&self, from: &str) -> StoreResult<bool> {
        todo!()
    }
}

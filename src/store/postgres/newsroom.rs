//! The PostgreSQL side of the newsroom: accounts, sessions, the sign-in throttle, reset
//! links, and articles as the editor saves them (through the same [`save_article`] as
//! every other writer, plus version, owner and revision).
//!
//! Every write whose outcome depends on what it reads first (a free address, a version
//! not overtaken, an article still scheduled) runs under the store's write lock, so two
//! nodes doing it at once take turns as two SQLite writers would.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use jiff::Timestamp;
use tokio_postgres::Row;

use super::writing::save_article;
use super::{PostgresStore, profiles, write_transaction};
use super::{author_from_row, big, count, db, get, invalid, language, slug, status, tag_kind, time};
use crate::domain::account::{Email, Role, User};
use crate::domain::article::{ArticleDraft, ArticleNote, AuthorRef, NoteKind, Status, TagRef};
use crate::domain::body::Body;
use crate::domain::people::Author;
use crate::domain::slug::Slug;
use crate::store::newsroom::{
    ArticleSave, ArticleSaved, AuthorEdit, AuthorProfile, EditedArticle, NewUser, Newsroom, NewsroomFilter,
    NewsroomRow, ProfileSaved, RevisionInfo, SessionInfo, TagEdit, TagProfile, UserAdded,
};
use crate::store::{Redirect, StoreError, StoreResult};

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.author_id";

fn user_from_row(row: &Row) -> StoreResult<User> {
    let email: &str = get(row, 1)?;
    let role: &str = get(row, 3)?;
    Ok(User {
        id: get(row, 0)?,
        email: Email::parse(email).ok_or_else(|| invalid("email", email))?,
        name: get(row, 2)?,
        role: Role::parse(role).ok_or_else(|| invalid("role", role))?,
        author_id: get(row, 4)?,
    })
}

fn revision_from_row(row: &Row) -> StoreResult<RevisionInfo> {
    Ok(RevisionInfo { id: get(row, 0)?, version: get(row, 1)?, saved_at: time(row, 2)?, saved_by: get(row, 3)? })
}

#[async_trait]
impl Newsroom for PostgresStore {
    async fn user_count(&self) -> StoreResult<u64> {
        let client = self.client().await?;
        let row = client.query_one("SELECT COUNT(*) FROM users", &[]).await.map_err(db)?;
        Ok(count(get(&row, 0)?))
    }

    async fn add_user(&self, user: NewUser, now: Timestamp) -> StoreResult<UserAdded> {
        let mut client = self.client().await?;
        let tx = write_transaction(&mut client).await?;
        let taken =
            tx.query_opt("SELECT 1 FROM users WHERE email = $1", &[&user.email.as_str()]).await.map_err(db)?.is_some();
        if taken {
            return Ok(UserAdded::EmailTaken);
        }
        if user.role == Role::Owner {
            let owned = tx.query_opt("SELECT 1 FROM users WHERE role = 'owner'", &[]).await.map_err(db)?.is_some();
            if owned {
                return Ok(UserAdded::OwnerExists);
            }
        }
        let author_id: Option<i64> = match Slug::from_text(&user.name) {
            Some(slug) => {
                tx.execute(
                    "INSERT INTO authors (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING",
                    &[&slug.as_str(), &user.name],
                )
                .await
                .map_err(db)?;
                tx.query_opt("SELECT id FROM authors WHERE slug = $1", &[&slug.as_str()])
                    .await
                    .map_err(db)?
                    .map(|row| get(&row, 0))
                    .transpose()?
            }
            None => None,
        };
        let row = tx
            .query_one(
                "INSERT INTO users (email, name, role, password_hash, author_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &user.email.as_str(),
                    &user.name,
                    &user.role.as_str(),
                    &user.password_hash,
                    &author_id,
                    &now.as_second(),
                ],
            )
            .await
            .map_err(db)?;
        let id = get(&row, 0)?;
        tx.commit().await.map_err(db)?;
        Ok(UserAdded::Added(id))
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<(User, String)>> {
        let client = self.client().await?;
        let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1");
        let statement = client.prepare_cached(&sql).await.map_err(db)?;
        let row = client.query_opt(&statement, &[&email.as_str()]).await.map_err(db)?;
        row.map(|row| Ok((user_from_row(&row)?, get(&row, 5)?))).transpose()
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        let client = self.client().await?;
        let statement =
            client.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1")).await.map_err(db)?;
        client.query_opt(&statement, &[&id]).await.map_err(db)?.map(|row| user_from_row(&row)).transpose()
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let client = self.client().await?;
        // Byte order, as SQLite sorts text, whatever the database's collation.
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.name COLLATE \"C\"");
        let rows = client.query(&sql, &[]).await.map_err(db)?;
        let mut users = rows.iter().map(user_from_row).collect::<StoreResult<Vec<_>>>()?;
        users.sort_by_key(|u| std::cmp::Reverse(u.role));
        Ok(users)
    }

    async fn remove_user(&self, id: i64) -> StoreResult<bool> {
        let client = self.client().await?;
        let removed = client.execute("DELETE FROM users WHERE id = $1", &[&id]).await.map_err(db)?;
        Ok(removed > 0)
    }

    async fn set_password(&self, user_id: i64, password_hash: &str) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        tx.execute("UPDATE users SET password_hash = $1 WHERE id = $2", &[&password_hash, &user_id])
            .await
            .map_err(db)?;
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user_id]).await.map_err(db)?;
        tx.execute("DELETE FROM password_resets WHERE user_id = $1", &[&user_id]).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn add_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now.as_second()]).await.map_err(db)?;
        tx.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[&token_hash, &user_id, &csrf_token, &now.as_second(), &expires_at.as_second()],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<SessionInfo>> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2"
            ))
            .await
            .map_err(db)?;
        let row = client.query_opt(&statement, &[&token_hash, &now.as_second()]).await.map_err(db)?;
        row.map(|row| Ok(SessionInfo { user: user_from_row(&row)?, csrf_token: get(&row, 5)? })).transpose()
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        let client = self.client().await?;
        client.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash]).await.map(drop).map_err(db)
    }

    async fn add_login_failure(&self, keys: &[String], now: Timestamp, forget_before: Timestamp) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        tx.execute("DELETE FROM login_failures WHERE failed_at < $1", &[&forget_before.as_second()])
            .await
            .map_err(db)?;
        tx.execute(
            "INSERT INTO login_failures (key, failed_at) SELECT key, $2::BIGINT FROM unnest($1::TEXT[]) AS key",
            &[&keys, &now.as_second()],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<u64> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND failed_at >= $2",
                &[&key, &since.as_second()],
            )
            .await
            .map_err(db)?;
        Ok(count(get(&row, 0)?))
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        let client = self.client().await?;
        client.execute("DELETE FROM login_failures WHERE key = $1", &[&key]).await.map(drop).map_err(db)
    }

    async fn add_password_reset(&self, token_hash: &str, user_id: i64, expires_at: Timestamp) -> StoreResult<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                &[&token_hash, &user_id, &expires_at.as_second()],
            )
            .await
            .map(drop)
            .map_err(db)
    }

    async fn password_reset_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<i64>> {
        let client = self.client().await?;
        client
            .query_opt(
                "SELECT user_id FROM password_resets WHERE token_hash = $1 AND expires_at > $2",
                &[&token_hash, &now.as_second()],
            )
            .await
            .map_err(db)?
            .map(|row| get(&row, 0))
            .transpose()
    }

    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(Vec<NewsroomRow>, u64)> {
        // Every condition is bound; an absent one is `$n IS NULL`. The text is matched
        // as SQLite's `instr` does: a plain substring, no wildcards.
        const CONDITIONS: &str = "($1::TEXT IS NULL OR a.status = $1)
             AND ($2::BIGINT IS NULL OR EXISTS
                 (SELECT 1 FROM article_authors l WHERE l.article_id = a.id AND l.author_id = $2))
             AND ($3::BIGINT IS NULL OR EXISTS
                 (SELECT 1 FROM article_tags l WHERE l.article_id = a.id AND l.tag_id = $3))
             AND ($4::BIGINT IS NULL OR a.owner_id = $4)
             AND ($5::TEXT IS NULL OR strpos(lower(a.title), lower($5)) > 0 OR strpos(a.slug, lower($5)) > 0)
             AND ($6::BIGINT IS NULL OR EXISTS
                 (SELECT 1 FROM article_tags l WHERE l.article_id = a.id AND l.tag_id = $6))";
        let wanted_status = filter.status.map(Status::as_str);
        let client = self.client().await?;
        let total = client
            .query_one(
                &format!("SELECT COUNT(*) FROM articles a WHERE {CONDITIONS}"),
                &[
                    &wanted_status,
                    &filter.author_id,
                    &filter.tag_id,
                    &filter.owner_id,
                    &filter.text,
                    &filter.country_id,
                ],
            )
            .await
            .map_err(db)?;
        let rows = client
            .query(
                &format!(
                    "SELECT a.id, a.title, a.slug, a.status, a.published_at, a.updated_at,
                            (SELECT string_agg(p.name, ', ' ORDER BY l.position)
                             FROM article_authors l JOIN authors p ON p.id = l.author_id WHERE l.article_id = a.id)
                     FROM articles a WHERE {CONDITIONS}
                     ORDER BY a.updated_at DESC, a.id DESC LIMIT $7 OFFSET $8"
                ),
                &[
                    &wanted_status,
                    &filter.author_id,
                    &filter.tag_id,
                    &filter.owner_id,
                    &filter.text,
                    &filter.country_id,
                    &i64::from(limit),
                    &big(offset),
                ],
            )
            .await
            .map_err(db)?;
        let rows = rows
            .iter()
            .map(|row| {
                Ok(NewsroomRow {
                    id: get(row, 0)?,
                    title: get(row, 1)?,
                    slug: get(row, 2)?,
                    status: status(row, 3)?,
                    published_at: time(row, 4)?,
                    updated_at: time(row, 5)?,
                    authors: get::<Option<String>>(row, 6)?.unwrap_or_default(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((rows, count(get(&total, 0)?)))
    }

    async fn edited_article(&self, id: i64) -> StoreResult<Option<EditedArticle>> {
        let client = self.client().await?;
        edited_article(&client, id).await
    }

    async fn save_edited_article(&self, save: ArticleSave, now: Timestamp) -> StoreResult<ArticleSaved> {
        let mut client = self.client().await?;
        let tx = write_transaction(&mut client).await?;
        let saved = save_edited(&tx, &save, now.as_second()).await?;
        // Anything else stored nothing: dropping the transaction rolls it back.
        if matches!(saved, ArticleSaved::Saved { .. }) {
            tx.commit().await.map_err(db)?;
        }
        Ok(saved)
    }

    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<RevisionInfo>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT r.id, r.version, r.saved_at, u.name FROM revisions r LEFT JOIN users u ON u.id = r.user_id
                 WHERE r.article_id = $1 ORDER BY r.id DESC",
                &[&article_id],
            )
            .await
            .map_err(db)?;
        rows.iter().map(revision_from_row).collect()
    }

    async fn revision(&self, article_id: i64, revision_id: i64) -> StoreResult<Option<(RevisionInfo, String)>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT r.id, r.version, r.saved_at, u.name, r.snapshot
                 FROM revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = $1 AND r.id = $2",
                &[&article_id, &revision_id],
            )
            .await
            .map_err(db)?;
        row.map(|row| Ok((revision_from_row(&row)?, get(&row, 4)?))).transpose()
    }

    async fn publish_due(&self, now: Timestamp) -> StoreResult<Vec<i64>> {
        let now = now.as_second();
        let mut client = self.client().await?;
        // Asked every second by every node: a read that finds nothing due takes no lock.
        let check = client
            .prepare_cached("SELECT 1 FROM articles WHERE status = 'scheduled' AND published_at <= $1 LIMIT 1")
            .await
            .map_err(db)?;
        let due = client.query_opt(&check, &[&now]).await.map_err(db)?.is_some();
        if !due {
            return Ok(Vec::new());
        }
        // Under the lock, a node that comes second finds the articles published already
        // and returns nothing, so each is announced once.
        let tx = write_transaction(&mut client).await?;
        let ids: Vec<i64> = tx
            .query(
                "UPDATE articles SET status = 'published', updated_at = $1
                 WHERE status = 'scheduled' AND published_at <= $1 RETURNING id",
                &[&now],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|row| get(row, 0))
            .collect::<StoreResult<_>>()?;
        if !ids.is_empty() {
            tx.execute("UPDATE article_authors SET listed = 1 WHERE article_id = ANY($1)", &[&ids])
                .await
                .map_err(db)?;
            tx.execute("UPDATE article_tags SET listed = 1 WHERE article_id = ANY($1)", &[&ids]).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(ids)
    }

    async fn tag_profiles(&self) -> StoreResult<Vec<TagProfile>> {
        profiles::tag_profiles(self).await
    }

    async fn save_tag(&self, id: Option<i64>, tag: TagEdit) -> StoreResult<ProfileSaved> {
        profiles::save_tag(self, id, &tag).await
    }

    async fn remove_tag(&self, id: i64) -> StoreResult<bool> {
        profiles::remove_tag(self, id).await
    }

    async fn author_by_id(&self, id: i64) -> StoreResult<Option<Author>> {
        let client = self.client().await?;
        client
            .query_opt("SELECT id, slug, name, bio FROM authors WHERE id = $1", &[&id])
            .await
            .map_err(db)?
            .map(|row| author_from_row(&row, 0))
            .transpose()
    }

    async fn author_profiles(&self) -> StoreResult<Vec<AuthorProfile>> {
        profiles::author_profiles(self).await
    }

    async fn save_author(&self, id: Option<i64>, author: AuthorEdit) -> StoreResult<ProfileSaved> {
        profiles::save_author(self, id, &author).await
    }

    async fn redirects(&self) -> StoreResult<Vec<Redirect>> {
        profiles::redirects(self).await
    }

    async fn add_article_note(&self, article_id: i64, kind: NoteKind, text: &str, now: Timestamp) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        tx.execute(
            "INSERT INTO article_notes (article_id, kind, noted_at, text) VALUES ($1, $2, $3, $4)",
            &[&article_id, &kind.as_str(), &now.as_second(), &text],
        )
        .await
        .map_err(db)?;
        // A correction is a change of the article: its version moves on for the search
        // index and its modified date for readers and search engines.
        tx.execute(
            "UPDATE articles SET updated_at = GREATEST(updated_at + 1, $2) WHERE id = $1",
            &[&article_id, &now.as_second()],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn article_notes(&self, article_id: i64) -> StoreResult<Vec<ArticleNote>> {
        let client = self.client().await?;
        article_notes(&client, article_id).await
    }

    async fn remove_redirect(&self, from: &str) -> StoreResult<bool> {
        profiles::remove_redirect(self, from).await
    }
}

/// An article's corrections and updates, oldest first.
pub(super) async fn article_notes(client: &impl GenericClient, article_id: i64) -> StoreResult<Vec<ArticleNote>> {
    let statement = client
        .prepare_cached("SELECT kind, noted_at, text FROM article_notes WHERE article_id = $1 ORDER BY noted_at, id")
        .await
        .map_err(db)?;
    let rows = client.query(&statement, &[&article_id]).await.map_err(db)?;
    rows.iter()
        .map(|row| {
            let kind: &str = get(row, 0)?;
            Ok(ArticleNote {
                kind: NoteKind::parse(kind).ok_or_else(|| invalid("note kind", kind))?,
                noted_at: time(row, 1)?,
                text: get(row, 2)?,
            })
        })
        .collect()
}

async fn edited_article(client: &impl GenericClient, id: i64) -> StoreResult<Option<EditedArticle>> {
    let statement = client
        .prepare_cached(
            "SELECT slug, title, dek, body_html, body_text, body_markdown, excerpt, status, published_at,
                    language, featured_image, version, owner_id, updated_at, seo_title, seo_description,
                    featured_image_alt, featured_image_caption
             FROM articles WHERE id = $1",
        )
        .await
        .map_err(db)?;
    let Some(row) = client.query_opt(&statement, &[&id]).await.map_err(db)? else { return Ok(None) };
    let mut article = EditedArticle {
        id,
        draft: ArticleDraft {
            slug: slug(&row, 0)?,
            title: get(&row, 1)?,
            dek: get(&row, 2)?,
            body: Body { html: get(&row, 3)?, text: get(&row, 4)?, markdown: get(&row, 5)? },
            excerpt: get(&row, 6)?,
            status: status(&row, 7)?,
            published_at: time(&row, 8)?,
            language: language(&row, 9)?,
            featured_image: get(&row, 10)?,
            authors: Vec::new(),
            tags: Vec::new(),
        },
        version: get(&row, 11)?,
        owner_id: get(&row, 12)?,
        updated_at: time(&row, 13)?,
        seo_title: get(&row, 14)?,
        seo_description: get(&row, 15)?,
        featured_image_alt: get(&row, 16)?,
        featured_image_caption: get(&row, 17)?,
        author_ids: Vec::new(),
    };
    let authors = client
        .prepare_cached(
            "SELECT p.id, p.slug, p.name FROM article_authors l JOIN authors p ON p.id = l.author_id
             WHERE l.article_id = $1 ORDER BY l.position",
        )
        .await
        .map_err(db)?;
    for row in client.query(&authors, &[&id]).await.map_err(db)? {
        article.author_ids.push(get(&row, 0)?);
        article.draft.authors.push(AuthorRef { slug: slug(&row, 1)?, name: get(&row, 2)? });
    }
    let tags = client
        .prepare_cached(
            "SELECT t.kind, t.slug, t.name FROM article_tags l JOIN tags t ON t.id = l.tag_id
             WHERE l.article_id = $1 ORDER BY l.position",
        )
        .await
        .map_err(db)?;
    for row in client.query(&tags, &[&id]).await.map_err(db)? {
        article.draft.tags.push(TagRef { kind: tag_kind(&row, 0)?, slug: slug(&row, 1)?, name: get(&row, 2)? });
    }
    Ok(Some(article))
}

async fn save_edited(tx: &Transaction<'_>, save: &ArticleSave, now: i64) -> StoreResult<ArticleSaved> {
    let slug = save.draft.slug.as_str();
    let find = tx.prepare_cached("SELECT id FROM articles WHERE slug = $1").await.map_err(db)?;
    let holder: Option<i64> = tx.query_opt(&find, &[&slug]).await.map_err(db)?.map(|row| get(&row, 0)).transpose()?;
    if holder.is_some() && holder != save.id {
        return Ok(ArticleSaved::SlugTaken);
    }
    let version = match save.id {
        Some(id) => {
            let stored =
                tx.query_opt("SELECT version, updated_at FROM articles WHERE id = $1", &[&id]).await.map_err(db)?;
            let Some(stored) = stored else { return Ok(ArticleSaved::Missing) };
            let version: i64 = get(&stored, 0)?;
            if save.base_version.is_some_and(|base| base != version) {
                let saved_by: Option<String> = tx
                    .query_opt(
                        "SELECT u.name FROM revisions r JOIN users u ON u.id = r.user_id
                         WHERE r.article_id = $1 ORDER BY r.id DESC LIMIT 1",
                        &[&id],
                    )
                    .await
                    .map_err(db)?
                    .map(|row| get(&row, 0))
                    .transpose()?;
                return Ok(ArticleSaved::Conflict { version, saved_by, saved_at: time(&stored, 1)? });
            }
            // `save_article` finds the article by slug: give it its new slug first.
            tx.execute("UPDATE articles SET slug = $1 WHERE id = $2 AND slug <> $1", &[&slug, &id])
                .await
                .map_err(db)?;
            version + 1
        }
        None => 1,
    };
    save_article(tx, &save.draft, now).await?;
    let id: i64 = tx
        .query_opt(&find, &[&slug])
        .await
        .map_err(db)?
        .map(|row| get(&row, 0))
        .transpose()?
        .ok_or_else(|| StoreError::Invalid(format!("the saved article {slug:?} vanished")))?;
    tx.execute(
        "UPDATE articles SET version = $1, owner_id = COALESCE(owner_id, $2), seo_title = $3, seo_description = $4,
             featured_image_alt = $5, featured_image_caption = $6
         WHERE id = $7",
        &[
            &version,
            &save.user_id,
            &save.seo_title,
            &save.seo_description,
            &save.featured_image_alt,
            &save.featured_image_caption,
            &id,
        ],
    )
    .await
    .map_err(db)?;
    tx.execute(
        "INSERT INTO revisions (article_id, version, saved_at, user_id, snapshot) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &version, &now, &save.user_id, &save.snapshot],
    )
    .await
    .map_err(db)?;
    Ok(ArticleSaved::Saved { id, version })
}

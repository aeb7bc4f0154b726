//! The SQLite side of the newsroom: accounts, sessions, the sign-in throttle, reset
//! links, and articles as the editor saves them (through the same [`save_article`] as
//! every other writer, plus version, owner and revision).

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::profiles;
use super::{SqliteStore, Unix, author_from_row, db, save_article};
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

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let email: String = row.get(1)?;
    let role: String = row.get(3)?;
    let bad = |what: &str, value: &str| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("{what}: {value}").into())
    };
    Ok(User {
        id: row.get(0)?,
        email: Email::parse(&email).ok_or_else(|| bad("email", &email))?,
        name: row.get(2)?,
        role: Role::parse(&role).ok_or_else(|| bad("role", &role))?,
        author_id: row.get(4)?,
    })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[async_trait]
impl Newsroom for SqliteStore {
    async fn user_count(&self) -> StoreResult<u64> {
        self.read(|conn| {
            conn.prepare_cached("SELECT COUNT(*) FROM users")
                .map_err(db)?
                .query_row([], |r| r.get(0))
                .map(count)
                .map_err(db)
        })
    }

    async fn add_user(&self, user: NewUser, now: Timestamp) -> StoreResult<UserAdded> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            let taken: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1)")
                .map_err(db)?
                .query_row([user.email.as_str()], |r| r.get(0))
                .map_err(db)?;
            if taken {
                return Ok(UserAdded::EmailTaken);
            }
            let owned: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'owner')")
                .map_err(db)?
                .query_row([], |r| r.get(0))
                .map_err(db)?;
            if owned && user.role == Role::Owner {
                return Ok(UserAdded::OwnerExists);
            }
            let author_id = match Slug::from_text(&user.name) {
                Some(slug) => {
                    tx.prepare_cached("INSERT INTO authors (slug, name) VALUES (?1, ?2) ON CONFLICT (slug) DO NOTHING")
                        .map_err(db)?
                        .execute(params![slug.as_str(), user.name])
                        .map_err(db)?;
                    tx.prepare_cached("SELECT id FROM authors WHERE slug = ?1")
                        .map_err(db)?
                        .query_row([slug.as_str()], |r| r.get::<_, i64>(0))
                        .optional()
                        .map_err(db)?
                }
                None => None,
            };
            let id = tx
                .prepare_cached(
                    "INSERT INTO users (email, name, role, password_hash, author_id, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                )
                .map_err(db)?
                .query_row(
                    params![
                        user.email.as_str(),
                        user.name,
                        user.role.as_str(),
                        user.password_hash,
                        author_id,
                        now.as_second()
                    ],
                    |r| r.get(0),
                )
                .map_err(db)?;
            tx.commit().map_err(db)?;
            Ok(UserAdded::Added(id))
        })
        .await
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<(User, String)>> {
        self.read(|conn| {
            conn.prepare_cached(&format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?1"))
                .map_err(db)?
                .query_row([email.as_str()], |row| Ok((user_from_row(row)?, row.get(5)?)))
                .optional()
                .map_err(db)
        })
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        self.read(|conn| {
            conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"))
                .map_err(db)?
                .query_row([id], user_from_row)
                .optional()
                .map_err(db)
        })
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let mut users = self.read(|conn| {
            conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.name"))
                .map_err(db)?
                .query_map([], user_from_row)
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)
        })?;
        users.sort_by_key(|u| std::cmp::Reverse(u.role));
        Ok(users)
    }

    async fn remove_user(&self, id: i64) -> StoreResult<bool> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM users WHERE id = ?1").map_err(db)?.execute([id]).map(|n| n > 0).map_err(db)
        })
        .await
    }

    async fn set_password(&self, user_id: i64, password_hash: &str) -> StoreResult<()> {
        let hash = password_hash.to_owned();
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            tx.prepare_cached("UPDATE users SET password_hash = ?1 WHERE id = ?2")
                .map_err(db)?
                .execute(params![hash, user_id])
                .map_err(db)?;
            tx.prepare_cached("DELETE FROM sessions WHERE user_id = ?1").map_err(db)?.execute([user_id]).map_err(db)?;
            tx.prepare_cached("DELETE FROM password_resets WHERE user_id = ?1")
                .map_err(db)?
                .execute([user_id])
                .map_err(db)?;
            tx.commit().map_err(db)
        })
        .await
    }

    async fn add_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        let (token_hash, csrf_token) = (token_hash.to_owned(), csrf_token.to_owned());
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            tx.prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")
                .map_err(db)?
                .execute([now.as_second()])
                .map_err(db)?;
            tx.prepare_cached(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(db)?
            .execute(params![token_hash, user_id, csrf_token, now.as_second(), expires_at.as_second()])
            .map_err(db)?;
            tx.commit().map_err(db)
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<SessionInfo>> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2"
            ))
            .map_err(db)?
            .query_row(params![token_hash, now.as_second()], |row| {
                Ok(SessionInfo { user: user_from_row(row)?, csrf_token: row.get(5)? })
            })
            .optional()
            .map_err(db)
        })
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")
                .map_err(db)?
                .execute([token_hash])
                .map(drop)
                .map_err(db)
        })
        .await
    }

    async fn add_login_failure(&self, keys: &[String], now: Timestamp, forget_before: Timestamp) -> StoreResult<()> {
        let keys = keys.to_vec();
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            tx.prepare_cached("DELETE FROM login_failures WHERE failed_at < ?1")
                .map_err(db)?
                .execute([forget_before.as_second()])
                .map_err(db)?;
            for key in &keys {
                tx.prepare_cached("INSERT INTO login_failures (key, failed_at) VALUES (?1, ?2)")
                    .map_err(db)?
                    .execute(params![key, now.as_second()])
                    .map_err(db)?;
            }
            tx.commit().map_err(db)
        })
        .await
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<u64> {
        self.read(|conn| {
            conn.prepare_cached("SELECT COUNT(*) FROM login_failures WHERE key = ?1 AND failed_at >= ?2")
                .map_err(db)?
                .query_row(params![key, since.as_second()], |r| r.get(0))
                .map(count)
                .map_err(db)
        })
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        let key = key.to_owned();
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM login_failures WHERE key = ?1")
                .map_err(db)?
                .execute([key])
                .map(drop)
                .map_err(db)
        })
        .await
    }

    async fn add_password_reset(&self, token_hash: &str, user_id: i64, expires_at: Timestamp) -> StoreResult<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| {
            conn.prepare_cached("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)")
                .map_err(db)?
                .execute(params![token_hash, user_id, expires_at.as_second()])
                .map(drop)
                .map_err(db)
        })
        .await
    }

    async fn password_reset_user(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<i64>> {
        self.read(|conn| {
            conn.prepare_cached("SELECT user_id FROM password_resets WHERE token_hash = ?1 AND expires_at > ?2")
                .map_err(db)?
                .query_row(params![token_hash, now.as_second()], |r| r.get(0))
                .optional()
                .map_err(db)
        })
    }

    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        offset: u64,
        limit: u32,
    ) -> StoreResult<(Vec<NewsroomRow>, u64)> {
        // Every condition is bound; an absent one is `?n IS NULL`.
        const CONDITIONS: &str = "(?1 IS NULL OR a.status = ?1)
             AND (?2 IS NULL OR EXISTS (SELECT 1 FROM article_authors l WHERE l.article_id = a.id AND l.author_id = ?2))
             AND (?3 IS NULL OR EXISTS (SELECT 1 FROM article_tags l WHERE l.article_id = a.id AND l.tag_id = ?3))
             AND (?4 IS NULL OR a.owner_id = ?4)
             AND (?5 IS NULL OR instr(lower(a.title), lower(?5)) > 0 OR instr(a.slug, lower(?5)) > 0)
             AND (?6 IS NULL OR EXISTS (SELECT 1 FROM article_tags l WHERE l.article_id = a.id AND l.tag_id = ?6))";
        let status = filter.status.map(Status::as_str);
        let text = filter.text.clone();
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.read(|conn| {
            let values = params![status, filter.author_id, filter.tag_id, filter.owner_id, text, filter.country_id];
            let total = conn
                .prepare_cached(&format!("SELECT COUNT(*) FROM articles a WHERE {CONDITIONS}"))
                .map_err(db)?
                .query_row(values, |r| r.get(0))
                .map(count)
                .map_err(db)?;
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT a.id, a.title, a.slug, a.status, a.published_at, a.updated_at,
                            (SELECT group_concat(p.name, ', ') FROM
                                (SELECT p.name FROM article_authors l JOIN authors p ON p.id = l.author_id
                                 WHERE l.article_id = a.id ORDER BY l.position) p)
                     FROM articles a WHERE {CONDITIONS}
                     ORDER BY a.updated_at DESC, a.id DESC LIMIT ?7 OFFSET ?8"
                ))
                .map_err(db)?
                .query_map(
                    params![
                        status,
                        filter.author_id,
                        filter.tag_id,
                        filter.owner_id,
                        text,
                        filter.country_id,
                        limit,
                        offset
                    ],
                    |row| {
                        Ok(NewsroomRow {
                            id: row.get(0)?,
                            title: row.get(1)?,
                            slug: row.get(2)?,
                            status: row.get(3)?,
                            published_at: row.get::<_, Unix>(4)?.0,
                            updated_at: row.get::<_, Unix>(5)?.0,
                            authors: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
                        })
                    },
                )
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            Ok((rows, total))
        })
    }

    async fn edited_article(&self, id: i64) -> StoreResult<Option<EditedArticle>> {
        self.read(|conn| edited_article(conn, id))
    }

    async fn save_edited_article(&self, save: ArticleSave, now: Timestamp) -> StoreResult<ArticleSaved> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            let saved = save_edited(&tx, &save, now.as_second())?;
            if matches!(saved, ArticleSaved::Saved { .. }) {
                tx.commit().map_err(db)?;
            }
            Ok(saved)
        })
        .await
    }

    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<RevisionInfo>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT r.id, r.version, r.saved_at, u.name FROM revisions r LEFT JOIN users u ON u.id = r.user_id
                 WHERE r.article_id = ?1 ORDER BY r.id DESC",
            )
            .map_err(db)?
            .query_map([article_id], revision_from_row)
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)
        })
    }

    async fn revision(&self, article_id: i64, revision_id: i64) -> StoreResult<Option<(RevisionInfo, String)>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT r.id, r.version, r.saved_at, u.name, r.snapshot
                 FROM revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = ?1 AND r.id = ?2",
            )
            .map_err(db)?
            .query_row(params![article_id, revision_id], |row| Ok((revision_from_row(row)?, row.get(4)?)))
            .optional()
            .map_err(db)
        })
    }

    async fn publish_due(&self, now: Timestamp) -> StoreResult<Vec<i64>> {
        // Asked every second: a read that finds nothing due takes no write lock.
        let due = self.read(|conn| {
            conn.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM articles WHERE status = 'scheduled' AND published_at <= ?1)",
            )
            .map_err(db)?
            .query_row([now.as_second()], |r| r.get::<_, bool>(0))
            .map_err(db)
        })?;
        if !due {
            return Ok(Vec::new());
        }
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            let ids = tx
                .prepare_cached(
                    "UPDATE articles SET status = 'published', updated_at = ?1
                     WHERE status = 'scheduled' AND published_at <= ?1 RETURNING id",
                )
                .map_err(db)?
                .query_map([now.as_second()], |r| r.get::<_, i64>(0))
                .map_err(db)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db)?;
            for id in &ids {
                for table in ["article_authors", "article_tags"] {
                    tx.prepare_cached(&format!("UPDATE {table} SET listed = 1 WHERE article_id = ?1"))
                        .map_err(db)?
                        .execute([id])
                        .map_err(db)?;
                }
            }
            tx.commit().map_err(db)?;
            Ok(ids)
        })
        .await
    }

    async fn tag_profiles(&self) -> StoreResult<Vec<TagProfile>> {
        self.read(profiles::tag_profiles)
    }

    async fn save_tag(&self, id: Option<i64>, tag: TagEdit) -> StoreResult<ProfileSaved> {
        self.write(move |conn| profiles::save_tag(conn, id, &tag)).await
    }

    async fn remove_tag(&self, id: i64) -> StoreResult<bool> {
        self.write(move |conn| profiles::remove_tag(conn, id)).await
    }

    async fn author_by_id(&self, id: i64) -> StoreResult<Option<Author>> {
        self.read(|conn| {
            conn.prepare_cached("SELECT id, slug, name, bio FROM authors WHERE id = ?1")
                .map_err(db)?
                .query_row([id], |row| author_from_row(row, 0))
                .optional()
                .map_err(db)
        })
    }

    async fn author_profiles(&self) -> StoreResult<Vec<AuthorProfile>> {
        self.read(profiles::author_profiles)
    }

    async fn save_author(&self, id: Option<i64>, author: AuthorEdit) -> StoreResult<ProfileSaved> {
        self.write(move |conn| profiles::save_author(conn, id, &author)).await
    }

    async fn redirects(&self) -> StoreResult<Vec<Redirect>> {
        self.read(profiles::redirects)
    }

    async fn add_article_note(&self, article_id: i64, kind: NoteKind, text: &str, now: Timestamp) -> StoreResult<()> {
        let text = text.to_owned();
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            tx.prepare_cached("INSERT INTO article_notes (article_id, kind, noted_at, text) VALUES (?1, ?2, ?3, ?4)")
                .map_err(db)?
                .execute(params![article_id, kind.as_str(), now.as_second(), text])
                .map_err(db)?;
            // A correction is a change of the article: its version moves on for the
            // search index and its modified date for readers and search engines.
            tx.prepare_cached("UPDATE articles SET updated_at = MAX(updated_at + 1, ?2) WHERE id = ?1")
                .map_err(db)?
                .execute(params![article_id, now.as_second()])
                .map_err(db)?;
            tx.commit().map_err(db)
        })
        .await
    }

    async fn article_notes(&self, article_id: i64) -> StoreResult<Vec<ArticleNote>> {
        self.read(|conn| article_notes(conn, article_id))
    }

    async fn remove_redirect(&self, from: &str) -> StoreResult<bool> {
        let from = from.to_owned();
        self.write(move |conn| profiles::remove_redirect(conn, &from)).await
    }
}

/// An article's corrections and updates, oldest first.
pub(super) fn article_notes(conn: &Connection, article_id: i64) -> StoreResult<Vec<ArticleNote>> {
    conn.prepare_cached("SELECT kind, noted_at, text FROM article_notes WHERE article_id = ?1 ORDER BY noted_at, id")
        .map_err(db)?
        .query_map([article_id], |row| {
            let kind: String = row.get(0)?;
            let kind = NoteKind::parse(&kind).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("note kind {kind}").into(),
                )
            })?;
            Ok(ArticleNote { kind, noted_at: row.get::<_, Unix>(1)?.0, text: row.get(2)? })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)
}

fn revision_from_row(row: &Row<'_>) -> rusqlite::Result<RevisionInfo> {
    Ok(RevisionInfo {
        id: row.get(0)?,
        version: row.get(1)?,
        saved_at: row.get::<_, Unix>(2)?.0,
        saved_by: row.get(3)?,
    })
}

fn edited_article(conn: &Connection, id: i64) -> StoreResult<Option<EditedArticle>> {
    let found = conn
        .prepare_cached(
            "SELECT slug, title, dek, body_html, body_text, body_markdown, excerpt, status, published_at,
                    language, featured_image, version, owner_id, updated_at, seo_title, seo_description,
                    featured_image_alt, featured_image_caption
             FROM articles WHERE id = ?1",
        )
        .map_err(db)?
        .query_row([id], |row| {
            let draft = ArticleDraft {
                slug: row.get(0)?,
                title: row.get(1)?,
                dek: row.get(2)?,
                body: Body { html: row.get(3)?, text: row.get(4)?, markdown: row.get(5)? },
                excerpt: row.get(6)?,
                status: row.get(7)?,
                published_at: row.get::<_, Unix>(8)?.0,
                language: row.get(9)?,
                featured_image: row.get(10)?,
                authors: Vec::new(),
                tags: Vec::new(),
            };
            Ok(EditedArticle {
                id,
                draft,
                version: row.get(11)?,
                owner_id: row.get(12)?,
                updated_at: row.get::<_, Unix>(13)?.0,
                seo_title: row.get(14)?,
                seo_description: row.get(15)?,
                featured_image_alt: row.get(16)?,
                featured_image_caption: row.get(17)?,
                author_ids: Vec::new(),
            })
        })
        .optional()
        .map_err(db)?;
    let Some(mut article) = found else { return Ok(None) };
    let authors = conn
        .prepare_cached(
            "SELECT p.id, p.slug, p.name FROM article_authors l JOIN authors p ON p.id = l.author_id
             WHERE l.article_id = ?1 ORDER BY l.position",
        )
        .map_err(db)?
        .query_map([id], |row| Ok((row.get::<_, i64>(0)?, AuthorRef { slug: row.get(1)?, name: row.get(2)? })))
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    for (author_id, author) in authors {
        article.author_ids.push(author_id);
        article.draft.authors.push(author);
    }
    article.draft.tags = conn
        .prepare_cached(
            "SELECT t.kind, t.slug, t.name FROM article_tags l JOIN tags t ON t.id = l.tag_id
             WHERE l.article_id = ?1 ORDER BY l.position",
        )
        .map_err(db)?
        .query_map([id], |row| Ok(TagRef { kind: row.get(0)?, slug: row.get(1)?, name: row.get(2)? }))
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    Ok(Some(article))
}

fn save_edited(tx: &Connection, save: &ArticleSave, now: i64) -> StoreResult<ArticleSaved> {
    let holder: Option<i64> = tx
        .prepare_cached("SELECT id FROM articles WHERE slug = ?1")
        .map_err(db)?
        .query_row([save.draft.slug.as_str()], |r| r.get(0))
        .optional()
        .map_err(db)?;
    if holder.is_some() && holder != save.id {
        return Ok(ArticleSaved::SlugTaken);
    }
    let version = match save.id {
        Some(id) => {
            let stored: Option<(i64, i64)> = tx
                .prepare_cached("SELECT version, updated_at FROM articles WHERE id = ?1")
                .map_err(db)?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(db)?;
            let Some((version, updated_at)) = stored else { return Ok(ArticleSaved::Missing) };
            if save.base_version.is_some_and(|base| base != version) {
                let saved_by: Option<String> = tx
                    .prepare_cached(
                        "SELECT u.name FROM revisions r JOIN users u ON u.id = r.user_id
                         WHERE r.article_id = ?1 ORDER BY r.id DESC LIMIT 1",
                    )
                    .map_err(db)?
                    .query_row([id], |r| r.get(0))
                    .optional()
                    .map_err(db)?;
                let saved_at = Timestamp::from_second(updated_at).map_err(|e| StoreError::Invalid(e.to_string()))?;
                return Ok(ArticleSaved::Conflict { version, saved_by, saved_at });
            }
            // `save_article` finds the article by slug: give it its new slug first.
            tx.prepare_cached("UPDATE articles SET slug = ?1 WHERE id = ?2 AND slug <> ?1")
                .map_err(db)?
                .execute(params![save.draft.slug.as_str(), id])
                .map_err(db)?;
            version + 1
        }
        None => 1,
    };
    save_article(tx, &save.draft, now)?;
    let id: i64 = tx
        .prepare_cached("SELECT id FROM articles WHERE slug = ?1")
        .map_err(db)?
        .query_row([save.draft.slug.as_str()], |r| r.get(0))
        .map_err(db)?;
    tx.prepare_cached(
        "UPDATE articles SET version = ?1, owner_id = COALESCE(owner_id, ?2), seo_title = ?3, seo_description = ?4,
             featured_image_alt = ?5, featured_image_caption = ?6
         WHERE id = ?7",
    )
    .map_err(db)?
    .execute(params![
        version,
        save.user_id,
        save.seo_title,
        save.seo_description,
        save.featured_image_alt,
        save.featured_image_caption,
        id
    ])
    .map_err(db)?;
    tx.prepare_cached(
        "INSERT INTO revisions (article_id, version, saved_at, user_id, snapshot) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .map_err(db)?
    .execute(params![id, version, now, save.user_id, save.snapshot])
    .map_err(db)?;
    Ok(ArticleSaved::Saved { id, version })
}

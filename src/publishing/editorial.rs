//! The newsroom's article use cases: turning the editor's manuscript into an article,
//! checking what the signed-in role may do with it, saving it with a revision, and
//! publishing scheduled articles when their time comes. Every save marks cached pages
//! stale; the search index follows the store by itself.

use jiff::Timestamp;

use crate::app::App;
use crate::domain::account::User;
use crate::domain::article::{ArticleDraft, AuthorRef, Language, Status, TagRef};
use crate::domain::body::{Body, BodySource};
use crate::domain::manuscript::Manuscript;
use crate::domain::slug::{Slug, slugify};
use crate::domain::taxonomy::TagKind;
use crate::store::StoreError;
use crate::store::newsroom::{ArticleSave, ArticleSaved, EditedArticle};

/// Longest headline accepted, in characters.
const MAX_TITLE_CHARS: usize = 300;

/// What the editor asked for with its save button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveAction {
    /// Keep the article's status (a draft stays a draft, a published article is updated).
    Save,
    /// Make it public now (or keep its original date when it was public before).
    Publish,
    /// Make it public automatically at this instant.
    Schedule(Timestamp),
    /// Take it off the site, back to a draft.
    Unpublish,
}

/// Why a save was refused; the editor shows it beside the form.
#[derive(Debug, thiserror::Error)]
pub enum EditorialError {
    /// The role may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// A field is wrong; the message names it.
    #[error("{0}")]
    Invalid(String),
    /// Another article already has the slug.
    #[error("another article already uses the address /{0}/; choose another slug")]
    SlugTaken(String),
    /// Someone saved the article since this editor opened it.
    #[error("{}", conflict_message(saved_by.as_deref(), *saved_at))]
    Conflict {
        /// Who saved it.
        saved_by: Option<String>,
        /// When.
        saved_at: Timestamp,
    },
    /// No such article.
    #[error("there is no such article")]
    Missing,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn conflict_message(saved_by: Option<&str>, saved_at: Timestamp) -> String {
    format!(
        "{} saved this article at {} UTC since you opened it. Your text is still in the form: copy what you need, \
         then reload to see their version.",
        saved_by.unwrap_or("Someone else"),
        saved_at.strftime("%H:%M:%S")
    )
}

/// Whether `user` may open and change `article` at all.
pub fn may_edit(user: &User, article: &EditedArticle) -> bool {
    if user.role.can_edit_others() || owns(user, article) {
        // A contributor's work, once an editor has published it, is the editors' to change.
        return user.role.can_publish() || article.draft.status == Status::Draft;
    }
    false
}

fn owns(user: &User, article: &EditedArticle) -> bool {
    article.owner_id == Some(user.id) || user.author_id.is_some_and(|a| article.author_ids.contains(&a))
}

/// The manuscript of a stored article; a body that came in as HTML is turned into
/// Markdown for editing.
pub fn manuscript_of(article: &EditedArticle) -> Manuscript {
    let draft = &article.draft;
    let tag = |kind: TagKind| draft.tags.iter().find(|t| t.kind == kind).map(|t| t.slug.to_string());
    let body = match &draft.body.markdown {
        Some(markdown) => markdown.clone(),
        None => htmd::convert(&draft.body.html).unwrap_or_else(|_| draft.body.text.clone()),
    };
    Manuscript {
        title: draft.title.clone(),
        slug: draft.slug.to_string(),
        dek: draft.dek.clone().unwrap_or_default(),
        body,
        excerpt: draft.excerpt.clone().unwrap_or_default(),
        language: draft.language.to_string(),
        authors: draft.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "),
        country: tag(TagKind::Country).unwrap_or_default(),
        section: tag(TagKind::Section).unwrap_or_default(),
        topics: draft
            .tags
            .iter()
            .filter(|t| t.kind == TagKind::Topic)
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        featured_image: draft.featured_image.clone().unwrap_or_default(),
        featured_image_alt: article.featured_image_alt.clone().unwrap_or_default(),
        featured_image_caption: article.featured_image_caption.clone().unwrap_or_default(),
        seo_title: article.seo_title.clone().unwrap_or_default(),
        seo_description: article.seo_description.clone().unwrap_or_default(),
    }
}

/// Renders a manuscript's body as the article page will show it, for the live preview.
pub fn preview_body(markdown: &str) -> String {
    Body::from_source(BodySource::Markdown(markdown.to_owned())).html
}

/// Saves the editor's manuscript for `user`: a new article when `id` is `None`.
/// Returns the article's identity and new version.
pub async fn save_manuscript(
    app: &App,
    user: &User,
    id: Option<i64>,
    base_version: Option<i64>,
    manuscript: Manuscript,
    action: SaveAction,
) -> Result<(i64, i64), EditorialError> {
    let now = app.now();
    let stored = match id {
        Some(id) => Some(app.store.edited_article(id).await?.ok_or(EditorialError::Missing)?),
        None => None,
    };
    if let Some(article) = &stored
        && !may_edit(user, article)
    {
        return Err(EditorialError::Forbidden("you may not edit this article"));
    }
    let was = stored.as_ref().map(|a| (a.draft.status, a.draft.published_at));
    let (status, published_at) = next_status(user, was, action, now)?;
    let draft = draft_from(app, user, &manuscript, status, published_at).await?;
    let snapshot = serde_json::to_string(&manuscript).map_err(|e| EditorialError::Invalid(e.to_string()))?;
    let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let save = ArticleSave {
        id,
        base_version,
        seo_title: optional(&manuscript.seo_title),
        seo_description: optional(&manuscript.seo_description),
        featured_image_alt: optional(&manuscript.featured_image_alt),
        featured_image_caption: optional(&manuscript.featured_image_caption),
        draft,
        snapshot,
        user_id: user.id,
    };
    let slug = save.draft.slug.to_string();
    let saved = app.store.save_edited_article(save, now).await?;
    match saved {
        ArticleSaved::Saved { id, version } => {
            app.pages.invalidate();
            Ok((id, version))
        }
        ArticleSaved::Conflict { saved_by, saved_at, .. } => Err(EditorialError::Conflict { saved_by, saved_at }),
        ArticleSaved::SlugTaken => Err(EditorialError::SlugTaken(slug)),
        ArticleSaved::Missing => Err(EditorialError::Missing),
    }
}

/// The status and publication time a save leaves, given the stored ones (`None` for a
/// new article), or why the role may not.
fn next_status(
    user: &User,
    was: Option<(Status, Timestamp)>,
    action: SaveAction,
    now: Timestamp,
) -> Result<(Status, Timestamp), EditorialError> {
    const CANNOT_PUBLISH: &str = "contributors write drafts; an editor publishes them";
    let public_before = was.filter(|(s, _)| *s == Status::Published);
    let next = match action {
        SaveAction::Save => match was {
            Some((status, at)) => (status, at),
            None => (Status::Draft, now),
        },
        SaveAction::Publish => (Status::Published, public_before.map_or(now, |(_, at)| at)),
        SaveAction::Schedule(at) if at <= now => {
            return Err(EditorialError::Invalid("a scheduled time must be in the future".into()));
        }
        SaveAction::Schedule(at) => (Status::Scheduled, at),
        SaveAction::Unpublish => (Status::Draft, was.map_or(now, |(_, at)| at)),
    };
    let touches_public = next.0 != Status::Draft || was.is_some_and(|(s, _)| s != Status::Draft);
    if touches_public && !user.role.can_publish() {
        return Err(EditorialError::Forbidden(CANNOT_PUBLISH));
    }
    Ok(next)
}

/// Checks a manuscript and builds the article to store.
async fn draft_from(
    app: &App,
    user: &User,
    m: &Manuscript,
    status: Status,
    published_at: Timestamp,
) -> Result<ArticleDraft, EditorialError> {
    let invalid = |message: &str| EditorialError::Invalid(message.to_owned());
    let title = m.title.trim();
    if title.is_empty() {
        return Err(invalid("the headline is empty"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(EditorialError::Invalid(format!("a headline is at most {MAX_TITLE_CHARS} characters")));
    }
    let slug_source = if m.slug.trim().is_empty() { title } else { m.slug.trim() };
    let slug = Slug::parse(&slugify(slug_source))
        .map_err(|e| EditorialError::Invalid(format!("the slug cannot be used: {e}")))?;
    let language =
        Language::parse(&m.language).ok_or_else(|| invalid("the language must be a code such as en, ru or kk"))?;
    let mut authors = Vec::new();
    for name in m.author_names() {
        let slug = Slug::from_text(&name)
            .ok_or_else(|| EditorialError::Invalid(format!("the author name {name:?} has no letters")))?;
        authors.push(AuthorRef { slug, name });
    }
    if authors.is_empty() {
        authors.extend(own_byline(app, user).await?);
    }
    let mut tags = Vec::new();
    for (kind, slug) in [(TagKind::Country, &m.country), (TagKind::Section, &m.section)] {
        if slug.trim().is_empty() {
            continue;
        }
        let tag = match Slug::parse(slug.trim()) {
            Ok(slug) => app.store.tag(kind, &slug).await?,
            Err(_) => None,
        };
        let tag = tag.ok_or_else(|| EditorialError::Invalid(format!("there is no {} {slug:?}", kind.as_str())))?;
        tags.push(TagRef { kind, slug: tag.slug, name: tag.name });
    }
    for name in m.topic_names() {
        let slug = Slug::from_text(&name)
            .ok_or_else(|| EditorialError::Invalid(format!("the topic {name:?} has no letters")))?;
        tags.push(TagRef { kind: TagKind::Topic, slug, name });
    }
    let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    Ok(ArticleDraft {
        slug,
        title: title.to_owned(),
        dek: optional(&m.dek),
        body: Body::from_source(BodySource::Markdown(m.body.clone())),
        excerpt: optional(&m.excerpt),
        status,
        published_at,
        language,
        featured_image: optional(&m.featured_image),
        authors,
        tags,
    })
}

/// The signed-in account's own byline: its author profile, as it is named now.
async fn own_byline(app: &App, user: &User) -> Result<Option<AuthorRef>, StoreError> {
    let Some(id) = user.author_id else { return Ok(None) };
    Ok(app.store.author_by_id(id).await?.map(|a| AuthorRef { slug: a.slug, name: a.name }))
}

/// Publishes every scheduled article due at `now` and marks cached pages stale; the
/// number published.
pub async fn publish_due_articles(app: &App, now: Timestamp) -> Result<usize, StoreError> {
    let published = app.store.publish_due(now).await?;
    if !published.is_empty() {
        app.pages.invalidate();
        tracing::info!(articles = ?published, "published scheduled articles");
    }
    Ok(published.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::{Email, Role};

    fn user(role: Role) -> User {
        User { id: 7, email: Email::parse("a@example.kz").expect("email"), name: "A".into(), role, author_id: None }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().expect("instant")
    }

    #[test]
    fn contributors_cannot_publish_schedule_or_touch_published_articles() {
        let c = user(Role::Contributor);
        let now = at("2025-12-05T05:00:00Z");
        assert!(next_status(&c, None, SaveAction::Save, now).is_ok());
        assert!(next_status(&c, None, SaveAction::Publish, now).is_err());
        assert!(next_status(&c, None, SaveAction::Schedule(at("2025-12-06T00:00:00Z")), now).is_err());
        assert!(next_status(&c, Some((Status::Published, now)), SaveAction::Save, now).is_err());
    }

    #[test]
    fn republishing_keeps_the_original_date_and_schedules_must_be_ahead() {
        let a = user(Role::Author);
        let first = at("2025-12-01T08:00:00Z");
        let now = at("2025-12-05T05:00:00Z");
        let (status, when) =
            next_status(&a, Some((Status::Published, first)), SaveAction::Publish, now).expect("allowed");
        assert_eq!((status, when), (Status::Published, first));
        assert!(next_status(&a, None, SaveAction::Schedule(first), now).is_err());
        let later = at("2025-12-05T06:00:00Z");
        assert_eq!(next_status(&a, None, SaveAction::Schedule(later), now).expect("ok"), (Status::Scheduled, later));
    }
}

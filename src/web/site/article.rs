//! The article page.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use minijinja::Value;
use serde::Serialize;

use super::cards::card_values;
use super::{render_page, title};
use crate::app::App;
use crate::domain::article::{Article, ArticleSummary};
use crate::domain::excerpt::excerpt;
use crate::render::seo;
use crate::render::views::{ArticleView, Meta, TEASER_WORDS};
use crate::web::error::AppError;
use crate::web::extract::{Segments, slug};

/// Related articles under an article.
const RELATED: u32 = 4;
/// Words of the meta description when the article has no dek.
const DESCRIPTION_WORDS: usize = 30;

#[derive(Serialize)]
struct ArticlePage {
    article: ArticleView,
    /// Template objects ([`card_values`]).
    related: Vec<Value>,
}

/// `GET /{slug}/`.
pub async fn show_article(
    State(app): State<Arc<App>>,
    Segments(segment): Segments<String>,
) -> Result<Response, AppError> {
    let slug = slug(&segment)?;
    let generation = app.pages.generation();
    let words = related_words(&app);
    let (article, related) =
        app.store.published_article_with_related(&slug, app.now(), RELATED, words).await?.ok_or(AppError::NotFound)?;
    article_page(&app, generation, &article, related, words).await
}

/// The article page of `article`, whatever its status (the newsroom's preview shows
/// drafts through it).
pub async fn render_article(app: &App, article: &Article) -> Result<Response, AppError> {
    let generation = app.pages.generation();
    let words = related_words(app);
    let related = app.store.related_articles(article, RELATED, app.now(), words).await?;
    article_page(app, generation, article, related, words).await
}

/// The words of the related articles' teasers.
fn related_words(app: &App) -> usize {
    TEASER_WORDS.min(app.settings.site.excerpt_words)
}

/// The article page of `article` with its `related` articles, teasers of `words` words,
/// read at page `generation` or after.
async fn article_page(
    app: &App,
    generation: u64,
    article: &Article,
    related: Vec<ArticleSummary>,
    words: usize,
) -> Result<Response, AppError> {
    let description = article
        .dek
        .clone()
        .or_else(|| article.excerpt.clone())
        .unwrap_or_else(|| excerpt(&article.body_text, DESCRIPTION_WORDS));
    let social = seo::article_meta(&app.settings, &app.tz, article, &description);
    let meta = Meta { title: title(app, &article.title), description, canonical: article.slug.path(), ..social };
    let page = ArticlePage {
        article: ArticleView::new(article, &app.tz),
        related: card_values(app, generation, related, words).collect(),
    };
    let specific = format!("article-{}.html", article.slug);
    render_page(app, &[&specific, "article.html"], meta, page).await
}

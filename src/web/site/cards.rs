//! Listing cards as template objects, and search results' cards, made once per content
//! generation.
//!
//! A card's template object depends only on its article as stored and the length of its
//! excerpt, so the one made for a page is kept ([`App::cards`]) until content changes
//! anywhere, and later pages take it instead of cutting the excerpt and writing dates
//! and addresses again; the template still renders it on every page. A search result's
//! card is kept likewise ([`App::result_cards`]), with its excerpt read for marking, so
//! that a results page only decides which of its words match. As for the chrome, the
//! generation is read before the store: a card made from content older than a change is
//! never kept past that change.

use std::sync::Arc;

use minijinja::Value;

use crate::app::App;
use crate::cache::DerivedByKey;
use crate::domain::article::ArticleSummary;
use crate::render::views::Card;
use crate::search::highlight::MarkableText;

/// The cards of `articles` (read from the store after `generation` was read), each
/// with an excerpt of `words` words.
pub fn card_values(
    app: &App,
    generation: u64,
    articles: Vec<ArticleSummary>,
    words: usize,
) -> impl Iterator<Item = Value> + '_ {
    articles.into_iter().map(move |article| {
        kept(&app.cards, generation, article, words, |article| Card::new(article, words, &app.tz).into_value())
    })
}

/// The cards of search results `articles` (read from the store after `generation` was
/// read), each with an excerpt of `words` words: the card's template object, and its
/// excerpt read for marking.
pub fn result_cards(
    app: &App,
    generation: u64,
    articles: Vec<ArticleSummary>,
    words: usize,
) -> impl Iterator<Item = (Value, Arc<MarkableText>)> + '_ {
    articles.into_iter().map(move |article| {
        kept(&app.result_cards, generation, article, words, |article| {
            let language = article.language.clone();
            let card = Card::new(article, words, &app.tz);
            let excerpt = Arc::new(MarkableText::new(&card.excerpt, &language));
            (card.into_value(), excerpt)
        })
    })
}

/// What `make` makes of `article` for excerpts of `words` words, as kept in `cache` at
/// `generation` or made now.
fn kept<V: Clone>(
    cache: &DerivedByKey<(i64, usize), V>,
    generation: u64,
    article: ArticleSummary,
    words: usize,
    make: impl FnOnce(ArticleSummary) -> V,
) -> V {
    let key = (article.id, words);
    if let Some(value) = cache.get(generation, &key) {
        return value;
    }
    let value = make(article);
    cache.set(generation, key, value.clone());
    value
}

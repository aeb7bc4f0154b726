//! Listing cards as template objects, made once per content generation.
//!
//! A card's template object depends only on its article as stored and the length of its
//! excerpt, so the one made for a page is kept ([`App::cards`]) until content changes
//! anywhere, and later pages take it instead of cutting the excerpt and writing dates
//! and addresses again; the template still renders it on every page. As for the chrome,
//! the generation is read before the store: a card made from content older than a
//! change is never kept past that change.

use minijinja::Value;

use crate::app::App;
use crate::domain::article::ArticleSummary;
use crate::render::views::Card;

/// The cards of `articles` (read from the store after `generation` was read), each
/// with an excerpt of `words` words.
pub fn card_values(
    app: &App,
    generation: u64,
    articles: Vec<ArticleSummary>,
    words: usize,
) -> impl Iterator<Item = Value> + '_ {
    articles.into_iter().map(move |article| {
        let key = (article.id, words);
        if let Some(card) = app.cards.get(generation, &key) {
            return card;
        }
        let card = Card::new(article, words, &app.tz).into_value();
        app.cards.set(generation, key, card.clone());
        card
    })
}

//! The front page: lead story, latest stories, one block per country.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use minijinja::Value;
use serde::Serialize;

use super::cards::card_values;
use super::render_page;
use crate::app::App;
use crate::domain::taxonomy::TagKind;
use crate::render::views::{Link, Meta, TEASER_WORDS};
use crate::store::ListingFilter;
use crate::web::error::AppError;

/// Stories under the lead.
const LATEST: u32 = 6;
/// Stories in each country block.
const PER_COUNTRY: u32 = 3;

/// The front page; its cards are template objects ([`card_values`]).
#[derive(Serialize)]
struct HomeView {
    lead: Option<Value>,
    latest: Vec<Value>,
    countries: Vec<CountryBlock>,
}

#[derive(Serialize)]
struct CountryBlock {
    link: Link,
    cards: Vec<Value>,
}

/// `GET /`.
pub async fn show_home(State(app): State<Arc<App>>) -> Result<Response, AppError> {
    let now = app.now();
    let generation = app.pages.generation();
    let words = TEASER_WORDS.min(app.settings.site.excerpt_words);
    let latest = app.store.latest_published(&ListingFilter::All, now, LATEST + 1, words).await?;
    let mut cards = card_values(&app, generation, latest, words);
    let lead = cards.next();
    let latest = cards.collect();
    let countries = app
        .store
        .latest_by_tag_kind(TagKind::Country, PER_COUNTRY, now, words)
        .await?
        .into_iter()
        .map(|block| CountryBlock {
            link: Link::tag(&block.tag),
            cards: card_values(&app, generation, block.items, words).collect(),
        })
        .collect();
    let site = &app.settings.site.name;
    let meta = Meta {
        title: format!("{site} — News from Central Asia"),
        description: format!(
            "{site}: the latest news from Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan."
        ),
        canonical: "/".to_owned(),
        ..Meta::default()
    };
    render_page(&app, &["home.html"], meta, HomeView { lead, latest, countries }).await
}

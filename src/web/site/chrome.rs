//! What surrounds every page: date line, navigation and the currency ticker.
//!
//! The chrome depends only on the stored tags and rates and on the day, so it is built
//! once per content generation (which every content or rates change bumps) and day, and
//! shared by every page rendered until either moves on, instead of costing three queries
//! per page.

use minijinja::Value;
use minijinja::value::Serde;

use crate::app::App;
use crate::domain::dates::date_line;
use crate::domain::taxonomy::TagKind;
use crate::render::seo::SiteSeo;
use crate::render::ticker::ticker_items;
use crate::render::views::{Chrome, Link};
use crate::store::StoreResult;

/// The chrome for now, as a template value: the kept one while current, else built anew.
pub async fn current_chrome(app: &App) -> StoreResult<Value> {
    // Read before the store, so that a change made while building is not missed.
    let generation = app.pages.generation();
    let now = app.now();
    if let Some(chrome) = app.chrome.get(generation, now) {
        return Ok(chrome);
    }
    let chrome = Value::from(Serde(build_chrome(app).await?));
    let today = now.to_zoned_datetime(app.tz.clone());
    let midnight = today.tomorrow().and_then(|t| t.start_of_day()).map_or(now, |m| m.timestamp());
    app.chrome.set(generation, midnight, chrome.clone());
    Ok(chrome)
}

/// Builds the page chrome for now.
async fn build_chrome(app: &App) -> StoreResult<Chrome> {
    let today = app.now().to_zoned_datetime(app.tz.clone());
    let countries = app.store.tags(TagKind::Country).await?;
    let sections = app.store.tags(TagKind::Section).await?;
    let rates = app.store.latest_rates(&app.settings.ticker.quote).await?;
    Ok(Chrome {
        site_name: app.settings.site.name.clone(),
        base_url: app.settings.site.base_url.trim_end_matches('/').to_owned(),
        today: date_line(&today),
        today_iso: today.date().to_string(),
        ticker: ticker_items(&rates, &app.settings.ticker, today.date()),
        countries: countries.iter().map(Link::tag).collect(),
        sections: sections.iter().map(Link::tag).collect(),
        css_href: app.assets.href("site.css"),
        seo: SiteSeo::new(&app.settings),
    })
}

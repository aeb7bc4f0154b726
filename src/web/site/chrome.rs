//! What surrounds every page: date line, navigation and the currency ticker.

use crate::app::App;
use crate::domain::dates::date_line;
use crate::domain::taxonomy::TagKind;
use crate::render::seo::SiteSeo;
use crate::render::ticker::ticker_items;
use crate::render::views::{Chrome, Link};
use crate::store::StoreResult;

/// Builds the page chrome for now.
pub async fn build_chrome(app: &App) -> StoreResult<Chrome> {
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

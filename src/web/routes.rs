//! Every URL of Qalam, grouped by audience. This table is the site's table of contents.

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;

use super::api::api_not_found;
use super::api::rates::{list_rates, show_rate_history};
use super::api::search::search_articles;
use super::delivery::deliver_pages;
use super::site::archive::{
    list_author_archive, list_country_archive, list_latest, list_month_archive, list_section_archive,
    list_topic_archive,
};
use super::site::article::show_article;
use super::site::assets::serve_asset;
use super::site::errors::{not_found, themed_errors};
use super::site::home::show_home;
use super::site::rates::show_rates;
use super::site::search::{SEARCH_PATH, show_search};
use crate::app::App;

/// Builds the router over `app`.
pub fn router(app: Arc<App>) -> Router {
    let site = Router::new()
        .route("/", get(show_home))
        .route("/page/{n}/", get(list_latest))
        .route("/country/{slug}/", get(list_country_archive))
        .route("/country/{slug}/page/{n}/", get(list_country_archive))
        .route("/section/{slug}/", get(list_section_archive))
        .route("/section/{slug}/page/{n}/", get(list_section_archive))
        .route("/tag/{slug}/", get(list_topic_archive))
        .route("/tag/{slug}/page/{n}/", get(list_topic_archive))
        .route("/author/{slug}/", get(list_author_archive))
        .route("/author/{slug}/page/{n}/", get(list_author_archive))
        .route("/rates/", get(show_rates))
        .route("/rates/{period}/", get(show_rates))
        .route("/{year}/{month}/", get(list_month_archive))
        .route("/{year}/{month}/page/{n}/", get(list_month_archive))
        .route("/{slug}/", get(show_article))
        .route_layer(from_fn_with_state(Arc::clone(&app), deliver_pages));

    let assets = Router::new().route("/assets/{file}", get(serve_asset));

    // Search pages are answered afresh, outside the page cache (see `site::search`).
    let search = Router::new().route(SEARCH_PATH, get(show_search));

    let api = Router::new()
        .route("/rates", get(list_rates))
        .route("/rates/{code}/history", get(show_rate_history))
        .route("/search", get(search_articles))
        .fallback(api_not_found);

    Router::new()
        .merge(site)
        .merge(assets)
        .merge(search)
        .nest("/api/v1", api)
        .fallback(not_found)
        .layer(from_fn_with_state(Arc::clone(&app), themed_errors))
        .with_state(app)
}

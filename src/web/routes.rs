//! Every URL of Qalam, grouped by audience. This table is the site's table of contents.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use super::admin::articles::list_articles as list_newsroom_articles;
use super::admin::editor::{
    add_note, create_article, edit_article, new_article, paste_html, preview_article, preview_markdown, update_article,
};
use super::admin::media::{FORM_OVERHEAD_BYTES, show_library, upload_image};
use super::admin::people::{add_person, change_password, list_people, remove_person, show_account};
use super::admin::revisions::{list_revisions, restore_revision, show_revision};
use super::admin::screen::{admin_problems, serve_admin_static};
use super::admin::sign_in::{
    create_owner, show_dashboard, show_password_link, show_setup, show_sign_in, sign_in, sign_out, use_password_link,
};
use super::admin::site::{
    add_redirect, create_author, create_tag, edit_author, edit_tag, list_author_profiles, list_redirects,
    list_tag_profiles, remove_redirect, remove_tag, update_author, update_tag,
};
use super::api::access::{cors, guard_api};
use super::api::api_not_found;
use super::api::articles::{list_articles, show_article as show_api_article};
use super::api::openapi::{OPENAPI_PATH, show_openapi};
use super::api::rates::{list_rates, show_rate_history};
use super::api::search::search_articles;
use super::api::taxonomy::{list_authors, list_tags};
use super::delivery::{compress_fresh, deliver_pages};
use super::feeds::robots::show_robots;
use super::feeds::sitemaps::{NEWS_PATH, show_news_sitemap, show_sitemap, show_sitemap_index};
use super::feeds::{
    show_author_atom, show_author_rss, show_country_atom, show_country_rss, show_language_atom, show_language_rss,
    show_section_atom, show_section_rss, show_site_atom, show_site_rss, show_topic_atom, show_topic_rss,
};
use super::ghost::{
    browse_authors, browse_pages, browse_posts, browse_settings, browse_tags, ghost_not_found, guard_ghost,
    read_author, read_author_by_slug, read_post, read_post_by_slug, read_tag, read_tag_by_slug,
};
use super::operations::{count_requests, show_health, show_metrics, show_readiness};
use super::site::archive::{
    list_author_archive, list_country_archive, list_latest, list_month_archive, list_section_archive,
    list_topic_archive,
};
use super::site::article::show_article;
use super::site::assets::serve_asset;
use super::site::errors::{not_found, themed_errors};
use super::site::home::show_home;
use super::site::media::media_routes;
use super::site::rates::show_rates;
use super::site::redirects::redirect_old_links;
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

    // Feeds, sitemaps and robots.txt are cached and validated like pages.
    let feeds = Router::new()
        .route("/feed/", get(show_site_rss))
        .route("/atom.xml", get(show_site_atom))
        .route("/country/{slug}/feed/", get(show_country_rss))
        .route("/country/{slug}/atom.xml", get(show_country_atom))
        .route("/section/{slug}/feed/", get(show_section_rss))
        .route("/section/{slug}/atom.xml", get(show_section_atom))
        .route("/tag/{slug}/feed/", get(show_topic_rss))
        .route("/tag/{slug}/atom.xml", get(show_topic_atom))
        .route("/author/{slug}/feed/", get(show_author_rss))
        .route("/author/{slug}/atom.xml", get(show_author_atom))
        .route("/lang/{code}/feed/", get(show_language_rss))
        .route("/lang/{code}/atom.xml", get(show_language_atom))
        .route("/robots.txt", get(show_robots))
        .route("/sitemap.xml", get(show_sitemap_index))
        .route("/sitemaps/{file}", get(show_sitemap))
        .route(NEWS_PATH, get(show_news_sitemap))
        .route_layer(from_fn_with_state(Arc::clone(&app), deliver_pages));

    let assets = Router::new().route("/assets/{file}", get(serve_asset));

    // Search pages are answered afresh, outside the page cache (see `site::search`), and
    // compressed like cached pages.
    let search = Router::new().route(SEARCH_PATH, get(show_search)).route_layer(from_fn(compress_fresh));

    let api = Router::new()
        .route("/articles", get(list_articles))
        .route("/articles/{slug}", get(show_api_article))
        .route("/tags", get(list_tags))
        .route("/authors", get(list_authors))
        .route(OPENAPI_PATH, get(show_openapi))
        .route("/rates", get(list_rates))
        .route("/rates/{code}/history", get(show_rate_history))
        .route("/search", get(search_articles).layer(from_fn(compress_fresh)))
        .route_layer(from_fn_with_state(Arc::clone(&app), guard_api))
        .fallback(api_not_found)
        .layer(cors(&app.settings.api));

    // The same content in the shape of Ghost's Content API, for Ghost's clients.
    let ghost = Router::new()
        .route("/posts/", get(browse_posts))
        .route("/posts/{id}/", get(read_post))
        .route("/posts/slug/{slug}/", get(read_post_by_slug))
        .route("/tags/", get(browse_tags))
        .route("/tags/{id}/", get(read_tag))
        .route("/tags/slug/{slug}/", get(read_tag_by_slug))
        .route("/authors/", get(browse_authors))
        .route("/authors/{id}/", get(read_author))
        .route("/authors/slug/{slug}/", get(read_author_by_slug))
        .route("/pages/", get(browse_pages))
        .route("/settings/", get(browse_settings))
        .route_layer(from_fn_with_state(Arc::clone(&app), guard_ghost))
        .fallback(ghost_not_found)
        .layer(cors(&app.settings.api));

    // The newsroom: never cached, every route checks the signed-in role itself.
    let admin = Router::new()
        .route("/admin/", get(show_dashboard))
        .route("/admin/setup", get(show_setup).post(create_owner))
        .route("/admin/sign-in", get(show_sign_in).post(sign_in))
        .route("/admin/sign-out", post(sign_out))
        .route("/admin/password/{token}", get(show_password_link).post(use_password_link))
        .route("/admin/articles", get(list_newsroom_articles).post(create_article))
        .route("/admin/articles/new", get(new_article))
        .route("/admin/articles/{id}", get(edit_article).post(update_article))
        .route("/admin/articles/{id}/preview", get(preview_article))
        .route("/admin/articles/{id}/notes", post(add_note))
        .route("/admin/articles/{id}/revisions", get(list_revisions))
        .route("/admin/articles/{id}/revisions/{revision}", get(show_revision))
        .route("/admin/articles/{id}/revisions/{revision}/restore", post(restore_revision))
        .route(
            "/admin/media",
            get(show_library).post(upload_image).layer(DefaultBodyLimit::max(
                usize::try_from(app.settings.media.max_upload_bytes)
                    .unwrap_or(usize::MAX)
                    .saturating_add(FORM_OVERHEAD_BYTES),
            )),
        )
        .route("/admin/preview", post(preview_markdown))
        .route("/admin/paste", post(paste_html))
        .route("/admin/users", get(list_people).post(add_person))
        .route("/admin/users/{id}/remove", post(remove_person))
        .route("/admin/tags", get(list_tag_profiles).post(create_tag))
        .route("/admin/tags/{id}", get(edit_tag).post(update_tag))
        .route("/admin/tags/{id}/remove", post(remove_tag))
        .route("/admin/authors", get(list_author_profiles).post(create_author))
        .route("/admin/authors/{id}", get(edit_author).post(update_author))
        .route("/admin/redirects", get(list_redirects).post(add_redirect))
        .route("/admin/redirects/remove", post(remove_redirect))
        .route("/admin/account", get(show_account))
        .route("/admin/account/password", post(change_password))
        .layer(from_fn_with_state(Arc::clone(&app), admin_problems))
        .route("/admin/static/{file}", get(serve_admin_static));

    // For operators and their load balancers: answered plainly, outside the error pages
    // and the redirects of old addresses.
    let operations = Router::new()
        .route("/healthz", get(show_health))
        .route("/readyz", get(show_readiness))
        .route("/metrics", get(show_metrics));

    Router::new()
        .merge(site)
        .merge(feeds)
        .merge(assets)
        .merge(search)
        .merge(media_routes(&app.settings.media_dir(&app.data_dir)))
        .merge(admin)
        .nest("/api/v1", api)
        .nest("/ghost/api/content", ghost)
        .fallback(not_found)
        // Inside the error pages, so that an old address is redirected before its 404
        // is rendered; outside the page cache, which keys on the path alone (`/?p=12`).
        .layer(from_fn_with_state(Arc::clone(&app), redirect_old_links))
        .layer(from_fn_with_state(Arc::clone(&app), themed_errors))
        .merge(operations)
        // Outermost, so that every answer is counted as it finally leaves.
        .layer(from_fn_with_state(Arc::clone(&app), count_requests))
        .with_state(app)
}

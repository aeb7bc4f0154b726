//! Old addresses that keep working: `301 Moved Permanently` to where their content lives
//! now, so that links from other sites, bookmarks and search engines follow the move.
//!
//! Normal pages pay nothing for this: the redirect table is read only when the site
//! would otherwise answer `404 Not Found`. The one exception is WordPress's query-string
//! addresses on the front page (`/?p=123`), answered before the page cache, which keys
//! on the path alone and would serve them the front page.
//!
//! Where an old address leads is, in order: the stored redirects of a WordPress import
//! (permalinks, archives, feeds, uploads), the same with a trailing `feed/` or `page/N/`
//! (an old archive's feed or further page goes to the new archive's), and the pattern
//! rules of `[[redirects.rules]]` for an older system's addresses.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::config::{PatternPiece, RedirectRule};

/// Longest address looked up.
const MAX_ADDRESS: usize = 2048;

/// Suffixes of an old archive's feeds, longest first.
const FEED_SUFFIXES: &[&str] = &["feed/rss2/", "feed/atom/", "feed/rdf/", "feed/rss/", "feed/"];

/// First segments of Qalam's listings, whose feeds and further pages exist.
const LISTINGS: &[&str] = &["/country/", "/section/", "/tag/", "/author/"];

/// Answers old addresses with a redirect; see the module documentation.
pub async fn redirect_old_links(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let uri = request.uri().clone();
    if uri.path() == "/"
        && let Some(query) = uri.query()
        && let Some(target) = query_permalink(&app, query).await
        && let Some(moved) = moved(&target)
    {
        return moved;
    }
    let response = next.run(request).await;
    let api = uri.path().starts_with("/api/") || uri.path().starts_with("/ghost/");
    if response.status() != StatusCode::NOT_FOUND || api {
        return response;
    }
    match old_address(&app, &uri).await.as_deref().and_then(moved) {
        Some(moved) => moved,
        None => response,
    }
}

fn moved(target: &str) -> Option<Response> {
    let location = HeaderValue::from_str(target).ok()?;
    let cache = HeaderValue::from_static("public, max-age=86400");
    Some(
        (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location), (header::CACHE_CONTROL, cache)]).into_response(),
    )
}

/// WordPress's addresses by query: `?p=`, `?page_id=`, `?cat=`, `?tag=`, `?author=`,
/// `?feed=`, `?s=` and `?m=`.
async fn query_permalink(app: &App, query: &str) -> Option<String> {
    for (key, value) in query.split('&').filter_map(|pair| pair.split_once('=')) {
        if value.is_empty() {
            continue;
        }
        let found = match key {
            "p" | "page_id" => {
                let id = value.parse::<i64>().ok()?;
                app.store.wordpress_post_path(id, app.now()).await
            }
            "cat" | "tag" | "author" => app.store.redirect_target(&format!("/?{key}={value}"), app.now()).await,
            "feed" => return Some(if value.contains("atom") { "/atom.xml" } else { "/feed/" }.to_owned()),
            "s" => return Some(format!("/search?q={value}")),
            "m" if value.len() >= 6 && value.bytes().all(|b| b.is_ascii_digit()) => {
                return Some(format!("/{}/{}/", &value[..4], &value[4..6]));
            }
            _ => continue,
        };
        return match found {
            Ok(target) => target,
            Err(e) => {
                tracing::error!(error = %e, "cannot look up an old address");
                None
            }
        };
    }
    None
}

/// Where an address that found no page has moved, if anywhere.
async fn old_address(app: &App, uri: &Uri) -> Option<String> {
    let path = uri.path();
    if path.len() > MAX_ADDRESS {
        return None;
    }
    if let Some(target) = stored(app, path).await {
        return Some(target);
    }
    for (suffix, keep) in FEED_SUFFIXES.iter().map(|s| (*s, "feed/")).chain(paging(path)) {
        let Some(base) = path.strip_suffix(suffix).filter(|b| b.ends_with('/') && *b != "/") else { continue };
        if let Some(target) = stored(app, base).await {
            let listing = LISTINGS.iter().any(|l| target.starts_with(l));
            return Some(if listing { format!("{target}{keep}") } else { target });
        }
    }
    let address = uri.path_and_query().map_or(path, |p| p.as_str());
    app.settings.redirects.rules.iter().find_map(|rule| apply(rule, address))
}

/// `page/2/` at the end of a path, as a suffix to keep.
fn paging(path: &str) -> Option<(&str, &str)> {
    let trimmed = path.strip_suffix('/')?;
    let (rest, number) = trimmed.rsplit_once('/')?;
    let is_page = rest.ends_with("/page") && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    is_page.then(|| {
        let suffix = &path[rest.len() - "page".len()..];
        (suffix, suffix)
    })
}

async fn stored(app: &App, path: &str) -> Option<String> {
    match app.store.redirect_target(path, app.now()).await {
        Ok(target) => target,
        Err(e) => {
            tracing::error!(error = %e, "cannot look up an old address");
            None
        }
    }
}

/// The new address of `address` under `rule`, trying it also with its trailing slash
/// added or taken away (an old system may have written either).
fn apply(rule: &RedirectRule, address: &str) -> Option<String> {
    let with_query = rule.from.iter().any(|p| matches!(p, PatternPiece::Literal(l) if l.contains('?')));
    let (path, query) = address.split_once('?').map_or((address, None), |(p, q)| (p, Some(q)));
    let toggled = match path.strip_suffix('/') {
        Some(without) => without.to_owned(),
        None => format!("{path}/"),
    };
    [path.to_owned(), toggled].into_iter().find_map(|path| {
        let candidate = match (with_query, query) {
            (true, Some(query)) => format!("{path}?{query}"),
            _ => path,
        };
        let captures = capture(&rule.from, &candidate)?;
        let mut target = rule.to.clone();
        for (name, value) in captures {
            target = target.replace(&format!("{{{name}}}"), value);
        }
        Some(target)
    })
}

/// Matches `text` against the pieces of a pattern: a capture takes the fewest characters
/// (at least one, none of `/ ? & # \`) that let the rest match.
fn capture<'a>(pieces: &'a [PatternPiece], text: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
    match pieces.split_first() {
        None => text.is_empty().then(Vec::new),
        Some((PatternPiece::Literal(literal), rest)) => capture(rest, text.strip_prefix(literal.as_str())?),
        Some((PatternPiece::Capture(name), rest)) => {
            let limit = text.find(['/', '?', '&', '#', '\\']).unwrap_or(text.len());
            (1..=limit).filter(|end| text.is_char_boundary(*end)).find_map(|end| {
                let mut found = capture(rest, &text[end..])?;
                found.insert(0, (name.as_str(), &text[..end]));
                Some(found)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(from: &str, to: &str) -> RedirectRule {
        let table: toml::Table = format!("from = {from:?}\nto = {to:?}").parse().expect("toml");
        table.try_into().expect("a valid rule")
    }

    #[test]
    fn a_joomla_address_leads_to_the_slug_it_carries() {
        let joomla = rule("/index.php/{section}/{id}-{slug}", "/{slug}/");
        assert_eq!(apply(&joomla, "/index.php/news/12345-some-slug").as_deref(), Some("/some-slug/"));
        assert_eq!(apply(&joomla, "/index.php/news/12345-some-slug/").as_deref(), Some("/some-slug/"));
        assert_eq!(apply(&joomla, "/index.php/news/12345"), None);
        assert_eq!(apply(&joomla, "/index.php/news/a/12-b"), None, "a capture stays in its segment");
        let html = rule("/{year}/{slug}.html", "/{slug}/");
        assert_eq!(apply(&html, "/2019/old-story.html").as_deref(), Some("/old-story/"));
    }

    #[test]
    fn a_pattern_with_a_query_matches_the_query() {
        let by_id = rule("/index.php?option=com_content&view=article&id={id}", "/archive/{id}/");
        assert_eq!(apply(&by_id, "/index.php?option=com_content&view=article&id=77").as_deref(), Some("/archive/77/"));
        assert_eq!(apply(&by_id, "/index.php?option=com_content&view=article&id=77&x=1"), None);
    }

    #[test]
    fn rules_that_could_leave_the_site_or_use_unknown_names_are_refused() {
        for (from, to) in [
            ("/a/{x}", "//evil.example/{x}"),
            ("/a/{x}", "https://evil.example/"),
            ("/a/{x}", "/b/{y}/"),
            ("a/{x}", "/b/"),
            ("/a/{x}{y}", "/b/"),
            ("/a/{X}", "/b/"),
            ("/a/{x", "/b/"),
        ] {
            let table: toml::Table = format!("from = {from:?}\nto = {to:?}").parse().expect("toml");
            assert!(table.try_into::<RedirectRule>().is_err(), "{from} → {to}");
        }
    }

    #[test]
    fn paging_suffixes_are_found() {
        assert_eq!(paging("/category/x/page/3/"), Some(("page/3/", "page/3/")));
        assert_eq!(paging("/category/x/"), None);
        assert_eq!(paging("/page/x/"), None);
    }
}

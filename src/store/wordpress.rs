//! What every engine does alike when it stores a post imported from WordPress: which
//! slug the post gets when another article holds its own, which version its article
//! shows, and which old addresses lead to it. The engines only run the statements.

use super::redirects::redirect_key;
use super::{ImportedArticle, StoreError, StoreResult};
use crate::domain::slug::{MAX_SLUG_LEN, Slug};

/// Slugs a post tries before its import fails.
const SLUG_ATTEMPTS: u32 = 10;

/// The slugs a post may get, best first: the one it asks for, then the same with the
/// post id appended (stable from one import to the next), then with a counter too.
pub(crate) fn slug_candidates(wanted: &Slug, wp_id: i64) -> impl Iterator<Item = StoreResult<Slug>> + '_ {
    (0..SLUG_ATTEMPTS).map(move |attempt| match attempt {
        0 => Ok(wanted.clone()),
        1 => suffixed(wanted, &format!("-{wp_id}")),
        n => suffixed(wanted, &format!("-{wp_id}-{n}")),
    })
}

/// The failure when every one of [`slug_candidates`] is held by another article.
pub(crate) fn no_free_slug(wanted: &Slug, wp_id: i64) -> StoreError {
    StoreError::Invalid(format!("no free slug for WordPress post {wp_id} ({wanted})"))
}

fn suffixed(slug: &Slug, suffix: &str) -> StoreResult<Slug> {
    let mut base = slug.as_str()[..slug.as_str().len().min(MAX_SLUG_LEN - suffix.len())].to_owned();
    while base.ends_with('-') {
        base.pop();
    }
    Slug::parse(&format!("{base}{suffix}")).map_err(|e| StoreError::Invalid(format!("slug {base}{suffix}: {e}")))
}

/// The last change an imported article shows, in Unix seconds: WordPress's, not the
/// moment of the import. A post imported before (its article last changed at
/// `previous`) still moves the version forward, which the search index compares.
pub(crate) fn imported_updated_at(item: &ImportedArticle, previous: Option<i64>) -> i64 {
    let updated_at = item.modified_at.as_second().max(item.draft.published_at.as_second());
    previous.map_or(updated_at, |before| updated_at.max(before + 1))
}

/// The keys of the old addresses that lead to an imported post's article: the post's
/// old paths and, when the article had another slug before (`previous_slug`), its own
/// earlier address, for whoever linked to it here. Never the article's address itself.
pub(crate) fn old_address_keys(item: &ImportedArticle, previous_slug: Option<&str>) -> Vec<String> {
    let own_path = format!("/{}/", item.draft.slug);
    let earlier = previous_slug.map(|slug| format!("/{slug}/"));
    item.old_paths.iter().chain(&earlier).map(|path| redirect_key(path)).filter(|key| *key != own_path).collect()
}

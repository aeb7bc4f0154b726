//! Which articles are related to one: the same ranking in every engine.

/// Candidates per tag when looking for related articles.
pub(super) const RELATED_PER_TAG: u32 = 24;

/// Ranks candidates `(article id, published_at)`, as found tag by tag: the articles
/// found under the most tags first, then the newest, then the first found.
pub(super) fn rank_related(candidates: impl IntoIterator<Item = (i64, i64)>, limit: u32) -> Vec<i64> {
    let mut shared: Vec<(i64, u32, i64)> = Vec::new();
    for (id, published_at) in candidates {
        match shared.iter_mut().find(|(other, _, _)| *other == id) {
            Some(entry) => entry.1 += 1,
            None => shared.push((id, 1, published_at)),
        }
    }
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)));
    shared.into_iter().take(limit as usize).map(|(id, _, _)| id).collect()
}

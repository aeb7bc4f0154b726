//! Which articles are related to one: the same ranking in every engine.

/// Candidates per tag when looking for related articles.
pub(super) const RELATED_PER_TAG: u32 = 24;

/// Ranks candidates `(article id, published_at)`, as found tag by tag: the articles
/// found under the most tags first, then the newest, then the first found.
pub(super) fn rank_related(candidates: impl IntoIterator<Item = (i64, i64)>, limit: u32) -> Vec<i64> {
    // Sorted by id and then by when each was found, an article's findings are a run
    // whose first is its first finding: a hundred candidates are sorted, not compared
    // with each other.
    let mut found: Vec<(i64, usize, i64)> =
        candidates.into_iter().enumerate().map(|(order, (id, published_at))| (id, order, published_at)).collect();
    found.sort_unstable();
    let mut ranked: Vec<(u32, i64, usize, i64)> = found
        .chunk_by(|a, b| a.0 == b.0)
        .map(|same| (u32::try_from(same.len()).unwrap_or(u32::MAX), same[0].2, same[0].1, same[0].0))
        .collect();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    ranked.into_iter().take(limit as usize).map(|(_, _, _, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_shared_tags_first_then_newest_then_first_found() {
        // Article 7 is under three tags, 5 and 9 under two (9 newer), 3 and 4 under one
        // with the same date (4 found first), 8 under one and oldest.
        let candidates = [(4, 50), (7, 10), (5, 20), (3, 50), (9, 30), (7, 10), (5, 20), (9, 30), (8, 1), (7, 10)];
        assert_eq!(rank_related(candidates, 10), [7, 9, 5, 4, 3, 8]);
        assert_eq!(rank_related(candidates, 2), [7, 9]);
        assert!(rank_related([], 4).is_empty());
    }
}

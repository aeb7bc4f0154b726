//! Which articles are related to one: the same ranking in every engine.

/// Candidates per tag when looking for related articles.
pub(super) const RELATED_PER_TAG: u32 = 24;

/// How far after an article (published at `published_at`) its related articles are
/// looked for at `now`, in seconds since the epoch: a month, and never past now.
pub(super) fn horizon(published_at: i64, now: i64) -> i64 {
    now.min(published_at + 30 * 86_400)
}

/// Ranks candidates `(article id, published_at)`, as found tag by tag: the articles
/// found under the most tags first, then the newest, then the first found.
pub(super) fn rank_related(candidates: impl IntoIterator<Item = (i64, i64)>, limit: u32) -> Vec<i64> {
    // Sorted by id and then by when each was found, an article's findings are a run
    // whose first is its first finding: a hundred candidates are sorted, not compared
    // with each other.
    let mut found: Vec<(i64, usize, i64)> =
        candidates.into_iter().enumerate().map(|(order, (id, published_at))| (id, order, published_at)).collect();
    found.sort_unstable_by_key(|&(id, order, _)| (id, order));
    let mut ranked: Vec<(u32, i64, usize, i64)> = found
        .chunk_by(|a, b| a.0 == b.0)
        .map(|same| (u32::try_from(same.len()).unwrap_or(u32::MAX), same[0].2, same[0].1, same[0].0))
        .collect();
    let order =
        |a: &(u32, i64, usize, i64), b: &(u32, i64, usize, i64)| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2));
    // Only the first `limit` are shown: they are picked out, and only they are sorted.
    let limit = limit as usize;
    if limit == 0 {
        return Vec::new();
    }
    if ranked.len() > limit {
        ranked.select_nth_unstable_by(limit - 1, order);
        ranked.truncate(limit);
    }
    ranked.sort_unstable_by(order);
    ranked.into_iter().map(|(_, _, _, id)| id).collect()
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
        assert_eq!(rank_related(candidates, 4), [7, 9, 5, 4]);
        assert!(rank_related(candidates, 0).is_empty());
        assert!(rank_related([], 4).is_empty());
    }

    #[test]
    fn the_first_few_picked_out_are_the_head_of_the_whole_ranking() {
        // Four tags' worth of candidates, many found more than once and many sharing a
        // date, from a fixed pseudo-random sequence.
        let mut state = 0x2545_f491_u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            i64::try_from((state >> 33) % n).unwrap_or_default()
        };
        let candidates: Vec<(i64, i64)> = (0..96).map(|_| (next(40), next(6))).collect();
        let whole = rank_related(candidates.clone(), 96);
        assert!(whole.len() > 20, "the sequence repeats ids, but not that much");
        for limit in [1, 3, 5, 17, whole.len() - 1] {
            let head = rank_related(candidates.clone(), u32::try_from(limit).unwrap_or(u32::MAX));
            assert_eq!(head, whole[..limit], "limit {limit}");
        }
    }
}

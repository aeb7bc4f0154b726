//! The best results by relevance blended with freshness, without scoring every match.
//!
//! tantivy skips the documents that cannot enter the top results (block-max WAND over
//! a union of terms) only for a collector that ranks by the plain score and says how
//! good a new result must be. Freshness multiplies a score by at most
//! [`Ranking::freshness`]`(0)`, so a document whose plain score, so multiplied, stays
//! below the last of the results kept cannot enter them: that bound is the threshold
//! handed back to tantivy, and the ranking stays exactly what scoring everything gives.
//!
//! Counting is left to a separate pass that does not score (see `searcher`).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use super::Ranking;
use super::schema::PUBLISHED_AT;

/// The `keep` best visible results, best first.
pub struct FreshTop {
    /// Results kept: the page asked for and every one before it.
    pub keep: usize,
    /// How freshness counts.
    pub ranking: Ranking,
    /// The current instant, Unix seconds.
    pub now: i64,
    /// Only articles published in `from..until` (Unix seconds) are results.
    pub from: i64,
    /// See `from`.
    pub until: i64,
    /// Matches the query leaves out that count as much as this score (the typos of a
    /// word: [`Ranking::fuzzy_score`]), unless the query matches them.
    pub typos: Option<(Box<dyn Weight>, Score)>,
}

impl Collector for FreshTop {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = FreshTopSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<FreshTopSegment> {
        let published = reader.fast_fields().i64(PUBLISHED_AT)?.first_or_default_col(self.now);
        Ok(FreshTopSegment {
            keep: self.keep,
            ranking: self.ranking,
            now: self.now,
            from: self.from,
            until: self.until,
            published,
            segment_ord,
            best: BinaryHeap::with_capacity(self.keep.min(1024) + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(self.keep);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut segment = self.for_segment(segment_ord, reader)?;
        if self.keep == 0 {
            return Ok(Vec::new());
        }
        let ceiling = self.ranking.freshness(0);
        let alive = reader.alive_bitset();
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                segment.collect(doc, score);
            }
            segment.lowest_kept().map_or(Score::MIN, |lowest| lowest / ceiling)
        })?;
        if let Some((typos, score)) = &self.typos {
            segment.collect_typos(typos.as_ref(), *score, weight, reader)?;
        }
        Ok(segment.harvest())
    }
}

/// [`FreshTop`] within one segment.
pub struct FreshTopSegment {
    keep: usize,
    ranking: Ranking,
    now: i64,
    from: i64,
    until: i64,
    published: Arc<dyn ColumnValues<i64>>,
    segment_ord: SegmentOrdinal,
    /// The best so far, the worst of them on top.
    best: BinaryHeap<Kept>,
}

impl FreshTopSegment {
    /// The blended score a result must beat to be kept, once `keep` are.
    fn lowest_kept(&self) -> Option<Score> {
        (self.best.len() >= self.keep).then(|| self.best.peek().map_or(Score::MIN, |kept| kept.score))
    }

    /// Adds the matches of `typos` that `found` does not match, each scoring `score`
    /// blended with freshness; none is looked at once the freshest could not enter.
    fn collect_typos(
        &mut self,
        typos: &dyn Weight,
        score: Score,
        found: &dyn Weight,
        reader: &SegmentReader,
    ) -> tantivy::Result<()> {
        let best = score * self.ranking.freshness(0);
        let cannot_enter = |segment: &Self| segment.lowest_kept().is_some_and(|lowest| best <= lowest);
        if cannot_enter(self) {
            return Ok(());
        }
        let alive = reader.alive_bitset();
        let mut found = found.scorer(reader, 1.0)?;
        let mut typos = typos.scorer(reader, 1.0)?;
        let mut doc = typos.doc();
        while doc != TERMINATED && !cannot_enter(self) {
            if found.doc() < doc {
                found.seek(doc);
            }
            if found.doc() != doc && alive.is_none_or(|alive| alive.is_alive(doc)) {
                self.collect(doc, score);
            }
            doc = typos.advance();
        }
        Ok(())
    }
}

impl SegmentCollector for FreshTopSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let at = self.published.get_val(doc);
        if at < self.from || at >= self.until {
            return;
        }
        let kept = Kept { score: score * self.ranking.freshness(self.now - at), doc };
        if self.best.len() < self.keep {
            self.best.push(kept);
        } else if self.best.peek().is_some_and(|worst| kept < *worst) {
            self.best.pop();
            self.best.push(kept);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment_ord = self.segment_ord;
        self.best.into_iter().map(|kept| (kept.score, DocAddress::new(segment_ord, kept.doc))).collect()
    }
}

/// A result kept, ordered worst last: higher scores first, then lower document numbers,
/// so that the heap's top is the one to drop.
struct Kept {
    score: Score,
    doc: DocId,
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        other.score.total_cmp(&self.score).then(self.doc.cmp(&other.doc))
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
    use tantivy::schema::{FAST, INDEXED, IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, TantivyDocument, Term};

    use super::*;

    /// Ranking with pruning gives exactly what scoring every match and blending each
    /// score with freshness gives.
    #[test]
    fn pruning_ranks_as_scoring_everything_does() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let text = builder.add_text_field("text", TEXT);
        let published = builder.add_i64_field(PUBLISHED_AT, INDEXED | FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        let words = ["water", "dam", "river", "the", "canal", "grain"];
        let mut seed: u64 = 7;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        let now = 1_000_000_000;
        for _ in 0..5000 {
            let mut doc = TantivyDocument::new();
            let pick = |n: usize, next: &mut dyn FnMut() -> usize| {
                (0..n).map(|_| words[next() % words.len()]).collect::<Vec<_>>().join(" ")
            };
            let (t, b) = (next() % 4, 5 + next() % 40);
            doc.add_text(title, pick(t, &mut next));
            doc.add_text(text, pick(b, &mut next));
            doc.add_i64(published, now - (next() % (400 * 86_400)) as i64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let ranking = Ranking::default();
        for word in ["water", "dam", "grain"] {
            let query = BooleanQuery::new(vec![
                (Occur::Should, Box::new(BoostQuery::new(term(title, word), 3.0)) as Box<dyn Query>),
                (Occur::Should, term(text, word)),
            ]);
            for (keep, until) in [(6, now + 1), (13, now + 1), (6, now - 30 * 86_400)] {
                let top = FreshTop { keep, ranking, now, from: i64::MIN, until, typos: None };
                let pruned = searcher.search(&query, &top)?;
                let every = TopDocs::with_limit(keep).tweak_score(move |segment: &SegmentReader| {
                    let at = segment.fast_fields().i64(PUBLISHED_AT).map(|c| c.first_or_default_col(0));
                    move |doc: DocId, score: Score| {
                        let at = at.as_ref().map_or(0, |c| c.get_val(doc));
                        if at >= until { Score::MIN } else { score * ranking.freshness(now - at) }
                    }
                });
                let expected: Vec<DocAddress> = searcher.search(&query, &every)?.into_iter().map(|(_, a)| a).collect();
                let got: Vec<DocAddress> = pruned.into_iter().map(|(_, a)| a).collect();
                assert_eq!(got, expected, "{word}, {keep} kept, until {until}");
            }
        }
        Ok(())
    }

    fn term(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs))
    }
}

//! The best results by relevance blended with freshness.
//!
//! Freshness multiplies a score by at most [`Ranking::freshness`]`(0)`, so a match whose
//! plain score, so multiplied, stays below the last of the results kept cannot enter
//! them: the collector leaves it before reading its date, and [`FreshTop::rank`] hands
//! that bound to the MaxScore ranking as the score a new result must beat. Either way
//! the ranking stays exactly what scoring everything gives.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::Ranking;
use super::maxscore::{Counted, WordsWeight};
use super::schema::PUBLISHED_AT;
use super::warmed::{Warmed, WarmedSegment};

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
    /// Each segment's dates, where worked out.
    pub warmed: Arc<Warmed>,
}

impl Collector for FreshTop {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = FreshTopSegment;

    fn for_segment(&self, segment_ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<FreshTopSegment> {
        let published = self.published(reader)?;
        Ok(FreshTopSegment {
            keep: self.keep,
            ranking: self.ranking,
            now: self.now,
            from: self.from,
            until: self.until,
            published,
            ceiling: self.ranking.freshness(0),
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
}

impl FreshTop {
    /// Where the publication times of `reader`'s articles are read.
    fn published(&self, reader: &SegmentReader) -> tantivy::Result<Published> {
        Ok(match self.warmed.segment(reader.segment_id()) {
            Some(warmed) => Published::Warmed(warmed),
            None => Published::Column(
                reader.fast_fields().i64(PUBLISHED_AT)?.first_or_default_col(self.now),
                reader.max_doc(),
            ),
        })
    }

    /// The `keep` newest of what `counted` found that are live and published in the
    /// dates shown, newest first (then in index order), with their publication times.
    /// Each segment's runs of articles (blocks of its warmed dates, or the whole segment)
    /// are looked at newest first, until the rest are older than the last result kept.
    pub fn newest(&self, searcher: &Searcher, counted: Counted) -> tantivy::Result<Vec<(i64, DocAddress)>> {
        let mut all = Vec::new();
        for ((ord, reader), matches) in searcher.segment_readers().iter().enumerate().zip(counted.into_matches()) {
            let published = self.published(reader)?;
            let mut runs = Vec::new();
            let mut from = 0;
            while from < reader.max_doc() {
                let (dates, end) = published.block(from);
                runs.push((dates, from, end));
                from = end;
            }
            runs.sort_by_key(|&((_, newest), _, _)| Reverse(newest));
            let alive = reader.alive_bitset();
            // The newest so far, the one to drop on top.
            let mut best: BinaryHeap<Reverse<(i64, Reverse<DocId>)>> =
                BinaryHeap::with_capacity(self.keep.min(1024) + 1);
            for ((oldest, newest), start, end) in runs {
                let full = best.len() >= self.keep;
                if full && best.peek().is_some_and(|Reverse((last, _))| newest < *last) {
                    break;
                }
                if newest < self.from || oldest >= self.until {
                    continue;
                }
                for doc in matches.docs_from(start).take_while(|&doc| doc < end) {
                    let at = published.get(doc);
                    if at < self.from || at >= self.until || alive.is_some_and(|alive| !alive.is_alive(doc)) {
                        continue;
                    }
                    let kept = Reverse((at, Reverse(doc)));
                    if best.len() < self.keep {
                        best.push(kept);
                    } else if best.peek().is_some_and(|last| kept < *last) {
                        best.pop();
                        best.push(kept);
                    }
                }
            }
            let segment_ord = ord as SegmentOrdinal;
            all.extend(best.into_iter().map(|Reverse((at, Reverse(doc)))| (at, DocAddress::new(segment_ord, doc))));
        }
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(self.keep);
        Ok(all)
    }

    /// The best results of `words`, ranked without scoring every match, once `counted`.
    pub fn rank(
        &self,
        searcher: &Searcher,
        words: &WordsWeight,
        counted: Counted,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
        for ((ord, reader), (matches, typos)) in
            searcher.segment_readers().iter().enumerate().zip(counted.into_segments())
        {
            let mut segment = self.for_segment(ord as SegmentOrdinal, reader)?;
            let freshest = segment.freshest();
            words.for_each_pruning(reader, &matches, typos, &|doc| freshest.block(doc), &mut |doc, score| {
                segment.collect(doc, score);
                segment.lowest_kept().unwrap_or(Score::MIN)
            })?;
            fruits.push(segment.harvest());
        }
        self.merge_fruits(fruits)
    }
}

/// [`FreshTop`] within one segment.
pub struct FreshTopSegment {
    keep: usize,
    ranking: Ranking,
    now: i64,
    from: i64,
    until: i64,
    published: Published,
    /// The most freshness multiplies a score by: [`Ranking::freshness`]`(0)`.
    ceiling: Score,
    segment_ord: SegmentOrdinal,
    /// The best so far, the worst of them on top.
    best: BinaryHeap<Kept>,
}

impl FreshTopSegment {
    /// The blended score a result must beat to be kept, once `keep` are.
    fn lowest_kept(&self) -> Option<Score> {
        (self.best.len() >= self.keep).then(|| self.best.peek().map_or(Score::MIN, |kept| kept.score))
    }

    fn freshest(&self) -> Freshest {
        Freshest {
            published: self.published.clone(),
            ranking: self.ranking,
            now: self.now,
            from: self.from,
            until: self.until,
        }
    }
}

/// Where a segment's publication times are read.
#[derive(Clone)]
enum Published {
    /// From the dates worked out for it.
    Warmed(Arc<WarmedSegment>),
    /// From its column, which has this many articles.
    Column(Arc<dyn ColumnValues<i64>>, DocId),
}

impl Published {
    fn get(&self, doc: DocId) -> i64 {
        match self {
            Published::Warmed(warmed) => warmed.dates().get(doc),
            Published::Column(column, _) => column.get_val(doc),
        }
    }

    /// The oldest and newest publication times of a run of articles holding `doc`, and
    /// the first article after the run: a block of the warmed dates, or (unknown) the
    /// whole segment.
    fn block(&self, doc: DocId) -> ((i64, i64), DocId) {
        match self {
            Published::Warmed(warmed) => warmed.dates().block(doc),
            Published::Column(_, max_doc) => ((i64::MIN, i64::MAX), *max_doc),
        }
    }
}

/// The most freshness can multiply a score by in each run of a segment's articles.
pub struct Freshest {
    published: Published,
    ranking: Ranking,
    now: i64,
    from: i64,
    until: i64,
}

impl Freshest {
    /// The most freshness multiplies the score of a result in the run of articles holding
    /// `doc` (0 when none of them is published in the dates shown), and the first article
    /// after the run.
    pub fn block(&self, doc: DocId) -> (Score, DocId) {
        let ((oldest, newest), end) = self.published.block(doc);
        if newest < self.from || oldest >= self.until {
            return (0.0, end);
        }
        (self.ranking.freshness(self.now - newest.min(self.until - 1)), end)
    }
}

impl SegmentCollector for FreshTopSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        // A match that could not enter even at the freshest is left before its date is
        // read: where every match is scored (a query with a phrase), most are left here.
        if self.lowest_kept().is_some_and(|lowest| score * self.ceiling <= lowest) {
            return;
        }
        let at = self.published.get(doc);
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
    use std::ops::Bound;
    use tantivy::collector::{Count, DocSetCollector, TopDocs};

    use tantivy::query::{
        BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
    };
    use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{Index, TantivyDocument, Term, Warmer};

    use super::*;
    use crate::search::maxscore::{PublishedWithin, Word, Words};
    use crate::search::schema::ID;

    /// Ranking by MaxScore, or with every match handed to the collector (alone or while
    /// counting), gives exactly what scoring every match and blending each score with
    /// freshness gives, and [`WordsWeight::count`] counts what tantivy counts, with the
    /// common terms' sets or without: over two segments, with deleted articles, typos, a
    /// filter and an exclusion.
    #[test]
    fn ranking_without_scoring_everything_matches_scoring_everything() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let id = builder.add_i64_field(ID, INDEXED | FAST);
        let title = builder.add_text_field("title", TEXT);
        let text = builder.add_text_field("text", TEXT);
        let kind = builder.add_text_field("kind", STRING);
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
        for n in 0..6000 {
            let mut doc = TantivyDocument::new();
            let pick = |n: usize, next: &mut dyn FnMut() -> usize| {
                (0..n).map(|_| words[next() % words.len()]).collect::<Vec<_>>().join(" ")
            };
            let (t, b) = (next() % 4, 5 + next() % 40);
            doc.add_i64(id, n);
            doc.add_text(title, pick(t, &mut next));
            doc.add_text(text, pick(b, &mut next));
            doc.add_text(kind, if next() % 3 == 0 { "a" } else { "b" });
            // Mostly oldest first, as the index is filled, with a few weeks' jitter.
            doc.add_i64(published, now - (6000 - n) * 5_000 - (next() % (20 * 86_400)) as i64);
            writer.add_document(doc)?;
            if n == 3500 {
                writer.commit()?;
            }
        }
        writer.commit()?;
        for n in (0..6000).step_by(7) {
            writer.delete_term(Term::from_field_i64(id, n));
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let ranking = Ranking::default();
        // With segments warmed, counting joins the common terms' sets and the ranking
        // passes over blocks too old to hold a result; without, both read the postings
        // and columns. Either way they find the same.
        let warm = Arc::new(Warmed::new(vec![title, text]));
        warm.warm(&searcher)?;
        warm.wait_for(&searcher);
        let cold = Arc::new(Warmed::new(vec![title, text]));

        let word = |w: &str, typos: &[&str]| Word {
            terms: vec![(Term::from_field_text(title, w), 3.0), (Term::from_field_text(text, w), 1.0)],
            typos: (!typos.is_empty())
                .then(|| (typos.iter().map(|t| Term::from_field_text(text, t)).collect(), ranking.fuzzy_score)),
        };
        let of_kind = |k: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(kind, k), IndexRecordOption::Basic))
        };
        let within = |from: i64, until: i64| {
            let at = |time: i64| Term::from_field_i64(published, time);
            let range = RangeQuery::new(Bound::Included(at(from)), Bound::Excluded(at(until)));
            PublishedWithin { from, until, query: Box::new(range) }
        };
        let cases = [
            ("water", Words { words: vec![word("water", &[])], required: vec![], excluded: vec![], dates: None }),
            ("dam~", Words { words: vec![word("dam", &["grain"])], required: vec![], excluded: vec![], dates: None }),
            (
                "dam canal",
                Words {
                    words: vec![word("dam", &[]), word("canal", &[])],
                    required: vec![],
                    excluded: vec![],
                    dates: None,
                },
            ),
            (
                "river the water~",
                Words {
                    words: vec![word("river", &[]), word("the", &[]), word("water", &["canal", "dam"])],
                    required: vec![],
                    excluded: vec![],
                    dates: None,
                },
            ),
            (
                "water kind:a -grain",
                Words {
                    words: vec![word("water", &[])],
                    required: vec![of_kind("a")],
                    excluded: vec![term(text, "grain")],
                    dates: None,
                },
            ),
            (
                "dam canal -kind:a",
                Words {
                    words: vec![word("dam", &[]), word("canal", &[])],
                    required: vec![],
                    excluded: vec![of_kind("a")],
                    dates: None,
                },
            ),
            (
                "water canal, 150 to 60 days old",
                Words {
                    words: vec![word("water", &[]), word("canal", &[])],
                    required: vec![],
                    excluded: vec![],
                    dates: Some(within(now - 150 * 86_400, now - 60 * 86_400)),
                },
            ),
        ];
        for ((name, words), warmed) in cases.iter().flat_map(|case| [(case, &warm), (case, &cold)]) {
            let query = as_boolean(words);
            let weight = words.weight(&searcher)?;
            let day = 86_400;
            let dates = [
                (1, i64::MIN, now + 1),
                (6, i64::MIN, now + 1),
                (13, i64::MIN, now + 1),
                (6, i64::MIN, now - 30 * day),
                (6, now - 200 * day, now - 30 * day),
            ];
            for (keep, from, until) in dates {
                // The collector is given the dates the query asks for, as the searcher does.
                let (from, until) = match &words.dates {
                    Some(dates) => (from.max(dates.from), until.min(dates.until)),
                    None => (from, until),
                };
                let top = || FreshTop { keep, ranking, now, from, until, warmed: Arc::clone(warmed) };
                let shown = move |at: i64| at >= from && at < until;
                let every = TopDocs::with_limit(keep).tweak_score(move |segment: &SegmentReader| {
                    let at = segment.fast_fields().i64(PUBLISHED_AT).map(|c| c.first_or_default_col(0));
                    move |doc: DocId, score: Score| {
                        let at = at.as_ref().map_or(0, |c| c.get_val(doc));
                        if shown(at) { score * ranking.freshness(now - at) } else { Score::MIN }
                    }
                });
                let expected = addresses(searcher.search(&query, &every)?);
                assert!(!expected.is_empty(), "{name} finds something");
                let counted = weight.count(&searcher, warmed)?;
                let total = counted.total;
                let ranked = addresses(top().rank(&searcher, &weight, counted)?);
                assert_eq!(ranked, expected, "{name} by MaxScore, {keep} kept, until {until}");
                assert_eq!(
                    addresses(searcher.search(&query, &top())?),
                    expected,
                    "{name} collected, {keep} kept, until {until}"
                );
                let (count, counted) = searcher.search(&query, &(Count, top()))?;
                assert_eq!(addresses(counted), expected, "{name} counted, {keep} kept, until {until}");
                assert_eq!(total, count, "{name}: the count by bits");
                // Newest first: every live match in the dates shown, sorted by date.
                let mut by_date: Vec<(i64, DocAddress)> = searcher
                    .search(&query, &DocSetCollector)?
                    .into_iter()
                    .map(|address| {
                        let reader = searcher.segment_reader(address.segment_ord);
                        let at = reader.fast_fields().i64(PUBLISHED_AT).map(|c| c.first_or_default_col(0));
                        (at.map_or(0, |c| c.get_val(address.doc_id)), address)
                    })
                    .filter(|&(at, _)| shown(at))
                    .collect();
                by_date.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                by_date.truncate(keep);
                let newest = top().newest(&searcher, weight.count(&searcher, warmed)?)?;
                assert_eq!(newest, by_date, "{name} newest first, {keep} kept, {from}..{until}");
            }
        }
        Ok(())
    }

    /// A newer block of articles is looked at even when the next strong match lies beyond
    /// it: there an article matched only by a word's cheaper terms may enter, freshness
    /// lifting it over a stronger but older match. The headline's weight is swept so that
    /// some value puts the newest strong match just above what the body alone can score.
    #[test]
    fn a_newer_block_is_looked_at_even_when_the_next_strong_match_lies_beyond_it() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let id = builder.add_i64_field(ID, INDEXED | FAST);
        let title = builder.add_text_field("title", TEXT);
        let text = builder.add_text_field("text", TEXT);
        let published = builder.add_i64_field(PUBLISHED_AT, INDEXED | FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        let now: i64 = 1_000_000_000;
        let articles: i64 = 2300;
        for n in 0..articles {
            let (headline, body) = match n {
                0 | 1000 | 2000 => ("dam", "dam a b c d e f g"),
                2299 => ("x", "dam dam dam dam dam dam dam dam"),
                _ => ("x", "a b c d e f g h"),
            };
            let mut doc = TantivyDocument::new();
            doc.add_i64(id, n);
            doc.add_text(title, headline);
            doc.add_text(text, body);
            // Oldest first, twelve hours apart.
            doc.add_i64(published, now - (articles - n) * 12 * 3600);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let warmed = Arc::new(Warmed::new(vec![title, text]));
        warmed.warm(&searcher)?;
        warmed.wait_for(&searcher);
        let ranking = Ranking::default();
        for step in 0..200 {
            let boost = 0.5 + step as f32 * 0.01;
            let words = Words {
                words: vec![Word {
                    terms: vec![
                        (Term::from_field_text(title, "dam"), boost),
                        (Term::from_field_text(text, "dam"), 1.0),
                    ],
                    typos: None,
                }],
                required: vec![],
                excluded: vec![],
                dates: None,
            };
            let every = TopDocs::with_limit(1).tweak_score(move |segment: &SegmentReader| {
                let at = segment.fast_fields().i64(PUBLISHED_AT).map(|c| c.first_or_default_col(0));
                move |doc: DocId, score: Score| {
                    score * ranking.freshness(now - at.as_ref().map_or(0, |c| c.get_val(doc)))
                }
            });
            let expected = addresses(searcher.search(&as_boolean(&words), &every)?);
            let top = FreshTop { keep: 1, ranking, now, from: i64::MIN, until: now + 1, warmed: Arc::clone(&warmed) };
            let weight = words.weight(&searcher)?;
            let ranked = addresses(top.rank(&searcher, &weight, weight.count(&searcher, &warmed)?)?);
            assert_eq!(ranked, expected, "headline weight {boost}");
        }
        Ok(())
    }

    /// The boolean query tantivy scores as [`Words`] are scored.
    fn as_boolean(words: &Words) -> BooleanQuery {
        let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in &words.words {
            let mut any: Vec<(Occur, Box<dyn Query>)> = word
                .terms
                .iter()
                .map(|(t, boost)| {
                    let term = TermQuery::new(t.clone(), IndexRecordOption::WithFreqs);
                    (Occur::Should, Box::new(BoostQuery::new(Box::new(term), *boost)) as Box<dyn Query>)
                })
                .collect();
            if let Some((typos, score)) = &word.typos {
                let typos = Box::new(TermSetQuery::new(typos.iter().cloned()));
                any.push((Occur::Should, Box::new(ConstScoreQuery::new(typos, *score))));
            }
            all.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        for filter in &words.required {
            all.push((Occur::Must, Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0))));
        }
        for exclusion in &words.excluded {
            all.push((Occur::MustNot, exclusion.box_clone()));
        }
        if let Some(dates) = &words.dates {
            all.push((Occur::Must, Box::new(ConstScoreQuery::new(dates.query.box_clone(), 0.0))));
        }
        BooleanQuery::new(all)
    }

    fn addresses(ranked: Vec<(Score, DocAddress)>) -> Vec<DocAddress> {
        ranked.into_iter().map(|(_, address)| address).collect()
    }

    fn term(field: Field, word: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs))
    }
}

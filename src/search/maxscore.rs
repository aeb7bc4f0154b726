//! Ranking a query whose words are each a union of terms by MaxScore (Turtle and
//! Flood, 1995): the best results without scoring every match.
//!
//! Every word must match, through any of its terms (its forms in each field, its Latin
//! key) or its typos; an article scores the sum of the terms that match it, typos
//! counting a constant, as tantivy's boolean query scores the same clauses. A term's
//! score has a ceiling (its BM25 weight for the most frequent term). With the terms
//! ordered by ceiling, the lowest ones whose ceilings add up to no more than the score
//! a result must beat cannot bring in a result on their own: only the articles that
//! match one of the others are candidates, and the low terms are looked up in a
//! candidate only while they could still lift it high enough. For common words that
//! leaves the articles with a word in the headline or the tags to look at, instead of
//! every article that has all the words somewhere in its text.
//!
//! Filters are matched, not scored; exclusions must not match. The ranking runs after
//! the count and takes a candidate only if the count found it, so it reads no filter,
//! exclusion or date itself.
//!
//! Counting all the matches is a pass of its own that scores nothing: each word's terms
//! are read block by block into one bit per article (see `bits`), and the words' bits
//! intersected.

use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, TermQuery, Weight};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use super::bits::{Bits, ConstBits};
use super::warmed::{Warmed, WarmedSegment};

/// Most words a [`Words`] query may have.
pub const MAX_WORDS: usize = 32;

/// One word of a query.
pub struct Word {
    /// The terms it matches through, each with its boost.
    pub terms: Vec<(Term, Score)>,
    /// Its typos, and the constant score a match through them counts.
    pub typos: Option<(Vec<Term>, Score)>,
}

/// Words that must all match, filters that must match, exclusions that must not.
pub struct Words {
    /// At most [`MAX_WORDS`].
    pub words: Vec<Word>,
    /// Matched, not scored.
    pub required: Vec<Box<dyn Query>>,
    /// Must not match.
    pub excluded: Vec<Box<dyn Query>>,
    /// The dates asked for, if any.
    pub dates: Option<PublishedWithin>,
}

/// Articles published in `from..until` (Unix seconds). Counting reads them from a
/// segment's warmed dates where it has them, and `query` (which matches the same)
/// elsewhere; the ranking leaves dates to its callback, which must keep only these
/// (as [`FreshTop`](super::top::FreshTop) does, reading each candidate's date anyway).
pub struct PublishedWithin {
    pub from: i64,
    pub until: i64,
    pub query: Box<dyn Query>,
}

/// [`Words`] ready to run over the segments of one searcher.
pub struct WordsWeight {
    /// Each word's terms and its typos: what counting reads.
    words: Vec<(Vec<Term>, Vec<Term>)>,
    /// Every term and typo set, lowest ceiling first.
    parts: Vec<Part>,
    /// One bit per word.
    every_word: u32,
    required: Vec<Box<dyn Weight>>,
    excluded: Vec<Box<dyn Weight>>,
    /// The dates asked for, and their query's weight.
    dates: Option<(i64, i64, Box<dyn Weight>)>,
}

/// A term, or the typos of a word.
struct Part {
    source: Source,
    /// Highest score it can give.
    ceiling: Score,
    /// Its word, by position.
    word: usize,
}

/// Where a part's articles come from.
enum Source {
    /// A term, scored with this boost.
    Term(Box<dyn Weight>, Score),
    /// The typos of its word, as counting found them, each counting the part's ceiling.
    Typos,
}

/// What counting found: the total, each segment's matches (deleted articles included),
/// and each segment's typo sets (one per word, empty where a word has none), which the
/// ranking reuses.
pub struct Counted {
    /// Live articles that match, in all segments.
    pub total: usize,
    matches: Vec<Bits>,
    typos: Vec<Vec<Bits>>,
}

impl Counted {
    /// The matches and the typo sets of each segment, in the searcher's order.
    pub fn into_segments(self) -> impl Iterator<Item = (Bits, Vec<Bits>)> {
        self.matches.into_iter().zip(self.typos)
    }

    /// The matches of each segment, in the searcher's order.
    pub fn into_matches(self) -> Vec<Bits> {
        self.matches
    }
}

impl Words {
    /// Weighs the terms against `searcher`'s statistics.
    pub fn weight(&self, searcher: &Searcher) -> tantivy::Result<WordsWeight> {
        if self.words.len() > MAX_WORDS {
            return Err(tantivy::TantivyError::InvalidArgument(format!("more than {MAX_WORDS} words")));
        }
        let scored = EnableScoring::enabled_from_searcher(searcher);
        let unscored = || EnableScoring::disabled_from_searcher(searcher);
        let mut parts = Vec::new();
        for (n, word) in self.words.iter().enumerate() {
            for (term, boost) in &word.terms {
                let weight = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs).weight(scored)?;
                parts.push(Part {
                    source: Source::Term(weight, *boost),
                    ceiling: Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?.boost_by(*boost).max_score(),
                    word: n,
                });
            }
            if let Some((_, score)) = &word.typos {
                parts.push(Part { source: Source::Typos, ceiling: *score, word: n });
            }
        }
        let words = self
            .words
            .iter()
            .map(|word| {
                let terms = word.terms.iter().map(|(term, _)| term.clone()).collect();
                (terms, word.typos.as_ref().map(|(typos, _)| typos.clone()).unwrap_or_default())
            })
            .collect();
        parts.sort_by(|a, b| a.ceiling.total_cmp(&b.ceiling));
        let weights = |queries: &[Box<dyn Query>]| -> tantivy::Result<Vec<Box<dyn Weight>>> {
            queries.iter().map(|q| q.weight(unscored())).collect()
        };
        Ok(WordsWeight {
            words,
            parts,
            every_word: u32::MAX >> (32 - self.words.len().max(1)),
            required: weights(&self.required)?,
            excluded: weights(&self.excluded)?,
            dates: match &self.dates {
                Some(dates) => Some((dates.from, dates.until, dates.query.weight(unscored())?)),
                None => None,
            },
        })
    }
}

impl WordsWeight {
    /// Calls `callback` with each live article of `reader` that matches and may enter the
    /// results, in order of document number; `callback` answers with the blended score
    /// (relevance times freshness) a result must now beat. `freshest` gives the most
    /// freshness multiplies a score by in the run of articles holding a document, and
    /// the first document after that run: articles that could not beat the blended score
    /// even so may be passed over unscored, a whole run at a time. `matches` and `typos`
    /// are the segment's matches and typo sets, as counting found them: a candidate
    /// matches if it is among `matches`, every word, filter, exclusion and date
    /// accounted for, so no filter or exclusion is looked up here.
    pub fn for_each_pruning(
        &self,
        reader: &SegmentReader,
        matches: &Bits,
        mut typos: Vec<Bits>,
        freshest: &dyn Fn(DocId) -> (Score, DocId),
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        // The parts this segment has, in the same order, and the sums of their ceilings.
        let mut parts: Vec<(Box<dyn Scorer>, u32)> = Vec::with_capacity(self.parts.len());
        let mut reach: Vec<Score> = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            let scorer: Box<dyn Scorer> = match &part.source {
                Source::Term(weight, boost) => weight.scorer(reader, *boost)?,
                Source::Typos => {
                    let bits = typos.get_mut(part.word).map(std::mem::take).unwrap_or_default();
                    Box::new(ConstBits::new(bits, part.ceiling))
                }
            };
            if scorer.doc() != TERMINATED {
                parts.push((scorer, 1 << part.word));
                reach.push(reach.last().copied().unwrap_or(0.0) + part.ceiling);
            }
        }
        if parts.iter().fold(0, |present, (_, word)| present | word) != self.every_word {
            return Ok(());
        }
        // Where each part stands, kept here rather than asked of it.
        let mut docs: Vec<DocId> = parts.iter().map(|(scorer, _)| scorer.doc()).collect();
        let alive = reader.alive_bitset();
        let max_doc = reader.max_doc();
        // The blended score to beat; the run of articles being looked at (from `from` to
        // `end`), the most freshness multiplies by there, and so the plain score to beat.
        let (mut lowest, mut from, mut end, mut factor) = (Score::MIN, 0, 0, 0.0);
        let mut threshold = Score::MIN;
        // Parts before `essential` cannot bring in a result on their own.
        let mut essential = 0;
        loop {
            if from >= end {
                if from >= max_doc {
                    break;
                }
                (factor, end) = freshest(from);
                threshold = if factor > 0.0 { lowest / factor } else { Score::MAX };
                essential = reach.partition_point(|&reach| reach <= threshold);
                if essential == parts.len() {
                    // Nothing in this run can enter.
                    from = end;
                    continue;
                }
                // Parts that could not bring in a result before may have fallen behind.
                for ((scorer, _), at) in parts.iter_mut().zip(docs.iter_mut()).skip(essential) {
                    if *at < from {
                        *at = scorer.seek(from);
                    }
                }
            }
            // Past this run, the next is looked at with its own score to beat: a newer run
            // may let in what the parts passed over here bring, so none is jumped.
            let doc = docs[essential..].iter().copied().min().unwrap_or(TERMINATED);
            if doc >= end {
                from = end;
                continue;
            }
            let mut score: Score = 0.0;
            for ((scorer, _), at) in parts.iter_mut().zip(docs.iter_mut()).skip(essential) {
                if *at == doc {
                    score += scorer.score();
                    *at = scorer.advance();
                }
            }
            if !matches.contains(doc) || alive.is_some_and(|alive| !alive.is_alive(doc)) {
                continue;
            }
            // The others, highest ceiling first, while they could still lift it enough.
            let mut lifted = true;
            for i in (0..essential).rev() {
                if score + reach[i] <= threshold {
                    lifted = false;
                    break;
                }
                let (scorer, _) = &mut parts[i];
                if docs[i] < doc {
                    docs[i] = scorer.seek(doc);
                }
                if docs[i] == doc {
                    score += scorer.score();
                }
            }
            if !lifted || score <= threshold {
                continue;
            }
            lowest = callback(doc, score);
            threshold = lowest / factor;
            essential = reach.partition_point(|&reach| reach <= threshold);
            if essential == parts.len() {
                from = end;
            }
        }
        Ok(())
    }
}

impl WordsWeight {
    /// Counts the live articles that match, in all segments.
    /// Common terms are read from their sets where `warmed` has them.
    pub fn count(&self, searcher: &Searcher, warmed: &Warmed) -> tantivy::Result<Counted> {
        let segments = searcher.segment_readers().len();
        let mut counted =
            Counted { total: 0, matches: Vec::with_capacity(segments), typos: Vec::with_capacity(segments) };
        for reader in searcher.segment_readers() {
            let (total, matches, typos) = self.count_segment(reader, warmed.segment(reader.segment_id()).as_deref())?;
            counted.total += total;
            counted.matches.push(matches);
            counted.typos.push(typos);
        }
        Ok(counted)
    }

    fn count_segment(
        &self,
        reader: &SegmentReader,
        warmed: Option<&WarmedSegment>,
    ) -> tantivy::Result<(usize, Bits, Vec<Bits>)> {
        let common = warmed.map(WarmedSegment::terms);
        let max_doc = reader.max_doc();
        let mut found = Bits::new(max_doc, true);
        let mut each = Bits::new(max_doc, false);
        let mut typo_sets = Vec::with_capacity(self.words.len());
        for (terms, typos) in &self.words {
            let typo_set = if typos.is_empty() {
                each.clear();
                Bits::default()
            } else {
                let mut typo_set = Bits::new(max_doc, false);
                typo_set.insert_terms(reader, typos, common)?;
                each.copy_from(&typo_set);
                typo_set
            };
            each.insert_terms(reader, terms, common)?;
            found.keep_only(&each);
            typo_sets.push(typo_set);
        }
        if let Some((from, until, weight)) = &self.dates {
            each.clear();
            match warmed {
                Some(warmed) => warmed.dates().insert_within(&mut each, *from, *until),
                None => each.insert_docs(weight.scorer(reader, 1.0)?.as_mut()),
            }
            found.keep_only(&each);
        }
        for (weight, keep) in self.required.iter().map(|w| (w, true)).chain(self.excluded.iter().map(|w| (w, false))) {
            each.clear();
            each.insert_docs(weight.scorer(reader, 1.0)?.as_mut());
            if keep {
                found.keep_only(&each);
            } else {
                found.remove_all(&each);
            }
        }
        let total = match reader.alive_bitset() {
            Some(alive) => found.docs().filter(|&doc| alive.is_alive(doc)).count(),
            None => found.len(),
        };
        Ok((total, found, typo_sets))
    }
}

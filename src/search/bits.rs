//! One bit per article of a segment: what counting intersects, and a word's typos as
//! one set. Postings are read block by block, without scoring.

use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Scorer;
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, SegmentReader, TERMINATED};

use super::warmed::SegmentTerms;

/// A set of articles of one segment.
#[derive(Default)]
pub struct Bits(Vec<u64>);

impl Bits {
    /// Bits for articles `0..max_doc`, all set or all clear.
    pub fn new(max_doc: DocId, set: bool) -> Self {
        let mut bits = vec![if set { u64::MAX } else { 0 }; (max_doc as usize).div_ceil(64)];
        if let Some(last) = bits.last_mut()
            && !max_doc.is_multiple_of(64)
        {
            *last &= (1 << (max_doc % 64)) - 1;
        }
        Self(bits)
    }

    /// Clears every bit.
    pub fn clear(&mut self) {
        self.0.fill(0);
    }

    /// Whether `doc` is set.
    pub fn contains(&self, doc: DocId) -> bool {
        self.0.get((doc / 64) as usize).is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }

    /// Sets the bit of `doc`.
    pub fn insert(&mut self, doc: DocId) {
        self.or_at((doc / 64) as usize, 1 << (doc % 64));
    }

    /// Sets the bits of `from..to`.
    pub fn insert_range(&mut self, from: DocId, to: DocId) {
        let mut doc = from;
        while doc < to {
            // The bits of this machine word from `doc` on, up to `to`.
            let low = doc % 64;
            let high = (to - (doc - low)).min(64);
            let mask = (u64::MAX >> (64 - (high - low))) << low;
            self.or_at((doc / 64) as usize, mask);
            doc += high - low;
        }
    }

    /// Sets exactly the bits set in `other`, a set of the same segment.
    pub fn copy_from(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a = *b);
    }

    /// Sets the bits of `docs`, in increasing order.
    fn insert_sorted(&mut self, docs: &[DocId]) {
        // One write per 64 articles rather than one per article: postings of common
        // words set most bits of each word.
        let mut at = usize::MAX;
        let mut word = 0;
        for &doc in docs {
            let index = (doc / 64) as usize;
            if index != at {
                self.or_at(at, word);
                (at, word) = (index, 0);
            }
            word |= 1 << (doc % 64);
        }
        self.or_at(at, word);
    }

    fn or_at(&mut self, index: usize, word: u64) {
        if let Some(bits) = self.0.get_mut(index) {
            *bits |= word;
        }
    }

    /// Sets the bits of the articles that have any of `terms`: a common term's from its
    /// set in `common`, the others' from their postings.
    pub fn insert_terms<'a>(
        &mut self,
        reader: &SegmentReader,
        terms: impl IntoIterator<Item = &'a Term>,
        common: Option<&SegmentTerms>,
    ) -> tantivy::Result<()> {
        for term in terms {
            if let Some(bits) = common.and_then(|common| common.get(term)) {
                self.insert_all(bits);
                continue;
            }
            let postings = reader.inverted_index(term.field())?.read_block_postings(term, IndexRecordOption::Basic)?;
            if let Some(mut postings) = postings {
                self.insert_postings(&mut postings);
            }
        }
        Ok(())
    }

    /// Sets the bits of every article of `postings`, read to their end.
    pub fn insert_postings(&mut self, postings: &mut BlockSegmentPostings) {
        while !postings.docs().is_empty() {
            self.insert_sorted(postings.docs());
            postings.advance();
        }
    }

    /// Sets the bits set in `other`, a set of the same segment.
    pub fn insert_all(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
    }

    /// The memory its bits take.
    pub fn bytes(&self) -> usize {
        self.0.len() * std::mem::size_of::<u64>()
    }

    /// Sets the bits of every article of `docs`.
    pub fn insert_docs(&mut self, docs: &mut dyn DocSet) {
        let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
        loop {
            let filled = docs.fill_buffer(&mut buffer);
            self.insert_sorted(&buffer[..filled]);
            if filled < buffer.len() {
                break;
            }
        }
    }

    /// Keeps only the articles also in `other`.
    pub fn keep_only(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
    }

    /// Removes the articles in `other`.
    pub fn remove_all(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= !b);
    }

    /// How many articles are set.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The articles set, in order.
    pub fn docs(&self) -> impl Iterator<Item = DocId> + '_ {
        self.docs_from(0)
    }

    /// The articles set from `from` on, in order.
    pub fn docs_from(&self, from: DocId) -> impl Iterator<Item = DocId> + '_ {
        let mut next = self.next_from(from);
        std::iter::from_fn(move || {
            let doc = next;
            next = self.next_from(doc.saturating_add(1));
            (doc != TERMINATED).then_some(doc)
        })
    }

    /// The first article set at `from` or after, or [`TERMINATED`].
    fn next_from(&self, from: DocId) -> DocId {
        let mut index = (from / 64) as usize;
        let Some(&first) = self.0.get(index) else { return TERMINATED };
        let mut word = first & (u64::MAX << (from % 64));
        loop {
            if word != 0 {
                return index as DocId * 64 + word.trailing_zeros();
            }
            index += 1;
            match self.0.get(index) {
                Some(&next) => word = next,
                None => return TERMINATED,
            }
        }
    }
}

/// A set of articles as a scorer giving each the same score.
pub struct ConstBits {
    bits: Bits,
    doc: DocId,
    score: Score,
    len: u32,
}

impl ConstBits {
    /// Scores each article of `bits` `score`.
    pub fn new(bits: Bits, score: Score) -> Self {
        let len = u32::try_from(bits.len()).unwrap_or(u32::MAX);
        Self { doc: bits.next_from(0), bits, score, len }
    }
}

impl DocSet for ConstBits {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.bits.next_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target > self.doc {
            self.doc = self.bits.next_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.len
    }
}

impl Scorer for ConstBits {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(max_doc: DocId, docs: &[DocId]) -> Bits {
        let mut bits = Bits::new(max_doc, false);
        bits.insert_sorted(docs);
        bits
    }

    #[test]
    fn a_range_sets_the_bits_its_articles_set_one_by_one() {
        for from in 0..200 {
            for to in from..=200 {
                let mut range = Bits::new(200, false);
                range.insert_range(from, to);
                let mut one_by_one = Bits::new(200, false);
                (from..to).for_each(|doc| one_by_one.insert(doc));
                assert_eq!(range.0, one_by_one.0, "{from}..{to}");
                assert_eq!(range.docs_from(from / 2).collect::<Vec<_>>(), (from..to).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn sets_intersect_subtract_and_count_across_word_boundaries() {
        let a = of(200, &[0, 1, 63, 64, 65, 127, 128, 199]);
        assert_eq!(a.docs().collect::<Vec<_>>(), [0, 1, 63, 64, 65, 127, 128, 199]);
        assert_eq!(a.len(), 8);
        let mut both = of(200, &[1, 64, 130, 199]);
        both.keep_only(&a);
        assert_eq!(both.docs().collect::<Vec<_>>(), [1, 64, 199]);
        let mut rest = Bits::new(200, true);
        assert_eq!(rest.len(), 200, "no bits past the last article");
        rest.remove_all(&a);
        assert_eq!(rest.len(), 192);
        assert!(!rest.docs().any(|d| a.docs().any(|x| x == d)));
        rest.clear();
        assert_eq!(rest.docs().next(), None);
    }

    #[test]
    fn a_const_scorer_walks_and_seeks_its_articles() {
        let mut docs = ConstBits::new(of(300, &[3, 70, 71, 250]), 0.5);
        assert_eq!(docs.doc(), 3);
        assert_eq!(docs.score(), 0.5);
        assert_eq!(docs.advance(), 70);
        assert_eq!(docs.seek(70), 70);
        assert_eq!(docs.seek(72), 250);
        assert_eq!(docs.advance(), TERMINATED);
        assert_eq!(docs.advance(), TERMINATED);
        assert_eq!(docs.seek(299), TERMINATED);
        assert_eq!(ConstBits::new(Bits::new(10, false), 1.0).doc(), TERMINATED);
    }
}

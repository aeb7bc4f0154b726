//! What is worked out once for every segment the index reader loads, for all the queries
//! that read it: like Lucene's dense document sets or Meilisearch's bitmaps, part of
//! reading the index, not a cache of results.
//!
//! - The articles of each common term as one bit per article: counting a query's matches
//!   joins these sets instead of decoding postings that cover much of the segment (a
//!   term in one article of 32 is over 3,000 postings in 100,000 articles, and its set
//!   1,563 machine words).
//! - Each article's store identity and publication time in plain arrays, read without
//!   decoding a column, and the oldest and newest publication times of each block of
//!   [`BLOCK`] articles: the ranking passes over the blocks too old to hold a result
//!   (see `top`).
//!
//! It is a tantivy [`Warmer`]: segments are immutable, so this is worked out when a
//! reload brings them in, on a thread of its own so that the reload never waits, and
//! dropped once no searcher holds their segment. Until a segment is warmed, searches read
//! its postings and columns, as they would without it.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use rustc_hash::FxHashMap;
use tantivy::columnar::ColumnValues;
use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocId, Searcher, SearcherGeneration, SegmentReader, Warmer};

use super::bits::Bits;
use super::schema::{ID, PUBLISHED_AT};

/// A term is common in a segment when at least one article in this many has it.
const COMMON_ONE_IN: u32 = 32;

/// Segments with fewer articles are left to their postings, which are quick to read.
const MIN_SEGMENT_ARTICLES: u32 = 2048;

/// Articles in a block of publication times.
const BLOCK: u32 = 128;

/// What is worked out for one segment.
pub struct WarmedSegment {
    terms: SegmentTerms,
    dates: Dates,
    /// Each article's store identity.
    ids: Box<[i64]>,
}

impl WarmedSegment {
    fn build(reader: &SegmentReader, fields: &[Field]) -> tantivy::Result<Self> {
        let column = reader.fast_fields().i64(ID)?;
        let ids = (0..reader.max_doc()).map(|doc| column.first(doc).unwrap_or(0)).collect();
        Ok(Self { terms: SegmentTerms::build(reader, fields, COMMON_ONE_IN)?, dates: Dates::build(reader)?, ids })
    }

    /// The store identity of article `doc`.
    pub fn id(&self, doc: DocId) -> Option<i64> {
        self.ids.get(doc as usize).copied()
    }

    /// The segment's common terms.
    pub fn terms(&self) -> &SegmentTerms {
        &self.terms
    }

    /// The segment's publication times.
    pub fn dates(&self) -> &Dates {
        &self.dates
    }
}

/// The publication times of a segment's articles (Unix seconds), and the oldest and
/// newest of each block of [`BLOCK`].
pub struct Dates {
    published: Box<[i64]>,
    blocks: Box<[(i64, i64)]>,
}

impl Dates {
    fn build(reader: &SegmentReader) -> tantivy::Result<Self> {
        let column = reader.fast_fields().i64(PUBLISHED_AT)?.first_or_default_col(0);
        let published: Box<[i64]> = (0..reader.max_doc()).map(|doc| column.get_val(doc)).collect();
        let blocks = published
            .chunks(BLOCK as usize)
            .map(|block| block.iter().fold((i64::MAX, i64::MIN), |(old, new), &at| (old.min(at), new.max(at))))
            .collect();
        Ok(Self { published, blocks })
    }

    /// The newest publication time of the segment.
    pub fn newest(&self) -> i64 {
        self.blocks.iter().map(|&(_, newest)| newest).max().unwrap_or(i64::MIN)
    }

    /// When article `doc` was published.
    pub fn get(&self, doc: DocId) -> i64 {
        self.published.get(doc as usize).copied().unwrap_or(0)
    }

    /// The oldest and newest publication times of the block holding `doc`, and the
    /// first article after that block.
    pub fn block(&self, doc: DocId) -> ((i64, i64), DocId) {
        let index = (doc / BLOCK) as usize;
        let end = (doc / BLOCK + 1).saturating_mul(BLOCK).min(self.published.len() as DocId);
        (self.blocks.get(index).copied().unwrap_or((i64::MIN, i64::MAX)), end)
    }

    /// Sets in `bits` the articles published in `from..until`: a whole block at once
    /// where its oldest and newest dates both are.
    pub fn insert_within(&self, bits: &mut Bits, from: i64, until: i64) {
        for (index, &(oldest, newest)) in self.blocks.iter().enumerate() {
            let start = index as DocId * BLOCK;
            let end = (start + BLOCK).min(self.published.len() as DocId);
            if newest < from || oldest >= until {
                continue;
            }
            if oldest >= from && newest < until {
                bits.insert_range(start, end);
                continue;
            }
            for doc in start..end {
                if (from..until).contains(&self.get(doc)) {
                    bits.insert(doc);
                }
            }
        }
    }

    fn bytes(&self) -> usize {
        self.published.len() * size_of::<i64>() + self.blocks.len() * size_of::<(i64, i64)>()
    }
}

/// The common terms of one segment, each with its articles.
pub struct SegmentTerms(FxHashMap<Term, Bits>);

impl SegmentTerms {
    /// Works out the terms of `fields` that at least one article in `one_in` has.
    fn build(reader: &SegmentReader, fields: &[Field], one_in: u32) -> tantivy::Result<Self> {
        let least = (reader.max_doc() / one_in.max(1)).max(1);
        let mut terms = FxHashMap::default();
        for &field in fields {
            let inverted = reader.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let info = stream.value();
                if info.doc_freq < least {
                    continue;
                }
                let Ok(text) = std::str::from_utf8(stream.key()) else { continue };
                let mut postings = inverted.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
                let mut bits = Bits::new(reader.max_doc(), false);
                bits.insert_postings(&mut postings);
                terms.insert(Term::from_field_text(field, text), bits);
            }
        }
        Ok(Self(terms))
    }

    /// The articles that have `term`, if it is a common one.
    pub fn get(&self, term: &Term) -> Option<&Bits> {
        self.0.get(term)
    }

    /// How many terms, and the bytes their sets take.
    fn size(&self) -> (usize, usize) {
        (self.0.len(), self.0.values().map(Bits::bytes).sum())
    }
}

/// What is worked out for every segment loaded, as a warmer of the index reader.
pub struct Warmed(Arc<Shared>);

struct Shared {
    /// The fields whose common terms are worked out.
    fields: Vec<Field>,
    /// Each segment seen, with what was worked out once it is (`None` while it is not).
    segments: RwLock<FxHashMap<SegmentId, Option<Arc<WarmedSegment>>>>,
}

impl Warmed {
    /// Works out the common terms of `fields`, and the dates.
    pub fn new(fields: Vec<Field>) -> Self {
        Self(Arc::new(Shared { fields, segments: RwLock::default() }))
    }

    /// What was worked out for a segment, if it is ready.
    pub fn segment(&self, id: SegmentId) -> Option<Arc<WarmedSegment>> {
        self.0.segments.read().ok()?.get(&id)?.clone()
    }

    /// Waits until every segment of `searcher` large enough is ready; panics after ten
    /// seconds.
    #[cfg(test)]
    pub fn wait_for(&self, searcher: &Searcher) {
        let ready = || {
            searcher
                .segment_readers()
                .iter()
                .all(|r| r.max_doc() < MIN_SEGMENT_ARTICLES || self.segment(r.segment_id()).is_some())
        };
        let started = Instant::now();
        while !ready() {
            assert!(started.elapsed().as_secs() < 10, "the segments were not warmed within ten seconds");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

impl Shared {
    fn build(&self, readers: Vec<SegmentReader>) {
        for reader in readers {
            let id = reader.segment_id();
            let started = Instant::now();
            match WarmedSegment::build(&reader, &self.fields) {
                Ok(warmed) => {
                    let (count, bytes) = warmed.terms.size();
                    let bytes = bytes + warmed.dates.bytes() + warmed.ids.len() * size_of::<i64>();
                    tracing::debug!(
                        segment = %id.short_uuid_string(),
                        articles = reader.max_doc(),
                        terms = count,
                        kib = bytes / 1024,
                        ms = started.elapsed().as_millis() as u64,
                        "search: a segment's common terms and dates worked out"
                    );
                    if let Ok(mut segments) = self.segments.write()
                        && let Some(slot) = segments.get_mut(&id)
                    {
                        *slot = Some(Arc::new(warmed));
                    }
                }
                Err(e) => {
                    tracing::warn!(segment = %id.short_uuid_string(), error = %e, "search: cannot work out a segment's common terms and dates; searches read its postings and columns");
                }
            }
        }
    }
}

impl Warmer for Warmed {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let Ok(mut segments) = self.0.segments.write() else { return Ok(()) };
        let new: Vec<SegmentReader> = searcher
            .segment_readers()
            .iter()
            .filter(|reader| reader.max_doc() >= MIN_SEGMENT_ARTICLES && !segments.contains_key(&reader.segment_id()))
            .cloned()
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let ids: Vec<SegmentId> = new.iter().map(SegmentReader::segment_id).collect();
        segments.extend(ids.iter().map(|&id| (id, None)));
        drop(segments);
        let shared = Arc::clone(&self.0);
        let spawned =
            std::thread::Builder::new().name("search-common-terms".to_owned()).spawn(move || shared.build(new));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "search: cannot start the thread that warms segments; searches read their postings and columns");
            if let Ok(mut segments) = self.0.segments.write() {
                segments.retain(|id, _| !ids.contains(id));
            }
        }
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        if let Ok(mut segments) = self.0.segments.write() {
            segments.retain(|id, _| live_generations.iter().any(|generation| generation.segments().contains_key(id)));
        }
    }
}

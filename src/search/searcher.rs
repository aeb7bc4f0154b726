//! Turning a parsed query into a tantivy query, running it, and suggesting a spelling
//! when nothing matched.
//!
//! Every required word must match in one of its forms: its exact form in any field
//! (headline counted [`Ranking::title_boost`] times), its Latin key (counted
//! [`Ranking::key_weight`]), or, for words of five letters or more, its Latin key within
//! the typo allowance (a small constant [`Ranking::fuzzy_score`]). A document that
//! matches exactly also matches the folded form, so it outscores one that matches only
//! through that. Several words in a row (a phrase, a hyphenated word) match on their
//! Latin keys only, looked for first by their pairs (see `pairs`).
//!
//! A search is two passes over the index when that is cheaper: a count that scores
//! nothing, then a ranking that scores only what may still reach the page asked for
//! (MaxScore, see `maxscore`). That is so when every word's forms are single terms,
//! whatever the filters and exclusions; a phrase is ranked while counted, every match
//! scored. Sorted by date, such a search takes the newest of the matches the count
//! found, reading their dates newest block first ([`FreshTop::newest`]).

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use jiff::Timestamp;
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::tokenizer::{Language as StemLanguage, TextAnalyzer, Token};
use tantivy::{DocAddress, Order, Score, Searcher};

use super::analysis::{edit_distance, exact_analyzer, key_analyzer, tokens, typo_allowance};
use super::highlight::HighlightTerms;
use super::maxscore::{MAX_WORDS, PublishedWithin, Word, Words};
use super::pairs::phrase_pairs;
use super::query::{Clause, FilterKind, ParsedQuery};
use super::schema::{ID, PUBLISHED_AT};
use super::top::FreshTop;
use super::warmed::{Warmed, WarmedSegment};
use super::{SearchError, SearchIndex};

/// Most index words one query word may match through typo tolerance.
const MAX_TYPO_NEIGHBOURS: usize = 200;

/// Typos a spelling suggestion may correct in one word.
const SUGGESTION_DISTANCE: usize = 2;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Relevance blended with freshness.
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// One search.
#[derive(Debug, Clone)]
pub struct SearchRequest<'a> {
    /// What to look for.
    pub query: &'a ParsedQuery,
    /// Only articles published at or after this instant.
    pub from: Option<Timestamp>,
    /// Only articles published before this instant.
    pub until: Option<Timestamp>,
    /// The current instant: later articles are not public yet.
    pub now: Timestamp,
    /// The order of results.
    pub sort: SortOrder,
    /// Results to skip.
    pub offset: usize,
    /// Results to return, at least one.
    pub limit: usize,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct SearchHits {
    /// Store identities of the articles on this page, in order.
    pub ids: Vec<i64>,
    /// Matching articles in all.
    pub total: u64,
    /// What to mark in the results.
    pub highlight: HighlightTerms,
}

impl SearchIndex {
    /// Runs a search.
    pub fn search(&self, request: &SearchRequest<'_>) -> Result<SearchHits, SearchError> {
        let searcher = self.reader.searcher();
        let mut plan = Plan::new(self, searcher.clone());
        let built = plan.query(request)?;
        let top = FreshTop {
            keep: request.offset.saturating_add(request.limit.max(1)),
            ranking: self.ranking,
            now: request.now.as_second(),
            from: built.from,
            until: built.until,
            warmed: Arc::clone(&self.warmed),
        };
        let words = match &built.words {
            Some(words) => Some(words.weight(&searcher)?),
            None => None,
        };
        // Words ranked by MaxScore or by date are counted apart; a page past the first is
        // counted first too, so that a page past the end (up to page 100,000) collects
        // nothing.
        let mut found = match &words {
            Some(words) => Some(words.count(&searcher, &self.warmed)?),
            None => None,
        };
        let counted = match &found {
            Some(found) => Some(found.total),
            None if request.offset > 0 => Some(searcher.search(&*built.counted, &Count)?),
            None => None,
        };
        if counted.is_some_and(|total| total <= request.offset) {
            return Ok(SearchHits { ids: Vec::new(), total: counted.unwrap_or(0) as u64, highlight: plan.highlight });
        }
        let (total, addresses): (usize, Vec<DocAddress>) = match (request.sort, counted) {
            (SortOrder::Relevance, Some(total)) => match (&words, found.take()) {
                (Some(words), Some(found)) => (total, addresses(top.rank(&searcher, words, found)?)),
                _ => (total, addresses(searcher.search(&*built.counted, &top)?)),
            },
            (SortOrder::Relevance, None) => {
                let (total, docs) = searcher.search(&*built.counted, &(Count, top))?;
                (total, addresses(docs))
            }
            (SortOrder::Date, counted) => match found.take() {
                Some(found) => (found.total, addresses(top.newest(&searcher, found)?)),
                None => {
                    let collector = TopDocs::with_limit(top.keep).order_by_fast_field::<i64>(PUBLISHED_AT, Order::Desc);
                    let (total, docs) = searcher.search(&*built.counted, &(Count, collector))?;
                    (counted.unwrap_or(total), addresses(docs))
                }
            },
        };
        let addresses: Vec<DocAddress> = addresses.into_iter().skip(request.offset).collect();
        let ids = article_ids(&searcher, &self.warmed, &addresses)?;
        Ok(SearchHits { ids, total: total as u64, highlight: plan.highlight })
    }

    /// Counts the articles a query finds.
    fn count(&self, request: &SearchRequest<'_>) -> Result<usize, SearchError> {
        let searcher = self.reader.searcher();
        let built = Plan::new(self, searcher.clone()).query(request)?;
        Ok(searcher.search(&*built.counted, &Count)?)
    }

    /// A query like `request`'s with each misspelt word replaced by the nearest word
    /// of the index, if that query finds something. `text` is the query as typed.
    pub fn suggest(&self, request: &SearchRequest<'_>, text: &str) -> Result<Option<String>, SearchError> {
        let searcher = self.reader.searcher();
        let mut exact = exact_analyzer(None);
        let mut suggestion = text.to_owned();
        let mut changed = false;
        for clause in &request.query.required {
            let Clause::Word(word) = clause else { continue };
            let forms = tokens(&mut exact, word);
            let [token] = forms.as_slice() else { continue };
            let Some(better) = self.nearest_word(&searcher, &token.text)? else { continue };
            if let Some(at) = suggestion.find(word.as_str()) {
                suggestion.replace_range(at..at + word.len(), &better);
                changed = true;
            }
        }
        if !changed {
            return Ok(None);
        }
        let query = ParsedQuery::parse(&suggestion);
        let found = self.count(&SearchRequest { query: &query, ..request.clone() })?;
        Ok((found > 0).then_some(suggestion))
    }

    /// The indexed word nearest to `word` (same first letter, at most two typos, the
    /// most frequent among the nearest), or `None` when `word` itself is indexed or
    /// nothing is near.
    fn nearest_word(&self, searcher: &Searcher, word: &str) -> Result<Option<String>, SearchError> {
        let Some(first) = word.chars().next() else { return Ok(None) };
        let Some(after) = char::from_u32(u32::from(first) + 1) else { return Ok(None) };
        let length = word.chars().count();
        let mut candidates: HashMap<String, (usize, u64)> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.words)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(first.to_string().as_bytes())
                .lt(after.to_string().as_bytes())
                .into_stream()
                .map_err(|e| SearchError::Engine(e.into()))?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
                if term.chars().count().abs_diff(length) > SUGGESTION_DISTANCE {
                    continue;
                }
                let Some(distance) = edit_distance(word, term, SUGGESTION_DISTANCE) else { continue };
                if distance == 0 {
                    return Ok(None);
                }
                let entry = candidates.entry(term.to_owned()).or_insert((distance, 0));
                entry.1 += u64::from(stream.value().doc_freq);
            }
        }
        Ok(candidates
            .into_iter()
            .min_by(|(a_term, (a_distance, a_freq)), (b_term, (b_distance, b_freq))| {
                a_distance.cmp(b_distance).then(b_freq.cmp(a_freq)).then(a_term.cmp(b_term))
            })
            .map(|(term, _)| term))
    }
}

/// The addresses of ranked results, in order.
fn addresses<K>(ranked: Vec<(K, DocAddress)>) -> Vec<DocAddress> {
    ranked.into_iter().map(|(_, address)| address).collect()
}

fn article_ids(searcher: &Searcher, warmed: &Warmed, addresses: &[DocAddress]) -> Result<Vec<i64>, SearchError> {
    // Each segment's ids, looked up once: from its warmed array, or its column.
    enum Ids {
        Warmed(Arc<WarmedSegment>),
        Column(Column<i64>),
    }
    let mut segments = HashMap::new();
    let mut ids = Vec::with_capacity(addresses.len());
    for address in addresses {
        let of_segment = match segments.entry(address.segment_ord) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let reader = searcher.segment_reader(address.segment_ord);
                entry.insert(match warmed.segment(reader.segment_id()) {
                    Some(warmed) => Ids::Warmed(warmed),
                    None => Ids::Column(reader.fast_fields().i64(ID)?),
                })
            }
        };
        ids.extend(match of_segment {
            Ids::Warmed(warmed) => warmed.id(address.doc_id),
            Ids::Column(column) => column.first(address.doc_id),
        });
    }
    Ok(ids)
}

/// The analyzers and terms of one query being built.
struct Plan<'a> {
    index: &'a SearchIndex,
    searcher: Searcher,
    exact: Vec<TextAnalyzer>,
    key: TextAnalyzer,
    highlight: HighlightTerms,
}

impl<'a> Plan<'a> {
    fn new(index: &'a SearchIndex, searcher: Searcher) -> Self {
        // A query word is tried unstemmed and with each stemmer an article may have been
        // indexed with; stemming is a no-op on the other script, so the forms stay few.
        let exact = [None, Some(StemLanguage::English), Some(StemLanguage::Russian)].into_iter().map(exact_analyzer);
        Self { index, searcher, exact: exact.collect(), key: key_analyzer(), highlight: HighlightTerms::default() }
    }

    fn query(&mut self, request: &SearchRequest<'_>) -> Result<Built, SearchError> {
        let fuzzy_score = self.index.ranking.fuzzy_score;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut words = Vec::new();
        for clause in &request.query.required {
            if let Some(alternatives) = self.clause(clause, true)? {
                clauses.push((Occur::Must, alternatives.query(fuzzy_score)));
                words.push(alternatives);
            }
        }
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let mut excluded = Vec::new();
        for clause in &request.query.excluded {
            if let Some(alternatives) = self.clause(clause, false)? {
                excluded.push(alternatives.query(fuzzy_score));
            }
        }
        let filters = self.filters(request.query);
        clauses.extend(excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
        clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
        let fields = self.index.fields;
        let from = request.from.map(|t| t.as_second());
        let public_until = request.now.as_second().saturating_add(1);
        let until = request.until.map_or(public_until, |t| t.as_second().min(public_until));
        let at = |time: i64| Term::from_field_i64(fields.published_at, time);
        // Articles outside the dates asked for, or not public yet, are left out of the
        // ranking by the collector; the count needs a range only if there are any. Without
        // dates asked for, those are the few scheduled articles: left out, rather than
        // all the others kept, so that counting reads only them.
        let range = if request.from.is_some() || request.until.is_some() {
            let from = from.map_or(Bound::Unbounded, |time| Bound::Included(at(time)));
            let range = RangeQuery::new(from, Bound::Excluded(at(until)));
            Some((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(range), 0.0)) as Box<dyn Query>))
        } else if self.any_published_from(until)? {
            let scheduled = RangeQuery::new(Bound::Included(at(until)), Bound::Unbounded);
            Some((Occur::MustNot, Box::new(scheduled) as Box<dyn Query>))
        } else {
            None
        };
        clauses.extend(range.iter().map(|(o, q)| (*o, q.box_clone())));
        let counted = combine(&clauses);
        // Ranked by MaxScore when every word is single terms.
        let words: Option<Vec<Word>> = match words.len() {
            1..=MAX_WORDS => words.into_iter().map(|w| w.into_word(fuzzy_score)).collect(),
            _ => None,
        };
        let words = words.map(|words| {
            // Dates asked for are counted apart; scheduled articles are an exclusion.
            let (dates, scheduled) = match range {
                Some((Occur::Must, query)) => {
                    (Some(PublishedWithin { from: from.unwrap_or(i64::MIN), until, query }), None)
                }
                other => (None, other),
            };
            let (required, negated): (Vec<_>, Vec<_>) =
                filters.into_iter().chain(scheduled).partition(|(o, _)| *o == Occur::Must);
            excluded.extend(negated.into_iter().map(|(_, q)| q));
            Words { words, required: required.into_iter().map(|(_, q)| q).collect(), excluded, dates }
        });
        Ok(Built { counted, words, from: from.unwrap_or(i64::MIN), until })
    }

    /// Whether any article in the index is published at `at` or later.
    fn any_published_from(&self, at: i64) -> Result<bool, SearchError> {
        for segment in self.searcher.segment_readers() {
            let newest = match self.index.warmed.segment(segment.segment_id()) {
                Some(warmed) => warmed.dates().newest(),
                None => segment.fast_fields().i64(PUBLISHED_AT)?.max_value(),
            };
            if segment.num_docs() > 0 && newest >= at {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The alternatives that let one word or phrase match. `required` clauses are marked
    /// in results and tolerate typos; exclusions do neither.
    fn clause(&mut self, clause: &Clause, required: bool) -> Result<Option<Alternatives>, SearchError> {
        let ranking = self.index.ranking;
        let fields = self.index.fields;
        let (keys, compounds) = split_compounds(tokens(&mut self.key, clause.text()));
        if keys.is_empty() {
            return Ok(None);
        }
        let mut variants: Vec<Vec<String>> = Vec::new();
        for analyzer in &mut self.exact {
            let forms: Vec<String> = tokens(analyzer, clause.text()).into_iter().map(|t| t.text).collect();
            if !forms.is_empty() && !variants.contains(&forms) {
                variants.push(forms);
            }
        }
        let mut forms = Forms { queries: Vec::new(), terms: Some(Vec::new()) };
        if let [key] = keys.as_slice() {
            for words in &variants {
                forms.add(fields.title, words, ranking.title_boost);
                forms.add(fields.text, words, 1.0);
                forms.add(fields.meta, words, ranking.meta_boost);
            }
            let key = std::slice::from_ref(key);
            forms.add(fields.title_key, key, ranking.title_boost * ranking.key_weight);
            forms.add(fields.text_key, key, ranking.key_weight);
        } else {
            // Several words in a row are matched once, on their Latin keys, which every
            // part of an article has: reading the positions of common words is what a
            // phrase costs, and each field and form tried would read them again.
            let pairs = phrase_pairs(&keys);
            forms.add_phrase(narrowed(matching(fields.title_key, &keys, ranking.title_boost), fields.pairs, &pairs));
            forms.add_phrase(narrowed(matching(fields.text_key, &keys, 1.0), fields.pairs, &pairs));
        }
        let tolerant = required && matches!(clause, Clause::Word(_));
        let mut typos = None;
        if required {
            for forms in &variants {
                self.highlight.add_exact(forms);
            }
            self.highlight.add_keys(&keys);
        }
        if tolerant {
            // The allowance follows the shorter of the word as typed and its key, so that a
            // key shortened by folding (`wheet` → `whet`) is not matched loosely.
            let single =
                (keys.len() == 1).then(|| (keys[0].clone(), letters(clause.text()).min(keys[0].chars().count())));
            let joined = compounds.into_iter().map(|c| {
                let length = c.chars().count();
                (c, length)
            });
            let mut near = BTreeSet::new();
            for (key, length) in single.into_iter().chain(joined) {
                if !keys.contains(&key) {
                    forms.add(fields.text_key, std::slice::from_ref(&key), ranking.key_weight);
                    self.highlight.add_keys(std::slice::from_ref(&key));
                }
                let distance = typo_allowance(length);
                if distance > 0 {
                    near.extend(self.typo_neighbours(&key, distance)?);
                }
            }
            if !near.is_empty() {
                let near: Vec<String> = near.into_iter().collect();
                self.highlight.add_keys(&near);
                typos = Some(near.iter().map(|k| Term::from_field_text(fields.text_key, k)).collect());
            }
        }
        Ok(Some(Alternatives { forms: forms.queries, terms: forms.terms, typos }))
    }

    /// The keys of the index within `distance` typos of `key`, but not `key` itself
    /// (which the clause matches already), at most [`MAX_TYPO_NEIGHBOURS`] of them.
    /// Expanding them here rather than running a fuzzy query costs one walk of the term
    /// dictionary per segment, and nothing at all for a word spelt as the index spells it.
    fn typo_neighbours(&self, key: &str, distance: u8) -> Result<Vec<String>, SearchError> {
        let field = self.index.fields.text_key;
        let automaton = FuzzyTermQuery::new(Term::from_field_text(field, key), distance, true).automaton()?;
        let mut near = BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream =
                inverted.terms().search(&automaton).into_stream().map_err(|e| SearchError::Engine(e.into()))?;
            while stream.advance() && near.len() < MAX_TYPO_NEIGHBOURS {
                if let Ok(term) = std::str::from_utf8(stream.key())
                    && term != key
                {
                    near.insert(term.to_owned());
                }
            }
        }
        Ok(near.into_iter().collect())
    }

    fn filters(&mut self, query: &ParsedQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let fields = self.index.fields;
        let mut wanted: HashMap<FilterKind, Vec<Box<dyn Query>>> = HashMap::new();
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for filter in &query.filters {
            let value: Box<dyn Query> = match filter.kind {
                FilterKind::Language => Box::new(TermQuery::new(
                    Term::from_field_text(fields.language, &filter.value),
                    IndexRecordOption::Basic,
                )),
                kind => {
                    let field = match kind {
                        FilterKind::Country => fields.country,
                        FilterKind::Tag => fields.tags,
                        _ => fields.authors,
                    };
                    let keys = tokens(&mut self.key, &filter.value);
                    let (keys, _) = split_compounds(keys);
                    let all: Vec<(Occur, Box<dyn Query>)> = keys
                        .iter()
                        .map(|k| {
                            let term = TermQuery::new(Term::from_field_text(field, k), IndexRecordOption::Basic);
                            (Occur::Must, Box::new(term) as Box<dyn Query>)
                        })
                        .collect();
                    Box::new(BooleanQuery::new(all))
                }
            };
            if filter.negated {
                out.push((Occur::MustNot, value));
            } else {
                wanted.entry(filter.kind).or_default().push(value);
            }
        }
        for (_, values) in wanted {
            // Several values of one filter are alternatives: `country:kazakhstan country:kyrgyzstan`.
            let any = BooleanQuery::new(values.into_iter().map(|q| (Occur::Should, q)).collect());
            out.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(any), 0.0))));
        }
        out
    }
}

/// The ways one word or phrase of the query may match.
struct Alternatives {
    /// Its forms in each field, each scored.
    forms: Vec<(Occur, Box<dyn Query>)>,
    /// The same forms as terms with their boosts, when every form is one term.
    terms: Option<Vec<(Term, Score)>>,
    /// The index's words within its typo allowance, if any: a match through them
    /// counts [`Ranking::fuzzy_score`](super::Ranking::fuzzy_score).
    typos: Option<Vec<Term>>,
}

impl Alternatives {
    /// Any of the forms or typos.
    fn query(&self, fuzzy_score: f32) -> Box<dyn Query> {
        let mut any: Vec<(Occur, Box<dyn Query>)> =
            self.forms.iter().map(|(occur, query)| (*occur, query.box_clone())).collect();
        if let Some(typos) = &self.typos {
            let typos = Box::new(TermSetQuery::new(typos.iter().cloned()));
            any.push((Occur::Should, Box::new(ConstScoreQuery::new(typos, fuzzy_score))));
        }
        Box::new(BooleanQuery::new(any))
    }

    /// The same alternatives as a word of a [`Words`] query, if every form is one term.
    fn into_word(self, fuzzy_score: f32) -> Option<Word> {
        Some(Word { terms: self.terms?, typos: self.typos.map(|typos| (typos, fuzzy_score)) })
    }
}

/// The forms of a word or phrase as they are gathered.
struct Forms {
    queries: Vec<(Occur, Box<dyn Query>)>,
    /// The terms of the forms while each is one term.
    terms: Option<Vec<(Term, Score)>>,
}

impl Forms {
    /// `words` in `field`, weighted by `boost`: a term, or a phrase.
    fn add(&mut self, field: Field, words: &[String], boost: f32) {
        self.queries.push(matching(field, words, boost));
        match (words, &mut self.terms) {
            ([word], Some(terms)) => terms.push((Term::from_field_text(field, word), boost)),
            _ => self.terms = None,
        }
    }

    /// A phrase looked for some other way.
    fn add_phrase(&mut self, phrase: (Occur, Box<dyn Query>)) {
        self.queries.push(phrase);
        self.terms = None;
    }
}

/// The queries of one search.
struct Built {
    /// Matches exactly the results; scores nothing.
    counted: Box<dyn Query>,
    /// The same query, when every word is single terms, to be ranked by MaxScore; it
    /// leaves the dates to the collector (`from`, `until`).
    words: Option<Words>,
    /// Start of the publication times shown, Unix seconds.
    from: i64,
    /// End (excluded) of the publication times shown, Unix seconds.
    until: i64,
}

/// The clauses as one query: a lone required clause stands for itself, so that tantivy
/// sees the union of terms inside it.
fn combine(clauses: &[(Occur, Box<dyn Query>)]) -> Box<dyn Query> {
    match clauses {
        [(Occur::Must, only)] => only.box_clone(),
        _ => Box::new(BooleanQuery::new(clauses.iter().map(|(occur, query)| (*occur, query.box_clone())).collect())),
    }
}

/// A term (one word) or a phrase (several) in `field`, weighted by `boost`.
fn matching(field: Field, words: &[String], boost: f32) -> (Occur, Box<dyn Query>) {
    let query: Box<dyn Query> = match words {
        [word] => Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs)),
        _ => Box::new(PhraseQuery::new(words.iter().map(|w| Term::from_field_text(field, w)).collect())),
    };
    (Occur::Should, Box::new(BoostQuery::new(query, boost)))
}

/// `phrase` looked for only in the articles that have all of `pairs` in `field` (see
/// `pairs`): the leapfrog of tantivy's intersection starts from the rarest of them, so
/// positions are read only where the phrase may be. Each phrase is narrowed on its own,
/// not their union, which would read every match of each phrase to fill its buffer.
fn narrowed(phrase: (Occur, Box<dyn Query>), field: Field, pairs: &[String]) -> (Occur, Box<dyn Query>) {
    let (occur, phrase) = phrase;
    let mut all: Vec<(Occur, Box<dyn Query>)> = pairs
        .iter()
        .map(|pair| {
            let term = TermQuery::new(Term::from_field_text(field, pair), IndexRecordOption::Basic);
            (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(term), 0.0)) as Box<dyn Query>)
        })
        .collect();
    all.push((Occur::Must, phrase));
    (occur, Box::new(BooleanQuery::new(all)))
}

/// Separates the words of a key analysis from the joined forms of hyphenated words,
/// which the analyzer gives at the same position as their first part.
fn split_compounds(tokens: Vec<Token>) -> (Vec<String>, Vec<String>) {
    let mut words = Vec::with_capacity(tokens.len());
    let mut compounds = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        if tokens.peek().is_some_and(|next| next.position == token.position) {
            compounds.push(token.text);
        } else {
            words.push(token.text);
        }
    }
    (words, compounds)
}

/// Letters and digits in a word as typed.
fn letters(word: &str) -> usize {
    word.chars().filter(|c| c.is_alphanumeric()).count()
}

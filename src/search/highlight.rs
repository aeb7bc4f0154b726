//! Marking the words of a result that matched the query, with the same analysis the
//! index used: a word is marked when its exact form or its Latin key is one the query
//! searched for (typo tolerance adds the index words it found near a query word), so
//! `Алматы` is marked for `Almaty`.

use std::cell::RefCell;

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use tantivy::tokenizer::{Language as StemLanguage, TextAnalyzer};

use super::analysis::{WordMap, WordSpans, exact_analyzer, exact_fold, latin_key, stemmer_for, tokens};
use crate::domain::article::Language;
use crate::render::escape_into;

/// The terms a query searched for, to mark them in results.
#[derive(Debug, Clone, Default)]
pub struct HighlightTerms {
    exact: FxHashSet<String>,
    /// The first two letters of each exact form: a stem starts like its word, so a word
    /// starting otherwise need not be stemmed to know it does not match.
    heads: FxHashSet<String>,
    keys: FxHashSet<String>,
}

impl HighlightTerms {
    /// Adds exact forms.
    pub fn add_exact(&mut self, terms: &[String]) {
        self.exact.extend(terms.iter().cloned());
        self.heads.extend(terms.iter().map(|t| head(t).to_owned()));
    }

    /// Adds Latin keys.
    pub fn add_keys(&mut self, keys: &[String]) {
        self.keys.extend(keys.iter().cloned());
    }

    /// Whether there is nothing to mark.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.keys.is_empty()
    }

    /// A highlighter for the results of one page, which remembers what it decided about
    /// each word so that the words every excerpt repeats are analysed once.
    pub fn highlighter(&self) -> Highlighter<'_> {
        Highlighter { terms: self, seen: FxHashMap::default() }
    }

    /// `text` as HTML, escaped, with matched words inside `<mark>`.
    pub fn mark(&self, text: &str, language: &Language) -> String {
        self.highlighter().mark(text, language)
    }
}

/// Marks matched words, remembering its decisions (see [`HighlightTerms::highlighter`]).
pub struct Highlighter<'a> {
    terms: &'a HighlightTerms,
    seen: FxHashMap<Option<StemLanguage>, Seen>,
}

/// What a highlighter decided about the words of texts stemmed one way.
struct Seen {
    /// Words of up to eight bytes, most words, by their bytes as one number: hashed
    /// and compared without reading them again.
    short: FxHashMap<u64, bool>,
    /// Longer words.
    long: WordMap<bool>,
}

impl Seen {
    /// Room for the distinct words of a page of results, about, so that the tables seldom grow.
    fn new() -> Self {
        Seen { short: FxHashMap::with_capacity_and_hasher(1024, FxBuildHasher), long: WordMap::default() }
    }

    /// Whether `word` matches, worked out by `decide` the first time it is asked.
    fn decide(&mut self, word: &str, decide: impl FnOnce() -> bool) -> bool {
        match short_key(word) {
            Some(key) => *self.short.entry(key).or_insert_with(decide),
            None => match self.long.get(word) {
                Some(&hit) => hit,
                None => {
                    let hit = decide();
                    self.long.insert(word.to_owned(), hit);
                    hit
                }
            },
        }
    }
}

/// A word of up to eight bytes as one number, its bytes in order and zeros after them:
/// no word has a zero byte, so no two words share a number.
fn short_key(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    (bytes.len() <= 8).then(|| bytes.iter().rev().fold(0, |key, &byte| (key << 8) | u64::from(byte)))
}

impl Highlighter<'_> {
    /// `text` as HTML, escaped, with matched words inside `<mark>`.
    pub fn mark(&mut self, text: &str, language: &Language) -> String {
        let mut html = String::with_capacity(text.len() + text.len() / 16);
        // The end of the text written so far.
        let mut done = 0;
        if !self.terms.is_empty() {
            let stem = stemmer_for(language);
            let mut seen = self.seen.remove(&stem).unwrap_or_else(Seen::new);
            for span in WordSpans::new(text, true) {
                // A part of a hyphenated word marked whole is marked already.
                if span.to <= done {
                    continue;
                }
                let word = span.text(text);
                if seen.decide(word, || self.matches(word, stem)) {
                    let from = span.from.max(done);
                    escape_into(&text[done..from], &mut html);
                    html.push_str("<mark>");
                    escape_into(&text[from..span.to], &mut html);
                    html.push_str("</mark>");
                    done = span.to;
                }
            }
            self.seen.insert(stem, seen);
        }
        escape_into(&text[done..], &mut html);
        html
    }

    /// Whether one word (as written in a text stemmed with `stem`) matches the query.
    fn matches(&self, word: &str, stem: Option<StemLanguage>) -> bool {
        let terms = self.terms;
        analysed(word, |analysis| {
            if !terms.exact.is_empty()
                && terms.heads.contains(head(&analysis.folded))
                && analysis.exact(word, stem).iter().any(|form| terms.exact.contains(form))
            {
                return true;
            }
            !analysis.key.is_empty() && terms.keys.contains(&*analysis.key)
        })
    }
}

/// Words whose analysis a thread keeps before it starts afresh.
const MAX_ANALYSED: usize = 50_000;

/// What a word is to the index, whatever the query.
struct Analysis {
    /// Its exact fold.
    folded: Box<str>,
    /// Its Latin key.
    key: Box<str>,
    /// Its exact forms in texts stemmed each way asked for so far.
    stemmed: Vec<(Option<StemLanguage>, Box<[String]>)>,
}

impl Analysis {
    /// `word`'s exact forms in a text stemmed with `stem`, worked out the first time.
    fn exact(&mut self, word: &str, stem: Option<StemLanguage>) -> &[String] {
        let at = match self.stemmed.iter().position(|(language, _)| *language == stem) {
            Some(at) => at,
            None => {
                let forms = EXACT.with(|cell| {
                    let mut analyzers = cell.borrow_mut();
                    let analyzer = analyzers.entry(stem).or_insert_with(|| exact_analyzer(stem));
                    tokens(analyzer, word).into_iter().map(|token| token.text).collect()
                });
                self.stemmed.push((stem, forms));
                self.stemmed.len() - 1
            }
        };
        &self.stemmed[at].1
    }
}

thread_local! {
    /// Each word's analysis, as this thread worked it out: it depends on the word alone,
    /// and result pages repeat most of their words. Per thread, so that no request waits
    /// for another.
    static ANALYSED: RefCell<WordMap<Analysis>> = RefCell::new(WordMap::default());
    /// This thread's exact analyzers, by stemmer.
    static EXACT: RefCell<FxHashMap<Option<StemLanguage>, TextAnalyzer>> = RefCell::new(FxHashMap::default());
}

/// Calls `with` with `word`'s analysis.
fn analysed<R>(word: &str, with: impl FnOnce(&mut Analysis) -> R) -> R {
    ANALYSED.with(|cell| {
        let mut known = cell.borrow_mut();
        if let Some(analysis) = known.get_mut(word) {
            return with(analysis);
        }
        let (mut folded, mut key) = (String::new(), String::new());
        exact_fold(word, &mut folded);
        latin_key(word, &mut key);
        let mut analysis = Analysis { folded: folded.into(), key: key.into(), stemmed: Vec::new() };
        let answer = with(&mut analysis);
        if known.len() >= MAX_ANALYSED {
            known.clear();
        }
        known.insert(word.to_owned(), analysis);
        answer
    })
}

/// The first two characters of a word.
fn head(word: &str) -> &str {
    word.char_indices().nth(2).map_or(word, |(end, _)| &word[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_folded_and_near_words_are_marked_and_the_rest_escaped() {
        let mut terms = HighlightTerms::default();
        terms.add_exact(&["elect".to_owned()]);
        terms.add_keys(&["almati".to_owned(), "tokaevs".to_owned(), "tokaeva".to_owned()]);
        let html = terms.mark("Elections in Алматы <b>&</b> Tokayevs, Tokaeva", &Language::english());
        assert_eq!(
            html,
            "<mark>Elections</mark> in <mark>Алматы</mark> &lt;b&gt;&amp;&lt;/b&gt; <mark>Tokayevs</mark>, \
             <mark>Tokaeva</mark>"
        );
        // The same words again, for another query: what a word is stays known to the
        // thread, what matches follows the query.
        let mut other = HighlightTerms::default();
        other.add_keys(&["tokaeva".to_owned()]);
        assert_eq!(
            other.mark("Elections in Алматы, Tokaeva", &Language::english()),
            "Elections in Алматы, <mark>Tokaeva</mark>"
        );
    }

    #[test]
    fn nothing_to_mark_still_escapes() {
        assert_eq!(HighlightTerms::default().mark("a < b", &Language::english()), "a &lt; b");
        assert_eq!(
            HighlightTerms::default().mark("«Алматы» & 'Bishkek' \"x>y\"", &Language::english()),
            "«Алматы» &amp; &#39;Bishkek&#39; &quot;x&gt;y&quot;"
        );
    }
}

//! Marking the words of a result that matched the query, with the same analysis the
//! index used: a word is marked when its exact form or its Latin key is one the query
//! searched for (typo tolerance adds the index words it found near a query word), so
//! `Алматы` is marked for `Almaty`.
//!
//! A text is read once ([`MarkableText`]): where its words are, and what each of its
//! distinct words is to the index, whatever the query. Marking it for a query then
//! looks up each distinct word's forms among the query's and copies the text between
//! marks. A search result's excerpt is read so once per content generation.

use std::cell::RefCell;

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use tantivy::tokenizer::{Language as StemLanguage, TextAnalyzer};

use super::analysis::{WordMap, WordSpans, exact_analyzer, latin_key, stemmer_for, tokens};
use crate::domain::article::Language;
use crate::render::escape_into;

/// The terms a query searched for, to mark them in results.
#[derive(Debug, Clone, Default)]
pub struct HighlightTerms {
    exact: TermSet,
    keys: TermSet,
}

impl HighlightTerms {
    /// Adds exact forms.
    pub fn add_exact(&mut self, terms: &[String]) {
        self.exact.extend(terms);
    }

    /// Adds Latin keys.
    pub fn add_keys(&mut self, keys: &[String]) {
        self.keys.extend(keys);
    }

    /// Whether there is nothing to mark.
    pub fn is_empty(&self) -> bool {
        self.exact.strings.is_empty() && self.keys.strings.is_empty()
    }

    /// `text`, written in `language`, as HTML, escaped, with matched words inside `<mark>`.
    pub fn mark(&self, text: &str, language: &Language) -> String {
        if self.is_empty() {
            let mut html = String::with_capacity(text.len() + text.len() / 16);
            escape_into(text, &mut html);
            return html;
        }
        self.mark_read(&MarkableText::new(text, language))
    }

    /// A text read for marking as HTML, escaped, with matched words inside `<mark>`.
    pub fn mark_read(&self, text: &MarkableText) -> String {
        let plain = &*text.text;
        let mut html = String::with_capacity(plain.len() + plain.len() / 16);
        // The end of the text written so far.
        let mut done = 0;
        let hits: Vec<bool> =
            if self.is_empty() { Vec::new() } else { text.words.iter().map(|word| self.matches(text, word)).collect() };
        if hits.contains(&true) {
            for span in &text.spans {
                let (from, to) = (span.from as usize, span.to as usize);
                // A part of a hyphenated word marked whole is marked already.
                if to <= done || !hits[span.word as usize] {
                    continue;
                }
                let from = from.max(done);
                escape_into(&plain[done..from], &mut html);
                html.push_str("<mark>");
                escape_into(&plain[from..to], &mut html);
                html.push_str("</mark>");
                done = to;
            }
        }
        escape_into(&plain[done..], &mut html);
        html
    }

    /// Whether one distinct word of `text` matches.
    fn matches(&self, text: &MarkableText, word: &Word) -> bool {
        self.keys.contains(&text.strings, word.key)
            || (word.key + 1..word.forms_end).any(|form| self.exact.contains(&text.strings, form))
    }
}

/// Strings, and a filter of 256 bits with each one's [`filter_bit`] set: a string whose
/// bit is not set is not among them, told without hashing it again.
#[derive(Debug, Clone, Default)]
struct TermSet {
    strings: FxHashSet<String>,
    filter: [u64; 4],
}

impl TermSet {
    /// Adds `terms`, but not the empty string.
    fn extend(&mut self, terms: &[String]) {
        for term in terms.iter().filter(|term| !term.is_empty()) {
            let bit = filter_bit(term);
            self.filter[usize::from(bit >> 6)] |= 1 << (bit & 63);
            self.strings.insert(term.clone());
        }
    }

    /// Whether string `at` of `strings` is among these.
    fn contains(&self, strings: &Strings, at: usize) -> bool {
        let bit = strings.bits[at];
        self.filter[usize::from(bit >> 6)] & (1 << (bit & 63)) != 0 && self.strings.contains(strings.get(at))
    }
}

/// One byte of a string's hash: its bit in a [`TermSet`]'s filter.
fn filter_bit(string: &str) -> u8 {
    (FxBuildHasher.hash_one(string) >> 56) as u8
}

/// A text read once to be marked for any number of queries: where its words are, which
/// of its distinct words each one is, and what each distinct word is to the index.
#[derive(Debug)]
pub struct MarkableText {
    text: Box<str>,
    /// Each word in order, a hyphenated word whole just before its parts.
    spans: Box<[Span]>,
    /// The distinct words, in the order of their first appearance.
    words: Box<[Word]>,
    /// Each distinct word's Latin key followed by its exact forms.
    strings: Strings,
}

/// A word of a [`MarkableText`]: its bytes in the text, and which distinct word it is.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: u32,
    to: u32,
    word: u32,
}

/// A distinct word of a [`MarkableText`]: its Latin key is string `key`, its exact forms
/// the strings after it, up to `forms_end`.
#[derive(Debug, Clone, Copy)]
struct Word {
    key: usize,
    forms_end: usize,
}

/// Short strings one after another in one buffer, each with its [`filter_bit`].
#[derive(Debug, Default)]
struct Strings {
    letters: String,
    /// Where each string ends in `letters`.
    ends: Vec<usize>,
    bits: Vec<u8>,
}

impl Strings {
    fn push(&mut self, string: &str) {
        self.letters.push_str(string);
        self.ends.push(self.letters.len());
        self.bits.push(filter_bit(string));
    }

    fn get(&self, at: usize) -> &str {
        let from = at.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.letters[from..self.ends[at]]
    }
}

impl MarkableText {
    /// Reads `text`, written in `language`. Words past its first 4 GiB are not marked.
    pub fn new(text: &str, language: &Language) -> Self {
        let stem = stemmer_for(language);
        let mut numbers: WordMap<u32> = WordMap::default();
        let (mut spans, mut words, mut strings) = (Vec::new(), Vec::new(), Strings::default());
        for span in WordSpans::new(text, true) {
            let (Ok(from), Ok(to), Ok(next)) =
                (u32::try_from(span.from), u32::try_from(span.to), u32::try_from(words.len()))
            else {
                break;
            };
            let spelt = span.text(text);
            let number = match numbers.get(spelt) {
                Some(&number) => number,
                None => {
                    let key = strings.ends.len();
                    analysed(spelt, |analysis| {
                        strings.push(&analysis.key);
                        for form in analysis.exact(spelt, stem) {
                            strings.push(form);
                        }
                    });
                    words.push(Word { key, forms_end: strings.ends.len() });
                    numbers.insert(spelt.to_owned(), next);
                    next
                }
            };
            spans.push(Span { from, to, word: number });
        }
        Self { text: text.into(), spans: spans.into(), words: words.into(), strings }
    }

    /// The text as read.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Words whose analysis a thread keeps before it starts afresh.
const MAX_ANALYSED: usize = 50_000;

/// What a word is to the index, whatever the query.
struct Analysis {
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
        let mut key = String::new();
        latin_key(word, &mut key);
        let mut analysis = Analysis { key: key.into(), stemmed: Vec::new() };
        let answer = with(&mut analysis);
        if known.len() >= MAX_ANALYSED {
            known.clear();
        }
        known.insert(word.to_owned(), analysis);
        answer
    })
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
    fn a_text_read_once_is_marked_for_each_query_a_hyphenated_word_whole_or_in_parts() {
        let key = |word: &str| {
            let mut key = String::new();
            latin_key(word, &mut key);
            key
        };
        let text = MarkableText::new("Alma-Ata & Almaty: Tokayev met Tokayev in Alma-Ata.", &Language::english());
        let marked = |keys: &[&str]| {
            let mut terms = HighlightTerms::default();
            terms.add_keys(&keys.iter().map(|word| key(word)).collect::<Vec<_>>());
            terms.mark_read(&text)
        };
        assert_eq!(
            marked(&["AlmaAta"]),
            "<mark>Alma-Ata</mark> &amp; Almaty: Tokayev met Tokayev in <mark>Alma-Ata</mark>."
        );
        assert_eq!(
            marked(&["Ata", "Tokayev"]),
            "Alma-<mark>Ata</mark> &amp; Almaty: <mark>Tokayev</mark> met <mark>Tokayev</mark> in Alma-<mark>Ata</mark>."
        );
        assert_eq!(
            marked(&["AlmaAta", "Alma", "Ata"]),
            "<mark>Alma-Ata</mark> &amp; Almaty: Tokayev met Tokayev in <mark>Alma-Ata</mark>."
        );
        assert_eq!(marked(&["Bishkek"]), "Alma-Ata &amp; Almaty: Tokayev met Tokayev in Alma-Ata.");
        assert_eq!(text.text(), "Alma-Ata & Almaty: Tokayev met Tokayev in Alma-Ata.");
    }

    #[test]
    fn a_term_set_finds_every_term_it_was_given_and_no_other() {
        let terms: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
        let mut set = TermSet::default();
        set.extend(&terms[..500]);
        set.extend(&[String::new()]);
        let mut strings = Strings::default();
        for term in &terms {
            strings.push(term);
        }
        strings.push("");
        let found: Vec<usize> = (0..=1000).filter(|&at| set.contains(&strings, at)).collect();
        assert_eq!(found, (0..500).collect::<Vec<_>>());
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

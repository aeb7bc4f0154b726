//! Marking the words of a result that matched the query, with the same analysis the
//! index used: a word is marked when its exact form or its Latin key is one the query
//! searched for (typo tolerance adds the index words it found near a query word), so
//! `Алматы` is marked for `Almaty`.
//!
//! A text is read once ([`MarkableText`]): where its words are, and what each one is to
//! the index whatever the query (its Latin key and exact forms, worked out once per
//! thread and shared by every text that has the word). Marking it for a query then
//! looks up those forms among the query's, most of them told apart by one bit, and
//! copies the text between marks. A search result's excerpt is read so once per content
//! generation.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::Arc;

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
        if !self.is_empty() {
            for (&(from, to), word) in text.spans.iter().zip(&text.words) {
                let (from, to) = (from as usize, to as usize);
                // A part of a hyphenated word marked whole is marked already.
                if to <= done || !self.matches(word) {
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

    /// Whether a word so analysed matches.
    fn matches(&self, word: &WordForms) -> bool {
        let mut strings = word.strings.iter().zip(&word.bits);
        strings.next().is_some_and(|(key, &bit)| self.keys.contains(key, bit))
            || strings.any(|(form, &bit)| self.exact.contains(form, bit))
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

    /// Whether `string`, whose filter bit is `bit`, is among these.
    fn contains(&self, string: &str, bit: u8) -> bool {
        self.filter[usize::from(bit >> 6)] & (1 << (bit & 63)) != 0 && self.strings.contains(string)
    }
}

/// One byte of a string's hash: its bit in a [`TermSet`]'s filter.
fn filter_bit(string: &str) -> u8 {
    (FxBuildHasher.hash_one(string) >> 56) as u8
}

/// A text read once to be marked for any number of queries: where its words are, and
/// what each one is to the index.
#[derive(Debug)]
pub struct MarkableText {
    text: Box<str>,
    /// Each word's bytes in the text, in order, a hyphenated word whole just before its
    /// parts.
    spans: Box<[(u32, u32)]>,
    /// What each of those words is, shared by every text that has it.
    words: Box<[Arc<WordForms>]>,
}

impl MarkableText {
    /// Reads `text`, written in `language`. Words past its first 4 GiB are not marked.
    pub fn new(text: &str, language: &Language) -> Self {
        let stem = stemmer_for(language);
        let (mut spans, mut words) = (Vec::with_capacity(text.len() / 6), Vec::with_capacity(text.len() / 6));
        ANALYSED.with(|cell| {
            let mut analysed = cell.borrow_mut();
            let known = analysed.entry(stem).or_default();
            for span in WordSpans::new(text, true) {
                let (Ok(from), Ok(to)) = (u32::try_from(span.from), u32::try_from(span.to)) else { break };
                let word = span.text(text);
                let forms = match known.get(word) {
                    Some(forms) => Arc::clone(forms),
                    None => {
                        let forms = Arc::new(WordForms::of(word, stem));
                        if known.len() >= MAX_ANALYSED {
                            known.clear();
                        }
                        known.insert(word.to_owned(), Arc::clone(&forms));
                        forms
                    }
                };
                spans.push((from, to));
                words.push(forms);
            }
        });
        Self { text: text.into(), spans: spans.into(), words: words.into() }
    }
}

/// What a word is to the index in a text stemmed one way, whatever the query.
#[derive(Debug)]
struct WordForms {
    /// Its Latin key, then its exact forms.
    strings: Box<[String]>,
    /// Each string's [`filter_bit`].
    bits: Box<[u8]>,
}

impl WordForms {
    fn of(word: &str, stem: Option<StemLanguage>) -> Self {
        let mut key = String::new();
        latin_key(word, &mut key);
        let exact = EXACT.with(|cell| {
            let mut analyzers = cell.borrow_mut();
            let analyzer = analyzers.entry(stem).or_insert_with(|| exact_analyzer(stem));
            tokens(analyzer, word)
        });
        let strings: Box<[String]> = std::iter::once(key).chain(exact.into_iter().map(|token| token.text)).collect();
        let bits = strings.iter().map(|string| filter_bit(string)).collect();
        Self { strings, bits }
    }
}

/// Words whose analysis a thread keeps, for each way of stemming, before it starts afresh.
const MAX_ANALYSED: usize = 50_000;

thread_local! {
    /// Each word's analysis by stemming, as this thread worked it out: it depends on the
    /// word alone, and result pages repeat most of their words. Per thread, so that no
    /// request waits for another.
    static ANALYSED: RefCell<FxHashMap<Option<StemLanguage>, WordMap<Arc<WordForms>>>> =
        RefCell::new(FxHashMap::default());
    /// This thread's exact analyzers, by stemmer.
    static EXACT: RefCell<FxHashMap<Option<StemLanguage>, TextAnalyzer>> = RefCell::new(FxHashMap::default());
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
    }

    #[test]
    fn a_term_set_finds_every_term_it_was_given_and_no_other() {
        let terms: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
        let mut set = TermSet::default();
        set.extend(&terms[..500]);
        set.extend(&[String::new()]);
        let empty = String::new();
        let found: Vec<&String> =
            terms.iter().chain([&empty]).filter(|term| set.contains(term, filter_bit(term))).collect();
        assert_eq!(found, terms[..500].iter().collect::<Vec<_>>());
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

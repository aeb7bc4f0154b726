//! Marking the words of a result that matched the query, with the same analysis the
//! index used: a word is marked when its exact form, its Latin key, or (within the typo
//! allowance) its Latin key matches a query word, so `Алматы` is marked for `Almaty`.

use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::{Language as StemLanguage, TextAnalyzer};

use super::analysis::{edit_distance, exact_analyzer, key_analyzer, stemmer_for, tokens, word_spans};
use crate::domain::article::Language;

/// The terms a query searched for, to mark them in results.
#[derive(Debug, Clone, Default)]
pub struct HighlightTerms {
    exact: HashSet<String>,
    keys: HashSet<String>,
    fuzzy: Vec<(String, u8)>,
}

impl HighlightTerms {
    /// Adds exact forms.
    pub fn add_exact(&mut self, terms: &[String]) {
        self.exact.extend(terms.iter().cloned());
    }

    /// Adds Latin keys.
    pub fn add_keys(&mut self, keys: &[String]) {
        self.keys.extend(keys.iter().cloned());
    }

    /// Adds a Latin key matched with up to `distance` typos.
    pub fn add_fuzzy(&mut self, key: &str, distance: u8) {
        self.fuzzy.push((key.to_owned(), distance));
    }

    /// Whether there is nothing to mark.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.keys.is_empty() && self.fuzzy.is_empty()
    }

    /// A highlighter for the results of one page, which remembers what it decided about
    /// each word so that the words every excerpt repeats are analysed once.
    pub fn highlighter(&self) -> Highlighter<'_> {
        Highlighter { terms: self, exact: HashMap::new(), key: key_analyzer(), seen: HashMap::new() }
    }

    /// `text` as HTML, escaped, with matched words inside `<mark>`.
    pub fn mark(&self, text: &str, language: &Language) -> String {
        self.highlighter().mark(text, language)
    }

    fn is_near(&self, key: &str) -> bool {
        self.fuzzy.iter().any(|(term, distance)| edit_distance(term, key, usize::from(*distance)).is_some())
    }
}

/// Marks matched words, remembering its decisions (see [`HighlightTerms::highlighter`]).
pub struct Highlighter<'a> {
    terms: &'a HighlightTerms,
    exact: HashMap<Option<StemLanguage>, TextAnalyzer>,
    key: TextAnalyzer,
    seen: HashMap<Option<StemLanguage>, HashMap<String, bool>>,
}

impl Highlighter<'_> {
    /// `text` as HTML, escaped, with matched words inside `<mark>`.
    pub fn mark(&mut self, text: &str, language: &Language) -> String {
        let mut ranges = Vec::new();
        if !self.terms.is_empty() {
            let stem = stemmer_for(language);
            for span in word_spans(text, true) {
                let word = span.text(text);
                let known = self.seen.get(&stem).and_then(|seen| seen.get(word)).copied();
                let hit = match known {
                    Some(hit) => hit,
                    None => {
                        let hit = self.matches(word, stem);
                        self.seen.entry(stem).or_default().insert(word.to_owned(), hit);
                        hit
                    }
                };
                if hit {
                    ranges.push((span.from, span.to));
                }
            }
        }
        let mut html = String::with_capacity(text.len() + ranges.len() * 13);
        let mut done = 0;
        for (from, to) in ranges {
            if to <= done {
                continue;
            }
            let from = from.max(done);
            escape_into(&text[done..from], &mut html);
            html.push_str("<mark>");
            escape_into(&text[from..to], &mut html);
            html.push_str("</mark>");
            done = to;
        }
        escape_into(&text[done..], &mut html);
        html
    }

    /// Whether one word (as written in a text stemmed with `stem`) matches the query.
    fn matches(&mut self, word: &str, stem: Option<StemLanguage>) -> bool {
        let terms = self.terms;
        if !terms.exact.is_empty() {
            let analyzer = self.exact.entry(stem).or_insert_with(|| exact_analyzer(stem));
            if tokens(analyzer, word).iter().any(|t| terms.exact.contains(&t.text)) {
                return true;
            }
        }
        tokens(&mut self.key, word).iter().any(|t| terms.keys.contains(&t.text) || terms.is_near(&t.text))
    }
}

/// Appends `text` escaped for HTML text and attribute values.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_folded_and_near_words_are_marked_and_the_rest_escaped() {
        let mut terms = HighlightTerms::default();
        terms.add_exact(&["elect".to_owned()]);
        terms.add_keys(&["almati".to_owned()]);
        terms.add_fuzzy("tokaev", 1);
        let html = terms.mark("Elections in Алматы <b>&</b> Tokayevs, Tokaeva", &Language::english());
        assert_eq!(
            html,
            "<mark>Elections</mark> in <mark>Алматы</mark> &lt;b&gt;&amp;&lt;/b&gt; <mark>Tokayevs</mark>, \
             <mark>Tokaeva</mark>"
        );
    }

    #[test]
    fn nothing_to_mark_still_escapes() {
        assert_eq!(HighlightTerms::default().mark("a < b", &Language::english()), "a &lt; b");
    }
}

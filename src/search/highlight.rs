//! Marking the words of a result that matched the query, with the same analysis the
//! index used: a word is marked when its exact form, its Latin key, or (within the typo
//! allowance) its Latin key matches a query word, so `Алматы` is marked for `Almaty`.

use std::collections::{HashMap, HashSet};

use super::analysis::{edit_distance, exact_analyzer, key_analyzer, stemmer_for, tokens};
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

    /// `text` as HTML, escaped, with matched words inside `<mark>`.
    pub fn mark(&self, text: &str, language: &Language) -> String {
        let mut ranges = Vec::new();
        if !self.is_empty() {
            if !self.exact.is_empty() {
                let mut exact = exact_analyzer(stemmer_for(language));
                ranges.extend(
                    tokens(&mut exact, text)
                        .into_iter()
                        .filter(|t| self.exact.contains(&t.text))
                        .map(|t| (t.offset_from, t.offset_to)),
                );
            }
            let mut near: HashMap<String, bool> = HashMap::new();
            for token in tokens(&mut key_analyzer(), text) {
                let hit = self.keys.contains(&token.text)
                    || *near.entry(token.text.clone()).or_insert_with(|| self.is_near(&token.text));
                if hit {
                    ranges.push((token.offset_from, token.offset_to));
                }
            }
        }
        ranges.sort_unstable();
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

    fn is_near(&self, key: &str) -> bool {
        self.fuzzy.iter().any(|(term, distance)| edit_distance(term, key, usize::from(*distance)).is_some())
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

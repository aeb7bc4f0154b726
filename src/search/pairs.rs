//! Pairs of neighbouring words of which one is very common (`the border`, `in the`,
//! `the city`), indexed whole in their Latin keys, so that a phrase holding a common word
//! is looked up by its pairs before any positions are read.
//!
//! Matching a phrase means reading where each of its words stands in every article that
//! has them all; for `"the border"` that is where `the` stands in nearly every article.
//! An article that has the phrase has its pairs, and few articles have a given pair, so
//! the searcher asks for the pairs first and checks positions only in the articles that
//! have them: the results are the same, the work a small fraction. Pairs of two
//! uncommon words are not indexed: their positions are short to read anyway.

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::tokenizer::{TextAnalyzer, Token, Tokenizer};

use super::analysis::{WordStream, key_analyzer, latin_key, tokens};

// Words so common that a phrase holding one is best looked up by its pairs, as typed
// and compared by their Latin keys: function words, and a few of the news's own (`said`,
// `year`).

/// English.
const ENGLISH: &str = "a about after against all also an and any are as at be been before between but by can could did do \
    does during for from had has have he her his how i if in into is it its may more most new no not of \
    on one or our out over said says she so such than that the their them then there these they this \
    those through to under up was we were what when where which while who will with would year you";

/// Russian.
const RUSSIAN: &str = "а без бы был была были было в во все всё год года для до его ее её же за и из или их к как ко ли \
    между мы на над не но о об он она они от по под после при с со так также то только у уже что это";

/// Kazakh and Uzbek.
const KAZAKH_AND_UZBEK: &str = "және мен бен пен да де бұл үшін va bilan uchun bu ham";

/// The Latin keys of the common words.
fn common_keys() -> &'static HashSet<String> {
    static KEYS: OnceLock<HashSet<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        [ENGLISH, RUSSIAN, KAZAKH_AND_UZBEK]
            .iter()
            .flat_map(|list| list.split_whitespace())
            .map(|word| {
                let mut key = String::new();
                latin_key(word, &mut key);
                key
            })
            .collect()
    })
}

/// The pair term of two neighbouring keys, if either is common.
fn pair(first: &str, second: &str) -> Option<String> {
    let common = common_keys();
    (common.contains(first) || common.contains(second)).then(|| format!("{first} {second}"))
}

/// The pairs of a phrase, given as the Latin keys of its words in order.
pub fn phrase_pairs(keys: &[String]) -> Vec<String> {
    keys.windows(2).filter_map(|two| pair(&two[0], &two[1])).collect()
}

/// The pairs of a text, given as the tokens of its Latin-key analysis. The joined form
/// of a hyphenated word, which stands at the position of its first part, is not a word
/// of its own here; words a gap separates (one that folded to nothing) make no pair.
fn text_pairs(tokens: &[Token]) -> Vec<Token> {
    let words: Vec<&Token> = tokens
        .iter()
        .enumerate()
        .filter(|(i, token)| tokens.get(i + 1).is_none_or(|next| next.position != token.position))
        .map(|(_, token)| token)
        .collect();
    words
        .windows(2)
        .filter(|two| two[1].position == two[0].position + 1)
        .filter_map(|two| {
            Some(Token {
                offset_from: two[0].offset_from,
                offset_to: two[1].offset_to,
                position: two[0].position,
                text: pair(&two[0].text, &two[1].text)?,
                position_length: 2,
            })
        })
        .collect()
}

/// The analyzer of the pairs field: a text's Latin keys, then [`text_pairs`].
pub fn pairs_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(Pairs { keys: key_analyzer() })
}

/// See [`pairs_analyzer`].
#[derive(Clone)]
struct Pairs {
    keys: TextAnalyzer,
}

impl Tokenizer for Pairs {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        WordStream::of(text_pairs(&tokens(&mut self.keys, text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs_of(text: &str) -> Vec<String> {
        tokens(&mut pairs_analyzer(), text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn a_text_gives_the_pairs_that_hold_a_common_word() {
        assert_eq!(pairs_of("The border of Kazakhstan reopened"), ["the border", "border of", "of kazak"]);
        assert_eq!(pairs_of("Граница в Казахстане"), ["granitsa v", "v kazakstane"]);
        assert!(pairs_of("Glacier melt threatens irrigation").is_empty());
    }

    #[test]
    fn a_hyphenated_word_pairs_by_its_parts_not_its_joined_form() {
        assert_eq!(pairs_of("to Alma-Ata in spring"), ["to alma", "ata in", "in spring"]);
    }

    #[test]
    fn a_phrase_gives_the_same_pairs_as_the_text_it_matches() {
        let keys: Vec<String> = tokens(&mut key_analyzer(), "in the City").into_iter().map(|t| t.text).collect();
        assert_eq!(phrase_pairs(&keys), pairs_of("news in the city today")[1..3]);
        assert!(phrase_pairs(&["grain".to_owned(), "export".to_owned()]).is_empty());
    }
}

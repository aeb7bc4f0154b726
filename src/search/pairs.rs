//! Every two neighbouring words of a text, indexed whole in their Latin keys (`the
//! border`, `national budget`), so that a phrase is looked up by its pairs before any
//! positions are read (what Elasticsearch's `index_phrases` does).
//!
//! Matching a phrase means reading where each of its words stands in every article that
//! has them all; for `"the border"` that is where `the` stands in nearly every article.
//! An article that has the phrase has its pairs, and far fewer articles have a pair than
//! have both its words, so the searcher asks for the pairs first and checks positions
//! only in the articles that have them: the results are the same, the work a fraction.

use tantivy::tokenizer::{TextAnalyzer, Token, Tokenizer};

use super::analysis::{WordStream, key_analyzer, tokens};

/// The pair term of two neighbouring keys.
fn pair(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// The pairs of a phrase, given as the Latin keys of its words in order.
pub fn phrase_pairs(keys: &[String]) -> Vec<String> {
    keys.windows(2).map(|two| pair(&two[0], &two[1])).collect()
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
        .map(|two| Token {
            offset_from: two[0].offset_from,
            offset_to: two[1].offset_to,
            position: two[0].position,
            text: pair(&two[0].text, &two[1].text),
            position_length: 2,
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
    fn a_text_gives_each_two_neighbouring_keys() {
        assert_eq!(pairs_of("The border of Kazakhstan"), ["the border", "border of", "of kazak"]);
        assert_eq!(pairs_of("Граница в Казахстане"), ["granitsa v", "v kazakstane"]);
        assert!(pairs_of("Glacier").is_empty());
    }

    #[test]
    fn a_hyphenated_word_pairs_by_its_parts_not_its_joined_form() {
        assert_eq!(pairs_of("to Alma-Ata in spring"), ["to alma", "alma ata", "ata in", "in spring"]);
    }

    #[test]
    fn a_phrase_gives_the_same_pairs_as_the_text_it_matches() {
        let keys: Vec<String> = tokens(&mut key_analyzer(), "in the City").into_iter().map(|t| t.text).collect();
        assert_eq!(phrase_pairs(&keys), pairs_of("news in the city today")[1..3]);
    }
}

//! The query language of the search box: plain words (all must match), `"quoted
//! phrases"`, `-excluded` words and phrases, and the filters `country:`, `tag:`,
//! `author:` and `lang:` (a filter value may be quoted: `author:"Aigerim Sadykova"`).
//!
//! Nothing is a syntax error: an unmatched quote, an unknown `key:`, a filter with no
//! value or stray punctuation are read as plain words, so every input gives a page.

use crate::domain::article::Language;

/// Characters of a query that are read; the rest is ignored (and the reader told).
pub const MAX_QUERY_CHARS: usize = 1000;

/// Words, phrases and filters that are used; the rest is ignored (and the reader told).
pub const MAX_CLAUSES: usize = 16;

/// A word or phrase of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// One word as typed; punctuation inside it (`Alma-Ata`) may make several terms.
    Word(String),
    /// Words that must appear together, in this order.
    Phrase(String),
}

impl Clause {
    /// The text of the word or phrase.
    pub fn text(&self) -> &str {
        match self {
            Self::Word(text) | Self::Phrase(text) => text,
        }
    }
}

/// What a filter restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterKind {
    /// `country:`.
    Country,
    /// `tag:`: sections and topics.
    Tag,
    /// `author:`.
    Author,
    /// `lang:`.
    Language,
}

impl FilterKind {
    fn parse(key: &str) -> Option<Self> {
        match key.to_ascii_lowercase().as_str() {
            "country" => Some(Self::Country),
            "tag" | "section" | "topic" => Some(Self::Tag),
            "author" | "by" => Some(Self::Author),
            "lang" | "language" => Some(Self::Language),
            _ => None,
        }
    }
}

/// One filter of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// What it restricts.
    pub kind: FilterKind,
    /// The value as typed (a language filter holds the language code).
    pub value: String,
    /// `-country:…`: results must not match.
    pub negated: bool,
}

/// A query read from the search box.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Words and phrases every result contains.
    pub required: Vec<Clause>,
    /// Words and phrases no result contains.
    pub excluded: Vec<Clause>,
    /// Restrictions on country, tags, author and language.
    pub filters: Vec<Filter>,
    /// Whether part of the input was ignored for being too long.
    pub shortened: bool,
}

impl ParsedQuery {
    /// Reads a query; never fails.
    pub fn parse(input: &str) -> Self {
        let (text, mut shortened) = clean_query(input);
        let chars: Vec<char> = text.chars().collect();
        let mut query = ParsedQuery::default();
        let mut clauses = 0;
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
            if negated {
                i += 1;
            }
            let item = if chars[i] == '"' {
                match closing_quote(&chars, i) {
                    Some(end) => {
                        let phrase: String = chars[i + 1..end].iter().collect();
                        i = end + 1;
                        Item::Clause(Clause::Phrase(phrase))
                    }
                    None => {
                        // A quote that never closes is dropped; the words after it are plain.
                        i += 1;
                        continue;
                    }
                }
            } else {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
                    i += 1;
                }
                let token: String = chars[start..i].iter().collect();
                match token.split_once(':').and_then(|(key, value)| Some((FilterKind::parse(key)?, value))) {
                    Some((kind, value)) => {
                        let value = if value.is_empty() && chars.get(i) == Some(&'"') {
                            match closing_quote(&chars, i) {
                                Some(end) => {
                                    let quoted: String = chars[i + 1..end].iter().collect();
                                    i = end + 1;
                                    quoted
                                }
                                None => String::new(),
                            }
                        } else {
                            value.to_owned()
                        };
                        match filter_value(kind, &value) {
                            Some(value) => Item::Filter(Filter { kind, value, negated }),
                            None => Item::Clause(Clause::Word(token)),
                        }
                    }
                    None => Item::Clause(Clause::Word(token)),
                }
            };
            let meaningful = match &item {
                Item::Clause(clause) => clause.text().chars().any(char::is_alphanumeric),
                Item::Filter(_) => true,
            };
            if !meaningful {
                continue;
            }
            if clauses == MAX_CLAUSES {
                shortened = true;
                break;
            }
            clauses += 1;
            match item {
                Item::Clause(clause) if negated => query.excluded.push(clause),
                Item::Clause(clause) => query.required.push(clause),
                Item::Filter(filter) => query.filters.push(filter),
            }
        }
        query.shortened = shortened;
        query
    }

    /// Whether the query asks for nothing at all.
    pub fn is_empty(&self) -> bool {
        self.required.is_empty() && self.excluded.is_empty() && self.filters.is_empty()
    }
}

enum Item {
    Clause(Clause),
    Filter(Filter),
}

fn closing_quote(chars: &[char], open: usize) -> Option<usize> {
    chars[open + 1..].iter().position(|&c| c == '"').map(|len| open + 1 + len)
}

/// The value a filter keeps: trimmed, non-empty; for a language, a code (`en`) or the
/// English name of a language of the region (`russian`).
fn filter_value(kind: FilterKind, value: &str) -> Option<String> {
    let value = value.trim();
    if !value.chars().any(char::is_alphanumeric) {
        return None;
    }
    if kind != FilterKind::Language {
        return Some(value.to_owned());
    }
    let named = match value.to_lowercase().as_str() {
        "english" => "en",
        "russian" | "русский" => "ru",
        "kazakh" | "қазақша" => "kk",
        "kyrgyz" => "ky",
        "uzbek" => "uz",
        "tajik" => "tg",
        "turkmen" => "tk",
        _ => value,
    };
    Language::parse(named).map(|l| l.as_str().to_owned())
}

/// The search box's text as it is read and shown again: control characters become
/// spaces, surrounding whitespace goes, and at most [`MAX_QUERY_CHARS`] characters stay.
/// The flag tells whether the text was cut.
pub fn clean_query(input: &str) -> (String, bool) {
    let mut out = String::with_capacity(input.len().min(MAX_QUERY_CHARS * 2));
    let mut shortened = false;
    for (count, c) in input.trim().chars().enumerate() {
        if count == MAX_QUERY_CHARS {
            shortened = true;
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    (out.trim().to_owned(), shortened)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(s: &str) -> Clause {
        Clause::Word(s.to_owned())
    }

    #[test]
    fn words_phrases_exclusions_and_filters_are_told_apart() {
        let q = ParsedQuery::parse(
            r#"gas "water reform" -Tashkent -"border talks" country:Kyrgyzstan author:"Aigerim Sadykova" lang:ru"#,
        );
        assert_eq!(q.required, [word("gas"), Clause::Phrase("water reform".into())]);
        assert_eq!(q.excluded, [word("Tashkent"), Clause::Phrase("border talks".into())]);
        assert_eq!(
            q.filters,
            [
                Filter { kind: FilterKind::Country, value: "Kyrgyzstan".into(), negated: false },
                Filter { kind: FilterKind::Author, value: "Aigerim Sadykova".into(), negated: false },
                Filter { kind: FilterKind::Language, value: "ru".into(), negated: false },
            ]
        );
    }

    #[test]
    fn broken_syntax_is_read_as_plain_words() {
        let q = ParsedQuery::parse(r#"unclosed "quote here foo:bar country: - -- !!! lang:martian"#);
        assert_eq!(
            q.required,
            [word("unclosed"), word("quote"), word("here"), word("foo:bar"), word("country:"), word("lang:martian")]
        );
        assert!(q.excluded.is_empty() && q.filters.is_empty());
    }

    #[test]
    fn control_characters_and_length_are_tamed() {
        let (clean, shortened) = clean_query("  a\u{0}b\u{7}c\n ");
        assert_eq!((clean.as_str(), shortened), ("a b c", false));
        let long = "word ".repeat(3000);
        let (clean, shortened) = clean_query(&long);
        assert!(shortened && clean.chars().count() <= MAX_QUERY_CHARS);
        let q = ParsedQuery::parse(&long);
        assert!(q.shortened);
        assert_eq!(q.required.len(), MAX_CLAUSES);
    }

    #[test]
    fn negated_filters_exclude() {
        let q = ParsedQuery::parse("-country:Tajikistan dam");
        assert_eq!(q.filters, [Filter { kind: FilterKind::Country, value: "Tajikistan".into(), negated: true }]);
        assert_eq!(q.required, [word("dam")]);
    }
}

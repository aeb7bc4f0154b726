//! How text becomes search terms, the same way at index time and at query time.
//!
//! Every word is indexed in two forms:
//!
//! - the **exact** form: lowercased, Latin diacritics removed (`é` → `e`), `ё` read as
//!   `е`, then stemmed in the article's language (English, Russian…). A query word
//!   matches it when the reader typed the word as the article spells it.
//! - the **Latin key**: the word transliterated to Latin (Russian, Kazakh, Kyrgyz, Uzbek
//!   and Tajik letters, through [`transliterate`]) and then stripped of the differences
//!   between the usual romanisations of Central Asian names, so that `Токаев`, `Tokaev`
//!   and `Tokayev` all become `tokaev`, and `Мирзиёев`, `Mirziyoev` and `Mirziyoyev`
//!   become `mirzioev`. The rules are about spelling, not about particular names:
//!   `dzh`/`zh`/`dj` → `j`, `kh` → `k`, `gh` → `g`, `q` → `k`; a `y` between two vowels
//!   (`Tokayev`, `Mirziyoyev`) or starting `ye` (`Yerlan`) is dropped and any other `y`
//!   is read as `i`; doubled letters are single (`Kassym`, `Alma-Ata`); and the endings
//!   that mean "land of" (`-stan`, `-istan`, `-ston`, `-ia`) are cut when a stem of four
//!   letters is left, so that `Kyrgyzstan`, `Кыргызстан` and `Kirghizia` meet at `kirgiz`.
//!
//! Hyphenated words are also indexed joined in their key form (`Alma-Ata` → `almata`),
//! which typo tolerance then brings within one letter of `Almaty` (`almati`).

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::iter::Peekable;

use rustc_hash::FxBuildHasher;
use tantivy::tokenizer::{
    BoxTokenStream, Language as StemLanguage, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer, TokenizerManager,
};

use super::pairs::pairs_analyzer;
use crate::domain::article::Language;
use crate::domain::slug::transliterate;

/// Name under which the unstemmed exact analyzer is registered with the index.
pub const EXACT_TOKENIZER: &str = "qalam_exact";

/// Name under which the Latin-key analyzer is registered with the index.
pub const KEY_TOKENIZER: &str = "qalam_key";

/// Name under which the analyzer of neighbouring pairs of keys is registered with the index.
pub const PAIRS_TOKENIZER: &str = "qalam_pairs";

/// Words longer than this many bytes are not indexed: they are never typed into a search
/// box and only bloat the term dictionary.
const MAX_WORD_BYTES: usize = 120;

/// Hyphenated words of more parts than this are not joined.
const MAX_COMPOUND_PARTS: usize = 4;

/// Opens and closes the language code that may start a text given to the exact
/// analyzer registered with the index (`\u{F8FE}ru\u{F8FE}Выборы…`, see [`in_language`]):
/// the analyzer of a field is the same for every article, and an article's language says
/// how its words are stemmed. A private-use character, which no keyboard types.
const LANGUAGE_MARK: char = '\u{F8FE}';

/// Registers the analyzers the index's text fields name.
pub fn register(manager: &TokenizerManager) {
    manager.register(EXACT_TOKENIZER, InLanguage::default());
    manager.register(KEY_TOKENIZER, key_analyzer());
    manager.register(PAIRS_TOKENIZER, pairs_analyzer());
}

/// The exact analyzer: words, folded case and diacritics, stemmed by `stem` if given.
pub fn exact_analyzer(stem: Option<StemLanguage>) -> TextAnalyzer {
    let fold = stem.map_or(Fold::EXACT, Fold::stemmed);
    TextAnalyzer::builder(Words { compounds: false }).filter(fold).build()
}

/// The Latin-key analyzer: words and hyphenated compounds, folded to their Latin key.
pub fn key_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(Words { compounds: true }).filter(Fold::KEY).build()
}

/// The stemmer for an article's language, if one exists; other languages (Kazakh,
/// Uzbek…) are indexed unstemmed.
pub fn stemmer_for(language: &Language) -> Option<StemLanguage> {
    Some(match language.as_str() {
        "en" => StemLanguage::English,
        "ru" => StemLanguage::Russian,
        "ar" => StemLanguage::Arabic,
        "da" => StemLanguage::Danish,
        "de" => StemLanguage::German,
        "el" => StemLanguage::Greek,
        "es" => StemLanguage::Spanish,
        "fi" => StemLanguage::Finnish,
        "fr" => StemLanguage::French,
        "hu" => StemLanguage::Hungarian,
        "it" => StemLanguage::Italian,
        "nb" | "no" => StemLanguage::Norwegian,
        "nl" => StemLanguage::Dutch,
        "pt" => StemLanguage::Portuguese,
        "ro" => StemLanguage::Romanian,
        "sv" => StemLanguage::Swedish,
        "ta" => StemLanguage::Tamil,
        "tr" => StemLanguage::Turkish,
        _ => return None,
    })
}

/// `text` as the exact analyzer registered with the index reads it: prefixed with the
/// language code when the language has a stemmer, so that its words are stemmed in it.
pub fn in_language<'a>(language: &Language, text: &'a str) -> Cow<'a, str> {
    match stemmer_for(language) {
        Some(_) => Cow::Owned(format!("{LANGUAGE_MARK}{}{LANGUAGE_MARK}{text}", language.as_str())),
        None => Cow::Borrowed(text),
    }
}

/// The exact analyzer registered with the index: [`exact_analyzer`] stemmed in the
/// language a text names at its start ([`in_language`]), unstemmed if it names none.
#[derive(Clone, Default)]
pub struct InLanguage {
    analyzers: HashMap<Option<StemLanguage>, TextAnalyzer>,
}

impl Tokenizer for InLanguage {
    type TokenStream<'a> = BoxTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BoxTokenStream<'a> {
        let named = text
            .strip_prefix(LANGUAGE_MARK)
            .and_then(|rest| rest.split_once(LANGUAGE_MARK))
            .and_then(|(code, rest)| Some((stemmer_for(&Language::parse(code)?)?, rest)));
        let (stem, text) = match named {
            Some((stem, rest)) => (Some(stem), rest),
            None => (None, text),
        };
        self.analyzers.entry(stem).or_insert_with(|| exact_analyzer(stem)).token_stream(text)
    }
}

/// Every token `analyzer` makes of `text`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    analyzer.token_stream(text).process(&mut |token| out.push(token.clone()));
    out
}

/// The exact form of one word, before stemming: lowercase, Latin diacritics removed,
/// `ё` read as `е`, apostrophes and combining marks dropped. Cyrillic stays Cyrillic.
pub fn exact_fold(word: &str, out: &mut String) {
    for c in without_possessive(word).chars().flat_map(char::to_lowercase) {
        if is_ignorable(c) {
            continue;
        }
        if c == 'ё' {
            out.push('е');
        } else if c.is_ascii() || is_cyrillic(c) {
            out.push(c);
        } else {
            match transliterate(c) {
                "-" => out.push(c),
                latin => out.push_str(latin),
            }
        }
    }
}

/// The Latin key of one word (see the module documentation); empty for a word with no
/// letters or digits.
pub fn latin_key(word: &str, out: &mut String) {
    // Each step rewrites the letters in place, never longer than they were.
    let mut letters: Vec<char> = Vec::with_capacity(word.len() + 4);
    for c in without_possessive(word).chars().flat_map(char::to_lowercase) {
        if is_ignorable(c) {
            continue;
        }
        match transliterate(c) {
            // Scripts the transliteration does not know (Greek, Chinese…) keep their letters.
            "-" => letters.push(c),
            spelled => letters.extend(spelled.chars()),
        }
    }
    merge_digraphs(&mut letters);
    read_y(&mut letters);
    letters.dedup();
    let plain: String = letters.into_iter().collect();
    out.push_str(strip_place_ending(&plain));
}

/// An English possessive (`Almaty's`) is not part of the name.
fn without_possessive(word: &str) -> &str {
    let mut chars = word.char_indices().rev();
    match (chars.next(), chars.next()) {
        (Some((_, 's' | 'S')), Some((at, c))) if is_apostrophe(c) && at > 0 => &word[..at],
        _ => word,
    }
}

/// `dzh`, `zh`, `dj` → `j`; `kh` → `k`; `gh` → `g`; `q` → `k`.
fn merge_digraphs(chars: &mut Vec<char>) {
    let (mut read, mut write) = (0, 0);
    while read < chars.len() {
        let rest = &chars[read..];
        let (replacement, used) = if rest.starts_with(&['d', 'z', 'h']) {
            ('j', 3)
        } else if rest.starts_with(&['z', 'h']) || rest.starts_with(&['d', 'j']) {
            ('j', 2)
        } else if rest.starts_with(&['k', 'h']) {
            ('k', 2)
        } else if rest.starts_with(&['g', 'h']) {
            ('g', 2)
        } else if rest[0] == 'q' {
            ('k', 1)
        } else {
            (rest[0], 1)
        };
        chars[write] = replacement;
        write += 1;
        read += used;
    }
    chars.truncate(write);
}

/// Drops a `y` between two vowels or before `e` at the start; reads any other as `i`.
fn read_y(chars: &mut Vec<char>) {
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let mut write = 0;
    // The letter before, as it was: the ones already written may have changed.
    let mut previous = None;
    for read in 0..chars.len() {
        let c = chars[read];
        let next = chars.get(read + 1).copied();
        let kept = if c != 'y' {
            Some(c)
        } else {
            let between_vowels = previous.is_some_and(is_vowel) && next.is_some_and(is_vowel);
            let starts_ye = read == 0 && next == Some('e');
            (!(between_vowels || starts_ye)).then_some('i')
        };
        if let Some(kept) = kept {
            chars[write] = kept;
            write += 1;
        }
        previous = Some(c);
    }
    chars.truncate(write);
}

/// Cuts `-istan`/`-iston`, else `-stan`/`-ston`, else `-ia` when at least four letters
/// remain.
fn strip_place_ending(word: &str) -> &str {
    const ENDINGS: [&[&str]; 3] = [&["istan", "iston"], &["stan", "ston"], &["ia"]];
    for group in ENDINGS {
        for ending in group {
            if let Some(stem) = word.strip_suffix(ending)
                && stem.chars().count() >= 4
            {
                return stem;
            }
        }
    }
    word
}

/// Typos tolerated in a word of `letters` letters: one from five letters, two from nine.
pub fn typo_allowance(letters: usize) -> u8 {
    match letters {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The edit distance between two words, a swap of neighbouring letters counting one as
/// in the index's typo tolerance; `None` when it is more than `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut before_previous = vec![0usize; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best;
            row_min = row_min.min(best);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance)
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{052f}').contains(&c)
}

/// Apostrophes inside words (`O'zbekiston`, `it's`) and combining marks (stress accents)
/// are not part of the spelling.
fn is_ignorable(c: char) -> bool {
    is_apostrophe(c) || ('\u{0300}'..='\u{036f}').contains(&c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{02bb}' | '\u{02bc}' | '`')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Whether each byte is an ASCII letter or digit, looked up rather than compared.
const ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// The length of the run of ASCII letters and digits `bytes` starts with, eight bytes
/// at a step while they last: one test per word for most words, where a byte at a time
/// ends each word with a mispredicted branch.
fn ascii_word_run(bytes: &[u8]) -> usize {
    let mut run = 0;
    while let Some(chunk) = bytes.get(run..run + 8).and_then(|chunk| <[u8; 8]>::try_from(chunk).ok()) {
        let others = not_ascii_word_bytes(u64::from_le_bytes(chunk));
        if others != 0 {
            return run + (others.trailing_zeros() / 8) as usize;
        }
        run += 8;
    }
    run + bytes[run..].iter().take_while(|&&b| ASCII_WORD[usize::from(b)]).count()
}

/// The top bit of each byte of `x` that is not an ASCII letter or digit. Each range is
/// checked by adding to the low seven bits, which cannot carry into the next byte.
fn not_ascii_word_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP: u64 = ONES * 0x80;
    let low = x & !TOP;
    let within =
        |v: u64, first: u8, last: u8| (v + ONES * u64::from(0x80 - first)) & !(v + ONES * u64::from(0x7f - last)) & TOP;
    let word = within(low | (ONES * 0x20), b'a', b'z') | within(low, b'0', b'9');
    (!word | x) & TOP
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{0300}'..='\u{036f}').contains(&c)
}

/// Splits text into words: runs of letters and digits, with apostrophes between letters
/// kept inside the word. With `compounds`, a hyphenated word (`Alma-Ata`) is also given
/// joined, at the position of its first part.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    compounds: bool,
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        WordStream::of(split_words(text, self.compounds))
    }
}

/// The words of one text.
pub struct WordStream {
    pending: VecDeque<Token>,
    current: Token,
}

impl WordStream {
    /// A stream of tokens made beforehand.
    pub fn of(tokens: Vec<Token>) -> Self {
        Self { pending: tokens.into(), current: Token::default() }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.pending.pop_front() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// A word of a text, as [`WordSpans`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordSpan {
    /// Byte offset of its first character.
    pub from: usize,
    /// Byte offset just past its last character.
    pub to: usize,
    /// For the joined form of a hyphenated word, its parts run together (`AlmaAta`).
    pub joined: Option<String>,
}

impl WordSpan {
    /// The word's spelling in `text`, joined if it is a hyphenated compound.
    pub fn text<'a>(&'a self, text: &'a str) -> &'a str {
        self.joined.as_deref().unwrap_or(&text[self.from..self.to])
    }
}

/// The words of a text in order: runs of letters and digits, apostrophes between letters
/// kept inside; with `compounds`, each hyphenated word is also given joined, just before
/// its first part. Words longer than [`MAX_WORD_BYTES`] are left out. Found as they are
/// asked for, so that a highlighter marks a text in one pass without a list of its words.
pub struct WordSpans<'a> {
    text: &'a str,
    runs: Peekable<Runs<'a>>,
    compounds: bool,
    /// The joined form and the parts of a hyphenated word still to give, last first.
    queued: Vec<WordSpan>,
}

impl<'a> WordSpans<'a> {
    /// The words of `text`, hyphenated words also joined if `compounds`.
    pub fn new(text: &'a str, compounds: bool) -> Self {
        Self { text, runs: Runs { text, at: 0, joined: false }.peekable(), compounds, queued: Vec::new() }
    }

    /// Queues a hyphenated word whose first part is `first`, and the parts after it.
    fn queue_compound(&mut self, first: (usize, usize)) {
        let mut parts = vec![first];
        while let Some((from, to, _)) = self.runs.next_if(|run| run.2) {
            parts.push((from, to));
        }
        let fitting = |&&(from, to): &&(usize, usize)| to - from <= MAX_WORD_BYTES;
        self.queued.extend(parts.iter().rev().filter(fitting).map(|&(from, to)| WordSpan { from, to, joined: None }));
        if parts.len() <= MAX_COMPOUND_PARTS {
            let joined: String = parts.iter().map(|&(from, to)| &self.text[from..to]).collect();
            if joined.len() <= MAX_WORD_BYTES {
                let (from, to) = (parts[0].0, parts[parts.len() - 1].1);
                self.queued.push(WordSpan { from, to, joined: Some(joined) });
            }
        }
    }
}

impl Iterator for WordSpans<'_> {
    type Item = WordSpan;

    #[inline]
    fn next(&mut self) -> Option<WordSpan> {
        loop {
            if let Some(span) = self.queued.pop() {
                return Some(span);
            }
            let (from, to, _) = self.runs.next()?;
            if self.compounds && self.runs.peek().is_some_and(|run| run.2) {
                self.queue_compound((from, to));
            } else if to - from <= MAX_WORD_BYTES {
                return Some(WordSpan { from, to, joined: None });
            }
        }
    }
}

/// The runs of word characters of a text: each one's range, and whether a single hyphen
/// joins it to the one before.
struct Runs<'a> {
    text: &'a str,
    /// Where the scan stands.
    at: usize,
    /// Whether the run the scan may be at follows a hyphen that ends the run before.
    joined: bool,
}

impl Runs<'_> {
    /// Whether a word character starts at `at`; ASCII, most of most texts, by its byte.
    fn word_at(&self, at: usize) -> bool {
        match self.text.as_bytes().get(at) {
            Some(&byte) if byte.is_ascii() => ASCII_WORD[usize::from(byte)],
            Some(_) => self.text.get(at..).and_then(|rest| rest.chars().next()).is_some_and(is_word_char),
            None => false,
        }
    }
}

impl Iterator for Runs<'_> {
    type Item = (usize, usize, bool);

    /// Most of most texts take the first steps: ASCII between words, skipped a byte at a
    /// time (a character between words that is not part of a hyphenated word breaks the
    /// chain), then a run of ASCII letters and digits ended by an ASCII byte that can
    /// neither join it to the next run nor belong to it, or by the end. Anything else is
    /// read by [`Runs::next_any`], from the start of the run.
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let mut at = self.at;
        while let Some(&byte) = bytes.get(at)
            && byte.is_ascii()
            && !ASCII_WORD[usize::from(byte)]
        {
            at += 1;
        }
        if at != self.at {
            self.joined = false;
            self.at = at;
        }
        if bytes.get(at).is_some_and(|&byte| ASCII_WORD[usize::from(byte)]) {
            let to = at + 1 + ascii_word_run(&bytes[at + 1..]);
            match bytes.get(to) {
                Some(&after) if after.is_ascii() && !matches!(after, b'\'' | b'`' | b'-') => {
                    self.at = to + 1;
                    return Some((at, to, std::mem::take(&mut self.joined)));
                }
                None => {
                    self.at = to;
                    return Some((at, to, std::mem::take(&mut self.joined)));
                }
                Some(_) => {}
            }
        }
        self.next_any()
    }
}

impl Runs<'_> {
    /// The next run, whatever the characters.
    #[inline(never)]
    fn next_any(&mut self) -> Option<(usize, usize, bool)> {
        let bytes = self.text.as_bytes();
        let mut start: Option<usize> = None;
        while self.at < bytes.len() {
            let at = self.at;
            let byte = bytes[at];
            let c = if byte.is_ascii() {
                if ASCII_WORD[usize::from(byte)] {
                    start.get_or_insert(at);
                    self.at = at + 1 + ascii_word_run(&bytes[at + 1..]);
                    continue;
                }
                char::from(byte)
            } else {
                let Some(c) = self.text.get(at..).and_then(|rest| rest.chars().next()) else { break };
                if is_word_char(c) {
                    start.get_or_insert(at);
                    self.at = at + c.len_utf8();
                    continue;
                }
                c
            };
            self.at = at + c.len_utf8();
            let Some(from) = start else {
                self.joined = false;
                continue;
            };
            let next_is_word = self.word_at(self.at);
            if is_apostrophe(c) && next_is_word {
                // An apostrophe inside a word belongs to it.
                continue;
            }
            let joined = std::mem::replace(&mut self.joined, is_hyphen(c) && next_is_word);
            return Some((from, at, joined));
        }
        self.at = bytes.len();
        let from = start?;
        Some((from, bytes.len(), std::mem::take(&mut self.joined)))
    }
}

fn split_words(text: &str, compounds: bool) -> Vec<Token> {
    let mut position = 0;
    WordSpans::new(text, compounds)
        .map(|span| {
            // A joined form stands at the position of its first part.
            let at = position;
            if span.joined.is_none() {
                position += 1;
            }
            Token {
                offset_from: span.from,
                offset_to: span.to,
                position: at,
                text: span.joined.unwrap_or_else(|| text[span.from..span.to].to_owned()),
                position_length: 1,
            }
        })
        .collect()
}

/// A token filter that rewrites each word with a folding function (then, for the exact
/// forms of a stemmed language, its stemmer) and drops the words that fold to nothing.
///
/// Each tokenizer remembers what it made of the words it has seen, up to
/// [`MAX_REMEMBERED`] of them: a text repeats its words, and an index rebuild analyses
/// the same few thousand words millions of times.
#[derive(Clone)]
pub struct Fold {
    fold: fn(&str, &mut String),
    stem: Option<StemLanguage>,
}

/// A table keyed by words, hashed with rustc-hash's FxHash, eight bytes at a step: words
/// are short and come from the newsroom's own text or a reader's query of bounded
/// length, so speed matters and flooding is no concern.
pub type WordMap<V> = HashMap<String, V, FxBuildHasher>;

/// Words a [`FoldTokenizer`] remembers before it starts afresh.
const MAX_REMEMBERED: usize = 100_000;

impl Fold {
    /// Case and diacritics folded, script kept: [`exact_fold`].
    pub const EXACT: Fold = Fold { fold: exact_fold, stem: None };
    /// The Latin key: [`latin_key`].
    pub const KEY: Fold = Fold { fold: latin_key, stem: None };

    /// [`Fold::EXACT`], then stemmed in `language`.
    pub fn stemmed(language: StemLanguage) -> Fold {
        Fold { fold: exact_fold, stem: Some(language) }
    }
}

impl TokenFilter for Fold {
    type Tokenizer<T: Tokenizer> = FoldTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> FoldTokenizer<T> {
        let stemmer = self
            .stem
            .map(|language| TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(language)).build());
        FoldTokenizer { inner, fold: self.fold, stemmer, remembered: WordMap::default() }
    }
}

/// A tokenizer followed by a [`Fold`].
pub struct FoldTokenizer<T> {
    inner: T,
    fold: fn(&str, &mut String),
    /// Stems one folded word at a time.
    stemmer: Option<TextAnalyzer>,
    /// Each word seen, and what it became (`None`: nothing, the word is dropped).
    remembered: WordMap<Option<String>>,
}

impl<T: Clone> Clone for FoldTokenizer<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            fold: self.fold,
            stemmer: self.stemmer.clone(),
            remembered: WordMap::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for FoldTokenizer<T> {
    type TokenStream<'a> = FoldStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.remembered.len() >= MAX_REMEMBERED {
            self.remembered.clear();
        }
        FoldStream {
            inner: self.inner.token_stream(text),
            fold: self.fold,
            stemmer: self.stemmer.as_mut(),
            remembered: &mut self.remembered,
        }
    }
}

/// The folded tokens of one text.
pub struct FoldStream<'a, S> {
    inner: S,
    fold: fn(&str, &mut String),
    stemmer: Option<&'a mut TextAnalyzer>,
    remembered: &'a mut WordMap<Option<String>>,
}

impl<S: TokenStream> FoldStream<'_, S> {
    /// What `word` becomes.
    fn analyse(&mut self, word: &str) -> Option<String> {
        let mut folded = String::with_capacity(word.len());
        (self.fold)(word, &mut folded);
        if folded.is_empty() {
            return None;
        }
        match self.stemmer.as_deref_mut() {
            Some(stemmer) => {
                let mut stemmed = None;
                stemmer.token_stream(&folded).process(&mut |token| stemmed = Some(token.text.clone()));
                Some(stemmed.unwrap_or(folded))
            }
            None => Some(folded),
        }
    }
}

impl<S: TokenStream> TokenStream for FoldStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            if !self.remembered.contains_key(self.inner.token().text.as_str()) {
                let word = self.inner.token().text.clone();
                let analysed = self.analyse(&word);
                self.remembered.insert(word, analysed);
            }
            let token = self.inner.token_mut();
            if let Some(Some(text)) = self.remembered.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(text);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(word: &str) -> String {
        let mut out = String::new();
        latin_key(word, &mut out);
        out
    }

    fn texts(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        tokens(analyzer, text).into_iter().map(|t| (t.text, t.position)).collect()
    }

    #[test]
    fn names_in_either_script_and_any_romanisation_share_a_key() {
        for group in [
            &["Токаев", "Tokaev", "Tokayev", "TOKAYEV"][..],
            &["Мирзиёев", "Mirziyoev", "Mirziyoyev"],
            &["Кыргызстан", "Kyrgyzstan", "Kirghizia"],
            &["Қазақстан", "Казахстан", "Kazakhstan"],
            &["Касым", "Kassym", "Qasym"],
            &["Жомарт", "Jomart", "Zhomart"],
            &["Алматы", "Almaty"],
            &["Ўзбекистон", "Oʻzbekiston", "O'zbekiston"],
            &["Uzbekistan", "Узбекистан"],
        ] {
            let keys: Vec<String> = group.iter().map(|w| key(w)).collect();
            assert!(keys.windows(2).all(|w| w[0] == w[1]), "{group:?} → {keys:?}");
        }
    }

    #[test]
    fn edit_distance_counts_swaps_as_one_and_gives_up_past_the_limit() {
        assert_eq!(edit_distance("tokaev", "tokaev", 2), Some(0));
        assert_eq!(edit_distance("almata", "almati", 1), Some(1));
        assert_eq!(edit_distance("tokaev", "toakev", 1), Some(1));
        assert_eq!(edit_distance("kirgiz", "kazak", 2), None);
        assert_eq!(edit_distance("", "ab", 2), Some(2));
        assert_eq!((typo_allowance(4), typo_allowance(5), typo_allowance(9)), (0, 1, 2));
    }

    #[test]
    fn keys_follow_the_romanisation_rules_letter_by_letter() {
        for (word, expected) in [
            ("Tokayev", "tokaev"),
            ("Мирзиёев", "mirzioev"),
            ("Yerlan", "erlan"),
            ("Kazakhstan", "kazak"),
            ("Dzhambul", "jambul"),
            ("Qyzylorda", "kizilorda"),
            ("Ghazni", "gazni"),
            ("Bayyev", "baiev"),
            ("Ashkhabad", "ashkabad"),
            ("Ҳоҷиён", "hojion"),
        ] {
            assert_eq!(key(word), expected, "{word}");
        }
    }

    #[test]
    fn keys_keep_short_words_and_other_scripts() {
        assert_eq!(key("Boston"), "boston");
        assert_eq!(key("media"), "media");
        assert_eq!(key("2025"), "2025");
        assert_eq!(key("Αθήνα"), "αθήνα");
        assert_eq!(key("'"), "");
        assert_eq!(key("Almaty's"), key("Almaty"));
    }

    #[test]
    fn hyphenated_words_are_also_joined_in_the_key() {
        let mut analyzer = key_analyzer();
        assert_eq!(
            texts(&mut analyzer, "Alma-Ata, then Almaty"),
            [("almata".into(), 0), ("alma".into(), 0), ("ata".into(), 1), ("then".into(), 2), ("almati".into(), 3)]
        );
    }

    #[test]
    fn exact_forms_fold_case_and_diacritics_but_keep_the_script() {
        let mut analyzer = exact_analyzer(None);
        assert_eq!(
            texts(&mut analyzer, "Ёлка Café O'zbek"),
            [("елка".into(), 0), ("cafe".into(), 1), ("ozbek".into(), 2)]
        );
    }

    #[test]
    fn english_and_russian_articles_are_stemmed_in_their_language() {
        let mut english = exact_analyzer(stemmer_for(&Language::english()));
        assert_eq!(texts(&mut english, "Elections"), [("elect".into(), 0)]);
        let russian = Language::parse("ru").expect("ru");
        let mut russian = exact_analyzer(stemmer_for(&russian));
        assert_eq!(texts(&mut russian, "выборах"), [("выбор".into(), 0)]);
        assert_eq!(stemmer_for(&Language::parse("kk").expect("kk")), None);
    }

    #[test]
    fn the_registered_exact_analyzer_stems_in_the_language_a_text_names() {
        let mut analyzer = TextAnalyzer::from(InLanguage::default());
        let russian = Language::parse("ru").expect("ru");
        let kazakh = Language::parse("kk").expect("kk");
        assert_eq!(texts(&mut analyzer, &in_language(&russian, "выборах")), [("выбор".into(), 0)]);
        assert_eq!(texts(&mut analyzer, &in_language(&Language::english(), "Elections")), [("elect".into(), 0)]);
        assert_eq!(texts(&mut analyzer, &in_language(&kazakh, "сайлауда")), [("сайлауда".into(), 0)]);
        assert_eq!(texts(&mut analyzer, "Elections"), [("elections".into(), 0)]);
    }

    #[test]
    fn words_keep_inner_apostrophes_and_skip_punctuation() {
        let mut analyzer = exact_analyzer(None);
        assert_eq!(
            texts(&mut analyzer, "«It's» — Oʻzbekiston's 'quote'"),
            [("it".into(), 0), ("ozbekiston".into(), 1), ("quote".into(), 2)]
        );
    }

    #[test]
    fn runs_of_ascii_letters_and_digits_are_measured_eight_bytes_at_a_time_as_byte_by_byte() {
        for byte in 0..=255u8 {
            for at in 0..20 {
                let mut text = *b"abcdefghij0123456789";
                text[at] = byte;
                let expected = text.iter().take_while(|&&b| b.is_ascii_alphanumeric()).count();
                assert_eq!(ascii_word_run(&text), expected, "byte {byte:#x} at {at}");
            }
        }
        assert_eq!(ascii_word_run(b""), 0);
        assert_eq!(ascii_word_run(b"Tokayev, Almaty"), 7);
    }

    /// Every text of up to five characters from letters, ASCII and other separators,
    /// apostrophes and hyphens: the runs the ASCII steps find, falling back where they
    /// must, are the runs the scan of any character finds.
    #[test]
    fn runs_found_by_the_ascii_steps_are_those_of_the_scan_of_any_character() {
        let alphabet = ['a', 'Z', '7', ' ', '.', '\'', '`', '-', 'ж', '\u{2019}', '\u{2010}', '«'];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                texts.iter().flat_map(|text| alphabet.iter().map(move |c| format!("{text}{c}"))).collect();
            for text in &longer {
                let fast: Vec<_> = Runs { text, at: 0, joined: false }.collect();
                let mut any = Runs { text, at: 0, joined: false };
                let slow: Vec<_> = std::iter::from_fn(|| any.next_any()).collect();
                assert_eq!(fast, slow, "{text:?}");
            }
            texts = longer;
        }
    }

    #[test]
    fn word_spans_cut_mixed_scripts_at_their_boundaries() {
        let text = "Токаев‐Ata: d\u{2019}Arc, 2025 x-";
        let found: Vec<WordSpan> = WordSpans::new(text, true).collect();
        let spans: Vec<(&str, Option<&str>)> =
            found.iter().map(|s| (&text[s.from..s.to], s.joined.as_deref())).collect();
        assert_eq!(
            spans,
            [
                ("Токаев‐Ata", Some("ТокаевAta")),
                ("Токаев", None),
                ("Ata", None),
                ("d\u{2019}Arc", None),
                ("2025", None),
                ("x", None),
            ]
        );
    }
}

//! URL slugs: the only constructor checks the shape, and `slugify` derives one from any
//! headline or name, transliterating the Cyrillic letters of Russian, Kazakh, Kyrgyz,
//! Uzbek and Tajik rather than dropping them.

use std::fmt;

use serde::Serialize;

/// Longest slug accepted, in bytes.
pub const MAX_SLUG_LEN: usize = 200;

/// A lowercase ASCII slug: letters, digits and single hyphens, 1 to 200 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// Why a string is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug is at most {MAX_SLUG_LEN} characters")]
    TooLong,
    #[error("a slug uses only a-z, 0-9 and single hyphens, not starting or ending with one")]
    BadCharacters,
}

impl Slug {
    /// Accepts a string that already is a slug.
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        // Byte by byte: `str::contains` would set up a substring search for every slug
        // a page reads back from the store.
        let bytes = s.as_bytes();
        let shape_ok = bytes.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && bytes.first() != Some(&b'-')
            && bytes.last() != Some(&b'-')
            && !bytes.windows(2).any(|pair| pair == b"--");
        if !shape_ok {
            return Err(SlugError::BadCharacters);
        }
        Ok(Self(s.to_owned()))
    }

    /// Derives a slug from free text; `None` when nothing sluggable is left.
    pub fn from_text(text: &str) -> Option<Self> {
        let slug = slugify(text);
        Self::parse(&slug).ok()
    }

    /// The slug as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The site-relative address of the article with this slug: `/slug/`.
    pub fn path(&self) -> String {
        self.path_under("")
    }

    /// The site-relative address of the archive with this slug under `segment`:
    /// `/segment/slug/` (`/author/aida-sadykova/`); `/slug/` when `segment` is empty.
    pub fn path_under(&self, segment: &str) -> String {
        let mut path = String::with_capacity(segment.len() + self.0.len() + 3);
        path.push('/');
        if !segment.is_empty() {
            path.push_str(segment);
            path.push('/');
        }
        path.push_str(&self.0);
        path.push('/');
        path
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lowercases, transliterates and hyphenates `text`, trimming to [`MAX_SLUG_LEN`].
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let piece = transliterate(c);
        for p in piece.chars() {
            if p.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(p);
            } else {
                pending_hyphen = true;
            }
        }
    }
    if out.len() > MAX_SLUG_LEN {
        out.truncate(MAX_SLUG_LEN);
        while out.ends_with('-') {
            out.pop();
        }
    }
    out
}

/// The Latin spelling of one lowercase letter: ASCII passes through, Cyrillic follows a
/// practical romanisation close to what the region's own media use, Latin letters with
/// diacritics lose them, and anything else becomes a separator.
pub fn transliterate(c: char) -> &'static str {
    if c.is_ascii() {
        return ascii_str(c);
    }
    match c {
        // Russian
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Kazakh, Kyrgyz, Tajik, Uzbek Cyrillic
        'ә' => "a",
        'ғ' => "gh",
        'қ' => "q",
        'ң' => "ng",
        'ө' => "o",
        'ұ' => "u",
        'ү' => "u",
        'һ' => "h",
        'і' => "i",
        'ҳ' => "h",
        'ҷ' => "j",
        'ӣ' => "i",
        'ӯ' => "u",
        'ў' => "o",
        'ҝ' => "g",
        // Latin with diacritics (Kazakh and Uzbek Latin, Turkmen, European names)
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'č' | 'ć' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ǵ' => "g",
        'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ñ' | 'ń' | 'ň' | 'ŋ' => "n",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ō' | 'ő' | 'ø' => "o",
        'ş' | 'š' | 'ś' | 'ș' => "s",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ű' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ž' | 'ź' | 'ż' => "z",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        // Uzbek Latin apostrophes (oʻ, gʻ) join the letters rather than split the word.
        'ʻ' | 'ʼ' | '\u{2018}' | '\u{2019}' => "",
        _ => "-",
    }
}

fn ascii_str(c: char) -> &'static str {
    const TABLE: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    match c {
        'a'..='z' => {
            let i = c as usize - 'a' as usize;
            &TABLE[i..=i]
        }
        '0'..='9' => {
            let i = 26 + c as usize - '0' as usize;
            &TABLE[i..=i]
        }
        '\'' => "",
        _ => "-",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_letters_are_transliterated_not_dropped() {
        assert_eq!(slugify("Қазақстан"), "qazaqstan");
        assert_eq!(slugify("Өскемен және Алматы"), "oskemen-zhane-almaty");
    }

    #[test]
    fn russian_and_tajik_headlines_become_readable_slugs() {
        assert_eq!(slugify("Токаев посетил Душанбе"), "tokaev-posetil-dushanbe");
        assert_eq!(slugify("Ҷумҳурии Тоҷикистон"), "jumhurii-tojikiston");
    }

    #[test]
    fn uzbek_latin_apostrophes_stay_inside_words() {
        assert_eq!(slugify("Oʻzbekiston gʻalla"), "ozbekiston-galla");
    }

    #[test]
    fn punctuation_collapses_to_single_hyphens() {
        assert_eq!(slugify("  Hello,  World!! -- 2025 "), "hello-world-2025");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn addresses_are_the_slug_between_slashes_under_an_archive_segment_if_any() {
        let slug = Slug::parse("aida-sadykova").expect("slug");
        assert_eq!(slug.path(), "/aida-sadykova/");
        assert_eq!(slug.path_under("author"), "/author/aida-sadykova/");
        assert_eq!(slug.path_under(""), "/aida-sadykova/");
    }

    #[test]
    fn parse_rejects_uppercase_spaces_and_double_hyphens() {
        assert!(Slug::parse("good-slug-2").is_ok());
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("Bad"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("-a"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("a-"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("-"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("long-slug-with-one--double-hyphen-near-its-end"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("a b"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse(&"a".repeat(201)), Err(SlugError::TooLong));
    }
}

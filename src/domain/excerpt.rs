//! The plain-text form of an article body and the excerpt cut from it.
//!
//! The body is read with html5ever's tokenizer (the same HTML parser the sanitiser uses),
//! so entities are decoded exactly as a browser would, `<script>` and `<style>` content
//! is dropped, and block elements are separated by a space so that a sub-heading runs
//! into the paragraph after it instead of gluing words together.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

/// Default length of an automatic excerpt, in words.
pub const DEFAULT_EXCERPT_WORDS: usize = 500;

/// What is appended to an excerpt that was cut.
pub const ELLIPSIS: &str = "...";

/// Elements whose boundaries separate words.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "img",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Elements whose content is never reader text.
const HIDDEN_TAGS: &[&str] = &["script", "style", "noscript", "template", "iframe", "object"];

/// WordPress shortcodes that leak into exported text; other `[words]` such as `[sic]`
/// are left alone unless they carry attributes or are closing tags.
const SHORTCODE_NAMES: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "video",
    "audio",
    "playlist",
    "su_",
    "vc_",
    "et_pb_",
    "fusion_",
    "contact-form",
    "wpforms",
    "ngg",
];

/// The reader-visible text of an HTML fragment: no markup, entities decoded, hidden
/// elements dropped, block elements separated, whitespace collapsed, leftover WordPress
/// shortcodes removed.
pub fn plain_text(html: &str) -> String {
    let sink = TextSink::default();
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let raw = tokenizer.sink.state.into_inner().text;
    collapse_whitespace(&strip_shortcodes(&raw))
}

/// An excerpt: the first `words` words of `text`, with [`ELLIPSIS`] appended exactly
/// when something was cut.
pub fn excerpt(text: &str, words: usize) -> String {
    match collapsed_cut(text, words) {
        Some(Cut::At(at)) => {
            let mut out = String::with_capacity(at + ELLIPSIS.len());
            out.push_str(&text[..at]);
            out.push_str(ELLIPSIS);
            out
        }
        Some(Cut::Whole) => text.to_owned(),
        None => excerpt_word_by_word(text, words),
    }
}

/// [`excerpt`] of a text the caller no longer needs: the excerpt is the text itself,
/// cut short, wherever that is possible, and nothing is copied.
pub fn into_excerpt(mut text: String, words: usize) -> String {
    match collapsed_cut(&text, words) {
        Some(Cut::At(at)) => {
            text.truncate(at);
            text.push_str(ELLIPSIS);
            text
        }
        Some(Cut::Whole) => text,
        None => excerpt_word_by_word(&text, words),
    }
}

/// [`excerpt`] of any text, word by word.
fn excerpt_word_by_word(text: &str, words: usize) -> String {
    let mut out = String::with_capacity(text.len().min(words * 8));
    for (taken, word) in text.split_whitespace().enumerate() {
        if taken == words {
            out.push_str(ELLIPSIS);
            return out;
        }
        if taken > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Where an excerpt of collapsed text ends.
enum Cut {
    /// Before this byte, a space, then the ellipsis.
    At(usize),
    /// The text has no more words than asked for.
    Whole,
}

/// Where [`excerpt`] cuts text whose words are already separated by single ASCII
/// spaces, as the stored plain text is: found by counting spaces 64 bytes at a time
/// instead of decoding every character. `None` when the part before the cut has any
/// other whitespace (or a space at either end, or two together), which the general path
/// handles.
fn collapsed_cut(text: &str, words: usize) -> Option<Cut> {
    if words == 0 {
        return None;
    }
    let cut = nth_space(text.as_bytes(), words - 1);
    let kept = &text[..cut.unwrap_or(text.len())];
    if text.starts_with(' ') || kept.ends_with(' ') || !single_spaced(kept) {
        return None;
    }
    match cut {
        Some(at) if starts_with_word(text, at + 1) => Some(Cut::At(at)),
        Some(_) => None,
        None => Some(Cut::Whole),
    }
}

/// Where the space after `n` others is in `bytes`: blocks of 64 bytes are counted whole
/// (a loop the compiler turns into vector instructions), and only the block holding that
/// space is read byte by byte.
fn nth_space(bytes: &[u8], n: usize) -> Option<usize> {
    let mut before = 0;
    for (block, chunk) in bytes.chunks(64).enumerate() {
        // At most 64 in a block: a byte-wide count cannot overflow, and is the widest
        // the vector instructions add up in one step.
        let spaces = usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b' ')));
        if before + spaces > n {
            let within = chunk.iter().enumerate().filter(|&(_, &b)| b == b' ').nth(n - before)?.0;
            return Some(block * 64 + within);
        }
        before += spaces;
    }
    None
}

/// Whether `text` has no whitespace but single ASCII spaces: no two spaces together, no
/// control character, and none of the non-ASCII whitespace characters (U+0085, U+00A0,
/// U+1680, U+2000…U+205F, U+3000), which are the only ones whose UTF-8 form starts with
/// 0xC2, 0xE1, 0xE2 or 0xE3 and is whitespace.
fn single_spaced(text: &str) -> bool {
    let bytes = text.as_bytes();
    let controls = bytes.chunks(64).any(|chunk| chunk.iter().fold(0u8, |any, &b| any | u8::from(b < 0x20)) != 0);
    if controls || memchr::memmem::find(bytes, b"  ").is_some() {
        return false;
    }
    memchr::memchr3_iter(0xC2, 0xE2, 0xE3, bytes)
        .chain(memchr::memchr_iter(0xE1, bytes))
        .all(|at| starts_with_word(text, at))
}

/// Whether the character at byte `at` of `text` is there and is not whitespace.
fn starts_with_word(text: &str, at: usize) -> bool {
    text.get(at..).and_then(|rest| rest.chars().next()).is_some_and(|c| !c.is_whitespace())
}

/// The first `words` words of `text`, separated by single spaces, with no mark of a cut.
pub fn first_words(text: &str, words: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace().take(words) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Number of words in `text`, as the excerpt counts them.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[derive(Default)]
struct TextSink {
    state: RefCell<TextState>,
}

#[derive(Default)]
struct TextState {
    text: String,
    hidden_depth: usize,
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(chars) if state.hidden_depth == 0 => state.text.push_str(&chars),
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if HIDDEN_TAGS.contains(&name) {
                    match tag.kind {
                        TagKind::StartTag if !tag.self_closing => {
                            state.hidden_depth += 1;
                            return match name {
                                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                                _ => TokenSinkResult::RawData(RawKind::Rawtext),
                            };
                        }
                        TagKind::EndTag => {
                            state.hidden_depth = state.hidden_depth.saturating_sub(1);
                        }
                        TagKind::StartTag => {}
                    }
                } else if BLOCK_TAGS.contains(&name) {
                    state.text.push(' ');
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Removes `[name attr="..."]`, `[name]` for known shortcode names, and `[/name]`,
/// keeping the text between an opening and a closing shortcode.
fn strip_shortcodes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let candidate = &rest[open..];
        match candidate.find(']') {
            Some(close) if is_shortcode(&candidate[1..close]) => {
                out.push(' ');
                rest = &candidate[close + 1..];
            }
            _ => {
                out.push('[');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_shortcode(inner: &str) -> bool {
    if inner.contains('[') {
        return false;
    }
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(inner.len());
    let name = &inner[..name_len];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return false;
    }
    let known = SHORTCODE_NAMES.iter().any(|known| name.starts_with(known));
    let has_attributes = inner[name_len..].contains('=');
    closing || known || has_attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_removed_and_blocks_are_separated() {
        let html =
            "<h2>Water</h2><p>The <strong>Amu</strong> Darya&nbsp;&amp; the Syr.</p><ul><li>one</li><li>two</li></ul>";
        assert_eq!(plain_text(html), "Water The Amu Darya & the Syr. one two");
    }

    #[test]
    fn inline_tags_do_not_split_words() {
        assert_eq!(plain_text("<p>Al<em>ma</em>ty</p>"), "Almaty");
    }

    #[test]
    fn script_and_style_content_is_dropped() {
        let html = "<p>a</p><script>if (x < 1) { alert('b') }</script><style>p{color:red}</style><p>c</p>";
        assert_eq!(plain_text(html), "a c");
    }

    #[test]
    fn wordpress_shortcodes_leave_their_text_but_not_their_tags() {
        let html = r#"<p>[caption id="attachment_5" width="300"]<img src="x.jpg"> A dam[/caption] Text [sic] [1]</p>"#;
        assert_eq!(plain_text(html), "A dam Text [sic] [1]");
    }

    #[test]
    fn excerpt_cuts_at_the_word_limit_and_marks_the_cut() {
        assert_eq!(excerpt("one two three", 2), "one two...");
        assert_eq!(excerpt("one two", 2), "one two");
        assert_eq!(excerpt("", 2), "");
    }

    #[test]
    fn excerpt_of_collapsed_text_matches_the_word_by_word_cut_whether_copied_or_cut_in_place() {
        let long = "Water levels in the Syr Darya fell again this spring and farmers in the south \
                    say the canals reached their fields weeks late, while officials promise repairs";
        let mut texts = vec![long.to_owned(), "Қазақстан және Өзбекстан — сауда келісіміне «қол» қойды".to_owned()];
        for odd in ["  ", "\t", "\u{a0}", " \u{2003}", "\u{3000}", "\u{1f}", "—", "Алматы", " ", "é"] {
            for at in [0, 1, 5, 7, 8, 9, 15, 16, 17, 40, 90] {
                let mut text = long.to_owned();
                text.insert_str(at, odd);
                texts.push(text.clone());
                text.push(' ');
                texts.push(text);
            }
        }
        texts.push(String::new());
        for text in &texts {
            for words in [0, 1, 2, 3, 5, 8, 13, 14, 15, 16, 40] {
                let general: Vec<&str> = text.split_whitespace().collect();
                let mut expected = general.iter().take(words).copied().collect::<Vec<_>>().join(" ");
                if general.len() > words {
                    expected.push_str(ELLIPSIS);
                }
                assert_eq!(excerpt(text, words), expected, "{text:?} cut at {words}");
                assert_eq!(into_excerpt(text.clone(), words), expected, "{text:?} cut in place at {words}");
            }
        }
    }

    #[test]
    fn the_nth_space_is_found_in_any_block() {
        let text: String = (0..300).map(|i| format!("w{i} ")).collect();
        let expected: Vec<usize> = text.bytes().enumerate().filter(|&(_, b)| b == b' ').map(|(i, _)| i).collect();
        for (n, at) in expected.iter().enumerate() {
            assert_eq!(nth_space(text.as_bytes(), n), Some(*at), "space {n}");
        }
        assert_eq!(nth_space(text.as_bytes(), expected.len()), None);
    }

    #[test]
    fn excerpt_counts_cyrillic_and_kazakh_words_whole() {
        let text = "Қазақстан және Өзбекстан сауда келісіміне қол қойды";
        assert_eq!(excerpt(text, 3), "Қазақстан және Өзбекстан...");
        assert_eq!(word_count(text), 7);
    }
}

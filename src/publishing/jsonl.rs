//! `qalam import jsonl`: one article per line. A line that does not parse is reported
//! with its number and nothing from it is stored; the others are saved in batches, and a
//! slug that exists is updated rather than duplicated.

use std::io::BufRead;

use jiff::Timestamp;
use serde::Deserialize;

use super::save_articles;
use crate::cache::PageCache;
use crate::domain::article::{ArticleDraft, AuthorRef, Language, Status, TagRef};
use crate::domain::body::{Body, BodySource};
use crate::domain::excerpt::plain_text;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::TagKind;
use crate::store::{SaveOutcome, Store};

/// Articles saved per transaction.
const BATCH: usize = 500;
/// Longest headline accepted, in characters.
const MAX_TITLE_CHARS: usize = 1000;

/// One line of the import file.
#[derive(Debug, Deserialize)]
struct Line {
    title: Option<String>,
    slug: Option<String>,
    author: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    published_at: Option<String>,
    body_html: Option<String>,
    body_markdown: Option<String>,
    language: Option<String>,
    excerpt: Option<String>,
    country: Option<String>,
    section: Option<String>,
    status: Option<String>,
    dek: Option<String>,
    featured_image: Option<String>,
}

/// A line that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// New articles.
    pub created: usize,
    /// Articles whose slug existed and were updated.
    pub updated: usize,
    /// Lines not imported, with reasons.
    pub rejected: Vec<RejectedLine>,
}

/// Parses one line into an article ready to store.
pub fn parse_line(text: &str) -> Result<ArticleDraft, String> {
    let line: Line = serde_json::from_str(text).map_err(json_error)?;
    let title = non_empty(line.title).ok_or("missing field \"title\"")?;
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(format!("\"title\" is longer than {MAX_TITLE_CHARS} characters"));
    }
    let slug = match non_empty(line.slug) {
        Some(s) => Slug::parse(&s).map_err(|e| format!("\"slug\" {s:?}: {e}"))?,
        None => Slug::from_text(&title).ok_or("no \"slug\" given and none can be made from the title")?,
    };
    let published_at = non_empty(line.published_at).ok_or("missing field \"published_at\"")?;
    let published_at: Timestamp = published_at.parse().map_err(|_| {
        format!("\"published_at\" {published_at:?} is not an RFC 3339 time such as 2025-12-05T09:00:00Z")
    })?;
    let source = match (non_empty(line.body_html), non_empty(line.body_markdown)) {
        (Some(html), None) => BodySource::Html(html),
        (None, Some(md)) => BodySource::Markdown(md),
        (Some(_), Some(_)) => return Err("give \"body_html\" or \"body_markdown\", not both".to_owned()),
        (None, None) => return Err("missing field \"body_html\" or \"body_markdown\"".to_owned()),
    };
    let language = match non_empty(line.language) {
        Some(l) => {
            Language::parse(&l).ok_or_else(|| format!("\"language\" {l:?} is not a language code such as en or ru"))?
        }
        None => Language::english(),
    };
    let status = match non_empty(line.status) {
        Some(s) => Status::parse(&s).ok_or_else(|| format!("\"status\" {s:?} is not draft, scheduled or published"))?,
        None => Status::Published,
    };
    let mut authors = Vec::new();
    if let Some(name) = non_empty(line.author) {
        let slug = Slug::from_text(&name).ok_or_else(|| format!("\"author\" {name:?} has no letters"))?;
        authors.push(AuthorRef { slug, name });
    }
    let mut tags = Vec::new();
    let named = [(TagKind::Country, line.country), (TagKind::Section, line.section)];
    let topics = line.tags.into_iter().map(|t| (TagKind::Topic, Some(t)));
    for (kind, name) in named.into_iter().chain(topics) {
        let Some(name) = non_empty(name) else { continue };
        let slug = Slug::from_text(&name).ok_or_else(|| format!("{} {name:?} has no letters", kind.as_str()))?;
        if !tags.iter().any(|t: &TagRef| t.kind == kind && t.slug == slug) {
            tags.push(TagRef { kind, slug, name });
        }
    }
    Ok(ArticleDraft {
        slug,
        title,
        dek: non_empty(line.dek),
        body: Body::from_source(source),
        excerpt: non_empty(line.excerpt).map(|e| plain_text(&e)).filter(|e| !e.is_empty()),
        status,
        published_at,
        language,
        featured_image: non_empty(line.featured_image),
        authors,
        tags,
    })
}

/// serde_json's message names "line 1" of the one line it was given; say the column.
fn json_error(e: serde_json::Error) -> String {
    let message = e.to_string();
    let reason = message.rsplit_once(" at line ").map_or(message.as_str(), |(reason, _)| reason);
    format!("not a valid JSON object: {reason} (column {})", e.column())
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Imports every line of `reader`, calling `progress` with the bytes read so far.
pub async fn import_jsonl(
    store: &dyn Store,
    pages: &PageCache,
    reader: impl BufRead,
    now: Timestamp,
    progress: &dyn Fn(u64),
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut read = 0u64;
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                report.rejected.push(RejectedLine { line: number, reason: format!("cannot be read: {e}") });
                continue;
            }
        };
        read += line.len() as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(&line) {
            Ok(draft) => batch.push(draft),
            Err(reason) => report.rejected.push(RejectedLine { line: number, reason }),
        }
        if batch.len() == BATCH {
            tally(&mut report, save_articles(store, pages, std::mem::take(&mut batch), now).await?);
            progress(read);
        }
    }
    if !batch.is_empty() {
        tally(&mut report, save_articles(store, pages, batch, now).await?);
    }
    progress(read);
    Ok(report)
}

fn tally(report: &mut ImportReport, outcomes: Vec<SaveOutcome>) {
    for outcome in outcomes {
        match outcome {
            SaveOutcome::Created => report.created += 1,
            SaveOutcome::Updated => report.updated += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"title":"Grain harvest","slug":"grain","author":"Aigerim Sadykova","tags":["Agriculture"],"country":"Kazakhstan","section":"Economy","published_at":"2025-12-05T09:00:00Z","body_markdown":"A *good* year."}"#;

    #[test]
    fn a_complete_line_becomes_a_draft() {
        let draft = parse_line(GOOD).expect("good line");
        assert_eq!(draft.slug.as_str(), "grain");
        assert_eq!(draft.status, Status::Published);
        assert_eq!(draft.language.as_str(), "en");
        assert_eq!(draft.authors[0].slug.as_str(), "aigerim-sadykova");
        let kinds: Vec<_> = draft.tags.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [TagKind::Country, TagKind::Section, TagKind::Topic]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            ("{", "not a valid JSON"),
            (r#"{"slug":"x","published_at":"2025-12-05T09:00:00Z","body_html":"<p>x</p>"}"#, "title"),
            (r#"{"title":"T","slug":"Bad Slug","published_at":"2025-12-05T09:00:00Z","body_html":"x"}"#, "slug"),
            (r#"{"title":"T","published_at":"yesterday","body_html":"x"}"#, "published_at"),
            (r#"{"title":"T","published_at":"2025-12-05T09:00:00Z"}"#, "body_html"),
            (r#"{"title":"T","published_at":"2025-12-05T09:00:00Z","body_html":"x","status":"live"}"#, "status"),
            (r#"{"title":"T","published_at":"2025-12-05T09:00:00Z","body_html":"x","language":"english"}"#, "language"),
        ];
        for (line, field) in cases {
            let err = parse_line(line).expect_err(line);
            assert!(err.contains(field), "{err:?} should name {field}");
        }
    }

    #[test]
    fn a_missing_slug_is_made_from_a_cyrillic_title() {
        let line = r#"{"title":"Қазақстан астығы","published_at":"2025-12-05T09:00:00Z","body_html":"<p>x</p>"}"#;
        assert_eq!(parse_line(line).expect("line").slug.as_str(), "qazaqstan-astyghy");
    }
}

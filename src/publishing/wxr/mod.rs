//! `qalam import wxr`: a WordPress export (WXR) brought in without losing a link.
//!
//! The file is read twice, as a stream. The first pass checks that it is a whole,
//! well-formed WordPress export and notes what later items need from earlier or later
//! ones (attachments, the days that have posts); a cut-off or foreign file is refused
//! before anything is written. The second pass imports: posts and pages become articles,
//! WordPress users become authors, categories become sections or countries and tags
//! topics, uploads are copied from a local `wp-content/uploads`, and every old address
//! (permalinks, archives, feeds, uploads) is stored as a redirect to its new place.
//!
//! Posts are saved in batches, each in one transaction, keyed by their WordPress id: a
//! second import of the same export updates instead of duplicating, and leaves a post
//! that has not changed untouched. A post that cannot be imported is named with its line
//! and the others go in; `all_or_nothing` refuses the whole file instead.

pub mod content;
pub mod media;
pub mod reader;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use self::content::{GalleryImage, clean_content};
use self::media::{MissingFile, Uploads};
use self::reader::{Channel, ItemTerm, RawItem, ReadError, WxrReader};
use crate::cache::PageCache;
use crate::config::CategoryMapping;
use crate::domain::article::{ArticleDraft, AuthorRef, Language, Status, TagRef};
use crate::domain::body::{Body, BodySource};
use crate::domain::excerpt::plain_text;
use crate::domain::people::AUTHOR_ARCHIVE;
use crate::domain::slug::{Slug, slugify};
use crate::domain::taxonomy::TagKind;
use crate::store::{ImportOutcome, ImportedArticle, ImportedAuthor, Redirect, Store, StoreError};

/// Posts saved per transaction.
const BATCH: usize = 200;

/// Longest headline kept, in characters.
const MAX_TITLE_CHARS: usize = 1000;

/// Slugs that are the first segment of Qalam's own addresses: a post with one of them
/// gets its WordPress id appended, so that it cannot hide a page of the site.
const RESERVED_SLUGS: &[&str] =
    &["admin", "api", "assets", "author", "country", "feed", "media", "page", "rates", "search", "section", "tag"];

/// The five countries, by the slugs of the names they go by in English, Russian and
/// their own languages, so that a category "Казахстан" files its posts under Kazakhstan.
const COUNTRIES: &[(&str, &[&str])] = &[
    ("Kazakhstan", &["kazakhstan", "qazaqstan", "kazakstan"]),
    ("Kyrgyzstan", &["kyrgyzstan", "kirgizstan", "kirgiziya", "kyrgyz-republic", "qyrgyzstan"]),
    ("Tajikistan", &["tajikistan", "tadzhikistan", "tojikiston"]),
    ("Turkmenistan", &["turkmenistan", "turkmeniston", "turkmenistana"]),
    ("Uzbekistan", &["uzbekistan", "ozbekiston", "uzbekiston"]),
];

/// How to import.
#[derive(Debug, Clone)]
pub struct WxrOptions {
    /// A local copy of the old site's `wp-content/uploads`.
    pub uploads: Option<PathBuf>,
    /// Where media files are copied to: the data directory's `media/`.
    pub media_dir: PathBuf,
    /// Refuse the whole export when any post in it cannot be imported.
    pub all_or_nothing: bool,
    /// Categories mapped to something other than the default.
    pub categories: Vec<CategoryMapping>,
    /// The site's time zone, for the posts that carry only a local time.
    pub tz: TimeZone,
}

/// Which pass a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the file through to check it.
    Checking,
    /// Importing.
    Importing,
}

/// New, updated and unchanged articles of one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Stored for the first time.
    pub created: usize,
    /// Changed since the last import.
    pub updated: usize,
    /// Already imported as they are.
    pub unchanged: usize,
}

impl Tally {
    /// All of them.
    pub fn total(&self) -> usize {
        self.created + self.updated + self.unchanged
    }

    fn add(&mut self, outcome: ImportOutcome) {
        match outcome {
            ImportOutcome::Created => self.created += 1,
            ImportOutcome::Updated => self.updated += 1,
            ImportOutcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// A post that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemProblem {
    /// Line of its `<item>` in the file.
    pub line: usize,
    /// Its `wp:post_id`, as written.
    pub post_id: String,
    /// What is wrong, naming the element.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WxrReport {
    /// The exported site's title.
    pub site: String,
    /// The export format's version, such as `1.2`.
    pub wxr_version: String,
    /// Posts.
    pub posts: Tally,
    /// Pages.
    pub pages: Tally,
    /// WordPress users now authors.
    pub authors: usize,
    /// Countries, sections and topics the imported articles are filed under.
    pub tags: BTreeMap<&'static str, usize>,
    /// Files copied into the media directory now.
    pub media_copied: usize,
    /// Files already there from an earlier import.
    pub media_present: usize,
    /// Files that could not be brought over.
    pub media_missing: Vec<MissingFile>,
    /// Old addresses that now redirect.
    pub redirects: usize,
    /// Items left out on purpose, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Items imported differently from WordPress (a private post as a draft…), by reason.
    pub notes: BTreeMap<String, usize>,
    /// Posts that could not be imported.
    pub problems: Vec<ItemProblem>,
    /// Comments, which Qalam does not have.
    pub comments: usize,
    /// Shortcodes left as text, by name, with the number of uses.
    pub shortcodes: BTreeMap<String, usize>,
}

/// Why an export was refused.
#[derive(Debug, thiserror::Error)]
pub enum WxrError {
    /// The file cannot be opened or read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Not well-formed, or cut off.
    #[error("{path}: line {line}: {message}; nothing was imported")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Not a WordPress export.
    #[error("{path}: {message}; nothing was imported")]
    NotWxr {
        /// The file.
        path: PathBuf,
        /// Why not.
        message: String,
    },
    /// Some posts cannot be imported, and the import was asked to be all or nothing.
    #[error("{} post(s) cannot be imported and all or nothing was asked: nothing was imported", problems.len())]
    Refused {
        /// The posts and why.
        problems: Vec<ItemProblem>,
    },
    /// A media file could not be written.
    #[error("cannot copy media into {dir}")]
    Media {
        /// The media directory.
        dir: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An attachment, as posts need it: for featured images, galleries and redirects.
#[derive(Debug, Clone, Default)]
struct Attachment {
    url: String,
    alt: String,
    caption: String,
}

/// What the first pass learnt.
#[derive(Debug, Default)]
struct Survey {
    channel: Channel,
    attachments: HashMap<i64, Attachment>,
    /// Attachments of each post, in file order, for `[gallery]` without ids.
    children: HashMap<i64, Vec<i64>>,
    /// Old addresses of attachment pages, by the post they belong to.
    attachment_pages: HashMap<i64, Vec<String>>,
    /// Terms that items use, whether or not the header lists them.
    item_terms: Vec<ItemTerm>,
    /// Days of date-based permalinks, `/2025/12/05/`.
    days: BTreeSet<String>,
    /// Posts that cannot be imported: offset of their item, id and reason.
    problems: Vec<(u64, String, String)>,
}

/// What an item is to the import.
enum Plan {
    Skip(String),
    Attachment,
    Article(Valid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Post,
    Page,
}

/// An item whose fields were checked.
struct Valid {
    kind: Kind,
    wp_id: i64,
    status: Status,
    published_at: Timestamp,
    modified_at: Timestamp,
    note: Option<&'static str>,
}

/// Imports the WordPress export at `path`, reporting progress as (phase, bytes read,
/// file size).
pub async fn import_wxr(
    store: &dyn Store,
    pages: &PageCache,
    path: &Path,
    options: &WxrOptions,
    now: Timestamp,
    progress: &dyn Fn(Phase, u64, u64),
) -> Result<WxrReport, WxrError> {
    let size = std::fs::metadata(path).map_err(|source| WxrError::Read { path: path.to_owned(), source })?.len();
    let survey = survey(path, options, now, &|read| progress(Phase::Checking, read, size))?;
    let mut report = WxrReport {
        site: survey.channel.title.trim().to_owned(),
        wxr_version: survey.channel.wxr_version.trim().to_owned(),
        problems: problems_with_lines(path, &survey.problems)?,
        ..WxrReport::default()
    };
    if options.all_or_nothing && !report.problems.is_empty() {
        return Err(WxrError::Refused { problems: report.problems });
    }
    let mut import = Import::new(&survey, options);
    store.save_imported_authors(import.authors.values().cloned().collect()).await?;
    report.authors = import.authors.len();
    let site_redirects = import.site_redirects();
    report.redirects += site_redirects.len();
    store.save_redirects(site_redirects).await?;

    let mut reader = WxrReader::new(BufReader::new(open(path)?));
    let mut batch: Vec<(Kind, ImportedArticle)> = Vec::with_capacity(BATCH);
    loop {
        let item = reader.next_item().map_err(|e| read_error(path, e))?;
        let Some(item) = item else { break };
        match plan(&item, &options.tz, now) {
            Ok(Plan::Skip(reason)) => *report.skipped.entry(reason).or_default() += 1,
            Ok(Plan::Attachment) => {
                import.uploads.rewrite_url(&item.attachment_url).map_err(|e| import.media_error(e))?;
            }
            Ok(Plan::Article(valid)) => {
                report.comments += item.comments;
                if let Some(note) = valid.note {
                    *report.notes.entry(note.to_owned()).or_default() += 1;
                }
                let kind = valid.kind;
                let article = import.article(&item, &valid, &mut report)?;
                report.redirects += article.old_paths.len();
                batch.push((kind, article));
            }
            // Named by the first pass already.
            Err(_) => {}
        }
        if batch.len() == BATCH {
            save(store, pages, &mut batch, &mut report, now).await?;
            progress(Phase::Importing, reader.position(), size);
        }
    }
    save(store, pages, &mut batch, &mut report, now).await?;
    progress(Phase::Importing, size, size);

    let media_redirects: Vec<Redirect> =
        import.uploads.moved.iter().map(|(from, to)| Redirect { from: from.clone(), to: to.clone() }).collect();
    report.redirects += media_redirects.len();
    store.save_redirects(media_redirects).await?;
    for (kind, _) in &import.used_tags {
        *report.tags.entry(kind.as_str()).or_default() += 1;
    }
    report.media_copied = import.uploads.copied;
    report.media_present = import.uploads.present;
    report.media_missing = std::mem::take(&mut import.uploads.missing);
    pages.invalidate();
    Ok(report)
}

async fn save(
    store: &dyn Store,
    pages: &PageCache,
    batch: &mut Vec<(Kind, ImportedArticle)>,
    report: &mut WxrReport,
    now: Timestamp,
) -> Result<(), WxrError> {
    if batch.is_empty() {
        return Ok(());
    }
    let (kinds, items): (Vec<Kind>, Vec<ImportedArticle>) = std::mem::take(batch).into_iter().unzip();
    let outcomes = store.save_imported_articles(items, now).await?;
    pages.invalidate();
    for (kind, outcome) in kinds.into_iter().zip(outcomes) {
        match kind {
            Kind::Post => report.posts.add(outcome),
            Kind::Page => report.pages.add(outcome),
        }
    }
    Ok(())
}

fn open(path: &Path) -> Result<File, WxrError> {
    File::open(path).map_err(|source| WxrError::Read { path: path.to_owned(), source })
}

fn read_error(path: &Path, error: ReadError) -> WxrError {
    match error {
        ReadError::Malformed { offset, message } => {
            let line = line_numbers(path, &[offset]).ok().and_then(|lines| lines.first().copied()).unwrap_or(0);
            WxrError::Malformed { path: path.to_owned(), line, message }
        }
        ReadError::NotWxr(message) => {
            WxrError::NotWxr { path: path.to_owned(), message: format!("not a WordPress export (WXR): {message}") }
        }
        ReadError::Io(message) => WxrError::Read { path: path.to_owned(), source: io::Error::other(message) },
    }
}

/// The first pass: checks the whole file and notes what the second needs.
fn survey(path: &Path, options: &WxrOptions, now: Timestamp, progress: &dyn Fn(u64)) -> Result<Survey, WxrError> {
    let mut reader = WxrReader::new(BufReader::new(open(path)?));
    let mut survey = Survey::default();
    let mut items = 0u64;
    let mut seen_terms = HashSet::new();
    while let Some(item) = reader.next_item().map_err(|e| read_error(path, e))? {
        items += 1;
        if items.is_multiple_of(256) {
            progress(reader.position());
        }
        for term in &item.terms {
            if seen_terms.insert((term.domain.clone(), term.slug.clone())) {
                survey.item_terms.push(term.clone());
            }
        }
        match plan(&item, &options.tz, now) {
            Ok(Plan::Attachment) => {
                let Ok(id) = item.post_id.trim().parse::<i64>() else { continue };
                let parent = item.post_parent.trim().parse::<i64>().unwrap_or(0);
                let attachment = Attachment {
                    url: item.attachment_url.trim().to_owned(),
                    alt: item.meta("_wp_attachment_image_alt").unwrap_or_default().to_owned(),
                    caption: item.excerpt.clone(),
                };
                if parent > 0 {
                    survey.children.entry(parent).or_default().push(id);
                    if let Some(old) = old_path(&item.link) {
                        survey.attachment_pages.entry(parent).or_default().push(old);
                    }
                }
                survey.attachments.insert(id, attachment);
            }
            Ok(Plan::Article(valid)) if valid.status == Status::Published => {
                if let Some(day) = old_path(&item.link).as_deref().and_then(day_archive) {
                    survey.days.insert(day.to_owned());
                }
            }
            Ok(_) => {}
            Err(reason) => survey.problems.push((item.offset, item.post_id.trim().to_owned(), reason)),
        }
    }
    progress(reader.position());
    survey.channel = reader.channel().clone();
    Ok(survey)
}

fn problems_with_lines(path: &Path, problems: &[(u64, String, String)]) -> Result<Vec<ItemProblem>, WxrError> {
    if problems.is_empty() {
        return Ok(Vec::new());
    }
    let offsets: Vec<u64> = problems.iter().map(|(offset, _, _)| *offset).collect();
    let lines = line_numbers(path, &offsets).map_err(|source| WxrError::Read { path: path.to_owned(), source })?;
    Ok(problems
        .iter()
        .zip(lines)
        .map(|((_, post_id, reason), line)| ItemProblem { line, post_id: post_id.clone(), reason: reason.clone() })
        .collect())
}

/// The line (from 1) of each byte offset of the file, in the order given.
fn line_numbers(path: &Path, offsets: &[u64]) -> io::Result<Vec<usize>> {
    let mut wanted: Vec<(u64, usize)> = offsets.iter().copied().zip(0..).collect();
    wanted.sort_unstable();
    let mut lines = vec![0; offsets.len()];
    let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
    let (mut position, mut line) = (0u64, 1usize);
    let mut next = wanted.iter().peekable();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut chunk)?;
        for byte in &chunk[..read] {
            while let Some(&(_, index)) = next.next_if(|(offset, _)| *offset <= position) {
                lines[index] = line;
            }
            if *byte == b'\n' {
                line += 1;
            }
            position += 1;
        }
        if read == 0 {
            break;
        }
    }
    for (_, index) in next {
        lines[*index] = line;
    }
    Ok(lines)
}

/// Decides what an item is, checking the fields an article needs.
fn plan(item: &RawItem, tz: &TimeZone, now: Timestamp) -> Result<Plan, String> {
    let kind = match item.post_type.trim() {
        "post" => Kind::Post,
        "page" => Kind::Page,
        "attachment" => return Ok(Plan::Attachment),
        "" => return Err("<wp:post_type> is missing".to_owned()),
        "nav_menu_item" | "wp_navigation" => return Ok(Plan::Skip("menus: Qalam builds its own".to_owned())),
        "revision" => return Ok(Plan::Skip("revisions".to_owned())),
        other => return Ok(Plan::Skip(format!("post type {other}: not imported"))),
    };
    let wp_id = item
        .post_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| format!("<wp:post_id> {:?} is not a post id", item.post_id.trim()))?;
    let protected = !item.post_password.trim().is_empty();
    let (status, note) = match item.status.trim() {
        "publish" | "future" if protected => (Status::Draft, Some("password-protected: imported as drafts")),
        "publish" => (Status::Published, None),
        // Published at its time by `qalam serve`, as WordPress would have.
        "future" => (Status::Scheduled, None),
        "draft" => (Status::Draft, None),
        "pending" => (Status::Draft, Some("pending review: imported as drafts")),
        "private" => (Status::Draft, Some("private: imported as drafts")),
        "auto-draft" => return Ok(Plan::Skip("auto-drafts: never written".to_owned())),
        "trash" => return Ok(Plan::Skip("in the trash".to_owned())),
        "inherit" => return Ok(Plan::Skip("revisions".to_owned())),
        other => {
            return Err(format!(
                "<wp:status> {other:?} is not a WordPress status (publish, future, draft, pending, private)"
            ));
        }
    };
    let gmt = wp_time(&item.post_date_gmt, "<wp:post_date_gmt>", &TimeZone::UTC)?;
    let local = wp_time(&item.post_date, "<wp:post_date>", tz)?;
    let feed_date = jiff::fmt::rfc2822::parse(item.pub_date.trim()).ok().map(|z| z.timestamp());
    let published_at = match gmt.or(local).or(feed_date) {
        Some(at) => at,
        None if status == Status::Draft => now,
        None => return Err("no publication date: <wp:post_date_gmt> and <wp:post_date> are both empty".to_owned()),
    };
    let modified_at = wp_time(&item.post_modified_gmt, "<wp:post_modified_gmt>", &TimeZone::UTC)?
        .or(wp_time(&item.post_modified, "<wp:post_modified>", tz)?)
        .unwrap_or(published_at);
    Ok(Plan::Article(Valid { kind, wp_id, status, published_at, modified_at, note }))
}

/// A WordPress time, `2025-12-05 09:30:00`, in `tz`; `None` for the empty value
/// WordPress writes as `0000-00-00 00:00:00` (a draft's GMT time).
fn wp_time(text: &str, element: &str, tz: &TimeZone) -> Result<Option<Timestamp>, String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000-00-00") {
        return Ok(None);
    }
    let problem = || format!("{element} {text:?} is not a date and time such as 2025-12-05 09:30:00");
    let civil = DateTime::strptime("%Y-%m-%d %H:%M:%S", text).map_err(|_| problem())?;
    tz.to_ambiguous_timestamp(civil).compatible().map(Some).map_err(|_| problem())
}

/// The path (and query) of an address on the old site; `None` for its front page and
/// for `?p=123` forms, which are answered from the post ids.
fn old_path(link: &str) -> Option<String> {
    let link = link.trim();
    let after_scheme = link.split_once("://").map_or(link, |(_, rest)| rest);
    let path = if link.contains("://") { &after_scheme[after_scheme.find('/')?..] } else { after_scheme };
    let path = path.split('#').next().unwrap_or_default();
    (path.starts_with('/') && path != "/" && !path.contains('?')).then(|| path.to_owned())
}

/// `/2025/12/05/slug/` → `/2025/12/05/`.
fn day_archive(path: &str) -> Option<&str> {
    let day = path.get(..12)?;
    let shape =
        day.bytes().enumerate().all(|(i, b)| if [0, 5, 8, 11].contains(&i) { b == b'/' } else { b.is_ascii_digit() });
    shape.then_some(day)
}

/// Decodes `%XX` escapes (WordPress keeps non-ASCII slugs percent-encoded).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A slug for an article, tag or author: from the first candidate that makes one with
/// a letter in it (a slug of digits alone, as a Greek title leaves, names nothing).
fn slug_from(candidates: &[&str]) -> Option<Slug> {
    candidates
        .iter()
        .filter_map(|text| Slug::from_text(&percent_decode(text)))
        .find(|slug| slug.as_str().bytes().any(|b| b.is_ascii_alphabetic()))
}

/// The country a name or slug stands for.
fn country_named(text: &str) -> Option<&'static str> {
    let slug = slugify(&percent_decode(text));
    COUNTRIES.iter().find(|(_, aliases)| aliases.contains(&slug.as_str())).map(|(name, _)| *name)
}

/// The language a plugin's code names: `ru`, `ru_RU`, `kk-KZ`.
fn language_code(code: &str) -> Option<Language> {
    code.split(['-', '_']).next().and_then(Language::parse)
}

/// FNV-1a over the fields, with a separator so that `("ab", "c")` ≠ `("a", "bc")`.
fn fingerprint<'a>(fields: impl IntoIterator<Item = &'a [u8]>) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for field in fields {
        for byte in field.iter().chain(&[0xff]) {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    i64::from_le_bytes(hash.to_le_bytes())
}

/// The second pass's state: lookups built from the survey, and what was used.
struct Import<'s> {
    survey: &'s Survey,
    options: &'s WxrOptions,
    authors: BTreeMap<String, ImportedAuthor>,
    /// Category and tag terms by `(taxonomy, decoded lowercase slug)`.
    terms: HashMap<(String, String), Option<TagRef>>,
    default_language: Language,
    uploads: Uploads,
    used_tags: HashSet<(TagKind, Slug)>,
}

impl<'s> Import<'s> {
    fn new(survey: &'s Survey, options: &'s WxrOptions) -> Self {
        let channel = &survey.channel;
        let mut authors = BTreeMap::new();
        for user in &channel.authors {
            let full_name = format!("{} {}", user.first_name.trim(), user.last_name.trim());
            let name = [user.display_name.as_str(), full_name.trim(), user.login.as_str()]
                .into_iter()
                .map(plain_text)
                .find(|n| !n.is_empty());
            let Some(name) = name else { continue };
            let Some(slug) = slug_from(&[&name, &user.login]) else { continue };
            let email = Some(user.email.trim().to_owned()).filter(|e| !e.is_empty());
            authors.insert(
                user.login.trim().to_owned(),
                ImportedAuthor { login: user.login.trim().to_owned(), email, author: AuthorRef { slug, name } },
            );
        }
        let mut terms = HashMap::new();
        let header = channel.terms.iter().map(|t| (t.taxonomy.as_str(), t.slug.as_str(), t.name.as_str()));
        let used = survey.item_terms.iter().map(|t| (t.domain.as_str(), t.slug.as_str(), t.name.as_str()));
        for (taxonomy, slug, name) in header.chain(used) {
            let key = (taxonomy.to_owned(), percent_decode(slug).to_lowercase());
            terms.entry(key).or_insert_with(|| term_tag(taxonomy, slug, name, &options.categories));
        }
        let sites = [channel.base_blog_url.as_str(), channel.base_site_url.as_str(), channel.link.as_str()];
        let uploads = Uploads::new(
            options.uploads.clone(),
            options.media_dir.clone(),
            &sites,
            survey.attachments.values().map(|a| a.url.as_str()),
        );
        Self {
            survey,
            options,
            authors,
            terms,
            default_language: language_code(&channel.language).unwrap_or_else(Language::english),
            uploads,
            used_tags: HashSet::new(),
        }
    }

    fn media_error(&self, source: io::Error) -> WxrError {
        WxrError::Media { dir: self.options.media_dir.clone(), source }
    }

    /// Redirects that do not depend on one post: archives of categories, tags, authors
    /// and days, and the site's feeds.
    fn site_redirects(&self) -> Vec<Redirect> {
        let survey = self.survey;
        let mut redirects: BTreeMap<String, String> = BTreeMap::new();
        let channel = &survey.channel;
        for term in &channel.terms {
            let key = (term.taxonomy.clone(), percent_decode(&term.slug).to_lowercase());
            let Some(Some(tag)) = self.terms.get(&key) else { continue };
            let to = format!("/{}/{}/", tag.kind.path_segment(), tag.slug);
            match term.taxonomy.as_str() {
                "category" => {
                    redirects.insert(format!("/category/{}/", term.slug), to.clone());
                    let mut chain = vec![term.slug.as_str()];
                    let mut parent = term.parent.as_str();
                    while !parent.is_empty() && chain.len() < 16 {
                        chain.push(parent);
                        parent = channel.terms.iter().find(|t| t.slug == parent).map_or("", |t| t.parent.as_str());
                    }
                    chain.reverse();
                    redirects.insert(format!("/category/{}/", chain.join("/")), to.clone());
                    if let Some(id) = term.id {
                        redirects.insert(format!("/?cat={id}"), to);
                    }
                }
                "post_tag" => {
                    redirects.insert(format!("/tag/{}/", term.slug), to.clone());
                    redirects.insert(format!("/?tag={}", term.slug), to);
                }
                _ => {}
            }
        }
        for term in &survey.item_terms {
            let key = (term.domain.clone(), percent_decode(&term.slug).to_lowercase());
            if let Some(Some(tag)) = self.terms.get(&key) {
                let base = if term.domain == "category" { "category" } else { "tag" };
                let to = format!("/{}/{}/", tag.kind.path_segment(), tag.slug);
                redirects.entry(format!("/{base}/{}/", term.slug)).or_insert(to);
            }
        }
        for user in &channel.authors {
            let Some(imported) = self.authors.get(user.login.trim()) else { continue };
            let to = imported.author.slug.path_under(AUTHOR_ARCHIVE);
            redirects.insert(format!("/author/{}/", wordpress_nicename(&user.login)), to.clone());
            if let Some(id) = user.id {
                redirects.insert(format!("/?author={id}"), to);
            }
        }
        for day in &survey.days {
            redirects.insert(day.clone(), day[..9].to_owned());
        }
        for feed in ["/feed/rss2/", "/feed/rss/", "/feed/rdf/", "/comments/feed/"] {
            redirects.insert(feed.to_owned(), "/feed/".to_owned());
        }
        redirects.insert("/feed/atom/".to_owned(), "/atom.xml".to_owned());
        redirects
            .into_iter()
            .filter(|(from, to)| percent_decode(from).to_lowercase() != *to)
            .map(|(from, to)| Redirect { from, to })
            .collect()
    }

    /// A post or page as an article to store.
    fn article(&mut self, item: &RawItem, valid: &Valid, report: &mut WxrReport) -> Result<ImportedArticle, WxrError> {
        let mut title: String = plain_text(&item.title).chars().take(MAX_TITLE_CHARS).collect();
        if title.is_empty() {
            "Untitled".clone_into(&mut title);
            *report.notes.entry("no title: called \u{201c}Untitled\u{201d}".to_owned()).or_default() += 1;
        }
        let kind_word = if valid.kind == Kind::Page { "page" } else { "post" };
        let mut slug = slug_from(&[&item.post_name, &title])
            .or_else(|| Slug::parse(&format!("{kind_word}-{}", valid.wp_id)).ok())
            .ok_or_else(|| WxrError::Store(StoreError::Invalid(format!("no slug for post {}", valid.wp_id))))?;
        if RESERVED_SLUGS.contains(&slug.as_str())
            && let Ok(suffixed) = Slug::parse(&format!("{slug}-{}", valid.wp_id))
        {
            slug = suffixed;
        }

        let survey = self.survey;
        let wp_id = valid.wp_id;
        let gallery = |ids: Option<&[i64]>| {
            let ids = ids.map_or_else(|| survey.children.get(&wp_id).cloned().unwrap_or_default(), <[i64]>::to_vec);
            ids.iter()
                .filter_map(|id| survey.attachments.get(id))
                .filter(|a| is_image(&a.url))
                .map(|a| GalleryImage { url: a.url.clone(), alt: a.alt.clone(), caption: a.caption.clone() })
                .collect()
        };
        let cleaned = clean_content(&item.content, &gallery);
        for name in cleaned.unknown_shortcodes {
            *report.shortcodes.entry(name).or_default() += 1;
        }
        let html = self.uploads.rewrite_html(&cleaned.html).map_err(|e| self.media_error(e))?;
        let body = Body::from_source(BodySource::Html(html));

        let featured_image = match item.meta("_thumbnail_id").and_then(|id| id.trim().parse::<i64>().ok()) {
            Some(id) => match survey.attachments.get(&id) {
                Some(attachment) => Some(
                    self.uploads
                        .rewrite_url(&attachment.url)
                        .map_err(|e| self.media_error(e))?
                        .unwrap_or_else(|| attachment.url.clone()),
                ),
                None => None,
            },
            None => None,
        };

        let mut authors = Vec::new();
        let login = item.creator.trim();
        if let Some(imported) = self.authors.get(login) {
            authors.push(imported.author.clone());
        } else if let Some(slug) = slug_from(&[login]) {
            authors.push(AuthorRef { slug, name: login.to_owned() });
        }

        let mut language = None;
        let mut tags: Vec<TagRef> = Vec::new();
        for term in &item.terms {
            if term.domain == "language" {
                language = language.or_else(|| language_code(&percent_decode(&term.slug)));
                continue;
            }
            let key = (term.domain.clone(), percent_decode(&term.slug).to_lowercase());
            let tag = match self.terms.get(&key) {
                Some(tag) => tag.clone(),
                None => term_tag(&term.domain, &term.slug, &term.name, &self.options.categories),
            };
            if let Some(tag) = tag
                && !tags.iter().any(|t| t.kind == tag.kind && t.slug == tag.slug)
            {
                tags.push(tag);
            }
        }
        // Countries first, then sections, then topics: the order pages show them in.
        tags.sort_by_key(|t| TagKind::ALL.iter().position(|k| *k == t.kind));
        let language = language
            .or_else(|| {
                ["_wpml_import_language_code", "_wpml_language"]
                    .iter()
                    .find_map(|k| item.meta(k))
                    .and_then(language_code)
            })
            .unwrap_or_else(|| self.default_language.clone());
        for tag in &tags {
            self.used_tags.insert((tag.kind, tag.slug.clone()));
        }

        let mut old_paths: Vec<String> = Vec::new();
        if let Some(link) = old_path(&item.link) {
            for (key, value) in &item.meta {
                if key == "_wp_old_slug"
                    && let Some((dir, _)) = link.trim_end_matches('/').rsplit_once('/')
                {
                    old_paths.push(format!("{dir}/{}/", value.trim()));
                }
            }
            old_paths.push(link);
        }
        if let Some(pages) = survey.attachment_pages.get(&wp_id) {
            old_paths.extend(pages.iter().cloned());
        }
        old_paths.retain(|path| *path != format!("/{slug}/"));

        let draft = ArticleDraft {
            slug,
            title,
            dek: None,
            body,
            excerpt: Some(plain_text(&item.excerpt)).filter(|e| !e.is_empty()),
            status: valid.status,
            published_at: valid.published_at,
            language,
            featured_image,
            authors,
            tags,
        };
        let published = draft.published_at.as_second().to_le_bytes();
        let modified = valid.modified_at.as_second().to_le_bytes();
        let id = wp_id.to_le_bytes();
        let people = draft.authors.iter().flat_map(|a| [a.slug.as_str().as_bytes(), a.name.as_bytes()]);
        let filed =
            draft.tags.iter().flat_map(|t| [t.kind.as_str().as_bytes(), t.slug.as_str().as_bytes(), t.name.as_bytes()]);
        let fingerprint = fingerprint(
            [
                &id[..],
                draft.slug.as_str().as_bytes(),
                draft.title.as_bytes(),
                draft.body.html.as_bytes(),
                draft.excerpt.as_deref().unwrap_or_default().as_bytes(),
                draft.status.as_str().as_bytes(),
                &published[..],
                &modified[..],
                draft.language.as_str().as_bytes(),
                draft.featured_image.as_deref().unwrap_or_default().as_bytes(),
            ]
            .into_iter()
            .chain(people)
            .chain(filed)
            .chain(old_paths.iter().map(|p| p.as_bytes())),
        );
        Ok(ImportedArticle { wp_id, draft, modified_at: valid.modified_at, fingerprint, old_paths })
    }
}

/// The tag a WordPress term becomes: a category a section (or a country when named after
/// one, or as mapped), a tag a topic; other taxonomies and "Uncategorized" none.
fn term_tag(taxonomy: &str, slug: &str, name: &str, mappings: &[CategoryMapping]) -> Option<TagRef> {
    let decoded = percent_decode(slug);
    let name = plain_text(name);
    match taxonomy {
        "category" => {
            if decoded.eq_ignore_ascii_case("uncategorized") {
                return None;
            }
            let mapping = mappings
                .iter()
                .find(|m| m.category.eq_ignore_ascii_case(&decoded) || m.category.eq_ignore_ascii_case(slug.trim()));
            let (kind, name) = match mapping {
                Some(m) => (m.kind, m.name.clone().unwrap_or(name)),
                None => match country_named(&name).or_else(|| country_named(&decoded)) {
                    Some(country) => (TagKind::Country, country.to_owned()),
                    None => (TagKind::Section, name),
                },
            };
            let canonical = (kind == TagKind::Country).then(|| country_named(&name)).flatten();
            let name = canonical.map_or(name, str::to_owned);
            let slug = if canonical.is_some() { slug_from(&[&name]) } else { slug_from(&[&decoded, &name]) }?;
            let name = if name.is_empty() { slug.to_string() } else { name };
            Some(TagRef { kind, slug, name })
        }
        "post_tag" => {
            let slug = slug_from(&[&decoded, &name])?;
            let name = if name.is_empty() { slug.to_string() } else { name };
            Some(TagRef { kind: TagKind::Topic, slug, name })
        }
        _ => None,
    }
}

/// The slug WordPress gives a user's archive (`user_nicename`): the login, lowercased,
/// with dots and spaces as hyphens and anything else but letters, digits, `_` and `-` gone.
fn wordpress_nicename(login: &str) -> String {
    let mut out = String::with_capacity(login.len());
    for c in login.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' | '_' => out.push(c),
            '-' | '.' | ' ' if !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    out.trim_matches('-').to_owned()
}

fn is_image(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"].iter().any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(post_type: &str, status: &str) -> RawItem {
        RawItem {
            post_type: post_type.into(),
            status: status.into(),
            post_id: "12".into(),
            post_date: "2025-12-05 14:30:00".into(),
            post_date_gmt: "2025-12-05 09:30:00".into(),
            ..RawItem::default()
        }
    }

    fn valid(item: &RawItem) -> Valid {
        let tz = TimeZone::get("Asia/Almaty").expect("tz");
        match plan(item, &tz, Timestamp::UNIX_EPOCH) {
            Ok(Plan::Article(valid)) => valid,
            Ok(_) => panic!("not an article"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn statuses_map_to_qalams() {
        assert_eq!(valid(&item("post", "publish")).status, Status::Published);
        assert_eq!(valid(&item("post", "future")).status, Status::Scheduled);
        assert_eq!(valid(&item("page", "draft")).status, Status::Draft);
        let private = valid(&item("post", "private"));
        assert_eq!((private.status, private.note), (Status::Draft, Some("private: imported as drafts")));
        let mut protected = item("post", "publish");
        protected.post_password = "enter".into();
        assert_eq!(valid(&protected).status, Status::Draft);
        let tz = TimeZone::UTC;
        assert!(matches!(plan(&item("post", "trash"), &tz, Timestamp::UNIX_EPOCH), Ok(Plan::Skip(_))));
        assert!(matches!(plan(&item("nav_menu_item", "publish"), &tz, Timestamp::UNIX_EPOCH), Ok(Plan::Skip(_))));
        let err = plan(&item("post", "live"), &tz, Timestamp::UNIX_EPOCH).err().expect("refused");
        assert!(err.contains("<wp:status>"), "{err}");
    }

    #[test]
    fn the_gmt_date_wins_and_a_draft_falls_back_to_local_time() {
        assert_eq!(valid(&item("post", "publish")).published_at.to_string(), "2025-12-05T09:30:00Z");
        let mut draft = item("post", "draft");
        draft.post_date_gmt = "0000-00-00 00:00:00".into();
        assert_eq!(valid(&draft).published_at.to_string(), "2025-12-05T09:30:00Z", "14:30 in Almaty (+05)");
        let mut bad = item("post", "publish");
        bad.post_date_gmt = "yesterday".into();
        let err = plan(&bad, &TimeZone::UTC, Timestamp::UNIX_EPOCH).err().expect("refused");
        assert!(err.contains("<wp:post_date_gmt> \"yesterday\""), "{err}");
    }

    #[test]
    fn categories_named_after_a_country_become_that_country() {
        let kz = term_tag("category", "%d0%ba%d0%b0%d0%b7%d0%b0%d1%85%d1%81%d1%82%d0%b0%d0%bd", "Казахстан", &[])
            .expect("tag");
        assert_eq!((kz.kind, kz.slug.as_str(), kz.name.as_str()), (TagKind::Country, "kazakhstan", "Kazakhstan"));
        let economy = term_tag("category", "economy", "Economy &amp; Trade", &[]).expect("tag");
        assert_eq!((economy.kind, economy.name.as_str()), (TagKind::Section, "Economy & Trade"));
        assert!(term_tag("category", "uncategorized", "Uncategorized", &[]).is_none());
        let mapped =
            CategoryMapping { category: "kz-news".into(), kind: TagKind::Country, name: Some("Kazakhstan".into()) };
        let tag = term_tag("category", "kz-news", "KZ", &[mapped]).expect("tag");
        assert_eq!((tag.kind, tag.slug.as_str()), (TagKind::Country, "kazakhstan"));
        assert_eq!(term_tag("post_tag", "zerno", "Зерно", &[]).expect("tag").kind, TagKind::Topic);
        assert!(term_tag("post_format", "post-format-gallery", "Gallery", &[]).is_none());
    }

    #[test]
    fn old_addresses_are_paths_on_the_old_site() {
        assert_eq!(old_path("https://a.example/2025/12/05/x/").as_deref(), Some("/2025/12/05/x/"));
        assert_eq!(old_path("https://a.example/?p=12"), None);
        assert_eq!(old_path("https://a.example"), None);
        assert_eq!(day_archive("/2025/12/05/x/"), Some("/2025/12/05/"));
        assert_eq!(day_archive("/about/team/x/"), None);
        assert_eq!(wordpress_nicename("John.Doe Jr@x"), "john-doe-jrx");
    }

    #[test]
    fn slugs_come_from_percent_encoded_names_and_need_a_letter() {
        let slug = slug_from(&["%d1%82%d0%be%d0%ba%d0%b0%d0%b5%d0%b2", "x"]).expect("slug");
        assert_eq!(slug.as_str(), "tokaev");
        assert_eq!(slug_from(&["%ce%b5%cf%80%ce%af-2", "Level 2"]).expect("slug").as_str(), "level-2");
    }

    #[test]
    fn line_numbers_follow_offsets_in_any_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f.xml");
        std::fs::write(&path, "a\nbb\nccc\n").expect("write");
        assert_eq!(line_numbers(&path, &[6, 0, 2, 100]).expect("lines"), [3, 1, 2, 4]);
    }
}

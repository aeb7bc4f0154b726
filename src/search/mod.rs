//! Full-text search: a tantivy index in `DATA_DIR/search/`, kept in step with the store
//! (which stays the source of truth) by the one task that owns the [`Indexer`].
//!
//! Opening checks the index on disk (present, readable, checksums intact, written with
//! this build's schema and analysis); an index that fails is replaced by an empty one and
//! the caller is told why, so that it can be refilled from the store while the site keeps
//! serving. Readers reload after every commit.

pub mod analysis;
mod bits;
pub mod highlight;
mod maxscore;
mod pairs;
pub mod query;
mod schema;
mod searcher;
mod top;
mod warmed;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy, Warmer};

use schema::{Fields, INDEX_FORMAT};
use warmed::Warmed;

pub use highlight::HighlightTerms;
pub use query::ParsedQuery;
pub use searcher::{SearchHits, SearchRequest, SortOrder};
pub use writer::{Indexer, Stamp};

/// Folder of the index inside the data directory.
pub const INDEX_DIR: &str = "search";

/// A failure of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Another process (a running server) owns the index writer.
    #[error("the search index in {0} is being written by another process (is `qalam serve` running on it?)")]
    Locked(PathBuf),
    /// The directory could not be prepared.
    #[error("cannot prepare the search index directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The engine failed.
    #[error("search index: {0}")]
    Engine(#[from] tantivy::TantivyError),
}

/// How results are ranked. Scores are BM25 relevance; the weights say how much each
/// kind of match counts, and the freshness boost multiplies a result's relevance by
/// `1 + freshness_weight × 0.5^(age in days / freshness_half_life_days)`, so that between
/// two equally relevant articles the newer wins, while a much more relevant old article
/// still beats a barely relevant new one. Read from the `[search]` table of the
/// settings, where each weight is documented for the newsroom (README, "Search").
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ranking {
    /// Weight of a match in the headline, against 1 for the dek and body.
    pub title_boost: f32,
    /// Weight of a match in tags, country or author names.
    pub meta_boost: f32,
    /// Share of the score a match only through the Latin key keeps (`Токаев` for
    /// `Tokayev`), so that exact matches rank first.
    pub key_weight: f32,
    /// Score of a match only through typo tolerance, below any exact or folded match.
    pub fuzzy_score: f32,
    /// Largest extra share freshness adds (0.5: a new article counts up to 1.5×).
    pub freshness_weight: f32,
    /// Days after which the freshness boost has halved.
    pub freshness_half_life_days: f32,
}

impl Default for Ranking {
    fn default() -> Self {
        Self {
            title_boost: 3.0,
            meta_boost: 2.0,
            key_weight: 0.5,
            fuzzy_score: 0.2,
            freshness_weight: 0.5,
            freshness_half_life_days: 30.0,
        }
    }
}

impl Ranking {
    /// Why these weights cannot rank, if they cannot: each must be a finite number, none
    /// negative, the shares at most 1 and the half-life above zero.
    pub fn problem(&self) -> Option<String> {
        let weights = [
            ("title_boost", self.title_boost),
            ("meta_boost", self.meta_boost),
            ("key_weight", self.key_weight),
            ("fuzzy_score", self.fuzzy_score),
            ("freshness_weight", self.freshness_weight),
            ("freshness_half_life_days", self.freshness_half_life_days),
        ];
        if let Some((name, _)) = weights.iter().find(|(_, w)| !w.is_finite() || *w < 0.0) {
            return Some(format!("search.{name} must be a number of 0 or more"));
        }
        if let Some((name, _)) = weights[2..4].iter().find(|(_, w)| *w > 1.0) {
            return Some(format!("search.{name} must be between 0 and 1"));
        }
        (self.freshness_half_life_days <= 0.0).then(|| "search.freshness_half_life_days must be above 0".to_owned())
    }

    /// The freshness multiplier for an article `age_seconds` old.
    pub fn freshness(&self, age_seconds: i64) -> f32 {
        let days = age_seconds.max(0) as f32 / 86_400.0;
        1.0 + self.freshness_weight * (-days / self.freshness_half_life_days.max(0.01)).exp2()
    }
}

/// What opening found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A usable index.
    Existing,
    /// No index: an empty one was created.
    Created,
    /// An unusable index (the reason given) was replaced by an empty one.
    Replaced(String),
}

/// Why an index on disk cannot be used.
enum Problem {
    Missing,
    Unusable(String),
}

/// The search index: its readers, and the means to obtain its one writer.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    ranking: Ranking,
    /// The reader's warmer: each segment's common terms and dates.
    warmed: Arc<Warmed>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`. An index that is missing, unreadable, damaged or written
    /// by another version is replaced by an empty one, and the answer says so.
    pub fn open(dir: &Path, ranking: Ranking) -> Result<(Self, Opened), SearchError> {
        let (schema, fields) = Fields::schema();
        let opened = match Self::open_existing(dir, fields, ranking) {
            Ok(index) => return Ok((index, Opened::Existing)),
            Err(Problem::Missing) => Opened::Created,
            Err(Problem::Unusable(why)) => Opened::Replaced(why),
        };
        let directory_error = |source| SearchError::Directory { path: dir.to_owned(), source };
        match std::fs::remove_dir_all(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(directory_error(e)),
        }
        std::fs::create_dir_all(dir).map_err(directory_error)?;
        let index = Index::create_in_dir(dir, schema)?;
        Ok((Self::with_index(dir, index, fields, ranking)?, opened))
    }

    fn open_existing(dir: &Path, fields: Fields, ranking: Ranking) -> Result<Self, Problem> {
        if !dir.join("meta.json").exists() {
            return Err(Problem::Missing);
        }
        let unreadable = |e: tantivy::TantivyError| Problem::Unusable(format!("unreadable ({e})"));
        let directory = MmapDirectory::open(dir).map_err(|e| Problem::Unusable(format!("unreadable ({e})")))?;
        let index = Index::open(directory).map_err(unreadable)?;
        if index.schema() != Fields::schema().0 {
            return Err(Problem::Unusable("written with another schema".to_owned()));
        }
        let format = index.load_metas().map_err(unreadable)?.payload;
        if format.as_deref() != Some(INDEX_FORMAT) {
            return Err(Problem::Unusable(format!(
                "in format {} where this build writes {INDEX_FORMAT}",
                format.as_deref().unwrap_or("unknown")
            )));
        }
        let damaged = index.validate_checksum().map_err(|e| Problem::Unusable(format!("damaged ({e})")))?;
        if !damaged.is_empty() {
            let names: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
            return Err(Problem::Unusable(format!("damaged (bad checksums in {})", names.join(", "))));
        }
        Self::with_index(dir, index, fields, ranking).map_err(|e| Problem::Unusable(format!("unreadable ({e})")))
    }

    fn with_index(dir: &Path, index: Index, fields: Fields, ranking: Ranking) -> Result<Self, SearchError> {
        analysis::register(index.tokenizers());
        let warmed = Arc::new(Warmed::new(fields.counted()));
        let warmer: Arc<dyn Warmer> = warmed.clone();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .warmers(vec![Arc::downgrade(&warmer)])
            .try_into()?;
        Ok(Self { dir: dir.to_owned(), index, reader, fields, ranking, warmed })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Articles in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no article.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

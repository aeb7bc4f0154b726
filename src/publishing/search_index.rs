//! Keeping the search index in step with the store, which stays the source of truth.
//!
//! The index is not told about each save; it compares itself with the store. Every
//! article whose status is published is indexed at the version the store holds (its
//! `updated_at` and `published_at`); anything else is removed. This one mechanism
//! covers a publish, an update, an unpublish or a delete made by this process, by a
//! command-line import in another process, or while no server was running, and it
//! refills an index that was missing or damaged. An article scheduled for later is
//! indexed already; searches leave it out until its time.
//!
//! Versions are compared to the second, so an article saved twice within one second
//! would look unchanged the second time: an article indexed during the very second of
//! its last change is therefore indexed again at the next comparison.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::domain::article::Status;
use crate::search::{Indexer, Stamp};
use crate::store::{ArticleStamp, Store};

/// Articles read from the store at a time.
const BATCH: usize = 500;

/// Articles indexed between two commits during a long catch-up, so that a rebuilding
/// index already answers with what it has.
const COMMIT_EVERY: usize = 2000;

/// What one comparison changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Articles (re)indexed.
    pub indexed: usize,
    /// Articles removed from the index.
    pub removed: usize,
}

impl SyncReport {
    /// Whether the index changed.
    pub fn changed(&self) -> bool {
        self.indexed + self.removed > 0
    }
}

/// How long the index counts as caught up after the writer last saw it in step with the
/// store: a change made since is normally indexed within a few polls, so readiness does
/// not flicker on every publish, while a writer that is stuck or failing is noticed.
pub const IN_STEP_GRACE: Duration = Duration::from_secs(3);

/// How far this process's search index has followed the store, written by the index
/// writer and read by readiness checks and metrics.
#[derive(Debug, Default)]
pub struct IndexProgress {
    state: Mutex<ProgressState>,
}

#[derive(Debug, Default)]
struct ProgressState {
    /// Whether this process could not take the index writer.
    not_kept: bool,
    /// The content version the index last matched, and when that was confirmed.
    in_step: Option<(i64, Instant)>,
    /// Articles still to (re)index or remove in the comparison under way.
    behind: u64,
}

/// Whether the index has caught up with the store, as [`IndexProgress::status`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexStatus {
    /// In step with the store, or was so moments ago.
    CaughtUp,
    /// Behind the store: `versions` content versions, `articles` articles still to do
    /// in the comparison under way.
    Behind {
        /// Content versions between the store and what the index last matched (the
        /// whole store version when it never matched).
        versions: i64,
        /// Articles left in the comparison under way.
        articles: u64,
    },
    /// This process does not write its index (another process holds the writer), so it
    /// cannot tell.
    NotKept,
}

impl IndexProgress {
    /// Records that this process could not take the index writer.
    pub fn not_kept(&self) {
        self.lock().not_kept = true;
    }

    /// Records that the index matches the store at content version `version`.
    pub fn in_step(&self, version: i64) {
        let mut state = self.lock();
        state.in_step = Some((version, Instant::now()));
        state.behind = 0;
    }

    fn behind(&self, articles: usize) {
        self.lock().behind = articles as u64;
    }

    /// The index's state against the store's current content version.
    pub fn status(&self, store_version: i64) -> IndexStatus {
        let state = self.lock();
        if state.not_kept {
            return IndexStatus::NotKept;
        }
        match state.in_step {
            Some((version, _)) if version == store_version => IndexStatus::CaughtUp,
            Some((_, at)) if at.elapsed() < IN_STEP_GRACE => IndexStatus::CaughtUp,
            Some((version, _)) => {
                IndexStatus::Behind { versions: store_version.saturating_sub(version).max(1), articles: state.behind }
            }
            None => IndexStatus::Behind { versions: store_version.max(1), articles: state.behind },
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ProgressState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The memory of one process's index writer between comparisons.
#[derive(Debug)]
pub struct IndexSync {
    /// When (by the application's clock) each article was last indexed here.
    indexed_at: HashMap<i64, Timestamp>,
    /// Where the comparison under way reports how much is left.
    progress: Arc<IndexProgress>,
}

impl IndexSync {
    /// A writer's memory that reports its progress to `progress`.
    pub fn new(progress: Arc<IndexProgress>) -> Self {
        Self { indexed_at: HashMap::new(), progress }
    }

    /// Brings the index up to date with the store and commits. Indexing is CPU work that
    /// blocks: run this on a thread of its own, not on the async runtime's workers.
    pub async fn reconcile(
        &mut self,
        store: &dyn Store,
        indexer: &mut Indexer,
        now: Timestamp,
    ) -> anyhow::Result<SyncReport> {
        let stamps = store.article_stamps().await?;
        let indexed = indexer.stamps()?;
        let mut listed = HashSet::with_capacity(stamps.len());
        let mut stale = Vec::new();
        for stamp in stamps.iter().filter(|s| s.listed) {
            listed.insert(stamp.id);
            let version =
                Stamp { updated_at: stamp.updated_at.as_second(), published_at: stamp.published_at.as_second() };
            let current = indexed.get(&stamp.id) == Some(&version);
            let same_second = self.indexed_at.get(&stamp.id).is_some_and(|at| at.as_second() <= version.updated_at);
            if !current || same_second {
                stale.push(stamp.id);
            }
        }
        let mut report = SyncReport::default();
        for id in indexed.keys().filter(|id| !listed.contains(id)) {
            indexer.remove(*id);
            self.indexed_at.remove(id);
            report.removed += 1;
        }
        let mut uncommitted = report.removed;
        let mut left = stale.len();
        self.progress.behind(left);
        for ids in stale.chunks(BATCH) {
            for article in store.articles_by_id(ids).await? {
                if article.status == Status::Published {
                    indexer.upsert(&article)?;
                    self.indexed_at.insert(article.id, now);
                    report.indexed += 1;
                } else {
                    indexer.remove(article.id);
                    self.indexed_at.remove(&article.id);
                }
                uncommitted += 1;
            }
            if uncommitted >= COMMIT_EVERY {
                indexer.commit()?;
                uncommitted = 0;
            }
            left -= ids.len();
            self.progress.behind(left);
        }
        if uncommitted > 0 {
            indexer.commit()?;
        }
        Ok(report)
    }
}

/// Empties the index and indexes every published article again, calling `progress` with
/// the articles done and the total; returns how many were indexed. Blocks like
/// [`IndexSync::reconcile`]. The next batch is read from the store on a thread of its
/// own while this one is indexed.
pub async fn rebuild_index(
    store: &dyn Store,
    indexer: &mut Indexer,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<u64> {
    // Oldest first, so that document numbers follow publication times, as they do for
    // articles published afterwards: the ranking passes over runs of articles too old to
    // enter the results.
    let mut stamps: Vec<ArticleStamp> = store.article_stamps().await?.into_iter().filter(|s| s.listed).collect();
    stamps.sort_by_key(|s| (s.published_at, s.id));
    let ids: Vec<i64> = stamps.into_iter().map(|s| s.id).collect();
    let total = ids.len() as u64;
    indexer.clear()?;
    progress(0, total);
    let runtime = tokio::runtime::Handle::current();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (batches, read) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for batch in ids.chunks(BATCH) {
                let articles = runtime.block_on(store.articles_by_id(batch));
                let failed = articles.is_err();
                // The indexing side hung up after a failure of its own.
                if batches.send((batch.len() as u64, articles)).is_err() || failed {
                    break;
                }
            }
        });
        let mut done = 0;
        for (size, articles) in read {
            for article in articles? {
                if article.status == Status::Published {
                    indexer.add(&article)?;
                }
            }
            done += size;
            progress(done, total);
        }
        Ok(())
    })?;
    indexer.commit()?;
    indexer.merge_segments()?;
    Ok(indexer.len())
}

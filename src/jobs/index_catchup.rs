//! The search index's one writer, on a thread of its own while the site serves.
//!
//! Five times a second it reads the store's content version (a counter every change
//! bumps, in any process); when it moved, it compares the index with the store and
//! brings it up to date ([`IndexSync::reconcile`]), commits and reloads the readers.
//! So a publish, an update, an unpublish or a delete, made here or by a command-line
//! import in another process, reaches search results well within a second; and an index
//! that start-up found missing or damaged is refilled while the site serves.
//!
//! The command line never writes the index while a server runs: the server holds the
//! writer lock, and catches up with what the command changed.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;

use crate::app::App;
use crate::publishing::search_index::IndexSync;
use crate::search::{Indexer, SearchError};

/// How often the store's content version is read.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Keeps the index current until dropped or stopped.
#[derive(Debug)]
pub struct IndexKeeper {
    stop: Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl IndexKeeper {
    /// Stops keeping the index current and waits for a comparison under way to end, so
    /// that nothing writes the index once the server has stopped.
    pub async fn stop(self) {
        drop(self.stop);
        let thread = self.thread;
        if !matches!(tokio::task::spawn_blocking(move || thread.join()).await, Ok(Ok(()))) {
            tracing::warn!("the search index keeper did not stop cleanly");
        }
    }
}

/// Takes the index writer and starts keeping the index current; `None` (with a log
/// line) when another process holds the writer or no thread can be started. Must be
/// called from within the async runtime, whose handle the thread uses to read the store.
pub fn keep_index_current(app: Arc<App>) -> Option<IndexKeeper> {
    let indexer = match app.search.indexer() {
        Ok(indexer) => indexer,
        Err(e @ SearchError::Locked(_)) => {
            app.index_progress.not_kept();
            tracing::warn!(error = %e, "search results follow that process's index; this one will not write it");
            return None;
        }
        Err(e) => {
            app.index_progress.not_kept();
            tracing::error!(error = %e, "cannot write the search index; search results will not follow changes");
            return None;
        }
    };
    let runtime = match Handle::try_current() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "the search index keeper needs the async runtime");
            return None;
        }
    };
    let (stop, stopped) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("search-index".to_owned())
        .spawn(move || keep_current(&app, indexer, &runtime, &stopped));
    match spawned {
        Ok(thread) => Some(IndexKeeper { stop, thread }),
        Err(e) => {
            tracing::error!(error = %e, "cannot start the search index keeper");
            None
        }
    }
}

fn keep_current(app: &App, mut indexer: Indexer, runtime: &Handle, stopped: &Receiver<()>) {
    let mut sync = IndexSync::new(Arc::clone(&app.index_progress));
    let mut seen = None;
    let mut first = true;
    loop {
        let version = runtime.block_on(app.store.content_version()).ok();
        if first || version.is_none() || version != seen {
            let started = Instant::now();
            let reconciled = runtime.block_on(sync.reconcile(app.store.as_ref(), &mut indexer, app.now()));
            app.metrics.record_job("search_index_update", reconciled.is_ok());
            match reconciled {
                Ok(report) => {
                    seen = version;
                    if let Some(version) = version {
                        app.index_progress.in_step(version);
                    }
                    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    if first {
                        tracing::info!(
                            articles = indexer.len(),
                            indexed = report.indexed,
                            removed = report.removed,
                            elapsed_ms,
                            "search index is up to date"
                        );
                    } else if report.changed() {
                        tracing::debug!(
                            indexed = report.indexed,
                            removed = report.removed,
                            elapsed_ms,
                            "search index updated"
                        );
                    }
                    first = false;
                }
                Err(e) => tracing::warn!(error = format!("{e:#}"), "cannot update the search index; will try again"),
            }
        } else if let Some(version) = version {
            app.index_progress.in_step(version);
        }
        match stopped.recv_timeout(POLL_INTERVAL) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

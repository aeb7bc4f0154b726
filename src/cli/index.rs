//! `qalam index rebuild`: empties the search index and fills it again from the store.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::app::open_search;
use crate::publishing::search_index::rebuild_index;
use crate::search::{Ranking, SearchError};

/// Rebuilds the index of `data` with a progress bar. Refused while a server writes the
/// index: it holds the writer lock and keeps the index current itself.
pub async fn run_rebuild(data: &Path) -> anyhow::Result<ExitCode> {
    let store = super::open_store(data).await?;
    // Rebuilding stores articles and ranks none: the weights do not matter here.
    let search = open_search(data, Ranking::default())?;
    let mut indexer = search.indexer_for_rebuild().map_err(|e| match e {
        SearchError::Locked(_) => {
            anyhow::anyhow!("{e}; a running server keeps the index current itself, stop it to rebuild")
        }
        other => anyhow::Error::new(other),
    })?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("indexing {bar:40} {pos}/{len} articles {eta}")
            .context("progress bar template")?,
    );
    let started = Instant::now();
    let indexed = rebuild_index(store.as_ref(), &mut indexer, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await;
    bar.finish_and_clear();
    let indexed = indexed?;
    println!("indexed {indexed} articles into {} in {:.1} s", search.dir().display(), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

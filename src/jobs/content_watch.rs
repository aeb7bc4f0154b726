//! Notices content changed by another process on the same database (an import run
//! from the command line while the site serves, another node) and the date turning at
//! midnight, and marks cached pages stale. Where the store announces changes
//! (PostgreSQL's LISTEN/NOTIFY) a notice wakes the check at once; the timer stays as
//! the catch-up for a notice lost with a connection.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;

/// How often the store is asked.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Runs forever, checking every `interval`.
pub async fn watch_content(app: Arc<App>, interval: Duration) {
    let mut seen = app.store.content_version().await.ok();
    let mut day = app.now().to_zoned_datetime(app.tz.clone()).date();
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut notices = app.store.change_notices();
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = next_notice(&mut notices) => {}
        }
        let today = app.now().to_zoned_datetime(app.tz.clone()).date();
        match app.store.content_version().await {
            Ok(version) if Some(version) != seen || today != day => {
                seen = Some(version);
                day = today;
                app.pages.invalidate();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the content version"),
        }
    }
}

/// Waits for the next change notice; forever when the store sends none.
async fn next_notice(notices: &mut Option<tokio::sync::watch::Receiver<u64>>) {
    match notices {
        Some(receiver) => {
            if receiver.changed().await.is_err() {
                *notices = None;
            }
        }
        None => std::future::pending().await,
    }
}

//! Notices content changed by another process on the same data directory (an import
//! run from the command line while the site serves) and the date turning at midnight,
//! and marks cached pages stale.

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
    loop {
        ticker.tick().await;
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

//! Publishes scheduled articles when their time comes. The schedule lives in the store,
//! so it survives a restart: an article due while the server was down is published at
//! the first check after it starts.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::publishing::editorial::publish_due_articles;

/// This job's name in metrics.
const JOB: &str = "scheduled_publishing";

/// How often the store is asked for articles due.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Runs forever, publishing what is due every `interval`.
pub async fn publish_scheduled(app: Arc<App>, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let published = publish_due_articles(&app, app.now()).await;
        app.metrics.record_job(JOB, published.is_ok());
        if let Err(e) = published {
            tracing::warn!(error = %e, "cannot publish scheduled articles");
        }
    }
}

//! Publishes scheduled articles when their time comes. The schedule lives in the store,
//! so it survives a restart: an article due while the server was down is published at
//! the first check after it starts. Of several nodes on one database, only the one that
//! leads the job publishes; another takes over when it dies.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::jobs::leadership::Leadership;
use crate::publishing::editorial::publish_due_articles;
use crate::store::Job;

/// How often the store is asked for articles due.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Runs forever, publishing what is due every `interval`.
pub async fn publish_scheduled(app: Arc<App>, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut leadership = Leadership::new(Job::ScheduledPublishing);
    loop {
        ticker.tick().await;
        if !leadership.leads(app.store.as_ref()).await {
            continue;
        }
        let published = publish_due_articles(&app, app.now()).await;
        app.metrics.record_job(Job::ScheduledPublishing.name(), published.is_ok());
        if let Err(e) = published {
            tracing::warn!(error = %e, "cannot publish scheduled articles");
        }
    }
}

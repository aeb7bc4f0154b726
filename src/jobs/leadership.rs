//! Leadership of a job among the nodes serving one database: a job that must run once
//! per newsroom asks before each run whether this node leads it, taking the lead when
//! no live node holds it.

use crate::store::{Job, Lease, Store};

/// This node's claim on one job.
pub struct Leadership {
    job: Job,
    lease: Option<Box<dyn Lease>>,
}

impl Leadership {
    /// No claim yet.
    pub fn new(job: Job) -> Self {
        Self { job, lease: None }
    }

    /// Whether this node should run the job now: it still holds the lease, or it has
    /// just taken it over.
    pub async fn leads(&mut self, store: &dyn Store) -> bool {
        if let Some(lease) = &self.lease {
            if lease.still_held().await {
                return true;
            }
            tracing::warn!(job = self.job.name(), "lost the lead of a job; another node may run it now");
            self.lease = None;
        }
        match store.try_lead(self.job).await {
            Ok(Some(lease)) => {
                tracing::info!(job = self.job.name(), "this node now runs the job");
                self.lease = Some(lease);
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(job = self.job.name(), error = %e, "cannot ask who runs the job");
                false
            }
        }
    }
}

//! SQLite serves one machine: the process that serves a data directory leads every
//! job, and other processes' changes are seen by polling the content version.

use async_trait::async_trait;
use tokio::sync::watch;

use super::SqliteStore;
use crate::store::StoreResult;
use crate::store::coordination::{Coordination, Job, Lease, SoleLease};

#[async_trait]
impl Coordination for SqliteStore {
    async fn try_lead(&self, _job: Job) -> StoreResult<Option<Box<dyn Lease>>> {
        Ok(Some(Box::new(SoleLease)))
    }

    fn change_notices(&self) -> Option<watch::Receiver<u64>> {
        None
    }
}

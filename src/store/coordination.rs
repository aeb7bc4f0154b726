//! What several nodes serving one database need from it: word that another node changed
//! content, and leadership of the jobs that must run on one node at a time (publishing
//! scheduled articles, fetching exchange rates).

use async_trait::async_trait;
use tokio::sync::watch;

use super::StoreResult;

/// Work that runs on one node of a newsroom at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Publishing scheduled articles when their time comes.
    ScheduledPublishing,
    /// Fetching the central banks' exchange rates.
    Rates,
}

impl Job {
    /// The name in logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::ScheduledPublishing => "scheduled_publishing",
            Self::Rates => "rates",
        }
    }

    /// A number that identifies the job's lock in the database.
    pub fn lock_key(self) -> i64 {
        match self {
            Self::ScheduledPublishing => 0x7161_6c61_6d10,
            Self::Rates => 0x7161_6c61_6d11,
        }
    }
}

/// Leadership of a job, held until dropped.
#[async_trait]
pub trait Lease: Send + Sync {
    /// Whether this node still leads; false once the connection holding the lock is
    /// gone (the database restarted, the network failed), after which another node may
    /// have taken over.
    async fn still_held(&self) -> bool;
}

/// Coordination between the processes that serve one database.
#[async_trait]
pub trait Coordination: Send + Sync {
    /// Becomes the node that runs `job`, unless another live node already is:
    /// `None` then.
    async fn try_lead(&self, job: Job) -> StoreResult<Option<Box<dyn Lease>>>;

    /// A counter that moves when another process may have changed content, for engines
    /// that announce changes; `None` where callers must poll [`super::Store::content_version`].
    fn change_notices(&self) -> Option<watch::Receiver<u64>>;
}

/// The lease of an engine where one process serves the database: always held.
pub(super) struct SoleLease;

#[async_trait]
impl Lease for SoleLease {
    async fn still_held(&self) -> bool {
        true
    }
}

//! Coordination between nodes through PostgreSQL: session advisory locks for job
//! leadership, and LISTEN/NOTIFY for word of content changes.
//!
//! A lock is held by a connection of its own, outside the pool: when the node dies or
//! its connection breaks, PostgreSQL releases the lock and the next node to ask takes
//! over. Notices arrive on another dedicated connection, which reconnects by itself;
//! each (re)connection also moves the counter, so a notice missed while disconnected
//! only delays the catch-up, and the nodes' one-second poll of the content version
//! stays as the backstop.

use std::sync::PoisonError;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;
use tokio_postgres::{AsyncMessage, Client, NoTls};

use super::{PostgresStore, db};
use crate::store::coordination::{Coordination, Job, Lease};
use crate::store::{StoreError, StoreResult};

/// The channel the content triggers notify (see migrations/postgres/0001).
const CHANNEL: &str = "qalam_content";

/// How long a lease's liveness check may take before the lease counts as lost.
const LEASE_CHECK: Duration = Duration::from_secs(2);

/// Wait between attempts to reconnect the listener.
const RECONNECT: Duration = Duration::from_secs(1);

/// A job's lock, held by the session of `client`.
struct AdvisoryLease {
    client: Client,
}

#[async_trait]
impl Lease for AdvisoryLease {
    async fn still_held(&self) -> bool {
        if self.client.is_closed() {
            return false;
        }
        matches!(tokio::time::timeout(LEASE_CHECK, self.client.simple_query("SELECT 1")).await, Ok(Ok(_)))
    }
}

impl PostgresStore {
    /// A connection of its own, named after this process in `pg_stat_activity`.
    async fn dedicated_connection(
        &self,
    ) -> StoreResult<(Client, tokio_postgres::Connection<tokio_postgres::Socket, tokio_postgres::tls::NoTlsStream>)>
    {
        self.config.connect(NoTls).await.map_err(|e| StoreError::Unavailable(Box::new(e)))
    }
}

#[async_trait]
impl Coordination for PostgresStore {
    async fn try_lead(&self, job: Job) -> StoreResult<Option<Box<dyn Lease>>> {
        // A node that does not lead asks again every second: the connection it asked on
        // is kept for the next time instead of opening one per question.
        let kept = self.candidate.lock().unwrap_or_else(PoisonError::into_inner).take();
        let client = match kept.filter(|client| !client.is_closed()) {
            Some(client) => client,
            None => {
                let (client, connection) = self.dedicated_connection().await?;
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "a job lock's connection ended");
                    }
                });
                client
            }
        };
        let row = client.query_one("SELECT pg_try_advisory_lock($1)", &[&job.lock_key()]).await.map_err(db)?;
        let held: bool = row.try_get(0).map_err(db)?;
        if held {
            return Ok(Some(Box::new(AdvisoryLease { client })));
        }
        *self.candidate.lock().unwrap_or_else(PoisonError::into_inner) = Some(client);
        Ok(None)
    }

    fn change_notices(&self) -> Option<watch::Receiver<u64>> {
        let receiver = self.notices.get_or_init(|| {
            let (sender, receiver) = watch::channel(0);
            tokio::spawn(listen(self.config.clone(), sender));
            receiver
        });
        Some(receiver.clone())
    }
}

/// Listens on [`CHANNEL`] for as long as anyone holds a receiver, reconnecting after
/// any failure; every notice and every (re)connection moves the counter.
async fn listen(config: tokio_postgres::Config, notices: watch::Sender<u64>) {
    while !notices.is_closed() {
        match config.connect(NoTls).await {
            Ok((client, mut connection)) => {
                let driver = async {
                    while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                        match message {
                            Ok(AsyncMessage::Notification(_)) => notices.send_modify(|n| *n += 1),
                            Ok(_) => {}
                            Err(e) => return e.to_string(),
                        }
                    }
                    "the server closed the connection".to_owned()
                };
                let subscribe = async {
                    match client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                        Ok(()) => {
                            notices.send_modify(|n| *n += 1);
                            std::future::pending::<()>().await;
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot listen for content changes"),
                    }
                };
                tokio::select! {
                    reason = driver => tracing::warn!(reason, "lost the connection that listens for content changes; reconnecting"),
                    () = subscribe => {}
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot connect to listen for content changes; retrying"),
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

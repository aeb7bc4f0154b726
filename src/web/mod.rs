//! HTTP: routes, extraction, delivery and the handlers of each audience.

pub mod admin;
pub mod api;
pub mod delivery;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod ghost;
pub mod operations;
pub mod routes;
pub mod site;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::App;

/// Serves `app` on `listener` until `shutdown` completes, keeping the search index in
/// step with the store meanwhile (see [`crate::jobs::index_catchup`]). Once `shutdown`
/// completes no connection is accepted; requests under way are answered, then the index
/// writer is stopped before this returns.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let index_keeper = crate::jobs::index_catchup::keep_index_current(Arc::clone(&app));
    let service = routes::router(app).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
    if let Some(keeper) = index_keeper {
        keeper.stop().await;
    }
    served
}

//! HTTP: routes, extraction, delivery and the handlers of each audience.

pub mod delivery;
pub mod error;
pub mod extract;
pub mod routes;
pub mod site;

use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::App;

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, routes::router(app)).with_graceful_shutdown(shutdown).await
}

//! `qalam serve`.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::app::{App, Clock};
use crate::config::Settings;
use crate::jobs::content_watch::{WATCH_INTERVAL, watch_content};
use crate::jobs::scheduled_publishing::{CHECK_INTERVAL, publish_scheduled};
use crate::publishing::demo::load_demo;

pub async fn run(data: &Path, addr: &str, demo: bool) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(data)?;
    let app = App::open(data, settings, Clock::System).await?;
    if demo {
        match load_demo(app.store.as_ref(), &app.pages, app.now()).await? {
            Some(report) => tracing::info!(articles = report.created, "loaded the demo newsroom"),
            None => tracing::info!("the data directory already has articles; the demo was not loaded"),
        }
    }
    let listener = TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(address = %listener.local_addr()?, data = %data.display(), "serving");
    let jobs = [
        tokio::spawn(watch_content(Arc::clone(&app), WATCH_INTERVAL)),
        tokio::spawn(crate::jobs::rates::run_schedule(Arc::clone(&app))),
        tokio::spawn(publish_scheduled(Arc::clone(&app), CHECK_INTERVAL)),
    ];
    // Returns once the signal has come and every request under way has been answered.
    crate::web::serve(listener, app, shutdown_signal()).await?;
    // Each job's writes are transactions, so stopping one between two of them loses
    // nothing: the next start resumes from what the store holds.
    for job in jobs {
        job.abort();
        let _ = job.await;
    }
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: no new connections; answering the requests under way");
}

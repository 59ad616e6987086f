//! `fengqiao serve`, and the serving half of `fengqiao demo`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use fengqiao_domain::services::Services;
use fengqiao_web::AppState;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::messages::Explain;
use crate::config::{Config, Database};
use crate::pidfile::{self, PidFile};
use crate::{database, jobs};

/// How long requests in flight may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How often the log tells of a recount held up before serving.
const RECOUNT_REPORT_EVERY: Duration = Duration::from_secs(10);

pub async fn run(config: &Config, db: &Database) -> anyhow::Result<ExitCode> {
    if let Some(dir) = db.sqlite_dir() {
        pidfile::refuse_if_running(dir, "starting another server on it")?;
    }
    let store = database::open_or_create(db).await?;
    // A server must be able to read what it shows: no keys, no start.
    let vault = crate::keys::vault(config)?;
    serve(config, db, database::services_with(store, config, vault)?).await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves until SIGTERM or Ctrl-C; then stops accepting connections and lets requests in
/// flight finish, for at most `SHUTDOWN_GRACE`.
pub async fn serve(config: &Config, db: &Database, services: Services) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.listen).await.with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let _pid_file = db.sqlite_dir().map(PidFile::create).transpose()?;
    let web = config.web_config();
    if matches!(db, Database::Postgres(_)) && config.attachments_dir().is_some() {
        tracing::warn!("attachment files are kept in this node's data directory: with several nodes set attachments.storage = \"database\"");
    }
    if !web.cookie_secure && !addr.ip().is_loopback() {
        tracing::warn!("cookies are not marked Secure on a public address: serve over HTTPS and set http.cookie_secure");
    }
    // The server listens only once the figures are right again: at ten million cases that is
    // most of an hour, so the log says how far it has got.
    let mut last: Option<std::time::Instant> = None;
    let mut progress = |p: fengqiao_domain::ports::StatsProgress| {
        if last.is_none_or(|t| t.elapsed() >= RECOUNT_REPORT_EVERY) {
            tracing::info!(areas_done = p.areas_done, areas = p.areas, cases = p.cases, "recounting the case figures after an upgrade, before serving");
            last = Some(std::time::Instant::now());
        }
    };
    if let Some(reason) = services.rebuild_case_stats_if_stale(&mut progress).await.explained()? {
        tracing::info!(reason, "case figures recounted from the cases after an upgrade");
    }
    let index = crate::commands::reindex::open_index(config, crate::commands::reindex::serving_threads())?;
    let app = fengqiao_web::router(AppState::new(services.clone(), web).with_search(index.clone()));
    // Signal handlers are installed before the address is announced, so that a supervisor
    // that signals as soon as it reads the line is already heard.
    let shutdown = shutdown_signal()?;
    let oversight = tokio::spawn(jobs::oversight(services.clone(), config.oversight.clone()));
    let follow = tokio::spawn(jobs::follow_case_changes(fengqiao_search::Follower::new(services.clone(), index)));
    let jobs = tokio::spawn(jobs::purge_expired_sessions(services));
    tracing::info!("serving {}", db.describe());
    println!("Listening on http://{addr}");

    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        let name = shutdown.await;
        tracing::info!("{name} received: shutting down, letting requests in flight finish");
        let _ = stop_tx.send(true);
    });
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(stopped(stop_rx.clone()));
    let overdue = async move {
        stopped(stop_rx).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    let result = tokio::select! {
        r = std::future::IntoFuture::into_future(server) => r.context("the server failed"),
        () = overdue => {
            tracing::warn!("requests still running {}s after the shutdown signal; stopping anyway", SHUTDOWN_GRACE.as_secs());
            Ok(())
        }
    };
    jobs.abort();
    oversight.abort();
    follow.abort();
    tracing::info!("stopped");
    result
}

/// Resolves once a stop has been requested.
async fn stopped(mut rx: watch::Receiver<bool>) {
    if rx.wait_for(|stop| *stop).await.is_err() {
        // The signal task is gone without a signal: keep serving.
        std::future::pending::<()>().await;
    }
}

#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot install the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot install the Ctrl-C handler")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "Ctrl-C (SIGINT)",
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = &'static str>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    })
}

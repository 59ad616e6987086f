//! `fengqiao reindex`, and opening this node's search index for the server.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use fengqiao_search::{CaseIndex, Follower, SearchError, dir_under, remove_older_versions};

use crate::config::{Config, Database};
use crate::database;

/// Threads that index at once in a server: half the machine, so a rebuild at start or a burst
/// of changes does not starve requests.
pub fn serving_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

/// This node's index under its data dir, written by `threads` at once; an error naming the
/// directory if another process holds it.
pub fn open_index(config: &Config, threads: usize) -> anyhow::Result<Arc<CaseIndex>> {
    let dir = dir_under(&config.data_dir);
    match CaseIndex::open(&dir, threads) {
        Ok(index) => {
            for old in remove_older_versions(&config.data_dir) {
                tracing::info!("removed {}, the search index of an earlier version (this one builds its own)", old.display());
            }
            Ok(Arc::new(index))
        }
        Err(SearchError::Locked) => {
            anyhow::bail!("the case search index in {} is in use by another fengqiao process on this data dir (a server or a reindex)", dir.display())
        }
        Err(e) => Err(e).with_context(|| format!("cannot open the case search index in {}", dir.display())),
    }
}

pub async fn run(config: &Config, db: &Database) -> anyhow::Result<ExitCode> {
    let store = database::open_existing(db).await?;
    let services = database::services(store, config)?;
    // The index is locked to this command while it runs, so no server of this node is
    // waiting on it: the whole machine indexes.
    let index = open_index(config, std::thread::available_parallelism().map_or(1, |n| n.get()))?;
    let started = std::time::Instant::now();
    let follower = Follower::new(services, index.clone());
    let mut last = std::time::Instant::now();
    let mut progress = |done: u64, total: u64| {
        if done == total || last.elapsed().as_millis() >= 500 {
            let pct = if total == 0 { 100.0 } else { done as f64 * 100.0 / total as f64 };
            print!("\rindexed {done} of {total} cases ({pct:.0}%)");
            let _ = std::io::stdout().flush();
            last = std::time::Instant::now();
        }
    };
    let n = follower.rebuild(&mut progress).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // Changes made while rebuilding are applied now, so the index is current when we stop.
    follower.catch_up(&mut |_, _| {}).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let secs = started.elapsed().as_secs_f64();
    println!("\nrebuilt the case search index in {} from {n} cases in {secs:.1}s ({:.0} cases/s)", dir_under(&config.data_dir).display(), n as f64 / secs.max(1e-9));
    Ok(ExitCode::SUCCESS)
}

//! Storage for Fengqiao: the domain's `Store` port on SQLite (embedded, the default) and on
//! PostgreSQL (and Postgres-compatible distributed engines). Both backends share one body of
//! code and SQL (`shared.rs`); they differ only in connection setup, how a write transaction
//! begins, row locking, and backup.

mod attachments;
mod blobs;
mod case_changes;
mod case_ledger;
mod case_settings;
mod cases;
mod cases_rows;
mod cases_write;
mod error;
mod imports;
mod intake_queue;
mod mediation;
mod mediator_stats;
mod oversight;
mod postgres;
mod registry;
mod rows;
mod registry_rows;
mod shared;
mod sqlite;
mod stats;
mod submissions;

use std::path::Path;
use std::sync::Arc;

use fengqiao_domain::ports::Store;
use fengqiao_domain::{DomainError, Result};

pub use blobs::{ATTACHMENTS_DIR, FsBlobStore};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// The SQLite file inside a data directory.
pub const SQLITE_FILE: &str = "fengqiao.db";

/// Opens the store a configuration names: a `postgres://` URL, or else SQLite in `data_dir`.
/// Migrations are not run here; callers decide (`fengqiao migrate`, or on start).
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Arc<dyn Store>> {
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(PgStore::connect(url).await?))
        }
        Some(url) if url.starts_with("sqlite:") => {
            let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            Ok(Arc::new(SqliteStore::open(Path::new(path)).await?))
        }
        Some(other) => Err(DomainError::Internal(format!(
            "unsupported database URL {other:?}: use postgres://… or sqlite:PATH"
        ))),
        None => {
            std::fs::create_dir_all(data_dir)
                .map_err(|e| DomainError::Internal(format!("cannot create data dir {}: {e}", data_dir.display())))?;
            Ok(Arc::new(SqliteStore::open(&data_dir.join(SQLITE_FILE)).await?))
        }
    }
}

#[cfg(feature = "testing")]
pub mod testing;

pub use postgres::pg_tool;

/// Whether PostgreSQL's dump and restore tools can be found on this machine.
pub fn postgres_tools_available() -> bool {
    let dump = pg_tool("pg_dump");
    dump.is_absolute() && dump.exists() || which_on_path("pg_dump")
}

fn which_on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).exists()))
        .unwrap_or(false)
}

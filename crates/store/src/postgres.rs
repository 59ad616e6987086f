//! PostgreSQL, for cities that outgrow one machine: several stateless app nodes share it.
//! The audit head row is locked `FOR UPDATE` so concurrent writers extend the chain one at a
//! time; the rest of a write runs at READ COMMITTED with optimistic version checks.

use std::path::Path;
use std::time::Duration;

use fengqiao_domain::ports::Backend;
use fengqiao_domain::{DomainError, Result};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres, Transaction};

use crate::error::map;
use crate::shared::impl_store;

#[derive(Clone)]
pub struct PgStore {
    url: String,
    intakes: std::sync::Arc<crate::intake_queue::IntakeQueue>,
    pool: PgPool,
}

impl PgStore {
    const BACKEND: Backend = Backend::Postgres;

    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(map)?;
        Ok(PgStore { url: url.to_string(), intakes: Default::default(), pool })
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    /// Long scans share the pool: the server's cache is shared by every connection.
    fn scanner(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> std::result::Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// One consistent view across several reads.
    async fn begin_snapshot(&self) -> std::result::Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        Ok(tx)
    }

    async fn migrate_impl(&self) -> Result<()> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| DomainError::Internal(format!("migration failed: {e}")))
    }

    /// `pg_dump` takes a consistent snapshot of a live database; its custom format is what
    /// `fengqiao restore` hands to `pg_restore`.
    async fn backup_impl(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(DomainError::Conflict("error-backup-exists"));
        }
        let out = tokio::process::Command::new(crate::postgres::pg_tool("pg_dump"))
            .arg("--format=custom")
            .arg("--no-owner")
            .arg("--file")
            .arg(dest)
            .arg("--dbname")
            .arg(&self.url)
            .output()
            .await
            .map_err(|e| DomainError::Internal(format!("cannot run pg_dump: {e}")))?;
        if !out.status.success() {
            return Err(DomainError::Internal(format!("pg_dump failed: {}", String::from_utf8_lossy(&out.stderr))));
        }
        Ok(())
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// PostgreSQL's client tools: on PATH, or in Debian's versioned directory (newest first).
pub fn pg_tool(name: &str) -> std::path::PathBuf {
    if let Ok(dir) = std::env::var("FENGQIAO_PG_BIN") {
        return Path::new(&dir).join(name);
    }
    let mut versions: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    versions.sort();
    versions.pop().unwrap_or_else(|| name.into())
}

impl_store!(PgStore, Postgres, sqlx::postgres::PgRow, PgConnection, lock = " FOR UPDATE");
crate::registry::impl_registry_store!(PgStore, sqlx::postgres::PgRow, PgConnection);
crate::imports::impl_imports!(PgStore, sqlx::postgres::PgRow, PgConnection);
crate::cases::impl_case_store!(PgStore, sqlx::postgres::PgRow, PgConnection);
crate::case_ledger::impl_case_ledger_store!(PgStore);
crate::case_changes::impl_case_change_store!(PgStore);
crate::attachments::impl_attachment_store!(PgStore, sqlx::postgres::PgRow, PgConnection, lock = " FOR UPDATE");
crate::case_settings::impl_case_settings_store!(PgStore, sqlx::postgres::PgRow, PgConnection);
crate::mediation::impl_mediation_store!(PgStore, sqlx::postgres::PgRow, PgConnection);
crate::oversight::impl_oversight_store!(PgStore, sqlx::postgres::PgRow, PgConnection);
crate::stats::impl_stats_store!(PgStore, sqlx::postgres::PgRow, PgConnection, lock_cases = "LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE", open_cases_index = "");
crate::mediator_stats::impl_mediator_stats_store!(PgStore, sqlx::postgres::PgRow, PgConnection);
crate::submissions::impl_submission_store!(PgStore, sqlx::postgres::PgRow, PgConnection);

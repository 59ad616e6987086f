//! SQLite: the embedded default. WAL for concurrent readers, exactly one writer connection,
//! and `BEGIN IMMEDIATE` so a write transaction takes the write lock up front (a deferred
//! one that reads first and then writes can fail with SQLITE_BUSY_SNAPSHOT).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use fengqiao_domain::ports::Backend;
use fengqiao_domain::{DomainError, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use crate::error::map;
use crate::shared::impl_store;

#[derive(Clone)]
pub struct SqliteStore {
    path: PathBuf,
    intakes: std::sync::Arc<crate::intake_queue::IntakeQueue>,
    reader: SqlitePool,
    scanner: SqlitePool,
    writer: SqlitePool,
}

impl SqliteStore {
    const BACKEND: Backend = Backend::Sqlite;

    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(map)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // SQLite's default page cache is 2 MB: at city scale (millions of residents) every
        // index lookup then goes to the kernel for its pages. The writer touches every index
        // on each insert and gets more; the caches grow only as pages are used. Readers get 8 MB
        // each: a long scan (a million-row ledger export) walks through the pool's eight
        // connections and would otherwise hold 128 MB of pages the kernel's cache has anyway.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone().pragma("cache_size", "-65536"))
            .await
            .map_err(map)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone().pragma("cache_size", "-8192").read_only(true))
            .await
            .map_err(map)?;
        // Long scans (a ledger's pages, the search index's rebuild) read each page once: on the
        // readers they would fill all eight caches (64 MB) with pages never read again and
        // push out what the lists and figures use. Two connections let the next page be read
        // while the last is written; the kernel's cache serves their pages.
        let scanner = SqlitePoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.pragma("cache_size", "-2048").read_only(true))
            .await
            .map_err(map)?;
        Ok(SqliteStore { path: path.to_path_buf(), intakes: Default::default(), reader, scanner, writer })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// For reads that walk far through a table once: see `open`.
    fn scanner(&self) -> &SqlitePool {
        &self.scanner
    }

    async fn begin_write(&self) -> std::result::Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// One consistent view across several reads (WAL gives a deferred read its snapshot).
    async fn begin_snapshot(&self) -> std::result::Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.reader.begin().await
    }

    async fn migrate_impl(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.writer)
            .await
            .map_err(|e| DomainError::Internal(format!("migration failed: {e}")))
    }

    /// `VACUUM INTO` writes a consistent snapshot while readers and the writer carry on.
    async fn backup_impl(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(DomainError::Conflict("error-backup-exists"));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(dest.to_string_lossy().to_string())
            .execute(&self.writer)
            .await
            .map(|_| ())
            .map_err(map)
    }

    /// Direct access for tests that must simulate tampering below the application.
    pub fn writer_pool(&self) -> &SqlitePool {
        &self.writer
    }
}

impl_store!(SqliteStore, Sqlite, sqlx::sqlite::SqliteRow, SqliteConnection, lock = "");
crate::registry::impl_registry_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);
crate::imports::impl_imports!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);
crate::cases::impl_case_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);
crate::case_ledger::impl_case_ledger_store!(SqliteStore);
crate::case_changes::impl_case_change_store!(SqliteStore);
crate::attachments::impl_attachment_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection, lock = "");
crate::case_settings::impl_case_settings_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);
crate::mediation::impl_mediation_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);
crate::oversight::impl_oversight_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);
crate::stats::impl_stats_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection, lock_cases = "", open_cases_index = " INDEXED BY cases_open_by_deadline");
crate::mediator_stats::impl_mediator_stats_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);
crate::submissions::impl_submission_store!(SqliteStore, sqlx::sqlite::SqliteRow, SqliteConnection);

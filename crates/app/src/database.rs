//! Opening the configured database, and looking inside SQLite files without the store: the
//! demo and restore commands must decide about a file before anything holds it open.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use fengqiao_domain::ports::{Store, SystemClock};
use fengqiao_domain::services::Services;
use fengqiao_store::{PgStore, SqliteStore};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use crate::config::{Config, Database};
use crate::messages::Explain;

/// Opens the database, creating an empty SQLite file if there is none, and migrates it.
pub async fn open_or_create(db: &Database) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = match db {
        Database::Sqlite(file) => {
            if let Some(dir) = db.sqlite_dir() {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create data directory {}", dir.display()))?;
            }
            Arc::new(SqliteStore::open(file).await.explained().with_context(|| format!("cannot open {}", file.display()))?)
        }
        Database::Postgres(url) => Arc::new(PgStore::connect(url).await.explained().context("cannot connect to PostgreSQL")?),
    };
    store.migrate().await.explained()?;
    Ok(store)
}

/// Opens a database that must already exist: a mistyped --data-dir should be an error, not a
/// fresh empty database.
pub async fn open_existing(db: &Database) -> anyhow::Result<Arc<dyn Store>> {
    if let Database::Sqlite(file) = db
        && !file.is_file()
    {
        bail!(
            "there is no database at {}; pass the right --data-dir, or create one with `fengqiao migrate` or `fengqiao demo`",
            file.display()
        );
    }
    open_or_create(db).await
}

/// Services for console commands: personal data is reachable only where keys are at hand
/// (configured, or the SQLite key file); commands that never touch it work regardless.
pub fn services(store: Arc<dyn Store>, config: &Config) -> anyhow::Result<Services> {
    match crate::keys::vault(config) {
        Ok(vault) => services_with(store, config, vault),
        Err(_) if matches!(config.database()?, Database::Postgres(_)) => {
            Ok(with_attachments(Services::without_personal_data(store, Arc::new(SystemClock), config.auth_settings()), config))
        }
        Err(e) => Err(e),
    }
}

pub fn services_with(store: Arc<dyn Store>, config: &Config, vault: fengqiao_domain::privacy::Vault) -> anyhow::Result<Services> {
    Ok(with_attachments(Services::new(store, Arc::new(SystemClock), config.auth_settings(), Arc::new(vault)), config))
}

/// Attachment limits and where the bytes go; the services keep them in the database unless
/// the configuration names a directory.
fn with_attachments(mut services: Services, config: &Config) -> Services {
    services.attachments = config.attachment_settings();
    match config.attachments_dir() {
        Some(dir) => services.with_blobs(Arc::new(fengqiao_store::FsBlobStore::new(dir))),
        None => services,
    }
}

/// What a SQLite file holds, as far as the demo and restore commands care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteContents {
    /// Has Fengqiao's tables (the audit chain head among them).
    pub is_fengqiao: bool,
    /// Holds areas or accounts, or, if not Fengqiao's, any table at all.
    pub holds_data: bool,
    /// The `world` meta key: "demo" for a demo world.
    pub world: Option<String>,
}

/// Reads a SQLite file. `snapshot` opens it read-only and ignores any WAL, for files that are
/// someone's backup and must not be touched; otherwise the file is opened normally (but never
/// created) and closed before returning, so that no connection outlives the answer.
pub async fn inspect_sqlite(file: &Path, snapshot: bool) -> anyhow::Result<SqliteContents> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .read_only(snapshot)
        .immutable(snapshot);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("cannot open {} as a SQLite database", file.display()))?;
    let result = read_contents(&mut conn).await.with_context(|| format!("{} is not a readable SQLite database", file.display()));
    conn.close().await.ok();
    result
}

async fn read_contents(conn: &mut SqliteConnection) -> Result<SqliteContents, sqlx::Error> {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .fetch_all(&mut *conn)
            .await?;
    let has = |t: &str| tables.iter().any(|n| n == t);
    let is_fengqiao = has("audit_head") && has("areas") && has("users") && has("meta");
    if !is_fengqiao {
        return Ok(SqliteContents { is_fengqiao, holds_data: !tables.is_empty(), world: None });
    }
    let holds_data: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM areas) OR EXISTS (SELECT 1 FROM users)").fetch_one(&mut *conn).await?;
    let world: Option<String> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'world'").fetch_optional(&mut *conn).await?;
    Ok(SqliteContents { is_fengqiao, holds_data, world })
}

/// SQLite's own consistency check of a file (read-only).
pub async fn sqlite_quick_check(file: &Path) -> anyhow::Result<()> {
    let options = SqliteConnectOptions::new().filename(file).read_only(true).immutable(true);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA quick_check").fetch_one(&mut conn).await?;
    conn.close().await.ok();
    if verdict != "ok" {
        bail!("{} is damaged: {verdict}", file.display());
    }
    Ok(())
}

/// The main file and the journal files SQLite keeps beside it in WAL mode.
pub fn sqlite_files(file: &Path) -> [std::path::PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = file.as_os_str().to_owned();
        s.push(suffix);
        std::path::PathBuf::from(s)
    };
    [file.to_path_buf(), with("-wal"), with("-shm")]
}

//! `fengqiao restore SRC`: put a backup made by `fengqiao backup` in place of the database,
//! then verify the restored audit chain.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use fengqiao_domain::ports::Store;
use fengqiao_store::{PgStore, pg_tool};

use super::audit;
use crate::config::{Config, Database};
use crate::messages::Explain;
use crate::{database, pidfile};

pub async fn run(config: &Config, db: &Database, src: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if !src.is_file() {
        bail!("{} is not a file", src.display());
    }
    match db {
        Database::Sqlite(file) => restore_sqlite(db, file, src, force).await?,
        Database::Postgres(url) => restore_postgres(db, url, src, force).await?,
    }
    println!("restored {} from {}", db.describe(), src.display());
    restore_attachments(config, src)?;
    let store = database::open_or_create(db).await?;
    audit::verify(&database::services(store, config)?).await
}

/// Files beside the backup go back into the attachment directory; files already there stay,
/// since a name is its content. Attachments kept in the database came back with it.
fn restore_attachments(config: &Config, src: &Path) -> anyhow::Result<()> {
    let from = super::backup::attachments_beside(src);
    if !from.is_dir() {
        return Ok(());
    }
    let Some(dir) = config.attachments_dir() else {
        println!("{} was not restored: attachments are kept in the database by this configuration", from.display());
        return Ok(());
    };
    let (files, bytes) = super::backup::copy_blobs(&from, &dir)?;
    println!("restored {files} attachment files into {} ({})", dir.display(), super::backup::human_size(bytes));
    Ok(())
}

fn refuse_overwrite(db: &Database) -> anyhow::Error {
    anyhow::anyhow!("{} already holds areas or accounts; pass --force to replace it", db.describe())
}

/// Swaps files rather than copying into a live database: the server must be stopped, and the
/// replaced file is kept beside the new one.
async fn restore_sqlite(db: &Database, target: &Path, src: &Path, force: bool) -> anyhow::Result<()> {
    let dir = db.sqlite_dir().unwrap_or(Path::new("."));
    pidfile::refuse_if_running(dir, "restoring")?;
    database::sqlite_quick_check(src).await.with_context(|| format!("{} is not a usable SQLite file", src.display()))?;
    if !database::inspect_sqlite(src, true).await?.is_fengqiao {
        bail!("{} is not a Fengqiao backup: it has no audit chain", src.display());
    }
    // With --force the current file may even be unreadable: it is replaced either way.
    if !force && target.exists() && database::inspect_sqlite(target, false).await?.holds_data {
        return Err(refuse_overwrite(db));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;

    // Copy first, next to the target, so the final step is a rename on one file system.
    let incoming = with_suffix(target, ".restoring");
    std::fs::copy(src, &incoming).with_context(|| format!("cannot copy {} to {}", src.display(), incoming.display()))?;
    std::fs::File::open(&incoming).and_then(|f| f.sync_all()).context("cannot flush the copied backup")?;

    let [main, wal, shm] = database::sqlite_files(target);
    if main.exists() {
        let kept = with_suffix(&main, &format!(".before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
        // A WAL file belongs to its database: it moves along under the matching name.
        if wal.exists() {
            std::fs::rename(&wal, with_suffix(&kept, "-wal")).context("cannot move the old WAL file aside")?;
        }
        std::fs::rename(&main, &kept).with_context(|| format!("cannot move {} aside", main.display()))?;
        println!("the replaced database is kept as {}", kept.display());
    } else if wal.exists() {
        std::fs::remove_file(&wal).ok();
    }
    if shm.exists() {
        std::fs::remove_file(&shm).ok();
    }
    std::fs::rename(&incoming, &main).with_context(|| format!("cannot move the backup into place at {}", main.display()))?;
    Ok(())
}

/// `pg_restore --clean` drops and recreates what the dump holds, in the running database.
async fn restore_postgres(db: &Database, url: &str, src: &Path, force: bool) -> anyhow::Result<()> {
    let tool = pg_tool("pg_restore");
    let listing = tokio::process::Command::new(&tool)
        .arg("--list")
        .arg(src)
        .output()
        .await
        .with_context(|| format!("cannot run {}", tool.display()))?;
    if !listing.status.success() {
        bail!("{} is not a pg_dump archive: {}", src.display(), String::from_utf8_lossy(&listing.stderr).trim());
    }
    let pg = PgStore::connect(url).await.explained().context("cannot connect to PostgreSQL")?;
    let has_schema: bool = sqlx::query_scalar("SELECT to_regclass('areas') IS NOT NULL")
        .fetch_one(pg.pool())
        .await
        .context("cannot inspect the PostgreSQL database")?;
    if has_schema && pg.holds_data().await.explained()? && !force {
        return Err(refuse_overwrite(db));
    }
    // Our idle connections must not hold up the DROPs.
    pg.pool().close().await;
    let out = tokio::process::Command::new(&tool)
        .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url])
        .arg(src)
        .output()
        .await
        .with_context(|| format!("cannot run {}", tool.display()))?;
    if !out.status.success() {
        bail!("pg_restore failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

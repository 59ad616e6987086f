//! `fengqiao demo`: make sure the database may hold a demo world, build it, show the accounts,
//! serve. A database with real data is never touched.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use fengqiao_domain::ports::{Store, SystemClock};
use fengqiao_domain::rules::password;
use fengqiao_domain::services::{Services, operator};
use fengqiao_store::PgStore;

use super::serve;
use crate::config::{Config, Database};
use crate::demo::{self, DEMO_ACCOUNTS, DEMO_WORLD, WORLD_KEY};
use crate::messages::Explain;
use crate::{database, pidfile, table};

/// What happened to the database before the demo world was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preparation {
    /// It held nothing.
    Fresh,
    /// An earlier demo world in SQLite was deleted.
    Replaced,
    /// An earlier demo world in PostgreSQL is kept; accounts get the new password.
    Reused,
}

pub async fn run(config: &Config, db: &Database, demo_password: &str) -> anyhow::Result<ExitCode> {
    password::check_policy(demo_password).explained().context("--demo-password")?;
    if let Some(dir) = db.sqlite_dir() {
        pidfile::refuse_if_running(dir, "building a demo world in it")?;
    }
    let (store, preparation) = prepare(db).await?;
    match preparation {
        Preparation::Fresh => println!("Building a demo world in {}", db.describe()),
        Preparation::Replaced => println!("Replacing the earlier demo world in {}", db.describe()),
        Preparation::Reused => println!(
            "Reusing the existing demo world in {}; the demo accounts' passwords are reset",
            db.describe()
        ),
    }
    // One vault for the services and the registry loader: `database::services_with` takes
    // the vault by value, so the services are built here the way it builds them.
    let vault = Arc::new(crate::keys::demo_vault(config)?);
    let services = Services::new(store, Arc::new(SystemClock), config.auth_settings(), vault.clone());
    let built = demo::build(&services, demo_password).await?;
    demo::boundaries::draw(&services).await?;
    demo::open311::provide_key(&services).await?;
    if preparation == Preparation::Reused {
        println!("{} demo accounts were missing and have been created.\n", built.accounts_created);
    } else {
        println!("{} areas and {} accounts created.\n", built.areas_created, built.accounts_created);
    }
    let started = std::time::Instant::now();
    let registry = demo::registry::load(services.store.as_ref(), &vault, services.clock.now()).await?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo registry loaded");
    let started = std::time::Instant::now();
    let cases = demo::cases::load(services.store.as_ref(), &vault, &services.case_settings().await.explained()?, services.clock.now()).await?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo cases loaded");
    print!("{}", accounts_table(&services, demo_password).await?);
    println!();
    print!("{}", registry.lines());
    print!("{}", cases.lines());
    print!("{}", demo::open311::lines(&config.listen.to_string()));
    println!();
    serve::serve(config, db, services).await?;
    Ok(ExitCode::SUCCESS)
}

fn refusal(db: &Database) -> anyhow::Error {
    anyhow::anyhow!(
        "{} holds data that is not a demo world; `fengqiao demo` leaves it untouched. \
         Use another --data-dir (or --database-url) for the demo, or `fengqiao serve` to run this one",
        db.describe()
    )
}

/// Opens the database for a demo world, refusing one that holds anything else. Marks it as a
/// demo before loading, so that a load that fails half-way can simply be run again.
pub async fn prepare(db: &Database) -> anyhow::Result<(Arc<dyn Store>, Preparation)> {
    let mut preparation = Preparation::Fresh;
    let store: Arc<dyn Store> = match db {
        Database::Sqlite(file) => {
            if file.exists() {
                let contents = database::inspect_sqlite(file, false).await?;
                if contents.holds_data {
                    if !contents.is_fengqiao || contents.world.as_deref() != Some(DEMO_WORLD) {
                        return Err(refusal(db));
                    }
                    for f in database::sqlite_files(file) {
                        if f.exists() {
                            std::fs::remove_file(&f).with_context(|| format!("cannot remove {}", f.display()))?;
                        }
                    }
                    preparation = Preparation::Replaced;
                }
            }
            database::open_or_create(db).await?
        }
        Database::Postgres(url) => {
            let pg = PgStore::connect(url).await.explained().context("cannot connect to PostgreSQL")?;
            // Decide before migrating: a refused database must be left exactly as it was.
            let has_schema: bool = sqlx::query_scalar("SELECT to_regclass('areas') IS NOT NULL")
                .fetch_one(pg.pool())
                .await
                .context("cannot inspect the PostgreSQL database")?;
            let pg: Arc<dyn Store> = Arc::new(pg);
            if has_schema && pg.holds_data().await.explained()? {
                if pg.get_meta(WORLD_KEY).await.explained()?.as_deref() != Some(DEMO_WORLD) {
                    return Err(refusal(db));
                }
                preparation = Preparation::Reused;
            }
            pg.migrate().await.explained()?;
            pg
        }
    };
    if store.holds_data().await.explained()? && preparation == Preparation::Fresh {
        // Only reachable if the file changed under us between the look and the open.
        bail!(refusal(db));
    }
    store.set_meta(WORLD_KEY, DEMO_WORLD).await.explained()?;
    Ok((store, preparation))
}

async fn accounts_table(services: &Services, demo_password: &str) -> anyhow::Result<String> {
    let actor = operator(demo::DEMO_ACTOR);
    let mut rows = Vec::new();
    for a in DEMO_ACCOUNTS {
        let area = services.area(&actor, a.area_code).await.explained()?;
        rows.push(vec![
            a.username.to_string(),
            a.display_name.to_string(),
            a.role.as_str().to_string(),
            format!("{} {}", area.code, area.name),
            demo_password.to_string(),
        ]);
    }
    Ok(table::render(&["USERNAME", "NAME", "ROLE", "HOME AREA", "PASSWORD"], &rows))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use fengqiao_domain::ports::SystemClock;
    use fengqiao_domain::services::{AuthSettings, DivisionRow};
    use sqlx::Connection;

    use super::*;

    fn city() -> Vec<DivisionRow> {
        let row = |code: &str, name: &str, level: &str, parent: &str| DivisionRow {
            code: code.into(),
            name: name.into(),
            level: level.into(),
            parent_code: parent.into(),
        };
        vec![row("1501", "呼和浩特市", "city", "15"), row("150103", "回民区", "district", "1501")]
    }

    fn services(store: Arc<dyn Store>) -> Services {
        Services::new(store, Arc::new(SystemClock), AuthSettings::default(), std::sync::Arc::new(fengqiao_domain::privacy::Vault::for_tests()))
    }

    async fn refuses_and_changes_nothing(db: &Database) {
        let err = prepare(db).await.err().expect("a non-demo database must be refused").to_string();
        assert!(err.contains("not a demo world"), "{err}");
    }

    #[tokio::test]
    async fn sqlite_with_real_data_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::Sqlite(dir.path().join(fengqiao_store::SQLITE_FILE));
        let real = services(database::open_or_create(&db).await.unwrap());
        real.import_divisions(&operator("setup"), &city()).await.unwrap();
        let head = real.store.audit_head().await.unwrap();

        refuses_and_changes_nothing(&db).await;
        assert!(real.area(&operator("check"), "150103").await.is_ok());
        assert_eq!(real.store.get_meta(WORLD_KEY).await.unwrap(), None);
        assert_eq!(real.store.audit_head().await.unwrap(), head);
    }

    #[tokio::test]
    async fn a_sqlite_file_of_some_other_program_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(fengqiao_store::SQLITE_FILE);
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&file).create_if_missing(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query("CREATE TABLE notes (body TEXT)").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        refuses_and_changes_nothing(&Database::Sqlite(file.clone())).await;
        assert!(!database::inspect_sqlite(&file, true).await.unwrap().is_fengqiao);
    }

    #[tokio::test]
    async fn an_empty_data_dir_becomes_a_demo_world() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::Sqlite(dir.path().join("new").join(fengqiao_store::SQLITE_FILE));
        let (store, preparation) = prepare(&db).await.unwrap();
        assert_eq!(preparation, Preparation::Fresh);
        assert_eq!(store.get_meta(WORLD_KEY).await.unwrap().as_deref(), Some(DEMO_WORLD));
    }

    /// Runs only where a test PostgreSQL server is configured (`cargo xtask test` starts one).
    #[tokio::test]
    async fn postgres_demo_worlds_are_reused_and_real_data_refused() {
        let Some(admin_url) = std::env::var("FENGQIAO_TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
            eprintln!("note: FENGQIAO_TEST_PG_URL not set; PostgreSQL demo test skipped");
            return;
        };
        let demo_db = Database::Postgres(fengqiao_store::testing::create_database(&admin_url).await);
        let (store, preparation) = prepare(&demo_db).await.unwrap();
        assert_eq!(preparation, Preparation::Fresh);
        demo::build(&services(store), "fengqiao-demo").await.unwrap();
        let (store, preparation) = prepare(&demo_db).await.unwrap();
        assert_eq!(preparation, Preparation::Reused);
        assert!(store.holds_data().await.unwrap());

        let real_db = Database::Postgres(fengqiao_store::testing::create_database(&admin_url).await);
        let real = services(database::open_or_create(&real_db).await.unwrap());
        real.import_divisions(&operator("setup"), &city()).await.unwrap();
        refuses_and_changes_nothing(&real_db).await;
        assert_eq!(real.store.get_meta(WORLD_KEY).await.unwrap(), None);
    }
}

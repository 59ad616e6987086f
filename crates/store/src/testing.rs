//! Throwaway databases for tests: a fresh SQLite file in a temp dir, and (when
//! `FENGQIAO_TEST_PG_URL` names a server the test may create databases on) a fresh
//! PostgreSQL database. `cargo xtask test` starts such a server and sets
//! `FENGQIAO_REQUIRE_PG=1`, so a missing server fails the run instead of skipping silently.

use std::sync::Arc;

use fengqiao_domain::ports::Store;

use crate::{PgStore, SqliteStore};

/// Keeps the temp dir alive as long as the store is used.
pub struct TestDb {
    pub name: &'static str,
    pub store: Arc<dyn Store>,
    pub url: Option<String>,
    pub dir: tempfile::TempDir,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join(crate::SQLITE_FILE)).await.expect("open sqlite");
    store.migrate_for_tests().await;
    TestDb { name: "sqlite", store: Arc::new(store), url: None, dir }
}

/// A fresh database on the test PostgreSQL server, or None when none is configured.
pub async fn postgres() -> Option<TestDb> {
    let admin_url = match std::env::var("FENGQIAO_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            if std::env::var("FENGQIAO_REQUIRE_PG").as_deref() == Ok("1") {
                panic!("FENGQIAO_REQUIRE_PG=1 but FENGQIAO_TEST_PG_URL is not set");
            }
            eprintln!("note: FENGQIAO_TEST_PG_URL not set; PostgreSQL half of this test skipped");
            return None;
        }
    };
    let url = create_database(&admin_url).await;
    let store = PgStore::connect(&url).await.expect("connect to test database");
    store.migrate_for_tests().await;
    Some(TestDb { name: "postgres", store: Arc::new(store), url: Some(url), dir: tempfile::tempdir().expect("temp dir") })
}

/// Creates an empty database on the server and answers its URL.
pub async fn create_database(admin_url: &str) -> String {
    use sqlx::Connection;
    let name = format!("fq_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(admin_url).await.expect("connect to test PostgreSQL server");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create database");
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
    format!("{base}/{name}")
}

/// Every backend available to this test run.
pub async fn all() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        v.push(pg);
    }
    v
}

trait MigrateForTests {
    async fn migrate_for_tests(&self);
}

impl<T: Store> MigrateForTests for T {
    async fn migrate_for_tests(&self) {
        self.migrate().await.expect("migrations run");
    }
}

//! A black-box test application: the real router on a free port, over a fresh database
//! (SQLite, and PostgreSQL when the test command provides one), with a small world of
//! areas and accounts and a clock the test can move.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use fengqiao_domain::ports::Clock;
use fengqiao_domain::services::{AuthSettings, DivisionRow, NewAccount, Services, operator};
use fengqiao_store::testing::{self, TestDb};
use fengqiao_web::{AppState, WebConfig};
use serde_json::{Value, json};

pub const PW: &str = "correct-horse";

pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub backend: &'static str,
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub services: Services,
    pub http: reqwest::Client,
    /// This node's search index and what keeps it current, when the test searches.
    pub search: Option<Arc<fengqiao_search::Follower>>,
    _db: TestDb,
}

fn row(code: &str, name: &str, level: &str, parent: &str) -> DivisionRow {
    DivisionRow { code: code.into(), name: name.into(), level: level.into(), parent_code: parent.into() }
}

/// 呼和浩特市 → 回民区 / 新城区 → streets → communities → grids, and one account per role.
async fn seed(s: &Services) {
    let op = operator("test");
    let rows = vec![
        row("1501", "呼和浩特市", "city", "15"),
        row("150103", "回民区", "district", "1501"),
        row("150102", "新城区", "district", "1501"),
        row("150103003", "光明路街道", "street", "150103"),
        row("150103004", "海拉尔西路街道", "street", "150103"),
        row("150102002", "锡林北路街道", "street", "150102"),
        row("150103003030", "巴彦淖尔北路社区居委会", "community", "150103003"),
        row("150103003001", "什拉门更社区居民委员会", "community", "150103003"),
        row("150102002001", "锡林北路社区", "community", "150102002"),
        row("150103003030G01", "第一网格", "grid", "150103003030"),
        row("150103003030G02", "第二网格", "grid", "150103003030"),
        row("150103003001G01", "第一网格", "grid", "150103003001"),
    ];
    s.import_divisions(&op, &rows).await.expect("seed areas");
    for (username, role, area) in [
        ("admin", "system_admin", "1501"),
        ("hm", "district_staff", "150103"),
        ("xc", "district_staff", "150102"),
        ("street", "street_staff", "150103003"),
        ("community", "community_staff", "150103003030"),
        ("grid", "grid_worker", "150103003030G01"),
        ("leader", "leader", "150103"),
    ] {
        s.create_account(&op, NewAccount {
            username: username.into(),
            display_name: format!("测试{username}"),
            role: role.into(),
            home_area_code: area.into(),
            password: PW.into(),
        })
        .await
        .expect("seed account");
    }
}

impl TestApp {
    pub async fn start(db: TestDb, config: WebConfig) -> TestApp {
        TestApp::start_with(db, config, |s| s).await
    }

    /// Like `start`, with the services changed first (limits, where blobs go).
    pub async fn start_with(db: TestDb, config: WebConfig, adjust: impl FnOnce(Services) -> Services) -> TestApp {
        TestApp::boot(db, config, adjust, false).await
    }

    /// Like `start`, with a search index in memory; `index_changes` brings it up to date.
    pub async fn with_search(db: TestDb) -> TestApp {
        TestApp::boot(db, test_config(), |s| s, true).await
    }

    /// Applies the change feed to this node's index, as the server's job does every second.
    pub async fn index_changes(&self) -> u64 {
        self.search.as_ref().expect("started with_search").catch_up(&mut |_, _| {}).await.expect("index changes")
    }

    async fn boot(db: TestDb, config: WebConfig, adjust: impl FnOnce(Services) -> Services, search: bool) -> TestApp {
        let clock = Arc::new(ManualClock(Mutex::new(fengqiao_domain::ports::SystemClock.now())));
        let services = Services::new(db.store.clone(), clock.clone(), AuthSettings::default(), std::sync::Arc::new(fengqiao_domain::privacy::Vault::for_tests()));
        let services = adjust(services);
        seed(&services).await;
        let mut state = AppState::new(services.clone(), config);
        let mut follower = None;
        if search {
            let index = Arc::new(fengqiao_search::CaseIndex::in_memory(1).expect("search index"));
            state = state.with_search(index.clone());
            follower = Some(Arc::new(fengqiao_search::Follower::new(services.clone(), index)));
        }
        let app = fengqiao_web::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { backend: db.name, base: format!("http://{addr}"), clock, services, http, search: follower, _db: db }
    }

    /// One app per available backend, with test-friendly HTTP settings.
    pub async fn all() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in testing::all().await {
            apps.push(TestApp::start(db, test_config()).await);
        }
        apps
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn token(&self, username: &str) -> String {
        let r = self.http.post(self.url("/api/v1/auth/token")).json(&json!({"username": username, "password": PW})).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}: token for {username}", self.backend);
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(&self, method: reqwest::Method, token: &str, path: &str, body: Value) -> (u16, Value) {
        let r = self.http.request(method, self.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn audit_seq(&self) -> i64 {
        self.services.store.audit_head().await.unwrap().0
    }

    /// Another app node on the same database: its own connections and its own copy of the
    /// case settings, checking the settings version on every use.
    pub async fn second_node(&self) -> Services {
        let store = fengqiao_store::open(self._db.url.as_deref(), self._db.dir.path()).await.expect("second connection");
        Services::new(store, self.clock.clone(), AuthSettings::default(), Arc::new(fengqiao_domain::privacy::Vault::for_tests()))
            .with_settings_check_interval(std::time::Duration::ZERO)
    }

    /// The services of a second app node on the same database: its own connections, the
    /// same clock. For checking that background work run by several nodes happens once.
    pub async fn another_node(&self) -> Services {
        let store: Arc<dyn fengqiao_domain::ports::Store> = match &self._db.url {
            Some(url) => Arc::new(fengqiao_store::PgStore::connect(url).await.unwrap()),
            None => Arc::new(fengqiao_store::SqliteStore::open(&self._db.dir.path().join(fengqiao_store::SQLITE_FILE)).await.unwrap()),
        };
        Services::new(store, self.clock.clone(), AuthSettings::default(), Arc::new(fengqiao_domain::privacy::Vault::for_tests()))
    }

    /// A browser: a client with its own cookie jar.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }
}

pub fn test_config() -> WebConfig {
    WebConfig { max_body_bytes: 16 * 1024, cookie_secure: false, trust_forwarded_for: false, request_timeout_secs: 30, ..WebConfig::default() }
}

/// The value of `<input name="csrf_token" value="...">` in a page.
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf_token\" value=\"").expect("page has a CSRF field") + "name=\"csrf_token\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

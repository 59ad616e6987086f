//! The `fengqiao` binary, driven as an operator would drive it. All of the crate's integration
//! tests live in this one file: each file under `tests/` links a separate binary.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use fengqiao_domain::ports::{Store, SystemClock};
use fengqiao_domain::services::{AuthSettings, DivisionRow, Services, operator};
use fengqiao_store::{SQLITE_FILE, SqliteStore};
use sqlx::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_fengqiao");

fn command(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).arg("--data-dir").arg(data_dir);
    // The caller's own settings must not leak into the test.
    for var in ["FENGQIAO_CONFIG", "FENGQIAO_DATABASE_URL", "FENGQIAO_DATA_DIR", "FENGQIAO_LISTEN"] {
        cmd.env_remove(var);
    }
    cmd.env("FENGQIAO_LOG", "info,sqlx=warn");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

fn fq(data_dir: &Path, args: &[&str]) -> Run {
    command(data_dir, args).output().expect("run fengqiao").into()
}

fn ok(data_dir: &Path, args: &[&str]) -> Run {
    let run = fq(data_dir, args);
    assert_eq!(run.code, 0, "fengqiao {args:?} failed: {run:?}");
    run
}

fn fails(data_dir: &Path, args: &[&str], code: i32, needle: &str) -> Run {
    let run = fq(data_dir, args);
    assert_eq!(run.code, code, "fengqiao {args:?}: {run:?}");
    assert!(run.stderr.contains(needle) || run.stdout.contains(needle), "expected {needle:?} from {args:?}: {run:?}");
    run
}

fn row(code: &str, name: &str, level: &str, parent: &str) -> DivisionRow {
    DivisionRow { code: code.into(), name: name.into(), level: level.into(), parent_code: parent.into() }
}

/// A real (non-demo) world, loaded the way an office would: through the domain services.
async fn seed_real_world(data_dir: &Path) {
    std::fs::create_dir_all(data_dir).unwrap();
    let store = SqliteStore::open(&data_dir.join(SQLITE_FILE)).await.unwrap();
    store.migrate().await.unwrap();
    let services = Services::new(Arc::new(store), Arc::new(SystemClock), AuthSettings::default(), std::sync::Arc::new(fengqiao_domain::privacy::Vault::for_tests()));
    let rows = [
        row("1501", "呼和浩特市", "city", "15"),
        row("150102", "新城区", "district", "1501"),
        row("150103", "回民区", "district", "1501"),
        row("150103003", "光明路街道", "street", "150103"),
    ];
    services.import_divisions(&operator("seed"), &rows).await.unwrap();
}

async fn sqlite(data_dir: &Path) -> sqlx::SqliteConnection {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(data_dir.join(SQLITE_FILE));
    sqlx::SqliteConnection::connect_with(&options).await.unwrap()
}

async fn usernames(data_dir: &Path) -> Vec<String> {
    let mut conn = sqlite(data_dir).await;
    let names = sqlx::query_scalar("SELECT username FROM users ORDER BY username").fetch_all(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    names
}

#[test]
fn every_subcommand_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec![],
        vec!["serve"],
        vec!["demo"],
        vec!["migrate"],
        vec!["user"],
        vec!["user", "add"],
        vec!["user", "passwd"],
        vec!["user", "disable"],
        vec!["user", "list"],
        vec!["backup"],
        vec!["restore"],
        vec!["audit"],
        vec!["audit", "verify"],
        vec!["stats"],
        vec!["stats", "verify"],
        vec!["stats", "rebuild"],
        vec!["area"],
        vec!["area", "import"],
        vec!["gen"],
    ] {
        let mut full = args.clone();
        full.push("--help");
        let run = ok(dir.path(), &full);
        assert!(run.stdout.contains("Usage: fengqiao"), "{args:?}: {run:?}");
        assert!(run.stdout.contains("--data-dir") && run.stdout.contains("--database-url"), "{args:?}: {run:?}");
        assert!(run.stdout.contains("--config"), "{args:?}: {run:?}");
    }
    assert!(ok(dir.path(), &["user", "add", "--help"]).stdout.contains("grid_worker"));
    assert!(ok(dir.path(), &["demo", "--help"]).stdout.contains("--demo-password"));
    // Help writes nothing to disk.
    assert!(!dir.path().join(SQLITE_FILE).exists());
}

#[tokio::test]
async fn accounts_are_managed_and_audited_and_tampering_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fails(&data, &["user", "list"], 1, "there is no database");
    assert!(ok(&data, &["migrate"]).stdout.contains("SQLite database"));
    seed_real_world(&data).await;

    let add = ok(&data, &["user", "add", "alice", "--role", "street_staff", "--area", "150103003", "--name", "王小明", "--password", "secret-pass-1"]);
    assert!(add.stdout.contains("created account alice"), "{add:?}");
    assert!(add.stdout.contains("光明路街道"), "{add:?}");
    fails(&data, &["user", "add", "alice", "--role", "grid_worker", "--area", "150103003", "--password", "secret-pass-1"], 1, "that username is already taken");
    let bad_role = fails(&data, &["user", "add", "bob", "--role", "root", "--area", "150103003", "--password", "secret-pass-1"], 2, "invalid value 'root'");
    assert!(bad_role.stderr.contains("grid_worker"), "the valid roles are listed: {bad_role:?}");
    fails(&data, &["user", "add", "bob", "--role", "grid_worker", "--area", "999999", "--password", "secret-pass-1"], 1, "there is no area with that code");
    fails(&data, &["user", "add", "bob", "--role", "grid_worker", "--area", "150103003", "--password", "short"], 1, "too short");
    fails(&data, &["user", "add", "bob", "--role", "grid_worker", "--area", "150103003"], 1, "no password given");

    // A password on standard input keeps it off the command line.
    let mut child = command(&data, &["user", "add", "carol", "--role", "grid_worker", "--area", "150103003"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"piped-password\n").unwrap();
    let piped: Run = child.wait_with_output().unwrap().into();
    assert_eq!(piped.code, 0, "{piped:?}");

    let list = ok(&data, &["user", "list"]).stdout;
    assert!(list.starts_with("USERNAME"), "{list}");
    assert!(list.lines().any(|l| l.starts_with("alice") && l.contains("王小明") && l.contains("street_staff") && l.contains("active")), "{list}");
    assert!(list.lines().any(|l| l.starts_with("carol") && l.contains("150103003 光明路街道")), "{list}");
    assert!(ok(&data, &["user", "list", "--area", "150103"]).stdout.contains("alice"));
    assert_eq!(ok(&data, &["user", "list", "--area", "150102"]).stdout.trim(), "no accounts");
    fails(&data, &["user", "list", "--area", "42"], 1, "there is no area with that code");

    assert!(ok(&data, &["user", "disable", "alice"]).stdout.contains("alice is disabled"));
    assert!(ok(&data, &["user", "disable", "alice"]).stdout.contains("already disabled"));
    assert!(ok(&data, &["user", "list"]).stdout.lines().any(|l| l.starts_with("alice") && l.ends_with("disabled")));
    ok(&data, &["user", "passwd", "carol", "--password", "another-pass-2"]);
    fails(&data, &["user", "passwd", "nobody", "--password", "another-pass-2"], 1, "there is no account with that username");

    // Changes are audited under the console operator's name.
    let mut conn = sqlite(&data).await;
    let actors: Vec<String> = sqlx::query_scalar("SELECT DISTINCT actor_name FROM audit_log WHERE action LIKE 'account.%'")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(!actors.is_empty() && actors.iter().all(|a| a.starts_with("cli:")), "{actors:?}");

    let intact = ok(&data, &["audit", "verify"]);
    assert!(intact.stdout.contains("audit chain intact"), "{intact:?}");

    // Someone with file access edits history below the application.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&mut conn).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor_name = 'nobody' WHERE seq = 5").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let broken = fails(&data, &["audit", "verify"], 1, "row 5 was altered");
    assert!(broken.stdout.contains("BROKEN"), "{broken:?}");
}

#[tokio::test]
async fn backup_and_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    seed_real_world(&data).await;
    ok(&data, &["user", "add", "before", "--role", "grid_worker", "--area", "150103003", "--password", "secret-pass-1"]);

    // An attachment file as the server keeps it, and a write that never finished.
    let digest = "ab".repeat(32);
    let blob = data.join("attachments").join("ab").join(&digest);
    std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
    std::fs::write(&blob, b"\xFF\xD8\xFF a photo").unwrap();
    std::fs::write(blob.parent().unwrap().join(".tmp-0190"), b"half").unwrap();

    let backup = dir.path().join("backup.db");
    let made = ok(&data, &["backup", backup.to_str().unwrap()]);
    assert!(made.stdout.contains("backed up") && made.stdout.contains("KiB"), "{made:?}");
    assert!(made.stdout.contains("backed up 1 attachment files"), "{made:?}");
    let copied = dir.path().join("backup.db.attachments").join("ab");
    assert_eq!(std::fs::read(copied.join(&digest)).unwrap(), b"\xFF\xD8\xFF a photo");
    assert!(!copied.join(".tmp-0190").exists(), "unfinished writes are not copied");
    fails(&data, &["backup", backup.to_str().unwrap()], 1, "already exists");
    std::fs::remove_dir_all(data.join("attachments")).unwrap();

    ok(&data, &["user", "add", "after", "--role", "grid_worker", "--area", "150103003", "--password", "secret-pass-1"]);
    fails(&data, &["restore", backup.to_str().unwrap()], 1, "--force");
    assert_eq!(usernames(&data).await, ["after", "before"], "a refused restore changes nothing");

    let restored = ok(&data, &["restore", backup.to_str().unwrap(), "--force"]);
    assert!(restored.stdout.contains("audit chain intact"), "{restored:?}");
    assert!(restored.stdout.contains("restored 1 attachment files"), "{restored:?}");
    assert_eq!(std::fs::read(&blob).unwrap(), b"\xFF\xD8\xFF a photo", "the attachment files came back");
    assert_eq!(usernames(&data).await, ["before"]);
    let kept: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("fengqiao.db.before-restore-"))
        .collect();
    assert!(!kept.is_empty(), "the replaced database is kept");

    // Into an empty data directory no --force is needed.
    let fresh = dir.path().join("fresh");
    ok(&fresh, &["restore", backup.to_str().unwrap()]);
    assert_eq!(usernames(&fresh).await, ["before"]);

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    fails(&fresh, &["restore", junk.to_str().unwrap(), "--force"], 1, "not a usable SQLite file");
    fails(&fresh, &["restore", dir.path().join("missing.db").to_str().unwrap()], 1, "is not a file");

    // A server is running on the directory (pid 1 always lives): the file is not swapped under it.
    std::fs::write(fresh.join("fengqiao.pid"), "1\n").unwrap();
    fails(&fresh, &["restore", backup.to_str().unwrap(), "--force"], 1, "is running");
}

#[tokio::test]
async fn demo_refuses_a_data_dir_with_real_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    seed_real_world(&data).await;
    ok(&data, &["user", "add", "keeper", "--role", "grid_worker", "--area", "150103003", "--password", "secret-pass-1"]);
    let head_before = ok(&data, &["audit", "verify"]).stdout;

    let refused = fails(&data, &["demo", "--listen", "127.0.0.1:0"], 1, "not a demo world");
    assert!(!refused.stdout.contains("Listening"), "{refused:?}");
    assert_eq!(usernames(&data).await, ["keeper"]);
    assert_eq!(ok(&data, &["audit", "verify"]).stdout, head_before, "nothing was written");
    fails(&data, &["demo", "--demo-password", "short"], 1, "too short");
}

/// A server started in the background, whose stdout lines arrive on a channel.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    stdout: Vec<String>,
}

impl Server {
    fn start(data_dir: &Path, args: &[&str]) -> Server {
        let mut child = command(data_dir, args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Server { child, lines, stdout: Vec::new() }
    }

    /// Waits for the address announcement and answers the address.
    fn address(&mut self) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    self.stdout.push(line.clone());
                    if let Some(addr) = line.strip_prefix("Listening on http://") {
                        return addr.to_string();
                    }
                }
                Err(_) => panic!("server never announced its address; stdout so far: {:?}", self.stdout),
            }
        }
    }

    /// Sends SIGTERM and answers the exit code and stderr.
    fn terminate(self) -> (i32, String) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let out = self.child.wait_with_output().unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A bare HTTP/1.1 GET: enough to see that the server answers, without an HTTP client crate.
fn http_get(addr: &str, path: &str) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn demo_serves_the_seed_world_and_shuts_down_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut demo = Server::start(&data, &["demo", "--listen", "127.0.0.1:0"]);
    let addr = demo.address();
    let printed = demo.stdout.join("\n");
    for needle in ["Building a demo world", "admin", "system_admin", "1501 呼和浩特市", "150103003030G01", "fengqiao-demo"] {
        assert!(printed.contains(needle), "{needle:?} missing from:\n{printed}");
    }
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200") && health.contains(r#""database":"sqlite""#), "{health}");
    assert!(data.join("fengqiao.pid").exists(), "the pid file marks a running server");
    // Online backup while the server runs; restore must wait for it to stop.
    let backup = dir.path().join("online.db");
    ok(&data, &["backup", backup.to_str().unwrap()]);
    fails(&data, &["restore", backup.to_str().unwrap(), "--force"], 1, "is running");
    fails(&data, &["serve", "--listen", "127.0.0.1:0"], 1, "is running");

    let (code, stderr) = demo.terminate();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("SIGTERM"), "the shutdown is logged: {stderr}");
    assert!(!data.join("fengqiao.pid").exists(), "the pid file is removed on shutdown");

    // A second demo replaces the first demo world; `serve` then runs it as it is.
    let mut again = Server::start(&data, &["demo", "--listen", "127.0.0.1:0", "--demo-password", "another-demo-pw"]);
    again.address();
    assert!(again.stdout.join("\n").contains("Replacing the earlier demo world"), "{:?}", again.stdout);
    assert_eq!(again.terminate().0, 0);
    let mut serve = Server::start(&data, &["serve", "--listen", "127.0.0.1:0"]);
    serve.address();
    assert_eq!(serve.terminate().0, 0);
    assert!(ok(&data, &["audit", "verify"]).stdout.contains("audit chain intact"));

    // The case figures' sums agree with a recount; a stray edit is caught, then mended.
    assert!(ok(&data, &["stats", "verify"]).stdout.contains("case figures agree with the records"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut db = sqlite(&data).await;
        sqlx::query(
            "UPDATE case_stats SET resolved = resolved + 1 WHERE (area_code, grain, period, kind, category) = \
             (SELECT area_code, grain, period, kind, category FROM case_stats LIMIT 1)",
        ).execute(&mut db).await.unwrap();
    });
    fails(&data, &["stats", "verify"], 1, "DIFFER from the records in 1 rows");
    assert!(ok(&data, &["stats", "rebuild"]).stdout.contains("1 rows differed and were replaced"));
    assert!(ok(&data, &["stats", "verify"]).stdout.contains("agree"));
    // A database from before the sums existed (as migration 0010 marks it) is recounted on start.
    rt.block_on(async {
        let mut db = sqlite(&data).await;
        sqlx::query("DELETE FROM case_stats").execute(&mut db).await.unwrap();
        sqlx::query("INSERT INTO meta (key, value) VALUES ('case_stats_stale', 'migration 0010') ON CONFLICT (key) DO UPDATE SET value = excluded.value").execute(&mut db).await.unwrap();
    });
    fails(&data, &["stats", "verify"], 1, "DIFFER");
    let mut serve = Server::start(&data, &["serve", "--listen", "127.0.0.1:0"]);
    serve.address();
    let (code, log) = serve.terminate();
    assert_eq!(code, 0, "{log}");
    // The log says the start is held up by a recount, and why.
    assert!(log.contains("recounting the case figures") && log.contains("migration 0010"), "{log}");
    assert!(ok(&data, &["stats", "verify"]).stdout.contains("agree"));
}

/// Runs only where a test PostgreSQL server is configured (`cargo xtask test` starts one).
#[tokio::test]
async fn postgres_backup_and_restore_round_trip() {
    let Some(admin_url) = std::env::var("FENGQIAO_TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: FENGQIAO_TEST_PG_URL not set; PostgreSQL CLI test skipped");
        return;
    };
    let url = fengqiao_store::testing::create_database(&admin_url).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("unused");
    let pg = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        v.extend(["--database-url".to_string(), url.clone()]);
        v
    };
    let run = |args: Vec<String>| fq(&data, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run(pg(&["migrate"])).stdout.contains("PostgreSQL database"));
    {
        let store = fengqiao_store::PgStore::connect(&url).await.unwrap();
        let services = Services::new(Arc::new(store), Arc::new(SystemClock), AuthSettings::default(), std::sync::Arc::new(fengqiao_domain::privacy::Vault::for_tests()));
        services.import_divisions(&operator("seed"), &[row("1501", "呼和浩特市", "city", "15")]).await.unwrap();
    }
    let add = |name: &str| run(pg(&["user", "add", name, "--role", "grid_worker", "--area", "1501", "--password", "secret-pass-1"]));
    assert_eq!(add("before").code, 0);
    let backup = dir.path().join("pg.dump");
    let made = run(pg(&["backup", backup.to_str().unwrap()]));
    assert_eq!(made.code, 0, "{made:?}");
    assert_eq!(add("after").code, 0);
    let refused = run(pg(&["restore", backup.to_str().unwrap()]));
    assert!(refused.code == 1 && refused.stderr.contains("--force"), "{refused:?}");
    let restored = run(pg(&["restore", backup.to_str().unwrap(), "--force"]));
    assert!(restored.code == 0 && restored.stdout.contains("audit chain intact"), "{restored:?}");
    let list = run(pg(&["user", "list"])).stdout;
    assert!(list.contains("before") && !list.contains("after"), "{list}");
    assert!(!data.exists(), "PostgreSQL commands leave the data directory alone");
}

#[test]
fn a_fresh_installation_gets_its_city_from_a_division_file_then_its_first_account() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("areas.csv");
    // Nobody can be given a home area before there are areas.
    fails(&data, &["user", "add", "chief", "--role", "system_admin", "--area", "1501", "--password", "long-enough-pw"], 1, "");
    std::fs::write(&csv, "\u{feff}code,name,level,parent_code\n150103,回民区,district,1501\n1501,呼和浩特市,city,15\n150103003,光明路街道,street,150103\n").unwrap();
    let run = ok(&data, &["area", "import", csv.to_str().unwrap()]);
    assert!(run.stdout.contains("3 areas created"), "{run:?}");
    let again = ok(&data, &["area", "import", csv.to_str().unwrap()]);
    assert!(again.stdout.contains("0 areas created, 3 already present"), "{again:?}");
    ok(&data, &["user", "add", "chief", "--role", "system_admin", "--area", "1501", "--password", "long-enough-pw"]);

    // A bad file changes nothing: wrong header, a row with a bad level, an unknown parent.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,name\n1,x\n").unwrap();
    fails(&data, &["area", "import", bad.to_str().unwrap()], 1, "header");
    std::fs::write(&bad, "code,name,level,parent_code\n150103004,海拉尔西路街道,street,150103\n150103004001,x,estate,150103004\n").unwrap();
    fails(&data, &["area", "import", bad.to_str().unwrap()], 1, "");
    std::fs::write(&bad, "code,name,level,parent_code\n150199001,无主街道,street,150199\n").unwrap();
    fails(&data, &["area", "import", bad.to_str().unwrap()], 1, "");
    let list = ok(&data, &["user", "list"]);
    assert!(list.stdout.contains("chief"));
    assert!(ok(&data, &["audit", "verify"]).stdout.contains("intact"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let codes = rt.block_on(async {
        let store = SqliteStore::open(&data.join(SQLITE_FILE)).await.unwrap();
        store.area_by_code("150103004").await.unwrap()
    });
    assert!(codes.is_none(), "the street from the refused file was not written");
}

#[tokio::test]
async fn gen_fills_an_empty_database_with_a_city_and_refuses_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    fails(dir.path(), &["gen", "--households", "5"], 2, "--households");
    let run = ok(dir.path(), &["gen", "--households", "2000", "--cases", "300"]);
    assert!(run.stdout.contains("Done in") && run.stdout.contains("Cases done in"), "{run:?}");
    let mut conn = sqlite(dir.path()).await;
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let grids = count("SELECT count(*) FROM areas WHERE level = 'grid'").fetch_one(&mut conn).await.unwrap();
    let households = count("SELECT count(*) FROM households").fetch_one(&mut conn).await.unwrap();
    let residents = count("SELECT count(*) FROM residents").fetch_one(&mut conn).await.unwrap();
    let world: String = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'world'").fetch_one(&mut conn).await.unwrap();
    let cases = count("SELECT count(*) FROM cases").fetch_one(&mut conn).await.unwrap();
    let districts = count("SELECT count(DISTINCT substr(number, 1, 6)) FROM cases").fetch_one(&mut conn).await.unwrap();
    let numbered = count("SELECT coalesce(sum(last_seq), 0) FROM case_counters").fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    assert_eq!((cases, numbered), (300, 300), "the counters hold every number the cases took");
    assert!(districts >= 8, "cases all over the city: {districts} districts");
    assert_eq!(grids, 4188, "every community of the city with three grids");
    // Estates are whole, so the total lands near the request, not on it.
    assert!((1000..4000).contains(&households), "{households} households for 2000 asked");
    assert!(residents > households * 2, "{residents} residents in {households} households");
    assert_eq!(world, "generated");
    assert!(usernames(dir.path()).await.contains(&"grid".to_string()));
    // Never on top of data: not its own city, not a demo, not a real world.
    fails(dir.path(), &["gen", "--households", "2000"], 1, "already holds data");
    let real = tempfile::tempdir().unwrap();
    seed_real_world(real.path()).await;
    fails(real.path(), &["gen"], 1, "already holds data");
    // And `fengqiao demo` does not replace a generated city either.
    fails(dir.path(), &["demo"], 1, "not a demo world");
}

/// `fengqiao gen` writes the same city into PostgreSQL (run where a test server is configured).
#[tokio::test]
async fn gen_fills_postgres_too() {
    let Some(admin_url) = std::env::var("FENGQIAO_TEST_PG_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: FENGQIAO_TEST_PG_URL not set; PostgreSQL gen test skipped");
        return;
    };
    let url = fengqiao_store::testing::create_database(&admin_url).await;
    let dir = tempfile::tempdir().unwrap();
    let run = ok(&dir.path().join("unused"), &["gen", "--households", "2000", "--database-url", &url]);
    assert!(run.stdout.contains("Done in"), "{run:?}");
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let residents: i64 = sqlx::query_scalar("SELECT count(*) FROM residents").fetch_one(&mut conn).await.unwrap();
    let grids: i64 = sqlx::query_scalar("SELECT count(*) FROM areas WHERE level = 'grid'").fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    assert_eq!(grids, 4188);
    assert!(residents > 2000, "{residents} residents");
}

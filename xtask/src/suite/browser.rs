//! The browser suite in e2e/, run once per database backend against a fresh
//! demo server, because the UI is only as right as the store beneath it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::postgres::ThrowawayPostgres;
use crate::process::run_tee;
use crate::server::{DemoServer, Launch};
use crate::tally::{Outcome, Tally, judge, parse_tap};
use crate::workspace::root;

const CHROMIUM: &str = "/usr/bin/chromium";

/// `pg` None runs the suite on SQLite, the demo's default store.
pub fn run(tally: &mut Tally, binary: &Path, pg: Option<&ThrowawayPostgres>) {
    let backend = if pg.is_some() { "postgres" } else { "sqlite" };
    let name = format!("browser ({backend})");
    let started = Instant::now();
    let outcome = run_backend(binary, pg, backend).unwrap_or_else(Outcome::NotRun);
    tally.record(&name, outcome, started.elapsed());
}

fn run_backend(
    binary: &Path,
    pg: Option<&ThrowawayPostgres>,
    backend: &str,
) -> Result<Outcome, String> {
    let tests = test_files()?;
    let database_url = match pg {
        Some(pg) => {
            let db = format!("fengqiao_e2e_{}", std::process::id());
            pg.create_database(&db)?;
            Some(pg.url(&db))
        }
        None => None,
    };
    let mut server = DemoServer::start(Launch {
        binary,
        database_url,
        cpu: None,
        existing_data: None,
    })?;

    let shots = root().join("target/screenshots").join(backend);
    // Stale pictures from an earlier run would pass for this run's.
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).map_err(|e| format!("{}: {e}", shots.display()))?;

    let mut cmd = Command::new("node");
    cmd.current_dir(root().join("e2e"))
        // TAP whatever the terminal: its closing `# pass`/`# fail` lines are
        // what we parse. The per-test timeout keeps a stuck page from
        // holding the run until the outer limit.
        .args(["--test", "--test-reporter=tap", "--test-timeout=120000"])
        .args(&tests)
        .env("FENGQIAO_BASE_URL", server.base_url())
        .env("FENGQIAO_BACKEND", backend)
        .env("FENGQIAO_SCREENSHOT_DIR", &shots)
        .env(
            "CHROMIUM_PATH",
            std::env::var_os("CHROMIUM_PATH").unwrap_or_else(|| CHROMIUM.into()),
        );
    let captured = run_tee(&mut cmd, Duration::from_secs(10 * 60))?;
    let outcome = judge(
        parse_tap(&captured.output),
        captured.success(),
        "node --test",
    );
    if !matches!(outcome, Outcome::Counted { failed: 0, .. }) {
        println!("{}", server.log_tail());
    }
    if let Some(problem) = server.stop() {
        eprintln!("xtask: {problem}");
    }
    Ok(outcome)
}

/// Named explicitly rather than left to node's discovery, whose defaults
/// differ between Node versions and would also pick up helper modules.
fn test_files() -> Result<Vec<PathBuf>, String> {
    let dir = root().join("e2e/tests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".test.mjs")))
        .map(|p| {
            p.strip_prefix(root().join("e2e"))
                .map(Path::to_path_buf)
                .unwrap_or(p)
        })
        .collect();
    files.sort();
    if files.is_empty() {
        Err(format!("no *.test.mjs in {}", dir.display()))
    } else {
        Ok(files)
    }
}

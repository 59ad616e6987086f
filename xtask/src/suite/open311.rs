//! Open311 against things we did not write: the `georeport` client from PyPI in JSON and XML
//! with our own JSON Schemas of the GeoReport v2 answers (`xtask/open311/check.py`), and
//! schemathesis over the Open311 document, stateful phase included, on a demo server of its
//! own that holds the published demo key.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::install::schemathesis_command;
use crate::process::run_tee;
use crate::server::{DemoServer, Launch};
use crate::tally::{Outcome, Tally, judge, parse_tap};
use crate::workspace::{root, target_dir};

/// The key `fengqiao demo` issues and prints.
const DEMO_KEY: &str = "fengqiao-demo-open311";
const SEED: &str = "20261127";
const MAX_EXAMPLES: &str = "20";

pub fn run(tally: &mut Tally, binary: &Path) {
    let started = Instant::now();
    let mut server = match DemoServer::start(Launch { binary, database_url: None, cpu: None, existing_data: None }) {
        Ok(s) => s,
        Err(e) => {
            tally.record("Open311 clients (georeport)", Outcome::NotRun(e), started.elapsed());
            return;
        }
    };
    let outcome = clients(&server).unwrap_or_else(Outcome::NotRun);
    tally.record("Open311 clients and schemas (georeport)", outcome, started.elapsed());
    let started = Instant::now();
    let outcome = contract(&server).unwrap_or_else(Outcome::NotRun);
    tally.record("Open311 contract (schemathesis)", outcome, started.elapsed());
    if let Some(problem) = server.stop() {
        eprintln!("xtask: {problem}");
    }
}

fn clients(server: &DemoServer) -> Result<Outcome, String> {
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("xtask/open311/check.py")).arg(server.base_url()).arg(DEMO_KEY);
    let captured = run_tee(&mut cmd, Duration::from_secs(5 * 60))?;
    let counts = parse_tap(&captured.output);
    let outcome = judge(counts, captured.success(), "georeport check");
    if !matches!(outcome, Outcome::Counted { failed: 0, .. }) {
        println!("{}", server.log_tail());
    }
    Ok(outcome)
}

fn contract(server: &DemoServer) -> Result<Outcome, String> {
    let mut cmd = schemathesis_command().ok_or("schemathesis is not installed (pip install -r xtask/requirements-test.txt)")?;
    let out = target_dir().join("schemathesis-open311");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let doc = out.join("open311.json");
    let mut prepare = Command::new("python3");
    prepare.arg(root().join("xtask/open311/fuzz_document.py")).arg(server.base_url()).arg(DEMO_KEY).arg(&doc);
    if !run_tee(&mut prepare, Duration::from_secs(60))?.success() {
        return Err("could not prepare the Open311 document for schemathesis".into());
    }
    let junit = out.join("junit.xml");
    let _ = std::fs::remove_file(&junit);
    cmd.current_dir(&out)
        .arg("--config-file")
        .arg(root().join("xtask/schemathesis-open311.toml"))
        .arg("run")
        .arg(&doc)
        .args(["--url", &server.base_url()])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
        .args(["--workers", "1", "--request-timeout", "10"])
        .args(["--generation-database", "none", "--no-color"])
        .args(["--report", "junit", "--report-junit-path"])
        .arg(&junit);
    let captured = run_tee(&mut cmd, Duration::from_secs(10 * 60))?;
    let counts = std::fs::read_to_string(&junit).ok().and_then(|xml| super::contract::parse_junit(&xml));
    Ok(judge(counts, captured.success(), "schemathesis (Open311)"))
}

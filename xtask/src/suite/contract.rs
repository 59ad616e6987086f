//! schemathesis against the OpenAPI document the server itself publishes:
//! the document and the behaviour must agree.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::install::schemathesis_command;
use crate::process::run_tee;
use crate::server::{DemoServer, Launch};
use crate::tally::{Outcome, Tally, judge};
use crate::workspace::target_dir;

/// Fixed so that a failure seen in CI replays locally with the same inputs.
const SEED: &str = "20261101";
/// Per operation and phase; enough to find the usual contract gaps while
/// keeping the whole run to a few minutes on 2 cores.
const MAX_EXAMPLES: &str = "30";
/// Revoking the token mid-run would turn every later request into a 401
/// and the rest of the run into noise.
const EXCLUDED: &str = "DELETE /api/v1/auth/token";

pub fn run(tally: &mut Tally, binary: &Path) {
    let started = Instant::now();
    let outcome = run_contract(binary).unwrap_or_else(Outcome::NotRun);
    tally.record("API contract (schemathesis)", outcome, started.elapsed());
}

fn run_contract(binary: &Path) -> Result<Outcome, String> {
    let mut cmd = schemathesis_command()
        .ok_or("schemathesis is not installed (pip install -r xtask/requirements-test.txt)")?;
    // A fresh server of its own: the browser runs must not see what the
    // fuzzer created, nor the other way round.
    let mut server = DemoServer::start(Launch {
        binary,
        database_url: None,
        cpu: None,
        existing_data: None,
    })?;
    let token = server.admin_token()?;

    let out = target_dir().join("schemathesis");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let junit = out.join("junit.xml");
    let _ = std::fs::remove_file(&junit);
    // The config states which checks cannot apply to which operations, and why.
    cmd.current_dir(&out)
        .arg("--config-file")
        .arg(crate::workspace::root().join("xtask/schemathesis.toml"))
        .arg("run")
        .arg(format!("{}/api/openapi.json", server.base_url()))
        // Every check runs; xtask/schemathesis.toml turns two of them off for the
        // operations it names (a --checks flag here would override that file).
        .args([
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
        ])
        // One worker: the server shares 2 cores with us and the fuzzer.
        .args([
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--wait-for-schema",
            "10",
        ])
        // No example database: runs stay reproducible from the seed alone,
        // and nothing is written into the checkout.
        .args(["--generation-database", "none", "--no-color"])
        .arg("--header")
        .arg(format!("Authorization: Bearer {token}"))
        .args(["--exclude-name", EXCLUDED])
        .args(["--report", "junit", "--report-junit-path"])
        .arg(&junit);
    let captured = run_tee(&mut cmd, Duration::from_secs(12 * 60))?;
    let counts = std::fs::read_to_string(&junit)
        .ok()
        .and_then(|xml| parse_junit(&xml));
    let outcome = judge(counts, captured.success(), "schemathesis");
    if !matches!(outcome, Outcome::Counted { failed: 0, .. }) {
        println!("{}", server.log_tail());
    }
    if let Some(problem) = server.stop() {
        eprintln!("xtask: {problem}");
    }
    Ok(outcome)
}

/// One test case per API operation, summed on the root `<testsuites>` tag.
pub(super) fn parse_junit(xml: &str) -> Option<(u64, u64)> {
    let start = xml.find("<testsuites")?;
    let tag = &xml[start..start + xml[start..].find('>')?];
    let attr = |name: &str| -> Option<u64> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[at..].split('"').next()?.parse().ok()
    };
    let (tests, failures, errors) = (
        attr("tests")?,
        attr("failures")?,
        attr("errors").unwrap_or(0),
    );
    let skipped = attr("skipped").unwrap_or(0);
    let failed = failures + errors;
    Some((tests.saturating_sub(failed + skipped), failed))
}

#[cfg(test)]
mod tests {
    use super::parse_junit;

    #[test]
    fn junit_root_counts_per_operation() {
        let xml = r#"<?xml version="1.0"?>
<testsuites errors="1" failures="2" skipped="1" tests="9" time="2.4">
  <testsuite name="schemathesis" errors="1" failures="2" skipped="1" tests="9"/>
</testsuites>"#;
        assert_eq!(parse_junit(xml), Some((5, 3)));
        assert_eq!(parse_junit("<testsuite tests=\"1\"/>"), None);
    }
}

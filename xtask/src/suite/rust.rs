//! The workspace's own Rust tests, with the throwaway PostgreSQL named so
//! that the store's conformance suite runs on both backends.

use std::time::{Duration, Instant};

use crate::postgres::ThrowawayPostgres;
use crate::process::run_tee;
use crate::tally::{Outcome, Tally, judge, parse_cargo_test, parse_nextest};
use crate::workspace::cargo;

pub fn run(tally: &mut Tally, pg: Option<&ThrowawayPostgres>) {
    let started = Instant::now();
    let nextest = cargo()
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut cmd = cargo();
    if nextest {
        cmd.args(["nextest", "run", "--workspace", "--no-fail-fast"]);
    } else {
        println!("cargo-nextest not found; falling back to cargo test");
        cmd.args(["test", "--workspace", "--no-fail-fast"]);
    }
    if let Some(pg) = pg {
        // REQUIRE_PG turns "no database, skipping" into a failure, so a broken
        // harness cannot make the PostgreSQL half of the suite vanish quietly.
        cmd.env("FENGQIAO_TEST_PG_URL", pg.url("postgres"))
            .env("FENGQIAO_REQUIRE_PG", "1");
    }
    let name = if nextest {
        "rust tests (nextest)"
    } else {
        "rust tests (cargo test)"
    };
    // Includes compiling the tests from cold, which dominates on 2 cores.
    let outcome = match run_tee(&mut cmd, Duration::from_secs(40 * 60)) {
        Ok(captured) => {
            let counts = if nextest {
                parse_nextest(&captured.output)
            } else {
                parse_cargo_test(&captured.output)
            };
            judge(counts, captured.success(), name)
        }
        Err(e) => Outcome::NotRun(e),
    };
    tally.record(name, outcome, started.elapsed());
}

//! `cargo xtask test`: every suite the project has, in one command, ending in
//! the one line CI reads.

mod browser;
mod contract;
mod open311;
mod rust;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::install::{self, Needs};
use crate::postgres::ThrowawayPostgres;
use crate::process::run_tee;
use crate::tally::{Outcome, Tally};
use crate::workspace::{binary, cargo};

pub struct Options {
    pub browser: bool,
    pub schemathesis: bool,
    pub install: bool,
}

pub fn run(opts: Options) -> ExitCode {
    let mut tally = Tally::default();

    if opts.install {
        let started = Instant::now();
        let needs = Needs {
            browser: opts.browser,
            schemathesis: opts.schemathesis,
            postgres: true,
            wrk: false,
        };
        match install::ensure(needs) {
            Ok(()) => println!(
                "==> install: prerequisites present ({:.1}s)",
                started.elapsed().as_secs_f64()
            ),
            Err(e) => tally.record("install", Outcome::NotRun(e), started.elapsed()),
        }
    }

    let started = Instant::now();
    let pg = match ThrowawayPostgres::start() {
        Ok(pg) => Some(pg),
        Err(e) => {
            tally.record(
                "throwaway PostgreSQL",
                Outcome::NotRun(e),
                started.elapsed(),
            );
            None
        }
    };

    rust::run(&mut tally, pg.as_ref());

    if opts.browser || opts.schemathesis {
        let started = Instant::now();
        match build_app() {
            Ok(bin) => {
                if opts.browser {
                    browser::run(&mut tally, &bin, None);
                    match &pg {
                        Some(pg) => browser::run(&mut tally, &bin, Some(pg)),
                        None => tally.record(
                            "browser (postgres)",
                            Outcome::NotRun("no throwaway PostgreSQL".into()),
                            Duration::ZERO,
                        ),
                    }
                }
                if opts.schemathesis {
                    contract::run(&mut tally, &bin);
                    open311::run(&mut tally, &bin);
                }
            }
            Err(e) => tally.record("build fengqiao", Outcome::NotRun(e), started.elapsed()),
        }
    }

    drop(pg);
    tally.print_summary();
    if tally.all_green() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn build_app() -> Result<PathBuf, String> {
    let captured = run_tee(
        cargo().args(["build", "-p", "fengqiao"]),
        Duration::from_secs(25 * 60),
    )?;
    if !captured.success() {
        return Err("`cargo build -p fengqiao` failed".into());
    }
    Ok(binary("debug"))
}

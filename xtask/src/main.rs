//! `cargo xtask test` and `cargo xtask bench`: the project's one test command
//! (what CI runs) and its load benchmark. Std-only on purpose: this is the
//! first thing a fresh machine compiles.

mod bench;
mod http;
mod install;
mod postgres;
mod process;
mod server;
mod suite;
mod tally;
mod workspace;

use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask test  [--no-browser] [--no-schemathesis] [--no-install]
      Rust tests against a throwaway PostgreSQL, the browser suite on SQLite and
      PostgreSQL, and schemathesis against the API; ends with `N passed, N failed`.
  cargo xtask bench [--no-install]
      Release build under wrk; prints a table and updates BENCHMARKS.md.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, flags)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let has = |flag: &str| flags.iter().any(|f| f == flag);
    let known: &[&str] = match command.as_str() {
        "test" => &["--no-browser", "--no-schemathesis", "--no-install"],
        "bench" => &["--no-install"],
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("unknown command `{other}`\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(unknown) = flags.iter().find(|f| !known.contains(&f.as_str())) {
        eprintln!("unknown flag `{unknown}` for `{command}`\n{USAGE}");
        return ExitCode::from(2);
    }
    match command.as_str() {
        "test" => suite::run(suite::Options {
            browser: !has("--no-browser"),
            schemathesis: !has("--no-schemathesis"),
            install: !has("--no-install"),
        }),
        _ => bench::run(bench::Options {
            install: !has("--no-install"),
        }),
    }
}

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
  cargo xtask bench [--no-install] [--city | --intake | --stats | --open311 | --search]
      Release build under wrk; prints a table and updates BENCHMARKS.md.
      --city: the registry at Hohhot's size instead (generates target/city first
      if it is not there: several minutes). --intake: taking cases in over HTTP
      beside the store's floor. --stats: case figures on the world that
      `cargo xtask gen --cases N` made in target/city (and FENGQIAO_BENCH_PG_URL).
      --open311: Open311 submissions and the 1,000-record request list.
      --search: case search index build speed and query latency on the world
      in target/search-city (or target/city).
  cargo xtask gen [--households N] [--cases N] [--data-dir DIR] [--database-url URL]
      Release build, then a city-size synthetic world (default 1,400,000
      households, about 3.45M residents) into an empty database: SQLite in DIR
      (default target/city) or the PostgreSQL database at URL. --cases N adds
      N cases over the last ten years (Hohhot-size: 10,000,000).
  FENGQIAO_CITY_DIR=DIR stands for target/city in `gen` and `bench --city|--stats`,
  and is the first world `bench --search` looks at.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, flags)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let has = |flag: &str| flags.iter().any(|f| f == flag);
    let known: &[&str] = match command.as_str() {
        "test" => &["--no-browser", "--no-schemathesis", "--no-install"],
        "bench" => &["--no-install", "--city", "--intake", "--stats", "--open311", "--search"],
        "gen" => return generate(flags),
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
            city: has("--city"),
            intake: has("--intake"),
            stats: has("--stats"),
            open311: has("--open311"),
            search: has("--search"),
        }),
    }
}

fn generate(flags: &[String]) -> ExitCode {
    let mut households = bench::city::HOUSEHOLDS;
    let mut cases = 0u64;
    let mut dir = bench::city::default_dir();
    let mut url = None;
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let Some(value) = it.next() else {
            eprintln!("`{flag}` needs a value\n{USAGE}");
            return ExitCode::from(2);
        };
        match flag.as_str() {
            "--households" => match value.parse() {
                Ok(n) => households = n,
                Err(_) => {
                    eprintln!("--households takes a whole number, not `{value}`");
                    return ExitCode::from(2);
                }
            },
            "--cases" => match value.parse() {
                Ok(n) => cases = n,
                Err(_) => {
                    eprintln!("--cases takes a whole number, not `{value}`");
                    return ExitCode::from(2);
                }
            },
            "--data-dir" => dir = value.into(),
            "--database-url" => url = Some(value.clone()),
            other => {
                eprintln!("unknown flag `{other}` for `gen`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let built = process::run_tee(
        workspace::cargo().args(["build", "--release", "-p", "fengqiao"]),
        std::time::Duration::from_secs(40 * 60),
    );
    if !matches!(&built, Ok(b) if b.success()) {
        eprintln!("xtask gen: `cargo build --release -p fengqiao` failed");
        return ExitCode::FAILURE;
    }
    match bench::city::generate(&workspace::binary("release"), &dir, url.as_deref(), households, cases) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask gen: {e}");
            ExitCode::FAILURE
        }
    }
}

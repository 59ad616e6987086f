//! `cargo xtask bench`: HTTP throughput and latency of the release build
//! under wrk, with server and load pinned to different cores.

pub mod city;
mod intake;
mod open311;
mod report;
mod export;
mod search;
mod stats;
mod wrk;

use std::process::{Command, ExitCode};
use std::time::Duration;

use crate::http;
use crate::install::{self, Needs};
use crate::process::{describe, query, run_tee, which};
use crate::server::{DemoServer, Launch};
use crate::workspace::{binary, cargo, root};

const AREA_PATH: &str = "/api/v1/areas/150103/children";
const SECONDS: u32 = 10;
const CONNECTIONS: u32 = 16;

pub struct Options {
    pub install: bool,
    /// Measure the registry at city scale instead of the demo's HTTP throughput.
    pub city: bool,
    /// Measure case intake over HTTP beside the store's floor, on SQLite and PostgreSQL.
    pub intake: bool,
    /// Measure case figures on the generated city (`cargo xtask gen --cases N`).
    pub stats: bool,
    /// Measure Open311 submissions and the capped request list.
    pub open311: bool,
    /// Measure case search: indexing speed and query latency on a generated world.
    pub search: bool,
}

pub fn run(opts: Options) -> ExitCode {
    match bench(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(opts: Options) -> Result<(), String> {
    if opts.install {
        install::ensure(Needs {
            wrk: true,
            ..Needs::default()
        })?;
    }
    which("wrk").ok_or("wrk is not installed (apt-get install wrk)")?;
    // On fewer than 2 cores pinning apart is impossible; running unpinned
    // still gives a number, and the report says which it was.
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let pin = cores >= 2 && which("taskset").is_some();
    let (server_cpu, load_cpu) = if pin {
        (Some(0), Some(1))
    } else {
        (None, None)
    };

    let build = run_tee(
        cargo().args(["build", "--release", "-p", "fengqiao"]),
        Duration::from_secs(40 * 60),
    )?;
    if !build.success() {
        return Err("`cargo build --release -p fengqiao` failed".into());
    }
    let bin = binary("release");
    if opts.city {
        return bench_city(&bin, server_cpu, load_cpu, pin, cores);
    }
    if opts.stats {
        let runs = stats::run(&bin, &city::default_dir())?;
        let http = stats::over_http(&bin, &city::default_dir(), server_cpu, load_cpu)?;
        let exports = export::ledger(&bin, &city::default_dir(), server_cpu)?;
        let pin_note = if pin { "taskset -c 0 " } else { "" };
        let ctx = report::Context {
            date: query(Command::new("date").args(["-u", "+%Y-%m-%d"])).map(|d| d.trim().to_string()).unwrap_or_default(),
            commit: commit(),
            cpu: format!("{} ({cores} cores)", cpu_model()),
            server_command: format!("{pin_note}target/release/fengqiao serve --data-dir target/city --listen 127.0.0.1:<port>"),
            peak_rss_kib: None,
        };
        return write_section(report::Block::Stats, &report::stats_section(&ctx, &runs, &http, &exports));
    }
    if opts.open311 {
        let rows = open311::run(&bin, server_cpu, load_cpu)?;
        let ctx = demo_context(pin, cores, "--data-dir <tmp>");
        return write_section(report::Block::Open311, &report::open311_section(&ctx, &rows));
    }
    if opts.search {
        let figures = search::run(&bin)?;
        let ctx = report::Context {
            date: query(Command::new("date").args(["-u", "+%Y-%m-%d"])).map(|d| d.trim().to_string()).unwrap_or_default(),
            commit: commit(),
            cpu: format!("{} ({cores} cores)", cpu_model()),
            server_command: String::new(),
            peak_rss_kib: None,
        };
        return write_section(report::Block::Search, &report::search_section(&ctx, &figures));
    }
    if opts.intake {
        let backends = intake::run(&bin, server_cpu, load_cpu)?;
        let ctx = demo_context(pin, cores, "--data-dir <tmp> [--database-url <url>]");
        return write_section(report::Block::Intake, &report::intake_section(&ctx, &backends));
    }
    let mut server = DemoServer::start(Launch {
        binary: &bin,
        database_url: None,
        cpu: server_cpu,
        existing_data: None,
    })?;
    let token = server.admin_token()?;
    let bearer = format!("Authorization: Bearer {token}");
    // A benchmark of 401s would look splendid and mean nothing.
    let probe = http::get(
        server.addr(),
        AREA_PATH,
        &[("Authorization", &format!("Bearer {token}"))],
    )
    .map_err(|e| format!("GET {AREA_PATH}: {e}"))?;
    if probe.status != 200 {
        return Err(format!(
            "GET {AREA_PATH} with the admin token answered {}: {}",
            probe.status, probe.body
        ));
    }

    let targets = [
        ("`GET /healthz`", "/healthz", false),
        (
            "`GET /api/v1/areas/150103/children` (bearer token)",
            AREA_PATH,
            true,
        ),
    ];
    let mut rows = Vec::new();
    for (label, path, authed) in targets {
        let load = |base: &str, header: Option<&'static str>| wrk::Load {
            url: format!("{base}{path}"),
            header,
            cpu: load_cpu,
            seconds: SECONDS,
            connections: CONNECTIONS,
            script: None,
        };
        let header = authed.then_some(bearer.as_str());
        let figures = wrk::run(&wrk::Load {
            header,
            ..load(&server.base_url(), None)
        })?;
        // What BENCHMARKS.md shows: no throwaway port, no token.
        let shown = load(
            "http://127.0.0.1:<port>",
            authed.then_some("Authorization: Bearer <token>"),
        );
        rows.push(report::Row {
            label: label.to_string(),
            figures,
            command: describe(&wrk::command(&shown)),
        });
    }
    let peak_rss_kib = peak_rss_kib(server.pid());
    if let Some(problem) = server.stop() {
        eprintln!("xtask: {problem}");
    }

    let pin_note = if pin { "taskset -c 0 " } else { "" };
    let ctx = report::Context {
        date: query(Command::new("date").args(["-u", "+%Y-%m-%d"]))
            .map(|d| d.trim().to_string())
            .unwrap_or_default(),
        commit: commit(),
        cpu: format!(
            "{} ({cores} cores{})",
            cpu_model(),
            if pin { "" } else { ", unpinned" }
        ),
        server_command: format!(
            "{pin_note}target/release/fengqiao demo --listen 127.0.0.1:<port> --data-dir <tmp>"
        ),
        peak_rss_kib,
    };
    let section = report::section(&ctx, &rows);
    write_section(report::Block::Http, &section)
}

/// The report's context for a run on a fresh demo server.
fn demo_context(pin: bool, cores: usize, where_: &str) -> report::Context {
    let pin_note = if pin { "taskset -c 0 " } else { "" };
    report::Context {
        date: query(Command::new("date").args(["-u", "+%Y-%m-%d"])).map(|d| d.trim().to_string()).unwrap_or_default(),
        commit: commit(),
        cpu: format!("{} ({cores} cores{})", cpu_model(), if pin { "" } else { ", unpinned" }),
        server_command: format!("{pin_note}target/release/fengqiao demo --listen 127.0.0.1:<port> {where_}"),
        peak_rss_kib: None,
    }
}

fn write_section(block: report::Block, section: &str) -> Result<(), String> {
    println!("\n{section}");
    let path = root().join("BENCHMARKS.md");
    report::update_file(&path, block, section).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("updated {}", path.display());
    Ok(())
}

fn bench_city(bin: &std::path::Path, server_cpu: Option<u32>, load_cpu: Option<u32>, pin: bool, cores: usize) -> Result<(), String> {
    let figures = city::run(bin, server_cpu, load_cpu)?;
    let pin_note = if pin { "taskset -c 0 " } else { "" };
    let ctx = report::Context {
        date: query(Command::new("date").args(["-u", "+%Y-%m-%d"])).map(|d| d.trim().to_string()).unwrap_or_default(),
        commit: commit(),
        cpu: format!("{} ({cores} cores{})", cpu_model(), if pin { "" } else { ", unpinned" }),
        server_command: format!("{pin_note}target/release/fengqiao serve --data-dir target/city --listen 127.0.0.1:<port>"),
        peak_rss_kib: None,
    };
    write_section(report::Block::City, &report::city_section(&ctx, &figures))
}

/// VmHWM is the resident-set high-water mark over the process's life,
/// which is what matters for sizing a host; VmRSS would be a snapshot.
pub(super) fn peak_rss_kib(pid: u32) -> Option<u64> {
    proc_status_kib(pid, "VmHWM:")
}

/// One `kB` line of /proc/PID/status, such as `VmRSS:`.
pub(super) fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn commit() -> String {
    let git = |args: &[&str]| query(Command::new("git").args(args).current_dir(root()));
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "(none yet)".into();
    };
    let dirty = git(&["status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md"])
        .is_some_and(|s| !s.trim().is_empty());
    format!(
        "{}{}",
        head.trim(),
        if dirty { " + local changes" } else { "" }
    )
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

//! `cargo xtask bench --stats`: case figures at city scale. Runs `fengqiao stats-bench` on the
//! world `cargo xtask gen --cases N` made (SQLite in target/city), and on PostgreSQL when
//! `FENGQIAO_BENCH_PG_URL` names a generated database; each run sets random areas × periods
//! from the sums beside the same figure counted from the raw cases.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::city::{division_codes, lua};
use super::intake::number;
use super::report::Row;
use super::wrk;
use crate::http;
use crate::process::{describe, run_tee};
use crate::server::{DemoServer, Launch};
use crate::workspace::root;

pub struct StatsFigures {
    pub backend: &'static str,
    pub command: String,
    pub json: String,
}

impl StatsFigures {
    pub fn get(&self, key: &str) -> f64 {
        number(&self.json, key).unwrap_or(f64::NAN)
    }
}

pub fn run(bin: &Path, city: &Path) -> Result<Vec<StatsFigures>, String> {
    let mut out = Vec::new();
    if !city.join("fengqiao.db").exists() {
        return Err(format!("no generated world in {}: run `cargo xtask gen --cases 10000000` first", city.display()));
    }
    out.push(measure(bin, "SQLite", &["--data-dir".into(), city.display().to_string()], "--data-dir target/city")?);
    if let Ok(url) = std::env::var("FENGQIAO_BENCH_PG_URL") {
        out.push(measure(bin, "PostgreSQL", &["--database-url".into(), url], "--database-url <url>")?);
    }
    Ok(out)
}

fn measure(bin: &Path, backend: &'static str, db: &[String], shown_db: &str) -> Result<StatsFigures, String> {
    let mut cmd = Command::new(bin);
    cmd.arg("stats-bench").args(["--samples", "2000", "--recounts", "60"]).args(db);
    let run = run_tee(&mut cmd, Duration::from_secs(60 * 60))?;
    if !run.success() {
        return Err(format!("`{}` failed", describe(&cmd)));
    }
    let json = run.output.lines().rev().find(|l| l.starts_with('{')).ok_or("no figures line in the output")?.to_string();
    Ok(StatsFigures { backend, command: format!("target/release/fengqiao stats-bench --samples 2000 --recounts 60 {shown_db}"), json })
}

/// The figures API over HTTP on the generated city, as the dashboard calls it, and the
/// dashboard page itself (server time: the HTML with every figure and chart's data in it):
/// the city, every district, and a spread of streets, communities and grids, each for a
/// year, a quarter, a month and the last ten years, in turn.
pub fn over_http(bin: &Path, city: &Path, server_cpu: Option<u32>, load_cpu: Option<u32>) -> Result<Vec<Row>, String> {
    let server = DemoServer::start(Launch { binary: bin, database_url: None, cpu: server_cpu, existing_data: Some(city) })?;
    let token = server.admin_token()?;
    let cookie = server.session_cookie("admin")?;
    let every = |level: &str, step: usize| -> Result<Vec<String>, String> { Ok(division_codes(level)?.into_iter().step_by(step).collect()) };
    let mut areas = vec!["1501".to_string()];
    areas.extend(every("district", 1)?);
    areas.extend(every("street", 3)?);
    areas.extend(every("community", 14)?);
    areas.extend(every("community", 29)?.into_iter().map(|c| format!("{c}G01")));
    let periods = ["from=2024-01-01&to=2024-12-31", "from=2025-04-01&to=2025-06-30", "from=2023-03-01&to=2023-03-31", "from=2016-11-27&to=2026-11-26"];
    let queries: Vec<String> = areas.iter().flat_map(|a| periods.iter().map(move |p| format!("area={a}&{p}"))).collect();
    let api_header = format!("Authorization: Bearer {token}");
    let page_header = format!("Cookie: {cookie}");
    let targets = [
        ("/api/v1/stats/cases", "stats.lua", api_header.as_str(), "Authorization: Bearer <token>", format!("`GET /api/v1/stats/cases` on SQLite (admin; {} areas from city to grid × 4 periods, in turn)", areas.len())),
        ("/dashboard", "dashboard.lua", page_header.as_str(), "Cookie: fq_session=<session>", format!("`GET /dashboard` page on SQLite (admin's browser session; the same {} areas × 4 periods)", areas.len())),
    ];
    let scripts = root().join("target").join("bench-scripts");
    std::fs::create_dir_all(&scripts).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for (path, script_name, header, shown_header, label) in targets {
        let paths: Vec<String> = queries.iter().map(|q| format!("{path}?{q}")).collect();
        // A benchmark of refusals would look splendid and mean nothing.
        let probe = http::get(server.addr(), &paths[0], &[header.split_once(": ").unwrap_or_default()]).map_err(|e| e.to_string())?;
        // Signed out, the page would answer 303 to the login form; the API a 401.
        let looks_right = if path == "/dashboard" { probe.body.contains("<html") } else { probe.body.contains("\"intake\"") };
        if probe.status != 200 || !looks_right {
            return Err(format!("GET {} answered {}: {}", paths[0], probe.status, probe.body.chars().take(400).collect::<String>()));
        }
        let script = scripts.join(script_name);
        std::fs::write(&script, lua(&paths)).map_err(|e| e.to_string())?;
        let run = wrk::Load { url: server.base_url(), header: Some(header), cpu: load_cpu, seconds: 10, connections: 8, script: Some(script) };
        wrk::run(&wrk::Load { seconds: 3, ..run.clone() })?;
        let figures = wrk::run(&run)?;
        let shown = wrk::Load {
            url: "http://127.0.0.1:<port>".into(),
            header: Some(shown_header),
            script: Some(Path::new("target/bench-scripts").join(script_name)),
            ..run
        };
        rows.push(Row { label, figures, command: describe(&wrk::command(&shown)) });
    }
    Ok(rows)
}

//! `cargo xtask bench --intake`: taking cases in over HTTP (a grid worker's bearer token,
//! validation, parties encrypted, audited, committed) beside the floor under it, the same rows
//! written straight through the store by `fengqiao raw-intake`, on SQLite and on PostgreSQL.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::report::Row;
use super::wrk;
use crate::http;
use crate::postgres::ThrowawayPostgres;
use crate::process::describe;
use crate::server::{DemoServer, Launch};
use crate::workspace::root;

const GRID: &str = "150103003030G01";
pub const SECONDS: u32 = 10;
pub const CONNECTIONS: u32 = 16;

/// One backend's two figures.
pub struct Backend {
    pub name: &'static str,
    pub http: Row,
    pub raw: RawFigures,
    pub raw_command: String,
}

pub struct RawFigures {
    pub rows: u64,
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

pub fn run(bin: &Path, server_cpu: Option<u32>, load_cpu: Option<u32>) -> Result<Vec<Backend>, String> {
    let mut out = vec![measure(bin, "SQLite", None, server_cpu, load_cpu)?];
    let pg = ThrowawayPostgres::start()?;
    let db = format!("fengqiao_bench_{}", std::process::id());
    pg.create_database(&db)?;
    out.push(measure(bin, "PostgreSQL", Some(pg.url(&db)), server_cpu, load_cpu)?);
    Ok(out)
}

fn measure(bin: &Path, name: &'static str, url: Option<String>, server_cpu: Option<u32>, load_cpu: Option<u32>) -> Result<Backend, String> {
    let mut server = DemoServer::start(Launch { binary: bin, database_url: url.clone(), cpu: server_cpu, existing_data: None })?;
    let token = server.token_for("grid")?;
    let auth = format!("Bearer {token}");
    let area = http::get(server.addr(), &format!("/api/v1/areas/{GRID}"), &[("Authorization", &auth)]).map_err(|e| e.to_string())?;
    let area_id = http::json_string_field(&area.body, "id").ok_or_else(|| format!("no id for {GRID}: {}", area.body))?;
    // A benchmark of 4xx answers would look splendid and mean nothing: one must succeed.
    let probe = http::request(server.addr(), "POST", "/api/v1/cases", &[("Authorization", &auth), ("Content-Type", "application/json")], Some(&body(&area_id, "0")))
        .map_err(|e| e.to_string())?;
    if probe.status != 201 {
        return Err(format!("POST /api/v1/cases answered {}: {}", probe.status, probe.body));
    }
    let dir = root().join("target/bench-scripts");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let script = dir.join("intake.lua");
    std::fs::write(&script, lua(&area_id)).map_err(|e| e.to_string())?;
    let header = format!("Authorization: {auth}");
    let real = wrk::Load { url: server.base_url(), header: Some(&header), cpu: load_cpu, seconds: SECONDS, connections: CONNECTIONS, script: Some(script.clone()) };
    let figures = wrk::run(&real)?;
    // What BENCHMARKS.md shows: no throwaway port, no token.
    let shown = wrk::Load {
        url: "http://127.0.0.1:<port>".into(),
        header: Some("Authorization: Bearer <token>"),
        script: Some("target/bench-scripts/intake.lua".into()),
        ..real
    };
    let http_row = Row {
        label: format!("`POST /api/v1/cases` on {name} (grid worker's token; a dispute with two parties)"),
        figures,
        command: describe(&wrk::command(&shown)),
    };
    let data = server.data_dir();
    if let Some(problem) = server.stop() {
        eprintln!("xtask: {problem}");
    }
    // As many rows as HTTP managed, at the same concurrency, into the same database.
    let count = ((http_row.figures.requests_per_sec * f64::from(SECONDS)) as u64).clamp(1_000, 200_000);
    let mut cmd = Command::new(bin);
    cmd.arg("raw-intake").arg("--count").arg(count.to_string()).arg("--concurrency").arg(CONNECTIONS.to_string());
    match &url {
        Some(u) => cmd.arg("--database-url").arg(u),
        None => cmd.arg("--data-dir").arg(&data),
    };
    let run = crate::process::run_tee(&mut cmd, Duration::from_secs(15 * 60))?;
    if !run.success() {
        return Err(format!("raw-intake failed: {}", run.output));
    }
    let raw = parse_raw(&run.output).ok_or_else(|| format!("raw-intake printed no figures: {}", run.output))?;
    let raw_command = format!("target/release/fengqiao raw-intake --count {count} --concurrency {CONNECTIONS} {}", if url.is_some() { "--database-url <url>" } else { "--data-dir <tmp>" });
    Ok(Backend { name, http: http_row, raw, raw_command })
}

fn body(area_id: &str, n: &str) -> String {
    format!(
        r#"{{"kind":"dispute","category":"neighbour.water_leak","title":"楼上漏水 {n}","description":"楼上漏水导致家中墙面受损，双方就维修和赔偿有分歧。","area_id":"{area_id}","channel":"grid_patrol","parties":[{{"role":"applicant","name":"王秀英","phone":"13904710000"}},{{"role":"respondent","name":"李建国","phone":"13904710001"}}]}}"#
    )
}

fn lua(area_id: &str) -> String {
    // Each request a new title, so no two bodies are the same case.
    let template = body(area_id, "%d").replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, \"/api/v1/cases\", nil, string.format(\"{template}\", n))\nend\n"
    )
}

pub(super) fn number(json: &str, key: &str) -> Option<f64> {
    let at = json.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = &json[at..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

fn parse_raw(output: &str) -> Option<RawFigures> {
    let line = output.lines().rev().find(|l| l.trim_start().starts_with('{'))?;
    Some(RawFigures { rows: number(line, "rows")? as u64, per_sec: number(line, "per_sec")?, p50_ms: number(line, "p50_ms")?, p99_ms: number(line, "p99_ms")? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_raw_figures_are_read_from_the_commands_line() {
        let f = parse_raw("note\n{\"p50_ms\":1.5,\"p99_ms\":9.25,\"per_sec\":3000.5,\"rows\":30000,\"seconds\":10.0}\n").unwrap();
        assert_eq!((f.rows, f.per_sec, f.p50_ms, f.p99_ms), (30000, 3000.5, 1.5, 9.25));
        assert!(parse_raw("no figures").is_none());
    }

    #[test]
    fn the_script_posts_a_fresh_title_each_time() {
        let s = lua("0191");
        assert!(s.contains("wrk.method = \"POST\"") && s.contains("string.format(") && s.contains("楼上漏水 %d"));
        assert!(s.contains("\\\"area_id\\\":\\\"0191\\\""), "{s}");
    }
}

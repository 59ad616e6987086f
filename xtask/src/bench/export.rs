//! The case ledger exported at city scale (part of `cargo xtask bench --stats`): the whole
//! city's cases for a stretch of years holding about a million, as XLSX and as CSV, through
//! `GET /api/v1/cases/export.{xlsx,csv}` on the generated world. Each format gets a freshly
//! started server, so its peak RSS (VmHWM) is the export's and not an earlier run's.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::intake::number;
use crate::http;
use crate::process::{describe, run_tee};
use crate::server::{DemoServer, Launch};

pub struct ExportFigures {
    pub format: &'static str,
    pub period: String,
    pub rows: u64,
    pub bytes: u64,
    pub seconds: f64,
    /// VmRSS just before the export began (the server had started and answered a few reads).
    pub rss_before_kib: Option<u64>,
    pub peak_rss_kib: Option<u64>,
    pub command: String,
}

/// At least this many rows, if the world holds them.
const TARGET_ROWS: f64 = 1_000_000.0;

pub fn ledger(bin: &Path, city: &Path, server_cpu: Option<u32>) -> Result<Vec<ExportFigures>, String> {
    let mut out = Vec::new();
    for format in ["xlsx", "csv"] {
        let server = DemoServer::start(Launch { binary: bin, database_url: None, cpu: server_cpu, existing_data: Some(city) })?;
        let token = server.admin_token()?;
        let auth = format!("Bearer {token}");
        let (period, rows) = period_of_a_million(&server, &auth)?;
        let url = format!("{}/api/v1/cases/export.{format}?area=1501&{period}", server.base_url());
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}\\n", "-H"]).arg(format!("Authorization: {auth}")).arg(&url);
        let rss_before_kib = super::proc_status_kib(server.pid(), "VmRSS:");
        let run = run_tee(&mut cmd, Duration::from_secs(30 * 60))?;
        let line = run.output.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().to_string();
        let parts: Vec<&str> = line.split_whitespace().collect();
        if !run.success() || parts.first() != Some(&"200") || parts.len() != 3 {
            return Err(format!("the {format} export answered `{line}`: {}", server.log_tail()));
        }
        let peak_rss_kib = super::peak_rss_kib(server.pid());
        let shown = describe(&cmd).replace(&token, "<token>").replace(&server.base_url(), "http://127.0.0.1:<port>");
        out.push(ExportFigures {
            format: if format == "xlsx" { "XLSX" } else { "CSV" },
            period: period.replace('&', " to ").replace("from=", "").replace("to=", ""),
            rows,
            bytes: parts[1].parse().unwrap_or(0),
            seconds: parts[2].parse().unwrap_or(f64::NAN),
            rss_before_kib,
            peak_rss_kib,
            command: shown,
        });
    }
    Ok(out)
}

/// The shortest stretch of whole years, counting back from 2025, whose intake in the whole
/// city reaches a million cases (or all ten years if the world is smaller).
fn period_of_a_million(server: &DemoServer, auth: &str) -> Result<(String, u64), String> {
    let mut best = (String::new(), 0.0);
    for first in (2016..=2025).rev() {
        let period = format!("from={first}-01-01&to=2025-12-31");
        let resp = http::get(server.addr(), &format!("/api/v1/stats/cases?area=1501&{period}"), &[("Authorization", auth)]).map_err(|e| e.to_string())?;
        let intake = number(&resp.body, "intake").ok_or_else(|| format!("no intake in {}", resp.body))?;
        best = (period, intake);
        if intake >= TARGET_ROWS {
            break;
        }
    }
    Ok((best.0, best.1 as u64))
}

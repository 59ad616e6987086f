//! One bounded wrk run and the figures we keep from its report.

use std::process::Command;
use std::time::Duration;

use crate::process::{describe, run_tee};

#[derive(Clone)]
pub struct Load<'a> {
    pub url: String,
    pub header: Option<&'a str>,
    pub cpu: Option<u32>,
    pub seconds: u32,
    pub connections: u32,
    /// A Lua script that chooses each request (wrk -s).
    pub script: Option<std::path::PathBuf>,
}

#[derive(Debug, Default, PartialEq)]
pub struct Figures {
    pub requests_per_sec: f64,
    pub p50: String,
    pub p99: String,
    /// wrk counts a 401 as fast as a 200; a run that is mostly errors is no
    /// benchmark, so the count travels with the figures.
    pub non_2xx: u64,
    pub socket_errors: String,
}

pub fn command(load: &Load<'_>) -> Command {
    let mut cmd = match load.cpu {
        Some(cpu) => {
            let mut c = Command::new("taskset");
            c.args(["-c", &cpu.to_string(), "wrk"]);
            c
        }
        None => Command::new("wrk"),
    };
    cmd.args([
        "-t",
        "1",
        "-c",
        &load.connections.to_string(),
        "-d",
        &format!("{}s", load.seconds),
        "--latency",
    ]);
    if let Some(h) = load.header {
        cmd.args(["-H", h]);
    }
    if let Some(script) = &load.script {
        cmd.arg("-s").arg(script);
    }
    cmd.arg(&load.url);
    cmd
}

pub fn run(load: &Load<'_>) -> Result<Figures, String> {
    let mut cmd = command(load);
    let captured = run_tee(&mut cmd, Duration::from_secs(u64::from(load.seconds) + 30))?;
    if !captured.success() {
        return Err(format!("`{}` failed", describe(&cmd)));
    }
    parse(&captured.output)
        .ok_or_else(|| format!("could not read wrk's report:\n{}", captured.output))
}

pub fn parse(report: &str) -> Option<Figures> {
    let mut figures = Figures {
        socket_errors: "none".into(),
        ..Figures::default()
    };
    let mut saw_rate = false;
    for line in report.lines().map(str::trim) {
        if let Some(rate) = line.strip_prefix("Requests/sec:") {
            figures.requests_per_sec = rate.trim().parse().ok()?;
            saw_rate = true;
        } else if let Some(v) = line.strip_prefix("50%") {
            figures.p50 = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("99%") {
            figures.p99 = v.trim().to_string();
        } else if let Some(n) = line.strip_prefix("Non-2xx or 3xx responses:") {
            figures.non_2xx = n.trim().parse().unwrap_or(0);
        } else if let Some(e) = line.strip_prefix("Socket errors:") {
            figures.socket_errors = e.trim().to_string();
        }
    }
    (saw_rate && !figures.p50.is_empty() && !figures.p99.is_empty()).then_some(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rate_percentiles_and_errors() {
        let report = "Running 10s test @ http://127.0.0.1:1/healthz
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   643.85us  212.32us   8.21ms   91.20%
    Req/Sec    24.93k     1.02k   26.61k    81.00%
  Latency Distribution
     50%  612.00us
     75%  701.00us
     90%  802.00us
     99%    1.52ms
  248000 requests in 10.00s, 30.03MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 12
Requests/sec:  24799.51
Transfer/sec:      3.00MB
";
        let f = parse(report).unwrap();
        assert_eq!(f.requests_per_sec, 24799.51);
        assert_eq!((f.p50.as_str(), f.p99.as_str()), ("612.00us", "1.52ms"));
        assert_eq!(f.non_2xx, 12);
        assert_eq!(f.socket_errors, "connect 0, read 0, write 0, timeout 2");
    }

    #[test]
    fn pinned_command_reads_like_the_documented_one() {
        let load = Load {
            url: "http://127.0.0.1:9/healthz".into(),
            header: Some("Authorization: Bearer t"),
            cpu: Some(1),
            seconds: 10,
            connections: 16,
            script: None,
        };
        assert_eq!(
            describe(&command(&load)),
            "taskset -c 1 wrk -t 1 -c 16 -d 10s --latency -H 'Authorization: Bearer t' http://127.0.0.1:9/healthz"
        );
    }
}

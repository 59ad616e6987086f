//! `cargo xtask bench --stats`: case figures at city scale. Runs `fengqiao stats-bench` on the
//! world `cargo xtask gen --cases N` made (SQLite in target/city), and on PostgreSQL when
//! `FENGQIAO_BENCH_PG_URL` names a generated database; each run sets random areas × periods
//! from the sums beside the same figure counted from the raw cases.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::intake::number;
use crate::process::{describe, run_tee};

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

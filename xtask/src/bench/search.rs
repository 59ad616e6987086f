//! `cargo xtask bench --search`: case search at the largest world at hand. Runs the hidden
//! `fengqiao search-bench` on a generated world (SQLite in target/search-city, made with
//! `cargo xtask gen --cases N --data-dir target/search-city`), or on target/city when that holds
//! one: it builds a fresh index from every case, timing it, then times scoped queries.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::intake::number;
use crate::process::{describe, run_tee};
use crate::workspace::root;

pub struct SearchFigures {
    pub world: String,
    pub command: String,
    pub json: String,
}

impl SearchFigures {
    pub fn get(&self, key: &str) -> f64 {
        number(&self.json, key).unwrap_or(f64::NAN)
    }
}

/// The worlds to measure on: the one `FENGQIAO_CITY_DIR` names, else target/search-city, else
/// target/city, whichever holds a database first.
fn worlds() -> Vec<PathBuf> {
    let named = std::env::var_os("FENGQIAO_CITY_DIR").map(|_| super::city::default_dir());
    named
        .into_iter()
        .chain(["search-city", "city"].iter().map(|d| root().join("target").join(d)))
        .filter(|d| d.join("fengqiao.db").exists())
        .collect()
}

pub fn run(bin: &Path) -> Result<SearchFigures, String> {
    let world = worlds().into_iter().next().ok_or(
        "no generated world: run `cargo xtask gen --households 20000 --cases 200000 --data-dir target/search-city` first",
    )?;
    let shown = world.strip_prefix(root()).map_or_else(|_| world.display().to_string(), |p| p.display().to_string());
    let mut cmd = Command::new(bin);
    cmd.args(["search-bench", "--samples", "2000", "--data-dir"]).arg(&world);
    let run = run_tee(&mut cmd, Duration::from_secs(60 * 60))?;
    if !run.success() {
        return Err(format!("`{}` failed", describe(&cmd)));
    }
    let json = run.output.lines().rev().find(|l| l.starts_with('{')).ok_or("no figures line in the output")?.to_string();
    Ok(SearchFigures { world: shown.clone(), command: format!("target/release/fengqiao search-bench --samples 2000 --data-dir {shown}"), json })
}

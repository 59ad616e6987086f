//! `fengqiao stats verify` and `fengqiao stats rebuild`.

use std::process::ExitCode;

use crate::config::{Config, Database};
use crate::database;
use crate::messages::Explain;

/// How many differences to print before only counting them.
const SHOWN: usize = 20;

/// Recounts every case figure's stored sum from the raw cases; a difference is exit code 1 so
/// monitoring can act on it. With `repair`, replaces the wrong sums (audited).
pub async fn run(config: &Config, db: &Database, repair: bool) -> anyhow::Result<ExitCode> {
    let store = database::open_existing(db).await?;
    let services = database::services(store, config)?;
    let started = std::time::Instant::now();
    let mut last = std::time::Instant::now();
    let mut shown = false;
    // On stderr, so that the result on stdout stays the same for scripts and monitoring.
    let mut progress = |p: fengqiao_domain::ports::StatsProgress| {
        if p.areas_done == p.areas || last.elapsed().as_millis() >= 1000 {
            eprint!("\rrecounted {} of {} areas, {} cases so far", p.areas_done, p.areas, p.cases);
            let _ = std::io::Write::flush(&mut std::io::stderr());
            last = std::time::Instant::now();
            shown = true;
        }
    };
    let check = services.check_case_stats_reporting(repair, &crate::commands::login_name(), &mut progress).await.explained()?;
    if shown {
        eprintln!();
    }
    println!(
        "recounted {} cases against {} stored rows of sums in {:.1}s",
        check.cases,
        check.rows,
        started.elapsed().as_secs_f64()
    );
    for d in check.differences.iter().take(SHOWN) {
        let changed: Vec<String> = fengqiao_domain::rules::case_stats::COUNTERS
            .iter()
            .enumerate()
            .filter(|(i, _)| d.stored[*i] != d.recounted[*i])
            .map(|(i, name)| format!("{name} stored {} recounted {}", d.stored[i], d.recounted[i]))
            .collect();
        println!(
            "  area {} {} {} {} {}: {}",
            d.key.area_code,
            d.key.grain.as_str(),
            d.key.period,
            d.key.kind,
            d.key.category,
            changed.join(", ")
        );
    }
    if check.differences.len() > SHOWN {
        println!("  … and {} more", check.differences.len() - SHOWN);
    }
    match (check.differences.is_empty(), repair) {
        (true, _) => {
            println!("case figures agree with the records");
            Ok(ExitCode::SUCCESS)
        }
        (false, true) => {
            println!("{} rows differed and were replaced by the recount", check.differences.len());
            Ok(ExitCode::SUCCESS)
        }
        (false, false) => {
            println!("case figures DIFFER from the records in {} rows; `fengqiao stats rebuild` replaces them by the recount", check.differences.len());
            Ok(ExitCode::from(1))
        }
    }
}

//! `fengqiao stats-bench` (hidden; used by `cargo xtask bench --stats`): the figures of random
//! areas × random periods, timed as the API serves them (sums, children, live overdue counts),
//! and for some of them the same intake and resolved counted straight from the raw cases, in
//! the same run on the same database, which must agree.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::{Datelike, Days, NaiveDate};
use fengqiao_domain::model::Area;
use fengqiao_domain::rules::calendar::{local_date, start_of_day};
use fengqiao_domain::services::operator;
use fengqiao_domain::services::stats::FigureQuery;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::cli::StatsBenchArgs;
use crate::config::{Config, Database};
use crate::database;
use crate::messages::Explain;

pub async fn run(config: &Config, db: &Database, args: &StatsBenchArgs) -> anyhow::Result<ExitCode> {
    let store = database::open_existing(db).await?;
    let services = database::services_with(store.clone(), config, crate::keys::demo_vault(config)?)?;
    // Every area, walked down from the roots once.
    let mut areas: Vec<Area> = Vec::new();
    let mut frontier = Vec::new();
    for path in store.root_area_paths().await.explained()? {
        let code = path.trim_matches('/').rsplit('/').next().unwrap_or_default().to_string();
        frontier.push(store.area_by_code(&code).await.explained()?.context("a root area")?);
    }
    while let Some(a) = frontier.pop() {
        frontier.extend(store.area_children(a.id, false).await.explained()?);
        areas.push(a);
    }
    if areas.is_empty() {
        bail!("{} holds no areas", db.describe());
    }
    // As a server's first deadline-monitor pass would, before any figure is read.
    let t = Instant::now();
    let settled = services.settle_overdue().await.explained()?;
    let settle_took = t.elapsed();
    let op = operator("stats-bench");
    let today = local_date(chrono::Utc::now());
    let mut rng = StdRng::seed_from_u64(2024);
    let mut figures_took: Vec<Duration> = Vec::with_capacity(args.samples);
    let mut recount_took: Vec<Duration> = Vec::new();
    let mut sums_took: Vec<Duration> = Vec::new();
    let mut kinds = [0usize; 4];
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for n in 0..args.samples {
        let area = &areas[rng.random_range(0..areas.len())];
        // A month, a quarter, a year, or any stretch of up to ten years, within the last ten.
        let shape = rng.random_range(0..4);
        kinds[shape] += 1;
        let (from, to) = period(&mut rng, today, shape);
        let q = FigureQuery { area_code: Some(area.code.to_string()), from: Some(from), to: Some(to), kind: None, category: None };
        let t = Instant::now();
        let f = services.case_figures(&op, &q).await.explained()?;
        figures_took.push(t.elapsed());
        slowest.push((t.elapsed(), format!("{} {:?} ({} children) {from}..{to}", area.code, area.level, f.children.len())));
        if slowest.len() > 40 {
            slowest.sort_by(|a, b| b.0.cmp(&a.0));
            slowest.truncate(20);
        }
        if n < args.recounts {
            let t = Instant::now();
            let filter = fengqiao_domain::ports::StatsFilter {
                area_codes: vec![area.code.to_string()],
                ranges: fengqiao_domain::services::stats::ranges(from, to),
                kind: None,
                category: None,
            };
            let sums = store.sum_case_stats(&filter).await.explained()?;
            sums_took.push(t.elapsed());
            let intake: i64 = sums.iter().map(|s| s.counters[0]).sum();
            let t = Instant::now();
            // The clock the figures read: overdue is counted at the same instant.
            let raw = store.recount_figures(&area.path, start_of_day(from), start_of_day(to + Days::new(1)), f.overdue_at).await.explained()?;
            recount_took.push(t.elapsed());
            if (raw.intake, raw.resolved, raw.overdue) != (f.intake, f.resolved, f.overdue) || intake != f.intake {
                bail!(
                    "{} {from}..{to}: the figures say {}/{}/{} overdue, the raw cases {}/{}/{}",
                    area.code, f.intake, f.resolved, f.overdue, raw.intake, raw.resolved, raw.overdue
                );
            }
        }
    }
    slowest.sort_by(|a, b| b.0.cmp(&a.0));
    let now = chrono::Utc::now();
    let cases = store.recount_figures("/", start_of_day(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()), start_of_day(today + Days::new(1)), now).await.explained()?.intake;
    println!(
        "{}",
        serde_json::json!({
            "cases": cases, "areas": areas.len(), "samples": figures_took.len(), "recounts": recount_took.len(),
            "mark_settled_cases": settled, "mark_settle_s": settle_took.as_secs_f64(),
            "periods": {"month": kinds[0], "quarter": kinds[1], "year": kinds[2], "any": kinds[3]},
            "figures_p50_ms": pct(&mut figures_took, 0.50), "figures_p99_ms": pct(&mut figures_took, 0.99),
            "sums_p50_ms": pct(&mut sums_took, 0.50), "sums_p99_ms": pct(&mut sums_took, 0.99),
            "recount_p50_ms": pct(&mut recount_took, 0.50), "recount_p99_ms": pct(&mut recount_took, 0.99),
            "slowest": slowest.iter().take(20).map(|(d, what)| format!("{:.2} ms {what}", d.as_secs_f64() * 1000.0)).collect::<Vec<_>>(),
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn period(rng: &mut StdRng, today: NaiveDate, shape: usize) -> (NaiveDate, NaiveDate) {
    let year = today.year() - rng.random_range(0..10);
    let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("a first of the month");
    match shape {
        0 => {
            let start = first(year, rng.random_range(1..=12));
            (start, start.checked_add_months(chrono::Months::new(1)).unwrap() - Days::new(1))
        }
        1 => {
            let start = first(year, 1 + 3 * rng.random_range(0..4));
            (start, start.checked_add_months(chrono::Months::new(3)).unwrap() - Days::new(1))
        }
        2 => (first(year, 1), NaiveDate::from_ymd_opt(year, 12, 31).unwrap()),
        _ => {
            let to = today - Days::new(rng.random_range(0..3650));
            let from = to - Days::new(rng.random_range(0..3650 - (today - to).num_days() as u64 + 1));
            (from, to)
        }
    }
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    v.get(((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1))).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

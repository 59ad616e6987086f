//! `fengqiao search-bench` (hidden; used by `cargo xtask bench --search`): builds a case search
//! index from every case in the database, timing it, then times queries as the API runs them:
//! two-character words, surnames, places and mixed terms, each at a random scope (the city, a
//! district, a street, a community) so scoped counts are measured, not only global ones.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fengqiao_domain::ports::{CaseQuery, CaseScope, CaseSearchIndex, CaseSearchQuery};
use fengqiao_search::{CaseIndex, Follower};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::cli::SearchBenchArgs;
use crate::config::{Config, Database};
use crate::database;

const WORDS: &[&str] = &[
    "漏水", "噪音", "物业费", "停车", "工资", "押金", "暖气", "电梯", "充电", "垃圾", "装修", "借款", "王", "李", "张", "刘", "新城区",
    "回民区", "赛罕区", "光明路", "3号楼", "12号楼", "漏水 新城区", "停车 回民区", "噪音 3号楼", "拖欠工资", "消防通道", "天花板",
];
const SCOPES: &[&str] = &["/1501/", "/1501/150102/", "/1501/150103/", "/1501/150104/", "/1501/150105/", "/1501/150103/150103003/"];

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

pub async fn run(config: &Config, db: &Database, args: &SearchBenchArgs) -> anyhow::Result<ExitCode> {
    let store = database::open_existing(db).await?;
    let services = database::services(store, config)?;
    let temp = tempfile_dir()?;
    let dir = args.index_dir.clone().unwrap_or_else(|| temp.clone());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let index = Arc::new(CaseIndex::open(&dir, threads)?);
    let follower = Follower::new(services, index.clone());
    let started = Instant::now();
    let mut last = Instant::now();
    let cases = if args.reuse {
        index.len()
    } else {
        follower
            .rebuild(&mut |done, total| {
                if last.elapsed() >= Duration::from_secs(5) || done == total {
                    eprintln!("indexed {done} of {total}");
                    last = Instant::now();
                }
            })
            .await?
    };
    let build_secs = started.elapsed().as_secs_f64();
    let mut rng = StdRng::seed_from_u64(2024);
    let mut took = Vec::with_capacity(args.samples);
    let mut by_words: std::collections::BTreeMap<&str, Vec<(Duration, usize)>> = Default::default();
    let mut found = 0usize;
    for _ in 0..args.samples {
        let words = WORDS[rng.random_range(0..WORDS.len())];
        let scope = SCOPES[rng.random_range(0..SCOPES.len())];
        let q = CaseSearchQuery {
            words: words.split_whitespace().map(str::to_string).collect(),
            filter: CaseQuery::new(CaseScope::Area(scope.to_string()), 20),
            with_parties: true,
            offset: 0,
            limit: 20,
        };
        let t = Instant::now();
        let page = index.search(&q)?;
        took.push(t.elapsed());
        by_words.entry(words).or_default().push((t.elapsed(), page.total));
        found += page.total;
    }
    took.sort();
    // The slowest kinds of query first, so a change can be judged by what sets the tail.
    let mut worst: Vec<(&str, f64, f64, f64)> = by_words
        .iter_mut()
        .map(|(w, v)| {
            v.sort();
            let times: Vec<Duration> = v.iter().map(|x| x.0).collect();
            (*w, percentile(&times, 0.5), percentile(&times, 1.0), v.iter().map(|x| x.1).sum::<usize>() as f64 / v.len() as f64)
        })
        .collect();
    worst.sort_by(|a, b| b.2.total_cmp(&a.2));
    for (w, p50, max, matches) in &worst {
        eprintln!("{w:>8}: p50 {p50:.2} ms, max {max:.2} ms, {matches:.0} matches on average");
    }
    let size: u64 = walk_size(&dir);
    let built = if args.reuse { format!("reused the index of {cases} cases") } else { format!("indexed {cases} cases in {build_secs:.1}s") };
    println!("{built}; {} queries, p50 {:.2} ms, p99 {:.2} ms", args.samples, percentile(&took, 0.5), percentile(&took, 0.99));
    println!(
        "{{\"cases\": {cases}, \"reused\": {}, \"build_secs\": {build_secs:.3}, \"cases_per_sec\": {:.0}, \"index_bytes\": {size}, \"threads\": {threads}, \"samples\": {}, \"p50_ms\": {:.3}, \"p90_ms\": {:.3}, \"p99_ms\": {:.3}, \"max_ms\": {:.3}, \"mean_total\": {:.0}}}",
        args.reuse,
        if args.reuse { 0.0 } else { cases as f64 / build_secs.max(1e-9) },
        args.samples,
        percentile(&took, 0.5),
        percentile(&took, 0.9),
        percentile(&took, 0.99),
        percentile(&took, 1.0),
        found as f64 / args.samples.max(1) as f64,
    );
    drop(index);
    if args.index_dir.is_none() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    Ok(ExitCode::SUCCESS)
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("fengqiao-search-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn walk_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).map(|it| it.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()).unwrap_or(0)
}

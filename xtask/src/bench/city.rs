//! `cargo xtask bench --city` and `cargo xtask gen`: the registry at Hohhot's size
//! (1.4M households, about 3.45M residents, 4,188 grids). Generation takes minutes, so the
//! city is kept in `target/city` and reused by later runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::report::Row;
use super::wrk;
use crate::http;
use crate::process::{describe, run_tee};
use crate::server::{DemoServer, Launch};
use crate::workspace::root;

pub const HOUSEHOLDS: u64 = 1_400_000;
const SECONDS: u32 = 10;
const CONNECTIONS: u32 = 8;
/// Written after a generation finishes: a directory without it was interrupted.
const COMPLETE: &str = "generation-complete";
/// Rows of the import measured (two residents per household).
const IMPORT_ROWS: usize = 20_000;

/// target/city, or `FENGQIAO_CITY_DIR` to keep several generated worlds side by side. Made
/// absolute here: the servers a bench starts run in a directory of their own, where a relative
/// path would name an empty world.
pub fn default_dir() -> PathBuf {
    match std::env::var_os("FENGQIAO_CITY_DIR").map(PathBuf::from) {
        Some(dir) => std::path::absolute(&dir).unwrap_or(dir),
        None => root().join("target").join("city"),
    }
}

/// Runs `fengqiao gen` into `dir` (SQLite) or `database_url`, with `cases` cases when not 0.
pub fn generate(bin: &Path, dir: &Path, database_url: Option<&str>, households: u64, cases: u64) -> Result<(), String> {
    if dir.join(COMPLETE).exists() && database_url.is_none() {
        println!("{} already holds a generated city; remove it to generate again", dir.display());
        return Ok(());
    }
    if dir.exists() && database_url.is_none() {
        // Left by an interrupted run: `fengqiao gen` only fills an empty database.
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut cmd = Command::new(bin);
    cmd.arg("gen").arg("--households").arg(households.to_string()).arg("--data-dir").arg(dir);
    if cases > 0 {
        cmd.arg("--cases").arg(cases.to_string());
    }
    if let Some(url) = database_url {
        cmd.arg("--database-url").arg(url);
    }
    let out = run_tee(&mut cmd, Duration::from_secs(3 * 60 * 60))?;
    if !out.success() {
        return Err(format!("`{}` failed", describe(&cmd)));
    }
    if database_url.is_none() {
        let done = |prefix: &str| out.output.lines().rev().find(|l| l.starts_with(prefix)).map(str::to_string);
        let summary: Vec<String> = [done("Done in"), done("Cases done in")].into_iter().flatten().collect();
        let summary = summary.join("\n");
        std::fs::write(dir.join(COMPLETE), summary).map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub struct CityFigures {
    pub rows: Vec<Row>,
    /// `fengqiao gen`'s own summary line.
    pub generated: String,
    pub import: String,
}

pub fn run(bin: &Path, server_cpu: Option<u32>, load_cpu: Option<u32>) -> Result<CityFigures, String> {
    let dir = default_dir();
    generate(bin, &dir, None, HOUSEHOLDS, 0)?;
    let generated = std::fs::read_to_string(dir.join(COMPLETE)).unwrap_or_default();
    let server = DemoServer::start(Launch { binary: bin, database_url: None, cpu: server_cpu, existing_data: Some(&dir) })?;
    let admin = server.admin_token()?;
    let grid = server.token_for("grid")?;
    let scripts = root().join("target").join("bench-scripts");
    std::fs::create_dir_all(&scripts).map_err(|e| e.to_string())?;

    let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "马", "高"];
    let full_names = ["王秀英", "张伟", "李娜", "刘洋", "王建国", "张桂兰", "马秀兰", "李淑珍", "赵丽", "陈静", "杨帆", "吴敏"];
    let city_search: Vec<String> = surnames
        .iter()
        .chain(full_names.iter())
        .map(|n| format!("/api/v1/residents?area=1501&q={}", encode(n)))
        .collect();
    let grid_search: Vec<String> = surnames.iter().map(|n| format!("/api/v1/residents?q={}", encode(n))).collect();
    let grid_households: Vec<String> = grid_codes()?.iter().map(|g| format!("/api/v1/households?area={g}")).collect();

    let cases = [
        ("name search across the city (admin; 12 surnames, 12 full names)", "city-names.lua", &city_search, &admin),
        ("name search in one grid (grid worker; 12 surnames)", "grid-names.lua", &grid_search, &grid),
        ("a grid's household list, first page (admin; all 4,188 grids in turn)", "grid-households.lua", &grid_households, &admin),
    ];
    let mut rows = Vec::new();
    for (label, file, paths, token) in cases {
        // A benchmark of refusals would look splendid and mean nothing.
        let probe = http::get(server.addr(), &paths[0], &[("Authorization", &format!("Bearer {token}"))]).map_err(|e| e.to_string())?;
        if probe.status != 200 || !probe.body.contains("\"items\"") {
            return Err(format!("GET {} answered {}: {}", paths[0], probe.status, probe.body));
        }
        let script = scripts.join(file);
        std::fs::write(&script, lua(paths)).map_err(|e| e.to_string())?;
        let header = format!("Authorization: Bearer {token}");
        let run = wrk::Load {
            url: server.base_url(),
            header: Some(&header),
            cpu: load_cpu,
            seconds: SECONDS,
            connections: CONNECTIONS,
            script: Some(script.clone()),
        };
        // The city is gigabytes on disk; the first seconds read it in from the kernel's
        // cache or the disk, which is the machine's figure, not the query's.
        wrk::run(&wrk::Load { seconds: 3, ..run.clone() })?;
        let figures = wrk::run(&run)?;
        // What BENCHMARKS.md shows: no throwaway port, no token.
        let shown = wrk::Load {
            url: "http://127.0.0.1:<port>".into(),
            header: Some("Authorization: Bearer <token>"),
            script: Some(Path::new("target/bench-scripts").join(file)),
            ..run
        };
        rows.push(Row { label: label.to_string(), figures, command: describe(&wrk::command(&shown)) });
    }
    let import = import(&server, &admin, &scripts)?;
    Ok(CityFigures { rows, generated, import })
}

/// Uploads a households file and waits for the import to finish; answers a sentence with
/// the rate. Every run imports new people (birth dates in 1901–1910, which the generator
/// never issues, shifted per run) into the city's last grid, which no other figure here
/// reads, so that repeated runs neither measure re-imports nor skew the grid searches.
fn import(server: &DemoServer, token: &str, scripts: &Path) -> Result<String, String> {
    let runs_file = default_dir().join("import-runs");
    let run: usize = std::fs::read_to_string(&runs_file).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    std::fs::write(&runs_file, (run + 1).to_string()).map_err(|e| e.to_string())?;
    let grid = grid_codes()?.pop().ok_or("no grids")?;
    let file = scripts.join("import-households.csv");
    std::fs::write(&file, households_csv(&grid, run, IMPORT_ROWS)).map_err(|e| e.to_string())?;
    let url = format!("{}/api/v1/imports?kind=households", server.base_url());
    let started = Instant::now();
    let out = Command::new("curl")
        .args(["-sS", "-H", &format!("Authorization: Bearer {token}"), "-F"])
        .arg(format!("file=@{};type=text/csv", file.display()))
        .arg(&url)
        .output()
        .map_err(|e| format!("curl: {e}"))?;
    let body = String::from_utf8_lossy(&out.stdout).to_string();
    let id = http::json_string_field(&body, "id").ok_or_else(|| format!("import upload answered: {body}"))?;
    let job = loop {
        let r = http::get(server.addr(), &format!("/api/v1/imports/{id}"), &[("Authorization", &format!("Bearer {token}"))])
            .map_err(|e| e.to_string())?;
        match http::json_string_field(&r.body, "status").as_deref() {
            Some("done") => break r.body,
            Some("rejected" | "failed") => return Err(format!("the benchmark import did not go through: {}", r.body)),
            _ if started.elapsed() > Duration::from_secs(600) => return Err("the benchmark import took over 10 minutes".into()),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let secs = started.elapsed().as_secs_f64();
    // Only a file of new people measures the whole write path.
    if !job.contains(&format!("\"created\":{IMPORT_ROWS}")) {
        return Err(format!("the benchmark import did not create every row: {job}"));
    }
    Ok(format!(
        "Import of a {IMPORT_ROWS}-row households CSV (one resident per row, every one new) through `POST /api/v1/imports?kind=households` \
         into a grid of the city, from upload to done: {secs:.1} s, {:.0} rows/s.",
        IMPORT_ROWS as f64 / secs
    ))
}

fn households_csv(grid: &str, run: usize, rows: usize) -> String {
    let mut s = String::from("网格代码,地址,楼栋,单元,房号,姓名,身份证号,与户主关系\n");
    let names = ["测试甲", "测试乙"];
    let first_day = run * (rows / 999 + 1);
    for i in 0..rows {
        let household = i / 2;
        let (day, seq) = (first_day + i / 999, i % 999 + 1);
        let birth = format!("{}{:02}{:02}", 1901 + day / 336, day % 336 / 28 + 1, day % 28 + 1);
        let first17 = format!("150101{birth}{seq:03}");
        let relation = if i % 2 == 0 { "户主" } else { "配偶" };
        s.push_str(&format!(
            "{grid},基准测试路{run}-{household}号,{run}-{}号楼,1单元,{},{},{first17}{},{relation}\n",
            household / 24 + 1,
            100 + household % 24,
            names[i % 2],
            check_char(&first17)
        ));
    }
    s
}

/// GB 11643's check character.
fn check_char(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

fn grid_codes() -> Result<Vec<String>, String> {
    Ok(division_codes("community")?.into_iter().flat_map(|code| (1..=3).map(move |n| format!("{code}G{n:02}"))).collect())
}

/// Codes of Hohhot's divisions at one level (`district`, `street`, `community`), as shipped.
pub(super) fn division_codes(level: &str) -> Result<Vec<String>, String> {
    let csv = std::fs::read_to_string(root().join("data").join("hohhot-divisions-2023.csv")).map_err(|e| e.to_string())?;
    Ok(csv
        .lines()
        .filter_map(|l| {
            let mut f = l.split(',');
            let code = f.next()?;
            (f.nth(1)? == level).then(|| code.to_string())
        })
        .collect())
}

/// A wrk script that requests the paths in turn; -H headers still apply.
pub(super) fn lua(paths: &[String]) -> String {
    let list: Vec<String> = paths.iter().map(|p| format!("  {p:?},")).collect();
    format!(
        "local paths = {{\n{}\n}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n",
        list.join("\n")
    )
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_matches_a_known_number() {
        // 11010519491231002X is the standard's own example.
        assert_eq!(check_char("11010519491231002"), 'X');
    }

    #[test]
    fn import_rows_are_distinct_and_well_formed() {
        let (a, b) = (households_csv("150105001001G03", 0, 3000), households_csv("150105001001G03", 1, 3000));
        let ids = |csv: &str| csv.lines().skip(1).map(|l| l.split(',').nth(6).unwrap().to_string()).collect::<std::collections::HashSet<_>>();
        let (ids_a, ids_b) = (ids(&a), ids(&b));
        assert_eq!((ids_a.len(), ids_b.len()), (3000, 3000));
        assert!(ids_a.is_disjoint(&ids_b), "a second run imports new people");
        assert!(ids_a.iter().all(|id| id.len() == 18 && id.starts_with("15010119")));
    }

    #[test]
    fn every_community_gives_three_grids_and_paths_are_escaped() {
        let grids = grid_codes().unwrap();
        assert_eq!(grids.len(), 4188);
        assert!(grids.contains(&"150103003030G02".to_string()));
        assert_eq!(encode("王 a"), "%E7%8E%8B%20a");
        assert!(lua(&["/a?q=%E7".into()]).contains("\"/a?q=%E7\","));
    }
}

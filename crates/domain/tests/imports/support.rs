//! A small world for import tests: an area tree, and callers at different levels.

use std::sync::Arc;

use fengqiao_domain::model::{ImportJob, ImportKind, ImportProblem, Role};
use fengqiao_domain::ports::SystemClock;
use fengqiao_domain::privacy::Vault;
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::services::registry::import::columns;
use fengqiao_domain::services::registry::{ImportRow, ImportSheet};
use fengqiao_domain::services::{AuthSettings, DivisionRow, Services, operator};
use fengqiao_store::testing::TestDb;
use uuid::Uuid;

pub struct World {
    pub s: Services,
    pub name: &'static str,
    _db: TestDb,
}

fn row(code: &str, name: &str, level: &str, parent: &str) -> DivisionRow {
    DivisionRow { code: code.into(), name: name.into(), level: level.into(), parent_code: parent.into() }
}

/// 呼和浩特市 → 回民区 / 新城区 → 光明路街道 → two communities → grids.
pub async fn world(db: TestDb) -> World {
    let s = Services::new(db.store.clone(), Arc::new(SystemClock), AuthSettings::default(), Arc::new(Vault::for_tests()));
    let mut rows = vec![
        row("1501", "呼和浩特市", "city", "15"),
        row("150103", "回民区", "district", "1501"),
        row("150102", "新城区", "district", "1501"),
        row("150103003", "光明路街道", "street", "150103"),
        row("150103003030", "巴彦淖尔北路社区", "community", "150103003"),
        row("150103003001", "什拉门更社区", "community", "150103003"),
        row("150102002", "锡林北路街道", "street", "150102"),
        row("150102002001", "锡林北路社区", "community", "150102002"),
        row("150102002001G01", "第一网格", "grid", "150102002001"),
        row("150103003001G01", "第一网格", "grid", "150103003001"),
    ];
    for g in 1..=20 {
        rows.push(row(&format!("150103003030G{g:02}"), &format!("第{g}网格"), "grid", "150103003030"));
    }
    s.import_divisions(&operator("test"), &rows).await.expect("seed areas");
    World { s, name: db.name, _db: db }
}

impl World {
    /// A caller with this role at home in this area.
    pub async fn actor(&self, role: Role, home: &str) -> Actor {
        let area = self.s.store.area_by_code(home).await.unwrap().unwrap();
        Actor {
            user_id: Uuid::now_v7(),
            username: format!("{}-{home}", role.as_str()),
            display_name: "测试".into(),
            role,
            home_area_id: area.id,
            home_area_path: area.path,
            client_addr: None,
        }
    }

    /// Runs one import to its end.
    pub async fn import(&self, actor: &Actor, kind: ImportKind, sheet: ImportSheet, valid_rows_only: bool) -> ImportJob {
        let job = self.s.start_import(actor, kind, "测试.xlsx", valid_rows_only).await.unwrap();
        self.s.run_import(actor, job.id, sheet).await.unwrap()
    }
}

/// A sheet with these columns (named as the kind's template names them) and rows, the
/// first data row being row 2 as in a spreadsheet.
pub fn sheet(kind: ImportKind, keys: &[&'static str], rows: Vec<Vec<String>>) -> ImportSheet {
    let columns = keys
        .iter()
        .map(|k| (*k, columns(kind).iter().find(|c| c.key == *k).map(|c| c.headers[0].to_string()).unwrap_or_else(|| k.to_string())))
        .collect();
    let rows = rows.into_iter().enumerate().map(|(i, values)| ImportRow { line: i + 2, values }).collect();
    ImportSheet { columns, rows, warnings: Vec::new() }
}

pub fn cells(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A valid ID number that belongs to no one (region 150101 registers nobody).
pub fn id(birth: &str, seq: u16) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
    fengqiao_domain::privacy::synthetic_id("150101", d, seq).as_str().to_string()
}

/// (row, column, key) of each problem, for compact assertions.
pub fn problems(job: &ImportJob) -> Vec<(usize, String, String)> {
    job.outcome.as_ref().map(|o| o.problems.iter().map(|p: &ImportProblem| (p.row, p.column.clone(), p.key.clone())).collect()).unwrap_or_default()
}

pub fn p(row: usize, column: &str, key: &str) -> (usize, String, String) {
    (row, column.to_string(), key.to_string())
}

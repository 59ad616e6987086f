//! Areas in the national division-code format (`code,name,level,parent_code`, as in
//! `data/hohhot-divisions-2023.csv`), the same rows `fengqiao area import` reads. Here each
//! row is checked on its own first, so a sheet with mistakes gets every one of them back;
//! the valid rows then become areas exactly as the command line makes them. Codes already on
//! record are left as they are.

use std::collections::HashMap;

use super::{ImportColumn, Run, Tally, req, words};
use crate::error::Result;
use crate::model::area::validate_area_name;
use crate::model::{AreaCode, AreaLevel, ImportOutcome};
use crate::services::Services;
use crate::services::areas::common_area_name;
use crate::services::DivisionRow;

pub(super) const COLUMNS: &[ImportColumn] = &[
    req("code", &["代码", "Code", "区划代码", "统计用区划代码"]),
    req("name", &["名称", "Name", "区划名称"]),
    req("level", &["级别", "Level", "层级"]),
    req("parent_code", &["上级代码", "Parent code", "上级区划代码", "parent_code"]),
];

struct Row {
    code: String,
    name: String,
    level: AreaLevel,
    parent: String,
}

fn read(run: &mut Run, i: usize) -> Option<Row> {
    let code = run.required(i, "code").and_then(|c| run.check(i, "code", AreaCode::parse(c))).map(|c| c.to_string());
    let name = run.required(i, "name").and_then(|n| run.check(i, "name", validate_area_name(&common_area_name(n))));
    let level = run.required(i, "level").and_then(|l| {
        words::area_level(l).or_else(|| {
            run.problems.cell(run.sheet, i, "level", "error-area-level");
            None
        })
    });
    let parent = run.required(i, "parent_code").and_then(|p| run.check(i, "parent_code", AreaCode::parse(p))).map(|c| c.to_string());
    Some(Row { code: code?, name: name?, level: level?, parent: parent? })
}

impl Services {
    pub(super) async fn import_areas(&self, run: &mut Run<'_>) -> Result<ImportOutcome> {
        let rows: Vec<Option<Row>> = (0..run.rows()).map(|i| read(run, i)).collect();
        let codes: Vec<String> = rows.iter().flatten().flat_map(|r| [r.code.clone(), r.parent.clone()]).collect();
        let on_record = self.areas_named(codes).await?;

        // Parents come before children whatever the order of the file.
        let mut order: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].is_some()).collect();
        order.sort_by_key(|i| rows[*i].as_ref().map(|r| r.level));
        // Code → (row index, path, level) of the rows that add an area.
        let mut planned: HashMap<String, (usize, String, AreaLevel)> = HashMap::new();
        let mut tally = Tally::default();
        let mut existing_rows = Vec::new();
        for i in order {
            let Some(r) = &rows[i] else { continue };
            if let Some(line) = planned.get(&r.code).map(|(j, ..)| run.sheet.rows[*j].line) {
                run.problems.cell_args(run.sheet, i, "code", "error-import-duplicate-in-file", vec![("row", line.to_string())]);
                continue;
            }
            if let Some(a) = on_record.get(&r.code) {
                if run.actor.covers(&a.path) {
                    existing_rows.push(i);
                } else {
                    run.problems.cell(run.sheet, i, "code", "error-area-code-taken");
                }
                continue;
            }
            let code = AreaCode::parse(&r.code)?;
            let parent = match planned.get(&r.parent) {
                Some((j, ..)) if run.problems.is_bad(*j) => {
                    let line = run.sheet.rows[*j].line.to_string();
                    run.problems.cell_args(run.sheet, i, "parent_code", "error-import-parent-row", vec![("row", line)]);
                    continue;
                }
                Some((_, path, level)) => Some((path.clone(), *level, false)),
                None => on_record.get(&r.parent).map(|p| (p.path.clone(), p.level, p.retired)),
            };
            let path = match parent {
                Some((path, level, retired)) => {
                    if !run.actor.covers(&path) {
                        run.problems.cell(run.sheet, i, "parent_code", "error-area-not-found");
                        continue;
                    }
                    if retired {
                        run.problems.cell(run.sheet, i, "parent_code", "error-area-parent-retired");
                        continue;
                    }
                    if level.child() != Some(r.level) {
                        run.problems.cell(run.sheet, i, "level", "error-area-move-level");
                        continue;
                    }
                    format!("{path}{code}/")
                }
                None if r.level == AreaLevel::City => format!("/{code}/"),
                None => {
                    run.problems.cell(run.sheet, i, "parent_code", "error-import-parent-missing");
                    continue;
                }
            };
            if !run.actor.covers(&path) {
                run.problems.cell(run.sheet, i, "parent_code", "error-area-not-found");
                continue;
            }
            planned.insert(r.code.clone(), (i, path, r.level));
        }
        run.progress(self, run.rows()).await?;
        if !run.may_write() {
            return Ok(run.rejected());
        }

        let valid: Vec<DivisionRow> = planned
            .values()
            .filter(|(i, ..)| !run.problems.is_bad(*i))
            .filter_map(|(i, ..)| rows[*i].as_ref())
            .map(|r| DivisionRow { code: r.code.clone(), name: r.name.clone(), level: r.level.as_str().to_string(), parent_code: r.parent.clone() })
            .collect();
        let fresh = self.plan_divisions(run.actor, &valid).await?;
        tally.created = fresh.len();
        tally.unchanged = existing_rows.iter().filter(|i| !run.problems.is_bad(**i)).count();
        let outcome = run.writing(self, Some(tally)).await?;
        if !fresh.is_empty() {
            let audit = run.audit_row(self, &outcome);
            self.store.insert_areas(&fresh, &[audit]).await?;
        }
        Ok(outcome)
    }
}

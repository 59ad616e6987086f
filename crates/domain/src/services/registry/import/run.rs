//! The state of one running import: its rows, the problems found so far, and the job the
//! progress and outcome are reported to.

use std::time::{Duration, Instant};

use super::ImportSheet;
use crate::error::{DomainError, Result};
use crate::model::import::MAX_IMPORT_PROBLEMS;
use crate::model::{Area, AreaLevel, ImportJob, ImportOutcome, ImportProblem, ImportStatus};
use crate::ports::{RegistryBatch, RegistryUpdates};
use crate::privacy::{mask_id, mask_phone};
use crate::rules::access::Actor;
use crate::services::Services;

const MAX_VALUE_CHARS: usize = 64;

/// Problems found so far, and which rows have any.
pub(crate) struct Problems {
    kept: Vec<ImportProblem>,
    omitted: usize,
    bad: Vec<bool>,
}

impl Problems {
    pub(super) fn new(rows: usize) -> Self {
        Problems { kept: Vec::new(), omitted: 0, bad: vec![false; rows] }
    }

    fn push(&mut self, i: usize, p: ImportProblem) {
        self.bad[i] = true;
        if self.kept.len() < MAX_IMPORT_PROBLEMS {
            self.kept.push(p);
        } else {
            self.omitted += 1;
        }
    }

    /// A problem with the cell of `key` in row `i`. Personal numbers are echoed masked: the
    /// report is kept with the job, and the row number is enough to find the cell.
    pub(crate) fn cell(&mut self, sheet: &ImportSheet, i: usize, key: &'static str, message: &'static str) {
        self.cell_args(sheet, i, key, message, Vec::new());
    }

    pub(crate) fn cell_args(&mut self, sheet: &ImportSheet, i: usize, key: &'static str, message: &'static str, args: Vec<(&str, String)>) {
        let raw = sheet.get(i, key);
        let value = match key {
            "id_number" => mask_id(raw),
            "phone" => mask_phone(raw),
            _ => raw.to_string(),
        };
        let value = match value.char_indices().nth(MAX_VALUE_CHARS) {
            Some((cut, _)) => format!("{}…", &value[..cut]),
            None => value,
        };
        let p = ImportProblem {
            row: sheet.rows[i].line,
            column: sheet.header(key),
            key: message.to_string(),
            value,
            args: args.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        };
        self.push(i, p);
    }

    /// A cell problem from a domain validation error, under that error's message key.
    pub(crate) fn error(&mut self, sheet: &ImportSheet, i: usize, key: &'static str, e: DomainError) {
        self.cell(sheet, i, key, e.code());
    }

    pub(crate) fn is_bad(&self, i: usize) -> bool {
        self.bad[i]
    }

    fn bad_rows(&self) -> usize {
        self.bad.iter().filter(|b| **b).count()
    }

    fn any(&self) -> bool {
        !self.kept.is_empty() || self.omitted > 0
    }
}

/// What each written row did, for the outcome.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// One running import: who, which rows, what is wrong so far, and the job to report to.
pub(crate) struct Run<'a> {
    pub actor: &'a Actor,
    pub sheet: &'a ImportSheet,
    pub problems: Problems,
    pub(super) job: ImportJob,
    last_report: Instant,
}

/// How often a job tells the database how far it is; polls need no finer grain.
const REPORT_EVERY: Duration = Duration::from_millis(500);

impl<'a> Run<'a> {
    pub(crate) fn rows(&self) -> usize {
        self.sheet.rows.len()
    }

    /// Records that `done` rows have been checked, now and then.
    pub(crate) async fn progress(&mut self, services: &Services, done: usize) -> Result<()> {
        if self.last_report.elapsed() >= REPORT_EVERY {
            self.job.rows_done = done as i64;
            self.save(services).await?;
        }
        Ok(())
    }

    pub(super) fn new(actor: &'a Actor, sheet: &'a ImportSheet, job: ImportJob) -> Self {
        Run { actor, sheet, problems: Problems::new(sheet.rows.len()), job, last_report: Instant::now() }
    }

    pub(super) async fn save(&mut self, services: &Services) -> Result<()> {
        self.last_report = Instant::now();
        self.job.updated_at = services.clock.now();
        services.store.update_import_job(&self.job).await
    }

    /// Whether to write: a clean file, or one whose valid rows the caller asked for.
    pub(crate) fn may_write(&self) -> bool {
        !self.problems.any() || self.job.valid_rows_only
    }

    /// The outcome so far; `tally` is `None` when nothing is written.
    fn outcome(&mut self, tally: Option<Tally>) -> ImportOutcome {
        let bad = self.problems.bad_rows();
        let mut problems = std::mem::take(&mut self.problems.kept);
        problems.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
        let t = tally.unwrap_or_default();
        ImportOutcome {
            rows_total: self.rows(),
            rows_valid: self.rows() - bad,
            created: t.created,
            updated: t.updated,
            unchanged: t.unchanged,
            skipped: if tally.is_some() { bad } else { 0 },
            written: tally.is_some_and(|t| t.created + t.updated > 0),
            problems,
            problems_omitted: self.problems.omitted,
            warnings: self.sheet.warnings.clone(),
        }
    }

    /// Marks the job as writing and answers the outcome the write will have.
    pub(crate) async fn writing(&mut self, services: &Services, tally: Option<Tally>) -> Result<ImportOutcome> {
        self.job.status = ImportStatus::Writing;
        self.job.rows_done = self.rows() as i64;
        self.save(services).await?;
        Ok(self.outcome(tally))
    }

    /// The one audit row of an import: what it did in numbers, and from which file.
    pub(crate) fn audit_row(&self, services: &Services, o: &ImportOutcome) -> crate::model::NewAudit {
        let summary = serde_json::json!({
            "kind": self.job.kind, "file": self.job.file_name, "rows": o.rows_total, "created": o.created,
            "updated": o.updated, "unchanged": o.unchanged, "skipped": o.skipped,
        });
        services.audit(self.actor, "registry.import", "import", &self.job.id.to_string(), &self.job.area_path, None, Some(summary))
    }

    /// Writes what the rows produced, with the import's audit row, in one transaction.
    pub(crate) async fn commit(&mut self, services: &Services, batch: RegistryBatch, updates: RegistryUpdates, tally: Tally) -> Result<ImportOutcome> {
        let outcome = self.writing(services, Some(tally)).await?;
        if !batch.is_empty() || !updates.is_empty() {
            let audit = self.audit_row(services, &outcome);
            services.store.apply_import(&batch, &updates, &[audit]).await?;
        }
        Ok(outcome)
    }

    /// The outcome of a file refused for its problems.
    pub(crate) fn rejected(&mut self) -> ImportOutcome {
        self.outcome(None)
    }
}


/// Areas named in a file, fetched in bulk by code.
pub(crate) type AreasByCode = std::collections::HashMap<String, Area>;

impl Services {
    /// Takes the codes collected: an iterator with closures held across the awaits below
    /// would make the import's future not provably `Send`.
    pub(crate) async fn areas_named(&self, mut codes: Vec<String>) -> Result<AreasByCode> {
        codes.retain(|c| !c.is_empty());
        codes.sort();
        codes.dedup();
        let mut out = AreasByCode::new();
        for chunk in codes.chunks(500) {
            for a in self.store.areas_by_codes(chunk).await? {
                out.insert(a.code.to_string(), a);
            }
        }
        Ok(out)
    }
}

impl<'a> Run<'a> {
    /// The area a row names in column `key`, if the caller may work there and it is of the
    /// `level` wanted (`level_key` says what else is wrong). Unknown and out-of-scope areas
    /// read alike, as everywhere, so a file cannot probe for areas outside the caller's scope.
    pub(crate) fn area_in_scope(&mut self, areas: &AreasByCode, i: usize, key: &'static str, code: &str, level: Option<(AreaLevel, &'static str)>) -> Option<Area> {
        let area = areas.get(code).filter(|a| self.actor.covers(&a.path));
        let Some(area) = area else {
            self.problems.cell(self.sheet, i, key, "error-area-not-found");
            return None;
        };
        if area.retired {
            self.problems.cell(self.sheet, i, key, "error-import-area-retired");
            return None;
        }
        if let Some((want, message)) = level
            && area.level != want
        {
            self.problems.cell(self.sheet, i, key, message);
            return None;
        }
        Some(area.clone())
    }

    /// A cell that must not be empty.
    pub(crate) fn required(&mut self, i: usize, key: &'static str) -> Option<&'a str> {
        let sheet: &'a ImportSheet = self.sheet;
        let v = sheet.get(i, key);
        if v.is_empty() {
            self.problems.cell(self.sheet, i, key, "error-import-required");
            None
        } else {
            Some(v)
        }
    }

    /// Applies a validation to a cell, recording its error against the cell.
    pub(crate) fn check<T>(&mut self, i: usize, key: &'static str, r: Result<T>) -> Option<T> {
        r.map_err(|e| self.problems.error(self.sheet, i, key, e)).ok()
    }
}


//! Spreadsheet imports into the registry, once the web layer has turned a file into rows of
//! text (the domain knows nothing of XLSX or CSV).
//!
//! Every kind of import runs the same way. The whole file is checked first, and every
//! problem is collected with its row, column and message key instead of stopping at the
//! first. References are then resolved against what is on record in bulk, so a 100,000-row
//! file costs a few hundred queries. Nothing is written unless the file is clean, or the
//! caller asked for the valid rows only; what is written lands in one transaction with one
//! audit row that sums the import up. Rows that match a record on file update it, so
//! importing the same file twice changes nothing the second time.

mod areas;
mod households;
mod people;
mod places;
mod run;
pub mod words;

use uuid::Uuid;

use self::run::{Run, Tally};
use crate::error::{DomainError, Result};
use crate::model::{ImportJob, ImportKind, ImportOutcome, ImportProblem, ImportStatus};
use crate::rules::access::{Actor, Permission};
use crate::services::Services;

/// One column an import understands, with every header text accepted for it. The first two
/// are its Chinese and English names, which templates and exports write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportColumn {
    pub key: &'static str,
    pub headers: &'static [&'static str],
    /// The column must be present (its cells may still be optional).
    pub required: bool,
}

pub(crate) const fn req(key: &'static str, headers: &'static [&'static str]) -> ImportColumn {
    ImportColumn { key, headers, required: true }
}

pub(crate) const fn opt(key: &'static str, headers: &'static [&'static str]) -> ImportColumn {
    ImportColumn { key, headers, required: false }
}

/// The columns of a kind of file, in the order a template lists them.
pub fn columns(kind: ImportKind) -> &'static [ImportColumn] {
    match kind {
        ImportKind::Households => households::COLUMNS,
        ImportKind::Places => places::COLUMNS,
        ImportKind::People => people::COLUMNS,
        ImportKind::Areas => areas::COLUMNS,
    }
}

/// The permission an import of this kind needs.
pub fn permission(kind: ImportKind) -> Permission {
    match kind {
        ImportKind::Households | ImportKind::Places => Permission::ManageRegistry,
        ImportKind::People => Permission::ManagePeople,
        ImportKind::Areas => Permission::ManageAreas,
    }
}

/// A file's data rows as text.
#[derive(Debug, Clone, Default)]
pub struct ImportSheet {
    /// (column key, header as written in the file), for the columns the file has.
    pub columns: Vec<(&'static str, String)>,
    pub rows: Vec<ImportRow>,
    /// What the reader noticed without refusing the file, such as ignored columns.
    pub warnings: Vec<ImportProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Row number as the spreadsheet shows it.
    pub line: usize,
    /// Trimmed cell texts, one per entry of `ImportSheet::columns`.
    pub values: Vec<String>,
}

impl ImportSheet {
    fn index(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|(k, _)| *k == key)
    }

    /// The cell of `key` in row `i`; empty when the file has no such column.
    pub(crate) fn get(&self, i: usize, key: &str) -> &str {
        self.index(key).and_then(|c| self.rows[i].values.get(c)).map(String::as_str).unwrap_or("")
    }

    /// The header the user wrote for `key`, or the usual one when the file lacks the column.
    fn header(&self, key: &str) -> String {
        match self.index(key) {
            Some(c) => self.columns[c].1.clone(),
            None => ImportKind::ALL
                .iter()
                .flat_map(|k| columns(*k))
                .find(|c| c.key == key)
                .and_then(|c| c.headers.first())
                .map(|h| h.to_string())
                .unwrap_or_else(|| key.to_string()),
        }
    }
}

/// What the file name may tell: its last path component (browsers used to send
/// `C:\fakepath\…`), without control characters, bounded.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(128).collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() { "upload".to_string() } else { clean }
}

impl Services {
    /// Whether the caller may import this kind of file at all, asked before an upload is read.
    pub fn may_import(&self, actor: &Actor, kind: ImportKind) -> Result<()> {
        actor.require(permission(kind))
    }

    /// Accepts a file for import: the caller must be allowed to import this kind at all;
    /// each row's area is checked against their scope when the rows are read.
    pub async fn start_import(&self, actor: &Actor, kind: ImportKind, file_name: &str, valid_rows_only: bool) -> Result<ImportJob> {
        self.may_import(actor, kind)?;
        let now = self.clock.now();
        let job = ImportJob {
            id: Uuid::now_v7(),
            actor_id: (actor.user_id != Uuid::nil()).then_some(actor.user_id),
            actor_name: actor.username.clone(),
            area_path: actor.home_area_path.clone(),
            kind,
            file_name: clean_file_name(file_name),
            valid_rows_only,
            status: ImportStatus::Queued,
            rows_total: 0,
            rows_done: 0,
            outcome: None,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_import_job(&job).await?;
        Ok(job)
    }

    /// Runs a job over its file's rows, keeping the job up to date; the finished job holds
    /// the outcome. An error of ours ends the job as failed, with nothing written, and is
    /// also returned.
    pub async fn run_import(&self, actor: &Actor, job_id: Uuid, sheet: ImportSheet) -> Result<ImportJob> {
        let mut job = self.import_job(actor, job_id).await?;
        if job.status != ImportStatus::Queued {
            return Err(DomainError::Conflict("error-import-started"));
        }
        job.status = ImportStatus::Validating;
        job.rows_total = sheet.rows.len() as i64;
        let mut run = Run::new(actor, &sheet, job);
        run.save(self).await?;
        let result = match run.job.kind {
            ImportKind::Households => self.import_households(&mut run).await,
            ImportKind::Places => self.import_places(&mut run).await,
            ImportKind::People => self.import_people(&mut run).await,
            ImportKind::Areas => self.import_areas(&mut run).await,
        };
        let mut job = run.job;
        let failure = match result {
            Ok(outcome) => {
                let refused = !outcome.problems.is_empty() || outcome.problems_omitted > 0;
                job.status = if refused && !job.valid_rows_only { ImportStatus::Rejected } else { ImportStatus::Done };
                job.outcome = Some(outcome);
                None
            }
            Err(e) => {
                job.status = ImportStatus::Failed;
                job.outcome = Some(ImportOutcome::unreadable(vec![whole_file(e.code(), Vec::new())]));
                Some(e)
            }
        };
        job.updated_at = self.clock.now();
        self.store.update_import_job(&job).await?;
        // The job already says it failed; the error goes back too, for the caller's log.
        match failure {
            Some(e) => Err(e),
            None => Ok(job),
        }
    }

    /// Ends a job whose file could not be read at all (not a spreadsheet, wrong headers, …).
    pub async fn reject_import(&self, actor: &Actor, job_id: Uuid, problems: Vec<ImportProblem>) -> Result<ImportJob> {
        let mut job = self.import_job(actor, job_id).await?;
        job.status = ImportStatus::Rejected;
        job.outcome = Some(ImportOutcome::unreadable(problems));
        job.updated_at = self.clock.now();
        self.store.update_import_job(&job).await?;
        Ok(job)
    }

    /// A job, for the person who started it; for anyone else it does not exist.
    pub async fn import_job(&self, actor: &Actor, id: Uuid) -> Result<ImportJob> {
        let job = self.store.import_job(id).await?.ok_or(DomainError::NotFound("error-import-not-found"))?;
        let mine = (actor.user_id != Uuid::nil()).then_some(actor.user_id) == job.actor_id && job.actor_name == actor.username;
        if !mine {
            return Err(DomainError::NotFound("error-import-not-found"));
        }
        Ok(job.as_seen_at(self.clock.now()))
    }

    /// The caller's latest imports, newest first.
    pub async fn recent_imports(&self, actor: &Actor, limit: i64) -> Result<Vec<ImportJob>> {
        let now = self.clock.now();
        let jobs = self.store.import_jobs_of(actor.user_id, limit.clamp(1, 50)).await?;
        Ok(jobs.into_iter().map(|j| j.as_seen_at(now)).collect())
    }
}

/// A problem with the file as a whole.
pub fn whole_file(key: &str, args: Vec<(String, String)>) -> ImportProblem {
    ImportProblem { row: 0, column: String::new(), key: key.to_string(), value: String::new(), args }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_tamed() {
        assert_eq!(clean_file_name("C:\\fakepath\\居民.xlsx"), "居民.xlsx");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b.csv"), "ab.csv");
        assert_eq!(clean_file_name("  "), "upload");
    }

    #[test]
    fn every_kind_has_unique_keys_and_headers() {
        for kind in ImportKind::ALL {
            let cols = columns(kind);
            for (i, c) in cols.iter().enumerate() {
                assert!(!c.headers.is_empty(), "{}", c.key);
                assert!(cols[i + 1..].iter().all(|d| d.key != c.key), "{} twice", c.key);
                for h in c.headers {
                    let clash = cols.iter().any(|d| d.key != c.key && d.headers.iter().any(|x| x.to_lowercase() == h.to_lowercase()));
                    assert!(!clash, "{h} names two columns of {kind:?}");
                }
            }
        }
    }
}

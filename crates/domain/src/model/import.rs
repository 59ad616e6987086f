//! Spreadsheet imports into the registry, as jobs. A job's state lives in the database, not in
//! the memory of the node that runs it, so any node can answer "how far is my import?" and a
//! job whose node died is seen as interrupted rather than running forever.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Households and their residents, one resident per row.
    Households,
    /// Estates, their buildings and the buildings' entrances.
    Places,
    /// People who serve and the grids they serve.
    People,
    /// Areas in the national division-code format.
    Areas,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [ImportKind::Households, ImportKind::Places, ImportKind::People, ImportKind::Areas];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Households => "households",
            ImportKind::Places => "places",
            ImportKind::People => "people",
            ImportKind::Areas => "areas",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or(DomainError::invalid("kind", "error-import-kind"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Accepted, not yet started.
    Queued,
    /// Reading and checking rows; `rows_done` moves.
    Validating,
    /// Every row checked; the one write transaction is running.
    Writing,
    /// Written (possibly without the rows that had problems, when asked for).
    Done,
    /// Problems found; nothing was written.
    Rejected,
    /// Stopped by an error of ours, or its node went away; nothing was written.
    Failed,
}

impl ImportStatus {
    pub const ALL: [ImportStatus; 6] = [
        ImportStatus::Queued,
        ImportStatus::Validating,
        ImportStatus::Writing,
        ImportStatus::Done,
        ImportStatus::Rejected,
        ImportStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Validating => "validating",
            ImportStatus::Writing => "writing",
            ImportStatus::Done => "done",
            ImportStatus::Rejected => "rejected",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ImportStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_finished(self) -> bool {
        matches!(self, ImportStatus::Done | ImportStatus::Rejected | ImportStatus::Failed)
    }
}

/// One problem with a file, a row or a cell. Row 0 means the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportProblem {
    /// Row number as the spreadsheet shows it.
    pub row: usize,
    /// The column's header as written in the file; empty for a whole row or file.
    pub column: String,
    /// Message key, e.g. `error-id-check-digit`.
    pub key: String,
    /// The offending value (shortened), so the user recognises the cell.
    pub value: String,
    /// Arguments of the message, e.g. the other row of a duplicate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, String)>,
}

/// A report of a whole file would be bigger than the file for a sheet full of mistakes;
/// past this many problems the rest are only counted.
pub const MAX_IMPORT_PROBLEMS: usize = 1000;

/// What an import found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportOutcome {
    pub rows_total: usize,
    /// Rows without any problem.
    pub rows_valid: usize,
    /// Rows that added a new record, changed one, or matched one exactly.
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows left out because they had problems ("valid rows only").
    pub skipped: usize,
    /// Whether anything was written.
    pub written: bool,
    /// By row, at most `MAX_IMPORT_PROBLEMS`.
    pub problems: Vec<ImportProblem>,
    pub problems_omitted: usize,
    /// Things worth knowing that did not stop the import, such as ignored columns.
    #[serde(default)]
    pub warnings: Vec<ImportProblem>,
}

impl ImportOutcome {
    /// An outcome for a file that could not be read at all.
    pub fn unreadable(problems: Vec<ImportProblem>) -> Self {
        ImportOutcome { problems, ..Default::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportJob {
    pub id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    /// The importer's home area at the time, for the audit row.
    pub area_path: String,
    pub kind: ImportKind,
    pub file_name: String,
    pub valid_rows_only: bool,
    pub status: ImportStatus,
    pub rows_total: i64,
    pub rows_done: i64,
    pub outcome: Option<ImportOutcome>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A running job reports progress at least this often; one silent for longer lost its node.
pub const IMPORT_STALE_AFTER_SECS: i64 = 600;

impl ImportJob {
    /// The job as it should be shown at `now`: an unfinished job that has not reported for
    /// `IMPORT_STALE_AFTER_SECS` is failed, because no node is working on it any more.
    pub fn as_seen_at(mut self, now: DateTime<Utc>) -> Self {
        let silent = (now - self.updated_at).num_seconds();
        if !self.status.is_finished() && silent > IMPORT_STALE_AFTER_SECS {
            self.status = ImportStatus::Failed;
            let problem = ImportProblem {
                row: 0,
                column: String::new(),
                key: "error-import-interrupted".into(),
                value: String::new(),
                args: Vec::new(),
            };
            self.outcome = Some(ImportOutcome::unreadable(vec![problem]));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_silent_jobs_fail() {
        for k in ImportKind::ALL {
            assert_eq!(ImportKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(ImportKind::parse("cases").is_err());
        for s in ImportStatus::ALL {
            assert_eq!(ImportStatus::parse(s.as_str()), Some(s));
        }
        let t0 = Utc::now();
        let job = ImportJob {
            id: Uuid::now_v7(),
            actor_id: None,
            actor_name: "x".into(),
            area_path: "/".into(),
            kind: ImportKind::Households,
            file_name: "a.xlsx".into(),
            valid_rows_only: false,
            status: ImportStatus::Validating,
            rows_total: 10,
            rows_done: 3,
            outcome: None,
            created_at: t0,
            updated_at: t0,
        };
        assert_eq!(job.clone().as_seen_at(t0 + chrono::Duration::seconds(60)).status, ImportStatus::Validating);
        let stale = job.as_seen_at(t0 + chrono::Duration::seconds(IMPORT_STALE_AFTER_SECS + 1));
        assert_eq!(stale.status, ImportStatus::Failed);
        assert_eq!(stale.outcome.unwrap().problems[0].key, "error-import-interrupted");
    }
}

//! What cases need from storage. Like every port, each write is one transaction together
//! with its audit row; lists are scoped by a path and paged by key, never counted in full.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::Result;
use crate::model::NewAudit;
use crate::model::case::{Case, CaseKind, CaseNumber, CaseStatus, HandlingLevel, LedgerCase, Party, TimelineEntry};

/// A new case as intake produced it. Its number is a placeholder: the store allocates the
/// real one inside the transaction, from the counter of `district_code` and `year`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseIntake {
    pub case: Case,
    pub parties: Vec<Party>,
    pub entry: TimelineEntry,
    pub district_code: String,
    pub year: i32,
    /// Written in the same transaction when the case came from Open311 or the residents' portal.
    pub submission: Option<crate::model::submission::Submission>,
}

/// One case as it stands with everything that led there.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseHistory {
    pub case: Case,
    pub parties: Vec<Party>,
    /// Oldest first, the intake included; it must replay to `case`.
    pub timeline: Vec<TimelineEntry>,
}

/// Finished histories written at once: the demo's and the city generator's. Numbers are
/// already on the cases; `counters` holds, per district and year, the highest one used.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseHistories {
    pub cases: Vec<CaseHistory>,
    pub counters: Vec<(String, i32, i64)>,
}

/// Which cases a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseScope {
    /// Cases whose home area lies in this subtree: what a caller may see.
    Area(String),
    /// Cases handled now by the office of exactly this area: a tier's queue.
    Handling(String),
}

/// A keyset page of cases, newest first: rows with ids below `before`, at most `limit`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseQuery {
    pub scope: CaseScope,
    pub status: Option<CaseStatus>,
    pub kind: Option<CaseKind>,
    /// A category code; its subcategories match too.
    pub category: Option<String>,
    pub handler_id: Option<Uuid>,
    /// Only cases whose deadline passed before this instant and that are still open.
    pub overdue_at: Option<DateTime<Utc>>,
    /// The tier handling it now.
    pub level: Option<HandlingLevel>,
    /// Taken in at or after this instant, and before `taken_in_before`: the intake period.
    pub taken_in_from: Option<DateTime<Utc>>,
    pub taken_in_before: Option<DateTime<Utc>>,
    pub before: Option<Uuid>,
    pub limit: i64,
    /// Only cases with an open supervision order (督办).
    pub supervised: bool,
    /// Only cases with an extension request waiting for a decision.
    pub extension_pending: bool,
    /// Only cases still being worked on: neither closed nor declined.
    pub open_only: bool,
}

impl CaseQuery {
    /// True when nothing narrows the list but its scope and intake period (`before` and
    /// `limit` page it). Written out field by field, so that a new filter cannot be missed.
    pub fn only_scope_and_period(&self) -> bool {
        let CaseQuery {
            scope: _,
            status,
            kind,
            category,
            handler_id,
            overdue_at,
            level,
            taken_in_from: _,
            taken_in_before: _,
            before: _,
            limit: _,
            supervised,
            extension_pending,
            open_only,
        } = self;
        status.is_none()
            && kind.is_none()
            && category.is_none()
            && handler_id.is_none()
            && overdue_at.is_none()
            && level.is_none()
            && !supervised
            && !extension_pending
            && !open_only
    }

    pub fn new(scope: CaseScope, limit: i64) -> Self {
        CaseQuery {
            scope,
            status: None,
            kind: None,
            category: None,
            handler_id: None,
            overdue_at: None,
            level: None,
            taken_in_from: None,
            taken_in_before: None,
            before: None,
            limit,
            supervised: false,
            extension_pending: false,
            open_only: false,
        }
    }
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Allocates the number, then writes the case, its parties, its first timeline entry and
    /// the audit row (whose `after.number` is filled in) at once. Answers the case as stored.
    async fn insert_case(&self, intake: &CaseIntake, audit: &NewAudit) -> Result<Case>;
    /// Writes whole histories in one transaction with one audit row; the number counters are
    /// raised to the highest number used, so later intakes continue after them.
    async fn import_case_histories(&self, batch: &CaseHistories, audit: &NewAudit) -> Result<()>;
    /// Saves a transition: the case only if it is still at `expected_version` (else a
    /// conflict and nothing is written), its timeline entry and the audit row.
    async fn save_transition(&self, case: &Case, expected_version: i64, entry: &TimelineEntry, audit: &NewAudit) -> Result<()>;
    async fn case_by_id(&self, id: Uuid) -> Result<Option<Case>>;
    async fn case_by_number(&self, number: &CaseNumber) -> Result<Option<Case>>;
    async fn cases(&self, q: &CaseQuery) -> Result<Vec<Case>>;
    /// In the order they were taken in.
    async fn case_parties(&self, case_id: Uuid) -> Result<Vec<Party>>;
    /// Every party of every case by id, a page at a time: for key rotation only.
    async fn parties_after(&self, after: Option<Uuid>, limit: i64) -> Result<Vec<Party>>;
    /// Oldest first, intake included.
    async fn case_timeline(&self, case_id: Uuid) -> Result<Vec<TimelineEntry>>;
}

/// What the case ledger (台账) needs beyond the list: how many rows an export will hold, told
/// up front so a client can show progress, and the parties of a page of cases in one query.
#[async_trait]
pub trait CaseLedgerStore: Send + Sync {
    /// The number of cases `q` matches, ignoring `before` and `limit`.
    async fn count_cases(&self, q: &CaseQuery) -> Result<i64>;
    /// The number of cases taken in within `[from, before)` across every area (either end
    /// open when `None`): what a walk in intake order reads for that period.
    async fn count_taken_in(&self, from: Option<DateTime<Utc>>, before: Option<DateTime<Utc>>) -> Result<i64>;
    /// The parties of these cases, each case's in the order they were taken in.
    async fn parties_of_cases(&self, case_ids: &[Uuid]) -> Result<Vec<Party>>;
    /// A page of an area's ledger (`q.scope` is an area; `q.before` is ignored): in the order
    /// taken in (intake time, then id), starting after `after`, found as `walk` says. Keyed, so
    /// no page sorts what earlier pages handed out. Only the ledger's columns, parties' names
    /// included, so that a page comes in one piece rather than row by row.
    async fn ledger_cases(&self, q: &CaseQuery, walk: LedgerWalk, after: Option<&LedgerKey>) -> Result<Vec<LedgerCase>>;
}

/// How a ledger's pages find their cases; the order is the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerWalk {
    /// Through the area's own cases, each page sorted: cheap while the area holds few cases.
    InArea,
    /// Along every case of the period in intake order, keeping the area's. Cases are stored
    /// in the order they were written, so a large ledger reads the table front to back
    /// instead of seeking once per row (at ten million cases, a disk seek per row).
    InTime,
}

/// Where a ledger walk stands: the sort key of the last case handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerKey {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

impl LedgerKey {
    pub fn of(case: &LedgerCase) -> Self {
        LedgerKey { created_at: case.created_at, id: case.id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scope_and_period_is_false_for_any_other_filter() {
        let all = CaseQuery::new(CaseScope::Area("/1501/".into()), 10);
        assert!(all.only_scope_and_period());
        let period = CaseQuery { taken_in_from: Some(Utc::now()), taken_in_before: Some(Utc::now()), before: Some(Uuid::nil()), ..all.clone() };
        assert!(period.only_scope_and_period(), "the period, and paging, do not narrow it");
        for narrowed in [
            CaseQuery { kind: Some(CaseKind::Dispute), ..all.clone() },
            CaseQuery { category: Some("labour".into()), ..all.clone() },
            CaseQuery { overdue_at: Some(Utc::now()), ..all.clone() },
            CaseQuery { supervised: true, ..all.clone() },
            CaseQuery { open_only: true, ..all.clone() },
        ] {
            assert!(!narrowed.only_scope_and_period(), "{narrowed:?}");
        }
    }
}

//! A case as the ledger (台账) lists it: the columns an official keeps and nothing more. A
//! ledger runs to a million rows, so a store reads only these columns, and a page of them in
//! one piece (see `CaseLedgerStore::ledger_cases`), instead of whole cases row by row.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{Case, CaseKind, CaseNumber, CaseStatus, CategoryCode, Channel, HandlingLevel, Outcome, RiskLevel, Satisfaction};

/// Deserialisable from a JSON array holding the fields in this order, which is how the
/// stores hand a page over.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LedgerCase {
    pub id: Uuid,
    pub number: CaseNumber,
    pub kind: CaseKind,
    pub category: CategoryCode,
    pub title: String,
    pub area_path: String,
    pub address: Option<String>,
    pub channel: Channel,
    pub risk: RiskLevel,
    pub created_at: DateTime<Utc>,
    pub status: CaseStatus,
    pub handling_level: HandlingLevel,
    pub handler_name: Option<String>,
    pub deadline: Option<DateTime<Utc>>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub resolved_level: Option<HandlingLevel>,
    pub satisfaction: Option<Satisfaction>,
    /// A supervision order (督办) waits for an answer.
    pub supervised: bool,
    /// Party names only, in the order they were taken in: their ID numbers and phones never
    /// enter a ledger, masked or not.
    pub parties: Vec<String>,
}

impl LedgerCase {
    pub fn of(case: Case, parties: Vec<String>) -> Self {
        LedgerCase {
            id: case.id,
            number: case.number,
            kind: case.kind,
            category: case.category,
            title: case.title,
            area_path: case.area_path,
            address: case.address,
            channel: case.channel,
            risk: case.risk,
            created_at: case.created_at,
            status: case.status,
            handling_level: case.handling_level,
            handler_name: case.handler_name,
            deadline: case.deadline,
            concluded_at: case.concluded_at,
            outcome: case.outcome,
            resolved_level: case.resolved_level,
            satisfaction: case.satisfaction,
            supervised: case.supervision.is_some(),
            parties,
        }
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        super::overdue(self.status, self.deadline, now)
    }
}

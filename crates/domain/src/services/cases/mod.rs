//! Use cases of cases (事件): intake, the actions of the workflow, and the queues and pages
//! that read them. The rules themselves live in `rules::workflow`; these methods load what
//! the rules need, call them, and hand the result to the store in one transaction with its
//! audit row. Personal data of parties is protected with the vault and leaves masked.

mod act;
mod attachments;
mod bulk;
mod intake;
mod ledger;
pub(crate) mod notices;
mod queries;
pub mod search;
pub mod settings;

use std::sync::Arc;

use serde_json::json;

pub use act::ActOutcome;
pub use attachments::{AttachmentSettings, NewAttachment};
pub use bulk::{BulkAssign, BulkItem, BulkResult, MAX_BULK, Workload};
pub use intake::{NewCase, PARTY_ID_FIELD, PARTY_PHONE_FIELD};
pub use ledger::{LedgerExport, LedgerRow};
pub use queries::{CaseFile, CaseList, CaseQueue};
pub use search::{CaseSearch, IntakeDraft};

use crate::model::case::{Case, CategoryTree, Party};
use crate::rules::deadline::Deadlines;

/// What cases need besides the store: the category tree, the working-day calendar and the
/// deadline limits, as an administrator set them (see `settings`). Shared, because every
/// request reads them; a change replaces them whole.
#[derive(Debug, Clone)]
pub struct CaseSettings {
    pub categories: Arc<CategoryTree>,
    pub deadlines: Arc<Deadlines>,
    /// The database's settings version these were loaded at.
    pub version: i64,
}

pub(crate) const NOT_FOUND: &str = "error-case-not-found";

/// What the audit log keeps of a case's state: the workflow fields, no personal data.
pub(crate) fn state_summary(c: &Case) -> serde_json::Value {
    json!({
        "status": c.status, "handling_level": c.handling_level, "handler_id": c.handler_id, "handler_name": c.handler_name,
        "outcome": c.outcome, "resolved_level": c.resolved_level, "satisfaction": c.satisfaction, "partner_room": c.partner_room,
        "deadline": c.deadline, "version": c.version,
    })
}

/// A party as the audit log keeps it: ID number and phone masked.
pub(crate) fn party_summary(p: &Party) -> serde_json::Value {
    json!({
        "role": p.role, "kind": p.kind, "name": p.name, "resident_id": p.resident_id,
        "id_number": p.id_number.as_ref().map(|x| &x.masked), "phone": p.phone.as_ref().map(|x| &x.masked),
    })
}

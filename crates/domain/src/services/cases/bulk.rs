//! A tier's office at work on its queue: several cases assigned in one go, and the load each
//! handler carries.

use chrono::{Datelike, NaiveTime, TimeZone};
use chrono_tz::Asia::Shanghai;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::case::{Case, CaseAction};
use crate::ports::WorkloadRow;
use crate::rules::access::{Actor, Permission};
use crate::rules::calendar::local_date;
use crate::services::Services;

/// Most cases one bulk assignment takes: a queue page's worth.
pub const MAX_BULK: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct BulkItem {
    pub id: Uuid,
    pub expected_version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkAssign {
    pub items: Vec<BulkItem>,
    pub handler_id: Uuid,
    pub note: Option<String>,
}

/// What happened to one case: assigned, or the reason it was not. Each case is its own
/// transaction, so a refusal leaves that case exactly as it was and the others assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkResult {
    pub id: Uuid,
    pub outcome: Result<Case>,
}

/// A tier office's workload: one row per handler, by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub area_code: String,
    pub area_name: String,
    pub rows: Vec<WorkloadRow>,
}

impl Services {
    /// Assigns each case through the workflow's own Assign action, one after another.
    pub async fn bulk_assign(&self, actor: &Actor, req: BulkAssign) -> Result<Vec<BulkResult>> {
        actor.require(Permission::SuperviseCases)?;
        if req.items.is_empty() || req.items.len() > MAX_BULK {
            return Err(DomainError::invalid("items", "error-bulk-size"));
        }
        let mut seen = std::collections::HashSet::new();
        if !req.items.iter().all(|i| seen.insert(i.id)) {
            return Err(DomainError::invalid("items", "error-bulk-duplicate"));
        }
        let mut out = Vec::with_capacity(req.items.len());
        for item in req.items {
            // The name is the account's; `act` fills it in.
            let action = CaseAction::Assign { handler_id: req.handler_id, handler_name: "-".into(), note: req.note.clone() };
            let outcome = self.act(actor, item.id, item.expected_version, action).await.map(|o| o.case);
            out.push(BulkResult { id: item.id, outcome });
        }
        Ok(out)
    }

    /// Who in the office of `area_code` (the caller's home when absent) carries what: open
    /// cases, overdue ones, and those concluded this calendar month (Asia/Shanghai).
    pub async fn workload(&self, actor: &Actor, area_code: Option<&str>) -> Result<Workload> {
        actor.require(Permission::ViewCases)?;
        let area = match area_code {
            Some(code) => self.area(actor, code).await?,
            None => self.home_area(actor).await?,
        };
        actor.may_in(Permission::ViewCases, &area.path, "error-area-not-found")?;
        let now = self.clock.now();
        let first = local_date(now).with_day(1).expect("every month has a first day");
        let since = Shanghai
            .from_local_datetime(&first.and_time(NaiveTime::MIN))
            .single()
            .expect("Asia/Shanghai has no gaps after 1991")
            .with_timezone(&chrono::Utc);
        let rows = self.store.case_workload(&area.path, now, since).await?;
        Ok(Workload { area_code: area.code.to_string(), area_name: area.name, rows })
    }
}
